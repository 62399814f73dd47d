"""The lists of steps due soon and overdue (models.deadlines): what enters them and when, in
which order, narrowed by role and bidang; office hours count, weekends do not."""

from __future__ import annotations

import datetime as dt

import pytest

from models.permissions import PermissionDenied
from test_stepstats import walk


def _listed(lst):
    return [(i.service_code, i.step_no, i.state) for i in lst.items]


def test_steps_enter_the_list_at_the_warning_share_and_turn_late_after_their_due_time(desk_service, session,
                                                                                     clock):
    a = walk(desk_service, session, clock, "SEMBAKO", [])         # step 1 (1 jam) from 09.00
    clock.advance(minutes=20)
    b = walk(desk_service, session, clock, "SEMBAKO", [])         # step 1 from 09.20
    clock.advance(minutes=27)                                      # 09.47: a used 78%
    assert desk_service.deadlines(session).items == ()
    clock.advance(minutes=1)                                       # 09.48: a used 80%
    lst = desk_service.deadlines(session)
    assert [(i.case_id, i.state) for i in lst.items] == [(a.id, "segera")]
    assert lst.items[0].share == pytest.approx(0.8)
    assert lst.items[0].uraian.startswith("Mengirimkan data") and lst.items[0].pelaksana == ("Kemensos",)
    assert lst.items[0].applicant_name == "Siti Aminah" and lst.items[0].register_no.startswith("SEMBAKO/")
    clock.advance(minutes=22)                                      # 10.10: a late, b used 83%
    lst = desk_service.deadlines(session)
    assert [(i.case_id, i.state) for i in lst.items] == [(a.id, "terlambat"), (b.id, "segera")]
    assert (lst.overdue[0].case_id, lst.due_soon[0].case_id) == (a.id, b.id)
    assert lst.items[0].due_at == dt.datetime(2026, 11, 23, 10, 0, tzinfo=lst.items[0].due_at.tzinfo)
    desk_service.finish_step(session, b.id, step_no=1)            # b's step 2 runs: not due yet
    assert [i.case_id for i in desk_service.deadlines(session).items] == [a.id]


def test_the_list_narrows_by_role_and_by_bidang(desk_service, session, clock):
    rek = walk(desk_service, session, clock, "REK-PUB", [])        # jangka waktu 2 hari kerja
    a = walk(desk_service, session, clock, "SEMBAKO", [])          # step 1: Kemensos
    b = walk(desk_service, session, clock, "SEMBAKO", [30])        # step 2: Dinas Sosial, from 09.30
    clock.advance(days=1, hours=7)                                 # Tuesday 16.00
    lst = desk_service.deadlines(session)
    assert {(i.case_id, i.step_no) for i in lst.items} == {(a.id, 1), (b.id, 2), (rek.id, 0)}
    assert [i.case_id for i in lst.items if i.step_no == 0] == [rek.id]
    assert lst.roles == ("Dinas Sosial", "Kemensos") and lst.bidang == ("Bidang Pemberdayaan Sosial",)
    case_item = next(i for i in lst.items if i.step_no == 0)
    # Monday 09.00 to Wednesday 09.00 in office hours: 17 hours, 15.5 of them used
    assert case_item.state == "segera" and case_item.share == pytest.approx(15.5 / 17)
    assert case_item.uraian == "Jangka waktu layanan" and case_item.bidang == "Bidang Pemberdayaan Sosial"
    assert [i.case_id for i in desk_service.deadlines(session, role="dinas sosial").items] == [b.id]
    assert [i.case_id for i in desk_service.deadlines(session, role="Kemensos").items] == [a.id]
    only = desk_service.deadlines(session, bidang="Bidang Pemberdayaan Sosial")
    assert [(i.case_id, i.step_no) for i in only.items] == [(rek.id, 0)] and only.bidang_filter
    assert only.roles == lst.roles  # the choices stay while narrowed
    clock.advance(hours=18)                                        # Wednesday 10.00
    late = desk_service.deadlines(session, bidang="Bidang Pemberdayaan Sosial")
    assert _listed(late) == [("REK-PUB", 0, "terlambat")]


def test_a_step_due_after_the_weekend_is_not_late_on_saturday(desk_service, session, clock):
    clock.advance(days=4, hours=6, minutes=50)                     # Friday 15.50
    walk(desk_service, session, clock, "SEMBAKO", [])              # 1 jam: 40 minutes till 16.30,
    clock.advance(hours=20)                                        # the rest from Monday 07.30
    assert desk_service.deadlines(session).items == ()             # Saturday 11.50
    clock.advance(hours=43, minutes=50)                            # Monday 07.40: 50 of 60 minutes used
    lst = desk_service.deadlines(session)
    assert _listed(lst) == [("SEMBAKO", 1, "segera")]
    assert lst.items[0].share == pytest.approx(50 / 60)
    assert lst.items[0].due_at.strftime("%a %H:%M") == "Mon 07:50"


def test_a_finished_case_is_not_listed(desk_service, session, clock):
    walk(desk_service, session, clock, "SEMBAKO", [30] * 10)       # selesai
    clock.advance(days=30)
    assert desk_service.deadlines(session).items == ()


def test_the_lists_need_a_staff_member(desk_service):
    with pytest.raises(PermissionDenied):
        desk_service.deadlines(desk_service.principal("papan"))
