"""Connection loss: a desk whose database goes away says so, keeps its screen, retries what the
operator asked for, and goes on when it is back; nothing confirmed is lost or done twice.

The PostgreSQL tests reach the server through :class:`tcpproxy.TcpProxy`, which the test cuts
(every connection closed, new ones refused) and restores under a running desk. They run in the
PostgreSQL pass (``DESK_TEST_DB=postgresql://...``); the SQLite tests take the database file
away (its folder unreadable) or hold its write lock.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from textual.widgets import Input

from desk.config import Config
from desk.wiring import make_service
from models.dto import DeskError
from models.link import DatabaseUnavailable, connection_lost
from models.settings import OfficeSettings
from tcpproxy import TcpProxy

#: Seconds a desk under test keeps retrying (the real desk: models.link.RETRY_FOR).
PATIENCE = 30.0  # long enough for a loaded machine; tests that want the end set their own


def _pg_only(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: DESK_TEST_DB=postgresql://...")


@pytest.fixture
def proxy(db_url):
    """A proxy in front of the test's PostgreSQL server."""
    _pg_only(db_url)
    target = urlsplit(db_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    yield proxy
    proxy.close()


@pytest.fixture
def proxied(tmp_path, db_url, proxy):
    """An opened DeskService (demo staff, real clock) reaching the database through ``proxy``."""
    from models.demo import prepare_demo

    config = Config(data_dir=tmp_path, db_url=proxy.url(db_url), office=OfficeSettings(),
                    output_dir=tmp_path / "dokumen")
    service = make_service(config)
    service.open()
    prepare_demo(service, with_samples=False)
    service.ctx.link.retry_for = PATIENCE
    yield service
    service.close()


def direct(db_url: str, sql: str, *params):
    """Rows of ``sql`` read straight from the test database (not through the proxy)."""
    conn = psycopg2.connect(db_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def later(seconds: float, action) -> threading.Timer:
    """Run ``action`` after ``seconds`` in another thread (the database coming back while a
    call waits for it)."""
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


# -- the kernel -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("landed", "hold"), [(True, False), (False, False), (False, True)],
                         ids=["commit-landed", "commit-lost", "commit-lost-server-waiting"])
def test_a_commit_whose_answer_is_lost_is_resolved_and_applied_once(proxied, proxy, db_url, landed, hold):
    kiosk = proxied.principal("kiosk")
    proxy.trap_commit(forward=landed, hold=hold)  # the connection dies in the middle of the COMMIT
    ticket = proxied.issue_ticket(kiosk, "REK-PUB")
    assert proxy.trapped == 1
    assert ticket.code == "H-001"
    rows = direct(db_url, "SELECT code FROM ticket")
    assert rows == [("H-001",)]  # there, and once: whether the first commit landed or not
    audit = direct(db_url, "SELECT count(*) FROM audit_log WHERE action = 'ambil_tiket'")
    events = direct(db_url, "SELECT count(*) FROM event WHERE kind = 'ticket.issued'")
    assert (audit[0][0] if audit else 1, events[0][0]) == (1, 1)
    # the next ticket follows on: no number was used twice or skipped
    assert proxied.issue_ticket(kiosk, "REK-PUB").code == "H-002"


def test_a_change_asked_while_the_database_is_away_is_made_once_it_is_back(proxied, proxy, db_url):
    kiosk = proxied.principal("kiosk")
    proxied.issue_ticket(kiosk, "REK-PUB")
    session = proxied.login("petugas", "petugas123", 1)
    heard: list[bool] = []
    proxied.ctx.link.on_change(heard.append)
    proxy.cut()
    timer = later(1.5, proxy.restore)
    called = proxied.call_next(session)  # waits for the database, then calls
    timer.join()
    assert called is not None and called.code == "H-001"
    assert direct(db_url, "SELECT code, status FROM ticket") == [("H-001", "dipanggil")]
    assert heard == [False, True]  # lost once, back once


def test_a_database_away_too_long_says_the_change_did_not_happen(proxied, proxy, db_url):
    kiosk = proxied.principal("kiosk")
    proxied.ctx.link.retry_for = 1.0
    proxy.cut()
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match="Basis data tidak dapat dihubungi; perubahan ini belum tersimpan"):
        proxied.issue_ticket(kiosk, "REK-PUB")
    assert time.monotonic() - started < 6
    with pytest.raises(DatabaseUnavailable, match="data belum dapat dibaca"):
        proxied.queue(proxied.principal("papan"))
    proxy.restore()
    assert direct(db_url, "SELECT count(*) FROM ticket") == [(0,)]
    assert proxied.issue_ticket(kiosk, "REK-PUB").code == "H-001"  # pressed again: done


