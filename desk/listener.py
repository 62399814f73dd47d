"""Changes committed by any desk, delivered to an app as messages (the counter desk and the
waiting-room board both listen the same way)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.message import Message
from textual.worker import get_current_worker

from models.dto import DeskEvent

#: Seconds the event listener waits for events before looking at its stop flag again.
LISTEN_SECONDS = 1.0


class DeskEvents(Message):
    """Changes committed by some desk (this one included), delivered by the event listener."""

    def __init__(self, events: list[DeskEvent]) -> None:
        super().__init__()
        self.events = events


class FeedState(Message):
    """The event listener lost or regained the database."""

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
