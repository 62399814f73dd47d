"""The errors the domain raises for the screens and the command line to show.

Apart from the data classes (models.dto, which re-exports these): the login screen and the
app's start-up need the errors only, and building three dozen frozen dataclasses costs the
start of a desk over SSH 25 ms.
"""

from __future__ import annotations


class DeskError(Exception):
    """A user-facing error: ``str(err)`` is an Indonesian sentence fit for the screen."""


class AuthError(DeskError):
    """Login failed (unknown user, wrong password, inactive account)."""


class ValidationError(DeskError):
    """Input rejected; ``errors`` maps field name -> Indonesian message for that field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()) or "Data tidak valid.")
