"""Opening the database and upgrading its schema.

SQLite (the embedded default) runs in WAL mode with foreign keys on and ``BEGIN IMMEDIATE``
transactions, so that two desks writing at once queue for the lock instead of failing half-way.
PostgreSQL is selected by URL (``postgresql://user@host:5432/db``) for a central server.
"""

from __future__ import annotations

import heapq
import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import ParseResult, parse_qsl, unquote, urlparse

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import _PooledPostgresqlDatabase, _PooledSqliteDatabase

from models.tables import database

log = logging.getLogger(__name__)

#: Where the numbered schema migrations live.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}

#: Connections a desk process keeps open at most (thread workers borrow one per call and give
#: it back; a desk rarely needs more than two at once). Waiting for a free one times out after
#: POOL_WAIT seconds; an idle connection older than POOL_STALE seconds is replaced.
POOL_SIZE = 8
#: Connections a desk keeps open while idle: a burst of workers may borrow up to POOL_SIZE,
#: then all but these are closed (50 branch desks on one PostgreSQL server would otherwise
#: hold 5-6 each; bench/sessions.py reports the server's connections).
POOL_IDLE = 2
POOL_WAIT = 30
POOL_STALE = 600

#: How a PostgreSQL desk notices a server gone away (libpq parameters; a URL's own query
#: parameters win): a connection attempt gives up after 5 s; an idle connection is probed
#: after 5 s of silence, every 2 s, and given up after 3 probes unanswered; data sent and not
#: acknowledged for 10 s ends the connection. A dead link is noticed in about 10 s, not the
#: operating system's two hours. (The pool also checks an idle connection before lending it.)
PG_LINK_PARAMS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10000,
}


def sqlite_url(path: Path) -> str:
    """Return the URL of an SQLite database file at ``path``."""
    return f"sqlite:///{Path(path).resolve()}"


class _Counting:
    """Counts the connections a database really opens (the pool hands out open ones again)."""

    opened = 0

    def _connect(self):  # called by the pool only when it has no idle connection to give
        self.opened += 1
        return super()._connect()  # type: ignore[misc]


class _FewIdle:
    """A pool that keeps at most POOL_IDLE connections idle (before the pool in the MRO)."""

    def _close(self, conn, close_conn=False):  # a connection given back to the pool
        super()._close(conn, close_conn)  # type: ignore[misc]
        with self._pool_lock:  # type: ignore[attr-defined]
            extra = [heapq.heappop(self._connections)[2]  # type: ignore[attr-defined]
                     for _ in range(len(self._connections) - POOL_IDLE)]  # type: ignore[attr-defined]
        for idle in extra:  # the oldest
            self._close_raw(idle)  # type: ignore[attr-defined]


class _CountingSqlite(_Counting, SqliteDatabase):
    pass


class _CountingPostgres(_Counting, PostgresqlDatabase):
    pass


class PooledSqlite(_FewIdle, _PooledSqliteDatabase, _CountingSqlite):
    """SQLite behind a connection pool; ``opened`` counts real connections."""


class PooledPostgres(_FewIdle, _PooledPostgresqlDatabase, _CountingPostgres):
    """PostgreSQL behind a connection pool; ``opened`` counts real connections."""


#: The databases of this process by URL: two offices opened in one process on the same
#: database share it (the tables are bound to one database per process, see bind()).
_DATABASES: weakref.WeakValueDictionary[str, Database] = weakref.WeakValueDictionary()


def make_database(url: str) -> Database:
    """The peewee database for ``url`` (not connected): a pool of connections that thread
    workers borrow for one call and give back (no new connection per call). The same URL
    gives the same database within a process.

    Args:
        url: ``sqlite:////abs/path.db`` or ``postgresql://user@host:port/name``.

    Returns:
        An unconnected Database.

    Raises:
        ValueError: for an unsupported scheme.
    """
    existing = _DATABASES.get(url)
    if existing is not None:
        return existing
    db = _new_database(url)
    _DATABASES[url] = db
    return db


def _new_database(url: str) -> Database:
    parsed = urlparse(url)
    pool = {"max_connections": POOL_SIZE, "timeout": POOL_WAIT, "stale_timeout": POOL_STALE}
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # a pooled connection moves between worker threads (one at a time)
        return PooledSqlite(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                                    returning_clause=True, check_same_thread=False, **pool)
    if parsed.scheme in ("postgres", "postgresql"):
        params = _pg_params(parsed)
        if not params.get("database"):
            raise ValueError(f"Alamat basis data tanpa nama basis data: {url!r}")
        for key, value in PG_LINK_PARAMS.items():
            params.setdefault(key, value)
        return PooledPostgres(**params, **pool)
    raise ValueError(f"Alamat basis data tidak didukung: {url!r} (gunakan sqlite:/// atau postgresql://)")


