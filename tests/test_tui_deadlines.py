"""Pemantauan berkas at 80x24 on a seeded database: a supervisor signs in and lands on the list
(TERLAMBAT first, then SEGERA jatuh tempo), narrows it by pelaksana and bidang, opens a case
with Enter, sees a step finished at another desk leave the list without a key press; a petugas
keeps the queue and opens the list with j. Names that look like markup stay literal."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from rich.console import Console
from textual.widgets import DataTable, Footer

from desk.app import create_app
from desk.wiring import make_service
from models.dto import ApplicantInput
from screens.case import CaseScreen
from screens.deadlines import DeadlinesScreen
from screens.help import HelpScreen
from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.widgets import PlainStatic
from tui_helpers import burst, settle, shown

SIZE = (80, 24)
MARKUP_NAME = "[b]Siti[/] Aminah"


def lengkap(desk, session, code: str, nik: str, name: str):
    """A case of ``code`` for ``name``, every required item received, decided lengkap."""
    svc = desk.catalog.get(code)
    extra: dict = {}
    if svc.applicant_kind == "organisasi":
        extra["org_name"] = "Yayasan Peduli Sesama"
    if svc.applicant_kind == "kelompok":
        extra.update(org_name="KUBE Mawar", member_count=10)
    case = desk.open_case(session, code, ApplicantInput(
        kind=svc.applicant_kind, nik=nik, name=name, address="Jl. Mawar 3", desa="Timbau",
        kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", phone="081234567890", **extra))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    result = desk.decide(session, case.id, reason="diperiksa dalam uji")
    assert result.lengkap
    return result.case


@pytest.fixture
def late_and_due(desk_service, session, clock):
    """Monday 09:00: a SEMBAKO case whose step 1 (1 jam, Kemensos) will be two hours old
    (TERLAMBAT); 10:05 a second one at step 2 (1 jam, Dinas Sosial) 55 minutes old at 11:00
    (SEGERA); a JAMKESDA case past its jangka waktu of 5 minutes (TERLAMBAT, the JW row)."""
    late = lengkap(desk_service, session, "SEMBAKO", "6403055507900002", MARKUP_NAME)
    clock.advance(minutes=65)
    due = lengkap(desk_service, session, "SEMBAKO", "6403055507900003", "Budi Santoso")
    due = desk_service.finish_step(session, due.id, step_no=due.current_step.no, reason="uji")
    jamkesda = lengkap(desk_service, session, "JAMKESDA", "6403055507900004", "Citra Lestari")
    clock.advance(minutes=55)
    return {"late": late.id, "due": due.id, "jamkesda": jamkesda.id}


async def sign_in(pilot, username: str, password: str) -> None:
    """Type a username and a password into the login screen, as a person would."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, LoginScreen)
    await burst(pilot, [*username, "enter", *password, "enter"])
    await settle(pilot)


def screen_lines(app) -> list[str]:
    """The screen as plain text lines, exactly as drawn."""
    console = Console(width=app.size.width, height=app.size.height, record=True,
                      file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))  # noqa: SLF001
    return console.export_text().splitlines()


def footer_fits(app) -> None:
    """Every key the footer offers reads whole on the bottom line at 80 columns."""
    items = [(item.key_display or item.key, item.description)
             for item in app.screen.query_one(Footer).query("FooterKey")]
    bottom = screen_lines(app)[-1]
    assert items
    for key, description in items:
        assert f"{key} {description}" in bottom, (key, description, bottom)


def column(app, key: str) -> list[str]:
    """The plain cells of one column of the list, top to bottom."""
    table = app.screen.query_one("#dl-table", DataTable)
    return [str(table.get_cell(row.key, key)) for row in table.ordered_rows]


