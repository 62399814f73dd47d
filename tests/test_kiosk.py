"""The self-service kiosk (desk anjungan), driven like a citizen with a number pad would.

A live DeskService on a fresh database (SQLite, or PostgreSQL with DESK_TEST_DB).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_helpers import notifications, settle, shown

from desk.app import create_app
from screens.kiosk import (
    PROBLEM,
    KeyScreen,
    PriorityScreen,
    ResultScreen,
    ServicesScreen,
    TicketDigits,
)
from screens.widgets import PlainStatic

KEY = "2468"
ROOT = Path(__file__).resolve().parent.parent


def kiosk(desk, **options):
    """The kiosk as `desk anjungan` builds it (short timers where a test waits for them)."""
    return create_app(desk, "anjungan", key=KEY, **options)


async def until_screen(pilot, kind: type, timeout: float = 10.0) -> None:
    """Wait (as a citizen looking at the kiosk would) until a screen of ``kind`` shows."""
    deadline = time.monotonic() + timeout
    while not isinstance(pilot.app.screen, kind):
        assert time.monotonic() < deadline, pilot.app.screen
        await settle(pilot)
        await pilot.pause(0.02)


async def ready(pilot) -> ServicesScreen:
    """Wait until the services are listed."""
    for _ in range(100):
        await settle(pilot)
        if pilot.app.services and isinstance(pilot.app.screen, ServicesScreen):
            return pilot.app.screen
        await pilot.pause(0.05)
    raise AssertionError("the kiosk did not list the services")


def screen_text(app) -> str:
    """Everything the current screen shows as plain text (PlainStatic and big digits)."""
    parts = [shown(w) for w in app.screen.query(PlainStatic) if w.display]
    parts += [w.value for w in app.screen.query(TicketDigits)]
    return "\n".join(parts)


def petugas(desk):
    return desk.login("petugas", "petugas123", 1)


async def take(pilot, *keys: str) -> ResultScreen:
    """Press keys, wait for the ticket (and its printing)."""
    for key in keys:  # a citizen presses one key at a time and looks at the screen between
        before = pilot.app.screen
        await pilot.press(key)
        changed_by = time.monotonic() + 10  # a loaded machine (4 test workers on 2 cores) is slow
        while pilot.app.screen is before and time.monotonic() < changed_by:
            await settle(pilot)
            await pilot.pause(0.02)
    deadline = time.monotonic() + 20
    while not isinstance(pilot.app.screen, ResultScreen):  # the ticket is issued in a worker
        assert time.monotonic() < deadline, pilot.app.screen
        await settle(pilot)
        await pilot.pause(0.05)
    return pilot.app.screen


async def test_services_show_when_the_database_opens_before_the_screen_is_drawn(live_desk_service, monkeypatch):
    """On a loaded machine the database can answer before the services screen is composed:
    the kiosk then lists the services with the office's name, and never says it is broken."""
    compose = ServicesScreen._on_compose

    async def late(screen, event):
        deadline = time.monotonic() + 10
        while not screen.kiosk.opened and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await compose(screen, event)

    monkeypatch.setattr(ServicesScreen, "_on_compose", late)
    app = kiosk(live_desk_service, result_grace=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await settle(pilot)
        text = screen_text(app)
        assert PROBLEM not in text
        assert live_desk_service.office.name in text
        assert live_desk_service.office.services[0].short_name in text


async def test_the_ticket_counts_people_of_other_lines_called_first(live_desk_service):
    """The demo's loket call every line by the order of taking: two people who took a ticket
    for other services earlier are called before the citizen, and the screen says so."""
    desk = live_desk_service
    services = list(desk.office.services)
    for code in (services[2].code, services[3].code):
        desk.issue_ticket(desk.principal("kiosk"), code)
    app = kiosk(desk, result_grace=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await until_screen(pilot, PriorityScreen)
        result = await take(pilot, "enter")
        assert result.ticket is not None and result.ticket.service_code == services[0].code
        assert "Antrean di depan Anda: 2" in screen_text(app)


async def test_citizen_takes_tickets_on_both_pages_and_as_priority(live_desk_service, config):
    desk = live_desk_service
    services = list(desk.office.services)
    app = kiosk(desk, result_grace=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        per_page = screen.per_page
        assert 3 <= per_page < 8  # 80x24: fewer than the 8 of a kiosk monitor
        text = screen_text(app)
        assert "SILAKAN PILIH LAYANAN" in text
        assert f"Halaman 1 dari {-(-len(services) // per_page)}" in text
        assert services[1].short_name in text and services[per_page].short_name not in text

        # page 1, service 2, Lansia
        await pilot.press("2")
        await until_screen(pilot, PriorityScreen)
        assert "APAKAH ANDA TERMASUK PRIORITAS?" in screen_text(app)
        result = await take(pilot, "2")
        ticket = result.ticket
        assert ticket is not None and ticket.service_code == services[1].code
        text = screen_text(app)
        assert ticket.code in text and "Prioritas: Lansia" in text
        assert "Antrean di depan Anda: 0" in text and "Layanan ini GRATIS" in text
        assert "Catat nomor antrean Anda." in text  # no printer configured: the PDF is kept
        found = desk.find_ticket(petugas(desk), ticket.code)
        assert found.priority_kind == "lansia" and found.priority
        assert list(Path(config.output_dir).rglob(f"*{ticket.code}*.pdf"))

        # any key: back to page 1; then page 2 (9), its first service, Enter = not priority
        await pilot.press("5")
        assert isinstance(app.screen, ServicesScreen)
        await pilot.press("9")
        assert "Halaman 2 dari" in screen_text(app)
        assert services[per_page].short_name in screen_text(app)
        result = await take(pilot, "1", "enter")
        second = result.ticket
        assert second is not None and second.service_code == services[per_page].code
        assert not desk.find_ticket(petugas(desk), second.code).priority
        # 0 and - page back; + pages on
        await pilot.press("escape")
        await pilot.press("9", "-")
        assert "Halaman 1 dari" in screen_text(app)


async def test_a_kiosk_monitor_shows_more_per_page_and_backspace_goes_back(live_desk_service):
    app = kiosk(live_desk_service)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await ready(pilot)
        assert screen.per_page == 8
        await pilot.press("1")
        await until_screen(pilot, PriorityScreen)
        await pilot.press("backspace")
        assert isinstance(app.screen, ServicesScreen)
        await pilot.press("1", "0")
        assert isinstance(app.screen, ServicesScreen)
        assert live_desk_service.queue(petugas(live_desk_service)) == []


async def test_quit_keys_do_nothing_and_the_office_key_closes(live_desk_service):
    app = kiosk(live_desk_service, lockout_seconds=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+c", "ctrl+q", "escape", "ctrl+p", "tab", "q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ServicesScreen)
        await pilot.press("1")
        await until_screen(pilot, PriorityScreen)
        await pilot.press("ctrl+q", "ctrl+c", "escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PriorityScreen)
        await pilot.press("0")

        # two slashes and a digit are not the sequence
        await pilot.press("slash", "slash", "3")
        assert not isinstance(app.screen, KeyScreen)
        await pilot.press("backspace")
        await pilot.press("slash", "slash", "slash")
        assert isinstance(app.screen, KeyScreen)
        await pilot.press(*"1357", "enter")
        assert app.is_running and isinstance(app.screen, ServicesScreen)
        assert "Kunci salah." in notifications(app)
        await pilot.press("slash", "slash", "slash", *KEY, "enter")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_three_wrong_keys_lock_the_prompt(live_desk_service):
    app = kiosk(live_desk_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for _ in range(3):
            await pilot.press("slash", "slash", "slash", "9", "9", "9", "9", "enter")
        await pilot.press("slash", "slash", "slash")
        assert not isinstance(app.screen, KeyScreen)
        assert any("Coba lagi dalam" in m for m in notifications(app))
        assert app.is_running


async def test_a_burst_of_keys_reaches_the_screens_in_order(live_desk_service):
    from tui_helpers import burst

    app = kiosk(live_desk_service, result_grace=30)  # a slow machine must not end the grace
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # service 1, disabilitas; a double press does not hide the ticket at once
        await burst(pilot, ["1", "3", "3", "1"])
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.ticket is not None and app.screen.ticket.priority_kind == "disabilitas"
        assert len(live_desk_service.queue(petugas(live_desk_service))) == 1
        app.result_grace = 0
        await pilot.press("1")
        assert isinstance(app.screen, ServicesScreen)
        await burst(pilot, ["slash", "slash", "slash", *KEY, "enter"])
        assert not app.is_running


async def test_user_data_is_shown_literally(live_desk_service, monkeypatch):
    desk = live_desk_service
    real_info, real_issue = desk.office_info, desk.issue_ticket

    def office_info():
        office = real_info()
        first = dataclasses.replace(office.services[0], short_name="[b]Siti[/]")
        return dataclasses.replace(office, services=(first, *office.services[1:]))

    def issue_ticket(*args, **kwargs):
        return dataclasses.replace(real_issue(*args, **kwargs), service_name="a [/x] b")

    monkeypatch.setattr(desk, "office_info", office_info)
    monkeypatch.setattr(desk, "issue_ticket", issue_ticket)
    app = kiosk(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "[b]Siti[/]" in screen_text(app)
        services = app.screen
        await pilot.press("1")
        deadline = time.monotonic() + 30  # (a wait, not a timing: the suite may load both cores)
        while app.screen is services:  # the priority question follows
            assert time.monotonic() < deadline
            await pilot.pause(0.02)
        assert "[b]Siti[/]" in screen_text(app)
        await take(pilot, "enter")
        assert "a [/x] b" in screen_text(app)


async def test_printing_fails_the_number_stays(live_desk_service, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("printer on fire")

    monkeypatch.setattr(live_desk_service, "print_ticket", broken)
    app = kiosk(live_desk_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        result = await take(pilot, "1", "1")
        text = screen_text(app)
        assert result.ticket is not None and result.ticket.code in text
        assert "Tiket tidak dapat dicetak, catat nomor Anda." in text
        assert "Traceback" not in text and "OSError" not in text


async def test_database_down_shows_a_message_and_recovers(live_desk_service, monkeypatch):
    desk = live_desk_service
    real_lines = desk.queue_lines
    down = {"on": True}

    def issue_ticket(*args, **kwargs):
        raise ConnectionError("server closed the connection unexpectedly")

    def queue_lines(*args, **kwargs):
        if down["on"]:
            raise ConnectionError("server closed the connection unexpectedly")
        return real_lines(*args, **kwargs)

    app = kiosk(desk, retry_seconds=0.2, result_seconds=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        monkeypatch.setattr(desk, "issue_ticket", issue_ticket)
        monkeypatch.setattr(desk, "queue_lines", queue_lines)
        result = await take(pilot, "1", "1")
        assert result.ticket is None and PROBLEM in screen_text(app)
        await pilot.pause(0.5)
        await settle(pilot)
        assert isinstance(app.screen, ServicesScreen)
        assert PROBLEM in screen_text(app)
        await pilot.press("1")  # nothing to choose while the kiosk is out of order
        assert isinstance(app.screen, ServicesScreen)
        down["on"] = False
        for _ in range(20):
            await pilot.pause(0.1)
            await settle(pilot)
            if PROBLEM not in screen_text(app):
                break
        assert PROBLEM not in screen_text(app)
        assert desk.office.services[0].short_name in screen_text(app)


async def test_a_half_done_choice_is_dropped_after_the_idle_time(live_desk_service):
    app = kiosk(live_desk_service, idle_seconds=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await until_screen(pilot, PriorityScreen)
        await pilot.pause(1.5)
        await pilot.press("plus")  # a key counts as presence: 3 s from here, not from the choice
        await pilot.pause(2.0)
        assert isinstance(app.screen, PriorityScreen)  # 3.5 s after the choice, 2 s after the key
        await until_screen(pilot, ServicesScreen)  # dropped once the key is 3 s old


def test_the_kiosk_does_not_start_without_a_key(tmp_path, db_url):
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("DESK_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "desk", "--db", db_url, "--data-dir", str(tmp_path),
                           "anjungan"], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "kunci anjungan belum diatur" in done.stderr
    assert "kunci_anjungan" in done.stderr and "Traceback" not in done.stderr
    helped = subprocess.run([sys.executable, "-m", "desk", "kiosk", "--help"], check=False, cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "papan angka" in helped.stdout


def test_the_app_refuses_an_empty_key(live_desk_service):
    with pytest.raises(ValueError):
        create_app(live_desk_service, "anjungan", key="")
