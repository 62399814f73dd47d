"""Where a case goes besides the plain path: back to the applicant and on again, refused at the
counter, reopened by a supervisor.

* A decision's branch that sends the case back with a pause (models.steps.finish_step) leaves it
  as ``menunggu_perbaikan`` with its service clock stopped; :func:`resume_case` starts the step it
  went back to when the applicant returns, and moves the case's due time by the pause.
* :func:`refuse_case` ends a case in verification whose applicant does not meet the criteria
  (the officer's reason is required; the refusal notice prints from the case screen).
* :func:`reopen_case` lets a supervisor take back an ended case (ditolak or selesai), with a
  reason; the step it ended at runs again (a case refused at the counter returns to verification).

Each is one transaction, audited, and tells the other desks (events).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import events, queue, stepstats, steps
from models.dto import CaseDetail, DeskError, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.readmodel import case_detail, load_bundle, load_case
from models.tables import Case


def resume_case(ctx: Context, session: SessionInfo, case_id: int) -> CaseDetail:
    """The applicant came back with what was to be fixed: the step the case went back to
    starts again and the service clock runs on (the due time moves by the pause).

    Raises:
        DeskError: the case is not waiting for a fix.
    """
    steps.prepare(ctx)

    def body(tx: Tx) -> CaseDetail:
        record = load_bundle(ctx, load_case(ctx, case_id, lock=True))
        row = record.row
        if row.status != "menunggu_perbaikan":
            raise DeskError("Berkas ini tidak sedang menunggu perbaikan dari pemohon.")
        svc = ctx.service_by_row(row.service_id)
        if svc is None:
            raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
        target = row.resume_step or svc.steps[0].no
        paused_since = ctx.local(row.paused_at) or tx.local_now
        pause = max(dt.timedelta(0), tx.local_now - paused_since)
        changes: dict[str, Any] = {
            "status": "diproses", "paused_at": None, "resume_step": None, "outcome": "",
            "paused_seconds": int(row.paused_seconds or 0) + int(pause.total_seconds()),
            "updated_at": tx.now,
        }
        if row.due_at is not None and svc.jangka_waktu is not None:
            # what was left of the jangka waktu when it stopped runs from now (office hours
            # for working units, the calendar for the others: models.worktime)
            cal = ctx.calendar
            clock = cal.clock(ctx.local(row.complete_at or row.created_at), svc.jangka_waktu,
                              due=ctx.local(row.due_at))
            changes["due_at"] = to_storage(cal.moved_by_pause(clock, paused_since, tx.local_now).due)
        Case.update(**changes).where(Case.id == row.id).execute()
        for key, value in changes.items():
            setattr(row, key, value)
        steps.start_step(ctx, tx, record, svc, target)
        tx.audit("lanjutkan_perbaikan", "case", row.id, langkah=target,
                 jeda_menit=int(pause.total_seconds() // 60))
        tx.emit(events.CASE_CHANGED, row.id, status="diproses")
        return case_detail(ctx, record)

    return ctx.write(session, Permission.CASE_EDIT, body)


def refuse_case(ctx: Context, session: SessionInfo, case_id: int, reason: str) -> CaseDetail:
    """End a case in verification as ditolak: the applicant does not meet the service's
    criteria. The officer's reason is required; the case's ticket is finished.

    Raises:
        DeskError: no reason, or the case is not in verification.
    """
    reason = steps.clean_reason(reason)
    if not reason:
        raise DeskError("Tuliskan alasan penolakan (kriteria yang tidak terpenuhi).")

    def body(tx: Tx) -> CaseDetail:
        record = load_bundle(ctx, load_case(ctx, case_id, lock=True))
        row = record.row
        if row.status not in ("verifikasi", "menunggu_berkas"):
            raise DeskError("Hanya berkas yang sedang diverifikasi yang dapat ditolak di loket; "
                            "berkas yang sudah diproses diputuskan pada langkahnya.")
        changes = {"status": "ditolak", "finished_at": tx.now, "updated_at": tx.now,
                   "outcome": f"Tidak memenuhi kriteria: {reason}"}
        Case.update(**changes).where(Case.id == row.id).execute()
        for key, value in changes.items():
            setattr(row, key, value)
        queue.finish_for_case(ctx, tx, row.ticket_id, record.ticket_code)
        tx.audit("tolak", "case", row.id, alasan=reason)
        tx.emit(events.CASE_CHANGED, row.id, status="ditolak")
        return case_detail(ctx, record)

    return ctx.write(session, Permission.CASE_DECIDE, body)


def reopen_case(ctx: Context, session: SessionInfo, case_id: int, reason: str) -> CaseDetail:
    """A supervisor takes back an ended case (ditolak or selesai) with a reason: the step it
    ended at runs again; a case refused at the counter returns to verification.

    Raises:
        DeskError: no reason, or the case has not ended.
        PermissionDenied: the role may not reopen cases (supervisor and admin may).
    """
    reason = steps.clean_reason(reason)
    if not reason:
        raise DeskError("Tuliskan alasan membuka kembali berkas ini.")
    steps.prepare(ctx)

    def body(tx: Tx) -> CaseDetail:
        record = load_bundle(ctx, load_case(ctx, case_id, lock=True))
        row = record.row
        if row.status not in ("ditolak", "selesai"):
            raise DeskError("Berkas ini belum berakhir; tidak perlu dibuka kembali.")
        svc = ctx.service_by_row(row.service_id)
        if svc is None:
            raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
        before = row.status
        changes: dict[str, Any] = {"finished_at": None, "outcome": "", "updated_at": tx.now}
        if before == "selesai" and row.complete_at is not None and row.finished_at is not None:
            # the case was counted as done in the dashboard's summaries: no longer
            stepstats.record(ctx, tx, [stepstats.case_of(ctx, row)], weight=-1)
        ended = sorted((r for r in record.runs if r["ended_at"] is not None),
                       key=lambda r: (r["ended_at"], r["step_no"]))
        if row.register_no and ended:
            changes["status"] = "diproses"
            step_no = ended[-1]["step_no"]
        else:  # refused at the counter: verification starts again
            changes.update(status="verifikasi", verify_started_at=tx.now)
            step_no = None
        Case.update(**changes).where(Case.id == row.id).execute()
        for key, value in changes.items():
            setattr(row, key, value)
        if step_no is not None:
            steps.start_step(ctx, tx, record, svc, step_no)
        tx.audit("buka_kembali", "case", row.id, alasan=reason, dari=before, langkah=step_no)
        tx.emit(events.CASE_CHANGED, row.id, status=changes["status"])
        return case_detail(ctx, record)

    return ctx.write(session, Permission.CASE_REOPEN, body)
