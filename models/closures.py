"""Days the office closes besides weekends and national holidays (a flood, an office event, a
regional holiday), and the office's calendar of a year as people read it.

A closure entered or removed changes when things are due: in the same transaction the due times
of the office's running steps and of its cases in process are computed again under the new
calendar (:mod:`models.worktime`), so the counter, the back office and the deadline lists agree
at once. The change is audited and announced to the other desks (``calendar.changed``); each
desk reads the closures again within :data:`models.kernel.CALENDAR_TTL` seconds, this one at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import Case as SqlCase

from forms.catalog import Duration
from models import events, steps, worktime
from models.clocktables import OfficeClosure
from models.dto import DeskError, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.tables import Case, StepRun

#: Most characters of a closure's reason.
REASON_MAX = 200

#: Years a closure may be entered for, around today (a typo such as 2206 is refused).
YEARS_AROUND = 2


@dataclass(frozen=True)
class CalendarDay:
    """A day the calendar names: a national holiday, cuti bersama, or a closure of the office.

    Attributes:
        day: The date.
        name: The holiday's name, or the reason the office gave.
        kind: "libur" (national holiday), "cuti_bersama" or "tutup" (entered by the office).
        closed: Whether the office is closed (cuti bersama may be a working day).
    """

    day: dt.date
    name: str
    kind: str
    closed: bool = True


@dataclass(frozen=True)
class ClosureChange:
    """What entering or removing a closure did.

    Attributes:
        day: The date.
        reason: The reason (the one removed, when opened again).
        closed: True when the day is now closed, False when it opened again.
        runs_moved: Running steps whose due time changed.
        cases_moved: Cases in process whose due time changed.
    """

    day: dt.date
    reason: str
    closed: bool
    runs_moved: int = 0
    cases_moved: int = 0


def list_closures(ctx: Context, session: SessionInfo, year: int) -> list[CalendarDay]:
    """The national holidays, cuti bersama and the office's closures of ``year``, by date.

    Reference data every desk may read (the holiday calendar is public).
    """
    national = worktime.national_days(year)  # outside the read: may import the package

    def body() -> list[CalendarDay]:
        rows = (OfficeClosure.select(OfficeClosure.day, OfficeClosure.reason)
                .where((OfficeClosure.office_id == ctx.office_id)
                       & (OfficeClosure.day >= dt.date(year, 1, 1)) & (OfficeClosure.day <= dt.date(year, 12, 31)))
                .tuples())
        return [CalendarDay(day=_date(day), name=reason or "Kantor tutup", kind="tutup") for day, reason in rows]

    days = ctx.read(session, None, body)
    taken = {d.day for d in days}
    days += [CalendarDay(day=day, name=name, kind="cuti_bersama" if cuti else "libur",
                         closed=ctx.settings.cuti_bersama_libur or not cuti)
             for day, name, cuti in national if day not in taken]
    return sorted(days, key=lambda d: d.day)


def add_closure(ctx: Context, session: SessionInfo, day: dt.date, reason: str = "") -> ClosureChange:
    """Close the office on ``day``: the running steps and the cases in process are due again
    under the new calendar.

    Raises:
        DeskError: the day is closed already (a weekend, a holiday, an earlier closure), too far
            from today, or the reason is too long.
        PermissionDenied: the role may not change the calendar (supervisor and admin may).
    """
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise DeskError(f"Alasan terlalu panjang (maksimal {REASON_MAX} karakter).")
    _check_year(ctx, day)
    _prepare(ctx, day)

    def body(tx: Tx) -> ClosureChange:
        closures = _closures(ctx)
        if day in closures:
            raise DeskError(f"Kantor sudah tercatat tutup pada {_label(day)}.")
        base = ctx.calendar.with_closures(closures)
        if not base.is_working_day(day):
            why = base.holiday_name(day) or "bukan hari kerja kantor"
            raise DeskError(f"{_label(day)} sudah hari libur ({why}); tidak perlu dicatat tutup.")
        OfficeClosure.insert(office_id=ctx.office_id, day=day, reason=reason, created_by=tx.staff_id,
                             created_at=tx.now).execute()
        runs, cases = _due_again(ctx, base, base.with_closures(closures | {day}))
        tx.audit("tutup_kantor", "office", ctx.office_id, tanggal=day.isoformat(), alasan=reason,
                 langkah=runs, berkas=cases)
        tx.emit(events.CALENDAR_CHANGED, None, tanggal=day.isoformat(), tutup=True)
        return ClosureChange(day=day, reason=reason, closed=True, runs_moved=runs, cases_moved=cases)

    change = ctx.write(session, Permission.CALENDAR_EDIT, body)
    ctx.refresh_calendar(force=True)
    return change


def remove_closure(ctx: Context, session: SessionInfo, day: dt.date) -> ClosureChange:
    """Open the office again on ``day`` (a closure entered by mistake): the running steps and the
    cases in process are due again under the calendar without it.

    Raises:
        DeskError: the office entered no closure on ``day``.
        PermissionDenied: the role may not change the calendar.
    """
    _prepare(ctx, day)

    def body(tx: Tx) -> ClosureChange:
        row = (OfficeClosure.select(OfficeClosure.id, OfficeClosure.reason)
               .where((OfficeClosure.office_id == ctx.office_id) & (OfficeClosure.day == day)).first())
        if row is None:
            raise DeskError(f"Tidak ada penutupan kantor yang tercatat pada {_label(day)}.")
        closures = _closures(ctx)
        OfficeClosure.delete().where(OfficeClosure.id == row.id).execute()
        old = ctx.calendar.with_closures(closures)
        runs, cases = _due_again(ctx, old, old.with_closures(closures - {day}))
        tx.audit("buka_kantor", "office", ctx.office_id, tanggal=day.isoformat(), alasan=row.reason,
                 langkah=runs, berkas=cases)
        tx.emit(events.CALENDAR_CHANGED, None, tanggal=day.isoformat(), tutup=False)
        return ClosureChange(day=day, reason=row.reason, closed=False, runs_moved=runs, cases_moved=cases)

    change = ctx.write(session, Permission.CALENDAR_EDIT, body)
    ctx.refresh_calendar(force=True)
    return change


# -- due times again --------------------------------------------------------------------------------

def _due_again(ctx: Context, old: worktime.WorkCalendar, new: worktime.WorkCalendar) -> tuple[int, int]:
    """Compute the due times of the office's running steps and cases in process again under
    ``new``; write those that changed (one statement per table). Returns (runs, cases) moved."""
    runs: dict[int, dt.datetime] = {}
    query = (StepRun.select(StepRun.id, StepRun.service_id, StepRun.step_no, StepRun.started_at,
                            StepRun.paused_seconds, StepRun.due_at)
             .where((StepRun.office_id == ctx.office_id) & StepRun.ended_at.is_null()).tuples())
    for run_id, service_id, step_no, started, paused, due in query:
        svc = ctx.service_by_row(service_id)
        step = next((s for s in svc.steps if s.no == step_no), None) if svc else None
        if step is None or step.waktu is None:
            continue
        moved = new.run_clock(ctx.local(started), step.waktu, paused_seconds=paused or 0).due
        if due is None or _differ(to_storage(moved), due):
            runs[run_id] = to_storage(moved)
    cases: dict[int, dt.datetime] = {}
    query = (Case.select(Case.id, Case.service, Case.complete_at, Case.paused_seconds, Case.due_at)
             .where((Case.office == ctx.office_id) & (Case.status == "diproses") & Case.complete_at.is_null(False)
                    & Case.due_at.is_null(False)).tuples())
    for case_id, service_id, complete, paused, due in query:
        svc = ctx.service_by_row(service_id)
        if svc is None or svc.jangka_waktu is None:
            continue
        moved = _case_due(old, new, ctx.local(complete), svc.jangka_waktu, paused or 0, ctx.local(due))
        if _differ(to_storage(moved), due):
            cases[case_id] = to_storage(moved)
    _write_dues(StepRun, runs)
    _write_dues(Case, cases)
    return len(runs), len(cases)


def _case_due(old: worktime.WorkCalendar, new: worktime.WorkCalendar, start: dt.datetime,
              duration: Duration, paused_seconds: int, due: dt.datetime) -> dt.datetime:
    """A case's due time under ``new``. Without pauses it is computed afresh. After pauses
    (their moments are not kept, only their sum) a working-unit clock keeps its office hours
    from the start to the due time, and a calendar-unit clock its due time, moved off a day
    the office now closes."""
    if not paused_seconds:
        return new.due(start, duration)
    if worktime.is_working_unit(duration):
        return new.add_working_seconds(start, old.working_seconds(start, due))
    return new.off_closed_day(due)


def _write_dues(model: Any, dues: dict[int, dt.datetime]) -> None:
    """One UPDATE setting each row's new due time (a CASE over the ids)."""
    if dues:
        value = SqlCase(model.id, list(dues.items()))
        model.update(due_at=value).where(model.id.in_(list(dues))).execute()