def _pg_params(parsed: ParseResult) -> dict:
    """Connection parameters of a PostgreSQL URL: database, user, password (unquoted), host,
    port, then its query string's libpq parameters (digits as numbers). Not peewee's
    playhouse.db_url: importing it loads every backend peewee has (MySQL, CockroachDB ...)."""
    params: dict = {"database": parsed.path[1:]}
    if parsed.username:
        params["user"] = unquote(parsed.username)
    if parsed.password:
        params["password"] = unquote(parsed.password)
    if parsed.hostname:
        params["host"] = parsed.hostname
    if parsed.port:
        params["port"] = parsed.port
    for key, value in parse_qsl(parsed.query, keep_blank_values=True):
        params[key] = int(value) if value.isdigit() else value
    return params


def is_postgres(db: Database) -> bool:
    """True for PostgreSQL, False for SQLite."""
    return isinstance(db, PostgresqlDatabase)


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
    from playhouse.migrations import Runner

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
    """Return the names of migrations not yet applied (in order).

    Read as playhouse.migrations' Runner reads them (the files, the schema_migration table),
    without importing it: it loads every peewee backend and extra field type, which only a
    desk that migrates needs (a desk's memory and start-up time)."""
    names = sorted(path.stem for path in MIGRATIONS_DIR.glob("[0-9]*.py"))
    if not db.table_exists("schema_migration"):
        return names
    applied = {name for (name,) in db.execute_sql("SELECT name FROM schema_migration").fetchall()}
    return [name for name in names if name not in applied]


#: The triggers that keep SQLite's name search index (applicant_name_fts, created by migration
#: 0006) in step with applicant.name_key. A migration that rebuilds the applicant table (SQLite
#: does so for some column changes) drops them; ensure_name_index() puts them back.
_NAME_TRIGGERS = {
    "applicant_name_ai": "CREATE TRIGGER applicant_name_ai AFTER INSERT ON applicant BEGIN "
                         "INSERT INTO applicant_name_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
    "applicant_name_ad": "CREATE TRIGGER applicant_name_ad AFTER DELETE ON applicant BEGIN "
                         "INSERT INTO applicant_name_fts(applicant_name_fts, rowid, name_key) "
                         "VALUES ('delete', old.id, old.name_key); END",
    "applicant_name_au": "CREATE TRIGGER applicant_name_au AFTER UPDATE OF name_key ON applicant BEGIN "
                         "INSERT INTO applicant_name_fts(applicant_name_fts, rowid, name_key) "
                         "VALUES ('delete', old.id, old.name_key); "
                         "INSERT INTO applicant_name_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
}


def ensure_name_index(db: Database) -> None:
    """SQLite: put back missing name-search triggers and rebuild the index (nothing to do on
    PostgreSQL, whose trigram index is an ordinary index)."""
    if is_postgres(db):
        return
    have = {name for (name,) in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE name LIKE 'applicant_name_%'").fetchall()}
    missing = [name for name in _NAME_TRIGGERS if name not in have]
    if "applicant_name_fts" not in have or not missing:
        return
    with db.atomic():
        for name in missing:
            db.execute_sql(_NAME_TRIGGERS[name])
        db.execute_sql("INSERT INTO applicant_name_fts(applicant_name_fts) VALUES ('rebuild')")
    log.warning("name search triggers were missing and are back: %s", ", ".join(missing))


def optimize(db: Database) -> None:
    """Give SQLite's query planner statistics (a desk opening a database never analysed runs a
    sampled ANALYZE; later ones ``PRAGMA optimize``, which re-analyses only what changed a
    lot). ``analysis_limit`` keeps either to a fraction of a second on a large database.
    PostgreSQL's autovacuum does this by itself."""
    if is_postgres(db):
        return
    db.execute_sql("PRAGMA analysis_limit = 400")
    analysed = db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    try:
        db.execute_sql("PRAGMA optimize" if analysed else "ANALYZE")
    except OperationalError as exc:
        # it writes sqlite_stat1 and, while other desks write, may meet "database is locked"
        # at once (a read turned write is not given the busy timeout): statistics can wait for
        # the next desk to open; the desk must not fail to start for them
        log.info("statistics not refreshed now: %s", exc)


def backend_name(db: Database) -> str:
    """Return "SQLite" or "PostgreSQL" for messages."""
    if isinstance(db, PostgresqlDatabase):
        return "PostgreSQL"
    return "SQLite"
