"""A period of office-local days as the step summaries store it: whole years ("y"), whole months
("m") and days ("d"), each summary period named by its first day (models.stepstats).

:func:`cover` picks the cheapest way to read a period: a partial year is its months and days,
or the whole year less the months and days outside the period, whichever reads fewer summary
rows (likewise a partial month); and days on which nothing can have ended (before the first
summary, after today) may be read or not, so "all data" or "this year" reads whole years.
Pure computation.
"""

from __future__ import annotations

import datetime as dt

#: One (grain, first day, sign) of a cover: +1 adds the period's rows, -1 takes them away.
Part = tuple[str, dt.date, int]
#: Ranges of periods per (grain, sign): inclusive (first, last) first days.
Ranges = dict[tuple[str, int], list[tuple[dt.date, dt.date]]]

#: About how many summary rows a period of each grain holds, relative to a day's (a busy
#: office: 1,600 a day, 10,000 a month, 14,000 a year: histograms fill up).
COST = {"d": 1, "m": 6, "y": 9}
_DAY = dt.timedelta(days=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return next_month(day) - _DAY


def _cost(parts: list[Part]) -> int:
    return sum(COST[grain] for grain, _, _ in parts)


def _in_month(a: dt.date, b: dt.date, sign: int) -> list[Part]:
    """Days a..b of one month: the days, or the month less the other days."""
    first, last = a.replace(day=1), month_end(a)
    if (a, b) == (first, last):
        return [("m", first, sign)]
    inside = [("d", a + dt.timedelta(days=i), sign) for i in range((b - a).days + 1)]
    outside = [("m", first, sign)]
    outside += [("d", first + dt.timedelta(days=i), -sign) for i in range((a - first).days)]
    outside += [("d", b + dt.timedelta(days=i + 1), -sign) for i in range((last - b).days)]
    return min(inside, outside, key=_cost)


def _months(a: dt.date, b: dt.date, sign: int) -> list[Part]:
    """Days a..b of one year, month by month."""
    out: list[Part] = []
    month = a.replace(day=1)
    while month <= b:
        out += _in_month(max(a, month), min(b, month_end(month)), sign)
        month = next_month(month)
    return out


def _in_year(a: dt.date, b: dt.date) -> list[Part]:
    """Days a..b of one year: its months and days, or the year less the others."""
    first, last = dt.date(a.year, 1, 1), dt.date(a.year, 12, 31)
    if (a, b) == (first, last):
        return [("y", first, 1)]
    inside = _months(a, b, 1)
    outside = [("y", first, 1)]
    if a > first:
        outside += _months(first, a - _DAY, -1)
    if b < last:
        outside += _months(b + _DAY, last, -1)
    return min(inside, outside, key=_cost)


def cover(since: dt.date, until: dt.date, data_from: dt.date | None = None,
          data_until: dt.date | None = None) -> list[Part]:
    """Summary periods whose signed sum counts every day of [since, until] once.

    Args:
        data_from: The first day anything ended (None: unknown); days before it hold nothing.
        data_until: The last day anything can have ended (today); days after it hold nothing.
    """
    if until < since:
        return []
    starts, ends = [since], [until]
    if data_from is not None and since <= data_from:
        starts.append(dt.date(data_from.year, 1, 1))
    if data_until is not None and until >= data_until:
        ends.append(dt.date(data_until.year, 12, 31))
    return min((_cover(a, b) for a in starts for b in ends), key=_cost)


def _cover(since: dt.date, until: dt.date) -> list[Part]:
    out: list[Part] = []
    for year in range(since.year, until.year + 1):
        out += _in_year(max(since, dt.date(year, 1, 1)), min(until, dt.date(year, 12, 31)))
    return out


def ranges(parts: list[Part]) -> Ranges:
    """``parts`` as ranges of consecutive periods per (grain, sign)."""
    out: Ranges = {}
    for grain, period, sign in sorted(parts, key=lambda p: (p[0], p[2], p[1])):
        pairs = out.setdefault((grain, sign), [])
        if pairs and _follows(grain, pairs[-1][1], period):
            pairs[-1] = (pairs[-1][0], period)
        else:
            pairs.append((period, period))
    return out


def spans(since: dt.date, until: dt.date, *, years: bool = True) -> Ranges:
    """[since, until] as whole years (unless ``years`` is False), whole months and the days
    left, all added (sign +1): what the steps-per-day line reads."""
    parts: list[Part] = []
    day = since
    while day <= until:
        year_end = day.replace(month=12, day=31)
        if years and (day.month, day.day) == (1, 1) and year_end <= until:
            parts.append(("y", day, 1))
            day = year_end + _DAY
        elif day.day == 1 and month_end(day) <= until:
            parts.append(("m", day, 1))
            day = next_month(day)
        else:
            parts.append(("d", day, 1))
            day += _DAY
    return ranges(parts)


def _follows(grain: str, last: dt.date, period: dt.date) -> bool:
    if grain == "d":
        return period == last + _DAY
    if grain == "m":
        return period == next_month(last)
    return period.year == last.year + 1
