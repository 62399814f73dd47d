"""Shared fixtures: a DeskService on a fresh database, an app built by the one factory.

The backend comes from DESK_TEST_DB: unset -> a SQLite file in tmp_path; a postgresql:// URL ->
a schema on that server, migrated, emptied after each test and reused by the next one of the
same test process (dropped at the end). Tests marked ``empty_db`` get a database without schema.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from desk.config import Config
from desk.wiring import make_service
from models.settings import OfficeSettings

PG_URL = os.environ.get("DESK_TEST_DB", "")
WITA = dt.timezone(dt.timedelta(hours=8))


class Clock:
    """A controllable clock (aware datetimes)."""

    def __init__(self, start: dt.datetime):
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        """Move the clock forward by timedelta(**kwargs)."""
        self.current = self.current + dt.timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    """Monday 23 November 2026, 09:00 WITA."""
    return Clock(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WITA))


@pytest.fixture
def db_url(tmp_path: Path, request):
    """A database URL for one test, its schema migrated: a SQLite file copied from this test
    process's migrated template, or a migrated PostgreSQL schema emptied by the previous test
    (TRUNCATE ... RESTART IDENTITY: as good as new, ten times cheaper than migrating again).
    A test marked ``empty_db`` gets a database with no schema at all (migration tests)."""
    empty = request.node.get_closest_marker("empty_db") is not None
    if not PG_URL:
        target = tmp_path / "desk.db"
        if not empty:
            shutil.copyfile(_sqlite_template(), target)
        yield f"sqlite:///{target}"
        return
    if empty:
        schema = _new_schema()
        yield _schema_url(schema)
        _drop_schema(schema)
        return
    schema = _CLEAN_SCHEMAS.pop() if _CLEAN_SCHEMAS else _migrated_schema()
    yield _schema_url(schema)
    if _empty_schema(schema):
        _CLEAN_SCHEMAS.append(schema)
    else:
        _drop_schema(schema)


_TEMPLATE: dict[str, Path] = {}
_CLEAN_SCHEMAS: list[str] = []


def _sqlite_template() -> Path:
    """A migrated SQLite database file, made once per test process."""
    if "sqlite" not in _TEMPLATE:
        from models import db as dbmod

        folder = Path(tempfile.mkdtemp(prefix="desk-template-"))
        path = folder / "template.db"
        db = dbmod.make_database(f"sqlite:///{path}")
        dbmod.bind(db)
        with db.connection_context():
            dbmod.migrate(db)
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close_all() if hasattr(db, "close_all") else db.close()
        _TEMPLATE["sqlite"] = path
    return _TEMPLATE["sqlite"]


def _pg():
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    return conn


def _schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote('-csearch_path=' + schema)}"


def _new_schema() -> str:
    schema = "t_" + uuid.uuid4().hex[:12]
    conn = _pg()
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    conn.close()
    return schema


def _migrated_schema() -> str:
    from models import db as dbmod

    schema = _new_schema()
    db = dbmod.make_database(_schema_url(schema))
    dbmod.bind(db)
    with db.connection_context():
        dbmod.migrate(db)
    db.close_all() if hasattr(db, "close_all") else db.close()
    return schema


def _empty_schema(schema: str) -> bool:
    """Empty every table of ``schema`` but the migration history; False when it cannot be
    done at once (a process of the test still holds a lock): the schema is dropped instead."""
    conn = _pg()
    try:
        with conn.cursor() as cur:
            cur.execute("SET lock_timeout = '3s'")
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'schema_migration'",
                        (schema,))
            tables = ", ".join(f'"{schema}"."{name}"' for (name,) in cur.fetchall())
            if tables:
                cur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return True
    except Exception:  # noqa: BLE001 - a fresh schema next time
        return False
    finally:
        conn.close()


def _drop_schema(schema: str) -> None:
    conn = _pg()
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
    conn.close()


@pytest.fixture(scope="session", autouse=True)
def _drop_clean_schemas():
    """Drop this test process's reusable PostgreSQL schemas at the end."""
    yield
    while _CLEAN_SCHEMAS:
        _drop_schema(_CLEAN_SCHEMAS.pop())


@pytest.fixture
def config(tmp_path: Path, db_url: str) -> Config:
    """A configuration for the demo office on the test database."""
    return Config(data_dir=tmp_path, db_url=db_url, office=OfficeSettings(), output_dir=tmp_path / "dokumen")


@pytest.fixture
def desk_service(config: Config, clock: Clock):
    """An opened DeskService with demo staff (no sample tickets or cases)."""
    from models.demo import prepare_demo

    service = make_service(config, clock=clock)
    service.open()
    prepare_demo(service, with_samples=False)
    yield service
    service.close()


@pytest.fixture
def live_desk_service(config: Config):
    """Like desk_service but on the real clock (for the TUI, whose timers tick)."""
    from models.demo import prepare_demo

    service = make_service(config)
    service.open()
    prepare_demo(service, with_samples=False)
    yield service
    service.close()


@pytest.fixture
def make_app(live_desk_service):
    """Return a factory building the app the way the CLI does."""
    from desk.app import create_app

    def factory():
        return create_app(live_desk_service)

    return factory


@pytest.fixture
def session(desk_service):
    """A petugas logged in at loket 1."""
    return desk_service.login("petugas", "petugas123", 1)


_HASHES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _hash_each_password_once(monkeypatch):
    """Every test signs the demo staff up again: hash each password once per test process (a
    real salted argon2id hash, reused) instead of one argon2 run per account per test. Sign-in
    still verifies with the full cost; tests of hashing itself call staff.hash_password."""
    from models import staff

    real = staff.hash_password

    def once(password: str, *, salt: str | None = None) -> str:
        if salt is not None:
            return real(password, salt=salt)
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    monkeypatch.setattr(staff, "hash_password", once)


@pytest.fixture(autouse=True)
def _open_the_desk_at_once(monkeypatch):
    """A desk loads its domain a moment after the login screen is drawn (desk.app.OPEN_AFTER,
    for the first keys of a person); Pilot tests type at machine speed and wait for workers,
    so the database opens at once (the delay itself: tests/test_tui_startup.py)."""
    import desk.app

    monkeypatch.setattr(desk.app, "OPEN_AFTER", 0)
