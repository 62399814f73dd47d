"""What the supervisors' screens, exports and command line get: step timing per service and
step for a period, the queue today, figures per staff member, and the lists of steps due soon
and overdue. Plain frozen dataclasses (no database, no UI).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class StepTiming:
    """One SOP step of a service (or, with ``step_no`` 0, the whole case against the service's
    jangka waktu) over a period.

    Attributes:
        done: Runs that ended in the period.
        with_standard: Of those, runs with a mutu baku.
        within: Of those, runs that ended by their due time.
        median_seconds / p90_seconds: Wall-clock duration of the runs done (pauses left out),
            read from the duration histogram (buckets 4% wide); None when none were done.
        median_share / p90_share: Share of the mutu baku used (1.0 = all of it); None without a
            mutu baku or runs.
        open_now / overdue_now: Runs running now, and those of them past their due time
            (not bound to the period: "now").
    """

    service_code: str
    step_no: int
    uraian: str
    pelaksana: str
    waktu_label: str
    done: int = 0
    with_standard: int = 0
    within: int = 0
    mean_seconds: float | None = None
    median_seconds: float | None = None
    p90_seconds: float | None = None
    median_share: float | None = None
    p90_share: float | None = None
    open_now: int = 0
    overdue_now: int = 0

    @property
    def within_ratio(self) -> float | None:
        """Share of the runs with a mutu baku that ended within it (None without any)."""
        return self.within / self.with_standard if self.with_standard else None


@dataclass(frozen=True)
class ServiceTiming:
    """A service over a period: its whole-case figures and each step's."""

    code: str
    name: str
    bidang: str
    jangka_waktu: str
    case: StepTiming
    steps: tuple[StepTiming, ...] = ()

    @property
    def open_now(self) -> int:
        return sum(step.open_now for step in self.steps)

    @property
    def overdue_now(self) -> int:
        return sum(step.overdue_now for step in self.steps)


@dataclass(frozen=True)
class DayCount:
    """Steps finished on one day (or in one month, for long periods), for the sparkline."""

    day: dt.date
    done: int
    within: int
    with_standard: int


@dataclass(frozen=True)
class StaffTiming:
    """What one staff member finished in the period."""

    staff_id: int
    full_name: str
    role: str
    done: int
    with_standard: int
    within: int
    median_seconds: float | None = None


@dataclass(frozen=True)
class QueueNow:
    """The queue of today: tickets waiting, median wait of those called today, loket open."""

    waiting: int
    issued: int
    served: int
    median_wait_seconds: float | None
    counters_open: int
    counters: int


@dataclass(frozen=True)
class OfficeChoice:
    """An office a supervisor may look at, with its IANA time zone (its days and hours)."""

    id: int
    code: str
    name: str
    timezone: str = ""


@dataclass(frozen=True)
class Dashboard:
    """The supervisors' dashboard for one office and period [since, until] (office-local days).

    ``staff`` is None when the session's role may not see figures per staff member;
    ``per_day`` has one entry per day, or per month when the period is longer than 92 days
    (``per_month`` tells which).
    """

    office_id: int
    office_code: str
    office_name: str
    since: dt.date
    until: dt.date
    computed_at: dt.datetime
    services: tuple[ServiceTiming, ...]
    per_day: tuple[DayCount, ...]
    per_month: bool
    queue: QueueNow
    staff: tuple[StaffTiming, ...] | None
    warn_share: float = 0.8
    #: The first day any step of the office ended (None: none yet), for "since the start".
    first_day: dt.date | None = None


@dataclass(frozen=True)
class DeadlineItem:
    """A running step (or, with ``step_no`` 0, a case's jangka waktu) near or past its due time.

    Attributes:
        share: Share of the mutu baku used now (>= warn share: segera; > 1: terlambat).
        state: "segera" (segera jatuh tempo) or "terlambat".
    """

    case_id: int
    register_no: str
    applicant_name: str
    service_code: str
    service_name: str
    bidang: str
    step_no: int
    uraian: str
    pelaksana: tuple[str, ...]
    started_at: dt.datetime
    due_at: dt.datetime
    share: float
    state: str


@dataclass(frozen=True)
class DeadlineList:
    """The steps due soon and overdue of an office, most urgent first, with the filters the
    list can be narrowed by."""

    items: tuple[DeadlineItem, ...]
    computed_at: dt.datetime
    warn_share: float
    roles: tuple[str, ...] = ()
    bidang: tuple[str, ...] = ()
    role: str = ""
    bidang_filter: str = ""

    @property
    def overdue(self) -> tuple[DeadlineItem, ...]:
        return tuple(i for i in self.items if i.state == "terlambat")

    @property
    def due_soon(self) -> tuple[DeadlineItem, ...]:
        return tuple(i for i in self.items if i.state == "segera")
