"""Intake: the applicant at the counter, a new case (berkas), corrections of the applicant's data.

A person (and each organisation they represent) has one applicant record, upserted at every
visit; each case keeps the applicant's data as entered for it (Case.applicant_data), so a later
visit with corrected data never rewrites earlier cases or their letters.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from models import events, queue
from models.dto import ApplicantInfo, ApplicantInput, CaseDetail, DeskError, SessionInfo, ValidationError
from models.kernel import Context, Tx
from models.permissions import Permission
from models.readmodel import (
    CaseRecord,
    applicant_info,
    case_detail,
    load_bundle,
    load_case,
    snapshot_of,
)
from models.tables import Applicant, Case, ChecklistAnswer
from forms.validators import mask_nik, name_key, validate_applicant

#: The person fields intake writes (besides kind and nik).
_PERSON_FIELDS = ("name", "sex", "birth_date", "address", "desa", "kecamatan", "kabupaten", "phone", "org_name")


def find_applicant(ctx: Context, session: SessionInfo, nik: str) -> ApplicantInfo | None:
    """The applicant last recorded with this NIK, if any (the look-up of someone's personal
    data is recorded in the audit trail)."""
    nik = re.sub(r"[\s.]", "", nik or "")
    if not nik:
        return None

    row = ctx.read(session, Permission.CASE_VIEW, lambda: Applicant.select().where(Applicant.nik == nik)
                   .order_by(Applicant.updated_at.desc()).first())
    if row is None:
        return None
    # reads outside the write lock; the look-up is recorded once something was shown
    ctx.write(session, Permission.CASE_VIEW, lambda tx: tx.audit("lihat", "applicant", row.id,
                                                                 nik=mask_nik(row.nik)))
    return applicant_info(ctx, row)


def _fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    fields = {k: cleaned.get(k, "") for k in _PERSON_FIELDS}
    fields["birth_date"] = cleaned.get("birth_date")
    return fields


def open_case(ctx: Context, session: SessionInfo, service_code: str, applicant: ApplicantInput,
              ticket_id: int | None = None) -> CaseDetail:
    """Record the applicant and open a case (berkas) for a service; a ticket called to this
    loket is now being served.

    Raises:
        ValidationError: with a message per field for bad input.
        DeskError: the ticket is not called to this loket.
    """
    svc = ctx.catalog_service(service_code)
    service_id = ctx.service_id(svc.code)
    data = {k: getattr(applicant, k) for k in ApplicantInput.__dataclass_fields__}
    cleaned, errors = validate_applicant(data, kind=svc.applicant_kind, today=ctx.today())
    if errors:
        raise ValidationError(errors)
    person = {"kind": svc.applicant_kind, "nik": cleaned["nik"], **_fields(cleaned)}
    key = name_key(person["name"], person["org_name"])

    def body(tx: Tx) -> CaseDetail:
        values = {**person, "name_key": key, "updated_at": tx.now}
        applicant_id, created_at = (
            Applicant.insert(created_at=tx.now, **values)
            .on_conflict(conflict_target=[Applicant.nik, Applicant.kind, Applicant.org_name],
                         update={getattr(Applicant, k): v for k, v in values.items() if k not in ("nik", "kind")})
            .returning(Applicant.id, Applicant.created_at).tuples().execute()[0]
        )
        if isinstance(created_at, str):  # SQLite hands RETURNING values back as stored text
            created_at = dt.datetime.fromisoformat(created_at)
        tx.audit("buat" if created_at == tx.now else "ubah", "applicant", applicant_id,
                 nik=mask_nik(person["nik"]))
        code = queue.serve_for_case(ctx, tx, session, ticket_id) if ticket_id is not None else ""
        row = Case(office=ctx.office_id, service=service_id, applicant=applicant_id, ticket=ticket_id,
                   applicant_data=snapshot_of(person), member_count=cleaned.get("member_count"),
                   created_by=session.staff_id, created_at=tx.now, updated_at=tx.now,
                   verify_started_at=tx.now, status="verifikasi", conditions="{}", outcome="")
        row.save(force_insert=True)
        if svc.persyaratan:
            ChecklistAnswer.insert_many([{"case": row.id, "item_id": it.id, "received": False, "note": "",
                                          "updated_at": tx.now} for it in svc.persyaratan]).execute()
        tx.audit("buka_berkas", "case", row.id, layanan=svc.code, tiket=code or None)
        tx.emit(events.CASE_OPENED, row.id, layanan=svc.code, tiket=code or None)
        record = CaseRecord(row=row, applicant=Applicant(id=applicant_id, **person), ticket_code=code)
        return case_detail(ctx, record)

    return ctx.write(session, Permission.CASE_EDIT, body)


def update_applicant(ctx: Context, session: SessionInfo, case_id: int, applicant: ApplicantInput) -> CaseDetail:
    """Correct the applicant's data of a case (a typo noticed at the checklist or before the
    letter is printed): this case and the applicant's record change; earlier cases keep what
    they had. The NIK identifies the person and cannot be changed here.

    Raises:
        ValidationError: with a message per field for bad input (or a changed NIK).
        DeskError: when the case is finished (selesai or ditolak).
    """
    data = {k: getattr(applicant, k) for k in ApplicantInput.__dataclass_fields__}

    def body(tx: Tx) -> CaseDetail:
        record = load_case(ctx, case_id, lock=True)
        row = record.row
        if row.status in ("selesai", "ditolak"):
            raise DeskError("Berkas sudah selesai; data pemohonnya tidak dapat diubah lagi.")
        svc = ctx.service_by_row(row.service_id)
        if svc is None:
            raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
        cleaned, errors = validate_applicant(data, kind=svc.applicant_kind, today=ctx.today())
        current = applicant_info(ctx, record.applicant, row.applicant_data)
        if not errors.get("nik") and cleaned.get("nik") != current.nik:
            errors["nik"] = ("NIK tidak dapat diubah pada berkas ini; bila NIK salah, buat "
                             "berkas baru dengan NIK yang benar.")
        if errors:
            raise ValidationError(errors)
        fields = _fields(cleaned)
        # only what was corrected goes to the person's record: the other fields of this (maybe
        # older) case must not undo what a later visit recorded
        changed = sorted(k for k in fields if (getattr(current, k) or "") != (fields[k] or ""))
        if changed:
            person = record.applicant
            for k in changed:
                setattr(person, k, fields[k])
            (Applicant.update(updated_at=tx.now, name_key=name_key(person.name, person.org_name),
                              **{k: fields[k] for k in changed})
             .where(Applicant.id == row.applicant_id).execute())
        snapshot = snapshot_of({"kind": current.kind, "nik": current.nik, **fields})
        row.applicant_data, row.updated_at = snapshot, tx.now
        if svc.applicant_kind == "kelompok":
            row.member_count = cleaned.get("member_count")
        (Case.update(applicant_data=snapshot, member_count=row.member_count, updated_at=tx.now)
         .where(Case.id == row.id).execute())
        tx.audit("ubah_pemohon", "case", row.id, nik=mask_nik(current.nik), kolom=changed)
        tx.emit(events.CASE_CHANGED, row.id)
        return case_detail(ctx, load_bundle(ctx, record))

    return ctx.write(session, Permission.CASE_EDIT, body)
