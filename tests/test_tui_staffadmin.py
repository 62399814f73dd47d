"""The administrator's staff accounts screen at 80x24: reached with m from the queue (named on
its info line, for administrators only); add an account (errors at the field) and sign in
with it; switch one off (it is refused at sign-in) and on; a new password lifts a lockout;
one's own account stays on; names that look like markup stay literal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import DataTable, Footer, Input

from desk.app import create_app
from models.dto import AuthError
from screens.dialogs import ConfirmDialog
from screens.help import screen_bindings
from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.staffadmin import PasswordDialog, StaffAdminScreen, StaffFormDialog
from screens.widgets import FieldError, PlainStatic
from tui_helpers import burst, notifications, settle, shown, type_into

SIZE = (80, 24)

MARKUP_NAME = "[b]Siti[/] Aminah"


def screen_lines(app) -> list[str]:
    """The screen as plain text lines, exactly as drawn."""
    console = Console(width=app.size.width, height=app.size.height, record=True,
                      file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))  # noqa: SLF001
    return console.export_text().splitlines()


async def sign_in(pilot, username: str, password: str) -> None:
    """Type a username and a password into the login screen, as a person would."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, LoginScreen)
    await burst(pilot, [*username, "enter", *password, "enter"])
    await settle(pilot)


async def open_staff_screen(pilot) -> StaffAdminScreen:
    """Admin signs in (landing on the due list), goes to the queue (a) and presses m."""
    app = pilot.app
    await sign_in(pilot, "admin", "admin12345")
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(app.screen, QueueScreen)
    assert "m petugas" in shown(app.screen.query_one("#queue-info", PlainStatic))
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(app.screen, StaffAdminScreen)
    return app.screen


def row(app, username: str) -> list[str]:
    """The plain cells of an account's row."""
    table = app.screen.query_one("#sa-table", DataTable)
    return [str(cell) for cell in table.get_row(username)]


async def highlight(pilot, username: str) -> None:
    """Move the table's cursor to an account, with the arrow keys."""
    table = pilot.app.screen.query_one("#sa-table", DataTable)
    keys = [r.key.value for r in table.ordered_rows]
    while keys[table.cursor_row] != username:
        await pilot.press("down" if keys.index(username) > table.cursor_row else "up")
    await settle(pilot)


def error_at(app, name: str) -> str:
    return str(app.screen.query_one(f"#e-{name}", FieldError).render())


async def test_admin_adds_an_account_that_then_signs_in(live_desk_service) -> None:
    desk = live_desk_service
    app = create_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff_screen(pilot)
        assert set(screen.query_one("#sa-table", DataTable).rows) >= {"admin", "petugas", "supervisor"}
        assert row(app, "admin")[3] == "ya" and row(app, "petugas2")[5] == "-"  # never signed in
        bottom = screen_lines(app)[-1]
        for item in app.screen.query_one(Footer).query("FooterKey"):
            assert f"{item.key_display or item.key} {item.description}" in bottom

        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StaffFormDialog)
        await type_into(pilot, "#f-username", "petugas")  # taken
        await type_into(pilot, "#f-full_name", MARKUP_NAME)
        await type_into(pilot, "#f-nip", "19900101 201501 2 001")
        await type_into(pilot, "#f-password", "sandi-siti")
        await type_into(pilot, "#f-password2", "sandi-sita")
        await pilot.press("f10")
        await settle(pilot)
        assert error_at(app, "password2") == "Kedua kata sandi tidak sama; ketik ulang."
        await type_into(pilot, "#f-password2", "sandi-siti")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffFormDialog)
        assert "sudah dipakai" in error_at(app, "username") and error_at(app, "password2") == ""
        await type_into(pilot, "#f-username", "siti")
        # the role: Tab to it, open, one down (supervisor), Enter
        app.screen.query_one("#f-full_name", Input).focus()
        await pilot.press("tab", "tab", "enter", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#f-role").value == "supervisor"
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, StaffAdminScreen)
        assert "Akun 'siti' ditambahkan." in notifications(app)
        assert row(app, "siti")[:4] == ["siti", "[b]Siti[/] Aminah", "supervisor", "ya"]
        await highlight(pilot, "siti")
        detail = shown(app.screen.query_one("#sa-detail", PlainStatic))
        assert MARKUP_NAME in detail and "NIP 199001012015012001" in detail
        assert any(MARKUP_NAME in line for line in screen_lines(app))

        # sign out and in again as the new account
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f12", "y")
        await settle(pilot)
        await sign_in(pilot, "siti", "sandi-siti")
        assert app.session is not None and app.session.full_name == MARKUP_NAME
        assert app.session.role == "supervisor"


