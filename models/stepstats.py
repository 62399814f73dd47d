"""Step-timing summaries (table ``step_stat``, models.clocktables.StepStat), kept up to date in
the transaction that ends a step, so the supervisors' dashboard reads a few thousand summary
rows for any period instead of millions of step runs.

One row per (office, grain, period, service, step, staff member, kind, bucket):

* grain "d", "m", "y" with ``period`` the first day of the office-local day, month or year the
  run ended in: a period of any length is read as whole years, whole months and the days left.
* ``n`` runs, ``within`` those that ended by their due time, ``seconds`` their summed duration.
* Per service and step (``staff_id`` 0; ``step_no`` 0 is the whole case, lengkap -> selesai
  against the service's jangka waktu, counted when the case ends as selesai): kind "d", a
  histogram of durations (wall-clock seconds, ended - started - paused); kind "s", of the share
  of the mutu baku used (per mille), only for runs with a mutu baku. Buckets are 4% wide on a
  log scale: ``bucket = round(log(max(x, 1)) / log(1.04))``.
* Per staff member who ended the run (``service_id`` and ``step_no`` 0): kind "p", a duration
  histogram in buckets four times as wide (17%: one member's runs mix steps of minutes and of
  weeks), and kind "u", totals: bucket 0 all runs, bucket 1 those with a mutu baku.
* Per day and month, all steps (service, step and staff 0): kind "t", totals as kind "u".

Each kind is read by its own range of the covering index ``step_stat_read`` (office, kind,
grain, period, ...; migration 0014), so a query reads only the rows it sums.

A percentile read from a histogram (:func:`percentile`) places each value inside its bucket,
so it is off by less than one bucket width (4%; 17% per staff member) from the percentile of
the values themselves, and by about half that where a bucket holds one value or values spread
through it; durations under a second read as about a second.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from models import worktime
from models.clocktables import StepStat
from models.dto import SessionInfo
from models.kernel import Context, Tx
from models.permissions import Permission
from models.tables import Case, StepRun

#: Bucket growth: each bucket is 4% wider than the one below it.
GROWTH = 1.04
_LOG_GROWTH = math.log(GROWTH)
#: Buckets of the staff members' histograms (kind "p") are this many buckets wide.
STAFF_WIDTH = 4
#: Rows per statement when many are written (rebuild).
CHUNK = 500
#: The unique key of a summary row.
KEY = ("office_id", "grain", "period", "service_id", "step_no", "staff_id", "kind", "bucket")


def bucket_of(value: float, width: int = 1) -> int:
    """The histogram bucket of ``value`` (seconds, or per mille of a mutu baku), in buckets
    ``width`` times 4% wide."""
    return round(math.log(max(value, 1.0)) / (_LOG_GROWTH * width))


def bucket_value(bucket: int, fraction: float = 0.5, width: int = 1) -> float:
    """The value at ``fraction`` (0..1, log-linear) of ``bucket``'s range; 0.5 is its middle."""
    return GROWTH ** (width * (bucket - 0.5 + fraction))


def percentile(histogram: Mapping[int, int], q: float, width: int = 1) -> float | None:
    """The ``q`` quantile (0..1) of a histogram {bucket: count} (buckets ``width`` times 4%
    wide), as the linear-interpolation percentile of the values would give it: each value is
    placed inside its bucket (log-linearly, by its place among the bucket's values) and the two
    values around the rank ``q * (n - 1)`` are interpolated. None when empty."""
    buckets = sorted(b for b, count in histogram.items() if count > 0)
    total = sum(histogram[b] for b in buckets)
    if total <= 0:
        return None
    rank = min(max(q, 0.0), 1.0) * (total - 1)
    low = math.floor(rank)
    wanted = (low, min(low + 1, total - 1))
    values: list[float] = []
    seen = 0
    for b in buckets:
        count = histogram[b]
        while len(values) < 2 and wanted[len(values)] < seen + count:
            values.append(bucket_value(b, (wanted[len(values)] - seen + 0.5) / count, width))
        if len(values) == 2:
            break
        seen += count
    return values[0] + (rank - low) * (values[1] - values[0])


def periods(day: dt.date) -> tuple[tuple[str, dt.date], ...]:
    """The (grain, period) rows a run ended on ``day`` is counted in."""
    return (("d", day), ("m", day.replace(day=1)), ("y", day.replace(month=1, day=1)))


@dataclass(frozen=True)
class Ended:
    """One ended step run (``step_no`` > 0) or case (``step_no`` 0), as the summaries count it.

    Attributes:
        day: The office-local day it ended.
        seconds: Its duration (wall clock, pauses left out).
        share: Share of the mutu baku used at the end (1.0 = all of it); None without one.
        within: Ended by its due time (False without a mutu baku).
        staff_id: Who ended the run (0: nobody known, and for cases).
    """

    service_id: int
    step_no: int
    staff_id: int
    day: dt.date
    seconds: float
    share: float | None
    within: bool


