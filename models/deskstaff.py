"""The facade's staff administration calls: the office's accounts listed, switched off and on,
passwords reset. A mixin of :class:`models.desk.DeskService` (which holds ``self.ctx``); every
method only delegates to :mod:`models.staffadmin`, session first.
"""

from __future__ import annotations

from models import staffadmin
from models.dto import SessionInfo
from models.kernel import Context
from models.staffadmin import StaffAccount


class StaffAdminMixin:
    """Staff accounts of the office (``self.ctx`` is the desk's Context)."""

    ctx: Context

    def list_staff(self, session: SessionInfo) -> list[StaffAccount]:
        """The office's staff accounts by username (active, locked until when)."""
        return staffadmin.list_staff(self.ctx, session)

    def set_staff_active(self, session: SessionInfo, username: str, active: bool) -> None:
        """Switch an account off (no more sign-in) or on again."""
        staffadmin.set_active(self.ctx, session, username, active)

    def reset_staff_password(self, session: SessionInfo, username: str, password: str) -> None:
        """Give an account a new password and lift a lockout."""
        staffadmin.reset_password(self.ctx, session, username, password)
