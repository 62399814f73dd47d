"""Pieces of the supervisors' screens (the dashboard and the due/overdue list): periods and
dates typed as dd-mm-yyyy, durations, counts and shares as they are shown, the bar of the mutu
baku used, a text wrapped in a few lines.

The period and date helpers import nothing of the UI: the command line (``desk dasbor``) uses
them to check its options before the app starts.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap

from rich.text import Text

#: The periods the dashboard offers, by key (the keys of ``desk dasbor --periode`` first).
PERIODS: dict[str, str] = {
    "hari": "Hari ini",
    "minggu": "7 hari",
    "bulan": "Bulan ini",
    "bulan_lalu": "Bulan lalu",
    "tahun": "Tahun ini",
    "semua": "Semua data",
}

#: "Semua data" starts here (long before any case; the figures are summaries per year).
ALL_SINCE = dt.date(2000, 1, 1)

#: A date as typed: day, month, four-digit year, separated by "-", "/" or ".".
_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")

#: Bar cells for 0-100% of the mutu baku, the marker cell, and cells beyond 100%.
BAR_UNDER = 7
BAR_OVER = 2
BAR_WIDTH = BAR_UNDER + 1 + BAR_OVER

#: Left-aligned eighths of a cell, from one eighth to a full block.
_EIGHTHS = "▏▎▍▌▋▊▉█"

#: The colour of the 90th percentile's extension of a bar.
P90_COLOUR = "grey50"


def period_range(key: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a named period.

    Args:
        key: One of :data:`PERIODS`.
        today: Today in office time.

    Returns:
        ``(since, until)``, both included.

    Raises:
        KeyError: An unknown period.
    """
    if key == "hari":
        return today, today
    if key == "minggu":
        return today - dt.timedelta(days=6), today
    if key == "bulan":
        return today.replace(day=1), today
    if key == "bulan_lalu":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if key == "tahun":
        return today.replace(month=1, day=1), today
    if key == "semua":
        return ALL_SINCE, today
    raise KeyError(key)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def shift_period(since: dt.date, until: dt.date, direction: int, *,
                 whole_year: bool = False) -> tuple[dt.date, dt.date]:
    """The period just before (direction -1) or after (+1) ``[since, until]``.

    A period starting on the first of a month moves by its number of months (this month so
    far becomes the whole month before); ``whole_year`` moves by years (this year so far
    becomes last year); any other period by its number of days.

    Returns:
        ``(since, until)`` of the new period.
    """
    if since.day == 1:
        months = (until.year - since.year) * 12 + until.month - since.month + 1
        if whole_year:
            months = 12 * max(1, round(months / 12))
        start = add_months(since, months * direction)
        return start, add_months(start, months) - dt.timedelta(days=1)
    length = dt.timedelta(days=((until - since).days + 1) * direction)
    return since + length, until + length


