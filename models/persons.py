"""People in a case: the persons besides the pemohon in the roles a service takes (anak,
orang tua / wali, anggota, ketua / sekretaris / bendahara, pengurus ...), the organisation data
of a case (akta notaris, pengesahan, NPWP, sekretariat), what is still missing of them for the
lengkap decision (:func:`people_problems`, from forms.people, where the checks of what was
typed live too), and the letter placeholders that name them.

Each case keeps its people as entered for it (table case_person, one row per person, and
case_organisation, one row per case): a later case of the same lembaga never changes what an
earlier case's letters print. A case is read with them in the same statement (two JSON
subquery columns of :func:`models.readmodel.load_case`, see :func:`people_columns`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peewee import fn

from forms.catalog import ROLE_KINDS
from forms.people import (
    FINISHED,
    MEMBER_ROLES,
    NOT_THE_PEMOHON,
    ROLE_LABELS,
    check_organisation,
    check_person,
    format_npwp,
    people_problems,
    role_label,
    roles_of,
    since_years,
)
from forms.validators import SEX_LABELS, age_on, mask_nik
from models import events
from models.casedto import (
    CasePeople,
    OrganisationInfo,
    OrganisationInput,
    PersonInput,
    PersonLine,
)
from models.dto import (
    DeskError,
    SessionInfo,
    ValidationError,
)
from models.kernel import Context, Tx
from models.permissions import Permission
from models.tables import Applicant, Case, CaseOrganisation, CasePerson

_PERSON_COLUMNS = (CasePerson.id, CasePerson.role, CasePerson.position, CasePerson.nik, CasePerson.name,
                   CasePerson.sex, CasePerson.birth_date, CasePerson.address, CasePerson.phone, CasePerson.note)
_ORG_COLUMNS = (CaseOrganisation.name, CaseOrganisation.akta_no, CaseOrganisation.akta_date,
                CaseOrganisation.pengesahan_no, CaseOrganisation.npwp, CaseOrganisation.address,
                CaseOrganisation.since)
_ORG_FIELDS = ("name", "akta_no", "akta_date", "pengesahan_no", "npwp", "address", "since")


def _sorted(svc: Any, people: list[PersonLine]) -> tuple[PersonLine, ...]:
    order = [r.id for r in roles_of(svc)] + list(ROLE_LABELS)
    return tuple(sorted(people, key=lambda p: (order.index(p.role) if p.role in order else len(order),
                                               p.position, p.id)))


# -- reading ---------------------------------------------------------------------------------------

def people_columns(ctx: Context) -> dict[str, Any]:
    """Subquery columns that read a case's people and organisation with the case row (one
    JSON array each; ``Case`` must be in the outer query)."""
    if ctx.postgres:
        agg, array = fn.json_agg, fn.json_build_array
    else:
        agg, array = fn.json_group_array, fn.json_array
    return {
        "people_json": CasePerson.select(agg(array(*_PERSON_COLUMNS))).where(CasePerson.case == Case.id),
        "organisation_json": (CaseOrganisation.select(array(*_ORG_COLUMNS))
                              .where(CaseOrganisation.case == Case.id)),
    }


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def people_of(ctx: Context, svc: Any, people_json: Any, organisation_json: Any
              ) -> tuple[tuple[PersonLine, ...], OrganisationInfo | None]:
    """The people and organisation of a case from the two columns of :func:`people_columns`."""
    today = ctx.today()
    people = []
    for pid, role, position, nik, name, sex, birth, address, phone, note in _json(people_json) or ():
        birth = _date(birth)
        people.append(PersonLine(
            id=pid, role=role, role_label=role_label(svc, role), position=position or 1, nik=nik or "",
            nik_masked=mask_nik(nik or ""), name=name, sex=sex or "", birth_date=birth,
            age=age_on(birth, today) if birth else None, address=address or "", phone=phone or "",
            note=note or ""))
    organisation = None
    raw = _json(organisation_json)
    if raw:
        values = dict(zip(_ORG_FIELDS, raw))
        values = {k: ("" if v is None and k != "akta_date" else v) for k, v in values.items()}
        values["akta_date"] = _date(values["akta_date"])
        organisation = OrganisationInfo(**values, years=since_years(values["since"], today))
    return _sorted(svc, people), organisation


def people_of_row(ctx: Context, svc: Any, row: Any) -> tuple[tuple[PersonLine, ...], OrganisationInfo | None]:
    """The people and organisation of a case row read by ``load_case`` (none for a row built
    by a write that did not read them)."""
    return people_of(ctx, svc, getattr(row, "people_json", None), getattr(row, "organisation_json", None))


def people_fields(ctx: Context, svc: Any, row: Any) -> dict[str, Any]:
    """CaseDetail's ``people`` and ``organisation`` from a case row read by ``load_case``."""
    people, organisation = people_of_row(ctx, svc, row)
    return {"people": people, "organisation": organisation}