def test_pooled_connections_that_died_are_not_lent_again(proxied, proxy):
    kiosk = proxied.principal("kiosk")
    proxied.issue_ticket(kiosk, "REK-PUB")
    proxy.cut()
    proxy.restore()  # every pooled connection died with the cut
    opened = proxied.db.opened
    assert proxied.issue_ticket(kiosk, "REK-PUB").code == "H-002"
    assert proxied.db.opened == opened + 1  # one new connection, no failed attempt on an old one
    assert not proxied.ctx.link.down


def test_sign_in_while_the_database_is_away_is_refused_at_once(proxied, proxy):
    proxy.cut()
    started = time.monotonic()
    with proxied.ctx.link.patience(0.5):
        with pytest.raises(DeskError, match="Basis data tidak dapat dihubungi"):
            proxied.login("petugas", "petugas123", 1)
    assert time.monotonic() - started < 4


def test_a_server_that_never_answers_is_given_up_in_seconds():
    """A link that died without a word: connection attempts end at connect_timeout (5 s; the URL
    may say otherwise), idle connections are probed by TCP keepalives."""
    import socket

    from models.db import PG_LINK_PARAMS, make_database

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # the kernel accepts; nobody ever answers
    port = silent.getsockname()[1]
    try:
        db = make_database(f"postgresql://postgres@127.0.0.1:{port}/desk?connect_timeout=1")
        assert db.connect_params["connect_timeout"] == 1  # the URL's own value wins
        for key in ("keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
                    "tcp_user_timeout"):
            assert db.connect_params[key] == PG_LINK_PARAMS[key]
        started = time.monotonic()
        with pytest.raises(Exception) as failed:
            db.connect()
        assert time.monotonic() - started < 4
        assert connection_lost(failed.value)
    finally:
        silent.close()


def test_connection_errors_are_told_apart_from_others():
    from peewee import IntegrityError, InterfaceError, OperationalError

    assert connection_lost(OperationalError("server closed the connection unexpectedly"))
    assert connection_lost(OperationalError('connection to server at "127.0.0.1", port 6543 failed: '
                                            "Connection refused"))
    assert connection_lost(InterfaceError("connection already closed"))
    assert connection_lost(OperationalError("unable to open database file"))
    assert not connection_lost(OperationalError("database is locked"))
    assert not connection_lost(IntegrityError("duplicate key value violates unique constraint"))
    assert not connection_lost(ValueError("connection refused"))


# -- a running desk --------------------------------------------------------------------------------

SIZE = (80, 24)
NIK = "6403054507900002"
PERSON = {"nik": NIK, "name": "Siti Aminah", "address": "Jl. Mulawarman 5", "desa": "Timbau",
          "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara"}


