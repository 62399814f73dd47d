"""What the dashboard draws, as rich Text: the rows of the steps table (per service its whole
case, then each step, with the bar of the mutu baku used), the lines about the highlighted row,
the days of the sparkline, the queue today. No widgets: plain functions of the figures."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from models.dashdto import Dashboard, DayCount, ServiceTiming, StepTiming
from screens.dashparts import (
    ALL_SINCE,
    PERIODS,
    fmt_count,
    fmt_duration,
    fmt_percent,
    fmt_tanggal,
    share_bar,
    share_style,
)
from screens.widgets import MONTHS_SHORT, clip

#: The steps table: column keys, headers and widths (80 columns with the scroll bar).
STEP_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Langkah", 13),
    ("done", "Selesai", 7),
    ("median", "Median", 9),
    ("p90", "P90", 9),
    ("within", "≤Mutu", 5),
    ("open", "Buka", 4),
    ("overdue", "Lewat", 5),
    ("bar", "Mutu baku", 10),
)

#: The staff table.
STAFF_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Petugas", 28),
    ("role", "Peran", 12),
    ("done", "Selesai", 7),
    ("within", "≤Mutu", 5),
    ("median", "Median", 9),
)

#: The period choices of the period dialog, in order; the last one types a range.
PERIOD_CHOICES: tuple[str, ...] = (*PERIODS, "rentang")


def step_cells(timing: StepTiming, warn: float, *, heading: str = "") -> list[Text]:
    """The cells of one row of the steps table.

    Args:
        timing: A step's figures, or (step_no 0) the whole case's.
        warn: The warning share (bars turn yellow from here).
        heading: For a service's row: its label (bold); else the step's number and uraian.
    """
    if heading:
        name = Text(heading, style="bold", no_wrap=True, overflow="ellipsis")
    else:
        name = Text(f"{timing.step_no:>2} ", style="dim", no_wrap=True, overflow="ellipsis")
        name.append(timing.uraian, style="")
    overdue = timing.overdue_now
    return [
        name,
        Text(fmt_count(timing.done), justify="right"),
        Text(fmt_duration(timing.median_seconds), justify="right"),
        Text(fmt_duration(timing.p90_seconds), justify="right"),
        Text(fmt_percent(timing.within_ratio), justify="right"),
        Text(fmt_count(timing.open_now), justify="right", style="" if timing.open_now else "dim"),
        Text(fmt_count(overdue), justify="right", style="bold red" if overdue else "dim"),
        share_bar(timing.median_share, timing.p90_share, warn) if timing.with_standard
        or timing.median_share is not None else Text("tanpa mutu" if timing.done else "",
                                                     style="dim"),
    ]


def step_rows(dashboard: Dashboard) -> list[tuple[str, list[Text]]]:
    """Every row of the steps table: per service its whole-case row, then its steps.

    Args:
        dashboard: The figures.

    Returns:
        ``(row key, cells)``; keys are ``"CODE:0"`` for the service and ``"CODE:3"`` for step 3.
    """
    rows: list[tuple[str, list[Text]]] = []
    for service in dashboard.services:
        rows.append((f"{service.code}:0",
                     step_cells(service.case, dashboard.warn_share, heading=service.code)))
        for step in service.steps:
            rows.append((f"{service.code}:{step.step_no}", step_cells(step, dashboard.warn_share)))
    return rows


def step_detail(service: ServiceTiming, timing: StepTiming, width: int, warn: float) -> Text:
    """Two lines about the highlighted row: what it is and its shares in words.

    Args:
        service: The row's service.
        timing: The row's figures (the service's own with step_no 0).
        width: The room per line.
        warn: The warning share.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    if timing.step_no:
        who = f" · {timing.pelaksana}" if timing.pelaksana else ""
        text.append(clip(f"{service.code} langkah {timing.step_no}: {timing.uraian}", width - len(who)),
                    style="bold")
        text.append(who)
        standard = timing.waktu_label
    else:
        text.append(clip(f"{service.code} {service.name}", width), style="bold")
        standard = service.jangka_waktu
    text.append("\n")
    text.append(f"mutu baku {standard or '-'}")
    if timing.with_standard:
        text.append(f" · {fmt_count(timing.within)}/{fmt_count(timing.with_standard)} tepat waktu")
    if timing.median_share is not None:
        text.append(" · median ")
        text.append(fmt_percent(timing.median_share), style=share_style(timing.median_share, warn))
        text.append(" · p90 ")
        text.append(fmt_percent(timing.p90_share), style=share_style(timing.p90_share, warn))
    if timing.open_now:
        text.append(f" · {fmt_count(timing.open_now)} berjalan")
        if timing.overdue_now:
            text.append(f", {fmt_count(timing.overdue_now)} terlambat", style="bold red")
    return text


def day_label(day: dt.date, per_month: bool) -> str:
    """A sparkline's end label: ``"23-11-2026"``, or ``"Nov 2026"`` per month."""
    return f"{MONTHS_SHORT[day.month - 1]} {day.year}" if per_month else fmt_tanggal(day)


def day_series(dashboard: Dashboard) -> tuple[DayCount, ...]:
    """The days (or months) the sparkline shows: for "semua data" from the first with work."""
    days = dashboard.per_day
    if dashboard.since <= ALL_SINCE:
        first = next((i for i, d in enumerate(days) if d.done), len(days))
        days = days[first:]
    return days


def queue_line(dashboard: Dashboard, width: int = 78) -> Text:
    """The queue today in one line: waiting, median wait, loket open (and, where it fits,
    how many were served of those who took a ticket)."""
    queue = dashboard.queue
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("Antrean hari ini: ", style="bold")
    text.append(f"{queue.waiting} menunggu", style="bold yellow" if queue.waiting else "")
    text.append(f" · tunggu median {fmt_duration(queue.median_wait_seconds)} · loket buka "
                f"{queue.counters_open}/{queue.counters}")
    served = f" · {queue.served}/{queue.issued} dilayani"
    if len(text.plain) + len(served) <= width:
        text.append(served)
    return text
