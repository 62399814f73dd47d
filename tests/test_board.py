"""The waiting-room board (desk papan): driven with Pilot as the TV would show it."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

import pytest
from tui_helpers import notifications

from desk.app import create_app
from desk.wiring import make_service
from models.dto import DeskError
from output.voice import VoiceSettings
from screens.board import BoardScreen, CodeDigits, CounterCard
from screens.widgets import PlainStatic


@pytest.fixture
def other_desk(config, live_desk_service):
    """A second DeskService on the same database (as another process would be)."""
    service = make_service(config)
    service.open()
    yield service
    service.close()


def board_app(desk, **options):
    options.setdefault("silent", True)
    return create_app(desk, "papan", **options)


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    """Wait (as a person watching would) until something shows."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the board did not show it in time"
        await pilot.pause(0.05)


def text_of(app, selector: str) -> str:
    return str(app.board.query_one(selector, PlainStatic).render())


def _lines(app) -> str:
    import io

    from rich.console import Console

    console = Console(width=app.size.width, height=app.size.height, record=True, file=io.StringIO(),
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def call_one(desk, service_code: str = "REK-PUB", counter: int = 1):
    ticket = desk.issue_ticket(desk.principal("kiosk"), service_code)
    session = desk.login("petugas", "petugas123", counter)
    called = desk.call_ticket(session, ticket.id)
    return called


def codes_shown(app) -> dict[int, str]:
    """The code each loket's card shows (cards still being composed are left out)."""
    return {card.number: digits.value for card in app.board.query(CounterCard)
            for digits in card.query(CodeDigits)}


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_call_from_another_desk_appears(live_desk_service, other_desk, size):
    app = board_app(live_desk_service)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.reads >= 1 and app._feed is not None)
        assert isinstance(app.screen, BoardScreen)
        await until(pilot, lambda: 1 in codes_shown(app))
        assert codes_shown(app)[1] == "---"
        called = await asyncio.to_thread(call_one, other_desk)
        await until(pilot, lambda: codes_shown(app).get(1) == called.code)
        assert called.code in text_of(app, "#board-recent")
        card = next(c for c in app.board.query(CounterCard) if c.number == 1)
        assert card.has_class("-new")  # the newest call is highlighted
        await pilot.pause(0.1)
        shown = _lines(app)
        # the large digits and the name of the loket are on screen, not cut
        assert "Loket 1" in shown
        assert called.code in shown
        digits = card.query_one(CodeDigits)
        assert digits.region.width >= 15 and digits.region.right <= size[0]
        assert digits.region.bottom <= size[1]
        office = live_desk_service.settings.name
        assert office[:20] in shown


async def test_markup_in_names_renders_literally(live_desk_service, other_desk):
    sistem = other_desk.principal("sistem")
    other_desk.rename_counter(sistem, 1, "[b]Loket[/] a [/x] b")
    app = board_app(live_desk_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1 and app._feed is not None)
        await asyncio.to_thread(call_one, other_desk)
        await until(pilot, lambda: "[b]Loket[/] a [/x] b" in text_of(app, "#board-recent"))
        await pilot.pause(0.1)
        assert "[b]Loket[/] a [/x] b" in _lines(app)


async def test_waiting_count_updates_after_kiosk_ticket(live_desk_service, other_desk):
    app = board_app(live_desk_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1 and app._feed is not None)
        assert "0 menunggu" in text_of(app, "#board-lines")
        other_desk.issue_ticket(other_desk.principal("kiosk"), "REK-PUB")
        await until(pilot, lambda: "1 menunggu" in text_of(app, "#board-lines"))


