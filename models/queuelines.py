"""Queue lines, call order, position and the estimated wait.

A queue line is one waiting line with one letter prefix: the office groups services into lines
(``[antrean]`` in desk.toml); a service in no group waits in its own line under its catalog
prefix. A loket calls from the lines it serves (``desk loket ubah N --jalur A,B``; none set =
every line).

Call order within a line: a ticket transferred to this loket first, then priority and normal
tickets interleaved by the office's rule (at most ``priority_run`` priority calls in a row while
normal tickets wait; 0 = priority always first), each in order of taking.

The estimated wait of a ticket: the people called before it, divided among the loket open for
its line (those that called within ``open_minutes``), times the median time a loket spends on
one ticket (called to finished, the latest 40 of the last 14 days; without history, the minutes
of the service's counter steps, else 10). Lines that share a loket wait together: a loket
calling from several lines calls by the order of taking across them, so the people before a
ticket, the open loket and the time per ticket are counted over the lines joined by common
loket (its *pool*; with every loket calling every line, the pool is the whole office).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from models.dto import DeskError
from models.kernel import Context
from models.settings import QueueLine
from models.tables import Counter, Ticket

#: Finished tickets a line's service time is taken from, and how far back.
SAMPLE = 40
HISTORY_DAYS = 14
#: Minutes per ticket when a line has no history and its service names no counter minutes.
DEFAULT_MINUTES = 10.0


def lines(ctx: Context) -> list[QueueLine]:
    """The office's queue lines in catalog order (configured groups, then one line per
    remaining service).

    Raises:
        DeskError: a configured line names a service the office does not offer, or two lines
            share a prefix or a service.
    """
    cached = getattr(ctx, "_queue_lines", None)
    if cached is not None and cached[0] is ctx.settings:
        return cached[1]
    offered = [s.code for s in ctx.offered()]
    grouped: dict[str, QueueLine] = {}
    result: list[QueueLine] = []
    for line in ctx.settings.queue.lines:
        for code in line.services:
            if code not in offered:
                raise DeskError(f"Jalur antrean {line.prefix}: layanan {code} tidak ditawarkan kantor ini.")
            if code in grouped:
                raise DeskError(f"Layanan {code} ada di dua jalur antrean ({grouped[code].prefix} dan {line.prefix}).")
            grouped[code] = line
    seen: set[str] = set()
    for code in offered:
        line = grouped.get(code) or QueueLine(prefix=ctx.catalog_service(code).queue_prefix,
                                              name=ctx.catalog_service(code).short_name, services=(code,))
        if line.prefix in seen:
            if grouped.get(code) is not None:
                continue
            raise DeskError(f"Prefiks antrean {line.prefix} dipakai dua jalur; atur [antrean] di desk.toml.")
        seen.add(line.prefix)
        result.append(line)
    ctx._queue_lines = (ctx.settings, result)  # type: ignore[attr-defined]
    return result


def line_of(ctx: Context, service_code: str) -> QueueLine:
    """The line a service's tickets wait in."""
    for line in lines(ctx):
        if service_code in line.services:
            return line
    raise DeskError(f"Layanan {service_code} tidak ada di antrean kantor ini.")


def line_named(ctx: Context, prefix: str) -> QueueLine | None:
    """The line with this prefix, if any."""
    return next((line for line in lines(ctx) if line.prefix == prefix), None)


def counter_lines(value: str) -> tuple[str, ...]:
    """The prefixes stored in a loket's ``lines`` column ("" = every line)."""
    return tuple(p for p in (v.strip().upper() for v in (value or "").split(",")) if p)


def call_order(waiting: Iterable[tuple[int, bool]], run: int, limit: int) -> list[int]:
    """The ids of waiting tickets (id, priority) in the order one loket would call them.

    Args:
        waiting: Waiting tickets as (id, priority), any order.
        run: Priority calls this loket made in a row so far.
        limit: The office's ``priority_run`` (0 = priority always first).
    """
    items = list(waiting)
    prio = sorted(i for i, p in items if p)
    normal = sorted(i for i, p in items if not p)
    order: list[int] = []
    while prio or normal:
        take_prio = bool(prio) and (not normal or limit == 0 or run < limit)
        if take_prio:
            order.append(prio.pop(0))
            run += 1
        else:
            order.append(normal.pop(0))
            run = 0
    return order


@dataclass(frozen=True)
class LineRate:
    """How fast a line moves now."""

    seconds_per_ticket: float
    open_counters: int
    idle_counters: int
    from_history: bool
    #: The lines waiting together with this one (sharing loket), this one included.
    pool: tuple[str, ...] = ()

    def wait_minutes(self, ahead: int) -> int:
        """Estimated minutes until a ticket with ``ahead`` people before it is called."""
        effective = ahead - self.idle_counters + 0.5 if ahead >= self.idle_counters else 0.0
        return math.ceil(max(0.0, effective) * self.seconds_per_ticket / max(1, self.open_counters) / 60)


