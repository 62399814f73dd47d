"""The screen lock: after the configured idle time (or at once with Ctrl+K) a signed-in desk
hides everything behind a lock screen; the same staff member's password returns to exactly
where they were (typed text intact), a wrong one is said at the field and counts toward the
account's lockout; someone else signs the session out. The login screen, the board and the
kiosk never lock. Domain: verify_password on SQLite and PostgreSQL; the [keamanan] option."""

from __future__ import annotations

import io
import json
import time

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input

from desk.app import create_app
from desk.config import ConfigError, load_config
from desk.wiring import make_service
from models.dto import ApplicantInput, AuthError
from models.tables import AuditLog, Staff
from screens.dialogs import ConfirmDialog
from screens.help import screen_bindings
from screens.lock import LockScreen, ScreenLock
from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.search import SearchScreen
from screens.widgets import FieldError
from tui_helpers import burst, login, settle

SIZE = (80, 24)

NIK = "6403054507900002"
NAME = "[b]Siti[/] Aminah"


def audit(desk, action: str) -> list[dict]:
    """The details of the audit rows of one action, oldest first."""
    with desk.db.connection_context():
        rows = AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id)
        return [json.loads(row.detail or "{}") for row in rows]


def screen_text(app) -> str:
    """Everything drawn on the terminal, as plain text."""
    console = Console(width=app.size.width, height=app.size.height, record=True,
                      file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))  # noqa: SLF001
    return console.export_text()


