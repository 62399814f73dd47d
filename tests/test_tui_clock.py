"""The running step's timer on the case screen, driven like a person on a fixed clock: it turns
yellow with SEGERA at the warning share of its mutu baku and red with TERLAMBAT past it, counting
office hours only (a step started on a Friday afternoon is not late on Monday morning)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import DataTable
from tui_helpers import login, settle, shown

from desk.app import create_app
from models.dto import ApplicantInput
from screens.case import CaseScreen
from screens.widgets import PlainStatic

SIZE = (80, 24)
WITA = dt.timezone(dt.timedelta(hours=8))
NIK = "6403054507900002"
PERSON = {"nik": NIK, "name": "Siti Aminah", "address": "Jl. Mulawarman 5", "desa": "Timbau",
          "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara"}


def _styles(text: Text) -> str:
    return " ".join(str(span.style) for span in text.spans) + " " + str(text.style)


async def _timer_after(pilot, clock, moment: dt.datetime) -> tuple[str, str, str, str]:
    """Set the clock, wait for the one-second tick; the timer's text and styles, the running
    step's status and Durasi cell styles."""
    clock.current = moment
    await pilot.pause(1.2)
    timer = pilot.app.screen.query_one("#case-timer", PlainStatic)
    table = pilot.app.screen.query_one("#case-steps", DataTable)
    status, duration = table.get_cell("1", "status"), table.get_cell("1", "durasi")
    text = timer._shown
    assert isinstance(text, Text)
    return shown(timer), _styles(text), str(status.style), str(duration.style)


async def test_the_timer_warns_at_80_percent_and_is_late_past_100_in_office_hours(desk_service, clock):
    desk = desk_service
    clock.current = dt.datetime(2026, 11, 27, 15, 50, tzinfo=WITA)  # a Friday afternoon
    session = desk.login("petugas2", "petugas123", 2)
    svc = desk.catalog.get("SEMBAKO")  # step 1: 1 jam
    case = desk.open_case(session, "SEMBAKO", ApplicantInput(kind=svc.applicant_kind, **PERSON))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    decided = desk.decide(session, case.id, reason="uji").case
    assert decided.current_step.no == 1 and decided.current_step.waktu_label == "1 jam"

    app = create_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*NIK, "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)

        text, styles, status, duration = await _timer_after(pilot, clock, dt.datetime(2026, 11, 27, 16, 20, tzinfo=WITA))
        assert "Langkah 1 berjalan: 00:30:00 / 1 jam" in text
        assert "SEGERA" not in text and "TERLAMBAT" not in text
        assert "yellow" not in styles and "red" not in styles
        assert "yellow" not in status and "red" not in status

        # Monday 07.45: 64 hours on the wall, 55 minutes of office time (40 Friday, 15 today)
        text, styles, status, duration = await _timer_after(pilot, clock, dt.datetime(2026, 11, 30, 7, 45, tzinfo=WITA))
        assert "00:55:00 / 1 jam  SEGERA" in text and "TERLAMBAT" not in text
        assert "yellow" in styles and "red" not in styles
        assert "yellow" in status and "yellow" in duration

        text, styles, status, duration = await _timer_after(pilot, clock, dt.datetime(2026, 11, 30, 7, 51, tzinfo=WITA))
        assert "01:01:00 / 1 jam  TERLAMBAT" in text and "SEGERA" not in text
        assert "red" in styles and "red" in status and "red" in duration


async def test_the_warning_share_follows_the_setting(desk_service, clock):
    import dataclasses

    desk = desk_service
    desk.settings = dataclasses.replace(desk.settings, calendar=dataclasses.replace(
        desk.settings.calendar, warn_share=0.5))
    session = desk.login("petugas2", "petugas123", 2)
    svc = desk.catalog.get("SEMBAKO")
    case = desk.open_case(session, "SEMBAKO", ApplicantInput(kind=svc.applicant_kind, **PERSON))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    start = clock()
    step = desk.decide(session, case.id, reason="uji").case.current_step
    assert step.warn_share == 0.5
    assert step.share(start + dt.timedelta(minutes=30)) == 0.5
    from screens.steptimer import step_timer

    assert "SEGERA" not in str(step_timer(step, start + dt.timedelta(minutes=29)))
    assert "SEGERA" in str(step_timer(step, start + dt.timedelta(minutes=30)))


def test_past_the_due_time_after_closing_is_late_although_no_office_time_passed(desk_service, clock):
    from screens.steptimer import step_standing

    desk = desk_service
    clock.current = dt.datetime(2026, 11, 27, 15, 30, tzinfo=WITA)  # Friday; closes 16.30
    session = desk.login("petugas2", "petugas123", 2)
    svc = desk.catalog.get("SEMBAKO")
    case = desk.open_case(session, "SEMBAKO", ApplicantInput(kind=svc.applicant_kind, **PERSON))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    step = desk.decide(session, case.id, reason="uji").case.current_step
    assert step.due_at == dt.datetime(2026, 11, 27, 16, 30, tzinfo=WITA)
    assert step_standing(step, dt.datetime(2026, 11, 27, 16, 29, tzinfo=WITA)) == "segera"
    evening = dt.datetime(2026, 11, 27, 17, 0, tzinfo=WITA)
    assert step.share(evening) == 1.0 and step_standing(step, evening) == "terlambat"