def _fallback_seconds(ctx: Context, line: QueueLine) -> float:
    minutes = []
    for code in line.services:
        svc = ctx.catalog_service(code)
        total = sum(s.waktu.value * (60 if s.waktu.unit == "jam" else 1)
                    for s in svc.steps if s.loket and s.waktu and s.waktu.unit in ("menit", "jam"))
        if total:
            minutes.append(total)
    return 60.0 * (statistics.median(minutes) if minutes else DEFAULT_MINUTES)


def line_rates(ctx: Context, day: dt.date, now: dt.datetime) -> dict[str, LineRate]:
    """Every line's rate now (three queries; runs on the caller's connection).

    Args:
        day: The office's local day.
        now: Now, as stored (see models.kernel.to_storage).
    """
    since = now - dt.timedelta(days=HISTORY_DAYS)
    rows = (Ticket.select(Ticket.line, Ticket.called_at, Ticket.finished_at, Ticket.parked_seconds)
            .where((Ticket.office == ctx.office_id) & (Ticket.issued_at >= since)
                   & (Ticket.status == "selesai") & Ticket.called_at.is_null(False)
                   & Ticket.finished_at.is_null(False))
            .order_by(Ticket.id.desc()).limit(SAMPLE * 12).tuples())
    samples: dict[str, list[float]] = {}
    for line, called, finished, parked in rows:
        bucket = samples.setdefault(line, [])
        if len(bucket) < SAMPLE:
            bucket.append(max(30.0, (finished - called).total_seconds() - (parked or 0)))
    recent = now - dt.timedelta(minutes=ctx.settings.queue.open_minutes)
    active = dict(Ticket.select(Ticket.counter, Ticket.status)
                  .where((Ticket.office == ctx.office_id) & (Ticket.day == day)
                         & (Ticket.called_at >= recent) & Ticket.counter.is_null(False))
                  .order_by(Ticket.called_at).tuples())
    busy = {c for (c,) in Ticket.select(Ticket.counter)
            .where((Ticket.office == ctx.office_id) & (Ticket.day == day)
                   & Ticket.status.in_(["dipanggil", "dilayani"])).tuples()}
    counters = list(Counter.select(Counter.id, Counter.lines)
                    .where((Counter.office == ctx.office_id) & Counter.active).tuples())
    prefixes = [line.prefix for line in lines(ctx)]
    served_by = {cid: set(counter_lines(value) or prefixes) for cid, value in counters}
    result: dict[str, LineRate] = {}
    for prefix, pool in pools(prefixes, served_by.values()).items():
        serving = [cid for cid, served in served_by.items() if served & pool]
        open_ids = [cid for cid in serving if cid in active or cid in busy]
        history = [x for p in pool for x in samples.get(p, [])]
        if len(history) >= 3:
            seconds = statistics.median(history)
        else:
            seconds = statistics.median(_fallback_seconds(ctx, line) for line in lines(ctx) if line.prefix in pool)
        result[prefix] = LineRate(
            seconds_per_ticket=seconds, open_counters=max(1, len(open_ids)),
            idle_counters=len([c for c in open_ids if c not in busy]), from_history=len(history) >= 3,
            pool=tuple(p for p in prefixes if p in pool))
    return result


def pools(prefixes: list[str], served: Iterable[set[str]]) -> dict[str, frozenset[str]]:
    """Each line's pool: the lines joined to it by loket calling from both."""
    pool = {p: {p} for p in prefixes}
    for lines_of_counter in served:
        joined = set().union(*(pool[p] for p in lines_of_counter if p in pool)) if lines_of_counter else set()
        for p in joined:
            pool[p] = joined
    return {p: frozenset(members) for p, members in pool.items()}


def positions(ctx: Context, waiting: list[dict[str, Any]], rates: dict[str, LineRate] | None = None) -> dict[int, int]:
    """How many people are called before each waiting ticket (a fresh loket's interleave run),
    per pool of lines when ``rates`` (from :func:`line_rates`) is given, else per line.
    ``waiting`` rows need id, line and priority."""
    by_pool: dict[str, list[tuple[int, bool]]] = {}
    for row in waiting:
        rate = (rates or {}).get(row["line"])
        key = ",".join(rate.pool) if rate and rate.pool else row["line"]
        by_pool.setdefault(key, []).append((row["id"], bool(row["priority"])))
    result: dict[int, int] = {}
    for items in by_pool.values():
        for index, ticket_id in enumerate(call_order(items, 0, ctx.settings.queue.priority_run)):
            result[ticket_id] = index
    return result
