"""Working time: when a mutu baku or jangka waktu falls due.

Minutes and hours run on the wall clock. "hari" counts calendar days; "hari kerja" counts
Monday-Friday days that are not national holidays (and, by setting, not cuti bersama), using the
`holidays` package (country ID). Days follow the office's local time zone.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from forms.catalog import Duration


@lru_cache(maxsize=64)
def _holidays(year: int, with_cuti_bersama: bool) -> frozenset[dt.date]:
    import holidays  # imported on first use: ~0.15 s that start-up does not need

    categories = ("public", "government") if with_cuti_bersama else ("public",)
    try:
        days = holidays.country_holidays("ID", years=year, categories=categories)
    except (NotImplementedError, ValueError):  # a category unknown to an older package
        days = holidays.country_holidays("ID", years=year)
    return frozenset(days.keys())


def is_working_day(day: dt.date, *, cuti_bersama_libur: bool = True) -> bool:
    """Return True when ``day`` is a working day (Mon-Fri, not a holiday)."""
    if day.weekday() >= 5:
        return False
    return day not in _holidays(day.year, cuti_bersama_libur)


def add_working_days(start: dt.date, days: int, *, cuti_bersama_libur: bool = True) -> dt.date:
    """Return the date ``days`` working days after ``start``."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, cuti_bersama_libur=cuti_bersama_libur):
            remaining -= 1
    return current


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_at(start: dt.datetime, duration: Duration, tz: str, *, cuti_bersama_libur: bool = True) -> dt.datetime:
    """Return when something started at ``start`` is due under ``duration``.

    Args:
        start: Aware start time.
        duration: The mutu baku or jangka waktu.
        tz: The office's IANA time zone (days are counted in local time).
        cuti_bersama_libur: Whether cuti bersama is a day off.

    Returns:
        The aware due time, in the office's time zone.
    """
    local = start.astimezone(ZoneInfo(tz))
    value = float(duration.value)
    unit = duration.unit
    if unit == "menit":
        return local + dt.timedelta(minutes=value)
    if unit == "jam":
        return local + dt.timedelta(hours=value)
    if unit == "hari":
        return local + dt.timedelta(days=value)
    if unit == "hari kerja":
        whole = int(value)
        day = add_working_days(local.date(), whole, cuti_bersama_libur=cuti_bersama_libur)
        return local.replace(year=day.year, month=day.month, day=day.day)
    if unit == "bulan":
        return _add_months(local, int(value))
    if unit == "tahun":
        return _add_months(local, int(value) * 12)
    raise ValueError(f"satuan waktu tidak dikenal: {unit}")


def warm(year: int, *, cuti_bersama_libur: bool = True) -> None:
    """Load the holiday calendar of ``year`` and the next (imports `holidays` the first time):
    called before a transaction, so that no write lock waits for it."""
    _holidays(year, cuti_bersama_libur)
    _holidays(year + 1, cuti_bersama_libur)
