"""Step-timing summaries (models.stepstats): kept with the step they count, equal to what a
rebuild from the step runs gives, rebuilt once when a desk opens a database without them;
percentiles from histograms within one bucket of the values; a period read as years, months
and days covers each day once."""

from __future__ import annotations

import datetime as dt
import random

from click.testing import CliRunner

from desk.cli import cli
from models import stepstats
from models.clocktables import StepStat
from models.queuestats import percentile as exact_percentile
from models.tables import Case, StepRun
from test_branches import lengkap_case


# -- helpers (the dashboard's tests use them too) -----------------------------------------------

def walk(desk, session, clock, code: str, minutes: list[int], *, others=None):
    """A case of ``code`` decided lengkap now, then its steps finished one by one after
    ``minutes[i]`` minutes each (as many as given; ``others`` finish every second step).
    Returns the case as it stands."""
    case = lengkap_case(desk, session, code)
    for index, wait in enumerate(minutes):
        clock.advance(minutes=wait)
        running = case.current_step
        assert running is not None, case.status
        who = others if others is not None and index % 2 else session
        outcome = True if running.decision_question else None
        case = desk.finish_step(who, case.id, outcome=outcome, step_no=running.no, reason="uji")
    return case


def table(desk) -> list[tuple]:
    """The office's summary rows with a count (sorted, ids left out)."""
    with desk.ctx.connection():
        rows = (StepStat.select(StepStat.grain, StepStat.period, StepStat.service_id, StepStat.step_no,
                                StepStat.staff_id, StepStat.kind, StepStat.bucket, StepStat.n, StepStat.within,
                                StepStat.seconds)
                .where((StepStat.office_id == desk.office_id) & (StepStat.n != 0)).tuples())
        return sorted((str(r[0]), str(r[1]), *r[2:]) for r in rows)


def ended_runs(desk) -> list[dict]:
    """Every ended step run of the office, times in the office's zone."""
    ctx = desk.ctx
    with ctx.connection():
        rows = list(StepRun.select().where((StepRun.office_id == desk.office_id) & StepRun.ended_at.is_null(False)))
    return [{"service_id": r.service_id, "step_no": r.step_no, "started": ctx.local(r.started_at),
             "ended": ctx.local(r.ended_at), "due": ctx.local(r.due_at), "paused": r.paused_seconds or 0,
             "staff_id": r.ended_by_id,
             "seconds": (r.ended_at - r.started_at).total_seconds() - (r.paused_seconds or 0)} for r in rows]


def finished_cases(desk) -> list[dict]:
    """Every case of the office that ended as selesai."""
    ctx = desk.ctx
    with ctx.connection():
        rows = list(Case.select().where((Case.office == desk.office_id) & (Case.status == "selesai")))
    return [{"service_id": r.service_id, "ended": ctx.local(r.finished_at), "due": ctx.local(r.due_at),
             "seconds": (r.finished_at - r.complete_at).total_seconds() - (r.paused_seconds or 0)} for r in rows]


def close_to(estimate: float | None, values: list[float], q: float, width: int = 1) -> bool:
    """Whether a histogram's percentile is within one bucket (4%, or ``width`` times that) of
    the values' own."""
    true = exact_percentile(values, q * 100)
    return estimate is not None and abs(estimate - true) <= (stepstats.GROWTH ** width - 1) * true + 1


# -- histograms and periods ------------------------------------------------------------------------

def test_a_percentile_from_the_histogram_is_within_one_bucket_of_the_values():
    rng = random.Random(7)
    worst = 0.0
    for _ in range(400):
        values = [rng.lognormvariate(8, 1.5) for _ in range(rng.randint(1, 80))]
        histogram: dict[int, int] = {}
        for v in values:
            histogram[stepstats.bucket_of(v)] = histogram.get(stepstats.bucket_of(v), 0) + 1
        for q in (0.5, 0.9):
            true = exact_percentile(values, q * 100)
            worst = max(worst, abs(stepstats.percentile(histogram, q) / true - 1))
    assert worst < 0.04
    coarse: dict[int, int] = {}
    values = [rng.lognormvariate(8, 1.5) for _ in range(300)]
    for v in values:
        coarse[stepstats.bucket_of(v, 4)] = coarse.get(stepstats.bucket_of(v, 4), 0) + 1
    assert close_to(stepstats.percentile(coarse, 0.5, 4), values, 0.5, 4)
    assert stepstats.percentile({}, 0.5) is None
    assert stepstats.percentile({stepstats.bucket_of(3600): 5}, 0.5) == stepstats.bucket_value(stepstats.bucket_of(3600))


def _days(parts) -> dict[dt.date, int]:
    """How many times a cover counts each day."""
    from models.dashperiods import month_end

    count: dict[dt.date, int] = {}
    for grain, first, sign in parts:
        last = first if grain == "d" else month_end(first) if grain == "m" else first.replace(month=12, day=31)
        for i in range((last - first).days + 1):
            day = first + dt.timedelta(days=i)
            count[day] = count.get(day, 0) + sign
    return count


