"""The desk's link to its database: which failures mean the database is gone, how long and how
often a call tries again, who is told that it is gone or back, and what became of a commit
whose answer was lost.

:class:`models.kernel.Context` runs every read and write through one :class:`Link`, so the
retrying and the classification of connection errors live here only; the app listens
(:meth:`Link.on_change`) to show a banner while the database is away.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from models.errors import DeskError

if TYPE_CHECKING:  # peewee is imported by what opens a database, not by this module: the
    # login screen (desk.listener) classifies errors before the domain is loaded
    from peewee import Database, InterfaceError, OperationalError

log = logging.getLogger(__name__)

#: How long a write keeps retrying a transaction that cannot start or commit, and a read a
#: database it cannot reach (seconds; :attr:`Link.retry_for`, shorter with
#: :meth:`Link.patience`).
RETRY_FOR = 60.0

#: The longest pause between two attempts to reach a lost database (seconds).
RECONNECT_PAUSE = 2.0

#: What a :class:`DatabaseUnavailable` says (the operator presses again once it is back).
UNAVAILABLE_WRITE = ("Basis data tidak dapat dihubungi; perubahan ini belum tersimpan. "
                     "Coba lagi setelah sambungan pulih.")
UNAVAILABLE_READ = ("Basis data tidak dapat dihubungi; data belum dapat dibaca. "
                    "Coba lagi setelah sambungan pulih.")
BUSY_WRITE = ("Basis data sedang dipakai proses lain terlalu lama; perubahan ini belum tersimpan. "
              "Coba lagi sebentar lagi.")
UNAVAILABLE_UNKNOWN = ("Sambungan ke basis data terputus saat menyimpan dan belum pulih; belum dapat "
                       "dipastikan apakah perubahan tersimpan. Periksa setelah sambungan pulih "
                       "sebelum mengulang.")

#: Words of the drivers' messages for a database that went away or cannot be reached.
_LOST_WORDS = (
    "server closed the connection", "connection already closed", "terminating connection",
    "could not connect", "connection refused", "no connection to the server", "timeout expired",
    "connection timed out", "could not receive data", "could not send data", "connection reset",
    "ssl connection has been closed", "network is unreachable", "no route to host",
    "could not translate host name", "the database system is starting up",
    "the database system is shutting down", "the database system is in recovery mode",
    "unable to open database file", "disk i/o error",
)


class DatabaseUnavailable(DeskError):
    """The database could not be reached within the retry time: the read or the change did not
    happen (or, with ``unknown``, a commit's outcome could not be learned yet).

    Args:
        message: The Indonesian message.
        unknown: True when a commit's outcome is unknown (the change may have landed).
    """

    def __init__(self, message: str = UNAVAILABLE_WRITE, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the database went away or cannot be reached (the one place that
    tells it apart from other errors)."""
    peewee = sys.modules.get("peewee")  # no peewee error can exist before peewee is loaded
    kinds: tuple[type[BaseException], ...] = (sqlite3.OperationalError, sqlite3.InterfaceError)
    if peewee is not None:
        kinds += (peewee.OperationalError, peewee.InterfaceError)
    if not isinstance(exc, kinds):
        if type(exc).__module__.split(".")[0] not in ("psycopg2", "psycopg"):
            return False
    text = str(exc).lower()
    if peewee is not None and isinstance(exc, peewee.InterfaceError) and "closed" in text:
        return True
    cause = exc.__cause__ or exc.__context__
    if cause is not None and any(words in str(cause).lower() for words in _LOST_WORDS):
        return True
    return any(words in text for words in _LOST_WORDS)


def transient(exc: BaseException) -> bool:
    """A failure that trying the whole transaction (or read) again can cure: a lock, a
    deadlock, a serialization failure or a lost database."""
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    code = getattr(exc.__cause__ or exc.__context__, "pgcode", None) or getattr(exc, "pgcode", None)
    if code in ("40P01", "40001"):  # deadlock, serialization failure
        return True
    return connection_lost(exc)


class Link:
    """How one desk process reaches its database, and whether it can now.

    Args:
        db: The (pooled) database.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        #: Seconds a write or a read keeps trying while the database is away or busy.
        self.retry_for = RETRY_FOR
        self._patience = threading.local()
        self._lock = threading.Lock()
        self._down = False
        self._listeners: list[Callable[[bool], None]] = []

    # -- how long to try ----------------------------------------------------------------------

    @contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Try for at most ``seconds`` (instead of :attr:`retry_for`) in the calling thread: a
        sign-in says at once that the database is unreachable instead of waiting a minute."""
        before = getattr(self._patience, "seconds", None)
        self._patience.seconds = seconds
        try:
            yield
        finally:
            self._patience.seconds = before

    def window(self) -> float:
        """Seconds the calling thread's call keeps trying."""
        seconds = getattr(self._patience, "seconds", None)
        return self.retry_for if seconds is None else min(seconds, self.retry_for)

    def before_retry(self, exc: OperationalError | InterfaceError, attempt: int,
                     deadline: float, *, write: bool) -> float:
        """After a failed attempt (called in its ``except``): wait, and return the deadline to
        try again by (the call's start plus :meth:`window`); or raise when trying again cannot
        help or took too long.

        Raises:
            DatabaseUnavailable: the database was lost (or its lock held) past the deadline.
            OperationalError, InterfaceError: ``exc`` again, when retrying cannot cure it.
        """
        if not transient(exc):
            raise exc
        lost = connection_lost(exc)
        if lost:
            self.lost(exc)
        now = time.monotonic()
        if now >= deadline:
            if lost:
                raise DatabaseUnavailable(UNAVAILABLE_WRITE if write else UNAVAILABLE_READ) from exc
            if write:  # a lock another process held all along
                raise DatabaseUnavailable(BUSY_WRITE) from exc
            raise exc
        if lost:  # a server away for a while: look again every few seconds
            delay = min(RECONNECT_PAUSE, 0.1 * 2 ** min(attempt, 5))
        else:  # a lock or a deadlock: soon, spread out
            delay = min(0.5, 0.005 * 2 ** min(attempt, 7)) * (0.5 + random.random())
        log.info("database call retried (%s): %s", attempt, exc)
        time.sleep(max(0.0, min(delay, deadline - now)))
        return deadline

    # -- lost and back ------------------------------------------------------------------------

    def on_change(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(reachable)`` when the database is lost and when it answers again
        (from the thread that noticed; the listener must not block)."""
        self._listeners.append(listener)

    @property
    def down(self) -> bool:
        """Whether the last call found the database unreachable."""
        return self._down

    def lost(self, exc: BaseException) -> None:
        """The database was lost: forget the idle pooled connections (they went with it; the
        failed one was not given back to the pool) and tell the listeners, once until it
        answers again."""
        close_idle = getattr(self.db, "close_idle", None)
        if close_idle is not None:
            close_idle()
        with self._lock:
            if self._down:
                return
            self._down = True
        log.warning("database lost: %s", exc)
        self._tell(False)

    def up(self) -> None:
        """A call reached the database: tell the listeners if it had been lost."""
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        log.warning("database reachable again")
        self._tell(True)

    def probe(self) -> bool:
        """Try the database once (a fresh connection and a trivial statement), telling the
        listeners when it is back; for a desk waiting to take its banner down.

        Returns:
            Whether the database answered.
        """
        try:
            self.db.connect(reuse_if_open=True)
            try:
                self.db.execute_sql("SELECT 1").fetchone()
            finally:
                self.db.close()
        except Exception as exc:  # noqa: BLE001 - a look, not a call: never an error dialog
            if connection_lost(exc):
                self.lost(exc)
            else:
                log.warning("database probe failed: %s", exc)
            return False
        self.up()
        return True

    def _tell(self, up: bool) -> None:
        for listener in list(self._listeners):
            try:
                listener(up)
            except Exception:  # noqa: BLE001 - a listener's failure is not the caller's
                log.exception("link listener failed")

    # -- a commit whose answer was lost (PostgreSQL) ------------------------------------------

    def transaction_id(self) -> int | None:
        """PostgreSQL: the open transaction's id, to ask after a commit whose answer was lost
        (None on SQLite, whose commit does not cross a network). Sent past the statement
        meter: it is transaction control, not work."""
        from peewee import PostgresqlDatabase

        if not isinstance(self.db, PostgresqlDatabase):
            return None
        cursor = self.db.connection().cursor()
        cursor.execute("SELECT txid_current()")
        return cursor.fetchone()[0]

    def committed(self, xid: int) -> bool:
        """Whether PostgreSQL transaction ``xid``, whose COMMIT lost its answer, committed;
        asked as soon as the server answers again (for the retry time). A server session
        still holding the transaction (its client gone) is ended first, so the answer is final.

        Raises:
            DatabaseUnavailable: the server did not answer within the retry time (``unknown``).
        """
        from peewee import InterfaceError, OperationalError

        deadline = time.monotonic() + self.window()
        attempt = 0
        while True:
            attempt += 1
            try:
                self.db.connect()
                try:
                    status = self.db.execute_sql("SELECT txid_status(%s)", (xid,)).fetchone()[0]
                    if status == "in progress":
                        log.warning("transaction %s is still open on the server: its session ends", xid)
                        self.db.execute_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                            "WHERE backend_xid::text = %s", (str(xid % 2 ** 32),))
                finally:
                    self.db.close()
                self.up()
                if status == "committed":
                    return True
                if status != "in progress":  # aborted (None: older than the server remembers)
                    return False
            except (OperationalError, InterfaceError) as exc:
                if not connection_lost(exc):
                    raise
                self.lost(exc)
                if time.monotonic() >= deadline:
                    raise DatabaseUnavailable(UNAVAILABLE_UNKNOWN, unknown=True) from exc
            time.sleep(min(RECONNECT_PAUSE, 0.1 * 2 ** min(attempt, 5)))