def _aware(ctx: Context, moment: dt.datetime | str | None) -> dt.datetime | None:
    """A stored (naive UTC) or aware time in the office's time zone."""
    if moment is None or isinstance(moment, str) or moment.tzinfo is None:
        return ctx.local(moment)
    return moment.astimezone(ctx.tz)


def ended_run(ctx: Context, service_id: int, step_no: int, started: Any, ended: Any, due: Any,
              paused_seconds: int | None, staff_id: int | None) -> Ended:
    """A step run that ended (times stored naive UTC or aware): its duration and share."""
    started, ended, due = _aware(ctx, started), _aware(ctx, ended), _aware(ctx, due)
    paused = int(paused_seconds or 0)
    svc = ctx.service_by_row(service_id)
    waktu = None
    if svc is not None and any(s.no == step_no for s in svc.steps):
        waktu = svc.step(step_no).waktu
    share, within = None, False
    if waktu is not None:
        clock = ctx.calendar.run_clock(started, waktu, paused_seconds=paused, ended=ended, due=due)
        share, within = ctx.calendar.share(clock, ended), ended <= clock.due
    return Ended(service_id=service_id, step_no=step_no, staff_id=int(staff_id or 0), day=ended.date(),
                 seconds=max(0.0, (ended - started).total_seconds() - paused), share=share, within=within)


def ended_case(ctx: Context, service_id: int, complete_at: Any, finished_at: Any, due_at: Any,
               paused_seconds: int | None) -> Ended:
    """A case that ended as selesai, timed from lengkap (its jangka waktu clock) to the end."""
    complete, finished, due = _aware(ctx, complete_at), _aware(ctx, finished_at), _aware(ctx, due_at)
    svc = ctx.service_by_row(service_id)
    share, within = None, False
    if svc is not None and svc.jangka_waktu is not None:
        clock = ctx.calendar.clock(complete, svc.jangka_waktu, due)
        share, within = ctx.calendar.share(clock, finished), finished <= clock.due
    seconds = (finished - complete).total_seconds() - int(paused_seconds or 0)
    return Ended(service_id=service_id, step_no=0, staff_id=0, day=finished.date(),
                 seconds=max(0.0, seconds), share=share, within=within)


def case_of(ctx: Context, row: Case) -> Ended:
    """:func:`ended_case` of a case row."""
    return ended_case(ctx, row.service_id, row.complete_at, row.finished_at, row.due_at, row.paused_seconds)


def run_of(ctx: Context, row: Mapping[str, Any]) -> Ended:
    """:func:`ended_run` of a row as :func:`models.steps.run_row` builds it."""
    return ended_run(ctx, row["service_id"], row["step_no"], row["started_at"], row["ended_at"],
                     row["due_at"], row.get("paused_seconds"), row.get("ended_by"))


def summarize(office_id: int, items: Iterable[Ended], weight: int = 1,
              into: dict[tuple, list[int]] | None = None) -> dict[tuple, list[int]]:
    """Add ``items`` (each ``weight`` times; -1 takes them back) to summary rows
    {key: [n, within, seconds]}, key as :data:`KEY`: per service and step (kinds "d", "s"),
    per staff member (kinds "p", "u") and all steps of a day or month (kind "t")."""
    rows = {} if into is None else into
    for item in items:
        within = weight * item.within
        seconds = weight * round(item.seconds)
        d_bucket = bucket_of(item.seconds)
        s_bucket = bucket_of(item.share * 1000) if item.share is not None else None
        p_bucket = bucket_of(item.seconds, STAFF_WIDTH)
        standard = 1 if s_bucket is not None else None
        for grain, period in periods(item.day):
            head = (office_id, grain, period)
            keys = [(*head, item.service_id, item.step_no, 0, "d", d_bucket)]
            if s_bucket is not None:
                keys.append((*head, item.service_id, item.step_no, 0, "s", s_bucket))
            if item.step_no:
                if item.staff_id:
                    keys += [(*head, 0, 0, item.staff_id, "p", p_bucket), (*head, 0, 0, item.staff_id, "u", 0)]
                    if standard:
                        keys.append((*head, 0, 0, item.staff_id, "u", 1))
                if grain != "y":
                    keys.append((*head, 0, 0, 0, "t", 0))
                    if standard:
                        keys.append((*head, 0, 0, 0, "t", 1))
            for key in keys:
                row = rows.get(key)
                if row is None:
                    rows[key] = [weight, within, seconds]
                else:
                    row[0] += weight
                    row[1] += within
                    row[2] += seconds
    return rows


_COLUMNS = (*KEY, "n", "within", "seconds")
_UPSERT = ("INSERT INTO step_stat ({columns}) VALUES {values} ON CONFLICT ({key}) DO UPDATE SET "
           "n = step_stat.n + excluded.n, within = step_stat.within + excluded.within, "
           "seconds = step_stat.seconds + excluded.seconds")


