"""Cases at the counter: viewing one, walking its berkas through the checklist, and the
lengkap / tidak lengkap decision.

A tick is one statement on the usual path: the answer changes only while the case is in
verification (PostgreSQL also share-locks the case row, so a decision being taken at the same
moment waits for the tick or the tick sees the decided case). A waiting case (tidak lengkap)
resumes at its first change.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from models import documents, events, numbering, queue, stepstats, steps
from models.dto import CaseDetail, DecisionResult, DeskError, ItemSaved, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.readmodel import CaseRecord, case_detail, load_bundle, load_case
from models.tables import Case, ChecklistAnswer, StepRun

#: Most characters of a note on a persyaratan item.
NOTE_MAX = 500

_ANSWER = (
    "UPDATE checklist_answer SET {column} = {p}, updated_by_id = {p}, updated_at = {p} "
    "WHERE case_id = {p} AND item_id = {p} AND case_id IN (SELECT id FROM service_case "
    "WHERE id = {p} AND office_id = {p} AND status = 'verifikasi'{lock}) RETURNING received, note"
)


def case(ctx: Context, session: SessionInfo, case_id: int, *, record_view: bool = True) -> CaseDetail:
    """Everything about a case. Opening it (``record_view``) is recorded in the audit trail
    (personal data shown); a screen re-reading the case it shows passes False."""
    detail = ctx.read(session, Permission.CASE_VIEW,
                      lambda: case_detail(ctx, load_bundle(ctx, load_case(ctx, case_id))))
    if record_view:  # read outside the write lock, recorded once shown
        ctx.write(session, Permission.CASE_VIEW, lambda tx: tx.audit("lihat", "case", case_id))
    return detail


def _resume(ctx: Context, tx: Tx, record: CaseRecord) -> None:
    """A waiting case (tidak lengkap) the applicant came back for: verification starts again;
    anything else that is not in verification cannot change its checklist."""
    row = record.row
    if row.status == "menunggu_berkas":
        Case.update(status="verifikasi", verify_started_at=tx.now, updated_at=tx.now).where(Case.id == row.id).execute()
        row.status, row.verify_started_at, row.updated_at = "verifikasi", tx.now, tx.now
        tx.audit("lanjutkan", "case", row.id)
        tx.emit(events.CASE_CHANGED, row.id, status="verifikasi")
    elif row.status != "verifikasi":
        raise DeskError("Berkas sudah diputuskan lengkap; daftar persyaratan tidak dapat diubah lagi.")


def _answer(ctx: Context, session: SessionInfo, case_id: int, item_id: str, column: str, value: Any,
            action: str) -> ItemSaved:
    p = ctx.db.param
    sql = _ANSWER.format(column=column, p=p, lock=" FOR SHARE" if ctx.postgres else "")

    def update(tx: Tx) -> tuple | None:
        return ctx.db.execute_sql(sql, (value, tx.staff_id, tx.now, case_id, item_id, case_id,
                                        ctx.office_id)).fetchone()

    def body(tx: Tx) -> ItemSaved:
        saved = update(tx)
        if saved is None:  # waiting, decided, unknown, or an item the catalog added later
            record = load_case(ctx, case_id, lock=True)
            _resume(ctx, tx, record)
            svc = ctx.service_by_row(record.row.service_id)
            if svc is None or item_id not in {it.id for it in svc.persyaratan}:
                raise DeskError("Persyaratan tidak dikenal untuk layanan ini.")
            saved = update(tx)
            if saved is None:
                ChecklistAnswer.insert(case=case_id, item_id=item_id, updated_by=tx.staff_id, updated_at=tx.now,
                                       **{"received": False, "note": "", column: value}).execute()
                saved = (value if column == "received" else False, value if column == "note" else "")
        tx.audit(action, "case", case_id, item=item_id)
        return ItemSaved(case_id=case_id, item_id=item_id, received=bool(saved[0]), note=saved[1] or "",
                         case_status="verifikasi")

    return ctx.write(session, Permission.CASE_EDIT, body)


def set_item(ctx: Context, session: SessionInfo, case_id: int, item_id: str, received: bool) -> ItemSaved:
    """Mark a persyaratan item as received (or not)."""
    return _answer(ctx, session, case_id, item_id, "received", bool(received),
                   "centang" if received else "hapus_centang")


def set_note(ctx: Context, session: SessionInfo, case_id: int, item_id: str, note: str) -> ItemSaved:
    """Attach a note to a persyaratan item (e.g. "fotokopi tidak terbaca")."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DeskError(f"Catatan terlalu panjang (maksimal {NOTE_MAX} karakter).")
    return _answer(ctx, session, case_id, item_id, "note", note, "catatan")


