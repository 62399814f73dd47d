"""Events between processes: an outbox table and a feed that delivers it to other desks.

Every change other desks must learn of (a ticket issued or called, a case decided, a step
started, a document issued ...) is written as an ``event`` row in the transaction of the change
(:meth:`models.kernel.Tx.emit`). A :class:`EventFeed` delivers new rows to a listener:

- PostgreSQL: ``LISTEN desk_event``; a trigger notifies at commit, so the feed sleeps in
  ``select()`` until then. Ids become visible in order (see migration 0006).
- SQLite: the feed's own connection checks ``PRAGMA data_version`` (an in-memory counter that
  changes when another connection commits) every :data:`SQLITE_CHECK` seconds and reads the
  table only when it changed. SQLite commits one writer at a time, so ids arrive in order.

The feed reconnects by itself after losing the database and then delivers what it missed.
Rows older than :data:`KEEP_DAYS` days are pruned when a desk opens.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import select
import sqlite3
import threading
import time
from typing import Any

from models.dto import DeskEvent
from models.kernel import Context
from models.tables import Event

log = logging.getLogger(__name__)

#: Seconds between two looks at SQLite's data_version (the delivery delay at worst).
SQLITE_CHECK = 0.05

#: Days events are kept (listeners need minutes; the rest is for troubleshooting).
KEEP_DAYS = 3

#: Most events read at once.
BATCH = 500

#: The PostgreSQL notification channel (see migration 0006).
CHANNEL = "desk_event"

# Event kinds.
TICKET_ISSUED = "ticket.issued"
TICKET_CALLED = "ticket.called"
TICKET_RECALLED = "ticket.recalled"
TICKET_SKIPPED = "ticket.skipped"
TICKET_SERVING = "ticket.serving"
TICKET_FINISHED = "ticket.finished"
TICKET_PARKED = "ticket.parked"
TICKET_TRANSFERRED = "ticket.transferred"
CASE_OPENED = "case.opened"
CASE_CHANGED = "case.changed"
CASE_DECIDED = "case.decided"
STEP_STARTED = "step.started"
STEP_FINISHED = "step.finished"
DOCUMENT_ISSUED = "document.issued"
COUNTER_CHANGED = "counter.changed"
#: A beneficiary list was imported: many cases opened at once (payload: layanan, jumlah).
CASES_IMPORTED = "case.imported"
#: The office entered or removed a closure: due times moved (payload: tanggal, tutup).
CALENDAR_CHANGED = "calendar.changed"


def prune(ctx: Context) -> int:
    """Delete events older than :data:`KEEP_DAYS` days (any office). Returns how many."""
    cutoff = ctx.utc() - dt.timedelta(days=KEEP_DAYS)
    with ctx.connection():
        with ctx.db.atomic():
            newest = Event.select(Event.id).order_by(Event.id.desc()).limit(1)
            # the newest row stays: SQLite would otherwise hand out ids from 1 again after a
            # long break, and a desk left running would wait for ids it has seen already
            return Event.delete().where((Event.at < cutoff) & (Event.id.not_in(newest))).execute()


class EventFeed:
    """New events of one office, as they are committed by any process.

    Not thread-safe: one listener thread owns a feed. It holds one connection of its own.

    Args:
        ctx: The desk's context (after the office is opened).
        after: Deliver events with an id above this; None: only events committed from now on.
    """

    def __init__(self, ctx: Context, after: int | None = None) -> None:
        self.ctx = ctx
        self.office_id = ctx.office_id
        self.last_id = after
        self.connected = False
        #: Why the feed is not connected (Indonesian), "" while connected.
        self.error = ""
        self._conn: Any = None
        self._version: int | None = None
        self._retry_at = 0.0
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()  # interrupt() wakes a PostgreSQL select()

    # -- public -------------------------------------------------------------------------------

    def wait(self, timeout: float) -> list[DeskEvent]:
        """Block until events arrive or ``timeout`` seconds pass.

        Returns:
            The new events in commit order (empty on timeout or while disconnected).
        """
        deadline = time.monotonic() + timeout
        if self._stop.is_set():
            return []
        try:
            if self._conn is None:
                if time.monotonic() < self._retry_at:
                    self._stop.wait(max(0.0, min(timeout, self._retry_at - time.monotonic())))
                    return []
                self._connect()
            if self.ctx.postgres:
                return self._wait_postgres(deadline)
            return self._wait_sqlite(deadline)
        except Exception as exc:  # noqa: BLE001 - any database failure: report, reconnect later
            self._lost(exc)
            return []

    @property
    def stopped(self) -> bool:
        """Whether :meth:`interrupt` was called."""
        return self._stop.is_set()

    def interrupt(self) -> None:
        """Make a waiting (or the next) :meth:`wait` return at once, for good (thread-safe)."""
        self._stop.set()
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def close(self) -> None:
        """Close the feed's connection."""
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._conn = None
        self.connected = False

    def __del__(self) -> None:
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    # -- connections --------------------------------------------------------------------------

    def _connect(self) -> None:
        db = self.ctx.db
        if self.ctx.postgres:
            import psycopg2

            conn = psycopg2.connect(dbname=db.database, **db.connect_params)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"LISTEN {CHANNEL}")  # before reading the position: nothing slips by
        else:
            conn = sqlite3.connect(db.database, timeout=5, isolation_level=None,
                                   check_same_thread=False)
            self._version = conn.execute("PRAGMA data_version").fetchone()[0]
        self._conn = conn
        if self.last_id is None:
            self.last_id = self._scalar("SELECT COALESCE(MAX(id), 0) FROM event") or 0
        self.connected, self.error = True, ""

    def _lost(self, exc: Exception) -> None:
        log.warning("event feed lost its database: %s", exc)
        self.close()
        self.error = f"Sambungan ke basis data terputus: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        self._retry_at = time.monotonic() + 1.0

    def _scalar(self, sql: str) -> Any:
        if self.ctx.postgres:
            with self._conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchone()[0]
        return self._conn.execute(sql).fetchone()[0]

    # -- waiting ------------------------------------------------------------------------------

    def _wait_sqlite(self, deadline: float) -> list[DeskEvent]:
        while True:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._version = version
                events = self._read()
                if events:
                    return events
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.wait(min(SQLITE_CHECK, left)):
                return []

    def _wait_postgres(self, deadline: float) -> list[DeskEvent]:
        while True:
            events = self._read() if self._conn.notifies else []
            self._conn.notifies.clear()
            if events:
                return events
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.is_set():
                return []
            ready, _, _ = select.select([self._conn, self._wake_r], [], [], left)
            if self._wake_r in ready:
                return []
            if ready:
                self._conn.poll()
                if not self._conn.notifies:
                    continue
                self._conn.notifies.clear()
                events = self._read()
                if events:
                    return events

    def _read(self) -> list[DeskEvent]:
        """Every event committed after the last one read, of this office. One statement per
        batch reads all offices' rows: the position then moves past exactly what was read
        (a second look for "the newest id" could skip an event committed in between)."""
        sql = ("SELECT id, office_id, at, kind, entity_id, staff_id, payload FROM event "
               "WHERE id > {p} ORDER BY id LIMIT {n}")
        found: list[DeskEvent] = []
        while True:
            if self.ctx.postgres:
                with self._conn.cursor() as cur:
                    cur.execute(sql.format(p="%s", n=BATCH), (self.last_id,))
                    rows = cur.fetchall()
            else:
                rows = self._conn.execute(sql.format(p="?", n=BATCH), (self.last_id,)).fetchall()
            if not rows:
                if not found:
                    self._check_position()
                return found
            self.last_id = rows[-1][0]
            found += [self._event(row) for row in rows if row[1] == self.office_id]
            if len(rows) < BATCH:
                return found

    def _check_position(self) -> None:
        """After a database restore the newest id can be below the position: start from there."""
        newest = self._scalar("SELECT COALESCE(MAX(id), 0) FROM event") or 0
        if newest < (self.last_id or 0):
            self.last_id = newest

    def _event(self, row: tuple) -> DeskEvent:
        event_id, _office, at, kind, entity_id, staff_id, payload = row
        try:
            data = json.loads(payload) if payload else {}
        except ValueError:
            data = {}
        return DeskEvent(id=event_id, kind=kind, entity_id=entity_id, staff_id=staff_id,
                         at=self.ctx.local(at), payload=data)
