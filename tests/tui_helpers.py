"""What the Pilot tests do as a person would: wait, sign in, type, read the screen.

Shared by the TUI test modules (pytest puts this folder on the import path).
"""

from __future__ import annotations

import threading

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from screens.login import LoginScreen
from screens.queue import QueueScreen
from screens.widgets import PlainStatic


async def settle(pilot: Pilot) -> None:
    """Wait until the workers are done and the screen has caught up.

    A worker waited for may be cancelled when a newer one of its (exclusive) group replaces
    it, e.g. a refresh started meanwhile on a loaded machine: then wait for the newer one. A
    worker that failed is done too (tests of failures read what the app then shows).
    """
    for _ in range(3):
        # the event listener runs all session; an empty list would mean "all workers"
        for _attempt in range(20):
            busy = [w for w in pilot.app.workers if w.group != "events"]
            if not busy:
                break
            try:
                await pilot.app.workers.wait_for_complete(busy)
                break
            except WorkerCancelled:
                await pilot.pause(0.05)
            except WorkerFailed:
                break  # done, with an error the app reports on screen (what the test reads)
        await pilot.pause()


async def login(pilot: Pilot, password: str = "petugas123", *, expect_queue: bool = True) -> None:
    """Sign in as the demo petugas at loket 1 (by typing, as a person would).

    Args:
        pilot: The pilot.
        password: What to type as the password.
        expect_queue: Assert that the queue screen follows (False for a wrong password).
    """
    await settle(pilot)
    assert isinstance(pilot.app.screen, LoginScreen)
    await burst(pilot, [*"petugas", "enter", *password, "enter"])  # typed ahead, as over SSH
    await settle(pilot)
    if expect_queue:
        assert isinstance(pilot.app.screen, QueueScreen)


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus an input, clear it and type: every character a key event, as a fast typist's arrive
    (queued together; pilot.press would wait for the screen after each one, seconds per field)."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    for character in text:
        pilot.app.post_message(events.Key(character, character))
    await settle(pilot)


async def burst(pilot: Pilot, keys: str | list[str], *, wait: bool = True) -> None:
    """Deliver keys the way a burst arrives over a slow SSH link: all queued before any is
    handled (pilot.press waits between keys, which would hide ordering bugs); then, with
    ``wait``, settle (without: while the work they start is still running)."""
    for key in keys:
        character = key if len(key) == 1 else ("\r" if key == "enter" else None)
        pilot.app.post_message(events.Key(key, character))
    if wait:
        await settle(pilot)


def shown(widget: PlainStatic) -> str:
    """The plain text a PlainStatic shows."""
    return str(widget.render())


def notifications(app) -> list[str]:
    """Messages of the notifications shown so far."""
    return [n.message for n in app._notifications]  # noqa: SLF001


def hold(desk, method: str) -> threading.Event:
    """Make a facade method wait until the returned event is set (a slow database)."""
    release = threading.Event()
    real = getattr(desk, method)

    def held(*args, **kwargs):
        assert release.wait(10)
        return real(*args, **kwargs)

    setattr(desk, method, held)
    return release