def load_people(ctx: Context, case_id: int) -> tuple[tuple[PersonLine, ...], OrganisationInfo | None]:
    """The people and organisation of a case (one statement; inside a read or a write)."""
    columns = people_columns(ctx)
    row = (Case.select(Case.service, *[q.alias(n) for n, q in columns.items()])
           .where((Case.id == case_id) & (Case.office == ctx.office_id)).first())
    if row is None:
        raise DeskError(f"Berkas nomor {case_id} tidak ditemukan.")
    return people_of_row(ctx, ctx.service_by_row(row.service_id), row)


# -- changing ----------------------------------------------------------------------------------------

def _lock(ctx: Context, case_id: int) -> tuple[Any, Any, tuple[PersonLine, ...], OrganisationInfo | None]:
    """The case row (locked), its catalog service, people and organisation; refused when finished."""
    columns = people_columns(ctx)
    query = (Case.select(Case.id, Case.status, Case.service, Case.member_count, Applicant.nik.alias("applicant_nik"),
                         Applicant.name.alias("applicant_name"), Applicant.org_name.alias("applicant_org"),
                         *[q.alias(n) for n, q in columns.items()])
             .join(Applicant).where((Case.id == case_id) & (Case.office == ctx.office_id)))
    if ctx.postgres:
        query = query.for_update(of=Case)
    row = query.objects().first()
    if row is None:
        raise DeskError(f"Berkas nomor {case_id} tidak ditemukan.")
    svc = ctx.service_by_row(row.service_id)
    if svc is None:
        raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
    if row.status in FINISHED:
        raise DeskError("Berkas sudah selesai; orang dalam berkas tidak dapat diubah lagi.")
    people, organisation = people_of_row(ctx, svc, row)
    return row, svc, people, organisation


def _result(ctx: Context, row: Any, svc: Any, people: tuple[PersonLine, ...] | list[PersonLine],
            organisation: OrganisationInfo | None) -> CasePeople:
    people = _sorted(svc, list(people))
    return CasePeople(
        case_id=row.id, status=row.status, service_code=svc.code, applicant_kind=svc.applicant_kind,
        member_count=row.member_count, people=people, organisation=organisation,
        problems=tuple(people_problems(svc, people, organisation, row.member_count)),
        editable=row.status not in FINISHED,
        applicant_name=getattr(row, "applicant_org", "") or getattr(row, "applicant_name", ""),
        applicant_nik_masked=mask_nik(getattr(row, "applicant_nik", "") or ""))


def case_people(ctx: Context, session: SessionInfo, case_id: int) -> CasePeople:
    """The people of a case as the people screen shows them."""
    def read() -> CasePeople:
        columns = people_columns(ctx)
        row = (Case.select(Case.id, Case.status, Case.service, Case.member_count,
                           Applicant.nik.alias("applicant_nik"), Applicant.name.alias("applicant_name"),
                           Applicant.org_name.alias("applicant_org"), *[q.alias(n) for n, q in columns.items()])
               .join(Applicant).where((Case.id == case_id) & (Case.office == ctx.office_id)).objects().first())
        if row is None:
            raise DeskError(f"Berkas nomor {case_id} tidak ditemukan.")
        svc = ctx.service_by_row(row.service_id)
        if svc is None:
            raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
        return _result(ctx, row, svc, *people_of_row(ctx, svc, row))

    return ctx.read(session, Permission.CASE_VIEW, read)