async def until(pilot, check, seconds: float = 15.0, what: str = "") -> None:
    """Wait (as a person looking at the screen) until ``check()`` holds."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not seen within {seconds} s: {what}"
        await pilot.pause(0.1)


def banner_up(app) -> bool:
    from desk.listener import BANNER
    from tui_helpers import notifications

    return BANNER in notifications(app)


async def test_a_desk_calling_next_while_the_database_is_away_calls_once_it_is_back(proxied, proxy, db_url):
    from desk.app import create_app
    from screens.dialogs import ConfirmDialog
    from screens.queue import QueueScreen
    from textual.widgets import DataTable
    from tui_helpers import login, notifications

    kiosk = proxied.principal("kiosk")
    for _ in range(3):
        proxied.issue_ticket(kiosk, "REK-PUB")
    app = create_app(proxied)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("n")
        await until(pilot, lambda: "Memanggil H-001 — Loket 1" in notifications(app), what="H-001 called")
        proxy.cut()
        await pilot.press("n")  # H-001 has not come: tidak hadir, call the next one
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: banner_up(app), what="the banner")
        # the queue stays on screen with what it showed; a second n is not a second call
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#queue-table", DataTable).row_count == 3
        await pilot.press("n")
        assert not any("Memanggil H-002" in n for n in notifications(app))
        proxy.restore()
        await until(pilot, lambda: "Memanggil H-002 — Loket 1" in notifications(app), what="H-002 called")
        await until(pilot, lambda: not banner_up(app), what="the banner gone")
        assert "Sambungan ke basis data pulih. Data di layar diperbarui." in notifications(app)
    statuses = direct(db_url, "SELECT code, status FROM ticket ORDER BY code")
    assert statuses == [("H-001", "lewat"), ("H-002", "dipanggil"), ("H-003", "menunggu")]
    calls = direct(db_url, "SELECT count(*) FROM audit_log WHERE action = 'panggil'")
    assert calls == [(2,)]  # H-001 and H-002, each once


async def test_ticks_made_while_the_database_is_away_are_saved_once_it_is_back(proxied, proxy, db_url):
    from desk.app import create_app
    from models.dto import ApplicantInput
    from screens.checklist import ChecklistScreen
    from tui_helpers import login, notifications, settle
    from textual.widgets import Input

    session = proxied.login("petugas2", "petugas123", 2)
    case = proxied.open_case(session, "JAMKESDA", ApplicantInput(kind="perorangan", **PERSON))
    app = create_app(proxied)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(Input).value = NIK
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChecklistScreen), what="the checklist")
        await settle(pilot)
        screen = app.screen
        proxy.cut()
        await pilot.press("space", "down", "space", "down", "space")
        await until(pilot, lambda: banner_up(app), what="the banner")
        assert app.screen is screen and screen.case.id == case.id  # the case stays on screen
        summary = str(screen.query_one("#cl-summary").render())
        assert "Lengkap: 0/" in summary  # not counted before it is saved
        proxy.restore()
        await until(pilot, lambda: "Lengkap: 3/" in str(screen.query_one("#cl-summary").render()),
                    what=f"three ticks saved {screen.query_one('#cl-summary').render()} {notifications(app)}")
        await until(pilot, lambda: not banner_up(app), what=f"the banner gone {notifications(app)}")
        assert not any("kesalahan" in n for n in notifications(app))
    rows = direct(db_url, "SELECT count(*) FROM checklist_answer WHERE case_id = %s AND received", case.id)
    assert rows == [(3,)]
    ticks = direct(db_url, "SELECT count(*) FROM audit_log WHERE action = 'centang' AND entity_id = %s",
                   case.id)
    assert ticks == [(3,)]  # each tick once


async def test_sign_in_while_the_database_is_away_says_so_at_the_form(proxied, proxy):
    from desk.app import create_app
    from screens.login import LoginScreen
    from screens.widgets import FieldError
    from textual import events
    from tui_helpers import settle

    app = create_app(proxied)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        proxy.cut()
        for key in [*"petugas", "enter", *"petugas123", "enter"]:  # typed, no waiting for workers
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await pilot.pause()
        form = app.screen
        assert isinstance(form, LoginScreen)
        error = form.query_one("#login-error", FieldError)
        await until(pilot, lambda: "Basis data tidak dapat dihubungi" in str(error.render()),
                    what="the message at the form")
        assert form.query_one("#username", Input).value == "petugas"  # what was typed stays
        assert banner_up(app)
        proxy.restore()
        await until(pilot, lambda: not banner_up(app), what="the banner gone")
        await pilot.press("f10")
        await until(pilot, lambda: not isinstance(app.screen, LoginScreen), what="signed in")


async def test_a_desk_started_while_the_database_is_away_waits_and_opens_once_it_is_back(
        tmp_path, db_url, proxy, monkeypatch):
    """A branch desk started while the central server cannot be reached does not quit: the
    login screen says it tries again, keeps what is typed, and opens when the server is back."""
    import desk.app as deskapp
    from desk.app import create_app
    from desk.wiring import DeferredService
    from models.demo import prepare_demo
    from screens.login import LoginScreen
    from screens.queue import QueueScreen
    from screens.widgets import PlainStatic
    from textual import events
    from tui_helpers import settle

    config = Config(data_dir=tmp_path, db_url=proxy.url(db_url), office=OfficeSettings(),
                    output_dir=tmp_path / "dokumen")
    ready = make_service(config)
    ready.open()
    prepare_demo(ready, with_samples=False)
    ready.close()
    monkeypatch.setattr(deskapp, "OPEN_RETRY_SECONDS", 0.5)
    proxy.cut()
    app = create_app(DeferredService(config))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen)
                    and "belum dapat dihubungi" in str(app.screen.query_one("#counter-wait", PlainStatic).render()),
                    what="the login screen saying it tries again")
        for key in [*"petugas", "enter", *"petugas123", "enter"]:
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await pilot.pause(1.0)
        assert isinstance(app.screen, LoginScreen) and app.is_running  # still there, not quit
        proxy.restore()
        await until(pilot, lambda: isinstance(app.screen, QueueScreen), seconds=30, what="signed in")
        assert app.session is not None and app.session.username == "petugas"
        # let the queue screen finish mounting (Textual's Header sets its title a moment later
        # and fails if the app is torn down in between)
        await settle(pilot)
        await pilot.pause(0.2)


# -- SQLite ---------------------------------------------------------------------------------------

def _sqlite_only(db_url: str) -> Path:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    return Path(db_url[len("sqlite:///"):])


def test_sqlite_folder_gone_then_back(desk_service, db_url):
    """The database's folder away (an unmounted share, a folder renamed by mistake): a change
    waits for it and is made once it is back."""
    path = _sqlite_only(db_url)
    kiosk = desk_service.principal("kiosk")
    desk_service.issue_ticket(kiosk, "REK-PUB")
    desk_service.ctx.link.retry_for = PATIENCE
    desk_service.close()  # the pooled connections go (a running desk's would keep the open file)
    folder, away = path.parent, path.parent.with_name(path.parent.name + "-away")
    folder.rename(away)
    try:
        timer = later(1.0, lambda: away.rename(folder))
        ticket = desk_service.issue_ticket(kiosk, "REK-PUB")
        timer.join()
    finally:
        if away.exists():
            away.rename(folder)
    assert ticket.code == "H-002"
    assert not desk_service.ctx.link.down


def test_sqlite_folder_gone_too_long_says_nothing_happened(desk_service, db_url):
    path = _sqlite_only(db_url)
    kiosk = desk_service.principal("kiosk")
    desk_service.ctx.link.retry_for = 1.0
    desk_service.close()
    folder, away = path.parent, path.parent.with_name(path.parent.name + "-away")
    folder.rename(away)
    try:
        with pytest.raises(DatabaseUnavailable, match="perubahan ini belum tersimpan"):
            desk_service.issue_ticket(kiosk, "REK-PUB")
        assert desk_service.ctx.link.down
    finally:
        away.rename(folder)
    assert desk_service.issue_ticket(kiosk, "REK-PUB").code == "H-001"


def test_sqlite_write_lock_held_long_says_it_did_not_happen(desk_service, db_url):
    path = _sqlite_only(db_url)
    kiosk = desk_service.principal("kiosk")
    desk_service.ctx.link.retry_for = 1.0
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DeskError, match="sedang dipakai"):
            desk_service.issue_ticket(kiosk, "REK-PUB")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert desk_service.issue_ticket(kiosk, "REK-PUB").code == "H-001"