def _periods(ranges) -> dict[str, int]:
    """How many periods of each grain ranges hold."""
    from models.dashperiods import next_month

    count: dict[str, int] = {}
    for (grain, _), pairs in ranges.items():
        for first, last in pairs:
            period = first
            while period <= last:
                count[grain] = count.get(grain, 0) + 1
                period = (period + dt.timedelta(days=1) if grain == "d" else next_month(period) if grain == "m"
                          else period.replace(year=period.year + 1))
    return count


def test_a_period_is_read_as_years_months_and_days_counting_each_day_once():
    from models.dashperiods import COST, cover, ranges, spans

    rng = random.Random(3)
    for _ in range(300):
        since = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))
        until = since + dt.timedelta(days=rng.choice([0, 5, 40, 400, 1400]) + rng.randint(0, 30))
        data_from = since + dt.timedelta(days=rng.randint(-400, 60))
        data_until = until + dt.timedelta(days=rng.randint(-60, 400))
        parts = cover(since, until, data_from, data_until)
        counted = _days(parts)
        for i in range((data_until - data_from).days + 1):  # where summaries can be
            day = data_from + dt.timedelta(days=i)
            assert counted.get(day, 0) == (1 if since <= day <= until else 0), (since, until, day)
        plain = sum(COST[g] * n for g, n in _periods(spans(since, until)).items())
        assert sum(COST[g] for g, _, _ in parts) <= plain
        assert all(len(pairs) <= 4 for pairs in ranges(parts).values())
    # a year less one day reads the year and takes the day away; all data reads whole years
    assert cover(dt.date(2024, 1, 2), dt.date(2024, 12, 31)) == [("y", dt.date(2024, 1, 1), 1),
                                                                 ("d", dt.date(2024, 1, 1), -1)]
    assert cover(dt.date(2021, 12, 6), dt.date(2026, 12, 4), dt.date(2021, 12, 6), dt.date(2026, 12, 4)) == [
        ("y", dt.date(year, 1, 1), 1) for year in range(2021, 2027)]
    assert spans(dt.date(2024, 3, 15), dt.date(2026, 2, 10)) == {
        ("d", 1): [(dt.date(2024, 3, 15), dt.date(2024, 3, 31)), (dt.date(2026, 2, 1), dt.date(2026, 2, 10))],
        ("m", 1): [(dt.date(2024, 4, 1), dt.date(2024, 12, 1)), (dt.date(2026, 1, 1), dt.date(2026, 1, 1))],
        ("y", 1): [(dt.date(2025, 1, 1), dt.date(2025, 1, 1))]}


# -- kept with the steps ---------------------------------------------------------------------------

def test_each_finished_step_is_counted_per_day_month_year_service_and_staff(desk_service, session, clock):
    other = desk_service.login("petugas2", "petugas123", 2)
    walk(desk_service, session, clock, "SEMBAKO", [30, 70, 200, 45, 50, 60, 40, 61, 90, 30], others=other)
    walk(desk_service, session, clock, "SEMBAKO", [20, 20])
    runs = ended_runs(desk_service)
    assert len(runs) == 12
    rows = table(desk_service)
    for grain in "dmy":
        steps = [r for r in rows if r[0] == grain and r[3] > 0 and r[4] == 0 and r[5] == "d"]
        assert sum(r[7] for r in steps) == 12
        assert sum(r[9] for r in steps) == sum(round(r["seconds"]) for r in runs)
        assert sum(r[8] for r in steps) == sum(r["ended"] <= r["due"] for r in runs)
        per_staff: dict[int, list[int]] = {}
        for r in rows:
            if r[0] == grain and r[4] and r[5] in "pu":
                per_staff.setdefault(r[4], [0, 0])[r[5] == "u"] += r[7]
        assert per_staff == {session.staff_id: [7, 14], other.staff_id: [5, 10]}  # (u: all, with mutu baku)
        if grain != "y":  # the day's and month's totals of all steps
            assert [r[6:9] for r in rows if r[0] == grain and r[5] == "t"] == [
                (0, 12, sum(r["ended"] <= r["due"] for r in runs)), (1, 12, sum(r["ended"] <= r["due"] for r in runs))]
        cases = [r for r in rows if r[0] == grain and r[3] == 0 and r[2] > 0 and r[5] == "d"]
        assert sum(r[7] for r in cases) == 1  # the first case ended as selesai, the second runs
    step3 = [r for r in rows if r[0] == "d" and r[3] == 3 and r[4] == 0 and r[5] == "s"]
    # 200 minutes of a 3-hour step from 11.10 on a Monday: 1.11 of its mutu baku, late
    assert [(r[6], r[7], r[8]) for r in step3] == [(stepstats.bucket_of(1000 * 200 / 180), 1, 0)]


