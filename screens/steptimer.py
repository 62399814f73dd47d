"""The running step's timer and Durasi cell on the case screen: time used against the mutu baku
waktu, counted as the mutu baku counts it (office hours for menit, jam and hari kerja: the step's
clock, StepLine.share), yellow with SEGERA from the warning share (``[kalender]
ambang_peringatan``, default 80%) and red with TERLAMBAT past 100%."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from models.dto import StepLine
from screens.widgets import fmt_datetime, fmt_elapsed

#: Standards of at least this many seconds are shown as a deadline rather than a stopwatch.
DAY_SCALE_SECONDS = 8 * 3600


def short_duration(seconds: int) -> str:
    """A duration in at most 9 characters: ``"00:03:12"``, or ``"2 hr 03 j"`` from a day on.

    Args:
        seconds: Non-negative number of seconds.

    Returns:
        The duration (``hr`` = hari, ``j`` = jam).
    """
    seconds = max(0, int(seconds))
    if seconds < 86400:
        return fmt_elapsed(seconds)
    days, rest = divmod(seconds, 86400)
    return f"{days} hr {rest // 3600:02d} j"


#: Styles of a running step by how much of its mutu baku it used: under the warning share,
#: from the warning share ("SEGERA"), past 100% ("TERLAMBAT").
RUNNING_STYLE = "bold cyan"
WARN_STYLE = "bold yellow"
LATE_STYLE = "bold red"


def step_standing(step: StepLine, now: dt.datetime) -> str:
    """How a step stands against its mutu baku waktu, by the share of it used (office time for
    menit, jam and hari kerja: StepLine.share).

    Args:
        step: The step.
        now: The current office time.

    Returns:
        ``"terlambat"`` past 100% or past its due time (a running or a finished step; at 17.00
        a step due at the 16.30 closing has used 100% of its office time, and is late),
        ``"segera"`` for a running step from its warning share (``[kalender]
        ambang_peringatan``), else ``""``.
    """
    share = step.share(now)
    if share is None:
        return ""
    if share > 1.0 or step.overdue(now):
        return "terlambat"
    return "segera" if step.status == "berjalan" and share >= step.warn_share else ""


def step_late(step: StepLine, now: dt.datetime) -> bool:
    """True when a step ran (or runs) past its mutu baku waktu.

    Args:
        step: The step.
        now: The current office time.

    Returns:
        Whether it used more than its standard.
    """
    return step_standing(step, now) == "terlambat"


def running_style(standing: str) -> str:
    """The style of a running step's cells for its standing (step_standing)."""
    return {"terlambat": LATE_STYLE, "segera": WARN_STYLE}.get(standing, RUNNING_STYLE)


def _office_clock(step: StepLine) -> bool:
    """Whether the step's mutu baku is a stopwatch of office time (menit, jam: its clock counts
    office hours and is shorter than a working day)."""
    clock = step.clock
    return clock is not None and clock.working and clock.amount < DAY_SCALE_SECONDS


def used_seconds(step: StepLine, now: dt.datetime) -> int:
    """The time a step used, as its mutu baku counts it: office time for menit and jam (a step
    started on Friday at 15.50 has used 55 minutes at 07.45 on Monday), else the time it ran.

    Args:
        step: The step.
        now: The current office time.

    Returns:
        Seconds (0 for a step not started).
    """
    share = step.share(now) if _office_clock(step) else None
    if share is None:
        return step.elapsed_seconds(now)
    return max(0, round(share * step.clock.amount))


def step_duration(step: StepLine, now: dt.datetime) -> Text:
    """The Durasi cell: how long a finished or running step took; red when over its standard.

    Args:
        step: The step.
        now: The current office time.

    Returns:
        ``"-"`` for a step not started.
    """
    if step.started_at is None or step.status == "belum":
        return Text("-", style="dim")
    standing = step_standing(step, now)
    if standing == "terlambat":
        style = LATE_STYLE
    elif step.status == "berjalan":
        style = running_style(standing)
    else:
        style = "green" if step.standard_seconds is not None else ""
    return Text(short_duration(used_seconds(step, now)), style=style, no_wrap=True)


def step_timer(step: StepLine, now: dt.datetime) -> Text:
    """The live timer of a running step against its mutu baku waktu.

    Args:
        step: The running step.
        now: The current office time.

    Returns:
        e.g. ``"00:03:12 / 5 menit"`` (office time used of a mutu baku in menit or jam),
        ``"00:03:12 · batas: 26 Nov 2026 10.00"`` (a mutu baku in days),
        ``"00:03:12 · tanpa mutu baku waktu"``; yellow with ``SEGERA`` from the warning share
        of the mutu baku, red with ``TERLAMBAT`` past it.
    """
    standing = step_standing(step, now)
    text = Text(fmt_elapsed(used_seconds(step, now)), style=running_style(standing) if standing else "bold")
    if step.standard_seconds is None:
        text.append(" · tanpa mutu baku waktu", style="dim")
    elif not _office_clock(step) and step.standard_seconds >= DAY_SCALE_SECONDS and step.due_at is not None:
        text.append(" · batas: ")
        text.append(fmt_datetime(step.due_at), style="bold")
    else:
        text.append(" / ")
        text.append(step.waktu_label or fmt_elapsed(step.standard_seconds))
    if standing == "terlambat":
        text.append("  TERLAMBAT", style="bold white on red")
    elif standing == "segera":
        text.append("  SEGERA", style="bold black on yellow")
    return text