async def wait_for(pilot, condition, seconds: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds, as long as a person would wait."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        await pilot.pause(0.1)
    await settle(pilot)


def field_error(app) -> str:
    return str(app.screen.query_one("#e-lock-password", FieldError).render())


# -- the domain ----------------------------------------------------------------------------------


def test_the_right_password_unlocks_and_a_wrong_one_counts_toward_the_lockout(desk_service, session, clock):
    with pytest.raises(AuthError, match=r"^Kata sandi salah\.$"):
        desk_service.verify_password(session, "salah")
    desk_service.verify_password(session, "petugas123")
    assert audit(desk_service, "gagal_masuk") == [{"ke": 1, "saat": "buka_kunci"}]
    assert audit(desk_service, "buka_kunci") == [{"loket": 1}]
    # the right password cleared the count: four more wrong ones do not lock
    for _ in range(4):
        with pytest.raises(AuthError, match="Kata sandi salah"):
            desk_service.verify_password(session, "salah")
    desk_service.verify_password(session, "petugas123")
    # five in a row lock the account, for the lock screen and the sign-in alike
    for _ in range(4):
        with pytest.raises(AuthError, match="Kata sandi salah"):
            desk_service.verify_password(session, "salah")
    with pytest.raises(AuthError, match=r"Akun dikunci sementara .* pukul 09\.15"):
        desk_service.verify_password(session, "salah")
    with pytest.raises(AuthError, match="Akun dikunci"):
        desk_service.verify_password(session, "petugas123")
    with pytest.raises(AuthError, match="Akun dikunci"):
        desk_service.login("petugas", "petugas123", 1)
    clock.advance(minutes=15)
    desk_service.verify_password(session, "petugas123")
    assert len(audit(desk_service, "akun_dikunci")) == 1


def test_a_switched_off_account_cannot_unlock(desk_service, session):
    admin = desk_service.login("admin", "admin12345", None)
    desk_service.set_staff_active(admin, "petugas", False)
    with pytest.raises(AuthError, match="dinonaktifkan"):
        desk_service.verify_password(session, "petugas123")


def test_locking_is_audited(desk_service, session):
    desk_service.lock_screen(session, idle=True)
    desk_service.lock_screen(session, idle=False)
    assert audit(desk_service, "kunci_layar") == [{"loket": 1, "sebab": "diam"},
                                                  {"loket": 1, "sebab": "tombol"}]


def test_the_idle_time_comes_from_keamanan(tmp_path):
    path = tmp_path / "desk.toml"
    path.write_text("[kantor]\ncounters = 2\n")
    assert load_config(config_file=path, data_dir=tmp_path).office.security.lock_minutes == 10
    for text, minutes in (("kunci_layar_menit = 0", 0), ("kunci_layar_menit = 2.5", 2.5)):
        path.write_text(f"[keamanan]\n{text}\n")
        assert load_config(config_file=path, data_dir=tmp_path).office.security.lock_minutes == minutes
    for text, message in (("kunci_layar_menit = -1", "sampai 1440"),
                          ('kunci_layar_menit = "10"', "menit tanpa tombol"),
                          ("kunci = 3", "kunci tidak dikenal")):
        path.write_text(f"[keamanan]\n{text}\n")
        with pytest.raises(ConfigError, match=message):
            load_config(config_file=path, data_dir=tmp_path)


# -- the desk ------------------------------------------------------------------------------------


@pytest.fixture
def quick_lock(tmp_path, db_url):
    """A desk whose desk.toml locks after 0.02 minutes (1.2 s) without a key."""
    from models.demo import prepare_demo

    path = tmp_path / "desk.toml"
    path.write_text("[keamanan]\nkunci_layar_menit = 0.02\n")
    service = make_service(load_config(db=db_url, config_file=path, data_dir=tmp_path))
    service.open()
    prepare_demo(service, with_samples=False)
    yield service
    service.close()


async def test_ctrl_k_hides_the_case_and_the_password_returns_to_the_typed_search(make_app, live_desk_service) -> None:
    desk = live_desk_service
    other = desk.login("petugas2", "petugas123", 2)
    desk.open_case(other, "REK-PUB", ApplicantInput(
        kind="organisasi", org_name="Yayasan Maju Bersama", nik=NIK, name=NAME, address="Jl. Mulawarman 5",
        desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        assert ("Ctrl+K", "Kunci layar") in screen_bindings(app.screen)  # F1 lists it
        assert "Ctrl+K kunci" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*NIK, "enter")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, SearchScreen) and NAME in screen_text(app)
        await pilot.press("tab", "end", "space", "x")  # typed, not searched yet
        await settle(pilot)
        stack = list(app.screen_stack)

        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        text = screen_text(app)
        assert "Siti" not in text and "640305" not in text and "Yayasan" not in text
        assert "Rina Wulandari" in text and "Layar terkunci" in text
        assert audit(desk, "kunci_layar")[-1] == {"loket": 1, "sebab": "tombol"}

        await burst(pilot, [*"salah", "enter"])
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert field_error(app) == "Kata sandi salah."
        assert app.screen.query_one("#lock-password", Input).value == ""
        with desk.db.connection_context():
            assert Staff.get(Staff.username == "petugas").failed_logins == 1

        await burst(pilot, [*"petugas123", "enter"])
        await settle(pilot)
        assert app.screen is search and list(app.screen_stack) == stack
        assert search.query_one("#search-query", Input).value == f"{NIK} x"
        assert search.query_one("#search-results", DataTable).row_count == 1
        assert NAME in screen_text(app)
        assert audit(desk, "buka_kunci") == [{"loket": 1}]
        with desk.db.connection_context():
            assert Staff.get(Staff.username == "petugas").failed_logins == 0


async def test_what_happens_underneath_waits_until_unlocked(make_app, live_desk_service) -> None:
    """A ticket taken at another desk while locked: nothing of it on the lock screen; the queue
    shows it once unlocked."""
    desk = live_desk_service
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        ticket = desk.issue_ticket(desk.principal("kiosk"), "VETERAN")
        app.notify(f"Tiket {ticket.code} diambil")  # as a screen's worker would say it
        await pilot.pause(1.5)
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert ticket.code not in screen_text(app)
        await burst(pilot, [*"petugas123", "enter"])
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await wait_for(pilot, lambda: queue.query_one("#queue-table", DataTable).row_count == 1)
        assert ticket.code in screen_text(app)


async def test_the_desk_locks_when_idle_and_someone_else_signs_out(quick_lock) -> None:
    app = create_app(quick_lock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, expect_queue=False)
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        assert isinstance(app.screen_stack[-2], QueueScreen)
        assert audit(quick_lock, "kunci_layar") == [{"loket": 1, "sebab": "diam"}]
        assert "Keluar akun" in screen_text(app)

        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert audit(quick_lock, "keluar") == [{"loket": 1}]
        assert not audit(quick_lock, "buka_kunci")

        # the login screen itself never locks
        await pilot.pause(3)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert not any(isinstance(s, LockScreen) for s in app.screen_stack)
        assert len(audit(quick_lock, "kunci_layar")) == 1


def test_the_board_and_the_kiosk_never_lock(live_desk_service) -> None:
    assert isinstance(create_app(live_desk_service), ScreenLock)
    assert not isinstance(create_app(live_desk_service, "papan"), ScreenLock)
    assert not isinstance(create_app(live_desk_service, "anjungan", key="2468"), ScreenLock)
