"""The office's working calendar, and the one place a mutu baku or jangka waktu becomes a due
time and an elapsed interval becomes the share of it used.

The rule (the README states it for offices):

* ``menit`` and ``jam`` run in office hours only: the office's working days and hours
  (default Mon-Thu 07.30-16.00, Fri 07.30-16.30; during Ramadan the Ramadan schedule when the
  office uses one). A start outside office hours counts from the next opening; the due time is
  always inside office hours. A 60-minute step started at 15.50 on a Friday is due at 07.50 on
  Monday.
* ``hari kerja``: the same time of day on the N-th working day after the start (a start outside
  office hours counts from the next opening; on a shorter day, such as a Friday in Ramadan, the
  due time is that day's closing at the latest). A fraction of a day is that share of the due
  day's office hours, added in office hours. Time used is counted in office hours.
* ``hari``, ``N x 24 jam`` (a value in jam that is a whole number of days), ``bulan`` and
  ``tahun`` run on the calendar, as the standard says, from the start itself; a due time that
  falls on a day the office is closed moves to the next working day, at the same time of day
  but within that day's office hours. Time used is wall-clock time.
* Closed days: Saturday and Sunday (unless the office sets hours for them), national holidays,
  cuti bersama when the office counts it as a day off (the ``holidays`` package, country ID),
  and closures the office enters.
* A pause (the case waits for the applicant) moves the due time by the part of the clock it
  stopped: what was left of it when it stopped runs from the resumption (office hours for
  working units, wall-clock time for calendar units, moved off a closed day as above). A due
  time never moves earlier.
* A step timed over several sittings (the counter's verification) counts as if its sittings
  ran back to back, ending when the last one ended.

The share of a mutu baku used at a moment is ``1 - (clock time from then to the due time) /
(clock time from the start to the due time)``: 0 at the start, 1 exactly at the due time, over 1
after it, and the same at the resumption as when the clock was paused.

Pure Python: no database, no UI. :class:`WorkCalendar` instances are cheap to keep; they cache
the days they have looked at.
"""

from __future__ import annotations

import calendar as _calendar
import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from forms.catalog import Duration
from models.publicholidays import (
    RAMADAN_DAYS,
    national_days,
    ramadan_of,
    ramadans_around,
    warm,
)
from models.publicholidays import holidays_of as _holidays
from models.settings import CalendarSettings

__all__ = ["RAMADAN_DAYS", "WORKING_UNITS", "Clock", "WorkCalendar", "is_duration_in_days",
           "is_working_unit", "national_days", "ramadan_of", "warm"]

#: Units measured in office hours (the others run on the calendar).
WORKING_UNITS = frozenset({"menit", "jam", "hari kerja"})

#: Longest span the calendar walks day by day (about 30 years): a bound, never reached in use.
_MAX_DAYS = 11000


def is_duration_in_days(duration: Duration) -> bool:
    """``N x 24 jam``: a value in jam that is a whole number of days runs as N calendar days."""
    return duration.unit == "jam" and duration.value >= 24 and float(duration.value) % 24 == 0


def is_working_unit(duration: Duration) -> bool:
    """Whether ``duration`` is measured in office hours (menit, jam, hari kerja)."""
    return duration.unit in WORKING_UNITS and not is_duration_in_days(duration)


