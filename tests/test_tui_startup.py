"""Starting the desk: the login screen takes typing before the database is open (issue 11's quick
sessions over SSH); the sign-in asked for meanwhile goes ahead once it is."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Select
from tui_helpers import burst, hold, settle, shown

from desk.app import create_app
from desk.config import Config, OfficeSettings
from desk.wiring import DeferredService, make_service
from screens.dialogs import MessageDialog
from screens.login import DIGITS_PAUSE, LoginScreen
from screens.queue import QueueScreen
from screens.widgets import FieldError, PlainStatic

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parent.parent


async def type_ahead(pilot: Pilot, keys: list[str]) -> None:
    """Keys arriving while the database is still opening (tui_helpers.burst would wait for it)."""
    for key in keys:
        character = key if len(key) == 1 else ("\r" if key == "enter" else None)
        pilot.app.post_message(events.Key(key, character))


async def until(pilot: Pilot, shows) -> None:
    """Wait until the screen shows what ``shows`` looks for (a loaded machine is slow)."""
    for _ in range(200):
        if shows():
            return
        await pilot.pause(0.05)
    assert shows()


async def test_typing_before_the_database_is_open_signs_in_once_it_is(live_desk_service) -> None:
    """A quick typist's name, password and Enter, typed while the database is still opening,
    are kept; the form says it is getting ready; the queue follows once the database is open."""
    release = hold(live_desk_service, "open")
    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and getattr(app.focused, "id", "") == "username")
        assert "Menyiapkan daftar loket" in shown(app.screen.query_one("#counter-wait", PlainStatic))
        await type_ahead(pilot, [*"petugas", "enter", *"petugas123", "enter"])
        error = app.screen.query_one("#login-error", FieldError)
        await until(pilot, lambda: "Menyiapkan basis data" in str(error.render()))
        assert isinstance(app.screen, LoginScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.session is not None and app.session.counter_no == 1


async def test_the_loket_choice_appears_when_the_database_is_open(live_desk_service) -> None:
    """The office's name and its lokets fill the form once read; choosing loket 2 signs in there."""
    release = hold(live_desk_service, "open")
    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen.query("#counter-wait"))
        assert not app.screen.query(Select)
        release.set()
        await settle(pilot)
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert not login.query("#counter-wait")
        counter = login.query_one("#counter", Select)
        assert counter.value == 1
        assert shown(login.query_one("#login-office", PlainStatic)) == live_desk_service.office.name
        counter.value = 2
        await burst(pilot, [*"petugas", "enter", *"petugas123", "enter"])
        assert isinstance(app.screen, QueueScreen)
        assert app.session is not None and app.session.counter_no == 2


async def test_the_desk_command_builds_the_domain_in_the_app(config: Config, live_desk_service) -> None:
    """`desk` hands the app a service built when the app opens it: the sign-in works as ever."""
    app = create_app(DeferredService(config))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await burst(pilot, [*"petugas", "enter", *"petugas123", "enter"])
        assert isinstance(app.screen, QueueScreen)


async def test_a_bad_catalog_is_said_in_the_app(config: Config, tmp_path: Path) -> None:
    """A catalog folder with a broken file: the desk says so in Indonesian and quits, no traceback."""
    katalog = tmp_path / "katalog-kantor"
    katalog.mkdir()
    (katalog / "rusak.toml").write_text("kode = \n", encoding="utf-8")
    config = Config(data_dir=config.data_dir, db_url=config.db_url, office=config.office,
                    output_dir=config.output_dir, katalog_dirs=(katalog,))
    app = create_app(DeferredService(config))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        text = " ".join(shown(w) for w in app.screen.query(PlainStatic))
        assert "Katalog layanan tidak valid" in text
        assert "Traceback" not in text


def test_the_login_screen_needs_neither_the_domain_nor_the_catalog() -> None:
    """What `desk` imports before it draws the login screen leaves out the domain facade, the
    catalog and, on SQLite, the PostgreSQL driver: they load in the app's worker meanwhile."""
    code = (
        "import sys\n"
        "from desk.cli import cli\n"
        "from desk.wiring import skip_postgres_driver\n"
        "skip_postgres_driver('sqlite:////tmp/x.db')\n"
        "import desk.app, screens.login\n"
        "import peewee\n"
        "print(sorted(m for m in ('models.desk', 'models.tables', 'forms.loader', 'forms.catalog', 'psycopg2')"
        " if sys.modules.get(m) is not None))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_the_domain_loads_a_moment_after_the_login_screen_is_drawn(
        config: Config, live_desk_service, monkeypatch) -> None:
    """The plain `desk` draws the form and takes the first keys before it loads the domain and
    opens the database (desk.app.OPEN_AFTER): nothing of it is loaded while the form is drawn;
    it is open a moment later, and what was typed meanwhile stays."""
    import desk.app

    monkeypatch.setattr(desk.app, "OPEN_AFTER", 3.0)  # (long: a loaded machine's pauses are slow)
    service = DeferredService(config)
    app = create_app(service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and getattr(app.focused, "id", "") == "username")
        await type_ahead(pilot, [*"petu"])
        await pilot.pause()
        assert service._service is None and not app.ready  # drawn and typing, not yet loading
        assert app.screen.query_one("#username").value == "petu"
        await until(pilot, lambda: app.ready)
        await burst(pilot, [*"gas", "enter", *"petugas123", "enter"])
        assert isinstance(app.screen, QueueScreen)