def set_condition(ctx: Context, session: SessionInfo, case_id: int, condition_id: str, value: bool) -> CaseDetail:
    """Answer one of the service's condition questions (makes bersyarat items required)."""

    def body(tx: Tx) -> CaseDetail:
        record = load_case(ctx, case_id, lock=True)
        _resume(ctx, tx, record)
        row = record.row
        svc = ctx.service_by_row(row.service_id)
        if svc is None or condition_id not in {c.id for c in svc.conditions}:
            raise DeskError("Kondisi tidak dikenal untuk layanan ini.")
        answers = json.loads(row.conditions or "{}")
        answers[condition_id] = bool(value)
        row.conditions, row.updated_at = json.dumps(answers), tx.now
        Case.update(conditions=row.conditions, updated_at=tx.now).where(Case.id == row.id).execute()
        tx.audit("kondisi", "case", row.id, kondisi=condition_id, nilai=bool(value))
        return case_detail(ctx, load_bundle(ctx, record))

    return ctx.write(session, Permission.CASE_EDIT, body)


def decide(ctx: Context, session: SessionInfo, case_id: int, reason: str = "") -> DecisionResult:
    """Decide lengkap / tidak lengkap from the checklist.

    Lengkap: the case gets its register number, the jangka waktu clock starts, and the first
    SOP step starts. When a criterion is unmet or cannot be checked (CriterionLine.doubtful),
    going on needs the officer's ``reason``, kept with the case. Tidak lengkap: the case waits
    for documents (the sitting's time is added to the counter time), and (after the decision is
    committed) a slip listing exactly the missing items is printed.

    Raises:
        DeskError: decided already, or criteria are doubtful and no reason was given.
    """
    steps.prepare(ctx)
    reason = steps.clean_reason(reason)

    def body(tx: Tx) -> tuple[CaseDetail, Any]:
        # the case row is locked, its state and checklist read, and the outcome written; a
        # second operator deciding (or ticking) at the same moment waits, then sees it decided
        record = load_bundle(ctx, load_case(ctx, case_id, lock=True))
        row = record.row
        if row.status not in ("verifikasi", "menunggu_berkas"):
            raise DeskError("Berkas ini sudah diputuskan.")
        svc = ctx.service_by_row(row.service_id)
        if svc is None:
            raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
        current = case_detail(ctx, record)
        missing = current.missing
        changes: dict[str, Any] = {"updated_at": tx.now}
        if missing:
            sitting = tx.local_now - ctx.local(row.verify_started_at or row.created_at)
            changes["status"] = "menunggu_berkas"
            changes["verify_seconds"] = int(row.verify_seconds or 0) + max(0, int(sitting.total_seconds()))
            tx.audit("tidak_lengkap", "case", row.id, kurang=[m.item_id for m in missing])
        else:
            doubtful = [c for c in current.criteria if c.doubtful]
            if doubtful and not reason:
                names = "; ".join(c.detail or c.text for c in doubtful)
                raise DeskError(f"Kriteria belum terpenuhi atau belum dapat diperiksa ({names}). "
                                "Tuliskan alasan untuk melanjutkan, atau tolak permohonan.")
            year = tx.local_now.year
            seq = numbering.allocate(f"register:{ctx.office_id}", str(year))
            register_no = ctx.settings.register_pattern.format(kode=svc.code, tahun=year, nomor=seq)
            due = None
            if svc.jangka_waktu is not None:
                due = ctx.calendar.due(tx.local_now, svc.jangka_waktu)
            runs = steps.after_verification(ctx, tx, record, svc)
            following = [r for r in runs if r["ended_at"] is None]
            changes.update(register_no=register_no, register_seq=seq, status="diproses", complete_at=tx.now,
                           due_at=to_storage(due) if due else None, decision_note=reason)
            if not following:  # the whole procedure ended at the counter
                changes.update(status="selesai", finished_at=tx.now)
            if runs:
                StepRun.insert_many(runs).execute()
            # the counter steps ended now (and the case, when it ended at the counter) are
            # counted in the dashboard's summaries (one statement)
            ended = [stepstats.run_of(ctx, r) for r in runs if r["ended_at"] is not None]
            if not following:
                ended.append(stepstats.ended_case(ctx, row.service_id, tx.now, tx.now, changes["due_at"], 0))
            stepstats.record(ctx, tx, ended)
            for run in following:
                tx.emit(events.STEP_STARTED, row.id, langkah=run["step_no"], layanan=svc.code)
            tx.audit("lengkap", "case", row.id, register=register_no,
                     **({"alasan": reason, "kriteria": [c.id for c in doubtful]} if doubtful else {}))
        Case.update(**changes).where(Case.id == row.id).execute()
        for key, value in changes.items():
            setattr(row, key, value)
        queue.finish_for_case(ctx, tx, row.ticket_id, record.ticket_code)
        tx.emit(events.CASE_DECIDED, row.id, lengkap=not missing, register=row.register_no or "")
        return case_detail(ctx, record), missing

    detail, missing = ctx.write(session, Permission.CASE_DECIDE, body)
    if not missing:
        return DecisionResult(lengkap=True, case=detail)
    document = documents.render_slip(ctx, session, detail, missing)
    detail = _with_document(detail, document)
    return DecisionResult(lengkap=False, case=detail, document=document, missing=missing)


def _with_document(detail: CaseDetail, document: Any) -> CaseDetail:
    return dataclasses.replace(detail, documents=(*detail.documents, document))