async def test_supervisor_lands_on_the_list_narrows_it_and_opens_a_case(
        desk_service, late_and_due, config, clock) -> None:
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        assert isinstance(app.screen, DeadlinesScreen)
        assert isinstance(app.screen_stack[-2], QueueScreen)  # the counter work: one key away
        assert column(app, "state") == ["TERLAMBAT", "TERLAMBAT", "SEGERA"]
        assert column(app, "service") == ["JAMKESDA", "SEMBAKO", "SEMBAKO"]
        assert column(app, "step") == ["JW", "1", "2"]
        assert column(app, "share")[1:] == ["200%", "92%"]
        info = shown(app.screen.query_one("#dl-info", PlainStatic))
        assert "2 terlambat · 1 segera" in info and "pelaksana semua" in info
        assert "Pemantauan berkas" in screen_lines(app)[0]
        footer_fits(app)
        assert "Buka berkas" in screen_lines(app)[-1]  # Enter, named in the footer
        # a register number too long for its column keeps its running number in view
        registers = {i.applicant_name: i.register_no for i in app.screen.shown.items}
        for name, cell in zip(column(app, "name"), column(app, "register"), strict=True):
            assert cell.startswith("…") and registers[name].endswith(cell[1:]), (cell, name)

        # the markup-looking name is shown as typed, in the row and under the table
        assert column(app, "name")[1] == MARKUP_NAME
        await pilot.press("down")
        detail = shown(app.screen.query_one("#dl-detail", PlainStatic))
        assert MARKUP_NAME in detail and "Kemensos" in detail and "Langkah 1" in detail
        assert any("[b]Siti[/]" in line for line in screen_lines(app))

        # p: one pelaksana after the other, then all again; b the same for bidang
        await pilot.press("p")
        await settle(pilot)
        assert column(app, "name") == ["Budi Santoso"]
        assert "pelaksana Dinas Sosial" in shown(app.screen.query_one("#dl-info", PlainStatic))
        await pilot.press("p")
        await settle(pilot)
        assert column(app, "name") == [MARKUP_NAME]
        await pilot.press("p")
        await settle(pilot)
        assert len(column(app, "name")) == 3
        await pilot.press("b")
        await settle(pilot)
        assert column(app, "service") == ["JAMKESDA"]
        await pilot.press("b")
        await settle(pilot)
        assert len(column(app, "name")) == 3

        # Enter opens the highlighted case where it stopped; Escape comes back to the list
        table = app.screen.query_one("#dl-table", DataTable)
        table.move_cursor(row=column(app, "name").index(MARKUP_NAME))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case.id == late_and_due["late"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)

        # another desk finishes the late step: it leaves the list without a key press
        other_desk = make_service(config, clock=clock)
        other_desk.open()
        try:
            other = other_desk.login("petugas2", "petugas123", 2)
            other_desk.finish_step(other, late_and_due["late"], step_no=1, reason="uji")
        finally:
            other_desk.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and MARKUP_NAME in column(app, "name"):
            await pilot.pause(0.05)
        assert column(app, "name") == ["Citra Lestari", "Budi Santoso"]

        # F1: the help of the list, in Indonesian
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(PlainStatic))
        assert "TERLAMBAT" in text and "Pelaksana" in text and "Dasbor" in text
        await pilot.press("escape")

        # a: the queue; j there: the list again; Ctrl+L signs out from the list
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_petugas_keeps_the_queue_and_opens_the_list_with_j(desk_service, late_and_due) -> None:
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        assert isinstance(app.screen, QueueScreen)
        footer_fits(app)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        assert len(column(app, "state")) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_the_list_moves_with_time_without_a_key_press(desk_service, late_and_due, clock,
                                                           monkeypatch) -> None:
    """Budi's step 2 is SEGERA at 92%; ten office minutes later the list shows it TERLAMBAT
    by itself (the periodic refresh, here every 0.2 s instead of 30)."""
    monkeypatch.setattr(DeadlinesScreen, "REFRESH_SECONDS", 0.2)
    app = create_app(desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "supervisor", "supervisor123")
        assert column(app, "state")[-1] == "SEGERA"
        clock.advance(minutes=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "SEGERA" in column(app, "state"):
            await pilot.pause(0.05)
        assert column(app, "state") == ["TERLAMBAT"] * 3
        assert "3 terlambat · 0 segera" in shown(app.screen.query_one("#dl-info", PlainStatic))


def test_the_most_urgent_come_first() -> None:
    """TERLAMBAT before SEGERA whatever the shares; the larger share first within each."""
    from models.dashdto import DeadlineItem
    from screens.deadlines import ordered

    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def item(case_id: int, state: str, share: float) -> DeadlineItem:
        return DeadlineItem(case_id, "", "A", "X", "X", "", 1, "u", (), start,
                            start + dt.timedelta(hours=case_id), share, state)

    items = (item(1, "segera", 0.95), item(2, "terlambat", 1.01), item(3, "terlambat", 3.0),
             item(4, "segera", 0.85))
    assert [i.case_id for i in ordered(items)] == [3, 2, 1, 4]
