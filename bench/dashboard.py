"""Dashboard benchmark: the supervisors' dashboard over five years of a busy kabupaten.

Usage:  .venv/bin/python bench/dashboard.py [--db URL] [--cases 250000] [--runs-per-case 10]

Generates, with bulk inserts into the desk's own tables, 250,000 cases over five years with 10
step runs each (2.5 million; the services' steps in order, again in a next round where a case
has fewer), started in office hours; a step with a mutu baku takes a share of it drawn around
0.55 (about one in six late), measured on the office's working calendar; a step without one
takes a typical time of its own. Cases that would still run now stay open (a few thousand
runs). The step summaries are computed in bulk by the same functions the desk uses
(models.stepstats.summarize) and written with multi-row upserts.

Then, each in a fresh process, for all data, last year, this year, last month, yesterday, an
arbitrary span (days, months, years, months, days) and July to June two years later (twelve
months and a year: the most summary rows a period reads):

  compute   DeskService.dashboard(): the first call, and the median of 5 more
  draw      the dashboard screen (App.run_test, headless, 80x24) from pushing the screen
            to its figures shown; and the screen's own drawing time of the figures
  memory    peak resident size of the process (ru_maxrss)

and, for comparison, the per-service and per-step aggregate over the step runs themselves
(models.reports.step_figures over five years). Target: compute + draw < 1 s on SQLite for any
period. With --db postgresql://... the data goes into a fresh schema that is dropped
afterwards; the temporary SQLite file is removed too. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# not bench/ itself: its queue.py would shadow the standard library's (Textual needs that one)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.benchdb import fresh_database
from desk.config import Config
from desk.wiring import make_service
from models import stepstats, worktime
from models.clocktables import StepStat
from models.demo import prepare_demo
from models.settings import OfficeSettings
from models.tables import Applicant, Case, Staff

#: Target for compute + draw of any period on SQLite (seconds).
TARGET = 1.0
#: Typical durations of steps without a mutu baku (minutes).
TYPICAL = (15, 60, 240, 60 * 24, 60 * 24 * 3)
STAFF = 40
_STEP_COLUMNS = ("case_id", "step_no", "started_at", "due_at", "ended_at", "started_by_id", "ended_by_id",
                 "office_id", "service_id", '"round"', "paused_seconds")


def _bulk(ctx, table: str, columns: tuple[str, ...], rows: list[tuple], conflict: str = "") -> None:
    """Insert rows with executemany (SQLite) or execute_values (PostgreSQL)."""
    if not rows:
        return
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    if ctx.postgres:
        from psycopg2.extras import execute_values

        with ctx.db.atomic():
            execute_values(ctx.db.cursor(), head + "%s" + conflict, rows, page_size=5000)
        return
    with ctx.db.atomic():
        ctx.db.cursor().executemany(head + "(" + ", ".join("?" * len(columns)) + ")" + conflict, rows)


def _model_bulk(ctx, model, rows: list[dict]) -> None:
    """Insert dicts into ``model``'s table in bulk, its fields' defaults filling the gaps."""
    fields = [f for f in model._meta.sorted_fields if f.name != "id" or (rows and "id" in rows[0])]
    defaults = [(f.name, f.default) for f in fields]
    values = []
    for row in rows:
        out = []
        for (name, default), field in zip(defaults, fields, strict=True):
            value = row[name] if name in row else (default() if callable(default) else default)
            out.append(field.db_value(value) if not isinstance(value, str) else value)
        values.append(tuple(out))
    _bulk(ctx, model._meta.table_name, tuple(f'"{f.column_name}"' for f in fields), values)


_UPSERT = (" ON CONFLICT (office_id, grain, period, service_id, step_no, staff_id, kind, bucket) DO UPDATE SET "
           "n = step_stat.n + excluded.n, within = step_stat.within + excluded.within, "
           "seconds = step_stat.seconds + excluded.seconds")


def _flush(ctx, rows: dict[tuple, list[int]], keep) -> int:
    """Write the summary rows ``keep`` says are complete (upsert: a later flush adds to them)."""
    done = [key for key in rows if not keep(key)]
    stored = (lambda d: d) if ctx.postgres else str
    _bulk(ctx, "step_stat", (*stepstats.KEY, "n", "within", "seconds"),
          [(k[0], k[1], stored(k[2]), *k[3:], *rows[k]) for k in done], _UPSERT)
    for key in done:
        del rows[key]
    return len(done)


def generate(service, cases: int, runs_per_case: int, seed: int = 10) -> dict[str, int]:
    """Fill the office with five years of cases, step runs and their summaries."""
    rng = random.Random(seed)
    ctx = service.ctx
    db, office = ctx.db, ctx.office_id
    now = ctx.now()
    offset = now.utcoffset()
    first_day = (now - dt.timedelta(days=5 * 365)).date()
    for year in range(first_day.year - 1, now.year + 2):
        worktime.warm(year, cuti_bersama_libur=ctx.settings.cuti_bersama_libur)
    cal = ctx.calendar
    stored = (lambda t: t.replace(tzinfo=None) - offset) if ctx.postgres else \
        (lambda t: str(t.replace(tzinfo=None) - offset))
    days = [first_day + dt.timedelta(days=i) for i in range((now.date() - first_day).days)]
    working = [(d, cal.day_hours(d)) for d in days if cal.is_working_day(d)]
    services = list(ctx.offered())
    typical = {(s.code, st.no): rng.choice(TYPICAL) for s in services for st in s.steps}
    counts = {"runs": 0, "open": 0, "cases": cases, "summary_rows": 0}
    with ctx.connection():
        digest = Staff.get(Staff.username == "petugas").password_hash
        _model_bulk(ctx, Staff, [{"office": office, "username": f"bench{i:02d}", "full_name": f"Petugas Uji {i:02d}",
                                  "role": "petugas", "password_hash": digest} for i in range(STAFF)])
        staff = [s for (s,) in Staff.select(Staff.id).where(Staff.office == office).tuples()]
        _model_bulk(ctx, Applicant, [{"kind": "perorangan", "nik": f"6403{i:012d}", "name": f"Pemohon Uji {i}",
                                      "name_key": f"pemohon uji {i}"} for i in range(max(1000, cases // 5))])
        people = [a for (a,) in Applicant.select(Applicant.id).tuples()]
        next_case = (Case.select(Case.id).order_by(Case.id.desc()).scalar() or 0) + 1
        moments = sorted(rng.randrange(len(working)) for _ in range(cases))
        case_rows: list[dict] = []
        run_rows: list[tuple] = []
        summary: dict[tuple, list[int]] = {}
        t0 = time.perf_counter()
        for index, day_index in enumerate(moments):
            day, (opens, closes) = working[day_index]
            created = dt.datetime.combine(day, dt.time(), tzinfo=ctx.tz) + dt.timedelta(
                minutes=rng.uniform(opens, closes - 1))
            created = created.replace(microsecond=0)
            svc = services[rng.randrange(len(services))]
            service_id = ctx.service_ids[svc.code]
            case_id = next_case + index
            moment, ended_items, status, finished = created, [], "selesai", None
            for k in range(runs_per_case):
                step = svc.steps[k % len(svc.steps)]
                who = staff[rng.randrange(len(staff))]
                due, share = None, None
                if step.waktu is not None:
                    clock = cal.clock(moment, step.waktu)
                    due, share = clock.due, rng.lognormvariate(math.log(0.55), 0.6)
                    end = (cal.add_working_seconds(moment, share * clock.amount) if clock.working
                           else moment + dt.timedelta(seconds=share * clock.amount))
                else:
                    end = moment + dt.timedelta(minutes=typical[(svc.code, step.no)] * rng.lognormvariate(0, 0.7))
                end = end.replace(microsecond=0)
                row = [case_id, step.no, stored(moment), stored(due) if due else None, None, who, None, office,
                       service_id, k // len(svc.steps) + 1, 0]
                if end > now:  # still running
                    run_rows.append(tuple(row))
                    counts["open"] += 1
                    status = "diproses"
                    break
                row[4], row[6] = stored(end), who
                run_rows.append(tuple(row))
                ended_items.append(stepstats.Ended(service_id, step.no, who, end.date(),
                                                   (end - moment).total_seconds(), share,
                                                   due is not None and end <= due))
                moment = finished = end
            counts["runs"] += len(ended_items) + (status == "diproses")
            case_due = None
            if svc.jangka_waktu is not None:
                jangka = cal.clock(created, svc.jangka_waktu)
                case_due = jangka.due
            if status == "selesai" and rng.random() < 0.05:
                status = "ditolak"
            elif status == "selesai":
                share = cal.share(jangka, finished) if case_due is not None else None
                ended_items.append(stepstats.Ended(service_id, 0, 0, finished.date(),
                                                   (finished - created).total_seconds(), share,
                                                   case_due is not None and finished <= case_due))
            stepstats.summarize(office, ended_items, into=summary)
            case_rows.append({
                "id": case_id, "office": office, "service": service_id, "applicant": people[rng.randrange(len(people))],
                "register_no": f"{svc.code}/{created.year}/{index + 1:06d}", "register_seq": index + 1,
                "status": status, "created_by": staff[0], "created_at": stored(created), "updated_at": stored(moment),
                "complete_at": stored(created), "due_at": stored(case_due) if case_due else None,
                "finished_at": stored(finished) if status != "diproses" else None, "verify_started_at": stored(created)})
            if len(run_rows) >= 100_000 or index == cases - 1:
                _model_bulk(ctx, Case, case_rows)
                _bulk(ctx, "step_run", _STEP_COLUMNS, run_rows)
                horizon = day - dt.timedelta(days=120)
                last = index == cases - 1
                counts["summary_rows"] += _flush(ctx, summary, lambda key, last=last, horizon=horizon: not last and (
                    (key[1] == "d" and key[2] >= horizon) or (key[1] == "m" and key[2] >= horizon.replace(day=1))
                    or (key[1] == "y" and key[2].year >= horizon.year)))
                case_rows, run_rows = [], []
                print(f"    {index + 1:,} cases, {counts['runs']:,} step runs "
                      f"({time.perf_counter() - t0:.0f} s) ...", flush=True)
        if ctx.postgres:
            db.execute_sql("SELECT setval(pg_get_serial_sequence('service_case', 'id'), (SELECT MAX(id) FROM service_case))")
        counts["summary_rows"] = StepStat.select().where(StepStat.office_id == office).count()
        # PostgreSQL: what autovacuum does after a bulk load (the visibility map lets the
        # dashboard's reads stay in the covering index)
        db.execute_sql("VACUUM ANALYZE" if ctx.postgres else "ANALYZE")
    return counts


def periods(today: dt.date, first: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The periods measured (name, since, until)."""
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    return [
        ("semua data (5 tahun)", first, today),
        ("tahun lalu", dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
        ("tahun ini", dt.date(today.year, 1, 1), today),
        ("bulan lalu", last_month_end.replace(day=1), last_month_end),
        ("kemarin", today - dt.timedelta(days=1), today - dt.timedelta(days=1)),
        ("rentang bebas", first + dt.timedelta(days=73), today - dt.timedelta(days=41)),
        ("Juli s.d. Juni", dt.date(today.year - 3, 7, 1), dt.date(today.year - 1, 6, 30)),
    ]


async def _draw(url: str, tmp: Path, session, since: dt.date, until: dt.date) -> tuple[float, float, float]:
    """Seconds from pushing the dashboard to its figures shown; the screen's compute and draw."""
    from desk.app import create_app
    from screens.dashboard import DashboardScreen

    desk = make_service(Config(data_dir=tmp, db_url=url, office=OfficeSettings(), output_dir=tmp / "dokumen"))
    app = create_app(desk, mode="dasbor", since=since, until=until)
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.ready:
            await pilot.pause(0.02)
        await pilot.pause(0.2)
        started = time.perf_counter()
        await app.logged_in(session)
        for _ in range(3000):
            screen = app.screen
            if isinstance(screen, DashboardScreen) and screen.shown is not None:
                break
            await pilot.pause(0.005)
        shown = time.perf_counter() - started
        compute, draw = screen.timing
    desk.close()
    return shown, compute, draw


def peak_mb() -> float:
    """Peak resident memory of this process in MB: VmHWM where Linux has it (ru_maxrss of a
    process started by a big one begins at its parent's peak), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, tmp: Path, since: dt.date, until: dt.date) -> dict:
    """In a fresh process: the first dashboard call, the median of five more, the screen."""
    service = make_service(Config(data_dir=tmp, db_url=url, office=OfficeSettings(), output_dir=tmp / "dokumen"))
    service.open()
    supervisor = service.login("supervisor", "supervisor123", None)
    start = time.perf_counter()
    dash = service.dashboard(supervisor, since, until)
    first = time.perf_counter() - start
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        service.dashboard(supervisor, since, until)
        samples.append(time.perf_counter() - start)
    service.close()
    shown, compute, draw = asyncio.run(_draw(url, tmp, supervisor, since, until))
    done = sum(s.case.done for s in dash.services)
    steps = sum(st.done for s in dash.services for st in s.steps)
    return {"first": first, "median": statistics.median(samples), "shown": shown, "screen_compute": compute,
            "draw": draw, "cases": done, "steps": steps, "maxrss_mb": peak_mb()}


def main() -> int:
    """Generate, measure, print; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="")
    parser.add_argument("--cases", type=int, default=250_000)
    parser.add_argument("--runs-per-case", type=int, default=10)
    parser.add_argument("--measure", nargs=4, metavar=("URL", "DIR", "SINCE", "UNTIL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        url, tmp, since, until = args.measure
        print(json.dumps(measure(url, Path(tmp), dt.date.fromisoformat(since), dt.date.fromisoformat(until))))
        return 0
    with tempfile.TemporaryDirectory(prefix="desk-dash-") as tmp, fresh_database(args.db, Path(tmp)) as url:
        return _run(url, Path(tmp), args)


def _run(url: str, tmp: Path, args) -> int:
    config = Config(data_dir=tmp, db_url=url, office=OfficeSettings(), output_dir=tmp / "dokumen")
    service = make_service(config)
    service.open()
    prepare_demo(service, with_samples=False)
    kind = "PostgreSQL" if service.ctx.postgres else "SQLite"
    print(f"generating {args.cases:,} cases with {args.runs_per_case} step runs each ({kind}) ...", flush=True)
    t0 = time.perf_counter()
    counts = generate(service, args.cases, args.runs_per_case)
    print(f"generated in {time.perf_counter() - t0:.0f} s: {counts['runs']:,} step runs ({counts['open']:,} open), "
          f"{counts['summary_rows']:,} summary rows; generator peak memory {peak_mb():,.0f} MB", flush=True)
    system = service.principal("sistem")
    today = service.now().date()
    kiosk = service.principal("kiosk")
    for i in range(300):
        service.issue_ticket(kiosk, ("REK-PUB", "VETERAN", "ALAT-BANTU")[i % 3])
    start = time.perf_counter()
    figures = service.step_figures(system, today - dt.timedelta(days=5 * 365 + 2), today)
    naive = time.perf_counter() - start
    first = service.dashboard(system, today, today).first_day or today
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        late = service.deadlines(system)
        samples.append(time.perf_counter() - start)
    service.close()
    print(f"old aggregate over the step runs (reports.step_figures, 5 years): {naive:.2f} s "
          f"({sum(f.started for f in figures):,} step runs)")
    print(f"due/overdue lists (deadlines, {counts['open']:,} runs open): {statistics.median(samples) * 1000:.0f} ms "
          f"({len(late.overdue):,} terlambat, {len(late.due_soon):,} segera)")
    print(f"\n{'period':<22}{'days':>6}{'steps':>11}{'first':>8}{'median':>8}{'draw':>7}"
          f"{'shown':>8}{'c+d':>7}{'peak':>8}")
    failed = False
    for name, since, until in periods(today, first):
        out = subprocess.run([sys.executable, __file__, "--measure", url, str(tmp), str(since), str(until)],
                             capture_output=True, text=True, check=False)
        if out.returncode:
            print(out.stdout, out.stderr)
            return 2
        m = json.loads(out.stdout.strip().splitlines()[-1])
        total = max(m["first"], m["median"]) + m["draw"]
        ok = total < TARGET or kind != "SQLite"
        failed |= not ok
        print(f"{name:<22}{(until - since).days + 1:>6}{m['steps']:>11,}{m['first'] * 1000:>6.0f}ms"
              f"{m['median'] * 1000:>6.0f}ms{m['draw'] * 1000:>5.0f}ms{m['shown'] * 1000:>6.0f}ms"
              f"{total * 1000:>5.0f}ms{m['maxrss_mb']:>6.0f}MB{'' if ok else '  FAIL'}", flush=True)
    print(f"\nfirst: first call in a fresh process; median of 5 more; draw: the screen drawing the figures; "
          f"shown: pushing the screen to its figures shown (in its worker, through the app); "
          f"c+d: the slower compute + draw (target < {TARGET:.0f} s on SQLite); peak: the measuring process's "
          f"peak resident memory (VmHWM).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
