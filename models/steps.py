"""SOP steps: each step of a case is timed against its mutu baku.

Due times come from :mod:`models.worktime`. Its first use imports the holiday calendar (~0.1 s);
:func:`prepare` does that before a transaction starts, so no write lock waits for an import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forms.catalog import Service as CatalogService
from models import events, worktime
from models.dto import CaseDetail, DeskError, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.readmodel import CaseRecord, case_detail, decision_after, load_bundle, load_case
from models.tables import Case, StepRun


def prepare(ctx: Context) -> None:
    """Load the holiday calendar for this year and the next (outside any transaction)."""
    worktime.warm(ctx.today().year, cuti_bersama_libur=ctx.settings.cuti_bersama_libur)


def run_row(ctx: Context, tx: Tx, record: CaseRecord, svc: CatalogService, step_no: int,
            started: dt.datetime, ended: dt.datetime | None = None) -> dict[str, Any]:
    """A step run to insert (and its view for the read model in ``record.runs``)."""
    step = svc.step(step_no)
    due = None
    if step.waktu is not None:
        due = worktime.due_at(started, step.waktu, ctx.settings.timezone,
                              cuti_bersama_libur=ctx.settings.cuti_bersama_libur)
    name = tx.session.full_name if tx.session else ""
    record.runs.append({"step_no": step_no, "started_by": name, "ended_by": name if ended else "",
                        "started_at": started, "due_at": due, "ended_at": ended})
    return {
        "case": record.row.id, "step_no": step_no, "started_at": to_storage(started),
        "due_at": to_storage(due) if due else None, "started_by": tx.staff_id,
        "ended_at": to_storage(ended) if ended else None, "ended_by": tx.staff_id if ended else None,
        "office_id": record.row.office_id, "service_id": record.row.service_id,
    }


def after_verification(ctx: Context, tx: Tx, record: CaseRecord, svc: CatalogService) -> list[dict[str, Any]]:
    """The step runs a lengkap decision records: the counter steps up to the decision and the
    first step after it (which starts now).

    Where the flowchart has a lengkap / tidak lengkap decision after step N, steps up to N
    happened at the counter: the applicant handed in the berkas (recorded at the moment the
    verification began) and the verification itself (timed from then until now).

    Returns:
        Rows for StepRun (none when the service has no steps).
    """
    decision = next((d for d in svc.decisions if d.kind == "kelengkapan"), None)
    numbers = [st.no for st in svc.steps]
    row = record.row
    done = [n for n in numbers if decision is not None and n <= decision.after_step]
    began = ctx.local(row.verify_started_at or row.created_at)
    rows = [run_row(ctx, tx, record, svc, no, began, tx.local_now if i == len(done) - 1 else began)
            for i, no in enumerate(done)]
    following = [n for n in numbers if n not in done]
    if following:
        rows.append(run_row(ctx, tx, record, svc, following[0], tx.local_now))
    return rows


def finish_step(ctx: Context, session: SessionInfo, case_id: int, outcome: bool | None = None,
                step_no: int | None = None) -> CaseDetail:
    """End the running SOP step and start the next one (the last one finishes the case).

    Args:
        ctx: The desk's context.
        session: Who finishes the step.
        case_id: The case.
        outcome: For a step followed by a memenuhi/tidak memenuhi syarat or layak/tidak layak
            decision (StepLine.decision_question): True continues, False ends the case as
            ditolak with the flowchart's negative branch as the reason. Ignored otherwise.
        step_no: The step the operator confirmed; when another one runs (someone else, or an
            earlier press, finished it meanwhile) nothing changes.

    Raises:
        DeskError: when no step runs, the running step is not ``step_no``, or the step needs
            an outcome and none was given.
    """
    prepare(ctx)

    def body(tx: Tx) -> CaseDetail:
        record = load_bundle(ctx, load_case(ctx, case_id, lock=True))
        row = record.row
        running = sorted((r for r in record.runs if r["ended_at"] is None), key=lambda r: r["step_no"])
        if row.status != "diproses" or not running:
            raise DeskError("Tidak ada langkah yang sedang berjalan pada berkas ini.")
        run = running[0]
        if step_no is not None and run["step_no"] != step_no:
            raise DeskError(f"Langkah {step_no} sudah diselesaikan; yang berjalan sekarang "
                            f"langkah {run['step_no']}. Periksa lagi sebelum melanjutkan.")
        svc = ctx.service_by_row(row.service_id)
        if svc is None:
            raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
        decision = decision_after(svc, run["step_no"])
        if decision is not None and outcome is None:
            raise DeskError(f"Langkah ini diakhiri keputusan '{decision.question}': pilih "
                            f"{decision.yes} atau {decision.no}.")
        (StepRun.update(ended_at=tx.now, ended_by=tx.staff_id)
         .where((StepRun.case == row.id) & (StepRun.step_no == run["step_no"]) & StepRun.ended_at.is_null())
         .execute())
        run["ended_at"], run["ended_by"] = tx.local_now, session.full_name
        tx.emit(events.STEP_FINISHED, row.id, langkah=run["step_no"], layanan=svc.code)
        numbers = [s.no for s in svc.steps]
        position = numbers.index(run["step_no"]) if run["step_no"] in numbers else len(numbers) - 1
        changes: dict[str, Any] = {"updated_at": tx.now}
        if decision is not None and outcome is False:
            changes.update(status="ditolak", finished_at=tx.now,
                           outcome=f"{decision.no}: {decision.on_no}" if decision.on_no else decision.no)
        elif position + 1 < len(numbers):
            StepRun.insert(run_row(ctx, tx, record, svc, numbers[position + 1], tx.local_now)).execute()
            tx.emit(events.STEP_STARTED, row.id, langkah=numbers[position + 1], layanan=svc.code)
        else:
            changes.update(status="selesai", finished_at=tx.now)
        Case.update(**changes).where(Case.id == row.id).execute()
        for key, value in changes.items():
            setattr(row, key, value)
        detail = {"langkah": run["step_no"]}
        if decision is not None:
            detail["keputusan"] = decision.yes if outcome else decision.no
        tx.audit("selesai_langkah", "case", row.id, **detail)
        if "status" in changes:
            tx.emit(events.CASE_CHANGED, row.id, status=changes["status"])
        return case_detail(ctx, record)

    return ctx.write(session, Permission.STEP_FINISH, body)