async def test_connection_loss_banner_then_recovery(live_desk_service, other_desk, monkeypatch):
    from desk import boardapp

    monkeypatch.setattr(boardapp, "RETRY_SECONDS", 0.2)
    app = board_app(live_desk_service)
    real = live_desk_service.board_state
    failures = {"left": 0}

    def flaky(session):
        if failures["left"] > 0:
            failures["left"] -= 1
            raise DeskError("Basis data tidak dapat dihubungi.")
        return real(session)

    monkeypatch.setattr(live_desk_service, "board_state", flaky)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1 and app._feed is not None)
        await until(pilot, lambda: 1 in codes_shown(app))
        failures["left"] = 2
        called = call_one(other_desk)
        await until(pilot, lambda: app.board.offline)
        assert "Sambungan ke basis data terputus" in _lines(app)
        assert codes_shown(app)[1] == "---"  # the last picture stays
        await until(pilot, lambda: not app.board.offline)
        await until(pilot, lambda: codes_shown(app).get(1) == called.code)
        # the banner leaves the screen at the next redraw
        await until(pilot, lambda: "terputus" not in _lines(app))


class SpyAnnouncer:
    calls: ClassVar[list[tuple[str, int, str]]] = []

    def __init__(self, settings=None, *, on_problem=None, max_waiting=5):
        self.settings = settings

    def check(self):
        return None

    def announce(self, code, counter_no, counter_name=""):
        SpyAnnouncer.calls.append((code, counter_no, counter_name))
        return True

    def close(self, timeout=2.0):
        pass


async def test_call_is_announced(live_desk_service, other_desk, monkeypatch):
    from desk import boardapp

    SpyAnnouncer.calls = []
    monkeypatch.setattr(boardapp, "Announcer", SpyAnnouncer)
    app = board_app(live_desk_service, voice=VoiceSettings(engine="espeak"), silent=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1 and app._feed is not None)
        called = await asyncio.to_thread(call_one, other_desk, counter=2)
        await until(pilot, lambda: bool(SpyAnnouncer.calls))
        assert SpyAnnouncer.calls[0][:2] == (called.code, 2)
        assert SpyAnnouncer.calls[0][2] == "Loket 2"
        session = other_desk.login("petugas", "petugas123", 2)
        other_desk.recall(session, called.id)
        await until(pilot, lambda: len(SpyAnnouncer.calls) == 2)


async def test_silent_board_has_no_announcer(live_desk_service):
    app = board_app(live_desk_service, silent=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1)
        assert app.announcer is None


async def test_voice_problem_shown_once(live_desk_service, other_desk, tmp_path):
    voice = VoiceSettings(engine="espeak", player=str(tmp_path / "tidak-ada-pemutar"))
    app = board_app(live_desk_service, voice=voice, silent=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1 and app._feed is not None)
        await until(pilot, lambda: any("Suara tidak aktif" in m for m in notifications(app)))
        await asyncio.to_thread(call_one, other_desk)
        await until(pilot, lambda: codes_shown(app).get(1, "---") != "---")
        await asyncio.sleep(0.3)
        await pilot.pause()
        assert sum("Suara tidak aktif" in m for m in notifications(app)) == 1
        assert "Suara tidak aktif" in text_of(app, "#board-voice")


async def test_a_board_drawn_after_the_first_read_shows_it(live_desk_service, other_desk, tmp_path, monkeypatch):
    """On a loaded machine the first picture of the queue (and the voice check) can arrive
    before the board is composed: the board shows them once it is drawn."""
    called = call_one(other_desk)
    compose = BoardScreen._on_compose

    async def late(screen, event):
        deadline = time.monotonic() + 10
        while not (screen.app.reads and any("Suara" in m for m in notifications(screen.app))) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await compose(screen, event)

    monkeypatch.setattr(BoardScreen, "_on_compose", late)
    voice = VoiceSettings(engine="espeak", player=str(tmp_path / "tidak-ada-pemutar"))
    app = board_app(live_desk_service, voice=voice, silent=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: codes_shown(app).get(1) == called.code)
        await until(pilot, lambda: "Suara tidak aktif" in text_of(app, "#board-voice"))
        assert live_desk_service.office.name in text_of(app, "#board-office")


async def test_quit_with_q_and_help(live_desk_service):
    app = board_app(live_desk_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.reads >= 1)
        await pilot.press("f1")
        await pilot.pause()
        assert "Papan antrean" in _lines(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
