"""The supervisors' dashboard: step timing per service and step for any period, steps open and
overdue now, the queue today and figures per staff member, from SQL aggregates only.

A period [since, until] is read from the step summaries (:mod:`models.stepstats`) as whole years,
whole months and the days left (:func:`spans`): a handful of rows per service, step and bucket,
summed by the database, whatever the period's length. What runs now is counted from the step
runs through the partial index of open runs (migration 0013). No step run is loaded into Python.
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
from models.dashdto import Dashboard, DayCount, OfficeChoice, QueueNow, ServiceTiming, StaffTiming, StepTiming
from models.dto import SessionInfo
from models.kernel import Context, to_storage
from models.permissions import Permission, PermissionDenied, allowed
from models.tables import Case, Counter, Office, Service, Staff, StepRun, Ticket

#: Longest period drawn per day; longer ones are drawn per month.
DAYS_MAX = 92
#: What the whole case is called in the step lists.
CASE_LABEL = "Jangka waktu layanan"

Spans = dict[str, list[tuple[dt.date, dt.date]]]


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def spans(since: dt.date, until: dt.date, *, years: bool = True) -> Spans:
    """The office-local days [since, until] as ranges of summary periods per grain: whole years
    ("y", unless ``years`` is False), whole months ("m") and the days left ("d"). Each grain
    gets at most two ranges (before and after the longer periods), inclusive, of periods'
    first days."""
    out: Spans = {"y": [], "m": [], "d": []}

    def add(grain: str, period: dt.date) -> None:
        ranges = out[grain]
        if ranges and _follows(grain, ranges[-1][1], period):
            ranges[-1] = (ranges[-1][0], period)
        else:
            ranges.append((period, period))

    day = since
    while day <= until:
        year_end = day.replace(month=12, day=31)
        month_end = _next_month(day) - dt.timedelta(days=1)
        if years and day.month == 1 and day.day == 1 and year_end <= until:
            add("y", day)
            day = year_end + dt.timedelta(days=1)
        elif day.day == 1 and month_end <= until:
            add("m", day)
            day = month_end + dt.timedelta(days=1)
        else:
            add("d", day)
            day += dt.timedelta(days=1)
    return out


def _follows(grain: str, last: dt.date, period: dt.date) -> bool:
    if grain == "d":
        return period == last + dt.timedelta(days=1)
    if grain == "m":
        return period == _next_month(last)
    return period.year == last.year + 1


def _in_spans(office_id: int, ranges: Spans):
    """The summary rows of ``ranges``: one indexed range per term (office, grain, period)."""
    terms = [(StepStat.office_id == office_id) & (StepStat.grain == grain) & StepStat.period.between(first, last)
             for grain, pairs in ranges.items() for first, last in pairs]
    where = terms[0] if terms else (StepStat.id < 0)
    for term in terms[1:]:
        where = where | term
    return where


def offices(ctx: Context, session: SessionInfo) -> list[OfficeChoice]:
    """The offices whose dashboard the session may open: every office of the database for
    roles that see figures per staff member (supervisors and above), else its own."""

    def body() -> list[OfficeChoice]:
        query = Office.select(Office.id, Office.code, Office.name).order_by(Office.name)
        if not allowed(session, Permission.REPORT_STAFF):
            query = query.where(Office.id == ctx.office_id)
        return [OfficeChoice(id=i, code=c, name=n) for i, c, n in query.tuples()]

    return ctx.read(session, Permission.REPORT_OFFICE, body)


def _services(ctx: Context, office_id: int) -> list[tuple[int, CatalogService]]:
    """The office's services as (row id, catalog entry), in catalog order."""
    if office_id == ctx.office_id:
        ids = ctx.service_ids
        return [(ids[svc.code], svc) for svc in ctx.offered() if svc.code in ids]
    ids = dict(Service.select(Service.code, Service.id).where(Service.office == office_id).tuples())
    return [(ids[svc.code], svc) for svc in ctx.catalog if svc.code in ids]


class _Figures:
    """Sums of summary rows for one key: histograms of durations and of shares."""

    def __init__(self) -> None:
        self.durations: dict[int, int] = {}
        self.shares: dict[int, int] = {}
        self.done = self.within = self.seconds = 0

    def add(self, kind: str, bucket: int, n: int, within: int, seconds: int) -> None:
        if kind == "d":
            self.durations[bucket] = self.durations.get(bucket, 0) + n
            self.done += n
            self.within += within
            self.seconds += seconds
        else:
            self.shares[bucket] = self.shares.get(bucket, 0) + n

    @property
    def with_standard(self) -> int:
        return sum(self.shares.values())

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


def _step_figures(office_id: int, ranges: Spans) -> dict[tuple[int, int], _Figures]:
    """Summed summary rows per (service, step) over ``ranges`` (one aggregate query)."""
    rows = (StepStat.select(StepStat.service_id, StepStat.step_no, StepStat.kind, StepStat.bucket,
                            fn.SUM(StepStat.n), fn.SUM(StepStat.within), fn.SUM(StepStat.seconds))
            .where(_in_spans(office_id, ranges) & (StepStat.staff_id == 0))
            .group_by(StepStat.service_id, StepStat.step_no, StepStat.kind, StepStat.bucket).tuples())
    out: dict[tuple[int, int], _Figures] = {}
    for service_id, step_no, kind, bucket, n, within, seconds in rows:
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
    case_late = SqlCase(None, [(Case.due_at < now, 1)], 0)
    cases = {s: (int(total), int(over or 0)) for s, total, over in
             Case.select(Case.service, fn.COUNT(Case.id), fn.SUM(case_late))
             .where((Case.office == office_id) & (Case.status == "diproses"))
             .group_by(Case.service).tuples()}
    return steps, cases


