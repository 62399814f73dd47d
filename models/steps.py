"""SOP steps: each step of a case is timed against its mutu baku.

Due times come from :mod:`models.worktime`. Its first use imports the holiday calendar (~0.1 s);
:func:`prepare` does that before a transaction starts, so no write lock waits for an import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forms.catalog import Service as CatalogService
from models import events, stepstats, worktime
from models.dto import CaseDetail, DeskError, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.readmodel import (
    CaseRecord,
    case_detail,
    decision_after,
    load_bundle,
    load_case,
)
from models.tables import Case, StepRun


def prepare(ctx: Context) -> None:
    """Load the holiday calendar for this year and the next, and the office's closures when a
    minute has passed since they were read (outside any transaction)."""
    worktime.warm(ctx.today().year, cuti_bersama_libur=ctx.settings.cuti_bersama_libur)
    ctx.refresh_calendar()


#: Most characters of a reason an officer types (going back, refusing, reopening).
REASON_MAX = 500


def clean_reason(reason: str | None) -> str:
    """A reason as stored: one line of text, trimmed, never longer than REASON_MAX."""
    text = " ".join((reason or "").split())
    if len(text) > REASON_MAX:
        raise DeskError(f"Alasan terlalu panjang (maksimal {REASON_MAX} karakter).")
    return text


def next_round(record: CaseRecord, step_no: int) -> int:
    """The round a new run of ``step_no`` gets (1, or one more than its latest run)."""
    return 1 + max((r.get("round", 1) for r in record.runs if r["step_no"] == step_no), default=0)


def run_row(ctx: Context, tx: Tx, record: CaseRecord, svc: CatalogService, step_no: int,
            started: dt.datetime, ended: dt.datetime | None = None, paused_seconds: int = 0) -> dict[str, Any]:
    """A step run to insert (and its view for the read model in ``record.runs``)."""
    step = svc.step(step_no)
    due = None
    if step.waktu is not None:
        # a run timed over several sittings is due as if its sittings ran back to back
        due = ctx.calendar.run_clock(started, step.waktu, paused_seconds=paused_seconds, ended=ended).due
    name = tx.session.full_name if tx.session else ""
    round_no = next_round(record, step_no)
    record.runs.append({"step_no": step_no, "started_by": name, "ended_by": name if ended else "",
                        "started_at": started, "due_at": due, "ended_at": ended, "round": round_no,
                        "paused_seconds": paused_seconds})
    return {
        "case": record.row.id, "step_no": step_no, "started_at": to_storage(started),
        "due_at": to_storage(due) if due else None, "started_by": tx.staff_id,
        "ended_at": to_storage(ended) if ended else None, "ended_by": tx.staff_id if ended else None,
        "office_id": record.row.office_id, "service_id": record.row.service_id, "round": round_no,
        "paused_seconds": paused_seconds,
    }


def start_step(ctx: Context, tx: Tx, record: CaseRecord, svc: CatalogService, step_no: int) -> None:
    """Start ``step_no`` now (a new round when it ran before) and tell the other desks."""
    StepRun.insert(run_row(ctx, tx, record, svc, step_no, tx.local_now)).execute()
    tx.emit(events.STEP_STARTED, record.row.id, langkah=step_no, layanan=svc.code)


def after_verification(ctx: Context, tx: Tx, record: CaseRecord, svc: CatalogService) -> list[dict[str, Any]]:
    """The step runs a lengkap decision records: the counter steps up to the decision and the
    first step after it (which starts now).

    Where the flowchart has a lengkap / tidak lengkap decision after step N, steps up to N
    happened at the counter: the applicant handed in the berkas (recorded at the moment the
    verification began) and the verification itself, timed over every sitting: a case that
    waited for documents counts its earlier sittings too (the time between them is recorded as
    paused, so the duration is the sum of the sittings).

    Returns:
        Rows for StepRun (none when the service has no steps).
    """
    decision = next((d for d in svc.decisions if d.kind == "kelengkapan"), None)
    numbers = [st.no for st in svc.steps]
    row = record.row
    done = [n for n in numbers if decision is not None and n <= decision.after_step]
    for st in svc.steps:  # what the applicant (or the desa) did before reaching the counter
        if not st.before_counter or decision_after(svc, st.no) is not None:
            break
        if st.no not in done:
            done.append(st.no)
    done.sort()
    sitting = ctx.local(row.verify_started_at or row.created_at)
    earlier = int(row.verify_seconds or 0)
    began = ctx.local(row.created_at) if earlier else sitting
    worked = earlier + max(0, int((tx.local_now - sitting).total_seconds()))
    paused = max(0, int((tx.local_now - began).total_seconds()) - worked)
    # the verification itself is the step the kelengkapan decision follows, or else the counter
    # step that received the berkas (timed over every sitting); the steps before it happened
    # when the berkas was handed in
    if decision is not None:
        timed = decision.after_step
    else:
        timed = done[-1] if done and svc.step(done[-1]).loket else None
    rows = [run_row(ctx, tx, record, svc, no, began, tx.local_now if no == timed else began,
                    paused if no == timed else 0)
            for no in done]
    following = [n for n in numbers if n not in done]
    if following:
        rows.append(run_row(ctx, tx, record, svc, following[0], tx.local_now))
    return rows


def finish_step(ctx: Context, session: SessionInfo, case_id: int, outcome: bool | None = None,
                step_no: int | None = None, reason: str = "") -> CaseDetail:
    """End the running SOP step and go where the catalog says.

    Without a decision after the step, the next step starts (a step marked as the end of its
    path, or the last step, finishes the case). With a decision, ``outcome`` picks its branch
    (forms.catalog.Branch): lanjut starts its target step (or the next), kembali sends the case
    back to an earlier step (that step runs again now, or, when the branch pauses, once the
    applicant returns: the case waits as menunggu_perbaikan with its service clock paused), tolak
    ends the case as ditolak, selesai ends it as selesai.

    Args:
        ctx: The desk's context.
        session: Who finishes the step.
        case_id: The case.
        outcome: For a step followed by a decision (StepLine.decision_question): True for its
            yes branch, False for its no branch. Ignored otherwise.
        step_no: The step the operator confirmed; when another one runs (someone else, or an
            earlier press, finished it meanwhile) nothing changes.
        reason: The officer's reason: required to go back (kembali) or to end the case (tolak).

    Raises:
        DeskError: when no step runs, the running step is not ``step_no``, the step needs an
            outcome and none was given, or a reason is needed and none was given.
    """
    prepare(ctx)
    reason = clean_reason(reason)

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
        numbers = [s.no for s in svc.steps]
        position = numbers.index(run["step_no"]) if run["step_no"] in numbers else len(numbers) - 1
        following = numbers[position + 1] if position + 1 < len(numbers) else None
        if decision is not None:
            branch = decision.branch(bool(outcome))
            action, target = branch.action, branch.to_step
        else:
            branch, target = None, None
            ends = svc.step(run["step_no"]).end if run["step_no"] in numbers else True
            action = "selesai" if ends or following is None else "lanjut"
        if action == "lanjut":
            target = target or following
            if target is None:
                action = "selesai"
        if action in ("kembali", "tolak") and not reason:
            what = "mengembalikan berkas" if action == "kembali" else "menghentikan berkas"
            raise DeskError(f"Tuliskan alasan untuk {what}.")
        (StepRun.update(ended_at=tx.now, ended_by=tx.staff_id)
         .where((StepRun.case == row.id) & (StepRun.step_no == run["step_no"]) & StepRun.ended_at.is_null())
         .execute())
        run["ended_at"], run["ended_by"] = tx.local_now, session.full_name
        tx.emit(events.STEP_FINISHED, row.id, langkah=run["step_no"], layanan=svc.code)
        changes: dict[str, Any] = {"updated_at": tx.now}
        if action == "tolak":
            label = decision.no if decision is not None else "Dihentikan"
            changes.update(status="ditolak", finished_at=tx.now, outcome=f"{label}: {reason}")
        elif action == "selesai":
            changes.update(status="selesai", finished_at=tx.now)
        elif action == "kembali" and branch is not None and branch.pause:
            changes.update(status="menunggu_perbaikan", paused_at=tx.now, resume_step=target,
                           outcome=reason)
        else:  # lanjut, or kembali without waiting for the applicant
            start_step(ctx, tx, record, svc, target)
        Case.update(**changes).where(Case.id == row.id).execute()
        for key, value in changes.items():
            setattr(row, key, value)
        # the dashboard's summaries count the run (and the case, when it ends as selesai) now
        ended = [stepstats.ended_run(ctx, row.service_id, run["step_no"], run["started_at"], tx.local_now,
                                     run["due_at"], run.get("paused_seconds"), tx.staff_id)]
        if action == "selesai" and row.complete_at is not None:
            ended.append(stepstats.case_of(ctx, row))
        stepstats.record(ctx, tx, ended)
        detail: dict[str, Any] = {"langkah": run["step_no"], "tindakan": action}
        if decision is not None:
            detail["keputusan"] = decision.yes if outcome else decision.no
        if target is not None and action in ("lanjut", "kembali"):
            detail["ke_langkah"] = target
        if reason:
            detail["alasan"] = reason
        tx.audit("selesai_langkah", "case", row.id, **detail)
        if "status" in changes:
            tx.emit(events.CASE_CHANGED, row.id, status=changes["status"])
        return case_detail(ctx, record)

    return ctx.write(session, Permission.STEP_FINISH, body)
