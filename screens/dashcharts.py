"""What the dashboard draws, as rich Text: the rows of the steps table (per service its whole
case, then each step, with the bar of the mutu baku used), the lines about the highlighted row,
the days of the sparkline, the queue today. No widgets: plain functions of the figures."""

from __future__ import annotations

import datetime as dt

from rich.console import JustifyMethod
from rich.text import Text

from models.dashdto import Dashboard, DayCount, ServiceTiming, StepTiming
from screens.dashparts import (
    ALL_SINCE,
    BAR_WIDTH,
    PERIODS,
    fmt_count,
    fmt_duration,
    fmt_percent,
    fmt_tanggal,
    share_bar,
    share_style,
    wrapped,
)
from screens.widgets import MONTHS_SHORT, clip

#: The steps table's width: 80 columns less the vertical scroll bar.
STEPS_WIDTH = 78

#: The figures of the steps table: column keys, headers, widths and alignment. The table has no
#: cell padding: each width holds one blank before the content (counts and durations are
#: right-aligned, the bar starts with a blank), so the columns stand one blank apart.
_FIGURE_COLUMNS: tuple[tuple[str, str, int, JustifyMethod], ...] = (
    ("done", "Selesai", 8, "right"),
    ("median", "Median", 10, "right"),
    ("p90", "P90", 10, "right"),
    ("within", "≤Mutu", 6, "right"),
    ("open", "Buka", 5, "right"),
    ("overdue", "Lewat", 6, "right"),
    ("bar", " Mutu baku", 1 + BAR_WIDTH, "left"),
)

#: The steps table: the step's name (after a blank) gets what the figures leave of
#: :data:`STEPS_WIDTH`, so the bar stays in view at 80 columns.
STEP_COLUMNS: tuple[tuple[str, str, int, JustifyMethod], ...] = (
    ("name", " Langkah", STEPS_WIDTH - sum(width for _, _, width, _ in _FIGURE_COLUMNS), "left"),
    *_FIGURE_COLUMNS,
)

#: Lines under the steps table about the highlighted row (:func:`step_detail`).
STEP_DETAIL_LINES = 4

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
    """The cells of one row of the steps table (:data:`STEP_COLUMNS`).

    Args:
        timing: A step's figures, or (step_no 0) the whole case's.
        warn: The warning share (bars turn yellow from here).
        heading: For a service's row: its label (bold); else the step's number and uraian.
    """
    if heading:
        name = Text(" ", no_wrap=True, overflow="ellipsis")
        name.append(heading, style="bold")
    else:
        name = Text(f" {timing.step_no:>2} ", style="dim", no_wrap=True, overflow="ellipsis")
        name.append(timing.uraian, style="")
    overdue = timing.overdue_now
    if timing.with_standard or timing.median_share is not None:
        bar = share_bar(timing.median_share, timing.p90_share, warn)
    else:
        bar = Text("tanpa mutu" if timing.done else "", style="dim")
    return [
        name,
        Text(fmt_count(timing.done), justify="right"),
        Text(fmt_duration(timing.median_seconds), justify="right"),
        Text(fmt_duration(timing.p90_seconds), justify="right"),
        Text(fmt_percent(timing.within_ratio), justify="right"),
        Text(fmt_count(timing.open_now), justify="right", style="" if timing.open_now else "dim"),
        Text(fmt_count(overdue), justify="right", style="bold red" if overdue else "dim"),
        Text.assemble(" ", bar, no_wrap=True),
    ]


def active(service: ServiceTiming) -> bool:
    """Whether anything of the service was done in the period or is running now."""
    return any(t.done or t.open_now for t in (service.case, *service.steps))


def step_rows(dashboard: Dashboard) -> list[tuple[str, list[Text]]]:
    """Every row of the steps table: per service its whole-case row, then its steps. Services
    with something done in the period or running now come first; the others follow as their
    row alone.

    Args:
        dashboard: The figures.

    Returns:
        ``(row key, cells)``; keys are ``"CODE:0"`` for the service and ``"CODE:3"`` for step 3.
    """
    rows: list[tuple[str, list[Text]]] = []
    for service in sorted(dashboard.services, key=lambda service: not active(service)):
        rows.append((f"{service.code}:0",
                     step_cells(service.case, dashboard.warn_share, heading=service.code)))
        if not active(service):
            continue
        for step in service.steps:
            rows.append((f"{service.code}:{step.step_no}", step_cells(step, dashboard.warn_share)))
    return rows


def step_detail(service: ServiceTiming, timing: StepTiming, width: int, warn: float) -> Text:
    """The lines about the highlighted row (:data:`STEP_DETAIL_LINES`): which step and who does
    it (what runs now), its full uraian (or the service's name), its mutu baku and shares.

    Args:
        service: The row's service.
        timing: The row's figures (the service's own with step_no 0).
        width: The room per line.
        warn: The warning share.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    now = Text()
    if timing.open_now:
        now.append(f" · {fmt_count(timing.open_now)} berjalan")
        if timing.overdue_now:
            now.append(", ")
            now.append(f"{fmt_count(timing.overdue_now)} terlambat", style="bold red")
    if timing.step_no:
        head, who, what = f"{service.code} langkah {timing.step_no}", timing.pelaksana, timing.uraian
        standard = f"mutu baku {timing.waktu_label or '-'}"
    else:
        head, who, what = service.code, service.bidang, service.name
        standard = f"jangka waktu {service.jangka_waktu or '-'}"
    text.append(head, style="bold")
    if who:
        text.append(" · ")
        text.append(clip(who, max(8, width - len(head) - 3 - len(now.plain))))
    text.append_text(now)
    lines = wrapped(what, width, STEP_DETAIL_LINES - 2)
    text.append("\n" + "\n".join(lines) + "\n" * (STEP_DETAIL_LINES - 1 - len(lines)))
    text.append(standard)
    if timing.with_standard:
        text.append(f" · tepat waktu {fmt_count(timing.within)}/{fmt_count(timing.with_standard)}")
    if timing.median_share is not None:
        text.append(" · median ")
        text.append(fmt_percent(timing.median_share), style=share_style(timing.median_share, warn))
        text.append(" · p90 ")
        text.append(fmt_percent(timing.p90_share), style=share_style(timing.p90_share, warn))
    if not active(service):
        text.append(" · tidak ada kegiatan dalam periode ini", style="dim")
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