def _refuse_clashes(svc: Any, row: Any, people: tuple[PersonLine, ...], cleaned: dict[str, Any],
                    person_id: int | None) -> None:
    """Max per role, the same NIK twice, the pemohon in a role they cannot hold."""
    others = [p for p in people if p.id != person_id]
    role = next(r for r in roles_of(svc) if r.id == cleaned["role"])
    if role.max is not None and sum(p.role == role.id for p in others) >= role.max:
        raise ValidationError({"role": f"{role.label} paling banyak {role.max} orang pada layanan ini."})
    nik = cleaned["nik"]
    if nik:
        twin = next((p for p in others if p.nik == nik), None)
        if twin is not None:
            raise ValidationError({"nik": f"NIK ini sudah tercatat pada berkas ini sebagai {twin.role_label} "
                                          f"({twin.name})."})
        if nik == row.applicant_nik and role.id in NOT_THE_PEMOHON:
            raise ValidationError({"nik": f"NIK ini milik pemohon; pemohon tidak dapat dicatat sebagai "
                                          f"{role.label.lower()} pada berkasnya sendiri."})


def _line(svc: Any, ctx: Context, person_id: int, position: int, c: dict[str, Any]) -> PersonLine:
    birth = c["birth_date"]
    return PersonLine(id=person_id, role=c["role"], role_label=role_label(svc, c["role"]), position=position,
                      nik=c["nik"] or "", nik_masked=mask_nik(c["nik"] or ""), name=c["name"], sex=c["sex"],
                      birth_date=birth, age=age_on(birth, ctx.today()) if birth else None,
                      address=c["address"], phone=c["phone"], note=c["note"])


def _checked(result: tuple[dict[str, Any], dict[str, str]]) -> dict[str, Any]:
    cleaned, errors = result
    if errors:
        raise ValidationError(errors)
    return cleaned


def _touch(tx: Tx, case_id: int) -> None:
    Case.update(updated_at=tx.now).where(Case.id == case_id).execute()


def add_person(ctx: Context, session: SessionInfo, case_id: int, person: PersonInput) -> CasePeople:
    """Record a person of the case in a role of its service.

    Raises:
        ValidationError: a message per field (bad NIK, a role the service does not take, the
            role full, the NIK already in this case ...).
        DeskError: the case is finished.
    """
    def body(tx: Tx) -> CasePeople:
        row, svc, people, organisation = _lock(ctx, case_id)
        cleaned = _checked(check_person(svc, person, ctx.today()))
        _refuse_clashes(svc, row, people, cleaned, None)
        position = 1 + max((p.position for p in people if p.role == cleaned["role"]), default=0)
        person_id = CasePerson.insert(case=case_id, position=position, created_at=tx.now, updated_at=tx.now,
                                      **cleaned).execute()
        _touch(tx, case_id)
        tx.audit("tambah_orang", "case", case_id, peran=cleaned["role"], nik=mask_nik(cleaned["nik"] or ""))
        tx.emit(events.CASE_CHANGED, case_id, orang=cleaned["role"])
        return _result(ctx, row, svc, [*people, _line(svc, ctx, person_id, position, cleaned)], organisation)

    return ctx.write(session, Permission.CASE_EDIT, body)


def change_person(ctx: Context, session: SessionInfo, case_id: int, person_id: int,
                  person: PersonInput) -> CasePeople:
    """Correct a person of the case (a moved role goes to the end of its new role)."""
    def body(tx: Tx) -> CasePeople:
        row, svc, people, organisation = _lock(ctx, case_id)
        old = next((p for p in people if p.id == person_id), None)
        if old is None:
            raise DeskError("Orang ini tidak (lagi) tercatat pada berkas.")
        cleaned = _checked(check_person(svc, person, ctx.today()))
        _refuse_clashes(svc, row, people, cleaned, person_id)
        position = old.position if old.role == cleaned["role"] else 1 + max(
            (p.position for p in people if p.role == cleaned["role"]), default=0)
        CasePerson.update(position=position, updated_at=tx.now, **cleaned).where(
            (CasePerson.id == person_id) & (CasePerson.case == case_id)).execute()
        _touch(tx, case_id)
        tx.audit("ubah_orang", "case", case_id, peran=cleaned["role"], nik=mask_nik(cleaned["nik"] or ""))
        tx.emit(events.CASE_CHANGED, case_id, orang=cleaned["role"])
        changed = [p for p in people if p.id != person_id] + [_line(svc, ctx, person_id, position, cleaned)]
        return _result(ctx, row, svc, changed, organisation)

    return ctx.write(session, Permission.CASE_EDIT, body)


