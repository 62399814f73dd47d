"""Plain results of the queue's lines, board and statistics (see models.dto for the rest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueLineInfo:
    """A queue line as the kiosk, the board and the counter show it."""

    prefix: str
    name: str
    services: tuple[str, ...]
    waiting: int = 0
    #: Estimated wait in minutes for someone taking a ticket now (None: unknown).
    wait_minutes: int | None = None
    #: People called before someone taking a ticket now: the waiting of every line its loket
    #: call from (a loket serving several lines calls them by the order of taking).
    ahead: int = 0


@dataclass(frozen=True)
class BoardCall:
    """A call shown on the waiting-room board."""

    ticket_id: int
    code: str
    counter_no: int
    counter_name: str
    service_name: str
    called_at: dt.datetime
    status: str


@dataclass(frozen=True)
class BoardState:
    """Everything the waiting-room board shows (office local times)."""

    office_name: str
    tz_label: str
    now: dt.datetime
    #: The latest call of each open loket, by loket number (None: nothing called today).
    counters: tuple[tuple[int, str, BoardCall | None], ...]
    recent: tuple[BoardCall, ...]
    lines: tuple[QueueLineInfo, ...]
    running_text: str


@dataclass(frozen=True)
class QueueFigures:
    """Queue figures of one group (a line, a loket, an hour of day, or everything)."""

    key: str
    label: str
    issued: int
    served: int
    absent: int
    waiting_now: int
    #: Seconds; None when nothing was measured.
    wait_median: float | None
    wait_p90: float | None
    walk_median: float | None
    service_median: float | None
    service_p90: float | None


@dataclass(frozen=True)
class QueueStats:
    """Queue statistics of a period: in total, per line, per loket and per hour of day."""

    since: dt.date
    until: dt.date
    total: QueueFigures
    lines: tuple[QueueFigures, ...]
    counters: tuple[QueueFigures, ...]
    hours: tuple[QueueFigures, ...]