def parse_tanggal(text: str) -> dt.date:
    """Read a date typed as dd-mm-yyyy.

    Args:
        text: What was typed, e.g. ``"01-11-2026"`` (``/`` or ``.`` also separate).

    Returns:
        The date.

    Raises:
        ValueError: With an Indonesian message for the field.
    """
    if not text.strip():
        raise ValueError("Tanggal wajib diisi (hh-bb-tttt).")
    match = _DATE.match(text)
    if match is None:
        raise ValueError("Tulis tanggal sebagai hh-bb-tttt, mis. 01-11-2026.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"Tanggal {text.strip()} tidak ada di kalender.") from None


def fmt_tanggal(value: dt.date) -> str:
    """A date as dd-mm-yyyy (as it is typed)."""
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


def period_label(since: dt.date, until: dt.date, key: str = "") -> str:
    """The period as the title shows it.

    Args:
        since: First day.
        until: Last day.
        key: The named period (:data:`PERIODS`) or "" for a typed range.

    Returns:
        e.g. ``"Bulan ini (01-11-2026 s.d. 23-11-2026)"`` or ``"Semua data s.d. 23-11-2026"``.
    """
    if key == "semua":
        return f"{PERIODS[key]} s.d. {fmt_tanggal(until)}"
    span = fmt_tanggal(since) if since == until else f"{fmt_tanggal(since)} s.d. {fmt_tanggal(until)}"
    return f"{PERIODS[key]} ({span})" if key in PERIODS else span


def fmt_count(value: int) -> str:
    """A count with Indonesian thousands separators: ``"12.345"``."""
    return f"{value:,}".replace(",", ".")


def fmt_percent(ratio: float | None) -> str:
    """A share as a whole percentage (``"87%"``), ``"-"`` when unknown; ``">999%"`` from ten
    times the mutu baku on (it fits a 5-character column; the due time tells the rest)."""
    if ratio is None:
        return "-"
    if ratio >= 9.995:
        return ">999%"
    return f"{round(ratio * 100)}%"


def fmt_duration(seconds: float | None) -> str:
    """A duration in at most 9 characters (the case screen's: ``"00:04:10"``, ``"2 hr 03 j"``);
    ``"-"`` when unknown."""
    from screens.steptimer import short_duration

    if seconds is None:
        return "-"
    text = short_duration(round(seconds))
    return text if len(text) <= 9 else f"{round(seconds) // 86400} hr"


def wrapped(value: str, width: int, lines: int) -> list[str]:
    """``value`` in at most ``lines`` lines of ``width`` (at least one line), the last ending
    in "…" when the text goes on."""
    width = max(2, width)
    parts = textwrap.wrap(value, width) or [""]
    if len(parts) > lines:
        rest = " ".join(parts[lines - 1:])
        parts = [*parts[:lines - 1], rest[:width - 1].rstrip() + "…"]
    return parts


def share_style(share: float | None, warn: float) -> str:
    """The colour of a share of the mutu baku: green below the warning share, yellow up to
    all of it, red beyond."""
    if share is None:
        return ""
    if share > 1:
        return "red"
    return "yellow" if share >= warn else "green"


def _fill(value: float | None, low: float) -> float:
    """How much of the cell starting at share ``low`` (1/BAR_UNDER wide) ``value`` fills."""
    if value is None:
        return 0.0
    return min(1.0, max(0.0, (value - low) * BAR_UNDER))


def share_bar(median: float | None, p90: float | None, warn: float) -> Text:
    """A bar of the share of the mutu baku used: the median solid (green, yellow, red), the
    90th percentile as a grey extension, a marker ``│`` at 100%.

    Seven cells stand for 0-100%, two more for up to 129%; a longer median ends in ``»``.

    Args:
        median: The median share (1.0 = all of the mutu baku), or None.
        p90: The 90th percentile share, or None.
        warn: The warning share (yellow from here).

    Returns:
        A Text of :data:`BAR_WIDTH` cells (empty when there is no median).
    """
    if median is None:
        return Text("")
    colour = share_style(median, warn)
    bar = Text(no_wrap=True)
    lows = [i / BAR_UNDER for i in range(BAR_UNDER)]
    lows += [None] + [1 + i / BAR_UNDER for i in range(BAR_OVER)]
    for low in lows:
        if low is None:  # the 100% marker, on the colour of what passes through it
            through = colour if median > 1 else (P90_COLOUR if p90 is not None and p90 > 1 else "")
            bar.append("│", style=f"bold white on {through}" if through else "bold")
            continue
        solid, extra = _fill(median, low), _fill(p90, low)
        if solid >= 1:
            bar.append("█", style=colour)
        elif solid > 0:
            glyph = _EIGHTHS[max(0, round(solid * 8) - 1)]
            bar.append(glyph, style=f"{colour} on {P90_COLOUR}" if extra > solid else colour)
        elif extra > 0:
            bar.append(_EIGHTHS[max(0, round(extra * 8) - 1)], style=P90_COLOUR)
        else:
            bar.append(" ")
    if median > 1 + BAR_OVER / BAR_UNDER:
        bar.right_crop(1)
        bar.append("»", style="bold red")
    return bar
