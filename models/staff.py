"""Staff accounts, passwords and sessions.

Usernames are unique across the whole database, not per office: a staff member signs in with
the same name wherever the account lives, and the audit trail never has two "rina"s. An account
belongs to one office and signs in only at that office's desks: the session's office is always
the office the desk runs for.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from models.dto import AuthError, DeskError, SessionInfo
from models.kernel import Context, Tx
from models.permissions import STAFF_ROLES, Permission
from models.tables import Counter, Staff

PBKDF2_ROUNDS = 120_000


def hash_password(password: str, *, salt: str | None = None) -> str:
    """Return a salted PBKDF2-SHA256 hash of ``password`` (``pbkdf2$rounds$salt$hex``)."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), PBKDF2_ROUNDS)
    return f"pbkdf2${PBKDF2_ROUNDS}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Return True when ``password`` matches the ``stored`` hash."""
    try:
        _, rounds, salt, hexdigest = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(rounds))
    return hmac.compare_digest(digest.hex(), hexdigest)


def add_staff(ctx: Context, session: SessionInfo, username: str, full_name: str, password: str,
              role: str = "petugas", nip: str = "") -> int:
    """Create a staff account of this office (or reset its password when it exists).

    Returns:
        The staff id.

    Raises:
        PermissionDenied: without staff management.
        DeskError: bad input, or the username belongs to another office.
    """
    username = username.strip().lower()
    full_name, nip = full_name.strip(), re.sub(r"\s", "", nip or "")
    if not full_name or len(full_name) > 120:
        raise DeskError("Nama lengkap wajib diisi, paling banyak 120 karakter.")
    if len(nip) > 30 or (nip and not nip.isdigit()):
        raise DeskError("NIP hanya angka, paling banyak 30 digit.")
    if not re.fullmatch(r"[a-z0-9_.-]{3,60}", username):
        raise DeskError("Nama pengguna 3-60 karakter: huruf kecil, angka, titik, garis bawah atau strip.")
    if len(password) < 6:
        raise DeskError("Kata sandi minimal 6 karakter.")
    if role not in STAFF_ROLES:
        raise DeskError("Peran harus " + ", ".join(STAFF_ROLES[:-1]) + f" atau {STAFF_ROLES[-1]}.")
    hashed = hash_password(password)  # ~0.1 s of work: not inside the transaction

    def body(tx: Tx) -> int:
        row = Staff.get_or_none(Staff.username == username)
        if row is None:
            row = Staff.create(office=ctx.office_id, username=username, full_name=full_name,
                               role=role, nip=nip, password_hash=hashed, created_at=tx.now)
            tx.audit("buat", "staff", row.id, username=username, role=role)
            return row.id
        if row.office_id != ctx.office_id:
            raise DeskError(f"Nama pengguna '{username}' sudah dipakai akun di kantor lain; pilih nama lain.")
        (Staff.update(full_name=full_name, role=role, nip=nip, password_hash=hashed, active=True)
         .where(Staff.id == row.id).execute())
        tx.audit("ubah", "staff", row.id, username=username, role=role)
        return row.id

    return ctx.write(session, Permission.STAFF_MANAGE, body)


def login(ctx: Context, username: str, password: str, counter_no: int | None) -> SessionInfo:
    """Check credentials and open a session at a loket of this office (anonymous by nature:
    the credentials are the permission).

    Raises:
        AuthError: unknown user, wrong password, inactive account, an account of another
            office, or an unknown loket.
    """

    def find() -> tuple[Staff | None, Counter | None]:
        row = Staff.get_or_none(Staff.username == username.strip().lower())
        counter = None
        if counter_no is not None:
            counter = Counter.get_or_none((Counter.office == ctx.office_id) & (Counter.number == counter_no)
                                          & Counter.active)
        return row, counter

    row, counter = ctx.read(None, None, find)
    if row is None or not row.active or not check_password(password, row.password_hash):
        raise AuthError("Nama pengguna atau kata sandi salah.")
    if row.office_id != ctx.office_id:
        raise AuthError("Akun ini terdaftar di kantor lain; masuk di desk kantor tersebut.")
    if counter_no is not None and counter is None:
        raise AuthError(f"Loket {counter_no} tidak ada di kantor ini.")
    session = SessionInfo(
        staff_id=row.id, username=row.username, full_name=row.full_name, role=row.role,
        office_id=ctx.office_id, office_name=ctx.settings.name, tz=ctx.settings.timezone,
        counter_id=counter.id if counter else None,
        counter_no=counter.number if counter else None,
        counter_name=counter.name if counter else "",
    )
    ctx.write(session, None, lambda tx: tx.audit("masuk", "staff", row.id, loket=counter_no))
    return session


def logout(ctx: Context, session: SessionInfo) -> None:
    """Record that the staff member signed out (who sat at a loket when)."""
    ctx.write(session, None, lambda tx: tx.audit("keluar", "staff", session.staff_id,
                                                 loket=session.counter_no))


def staff_count(ctx: Context, session: SessionInfo) -> int:
    """Number of staff accounts of the office."""
    return ctx.read(session, Permission.STAFF_MANAGE,
                    lambda: Staff.select().where(Staff.office == ctx.office_id).count())