def _per_period(office_id: int, since: dt.date, until: dt.date) -> tuple[tuple[DayCount, ...], bool]:
    """Steps done per day (per month beyond DAYS_MAX days), every day or month of the period."""
    monthly = (until - since).days + 1 > DAYS_MAX
    ranges = spans(since, until, years=False) if monthly else {"d": [(since, until)]}
    rows = (StepStat.select(StepStat.grain, StepStat.period, StepStat.kind, fn.SUM(StepStat.n), fn.SUM(StepStat.within))
            .where(_in_spans(office_id, ranges) & (StepStat.staff_id == 0) & (StepStat.step_no > 0))
            .group_by(StepStat.grain, StepStat.period, StepStat.kind).tuples())
    sums: dict[dt.date, list[int]] = {}
    for _grain, period, kind, n, within in rows:
        if isinstance(period, str):
            period = dt.date.fromisoformat(period)
        key = period.replace(day=1) if monthly else period
        cell = sums.setdefault(key, [0, 0, 0])
        if kind == "d":
            cell[0] += int(n or 0)
            cell[1] += int(within or 0)
        else:
            cell[2] += int(n or 0)
    out, day = [], since.replace(day=1) if monthly else since
    while day <= until:
        done, within, standard = sums.get(day, (0, 0, 0))
        out.append(DayCount(day=day, done=done, within=within, with_standard=standard))
        day = _next_month(day) if monthly else day + dt.timedelta(days=1)
    return tuple(out), monthly


def _staff(office_id: int, ranges: Spans) -> tuple[StaffTiming, ...]:
    """Per staff member who ended runs in the period (one aggregate query, then their names)."""
    rows = (StepStat.select(StepStat.staff_id, StepStat.kind, StepStat.bucket, fn.SUM(StepStat.n),
                            fn.SUM(StepStat.within), fn.SUM(StepStat.seconds))
            .where(_in_spans(office_id, ranges) & (StepStat.service_id == 0) & (StepStat.step_no == 0)
                   & (StepStat.staff_id > 0))
            .group_by(StepStat.staff_id, StepStat.kind, StepStat.bucket).tuples())
    figures: dict[int, _Figures] = {}
    for staff_id, kind, bucket, n, within, seconds in rows:
        figures.setdefault(staff_id, _Figures()).add(kind, bucket, int(n or 0), int(within or 0), int(seconds or 0))
    if not figures:
        return ()
    people = {i: (name, role) for i, name, role in
              Staff.select(Staff.id, Staff.full_name, Staff.role).where(Staff.id.in_(list(figures))).tuples()}
    out = [StaffTiming(staff_id=i, full_name=people.get(i, ("?", ""))[0], role=people.get(i, ("?", ""))[1],
                       done=f.done, with_standard=f.with_standard, within=f.within,
                       median_seconds=stepstats.percentile(f.durations, 0.5))
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
    target = ctx.office_id if office_id is None else office_id
    see_staff = session is not None and allowed(session, Permission.REPORT_STAFF)
    if target != ctx.office_id and session is not None and not see_staff:
        raise PermissionDenied("Hanya supervisor dan pimpinan yang dapat melihat angka kantor lain.")

    def body() -> Dashboard:
        office = Office.get_or_none(Office.id == target)
        if office is None:
            raise PermissionDenied("Kantor itu tidak ada di basis data ini.")
        moment = ctx.clock()
        now = to_storage(moment)
        ranges = spans(since, until)
        figures = _step_figures(target, ranges)
        open_steps, open_cases = _open_now(target, now)
        services = []
        for service_id, svc in _services(ctx, target):
            steps = tuple(_timing(svc, st.no, figures.get((service_id, st.no)), *open_steps.get((service_id, st.no), (0, 0)))
                          for st in svc.steps)
            case = _timing(svc, 0, figures.get((service_id, 0)), *open_cases.get(service_id, (0, 0)))
            services.append(ServiceTiming(code=svc.code, name=svc.name, bidang=svc.bidang,
                                          jangka_waktu=svc.jangka_waktu.label() if svc.jangka_waktu else "",
                                          case=case, steps=steps))
        per_day, monthly = _per_period(target, since, until)
        local = moment.astimezone(ZoneInfo(office.timezone))
        first = (StepStat.select(fn.MIN(StepStat.period))
                 .where((StepStat.office_id == target) & (StepStat.grain == "d")).scalar())
        return Dashboard(
            office_id=target, office_code=office.code, office_name=office.name, since=since, until=until,
            computed_at=local, services=tuple(services), per_day=per_day, per_month=monthly,
            queue=queue_now(ctx, target, local.date(), now),
            staff=_staff(target, ranges) if see_staff else None,
            warn_share=ctx.settings.calendar.warn_share,
            first_day=dt.date.fromisoformat(first) if isinstance(first, str) else first)

    return ctx.read(session, Permission.REPORT_OFFICE, body)