def upsert(db, rows: dict[tuple, list[int]]) -> None:
    """Add summary rows to the table: one INSERT ... ON CONFLICT DO UPDATE per CHUNK rows,
    written as plain SQL (peewee's statement builder would take longer than the database)."""
    items = list(rows.items())
    mark = "(" + ", ".join([db.param] * len(_COLUMNS)) + ")"
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        params: list[Any] = []
        for (office, grain, period, *rest), counts in chunk:
            params += (office, grain, period.isoformat(), *rest, *counts)
        sql = _UPSERT.format(columns=", ".join(_COLUMNS), key=", ".join(KEY), values=", ".join([mark] * len(chunk)))
        db.execute_sql(sql, params)


def record(ctx: Context, tx: Tx, items: Iterable[Ended], weight: int = 1) -> None:
    """Count runs and cases that ended in this transaction (one statement; none when empty).

    Args:
        items: From :func:`ended_run`, :func:`run_of`, :func:`ended_case`, :func:`case_of`.
        weight: How many times each counts (an import opens many identical cases); -1 takes a
            case back out (it was reopened).
    """
    rows = summarize(ctx.office_id, items, weight)
    if rows:
        upsert(ctx.db, rows)


# -- rebuilding ------------------------------------------------------------------------------------

def needs_rebuild(ctx: Context) -> bool:
    """Whether the office has ended step runs but no summaries (a database from before the
    summaries): two index probes."""
    if StepStat.select(StepStat.id).where(StepStat.office_id == ctx.office_id).limit(1).exists():
        return False
    ids = list(ctx.service_codes)
    if not ids:
        return False
    return (StepRun.select(StepRun.id)
            .where(StepRun.service_id.in_(ids) & StepRun.ended_at.is_null(False)).limit(1).exists())


#: Runs (or cases) read per batch when rebuilding.
BATCH = 20000


def _batched(ctx: Context, model, columns: list, where, make) -> int:
    """Summarize the rows of ``model`` matching ``where`` in batches of BATCH by id, adding each
    batch's summary rows to the table (memory stays small; ids follow time, so a batch's rows
    mostly fall on a few days)."""
    count, last = 0, 0
    while True:
        batch = list(model.select(model.id, *columns).where(where & (model.id > last))
                     .order_by(model.id).limit(BATCH).tuples())
        if not batch:
            return count
        last = batch[-1][0]
        count += len(batch)
        upsert(ctx.db, summarize(ctx.office_id, (make(*row[1:]) for row in batch)))


def _rebuild_body(ctx: Context, only_if_empty: bool):
    def body(tx: Tx) -> int:
        if ctx.postgres:  # desks finishing a step meanwhile wait at their upsert (SQLite: at BEGIN)
            ctx.db.execute_sql("LOCK TABLE step_stat IN EXCLUSIVE MODE")
        if only_if_empty and not needs_rebuild(ctx):
            return 0
        StepStat.delete().where(StepStat.office_id == ctx.office_id).execute()
        count = _batched(ctx, StepRun, [StepRun.service_id, StepRun.step_no, StepRun.started_at, StepRun.ended_at,
                                        StepRun.due_at, StepRun.paused_seconds, StepRun.ended_by],
                         (StepRun.office_id == ctx.office_id) & StepRun.ended_at.is_null(False),
                         lambda *r: ended_run(ctx, *r))
        count += _batched(ctx, Case, [Case.service, Case.complete_at, Case.finished_at, Case.due_at,
                                      Case.paused_seconds],
                          (Case.office == ctx.office_id) & (Case.status == "selesai")
                          & Case.complete_at.is_null(False) & Case.finished_at.is_null(False),
                          lambda *r: ended_case(ctx, *r))
        return count

    return body


def _warm_years(ctx: Context) -> None:
    """Load the holiday calendars of every year with ended runs (before the transaction)."""
    with ctx.connection():
        first = (StepRun.select(StepRun.started_at).where(StepRun.office_id == ctx.office_id)
                 .order_by(StepRun.started_at).limit(1).scalar())
    year = ctx.today().year
    start = ctx.local(first).year if first is not None else year
    for y in range(start - 1, year + 1):
        worktime.warm(y, cuti_bersama_libur=ctx.settings.cuti_bersama_libur)


def rebuild(ctx: Context, session: SessionInfo | None, *, only_if_empty: bool = False) -> int:
    """Recompute the office's summaries from its step runs and finished cases, in one
    transaction: a desk finishing a step meanwhile waits until it commits (some two minutes
    per million step runs on SQLite), then counts its step on top; the dashboard keeps reading the old
    figures until then.

    Args:
        session: Who asks (office settings permission); None when the desk opens and the
            summaries are missing (``only_if_empty``).
        only_if_empty: Rebuild only when :func:`needs_rebuild` (checked again inside).

    Returns:
        Runs and cases counted (0 when nothing was rebuilt).
    """
    _warm_years(ctx)
    ctx.refresh_calendar(force=True)
    permission = None if session is None else Permission.OFFICE_SETTINGS
    return ctx.write(session, permission, _rebuild_body(ctx, only_if_empty))
