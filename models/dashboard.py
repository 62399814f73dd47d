"""The supervisors' dashboard: step timing per service and step for any period, steps open and
overdue now, the queue today and figures per staff member, from SQL aggregates only.

A period [since, until] is read from the step summaries (:mod:`models.stepstats`) as whole years,
whole months and the days left (:func:`spans`): per service, step and bucket a handful of rows,
summed by the database (:func:`summed`: one range of a covering index per grain and span, so a
five-year period with ragged ends reads some 200,000 small index entries and no table row).
What runs now is counted from the step runs through the partial index of open runs (migration
0013). No step run is loaded into Python.
"""

from __future__ import annotations

import datetime as dt
import statistics
from zoneinfo import ZoneInfo

from peewee import Case as SqlCase
from peewee import fn

from forms.catalog import Service as CatalogService
from models import stepstats
from models.clocktables import StepStat
from models.dashdto import (
    Dashboard,
    DayCount,
    OfficeChoice,
    QueueNow,
    ServiceTiming,
    StaffTiming,
    StepTiming,
)
from models.dashperiods import Ranges, cover, next_month, spans
from models.dashperiods import ranges as period_ranges
from models.dto import SessionInfo
from models.kernel import Context, to_storage
from models.office import check_office
from models.office import offices as office_choices
from models.permissions import Permission, PermissionDenied, allowed
from models.tables import Case, Counter, Office, Service, Staff, StepRun, Ticket

#: Longest period drawn per day; longer ones are drawn per month.
DAYS_MAX = 92
#: What the whole case is called in the step lists.
CASE_LABEL = "Jangka waktu layanan"

def summed(ctx: Context, office_id: int, kinds: tuple[str, ...], ranges: Ranges,
           group: tuple[str, ...]) -> list[tuple]:
    """Summary rows of ``kinds`` in ``ranges`` (models.dashperiods: periods added or taken
    away), summed by ``group``: one aggregate over a UNION ALL of one range of the covering
    index per grain and span (migration 0014), so the database reads just those rows and never
    the table.

    Returns:
        Rows of the ``group`` columns, then SUM(n), SUM(within), SUM(seconds).
    """
    p = ctx.db.param
    marks = ", ".join([p] * len(kinds))
    parts, params = [], []
    for (grain, sign), pairs in ranges.items():
        factor = "" if sign == 1 else " * -1"
        for first, last in pairs:
            parts.append(f"SELECT {', '.join(group)}, n{factor} AS n, within{factor} AS within, "
                         f"seconds{factor} AS seconds FROM step_stat WHERE office_id = {p} "
                         f"AND kind IN ({marks}) AND grain = {p} AND period >= {p} AND period <= {p}")
            params += [office_id, *kinds, grain, first.isoformat(), last.isoformat()]
    if not parts:
        return []
    columns = ", ".join(group)
    sql = (f"SELECT {columns}, SUM(n), SUM(within), SUM(seconds) FROM ({' UNION ALL '.join(parts)}) AS picked "
           f"GROUP BY {columns}")
    return ctx.db.execute_sql(sql, params).fetchall()


def offices(ctx: Context, session: SessionInfo) -> list[OfficeChoice]:
    """The offices whose dashboard the session may open (:func:`models.office.offices`)."""
    return office_choices(ctx, session)


def _services(ctx: Context, office_id: int) -> list[tuple[int, CatalogService]]:
    """The office's services as (row id, catalog entry), in catalog order."""
    if office_id == ctx.office_id:
        ids = ctx.service_ids
        return [(ids[svc.code], svc) for svc in ctx.offered() if svc.code in ids]
    ids = dict(Service.select(Service.code, Service.id).where(Service.office == office_id).tuples())
    return [(ids[svc.code], svc) for svc in ctx.catalog if svc.code in ids]


class _Figures:
    """Sums of summary rows for one key: histograms of durations and of shares, totals."""

    def __init__(self) -> None:
        self.durations: dict[int, int] = {}
        self.shares: dict[int, int] = {}
        self.done = self.within = self.seconds = self.standard = 0

    def add(self, kind: str, bucket: int, n: int, within: int, seconds: int) -> None:
        if kind in ("d", "p"):  # a duration histogram (per staff member: no totals here)
            self.durations[bucket] = self.durations.get(bucket, 0) + n
            if kind == "p":
                return
        if kind in ("d", "u") and (kind == "d" or bucket == 0):
            self.done += n
            self.within += within
            self.seconds += seconds
        elif kind == "u":
            self.standard += n
        elif kind == "s":
            self.shares[bucket] = self.shares.get(bucket, 0) + n
            self.standard += n

    @property
    def with_standard(self) -> int:
        return self.standard

    def share(self, q: float) -> float | None:
        value = stepstats.percentile(self.shares, q)
        return value / 1000 if value is not None else None


