"""Shared fixtures: a DeskService on a fresh database, an app built by the one factory.

The backend comes from DESK_TEST_DB: unset -> a SQLite file in tmp_path; a postgresql:// URL ->
a fresh schema per test on that server (dropped afterwards).
"""

from __future__ import annotations

import datetime as dt
import os
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
def db_url(tmp_path: Path):
    """A database URL for one test: SQLite file, or a fresh PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    import psycopg2

    schema = "t_" + uuid.uuid4().hex[:12]
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options={quote('-csearch_path=' + schema)}"
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
    conn.close()


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
    real salted PBKDF2 hash, reused) instead of 120,000 rounds per account per test. Sign-in
    still verifies with the full rounds; tests of hashing itself call staff.hash_password."""
    from models import staff

    real = staff.hash_password

    def once(password: str, *, salt: str | None = None) -> str:
        if salt is not None:
            return real(password, salt=salt)
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    monkeypatch.setattr(staff, "hash_password", once)
