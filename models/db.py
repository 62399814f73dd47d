"""Opening the database and upgrading its schema.

SQLite (the embedded default) runs in WAL mode with foreign keys on and ``BEGIN IMMEDIATE``
transactions, so that two desks writing at once queue for the lock instead of failing half-way.
PostgreSQL is selected by URL (``postgresql://user@host:5432/db``) for a central server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

from models.tables import database

log = logging.getLogger(__name__)

#: Where the numbered schema migrations live.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}


def sqlite_url(path: Path) -> str:
    """Return the URL of an SQLite database file at ``path``."""
    return f"sqlite:///{Path(path).resolve()}"


def make_database(url: str) -> Database:
    """Create (without connecting) the peewee database for ``url``.

    Args:
        url: ``sqlite:////abs/path.db`` or ``postgresql://user@host:port/name``.

    Returns:
        An unconnected Database.

    Raises:
        ValueError: for an unsupported scheme.
    """
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    if scheme in ("postgres", "postgresql"):
        return connect_url(url)
    raise ValueError(f"Alamat basis data tidak didukung: {url!r} (gunakan sqlite:/// atau postgresql://)")


def bind(db: Database) -> None:
    """Bind every table to ``db``."""
    database.initialize(db)


def migrate(db: Database) -> list[str]:
    """Apply pending schema migrations.

    Returns:
        Names of the migrations applied now (empty when the schema is current).
    """
    if not pending_migrations(db):
        return []  # the usual start: nothing to lock, nothing to check
    with _migration_lock(db):
        runner = Runner(db, str(MIGRATIONS_DIR))
        applied = runner.up()  # re-reads what is applied, under the lock
    if applied:
        log.info("migrations applied: %s", ", ".join(applied))
    return applied


#: Key of the PostgreSQL advisory lock held while migrating (any constant; "desk" in ASCII).
_PG_MIGRATION_LOCK = 0x6465736B


@contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    """Let one desk at a time read the applied migrations and apply the rest: several desks
    starting together on a new database (or on upgrade day) must not apply one twice.

    PostgreSQL: a session advisory lock. SQLite: one write transaction (BEGIN IMMEDIATE) around
    all migrations; each migration's own transaction becomes a savepoint inside it.

    SQLite changes a column (e.g. adds one that is NOT NULL) by rebuilding the table: copy,
    DROP, rename. With foreign keys on, that DROP would cascade and delete every row that
    refers to the table (a case's checklist answers, step runs, documents). Foreign keys are
    therefore off while migrating (the pragma only works outside a transaction), and checked
    with ``PRAGMA foreign_key_check`` before the migrations commit.
    """
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_lock(%s)", (_PG_MIGRATION_LOCK,))
        try:
            yield
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (_PG_MIGRATION_LOCK,))
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        try:
            with db.atomic():
                before = set(db.execute_sql("PRAGMA foreign_key_check").fetchall())
                yield
                # only what the migrations broke stops them (an old orphan row does not)
                broken = set(db.execute_sql("PRAGMA foreign_key_check").fetchall()) - before
                if broken:
                    raise RuntimeError(f"migrasi merusak relasi data: {sorted(broken)[:5]}")
        finally:
            db.execute_sql("PRAGMA foreign_keys = ON")


def pending_migrations(db: Database) -> list[str]:
    """Return the names of migrations not yet applied."""
    runner = Runner(db, str(MIGRATIONS_DIR))
    return [m.name for m in runner.status() if m.path and not m.applied]


def backend_name(db: Database) -> str:
    """Return "SQLite" or "PostgreSQL" for messages."""
    if isinstance(db, PostgresqlDatabase):
        return "PostgreSQL"
    return "SQLite"
