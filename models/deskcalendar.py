"""The facade's working-calendar calls: the office's calendar of a year, closures entered and
removed. A mixin of :class:`models.desk.DeskService` (which holds ``self.ctx``); every method only
delegates to :mod:`models.closures`, session first.
"""

from __future__ import annotations

import datetime as dt

from models import closures
from models.closures import CalendarDay, ClosureChange
from models.dto import SessionInfo
from models.kernel import Context


class CalendarMixin:
    """The office's working calendar (``self.ctx`` is the desk's Context)."""

    ctx: Context

    def calendar_days(self, session: SessionInfo, year: int) -> list[CalendarDay]:
        """National holidays, cuti bersama and the office's closures of ``year``, by date."""
        return closures.list_closures(self.ctx, session, year)

    def add_closure(self, session: SessionInfo, day: dt.date, reason: str = "") -> ClosureChange:
        """Close the office on ``day`` (supervisor, admin): running steps and cases in process
        are due again under the new calendar."""
        return closures.add_closure(self.ctx, session, day, reason)

    def remove_closure(self, session: SessionInfo, day: dt.date) -> ClosureChange:
        """Open the office again on a day it entered as closed."""
        return closures.remove_closure(self.ctx, session, day)
