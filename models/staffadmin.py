"""Staff administration: the office's accounts listed, switched off and on, passwords reset.

Every change is one audited transaction under :attr:`Permission.STAFF_MANAGE` (administrators
and the command line's ``sistem`` principal). Accounts are those of this office only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from models import staff
from models.dto import DeskError, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.tables import AuditLog, Staff


@dataclass(frozen=True)
class StaffAccount:
    """One staff account as the administrator sees it.

    Attributes:
        username: The sign-in name.
        full_name: The full name.
        role: petugas, supervisor, admin ...
        nip: The NIP ("" when none).
        active: Whether the account may sign in.
        locked_until: When a lockout after wrong passwords ends (office time), None if not locked.
        last_login: The last sign-in (office time), None if never.
    """

    username: str
    full_name: str
    role: str
    nip: str
    active: bool
    locked_until: dt.datetime | None
    last_login: dt.datetime | None = None


def list_staff(ctx: Context, session: SessionInfo) -> list[StaffAccount]:
    """The office's staff accounts by username, each with its last sign-in (from the audit
    trail's ``masuk`` rows).

    Raises:
        PermissionDenied: without staff management.
    """

    def body() -> list[StaffAccount]:
        now = to_storage(ctx.now())
        rows = list(Staff.select().where(Staff.office == ctx.office_id).order_by(Staff.username))
        last = dict(AuditLog.select(AuditLog.staff, fn.MAX(AuditLog.at))
                    .where((AuditLog.action == "masuk") & (AuditLog.entity == "staff")
                           & AuditLog.staff.in_([r.id for r in rows]))
                    .group_by(AuditLog.staff).tuples()) if rows else {}
        return [StaffAccount(
            username=r.username, full_name=r.full_name, role=r.role, nip=r.nip, active=r.active,
            locked_until=(ctx.local(r.locked_until)
                          if r.locked_until is not None and r.locked_until > now else None),
            last_login=ctx.local(last.get(r.id)),
        ) for r in rows]

    return ctx.read(session, Permission.STAFF_MANAGE, body)


def _account(ctx: Context, username: str) -> Staff:
    """The office's account named ``username`` (inside a transaction)."""
    name = username.strip().lower()
    row = Staff.get_or_none((Staff.username == name) & (Staff.office == ctx.office_id))
    if row is None:
        raise DeskError(f"Petugas '{name}' tidak ada di kantor ini.")
    return row


def set_active(ctx: Context, session: SessionInfo, username: str, active: bool) -> None:
    """Switch an account off (it can no longer sign in) or on again.

    Raises:
        PermissionDenied: without staff management.
        DeskError: an unknown account, or a staff member switching off their own account.
    """

    def body(tx: Tx) -> None:
        row = _account(ctx, username)
        if not active and row.id == tx.staff_id:
            raise DeskError("Akun sendiri tidak dapat dinonaktifkan.")
        if row.active == active:
            return
        Staff.update(active=active).where(Staff.id == row.id).execute()
        tx.audit("aktifkan" if active else "nonaktifkan", "staff", row.id, username=row.username)

    ctx.write(session, Permission.STAFF_MANAGE, body)


def reset_password(ctx: Context, session: SessionInfo, username: str, password: str) -> None:
    """Give an account a new password and lift a lockout after wrong passwords.

    Raises:
        PermissionDenied: without staff management.
        DeskError: an unknown account, or a password shorter than 6 characters.
    """
    if len(password) < 6:
        raise DeskError("Kata sandi minimal 6 karakter.")
    hashed = staff.hash_password(password)  # ~30 ms and 19 MiB of work: not inside the transaction

    def body(tx: Tx) -> None:
        row = _account(ctx, username)
        (Staff.update(password_hash=hashed, failed_logins=0, locked_until=None)
         .where(Staff.id == row.id).execute())
        tx.audit("reset_sandi", "staff", row.id, username=row.username)

    ctx.write(session, Permission.STAFF_MANAGE, body)
