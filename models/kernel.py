"""The transaction kernel every capability module stands on.

:class:`Context` holds what a desk process runs with: the database, the clock, the settings, the
catalog and the office (with its service rows). :meth:`Context.write` is the one way a change
reaches the database:

1. the permission is checked (before any connection is taken);
2. a pooled connection is borrowed (no new connection per call) and one transaction opened;
3. the body runs with a :class:`Tx`, which buffers audit rows and events;
4. the buffered audit rows and events are inserted (one statement each) and the transaction
   commits: the change, its audit trail and its events land together or not at all;
5. a transaction that failed before its commit (SQLite's write lock busy, a PostgreSQL deadlock
   or a lost database) is rolled back and run again with backoff for ``ctx.link.retry_for``
   seconds; the body is therefore database work and pure computation only: loading the holiday
   calendar, PDF rendering and printing happen before or after it.
6. PostgreSQL: a connection lost during the commit leaves its outcome unknown. The transaction's
   id was read before the commit; once the server answers again, ``txid_status`` says whether
   it committed (the result is returned as if nothing happened) or not (it runs again): a
   change is never applied twice, and the operator is never left to guess.

Reads go through :meth:`Context.read` (permission, pooled connection, no transaction) and are
retried the same way while the database is unreachable. When the database stays unreachable
longer than the retry time, :class:`models.link.DatabaseUnavailable` (a :class:`DeskError`)
says that nothing happened. Whoever listens (``ctx.link.on_change``) learns when the database
is lost and when it answers again (the app shows a banner meanwhile). What counts as a lost
database, and how long to try, is decided in :mod:`models.link` only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from peewee import Database, InterfaceError, OperationalError

from forms.catalog import Catalog
from forms.catalog import Service as CatalogService
from models import worktime
from models.audit import mask_niks
from models.clocktables import OfficeClosure
from models.db import is_postgres
from models.dto import DeskError, SessionInfo
from models.link import UNAVAILABLE_UNKNOWN, DatabaseUnavailable, Link, connection_lost
from models.permissions import Permission, require
from models.settings import OfficeSettings
from models.tables import AuditLog, Event

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds a desk keeps the office's closures before reading them again.
CALENDAR_TTL = 60.0

#: Statements that are transaction control, not work (not counted by the statement meter).
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "SET ")


def to_storage(moment: dt.datetime) -> dt.datetime:
    """An aware datetime as stored: naive UTC."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