# -- helpers ---------------------------------------------------------------------------------------

def _prepare(ctx: Context, day: dt.date) -> None:
    """Load the holiday calendars the change may look at (outside the transaction)."""
    steps.prepare(ctx)
    worktime.warm(day.year, cuti_bersama_libur=ctx.settings.cuti_bersama_libur)


def _closures(ctx: Context) -> set[dt.date]:
    """The office's closures as stored now (inside the transaction)."""
    rows = OfficeClosure.select(OfficeClosure.day).where(OfficeClosure.office_id == ctx.office_id).tuples()
    return {_date(day) for (day,) in rows}


def _check_year(ctx: Context, day: dt.date) -> None:
    year = ctx.today().year
    if not year - YEARS_AROUND <= day.year <= year + YEARS_AROUND:
        raise DeskError(f"Tanggal {_label(day)} terlalu jauh dari tahun ini ({year}).")


def _date(value: Any) -> dt.date:
    """A DateField value as read back (SQLite through .tuples() may give text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _differ(new: dt.datetime, stored: Any) -> bool:
    """Whether a new due time (naive UTC) differs from the stored one by a second or more."""
    if isinstance(stored, str):
        stored = dt.datetime.fromisoformat(stored)
    return abs((new - stored).total_seconds()) >= 1


def _label(day: dt.date) -> str:
    from output.words import format_tanggal  # the Indonesian date: "30 November 2026"

    return format_tanggal(day)
