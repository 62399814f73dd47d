"""Indonesia's national holidays and cuti bersama (the ``holidays`` package, country ID) and the
Ramadan month they imply, for the working calendar (:mod:`models.worktime`).

The package is imported on first use (~0.15 s start-up does not need); :func:`warm` loads a
year before a transaction starts, so that no write lock waits for it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

#: Days taken as Ramadan before 1 Syawal when the office gives no dates of its own.
RAMADAN_DAYS = 30


@lru_cache(maxsize=64)
def holidays_of(year: int, with_cuti_bersama: bool) -> dict[dt.date, str]:
    """The days off of ``year`` by name (Indonesian): national holidays, and cuti bersama when
    ``with_cuti_bersama``."""
    import holidays  # imported on first use: ~0.15 s that start-up does not need

    categories = ("public", "government") if with_cuti_bersama else ("public",)
    try:
        days = holidays.country_holidays("ID", years=year, categories=categories, language="id")
    except (NotImplementedError, ValueError, TypeError):  # an older package
        days = holidays.country_holidays("ID", years=year)
    return dict(days.items())


@lru_cache(maxsize=64)
def _idul_fitri(year: int) -> tuple[dt.date, ...]:
    """First days of Idul Fitri in ``year`` (none, one, or two: 2033 has one in January and one
    in December). Estimated dates ("Eid al-Fitr (estimated)") count too."""
    import holidays

    days = holidays.country_holidays("ID", years=year, language="en_US")
    return tuple(sorted(day for day, name in days.items()
                        if name.startswith("Eid al-Fitr") and "Second Day" not in name))


def national_days(year: int) -> list[tuple[dt.date, str, bool]]:
    """The national holidays and cuti bersama of ``year``: (day, name, is cuti bersama), by day."""
    public = holidays_of(year, False)
    every = holidays_of(year, True)
    return sorted((day, name, day not in public) for day, name in every.items())


def ramadan_of(year: int) -> tuple[dt.date, dt.date] | None:
    """The Ramadan month before the first Idul Fitri of ``year``, taken as the
    :data:`RAMADAN_DAYS` days before 1 Syawal (the office sets the dates of the sidang isbat
    when they differ: ``ramadan_tanggal``)."""
    fitri = _idul_fitri(year)
    if not fitri:
        return None
    return fitri[0] - dt.timedelta(days=RAMADAN_DAYS), fitri[0] - dt.timedelta(days=1)


def ramadans_around(day: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
    """The Ramadan periods that may hold ``day`` (those before an Idul Fitri of its year or the
    next: a Ramadan in December ends before a January Idul Fitri)."""
    firsts = _idul_fitri(day.year) + _idul_fitri(day.year + 1)
    return tuple((f - dt.timedelta(days=RAMADAN_DAYS), f - dt.timedelta(days=1)) for f in firsts)


def warm(year: int, *, cuti_bersama_libur: bool = True) -> None:
    """Load the holiday calendar of ``year`` and the next (imports `holidays` the first time):
    called before a transaction, so that no write lock waits for it."""
    holidays_of(year, cuti_bersama_libur)
    holidays_of(year + 1, cuti_bersama_libur)
    _idul_fitri(year)
    _idul_fitri(year + 1)