class Context:
    """What one desk process runs with. Built unconnected; :func:`models.office.open_office`
    fills in the office and its service rows.

    Args:
        db: The (pooled, unconnected) database.
        catalog: The service catalog.
        settings: The office settings.
        output_dir: Where PDFs are written.
        clock: Returns the current aware time (tests pass a fixed clock).
    """

    def __init__(self, db: Database, catalog: Catalog, settings: OfficeSettings, output_dir: Path,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self.catalog = catalog
        self.settings = settings
        self.output_dir = Path(output_dir)
        self.tz = ZoneInfo(settings.timezone)
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.postgres = is_postgres(db)
        self._office_id: int | None = None
        #: service code -> row id, and back, for this office (filled when the office opens)
        self.service_ids: dict[str, int] = {}
        self.service_codes: dict[int, str] = {}
        #: SQLite: whether the name search index (FTS5) exists (None: not looked yet)
        self.fts: bool | None = None
        self._calendar: worktime.WorkCalendar | None = None
        self._calendar_read = 0.0
        self._statement_total = 0
        self._meter_lock = threading.Lock()
        db.query_hooks.append(self._count_statement)
        #: The link to the database: retrying, lost and back, commits whose answer was lost.
        self.link = Link(db)

    # -- the office ---------------------------------------------------------------------------

    @property
    def office_id(self) -> int:
        """The office's row id (after the office is opened)."""
        if self._office_id is None:
            raise DeskError("Basis data belum dibuka.")
        return self._office_id

    @office_id.setter
    def office_id(self, value: int) -> None:
        self._office_id = value

    def offered(self) -> list[CatalogService]:
        """The catalog services this office offers, in catalog order."""
        wanted = {c.upper() for c in self.settings.services}
        return [s for s in self.catalog if not wanted or s.code.upper() in wanted]

    def catalog_service(self, code: str) -> CatalogService:
        """The catalog entry of a service this office offers.

        Raises:
            DeskError: unknown, or not offered here.
        """
        try:
            svc = self.catalog.get(code)
        except KeyError:
            raise DeskError(f"Layanan '{code}' tidak ada di katalog.") from None
        if svc not in self.offered():
            raise DeskError(f"Layanan '{code}' tidak dilayani di kantor ini.")
        return svc

    def service_id(self, code: str) -> int:
        """The office's row id of a service."""
        try:
            return self.service_ids[code]
        except KeyError:
            raise DeskError(f"Layanan '{code}' belum terdaftar di basis data; jalankan 'desk init'.") from None

    def service_by_row(self, service_id: int) -> CatalogService | None:
        """The catalog entry of one of this office's service rows (None if gone from the catalog)."""
        code = self.service_codes.get(service_id)
        return self.catalog.services.get(code) if code else None

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        """The current time in the office's time zone."""
        return self.clock().astimezone(self.tz)

    def utc(self) -> dt.datetime:
        """The current time as stored (naive UTC)."""
        return to_storage(self.clock())

    def local(self, stored: dt.datetime | None) -> dt.datetime | None:
        """A stored (naive UTC) time in the office's time zone."""
        if stored is None:
            return None
        if isinstance(stored, str):  # SQLite through raw SQL
            stored = dt.datetime.fromisoformat(stored)
        return stored.replace(tzinfo=dt.timezone.utc).astimezone(self.tz)

    def today(self) -> dt.date:
        """Today in the office's time zone."""
        return self.now().date()

    @property
    def calendar(self) -> worktime.WorkCalendar:
        """The office's working calendar: its hours and holidays, and the closures it entered
        (read from the database at most every CALENDAR_TTL seconds, see refresh_calendar)."""
        if self._calendar is None:
            self.refresh_calendar(force=True)
        assert self._calendar is not None
        return self._calendar

    def refresh_calendar(self, *, force: bool = False) -> None:
        """Read the office's closures again when CALENDAR_TTL passed since the last read (or
        when ``force``): a closure another desk entered counts here within a minute."""
        if not force and self._calendar is not None and time.monotonic() - self._calendar_read < CALENDAR_TTL:
            return
        closures: list[dt.date] = []
        if self._office_id is not None:
            with self.connection():
                closures = [row[0] for row in OfficeClosure.select(OfficeClosure.day)
                            .where(OfficeClosure.office_id == self._office_id).tuples()]
        closures = [dt.date.fromisoformat(d) if isinstance(d, str) else d for d in closures]
        self._calendar = worktime.WorkCalendar(self.settings.timezone, self.settings.calendar,
                                               cuti_bersama_libur=self.settings.cuti_bersama_libur,
                                               closures=closures)
        self._calendar_read = time.monotonic()

    # -- connections and transactions ---------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[None]:
        """Borrow a pooled connection for the calling thread (or use the one it holds)."""
        if not self.db.is_closed():
            yield
            return
        self.db.connect()
        try:
            yield
        finally:
            self.db.close()  # back to the pool

    def read(self, session: SessionInfo | None, permission: Permission | None,
             body: Callable[[], T]) -> T:
        """Run a read after checking the permission (``None``: reference data anyone may read);
        while the database is unreachable the read is tried again (see :meth:`write`).

        Raises:
            DatabaseUnavailable: the database stayed unreachable for the retry time.
        """
        if permission is not None:
            require(session, permission)
            self._same_office(session)
        if not self.db.is_closed():  # inside another call's connection: that call retries
            return body()
        deadline = time.monotonic() + self.link.window()  # from the call: a lock counts too
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.connection():
                    result = body()
            except (OperationalError, InterfaceError) as exc:
                deadline = self.link.before_retry(exc, attempt, deadline, write=False)
                continue
            self.link.up()
            return result

    def write(self, session: SessionInfo | None, permission: Permission | None,
              body: Callable[[Tx], T]) -> T:
        """Run ``body`` in one transaction after checking the permission; commit the change
        with its audit rows and events.

        A transaction that could not start or failed before its commit is run again with
        backoff for ``link.retry_for`` seconds. On PostgreSQL a connection lost during the
        commit is resolved: once the server answers, the transaction's status says whether it
        committed (its result is returned) or not (it runs again).

        Raises:
            DatabaseUnavailable: the database stayed unreachable for the retry time; the change
                did not happen (``unknown``: its commit's outcome could not be learned).
        """
        if permission is not None:
            require(session, permission)
            self._same_office(session)
        deadline = time.monotonic() + self.link.window()  # from the call: a lock counts too
        attempt = 0
        while True:
            attempt += 1
            committing = False
            xid: int | None = None
            try:
                with self.connection():
                    with self.db.atomic():
                        tx = Tx(self, session)
                        result = body(tx)
                        tx.flush()
                        xid = self.link.transaction_id()
                        committing = True  # leaving the block commits
                self.link.up()
                return result
            except (OperationalError, InterfaceError) as exc:
                if committing and connection_lost(exc):
                    self.link.lost(exc)
                    if xid is None:  # SQLite: a commit's I/O failed (none cross a network)
                        raise DatabaseUnavailable(UNAVAILABLE_UNKNOWN, unknown=True) from exc
                    if self.link.committed(xid):
                        log.warning("the commit of transaction %s lost its answer but landed", xid)
                        return result
                    log.warning("the commit of transaction %s was lost before it landed: again", xid)
                    continue
                deadline = self.link.before_retry(exc, attempt, deadline, write=True)

    def _same_office(self, session: SessionInfo | None) -> None:
        if session is not None and self._office_id is not None and session.office_id != self._office_id:
            raise DeskError("Sesi ini milik kantor lain; masuk lagi di desk kantor ini.")

    # -- the statement meter (tests and benches) ------------------------------------------------

    def _count_statement(self, event: Any) -> None:
        if not event.sql.lstrip().upper().startswith(_CONTROL):
            with self._meter_lock:
                self._statement_total += 1

    @property
    def statements(self) -> int:
        """Statements sent so far by this process (transaction control not counted)."""
        return self._statement_total


class Tx:
    """One transaction of a :meth:`Context.write`: its time, who acts, and the audit rows and
    events it will commit with the change."""

    def __init__(self, ctx: Context, session: SessionInfo | None) -> None:
        self.ctx = ctx
        self.session = session
        self.local_now = ctx.now()
        #: the transaction's time as stored (naive UTC): every row it writes carries it
        self.now = to_storage(self.local_now)
        self._audit: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []

    @property
    def staff_id(self) -> int | None:
        """The acting staff member (None for machine principals)."""
        return self.session.staff_id if self.session else None

    def audit(self, action: str, entity: str, entity_id: int | None, **detail: Any) -> None:
        """Record who did what to which record (committed with the change). Full NIKs never
        reach the audit trail: any in ``detail`` strings are masked."""
        clean = {k: (mask_niks(v) if isinstance(v, str) else v) for k, v in detail.items()}
        self._audit.append({
            "at": self.now, "staff": self.staff_id, "action": action, "entity": entity,
            "entity_id": entity_id, "office_id": self.ctx.office_id,
            "detail": json.dumps(clean, ensure_ascii=False, default=str),
        })

    def emit(self, kind: str, entity_id: int | None = None, **payload: Any) -> None:
        """Publish an event to every desk (delivered after commit; see :mod:`models.events`)."""
        self._events.append({
            "office_id": self.ctx.office_id, "at": self.now, "kind": kind, "entity_id": entity_id,
            "staff_id": self.staff_id,
            "payload": json.dumps(payload, ensure_ascii=False, default=str),
        })

    def flush(self) -> None:
        """Insert the buffered audit rows and events (one statement per table)."""
        if self._audit:
            AuditLog.insert_many(self._audit).execute()
        if self._events:
            Event.insert_many(self._events).execute()
        self._audit, self._events = [], []
