"""Queue statistics for supervisors: per line, per loket and per hour of day, for any period.

Times per ticket: waiting = issued -> first call; walk = (latest) call -> serving began;
service = serving began (or the call) -> finished, time parked left out. Medians and the 90th
percentile are computed over the tickets of the period (one query; a busy office takes a few
hundred tickets a day, so a year is about 60,000 rows).

The period's days and the hours of day are the office's own (its time zone): a supervisor of a
main office in WIB reading a branch in WITA sees the branch's days and hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from models.dto import SessionInfo
from models.queuedto import QueueFigures, QueueStats
from models.kernel import Context
from models.office import check_office, office_scope
from models.permissions import Permission
from models.queuelines import line_named
from models.tables import Counter, Ticket
from peewee import JOIN


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation; None for no values."""
    if not values:
        return None
    data = sorted(values)
    k = (len(data) - 1) * q / 100
    low, high = math.floor(k), math.ceil(k)
    return data[low] + (data[high] - data[low]) * (k - low)


@dataclass
class _Row:
    line: str
    counter: int | None
    status: str
    hour: int
    today: bool
    wait: float | None
    walk: float | None
    service: float | None


def _seconds(later: dt.datetime | None, earlier: dt.datetime | None, minus: int = 0) -> float | None:
    if later is None or earlier is None:
        return None
    return max(0.0, (later - earlier).total_seconds() - minus)


def _figures(key: str, label: str, rows: Iterable[_Row]) -> QueueFigures:
    rows = list(rows)
    waits = [r.wait for r in rows if r.wait is not None]
    walks = [r.walk for r in rows if r.walk is not None]
    services = [r.service for r in rows if r.service is not None and r.status == "selesai"]
    return QueueFigures(
        key=key, label=label, issued=len(rows), served=sum(r.status == "selesai" for r in rows),
        absent=sum(r.status == "lewat" for r in rows),
        waiting_now=sum(r.status == "menunggu" and r.today for r in rows),
        wait_median=percentile(waits, 50), wait_p90=percentile(waits, 90),
        walk_median=percentile(walks, 50), service_median=percentile(services, 50),
        service_p90=percentile(services, 90))


def _grouped(rows: list[_Row], key: Callable[[_Row], object], label: Callable[[object], str]) -> tuple[QueueFigures, ...]:
    groups: dict[object, list[_Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return tuple(_figures(str(k), label(k), groups[k]) for k in sorted(groups, key=lambda k: (k is None, str(k).zfill(4))))


def queue_stats(ctx: Context, session: SessionInfo, since: dt.date, until: dt.date,
                office_id: int | None = None) -> QueueStats:
    """Queue figures of the tickets taken from ``since`` to ``until`` (the office's local days)
    at an office (default: the session's; another one for supervisors of a main office).

    Raises:
        PermissionDenied: another office the session may not look at.
    """
    if until < since:
        since, until = until, since
    target = check_office(ctx, session, office_id)

    def body() -> QueueStats:
        scope = office_scope(ctx, target)
        start, end = scope.day_bounds(since, until)
        today = scope.now(ctx).date()
        query = (Ticket.select(Ticket.line, Counter.number, Ticket.status, Ticket.issued_at, Ticket.day,
                               Ticket.first_called_at, Ticket.called_at, Ticket.served_at,
                               Ticket.finished_at, Ticket.parked_seconds, Ticket.service)
                 .join(Counter, JOIN.LEFT_OUTER, on=(Ticket.counter == Counter.id))
                 .where((Ticket.office == target) & (Ticket.issued_at >= start) & (Ticket.issued_at < end))
                 .tuples())
        rows = []
        services: dict[str, set[str]] = {}  # line -> the services its tickets were for
        for line, counter, status, issued, day, first, called, served, finished, parked, service_id in query:
            day = dt.date.fromisoformat(day) if isinstance(day, str) else day
            rows.append(_Row(
                line=line, counter=counter, status=status, hour=scope.local(issued).hour, today=day == today,
                wait=_seconds(first, issued), walk=_seconds(served, called),
                service=_seconds(finished, served or called, parked or 0)))
            services.setdefault(line, set()).add(scope.service_names.get(service_id, ""))

        def line_label(prefix: object) -> str:
            if not scope.own:  # another office's lines are in its own configuration
                names = sorted(n for n in services.get(str(prefix), ()) if n)
                return f"{prefix} {', '.join(names)}" if names else str(prefix)
            line = line_named(ctx, str(prefix))
            return f"{prefix} {line.name}" if line else f"{prefix} (jalur lama)"

        return QueueStats(
            since=since, until=until, total=_figures("semua", "Semua", rows),
            lines=_grouped(rows, lambda r: r.line, line_label),
            counters=_grouped([r for r in rows if r.counter is not None], lambda r: r.counter,
                              lambda n: f"Loket {n}"),
            hours=_grouped(rows, lambda r: r.hour, lambda h: f"{int(h):02d}.00-{int(h) + 1:02d}.00"))

    return ctx.read(session, Permission.REPORT_OFFICE, body)
