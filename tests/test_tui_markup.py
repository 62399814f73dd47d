"""User data that looks like console markup is shown literally and never crashes a screen.

Regression guard in the spirit of Dolphie issue #118 (``[/usr/local]`` read as markup).
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from screens.case import CaseScreen
from screens.checklist import ChecklistScreen
from screens.intake import IntakeScreen
from screens.search import SearchScreen
from screens.widgets import PlainStatic
from tui_helpers import login, settle, shown, type_into

SIZE = (80, 24)

#: (organisation, person, NIK): markup-looking names.
CASES = [
    ("Yayasan [b]Siti[/]", "[b]Siti[/]", "6402044507800002"),
    ("Panti a [/x] b", "a [/x] b", "6402041507800003"),
]


@pytest.mark.parametrize(("org", "person", "nik"), CASES)
async def test_markup_names_are_literal(make_app, live_desk_service, org, person, nik) -> None:
    """Checklist header, case screen and search results show the names as typed."""
    desk = live_desk_service
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)  # asserts the queue screen follows

        # intake without ticket for REK-PUB
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        await type_into(pilot, "#f-org_name", org)
        await type_into(pilot, "#f-nik", nik)
        await type_into(pilot, "#f-name", person)
        await type_into(pilot, "#f-address", "Jl. [red]Merah[/red] 1")
        await type_into(pilot, "#f-desa", "Timbau")
        await type_into(pilot, "#f-kecamatan", "Tenggarong")
        await type_into(pilot, "#f-kabupaten", "Kutai Kartanegara")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        header = shown(app.screen.query_one("#cl-header", PlainStatic))
        assert org in header and person in header

        # complete the berkas: tick every required item and decide
        checklist = app.screen
        table = checklist.query_one("#cl-table", DataTable)
        for line in checklist.case.checklist:
            if line.required:
                table.move_cursor(row=table.get_row_index(f"i:{line.item_id}"))
                await pilot.press("space")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        case_header = shown(app.screen.query_one("#case-header", PlainStatic))
        assert org in case_header and person in case_header
        assert desk.case(desk.principal("sistem"), app.screen.case.id, record_view=False).applicant.name == person

        # search by name part: the results show it literally
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*nik, "enter")
        await settle(pilot)
        results = app.screen.query_one("#search-results", DataTable)
        assert results.row_count >= 1
        names = [str(results.get_row_at(i)[2]) for i in range(results.row_count)]
        assert any(org in name or person in name for name in names), names
        detail = shown(app.screen.query_one("#search-detail", PlainStatic))
        assert org in detail and person in detail
        # the screenshot renders without markup errors
        assert app.export_screenshot()


async def test_dialog_buttons_from_catalog_text_are_literal() -> None:
    """Decision answers come from the catalog files an administrator edits: a bracket in them
    shows as written on the dialog's buttons."""
    from textual.app import App
    from textual.widgets import Button

    from screens.dialogs import ChoiceDialog, ConfirmDialog

    class Host(App):
        pass

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ConfirmDialog("Lanjut?", yes="[b]Ya[/]", no="a [/x] b"))
        await pilot.pause()
        labels = [str(button.label) for button in app.screen.query(Button)]
        assert labels == ["[b]Ya[/] (y)", "a [/x] b (t)"]
        app.pop_screen()
        app.push_screen(ChoiceDialog("Keputusan", ["[red]Layak[/]", "Tidak [/] layak"]))
        await pilot.pause()
        labels = [str(button.label) for button in app.screen.query(Button)]
        assert labels == ["1. [red]Layak[/]", "2. Tidak [/] layak"]


async def test_long_message_dialog_scrolls_by_keyboard() -> None:
    """A slip with many missing items at 80x24: the list scrolls with the arrows, the footer
    says so, Enter still closes."""
    from textual.app import App
    from textual.containers import VerticalScroll

    from screens.dialogs import MessageDialog

    class Host(App):
        pass

    app = Host()
    closed: list[bool] = []
    async with app.run_test(size=(80, 24)) as pilot:
        items = [f"Persyaratan nomor {i} yang belum dibawa pemohon" for i in range(1, 16)]
        app.push_screen(MessageDialog("Slip kekurangan berkas", "Berkas belum lengkap.", items),
                        lambda _: closed.append(True))
        await pilot.pause()
        scroll = app.screen.query_one(".dialog-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        assert "Gulir" in app.export_screenshot()
        await pilot.press("pagedown", "pagedown", "pagedown", "down")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y  # the last item can be reached
        await pilot.press("enter")
        await pilot.pause()
        assert closed == [True]