class WorkCalendar:
    """When an office works: its days, hours, holidays and closures, in its time zone.

    Args:
        tz: IANA time zone of the office (Asia/Jakarta, Asia/Makassar, Asia/Jayapura).
        settings: Office hours, the Ramadan schedule.
        cuti_bersama_libur: Whether cuti bersama is a day off.
        closures: Days the office entered as closed.
    """

    def __init__(self, tz: str, settings: CalendarSettings | None = None, *,
                 cuti_bersama_libur: bool = True, closures: Iterable[dt.date] = ()) -> None:
        self.tz_name = tz
        self.tz = ZoneInfo(tz)
        self.settings = settings or CalendarSettings()
        self.cuti_bersama_libur = cuti_bersama_libur
        self.closures = frozenset(closures)
        self._hours = {day: (start, end) for day, start, end in self.settings.hours}
        self._ramadan_hours = {day: (start, end) for day, start, end in self.settings.ramadan_hours}
        self._days: dict[dt.date, tuple[int, int] | None] = {}

    def with_closures(self, closures: Iterable[dt.date]) -> WorkCalendar:
        """The same calendar with other closures (a closure being entered or removed)."""
        return WorkCalendar(self.tz_name, self.settings, cuti_bersama_libur=self.cuti_bersama_libur,
                            closures=closures)

    # -- days ---------------------------------------------------------------------------------

    def holiday_name(self, day: dt.date) -> str:
        """The name of the holiday that closes the office on ``day`` ("" on other days; cuti
        bersama only when the office counts it as a day off)."""
        return _holidays(day.year, self.cuti_bersama_libur).get(day, "")

    def in_ramadan(self, day: dt.date) -> bool:
        """Whether ``day`` falls in Ramadan as the office reckons it."""
        periods = self.settings.ramadan_periods or ramadans_around(day)
        return any(first <= day <= last for first, last in periods)

    def day_hours(self, day: dt.date) -> tuple[int, int] | None:
        """Office hours of ``day`` as (open, close) minutes after midnight; None when closed.

        During Ramadan (when the office uses the Ramadan schedule) a weekday the schedule names
        takes its hours; the other working days keep theirs.
        """
        if day in self._days:
            return self._days[day]
        hours: tuple[int, int] | None = self._hours.get(day.weekday())
        if hours is not None and self.settings.ramadan and self.in_ramadan(day):
            hours = self._ramadan_hours.get(day.weekday(), hours)
        if hours is not None and (day in self.closures or self.holiday_name(day)):
            hours = None
        if hours is not None and hours[1] <= hours[0]:
            hours = None
        self._days[day] = hours
        return hours

    def is_working_day(self, day: dt.date) -> bool:
        """Whether the office is open on ``day``."""
        return self.day_hours(day) is not None

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``day`` (``day`` itself for 0)."""
        current, remaining = day, days
        for _ in range(_MAX_DAYS):
            if remaining <= 0:
                return current
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError("kalender kerja tidak memiliki hari kerja dalam rentang ini")

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` when it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    # -- moments ------------------------------------------------------------------------------

    def _at(self, day: dt.date, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(minutes=minute)

    def open_interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The office's open interval on ``day`` (aware, local), or None when closed."""
        hours = self.day_hours(day)
        if hours is None:
            return None
        return self._at(day, hours[0]), self._at(day, hours[1])

    def _on_day(self, day: dt.date, moment: dt.datetime) -> dt.datetime:
        """``moment``'s time of day on ``day`` (a working day), kept within its office hours."""
        local = moment.astimezone(self.tz)
        placed = dt.datetime.combine(day, local.time(), tzinfo=self.tz)
        interval = self.open_interval(day)
        if interval is None:
            return placed
        return min(max(placed, interval[0]), interval[1])

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` when the office is open then, else the next opening."""
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(_MAX_DAYS):
            interval = self.open_interval(day)
            if interval is not None and local < interval[1]:
                return max(local, interval[0])
            day += dt.timedelta(days=1)
        raise ValueError("kalender kerja tidak memiliki jam kerja dalam rentang ini")

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office-hours seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.working_seconds(end, start)
        a, b = start.astimezone(self.tz), end.astimezone(self.tz)
        total = 0.0
        day = a.date()
        last = b.date()
        for _ in range(_MAX_DAYS + 1):
            if day > last:
                break
            interval = self.open_interval(day)
            if interval is not None:
                low, high = max(a, interval[0]), min(b, interval[1])
                if high > low:
                    total += (high - low).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def add_working_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment ``seconds`` of office hours after ``start`` (the earliest such moment;
        the next opening for 0)."""
        current = self.next_open(start)
        remaining = max(0.0, seconds)
        for _ in range(_MAX_DAYS):
            interval = self.open_interval(current.date())
            if interval is not None and current < interval[1]:
                current = max(current, interval[0])
                left = (interval[1] - current).total_seconds()
                if remaining <= left:
                    return current + dt.timedelta(seconds=remaining)
                remaining -= left
            current = self._at(current.date() + dt.timedelta(days=1), 0)
        raise ValueError("kalender kerja tidak memiliki jam kerja dalam rentang ini")

    def rewind_working_seconds(self, end: dt.datetime, seconds: float) -> dt.datetime:
        """The moment ``seconds`` of office hours before ``end`` (the latest such moment;
        ``end`` itself for 0)."""
        local = end.astimezone(self.tz)
        remaining = max(0.0, seconds)
        if remaining == 0:
            return local
        day = local.date()
        for _ in range(_MAX_DAYS):
            interval = self.open_interval(day)
            if interval is not None and interval[0] < local:
                high = min(local, interval[1])
                have = (high - interval[0]).total_seconds()
                if remaining <= have:
                    return high - dt.timedelta(seconds=remaining)
                remaining -= have
            local = min(local, self._at(day, 0))
            day -= dt.timedelta(days=1)
        raise ValueError("kalender kerja tidak memiliki jam kerja dalam rentang ini")

    # -- mutu baku ----------------------------------------------------------------------------

    def clock(self, start: dt.datetime, duration: Duration, due: dt.datetime | None = None) -> Clock:
        """The clock of something started at ``start`` under ``duration``.

        Args:
            start: When it started (any time zone).
            duration: The mutu baku or jangka waktu.
            due: The due time as stored (moved by pauses, or computed under an older calendar):
                the clock keeps it and its amount; None computes it.
        """
        local = start.astimezone(self.tz)
        working = is_working_unit(duration)
        value = float(duration.value)
        unit = duration.unit
        if working and unit in ("menit", "jam"):
            seconds = value * (60 if unit == "menit" else 3600)
            computed = self.add_working_seconds(local, seconds)
            amount = seconds
        elif working:  # hari kerja
            begin = self.next_open(local)
            whole = int(value)
            day = self.add_working_days(begin.date(), whole)
            computed = self._on_day(day, begin)
            if value > whole:
                hours = self.day_hours(day) or (0, 0)
                computed = self.add_working_seconds(computed, (value - whole) * (hours[1] - hours[0]) * 60)
            amount = self.working_seconds(local, computed)
        else:
            if is_duration_in_days(duration):
                computed = local + dt.timedelta(days=value / 24)
            elif unit == "hari":
                computed = local + dt.timedelta(days=value)
            elif unit == "bulan":
                computed = _add_months(local, round(value))
            elif unit == "tahun":
                computed = _add_months(local, round(value) * 12)
            else:
                raise ValueError(f"satuan waktu tidak dikenal: {unit}")
            computed = self.off_closed_day(computed)
            amount = (computed - local).total_seconds()
        final = computed if due is None else due.astimezone(self.tz)
        return Clock(start=local, due=final, amount=amount, working=working, calendar=self)

    def off_closed_day(self, due: dt.datetime) -> dt.datetime:
        """A calendar-unit due time on a closed day moves to the next working day (at the same
        time of day, within its office hours)."""
        day = self.next_working_day(due.date())
        return due if day == due.date() else self._on_day(day, due)

    def due(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        """When something started at ``start`` is due under ``duration`` (office time zone)."""
        return self.clock(start, duration).due

    def run_clock(self, started: dt.datetime, duration: Duration, *, paused_seconds: float = 0,
                  ended: dt.datetime | None = None, due: dt.datetime | None = None) -> Clock:
        """The clock of a step run timed over several sittings: ``paused_seconds`` of
        wall-clock time between them did not count. It runs as if its sittings ran back to
        back up to ``ended`` (office hours for working units), or, while it runs, as if it
        started ``paused_seconds`` later.

        Args:
            started: When its first sitting began.
            duration: The step's mutu baku.
            paused_seconds: Wall-clock seconds between the sittings.
            ended: When the last sitting ended (None while it runs).
            due: The due time as stored (see :meth:`clock`).
        """
        start = started.astimezone(self.tz)
        if paused_seconds > 0:
            if ended is not None and is_working_unit(duration):
                worked = max(0.0, (ended - started).total_seconds() - paused_seconds)
                start = min(self.rewind_working_seconds(ended, worked), ended.astimezone(self.tz))
            else:
                start = start + dt.timedelta(seconds=paused_seconds)
        return self.clock(start, duration, due)

    def measure(self, start: dt.datetime, end: dt.datetime, working: bool) -> float:
        """Clock seconds from ``start`` to ``end``: office hours or wall-clock time."""
        if working:
            return self.working_seconds(start, end)
        return (end - start).total_seconds()

    def share(self, clock: Clock, at: dt.datetime) -> float:
        """The share of the mutu baku used at ``at`` (0 at the start, 1 at the due time)."""
        if clock.amount <= 0:
            return 1.0 if at >= clock.due else 0.0
        return 1.0 - self.measure(at, clock.due, clock.working) / clock.amount

    def moved_by_pause(self, clock: Clock, paused_at: dt.datetime, resumed_at: dt.datetime) -> Clock:
        """The clock after a pause from ``paused_at`` to ``resumed_at``: what was left of it
        when it stopped (less than nothing when it was overdue) runs from the resumption.
        The due time never moves earlier, and the share used is the same at the resumption
        as when the clock stopped (unless the due time had to leave a closed day)."""
        if resumed_at <= paused_at:
            return clock
        if clock.working:
            left = self.working_seconds(paused_at, clock.due)
            if left >= 0:
                due = self.add_working_seconds(resumed_at, left)
            else:
                due = self.rewind_working_seconds(resumed_at, -left)
        else:
            due = self.off_closed_day(clock.due + (resumed_at - paused_at))
        due = max(due.astimezone(self.tz), clock.due.astimezone(self.tz))
        return dataclasses.replace(clock, due=due, calendar=self)


@dataclass(frozen=True)
class Clock:
    """A mutu baku or jangka waktu running from ``start``: its due time and how long it is in
    its own measure (office-hours seconds for working units, else wall-clock seconds).

    ``calendar`` is the calendar that measures it (office hours); a clock without one measures
    wall-clock time.
    """

    start: dt.datetime
    due: dt.datetime
    amount: float
    working: bool
    calendar: WorkCalendar | None = field(default=None, compare=False, repr=False)

    def share(self, at: dt.datetime) -> float:
        """The share of the mutu baku used at ``at``: 0 at the start, 1 at the due time, over 1
        after it (see :meth:`WorkCalendar.share`)."""
        if self.calendar is not None:
            return self.calendar.share(self, at)
        if self.amount <= 0:
            return 1.0 if at >= self.due else 0.0
        return 1.0 - (self.due - at).total_seconds() / self.amount


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, _calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
