"""The supervisors' dashboard (models.dashboard): its figures equal a count made directly from
the step runs and cases, for periods read as days, months and years alike; steps open and
overdue now; the queue today; figures per staff member only for the roles that may see them."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from models import stepstats
from models.permissions import PermissionDenied
from models.tables import Office
from test_stepstats import close_to, ended_runs, finished_cases, walk


@pytest.fixture
def history(desk_service, session, clock):
    """SEMBAKO cases walked from Monday 23 November 2026 into February 2027 by two officers,
    steps taking between 10 minutes and 5 hours; the last case stops at step 4 (running)."""
    other = desk_service.login("petugas2", "petugas123", 2)
    rng = random.Random(11)
    for _ in range(7):
        walk(desk_service, session, clock, "SEMBAKO", [rng.randint(10, 300) for _ in range(10)], others=other)
        clock.advance(days=rng.randint(6, 13))
    walk(desk_service, session, clock, "SEMBAKO", [30, 40, 50])
    return other


def _expected(desk, since: dt.date, until: dt.date) -> dict:
    """Per step of SEMBAKO (0: the whole case), counted from the rows themselves."""
    service_id = desk.ctx.service_ids["SEMBAKO"]
    out: dict[int, dict] = {}
    rows = [(r["step_no"], r) for r in ended_runs(desk) if r["service_id"] == service_id]
    rows += [(0, r) for r in finished_cases(desk) if r["service_id"] == service_id]
    for step_no, r in rows:
        if since <= r["ended"].date() <= until:
            cell = out.setdefault(step_no, {"done": 0, "within": 0, "standard": 0, "seconds": []})
            cell["done"] += 1
            cell["standard"] += r["due"] is not None
            cell["within"] += r["due"] is not None and r["ended"] <= r["due"]
            cell["seconds"].append(r["seconds"])
    return out


def _check(dash, expected: dict) -> None:
    svc = next(s for s in dash.services if s.code == "SEMBAKO")
    for timing in (svc.case, *svc.steps):
        want = expected.get(timing.step_no)
        if want is None:
            assert timing.done == 0 and timing.median_seconds is None, timing
            continue
        assert (timing.done, timing.within, timing.with_standard) == (want["done"], want["within"], want["standard"])
        assert timing.mean_seconds == pytest.approx(sum(want["seconds"]) / want["done"], abs=1)
        assert close_to(timing.median_seconds, want["seconds"], 0.5), (timing, sorted(want["seconds"]))
        assert close_to(timing.p90_seconds, want["seconds"], 0.9), (timing, sorted(want["seconds"]))


@pytest.mark.parametrize("since, until", [
    (dt.date(2026, 1, 1), dt.date(2027, 12, 31)),     # whole years
    (dt.date(2026, 11, 25), dt.date(2027, 1, 20)),    # days, a month, days
    (dt.date(2026, 12, 1), dt.date(2027, 2, 28)),     # whole months
    (dt.date(2026, 12, 9), dt.date(2026, 12, 9)),     # one day
    (dt.date(2020, 6, 17), dt.date(2027, 1, 3)),      # days, months, years, months, days
])
def test_the_figures_of_any_period_equal_a_direct_count(desk_service, history, since, until):
    supervisor = desk_service.login("supervisor", "supervisor123", None)
    expected = _expected(desk_service, since, until)
    assert since == until or sum(c["done"] for c in expected.values()) > 0
    dash = desk_service.dashboard(supervisor, since, until)
    _check(dash, expected)
    assert [s.code for s in dash.services] == [s.code for s in desk_service.ctx.offered()]
    assert sum(d.done for d in dash.per_day) == sum(c["done"] for k, c in expected.items() if k)
    assert sum(d.within for d in dash.per_day) == sum(c["within"] for k, c in expected.items() if k)
    assert dash.per_month == ((until - since).days >= 92)
    assert dash.first_day == dt.date(2026, 11, 23)


def test_the_share_of_the_mutu_baku_used(desk_service, session, clock):
    # step 1 (1 jam) took 30 minutes, 45 and 90: half, three quarters, one and a half of it
    for minutes in (30, 45, 90):
        walk(desk_service, session, clock, "SEMBAKO", [minutes])
        clock.advance(minutes=5)
    dash = desk_service.dashboard(session, clock().date(), clock().date())
    step = next(s for s in dash.services if s.code == "SEMBAKO").steps[0]
    assert (step.done, step.with_standard, step.within, step.within_ratio) == (3, 3, 2, pytest.approx(2 / 3))
    assert step.median_share == pytest.approx(0.75, rel=0.04)
    assert step.p90_share == pytest.approx(0.75 + 0.8 * 0.75, rel=0.04)
    assert step.waktu_label == "1 jam" and step.pelaksana == "Kemensos"


def test_steps_open_and_overdue_now(desk_service, session, clock):
    walk(desk_service, session, clock, "SEMBAKO", [])           # step 1 runs from 09.00 (1 jam)
    clock.advance(minutes=30)
    walk(desk_service, session, clock, "SEMBAKO", [10])          # step 2 runs from 09.40
    walk(desk_service, session, clock, "REK-PUB", [])            # step 3 runs, no mutu baku
    today = clock().date()
    svc = {s.code: s for s in desk_service.dashboard(session, today, today).services}
    assert [(s.open_now, s.overdue_now) for s in svc["SEMBAKO"].steps[:3]] == [(1, 0), (1, 0), (0, 0)]
    assert (svc["SEMBAKO"].case.open_now, svc["SEMBAKO"].open_now) == (2, 2)
    assert svc["REK-PUB"].steps[2].open_now == 1
    clock.advance(minutes=45)                                     # 10.25: step 1 is past 10.00
    svc = {s.code: s for s in desk_service.dashboard(session, today, today).services}
    assert [(s.open_now, s.overdue_now) for s in svc["SEMBAKO"].steps[:2]] == [(1, 1), (1, 0)]
    assert svc["SEMBAKO"].overdue_now == 1 and svc["REK-PUB"].overdue_now == 0
    # a service with nothing done still has its rows, labelled from the catalog
    alat = svc["ALAT-BANTU"]
    assert alat.case.uraian == "Jangka waktu layanan" and alat.jangka_waktu == "3 bulan"
    assert all(s.done == 0 and s.median_seconds is None for s in alat.steps)


def test_figures_per_staff_member_only_for_those_who_may_see_them(desk_service, session, clock, history):
    since, until = dt.date(2026, 11, 1), dt.date(2027, 3, 31)
    assert desk_service.dashboard(session, since, until).staff is None
    supervisor = desk_service.login("supervisor", "supervisor123", None)
    staff = desk_service.dashboard(supervisor, since, until).staff
    runs = ended_runs(desk_service)
    by_staff = {}
    for r in runs:
        by_staff.setdefault(r["staff_id"], []).append(r)
    assert {s.staff_id: s.done for s in staff} == {k: len(v) for k, v in by_staff.items()}
    assert [s.full_name for s in staff] == ["Agus Salim", "Rina Wulandari"]
    for s in staff:
        mine = by_staff[s.staff_id]
        assert s.within == sum(r["ended"] <= r["due"] for r in mine) and s.with_standard == len(mine)
        assert close_to(s.median_seconds, [r["seconds"] for r in mine], 0.5, stepstats.STAFF_WIDTH)


def test_the_queue_today(desk_service, session, clock):
    first = desk_service.issue_ticket(session, "REK-PUB")
    desk_service.issue_ticket(session, "REK-PUB")
    clock.advance(minutes=7)
    called = desk_service.call_next(session)
    assert called.id == first.id
    queue = desk_service.dashboard(session, clock().date(), clock().date()).queue
    assert (queue.issued, queue.waiting, queue.served, queue.counters_open) == (2, 1, 0, 1)
    assert queue.median_wait_seconds == 7 * 60 and queue.counters == 3


def test_another_office_for_supervisors_only(desk_service, session, clock):
    with desk_service.ctx.connection():
        other = Office.create(code="DINSOS-SRG", name="Dinas Sosial Kabupaten Sragen", timezone="Asia/Jakarta")
    supervisor = desk_service.login("supervisor", "supervisor123", None)
    assert [o.code for o in desk_service.offices(session)] == ["DINSOS-KKR"]
    assert {o.code for o in desk_service.offices(supervisor)} == {"DINSOS-KKR", "DINSOS-SRG"}
    with pytest.raises(PermissionDenied):
        desk_service.dashboard(session, clock().date(), clock().date(), office_id=other.id)
    dash = desk_service.dashboard(supervisor, clock().date(), clock().date(), office_id=other.id)
    assert (dash.office_code, dash.services, dash.staff, dash.queue.issued) == ("DINSOS-SRG", (), (), 0)
    with pytest.raises(PermissionDenied):
        desk_service.dashboard(desk_service.principal("papan"), clock().date(), clock().date())
