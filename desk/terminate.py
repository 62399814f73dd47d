"""SIGTERM ends an app the way its quit key does.

Killed by the default SIGTERM action, Python leaves the terminal as Textual set it up: the
alternate screen, mouse reporting and bracketed paste stay on, and the branch operator's ssh
client (or the waiting room's terminal) shows escape codes for every mouse move until it is
reset. An administrator's ``kill``, ``systemctl stop`` or a shutdown sends SIGTERM: the app
then exits through Textual, which gives the terminal back. SIGHUP (the link is gone: nothing to
give back) keeps its default. Everything confirmed on screen is committed already.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any


def exit_on_sigterm(app: Any) -> None:
    """Make SIGTERM exit ``app`` cleanly (a running Textual app, called from its on_mount).

    Headless apps (Pilot tests) keep the default: the test process's own signals stay its own.
    """
    if app.is_headless:
        return
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, app.exit)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals
        pass
