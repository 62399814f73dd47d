"""Changes committed by any desk, delivered to an app as messages (the counter desk and the
waiting-room board both listen the same way); and the database going away and coming back,
whoever noticed (the event listener or a call of the desk), shown as one banner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.timer import Timer
from textual.worker import get_current_worker

from models.errors import DeskError
from models.link import UNAVAILABLE_READ, DatabaseUnavailable, Link, connection_lost

if TYPE_CHECKING:
    from models.dto import DeskEvent

#: The banner shown while the database cannot be reached.
BANNER = "Sambungan ke basis data terputus. Mencoba lagi… (data di layar tetap)"

#: Said when it answers again.
BACK = "Sambungan ke basis data pulih. Data di layar diperbarui."

#: Seconds between two looks at a lost database while nothing else tries it.
PROBE_SECONDS = 3.0

#: Seconds the event listener waits for events before looking at its stop flag again.
LISTEN_SECONDS = 1.0


class DeskEvents(Message):
    """Changes committed by some desk (this one included), delivered by the event listener."""

    def __init__(self, events: list[DeskEvent]) -> None:
        super().__init__()
        self.events = events


class FeedState(Message):
    """The desk lost or regained its database (the event listener or a call noticed)."""

    def __init__(self, connected: bool, error: str) -> None:
        super().__init__()
        self.connected = connected
        self.error = error


def relay(app: App[Any], feed: Any) -> None:
    """Post the feed's events to ``app`` as :class:`DeskEvents`, and :class:`FeedState` when the
    connection is lost or regained, until the worker is cancelled or the feed stops (run in the
    app's thread worker; replaces polling)."""
    worker = get_current_worker()
    connected = True
    while not worker.is_cancelled and not feed.stopped:
        events = feed.wait(LISTEN_SECONDS)
        if feed.connected != connected:
            connected = feed.connected
            app.post_message(FeedState(connected, feed.error))
        if events:
            app.post_message(DeskEvents(events))
    feed.close()


def desk_link(desk: Any) -> Link | None:
    """The facade's link to its database (None for a stand-in facade that has none)."""
    return getattr(getattr(desk, "ctx", None), "link", None)


def watch_link(app: App[Any], link: Link) -> None:
    """Post :class:`FeedState` to ``app`` when a call of the desk loses or regains the database
    (from the calling worker thread: posting a message is thread-safe)."""
    link.on_change(lambda up: app.post_message(FeedState(up, "")))


def as_desk_error(error: BaseException) -> BaseException:
    """A worker's error as the operator should read it: a lost database that escaped the
    kernel's retrying (a connection taken outside a read or write) becomes
    :class:`DatabaseUnavailable`, not an unexpected error with a driver's English text."""
    if not isinstance(error, DeskError) and connection_lost(error):
        return DatabaseUnavailable(UNAVAILABLE_READ)
    return error


class LinkBanner:
    """The one banner of an app while its database is away: shown when the event listener or
    a call loses the database, taken down when either reaches it again. Meanwhile the
    database is tried every :data:`PROBE_SECONDS` (a desk with nothing to do learns it is
    back, too).

    Args:
        app: The app.
        link: The desk's link to its database (``ctx.link``).
    """

    def __init__(self, app: App[Any], link: Link) -> None:
        self.app = app
        self.link = link
        self._note: Notification | None = None
        self._probe: Timer | None = None

    @property
    def shown(self) -> bool:
        """Whether the banner is up."""
        return self._note is not None

    def update(self, connected: bool) -> bool:
        """Show or take down the banner.

        Returns:
            True when it changed (the database was lost, or came back after being lost).
        """
        if connected == (self._note is None):
            return False
        if not connected:
            self._note = Notification(BANNER, "Terputus", "warning", timeout=24 * 3600, markup=False)
            self.app.post_message(Notify(self._note))
            self._probe = self.app.set_interval(PROBE_SECONDS, self._look)
            return True
        note, self._note = self._note, None
        try:
            self.app._unnotify(note)  # noqa: SLF001 - Textual has no public way to take one down
        except KeyError:
            pass  # the operator closed it
        if self._probe is not None:
            self._probe.stop()
            self._probe = None
        self.app.notify(BACK, title="Tersambung", markup=False)
        return True

    def _look(self) -> None:
        """Try the database in a thread worker (its return tells the app through the link)."""
        self.app.run_worker(self.link.probe, thread=True, exclusive=True, exit_on_error=False,
                            group="link-probe", description="Memeriksa sambungan")