def _timing(svc: CatalogService, step_no: int, fig: _Figures | None, open_now: int = 0,
            overdue_now: int = 0) -> StepTiming:
    if step_no:
        step = svc.step(step_no)
        labels = {"uraian": step.uraian, "pelaksana": ", ".join(step.pelaksana),
                  "waktu_label": step.waktu.label() if step.waktu else ""}
    else:
        labels = {"uraian": CASE_LABEL, "pelaksana": "",
                  "waktu_label": svc.jangka_waktu.label() if svc.jangka_waktu else ""}
    if fig is None or fig.done <= 0:
        return StepTiming(service_code=svc.code, step_no=step_no, open_now=open_now, overdue_now=overdue_now,
                          **labels)
    return StepTiming(
        service_code=svc.code, step_no=step_no, done=fig.done, with_standard=fig.with_standard,
        within=fig.within, mean_seconds=fig.seconds / fig.done,
        median_seconds=stepstats.percentile(fig.durations, 0.5), p90_seconds=stepstats.percentile(fig.durations, 0.9),
        median_share=fig.share(0.5), p90_share=fig.share(0.9), open_now=open_now, overdue_now=overdue_now,
        **labels)


def _step_figures(ctx: Context, office_id: int, ranges: Ranges) -> dict[tuple[int, int], _Figures]:
    """Summed summary rows per (service, step) over ``ranges`` (one aggregate query)."""
    out: dict[tuple[int, int], _Figures] = {}
    for service_id, step_no, kind, bucket, n, within, seconds in summed(
            ctx, office_id, ("d", "s"), ranges, ("service_id", "step_no", "kind", "bucket")):
        out.setdefault((service_id, step_no), _Figures()).add(kind, bucket, int(n or 0), int(within or 0),
                                                               int(seconds or 0))
    return out


def _open_now(office_id: int, now: dt.datetime) -> tuple[dict[tuple[int, int], tuple[int, int]], dict[int, tuple[int, int]]]:
    """Runs open now and overdue per (service, step), and cases in progress per service."""
    late = SqlCase(None, [(StepRun.due_at < now, 1)], 0)
    steps = {(s, n): (int(total), int(over or 0)) for s, n, total, over in
             StepRun.select(StepRun.service_id, StepRun.step_no, fn.COUNT(StepRun.id), fn.SUM(late))
             .where((StepRun.office_id == office_id) & StepRun.ended_at.is_null())
             .group_by(StepRun.service_id, StepRun.step_no).tuples()}
    # cases in progress are those with a step running: found through the same index (the
    # office's cases by status would read every case it ever had)
    running = StepRun.select(StepRun.case).where((StepRun.office_id == office_id) & StepRun.ended_at.is_null())
    case_late = SqlCase(None, [(Case.due_at < now, 1)], 0)
    cases = {s: (int(total), int(over or 0)) for s, total, over in
             Case.select(Case.service, fn.COUNT(Case.id), fn.SUM(case_late))
             .where(Case.id.in_(running) & (Case.status == "diproses"))
             .group_by(Case.service).tuples()}
    return steps, cases


def _per_period(ctx: Context, office_id: int, since: dt.date, until: dt.date) -> tuple[tuple[DayCount, ...], bool]:
    """Steps done per day (per month beyond DAYS_MAX days), every day or month of the period,
    from the total rows (two a day or month)."""
    monthly = (until - since).days + 1 > DAYS_MAX
    ranges = spans(since, until, years=False) if monthly else {("d", 1): [(since, until)]}
    sums: dict[dt.date, list[int]] = {}
    for period, bucket, n, within, _seconds in summed(ctx, office_id, ("t",), ranges, ("period", "bucket")):
        if isinstance(period, str):
            period = dt.date.fromisoformat(period)
        cell = sums.setdefault(period.replace(day=1) if monthly else period, [0, 0, 0])
        if bucket == 0:
            cell[0] += int(n)
            cell[1] += int(within)
        else:
            cell[2] += int(n)
    out, day = [], since.replace(day=1) if monthly else since
    while day <= until:
        done, within, standard = sums.get(day, (0, 0, 0))
        out.append(DayCount(day=day, done=done, within=within, with_standard=standard))
        day = next_month(day) if monthly else day + dt.timedelta(days=1)
    return tuple(out), monthly