async def test_a_switched_off_account_is_refused_and_one_own_stays_on(live_desk_service) -> None:
    desk = live_desk_service
    app = create_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff_screen(pilot)
        await highlight(pilot, "admin")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, StaffAdminScreen)
        assert "Akun sendiri tidak dapat dinonaktifkan." in notifications(app)

        await highlight(pilot, "petugas")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert row(app, "petugas")[3] == "tidak"
        assert "NONAKTIF" in shown(app.screen.query_one("#sa-detail", PlainStatic))
        with pytest.raises(AuthError, match="kata sandi salah"):
            desk.login("petugas", "petugas123", 1)

        await pilot.press("n")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert row(app, "petugas")[3] == "ya"
        assert desk.login("petugas", "petugas123", 1).username == "petugas"


async def test_a_new_password_lifts_the_lockout(live_desk_service) -> None:
    desk = live_desk_service
    for _ in range(5):
        with pytest.raises(AuthError):
            desk.login("petugas", "salah", 1)
    app = create_app(desk)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff_screen(pilot)
        assert row(app, "petugas")[4] != "-"  # locked until hh.mm
        assert "1 terkunci" in shown(app.screen.query_one("#sa-info", PlainStatic))
        await highlight(pilot, "petugas")
        assert "terkunci sampai pukul" in shown(app.screen.query_one("#sa-detail", PlainStatic))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)
        await type_into(pilot, "#f-password", "123")
        await type_into(pilot, "#f-password2", "123")
        await pilot.press("enter")
        await settle(pilot)
        assert error_at(app, "password") == "Kata sandi minimal 6 karakter."
        await type_into(pilot, "#f-password", "baru-rina-1")
        await type_into(pilot, "#f-password2", "baru-rina-1")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffAdminScreen)
        assert row(app, "petugas")[4] == "-"
        assert "Kata sandi akun 'petugas' diganti; kunci akun dibuka." in notifications(app)
    assert desk.login("petugas", "baru-rina-1", 1).username == "petugas"


async def test_a_petugas_is_not_offered_the_staff_accounts(live_desk_service) -> None:
    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "petugas", "petugas123")
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        info = shown(queue.query_one("#queue-info", PlainStatic))
        assert "Ctrl+K kunci" in info and "m petugas" not in info and "m akun" not in info
        assert "Akun petugas" not in [description for _, description in screen_bindings(queue)]
        await pilot.press("m")
        await settle(pilot)
        assert app.screen is queue


async def test_a_staff_name_with_markup_shows_literally_on_the_lock_and_password_screens(live_desk_service) -> None:
    """Rule 4: a staff member's name is user data, never markup, wherever it is shown."""
    desk = live_desk_service
    name = "[b]Siti[/] a [/x] b"
    desk.create_staff(desk.principal("sistem"), "siti", name, "sandi-siti", "petugas")
    app = create_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "siti", "sandi-siti")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert any(f"Masuk sebagai {name}" in line for line in screen_lines(app))
        await type_into(pilot, "#lock-password", "sandi-siti")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("f12", "y")
        await settle(pilot)
        await open_staff_screen(pilot)
        await highlight(pilot, "siti")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)
        assert any(f"Akun siti ({name})" in line for line in screen_lines(app))
