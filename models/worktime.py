"""The office's working calendar, and the one place a mutu baku or jangka waktu becomes a due
time and an elapsed interval becomes the share of it used.

The rule (the README states it for offices):

* ``menit`` and ``jam`` run in office hours only: the office's working days and hours
  (default Mon-Thu 07.30-16.00, Fri 07.30-16.30; during Ramadan the Ramadan schedule when the
  office uses one). A 60-minute step started at 15.50 on a Friday is due at 07.50 on Monday.
* ``hari kerja``: the same time of day on the N-th working day after the start (a start outside
  office hours counts from the next opening). Time used is counted in office hours.
* ``hari``, ``N x 24 jam`` (a value in jam that is a whole number of days), ``bulan`` and
  ``tahun`` run on the calendar, as the standard says; a due time that falls on a day the office
  is closed moves to the next working day, at the same time of day.
* Closed days: Saturday and Sunday (unless the office sets hours for them), national holidays,
  cuti bersama when the office counts it as a day off (the ``holidays`` package, country ID),
  and closures the office enters.
* A pause (the case waits for the applicant) moves the due time by the part of the clock it
  stopped: working time for working units, wall-clock time for calendar units.

The share of a mutu baku used at a moment is ``1 - (clock time from then to the due time) /
(clock time from the start to the due time)``: 0 at the start, 1 exactly at the due time, over 1
after it, and the same whether or not the clock was paused on the way.

Pure Python: no database, no UI. :class:`WorkCalendar` instances are cheap to keep; they cache
the days they have looked at.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from forms.catalog import Duration
from models.settings import CalendarSettings

#: Units measured in office hours (the others run on the calendar).
WORKING_UNITS = frozenset({"menit", "jam", "hari kerja"})

#: Longest span the calendar walks day by day (about 30 years): a bound, never reached in use.
_MAX_DAYS = 11000


@lru_cache(maxsize=64)
def _holidays(year: int, with_cuti_bersama: bool) -> dict[dt.date, str]:
    import holidays  # imported on first use: ~0.15 s that start-up does not need

    categories = ("public", "government") if with_cuti_bersama else ("public",)
    try:
        days = holidays.country_holidays("ID", years=year, categories=categories, language="id")
    except (NotImplementedError, ValueError, TypeError):  # an older package
        days = holidays.country_holidays("ID", years=year)
    return dict(days.items())


@lru_cache(maxsize=64)
def _idul_fitri(year: int) -> dt.date | None:
    import holidays

    days = holidays.country_holidays("ID", years=year, language="en_US")
    firsts = sorted(day for day, name in days.items() if name == "Eid al-Fitr")
    return firsts[0] if firsts else None


def ramadan_of(year: int) -> tuple[dt.date, dt.date] | None:
    """The Ramadan month before Idul Fitri of ``year``, taken as the 30 days before 1 Syawal
    (the office sets the exact dates of the sidang isbat when they differ)."""
    fitri = _idul_fitri(year)
    if fitri is None:
        return None
    return fitri - dt.timedelta(days=30), fitri - dt.timedelta(days=1)


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

    # -- days ---------------------------------------------------------------------------------

    def holiday_name(self, day: dt.date) -> str:
        """The holiday's name on ``day`` ("" on other days)."""
        return _holidays(day.year, self.cuti_bersama_libur).get(day, "")

    def in_ramadan(self, day: dt.date) -> bool:
        """Whether ``day`` falls in Ramadan as the office reckons it."""
        periods = self.settings.ramadan_periods
        if not periods:
            found = ramadan_of(day.year)
            periods = (found,) if found else ()
        return any(first <= day <= last for first, last in periods)

    def day_hours(self, day: dt.date) -> tuple[int, int] | None:
        """Office hours of ``day`` as (open, close) minutes after midnight; None when closed."""
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
        """The moment ``seconds`` of office hours after ``start`` (the earliest such moment)."""
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

    # -- mutu baku ----------------------------------------------------------------------------

    def clock(self, start: dt.datetime, duration: Duration) -> Clock:
        """The clock of something started at ``start`` under ``duration``."""
        local = start.astimezone(self.tz)
        working = is_working_unit(duration)
        value = float(duration.value)
        unit = duration.unit
        if working and unit in ("menit", "jam"):
            seconds = value * (60 if unit == "menit" else 3600)
            return Clock(start=local, due=self.add_working_seconds(local, seconds), amount=seconds,
                         working=True)
        if working:  # hari kerja
            begin = self.next_open(local)
            day = self.add_working_days(begin.date(), int(round(value)))
            due = begin.replace(year=day.year, month=day.month, day=day.day)
            interval = self.open_interval(day)
            if interval is not None:
                due = min(max(due, interval[0]), interval[1])
            return Clock(start=local, due=due, amount=self.working_seconds(local, due), working=True)
        if is_duration_in_days(duration):
            due = local + dt.timedelta(days=value / 24)
        elif unit == "hari":
            due = local + dt.timedelta(days=value)
        elif unit == "bulan":
            due = _add_months(local, int(round(value)))
        elif unit == "tahun":
            due = _add_months(local, int(round(value)) * 12)
        else:
            raise ValueError(f"satuan waktu tidak dikenal: {unit}")
        day = self.next_working_day(due.date())
        if day != due.date():
            due = due.replace(year=day.year, month=day.month, day=day.day)
        return Clock(start=local, due=due, amount=(due - local).total_seconds(), working=False)

    def due(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        """When something started at ``start`` is due under ``duration`` (office time zone)."""
        return self.clock(start, duration).due

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
        when it stopped runs from the resumption."""
        left = self.measure(paused_at, clock.due, clock.working)
        if clock.working:
            due = (self.add_working_seconds(resumed_at, left) if left > 0
                   else clock.due + (resumed_at - paused_at))
        else:
            due = clock.due + (resumed_at - paused_at)
        return Clock(start=clock.start, due=due.astimezone(self.tz),
                     amount=clock.amount, working=clock.working)


@dataclass(frozen=True)
class Clock:
    """A mutu baku or jangka waktu running from ``start``: its due time and how long it is in
    its own measure (office-hours seconds for working units, else wall-clock seconds)."""

    start: dt.datetime
    due: dt.datetime
    amount: float
    working: bool


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, _calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def warm(year: int, *, cuti_bersama_libur: bool = True) -> None:
    """Load the holiday calendar of ``year`` and the next (imports `holidays` the first time):
    called before a transaction, so that no write lock waits for it."""
    _holidays(year, cuti_bersama_libur)
    _holidays(year + 1, cuti_bersama_libur)
    _idul_fitri(year)
