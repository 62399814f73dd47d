"""The office and its figures as the screens show them (split from models.dto)."""

from __future__ import annotations

from dataclasses import dataclass

from models.dto import CounterInfo, ServiceInfo


@dataclass(frozen=True)
class OfficeInfo:
    """What a desk needs once its office is open: the office, its loket and services."""

    id: int
    name: str
    kabupaten: str
    tz: str
    counters: tuple[CounterInfo, ...]
    services: tuple[ServiceInfo, ...]


@dataclass(frozen=True)
class StaffFigures:
    """What one staff member did in a period (for supervisors)."""

    staff_id: int
    username: str
    full_name: str
    tickets_called: int
    cases_opened: int
    decisions: int
    steps_finished: int
    documents: int


@dataclass(frozen=True)
class StepFigures:
    """How one SOP step of one service went in a period."""

    service_code: str
    step_no: int
    started: int
    done: int
    running: int
    mean_seconds: float | None
    within_standard: int
    with_standard: int