async def test_a_loket_number_typed_on_the_loket_choice_chooses_it(live_desk_service) -> None:
    """Enter, a number, Enter on the loket choice: that loket, also when the number arrives
    (typed ahead over a slow link) before the list Enter opens has the focus, and when it is
    typed on the closed choice."""
    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen.query(Select))
        counter = app.screen.query_one("#counter", Select)
        await until(pilot, lambda: counter.value == 1)  # (a Select takes its value once mounted)
        counter.focus()
        await until(pilot, lambda: app.focused is counter)
        await burst(pilot, ["enter", "3", "enter"])  # one burst: "3" lands before the list has the focus
        await until(pilot, lambda: counter.value == 3)
        if counter.expanded:  # the second Enter reached the choice before its list, too
            await until(pilot, lambda: app.focused is not counter)
            await burst(pilot, ["enter"])
        await until(pilot, lambda: counter.value == 3 and not counter.expanded and app.focused is counter)
        await burst(pilot, ["2"])  # on the closed choice
        await until(pilot, lambda: counter.value == 2)
        await burst(pilot, ["enter"])
        await until(pilot, lambda: counter.expanded and app.focused is not counter)
        await burst(pilot, ["3"])  # the list open and focused
        await until(pilot, lambda: counter.value == 3)
        await burst(pilot, ["enter"])
        await until(pilot, lambda: counter.value == 3 and not counter.expanded)
        app.screen.query_one("#username").focus()
        await until(pilot, lambda: getattr(app.focused, "id", "") == "username")
        await burst(pilot, [*"petugas", "enter", *"petugas123", "f10"])
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        assert app.session is not None and app.session.counter_no == 3


async def test_a_loket_number_typed_at_once_is_read_whole_on_a_busy_desk(config) -> None:
    """"1" "1" typed together: loket 11, also when the desk is so busy (50 desks on two cores)
    that it handles the second key seconds after the first. When the keys came counts."""
    desk = make_service(dataclasses.replace(config, office=OfficeSettings(counters=12)))
    app = create_app(desk)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.screen.query(Select))
            counter = app.screen.query_one("#counter", Select)
            await until(pilot, lambda: counter.value == 1)
            counter.focus()
            await until(pilot, lambda: app.focused is counter)
            first, second = events.Key("1", "1"), events.Key("1", "1")  # typed together
            app.post_message(first)
            await settle(pilot)
            await asyncio.sleep(DIGITS_PAUSE + 0.5)  # handled late
            app.post_message(second)
            await until(pilot, lambda: counter.value == 11)
    finally:
        desk.close()


async def test_the_login_screen_is_let_go_once_signed_in(live_desk_service) -> None:
    """After signing in, the login form (its widgets and their drawn lines) is freed, not kept
    under the queue by the sign-in worker's context: a desk signed in all day holds only what
    its screens show."""
    import gc
    import weakref

    from tui_helpers import login

    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        # the form's widgets: Textual keeps the app's first screen object itself while the app
        # runs, the desk empties it when signing in
        form = weakref.ref(app.screen.query_one("#login-box"))
        fields = [weakref.ref(field) for field in app.screen.query("Input")]
        await login(pilot)
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        await settle(pilot)
        await asyncio.sleep(0.2)
        gc.collect()
        assert form() is None, gc.get_referrers(form())
        assert [field() for field in fields] == [None, None]


async def test_keys_pressed_while_signing_in_leave_the_queue_alone(live_desk_service) -> None:
    """F1 (help) and Ctrl+K (lock) pressed while the sign-in is being checked: the queue comes
    up as the only screen, unlocked, and the closed login form takes no keys meanwhile."""
    from screens.help import HelpScreen
    from screens.lock import LockScreen

    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen) and app.ready)
        release = hold(live_desk_service, "login")
        await burst(pilot, [*"petugas", "enter", *"petugas123", "enter"], wait=False)  # the check is held
        await until(pilot, lambda: app.screen.query_one("#login-button").disabled)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("ctrl+k")
        release.set()
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        await settle(pilot)
        await pilot.press("f10", "ctrl+s")  # the login form's keys: nothing left to act on
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [QueueScreen]
        assert not app.locked and not any(isinstance(s, LockScreen) for s in app.screen_stack)
        assert app.session is not None and app.session.counter_no == 1


async def test_the_footer_shows_its_keys_at_once_and_keeps_them_while_they_stay_the_same(
        live_desk_service) -> None:
    """The login form's footer has its keys in the first frame (Textual's footer adds them a
    frame later), and moving between fields, which shows the same keys, rebuilds none."""
    from textual.widgets import Footer

    app = create_app(live_desk_service)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.query("FooterKey"))
        assert [key.description for key in keys] == ["Masuk", "Bantuan"]
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#password")
        assert list(footer.query("FooterKey")) == keys  # the same widgets, not rebuilt