def test_one_statement_counts_what_a_transaction_ended(desk_service, session, clock):
    case = lengkap_case(desk_service, session, "SEMBAKO")
    clock.advance(minutes=30)
    before = desk_service.ctx.statements
    desk_service.finish_step(session, case.id, step_no=1)
    with_summary = desk_service.ctx.statements - before
    case = walk(desk_service, session, clock, "SEMBAKO", [])
    clock.advance(minutes=30)
    from models import steps

    real, calls = steps.stepstats.record, []
    steps.stepstats.record = lambda *a, **k: calls.append(a)
    try:
        before = desk_service.ctx.statements
        desk_service.finish_step(session, case.id, step_no=1)
        without = desk_service.ctx.statements - before
    finally:
        steps.stepstats.record = real
    assert calls and with_summary == without + 1


def test_a_rebuild_gives_the_rows_kept_step_by_step(desk_service, session, clock):
    supervisor = desk_service.login("supervisor", "supervisor123", None)
    done = walk(desk_service, session, clock, "SEMBAKO", [30, 70, 200, 45, 50, 60, 40, 61, 90, 30])
    assert done.status == "selesai"
    clock.advance(days=1)
    walk(desk_service, session, clock, "REK-PUB", [30])  # counter steps ended when decided
    clock.advance(days=40)  # into another month
    walk(desk_service, session, clock, "SEMBAKO", [10, 20, 30])
    # a finished case taken back and finished again counts once, with its new end
    desk_service.reopen_case(supervisor, done.id, "salah input")
    clock.advance(hours=2)
    desk_service.finish_step(session, done.id, step_no=10)
    kept = table(desk_service)
    assert next(r for r in kept if r[0] == "y" and r[3] == 0 and r[2] and r[5] == "d")[7] == 1
    counted = desk_service.rebuild_stats(desk_service.principal("sistem"))
    assert counted == len(ended_runs(desk_service)) + len(finished_cases(desk_service))
    assert table(desk_service) == kept


def test_a_desk_opening_a_database_without_summaries_counts_its_steps_once(desk_service, session, clock,
                                                                           config):
    from desk.wiring import make_service

    walk(desk_service, session, clock, "SEMBAKO", [30, 70, 200])
    kept = table(desk_service)
    with desk_service.ctx.connection():
        StepStat.delete().execute()
    for _ in range(2):
        again = make_service(config, clock=clock)
        again.open()
        again.close()
    assert table(desk_service) == kept


def test_the_command_line_rebuilds_the_summaries(desk_service, session, clock, tmp_path, db_url):
    walk(desk_service, session, clock, "SEMBAKO", [30, 70])
    kept = table(desk_service)
    with desk_service.ctx.connection():
        StepStat.update(n=StepStat.n + 5).execute()
    out = CliRunner().invoke(cli, ["--db", db_url, "--data-dir", str(tmp_path), "laporan", "bangun-ulang"],
                             obj={}, prog_name="desk", catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "Ringkasan waktu langkah dihitung ulang: 2 langkah dan berkas selesai" in out.output
    assert table(desk_service) == kept
    help_text = CliRunner().invoke(cli, ["laporan", "bangun-ulang", "--help"], obj={}, prog_name="desk").output
    assert "Hitung ulang ringkasan waktu langkah" in help_text and "Show this message" not in help_text


def test_a_branch_office_is_rebuilt_with_its_own_configuration(desk_service, session, clock, config, tmp_path,
                                                               db_url):
    """`desk --config cabang.toml laporan bangun-ulang` recounts the branch named by that file,
    on its calendar and time zone, and leaves the other office's summaries as they are."""
    import dataclasses

    from desk.wiring import make_service

    branch_settings = dataclasses.replace(config.office, code="UPT-MGT", name="UPT Magetan", induk=config.office.code,
                                          timezone="Asia/Jakarta", counters=2)
    branch = make_service(dataclasses.replace(config, office=branch_settings), clock=clock)
    branch.open()
    try:
        branch.add_staff(branch.principal("sistem"), "rina.mgt", "Rina (Magetan)", "rahasia123")
        walk(branch, branch.login("rina.mgt", "rahasia123", 1), clock, "SEMBAKO", [30, 70])
        walk(desk_service, session, clock, "SEMBAKO", [20])
        kept_branch, kept_main = table(branch), table(desk_service)
        with desk_service.ctx.connection():
            StepStat.update(n=StepStat.n + 5).execute()  # both offices' figures in doubt
        path = tmp_path / "cabang.toml"
        path.write_text(f'[kantor]\ncode = "UPT-MGT"\nname = "UPT Magetan"\ninduk = "{config.office.code}"\n'
                        'timezone = "Asia/Jakarta"\ncounters = 2\n', encoding="utf-8")
        out = CliRunner().invoke(cli, ["--db", db_url, "--data-dir", str(tmp_path), "--config", str(path),
                                       "laporan", "bangun-ulang"], obj={}, prog_name="desk", catch_exceptions=False)
        assert out.exit_code == 0, out.output
        assert "2 langkah dan berkas selesai" in out.output
        assert table(branch) == kept_branch
        assert table(desk_service) != kept_main  # another office's: not this configuration's
        help_text = CliRunner().invoke(cli, ["laporan", "bangun-ulang", "--help"], obj={}, prog_name="desk").output
        assert "Untuk kantor cabang, jalankan dengan konfigurasi kantor itu" in help_text
    finally:
        branch.close()
