"""The counter's queue operations driven by keys, as an operator would: call a number, park and
resume, transfer, start serving, finish, the recall limit, priority groups at the picker, the
statistics screen; all at 80x24."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import login, notifications, settle, shown

from screens.dialogs import ConfirmDialog, InputDialog, ServicePicker
from screens.queue import QueueScreen
from screens.queueops import TransferDialog
from screens.queuestats import QueueStatsScreen
from screens.widgets import PlainStatic

SIZE = (80, 24)


def _statuses(desk) -> dict[str, str]:
    """Each ticket's status as stored."""
    from models.tables import Ticket

    with desk.db.connection_context():
        return {t.code: t.status for t in Ticket.select()}


async def test_call_a_number_park_resume_and_finish(make_app, live_desk_service) -> None:
    desk = live_desk_service
    kiosk = desk.principal("kiosk")
    first = desk.issue_ticket(kiosk, "REK-PUB")
    second = desk.issue_ticket(kiosk, "REK-PUB")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        # g: call the second ticket out of turn, typed the way people say it
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        await pilot.press(*"h2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.current.code == second.code
        # Enter: the applicant is at the loket, serving starts
        await pilot.press("enter")
        await settle(pilot)
        assert _statuses(desk)[second.code] == "dilayani"
        await pilot.press("escape")  # leave the intake screen the Enter opened
        await settle(pilot)
        # p: park; the loket then calls the next one
        await pilot.press("p")
        await settle(pilot)
        assert _statuses(desk)[second.code] == "ditunda"
        assert app.screen.current is None
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.current.code == first.code
        # s: finish the first (asks first)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert _statuses(desk)[first.code] == "selesai"
        # Enter on the parked row calls it back
        table = app.screen.query_one("#queue-table", DataTable)
        row = [i for i, r in enumerate(table.ordered_rows) if str(table.get_row(r.key)[0]).startswith(second.code)]
        table.move_cursor(row=row[0])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.current.code == second.code and app.screen.current.status == "dipanggil"
        assert _statuses(desk)[second.code] == "dipanggil"


async def test_transfer_to_another_loket_and_service(make_app, live_desk_service) -> None:
    desk = live_desk_service
    ticket = desk.issue_ticket(desk.principal("kiosk"), "REK-PUB")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TransferDialog)
        await pilot.press("enter")  # the first choice: loket 2
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.screen.current is None
        assert any("dialihkan ke loket 2" in m for m in notifications(app))
    other = desk.login("supervisor", "supervisor123", 2)
    called = desk.call_next(other)
    assert called.code == ticket.code  # the same number, called at loket 2


async def test_recall_limit_offers_tidak_hadir(make_app, live_desk_service) -> None:
    desk = live_desk_service
    ticket = desk.issue_ticket(desk.principal("kiosk"), "REK-PUB")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("n")
        await settle(pilot)
        for _ in range(2):  # calls 2 and 3 (limit 3)
            await pilot.press("u")
            await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "sudah dipanggil 3 kali" in app.screen._message
        await pilot.press("y")
        await settle(pilot)
    assert _statuses(desk)[ticket.code] == "lewat"


async def test_picker_lists_every_service_and_sets_a_priority_group(make_app, live_desk_service) -> None:
    desk = live_desk_service
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ServicePicker)
        options = picker.query_one("#picker-list")
        assert options.option_count == len(app.services)
        # the whole list fits at 80x24: no option is scrolled out of view
        assert options.max_scroll_y == 0
        assert f"1 dari {len(app.services)}" in str(picker.query_one("#picker-position").render())
        await pilot.press("f4")  # lansia
        await pilot.press("h")
        await settle(pilot)
    session = desk.login("petugas", "petugas123", 1)
    waiting = [t for t in desk.queue(session) if t.status == "menunggu"]
    assert waiting[0].priority and waiting[0].priority_kind == "lansia"


async def test_waiting_rows_show_the_estimated_wait_and_stats_open(make_app, live_desk_service) -> None:
    desk = live_desk_service
    desk.issue_ticket(desk.principal("kiosk"), "REK-PUB")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[4].startswith("±") and cells[4].endswith("m")
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, QueueStatsScreen)
        assert "1 diambil" in shown(app.screen.query_one("#stats-total", PlainStatic))
        stats = app.screen.query_one("#stats-table", DataTable)
        assert stats.virtual_size.width <= stats.scrollable_content_region.width  # 80x24: no column cut
        await pilot.press("2")
        await settle(pilot)
        assert "per loket" in shown(app.screen.query_one("#stats-title", PlainStatic))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_the_ticket_just_taken_stays_named_on_the_info_line(make_app, monkeypatch) -> None:
    """A toast lasts seconds, which pass unseen when a loaded server draws late: the info line
    names the ticket just taken (instead of the key hints) until SAID_SHOWN has passed, and
    a finish the same way."""
    import screens.queue

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        info = app.screen.query_one("#queue-info", PlainStatic)
        assert "Ctrl+L" in shown(info) and "diambil" not in shown(info)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ServicePicker)
        await pilot.press("h")
        await settle(pilot)
        app.clear_notifications()  # the toast gone
        await pilot.pause()
        assert "Tiket H-001 diambil" in shown(info) and "1 menunggu" in shown(info)
        monkeypatch.setattr(screens.queue, "SAID_SHOWN", 0.0)  # its time over: the next
        await pilot.press("r")  # drawing of the line (here a reload) shows the keys again
        await settle(pilot)
        assert "diambil" not in shown(info) and "Ctrl+L" in shown(info)
        monkeypatch.setattr(screens.queue, "SAID_SHOWN", 30.0)
        # finishing says so on the line too
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        assert "H-001 selesai dilayani." in shown(info)