def _staff(ctx: Context, office_id: int, ranges: Ranges) -> tuple[StaffTiming, ...]:
    """Per staff member who ended runs in the period (one aggregate query, then their names)."""
    figures: dict[int, _Figures] = {}
    for staff_id, kind, bucket, n, within, seconds in summed(ctx, office_id, ("p", "u"), ranges,
                                                              ("staff_id", "kind", "bucket")):
        figures.setdefault(staff_id, _Figures()).add(kind, bucket, int(n or 0), int(within or 0), int(seconds or 0))
    if not figures:
        return ()
    people = {i: (name, role) for i, name, role in
              Staff.select(Staff.id, Staff.full_name, Staff.role).where(Staff.id.in_(list(figures))).tuples()}
    out = [StaffTiming(staff_id=i, full_name=people.get(i, ("?", ""))[0], role=people.get(i, ("?", ""))[1],
                       done=f.done, with_standard=f.with_standard, within=f.within,
                       median_seconds=stepstats.percentile(f.durations, 0.5, stepstats.STAFF_WIDTH))
           for i, f in figures.items() if f.done > 0]
    return tuple(sorted(out, key=lambda s: (s.full_name.lower(), s.staff_id)))


def queue_now(ctx: Context, office_id: int, today: dt.date, now: dt.datetime) -> QueueNow:
    """Today's queue of an office: two queries (today's tickets, its active loket).

    Args:
        today: The office's local day.
        now: Now, as stored (naive UTC).
    """
    recent = now - dt.timedelta(minutes=ctx.settings.queue.open_minutes)
    tickets = list(Ticket.select(Ticket.status, Ticket.issued_at, Ticket.first_called_at, Ticket.called_at,
                                 Ticket.counter).where((Ticket.office == office_id) & (Ticket.day == today)).tuples())
    waits = [(first - issued).total_seconds() for _s, issued, first, _c, _k in tickets
             if first is not None and issued is not None]
    open_ids = {counter for status, _i, _f, called, counter in tickets if counter is not None
                and (status in ("dipanggil", "dilayani") or (called is not None and called >= recent))}
    counters = Counter.select().where((Counter.office == office_id) & Counter.active).count()
    return QueueNow(waiting=sum(t[0] == "menunggu" for t in tickets), issued=len(tickets),
                    served=sum(t[0] == "selesai" for t in tickets),
                    median_wait_seconds=max(0.0, statistics.median(waits)) if waits else None,
                    counters_open=len(open_ids), counters=counters)


def dashboard(ctx: Context, session: SessionInfo, since: dt.date, until: dt.date,
              office_id: int | None = None) -> Dashboard:
    """The dashboard of an office (default: the session's) for the office-local days
    [since, until].

    Figures per staff member come only for roles that may see them (``staff`` None otherwise);
    another office's dashboard is for those roles only.

    Raises:
        PermissionDenied: the role may not see office figures, or another office's.
    """
    if until < since:
        since, until = until, since
    target = check_office(ctx, session, office_id)
    see_staff = session is not None and allowed(session, Permission.REPORT_STAFF)

    def body() -> Dashboard:
        office = Office.get_or_none(Office.id == target)
        if office is None:
            raise PermissionDenied("Kantor itu tidak ada di basis data ini.")
        moment = ctx.clock()
        now = to_storage(moment)
        local = moment.astimezone(ZoneInfo(office.timezone))
        first = (StepStat.select(fn.MIN(StepStat.period))
                 .where((StepStat.office_id == target) & (StepStat.grain == "d")).scalar())
        first = dt.date.fromisoformat(first) if isinstance(first, str) else first
        ranges = period_ranges(cover(since, until, first, local.date()))
        figures = _step_figures(ctx, target, ranges)
        open_steps, open_cases = _open_now(target, now)
        services = []
        for service_id, svc in _services(ctx, target):
            steps = tuple(_timing(svc, st.no, figures.get((service_id, st.no)), *open_steps.get((service_id, st.no), (0, 0)))
                          for st in svc.steps)
            case = _timing(svc, 0, figures.get((service_id, 0)), *open_cases.get(service_id, (0, 0)))
            services.append(ServiceTiming(code=svc.code, name=svc.name, bidang=svc.bidang,
                                          jangka_waktu=svc.jangka_waktu.label() if svc.jangka_waktu else "",
                                          case=case, steps=steps))
        per_day, monthly = _per_period(ctx, target, since, until)
        return Dashboard(
            office_id=target, office_code=office.code, office_name=office.name, since=since, until=until,
            computed_at=local, services=tuple(services), per_day=per_day, per_month=monthly,
            queue=queue_now(ctx, target, local.date(), now),
            staff=_staff(ctx, target, ranges) if see_staff else None,
            warn_share=ctx.settings.calendar.warn_share,
            first_day=first)

    return ctx.read(session, Permission.REPORT_OFFICE, body)
