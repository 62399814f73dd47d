"""The facade's staff calls: the office's accounts listed, created, switched off and on,
passwords reset (:mod:`models.staffadmin`), and the screen lock of a signed-in desk
(:mod:`models.staff`). A mixin of :class:`models.desk.DeskService` (which holds ``self.ctx``);
every method only delegates, session first.
"""

from __future__ import annotations

from models import staff, staffadmin
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

    def create_staff(self, session: SessionInfo, username: str, full_name: str, password: str,
                     role: str = "petugas", nip: str = "") -> int:
        """Create a new account of this office (a username already taken is refused)."""
        return staff.add_staff(self.ctx, session, username, full_name, password, role, nip, new_only=True)

    def lock_screen(self, session: SessionInfo, idle: bool) -> None:
        """Record that the desk locked its screen (idle, or at the staff member's key)."""
        staff.lock_screen(self.ctx, session, idle)

    def verify_password(self, session: SessionInfo, password: str) -> None:
        """Unlock the desk with the signed-in staff member's password (counts wrong ones)."""
        staff.verify_password(self.ctx, session, password)