def remove_person(ctx: Context, session: SessionInfo, case_id: int, person_id: int) -> CasePeople:
    """Remove a person from the case."""
    def body(tx: Tx) -> CasePeople:
        row, svc, people, organisation = _lock(ctx, case_id)
        old = next((p for p in people if p.id == person_id), None)
        if old is None:
            raise DeskError("Orang ini tidak (lagi) tercatat pada berkas.")
        CasePerson.delete().where((CasePerson.id == person_id) & (CasePerson.case == case_id)).execute()
        _touch(tx, case_id)
        tx.audit("hapus_orang", "case", case_id, peran=old.role, nik=old.nik_masked)
        tx.emit(events.CASE_CHANGED, case_id, orang=old.role)
        return _result(ctx, row, svc, [p for p in people if p.id != person_id], organisation)

    return ctx.write(session, Permission.CASE_EDIT, body)


def set_organisation(ctx: Context, session: SessionInfo, case_id: int, typed: OrganisationInput) -> CasePeople:
    """Record the organisation data of the case (replacing what it had).

    Raises:
        ValidationError: a message per field (NPWP not 15 / 16 digits, a date in the future ...).
    """
    def body(tx: Tx) -> CasePeople:
        row, svc, people, _ = _lock(ctx, case_id)
        if svc.applicant_kind != "organisasi":
            raise DeskError("Data lembaga hanya dicatat untuk layanan dengan pemohon lembaga.")
        cleaned = _checked(check_organisation(typed, ctx.today()))
        values = {**cleaned, "updated_at": tx.now}
        (CaseOrganisation.insert(case=case_id, **values)
         .on_conflict(conflict_target=[CaseOrganisation.case],
                      update={getattr(CaseOrganisation, k): v for k, v in values.items()}).execute())
        _touch(tx, case_id)
        tx.audit("ubah_lembaga", "case", case_id, kolom=sorted(k for k, v in cleaned.items() if v))
        tx.emit(events.CASE_CHANGED, case_id, lembaga=True)
        organisation = OrganisationInfo(**cleaned, years=since_years(cleaned["since"], ctx.today()))
        return _result(ctx, row, svc, people, organisation)

    return ctx.write(session, Permission.CASE_EDIT, body)


# -- letters -------------------------------------------------------------------------------------------

class _Named(dict):
    """``{ketua.nama}``: a role's first person; "-" for a role without one."""

    def __getattr__(self, name: str) -> str:
        return self.get(name) or "-"


def letter_values(detail: Any, format_date: Any) -> dict[str, Any]:
    """Placeholder values naming the people of a case: ``{<role>.<field>}`` for each role kind
    (its first person; "-" when the case has none), ``{daftar_anggota}`` / ``{daftar_pengurus}``
    (numbered lists), ``{nama_lembaga}``, ``{akta_notaris}``, ``{pengesahan}``, ``{npwp}``,
    ``{alamat_sekretariat}``, ``{sekretariat_sejak}``. NIKs print masked, as the pemohon's does."""
    values: dict[str, Any] = {role: _Named() for role in ROLE_KINDS}
    for p in reversed(detail.people):  # the first of a role wins
        values[p.role] = _Named(
            nama=p.name, nik=p.nik_masked, jenis_kelamin=SEX_LABELS.get(p.sex, ""),
            tanggal_lahir=format_date(p.birth_date) if p.birth_date else "", umur=f"{p.age} tahun" if p.age is not None
            else "", alamat=p.address, telepon=p.phone, keterangan=p.note)

    def listed(roles: tuple[str, ...]) -> str:
        rows = [p for p in detail.people if p.role in roles]
        return "\n".join(f"{i}. {p.name} ({p.role_label})" for i, p in enumerate(rows, 1)) or "-"

    org = detail.organisation or OrganisationInfo()
    akta = " tanggal ".join(x for x in (org.akta_no, format_date(org.akta_date) if org.akta_date else "") if x)
    since = ""
    if org.since:
        since = org.since if len(org.since) == 4 else format_date(dt.date.fromisoformat(org.since))
        if org.years is not None:
            since += f" (± {org.years} tahun)"
    values.update(
        daftar_anggota=listed(MEMBER_ROLES), daftar_pengurus=listed(("ketua", "sekretaris", "bendahara", "pengurus")),
        nama_lembaga=org.name or detail.applicant.org_name or "-", akta_notaris=akta or "-",
        pengesahan=org.pengesahan_no or "-", npwp=format_npwp(org.npwp) or "-", alamat_sekretariat=org.address or "-",
        sekretariat_sejak=since or "-")
    return values

