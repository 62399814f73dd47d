"""Queue statistics for supervisors: per line, per loket and per hour of day, for any period.

Times per ticket: waiting = issued -> first call; walk = (latest) call -> serving began;
service = serving began (or the call) -> finished, time parked left out. Medians and the 90th
percentile are computed over the tickets of the period (one query; a busy office takes a few
hundred tickets a day, so a year is about 60,000 rows).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from models.dto import SessionInfo
from models.queuedto import QueueFigures, QueueStats
from models.kernel import Context, to_storage
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


def queue_stats(ctx: Context, session: SessionInfo, since: dt.date, until: dt.date) -> QueueStats:
    """Queue figures of the tickets taken from ``since`` to ``until`` (office local days)."""
    if until < since:
        since, until = until, since
    start = to_storage(dt.datetime.combine(since, dt.time(), ctx.tz))
    end = to_storage(dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), ctx.tz))

    def body() -> QueueStats:
        today = ctx.today()
        query = (Ticket.select(Ticket.line, Counter.number, Ticket.status, Ticket.issued_at, Ticket.day,
                               Ticket.first_called_at, Ticket.called_at, Ticket.served_at,
                               Ticket.finished_at, Ticket.parked_seconds)
                 .join(Counter, JOIN.LEFT_OUTER, on=(Ticket.counter == Counter.id))
                 .where((Ticket.office == ctx.office_id) & (Ticket.issued_at >= start) & (Ticket.issued_at < end))
                 .tuples())
        rows = []
        for line, counter, status, issued, day, first, called, served, finished, parked in query:
            rows.append(_Row(
                line=line, counter=counter, status=status, hour=ctx.local(issued).hour, today=day == today,
                wait=_seconds(first, issued), walk=_seconds(served, called),
                service=_seconds(finished, served or called, parked or 0)))

        def line_label(prefix: object) -> str:
            line = line_named(ctx, str(prefix))
            return f"{prefix} {line.name}" if line else f"{prefix} (jalur lama)"

        return QueueStats(
            since=since, until=until, total=_figures("semua", "Semua", rows),
            lines=_grouped(rows, lambda r: r.line, line_label),
            counters=_grouped([r for r in rows if r.counter is not None], lambda r: r.counter,
                              lambda n: f"Loket {n}"),
            hours=_grouped(rows, lambda r: r.hour, lambda h: f"{int(h):02d}.00-{int(h) + 1:02d}.00"))

    return ctx.read(session, Permission.REPORT_OFFICE, body)
