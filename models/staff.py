"""Staff accounts, passwords and sessions.

Usernames are unique across the whole database, not per office: a staff member signs in with
the same name wherever the account lives, and the audit trail never has two "rina"s. An account
belongs to one office and signs in only at that office's desks: the session's office is always
the office the desk runs for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.dto import AuthError, SessionInfo, ValidationError
from models.kernel import Context, Tx, to_storage
from models.permissions import STAFF_ROLES, Permission
from models.tables import Counter, Staff

#: argon2id at OWASP's minimum (2 passes over 19 MiB, one lane): memory-hard, yet some 30 ms
#: and 19 MiB a sign-in on a small 2-core office server where several desks sign in at once.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

#: Rounds of the PBKDF2 hashes of older versions (still accepted; upgraded at the next sign-in).
PBKDF2_ROUNDS = 120_000

#: Failed sign-ins in a row that lock an account, and for how long.
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)


def hash_password(password: str, *, salt: str | None = None) -> str:
    """Return an argon2id hash of ``password`` (``$argon2id$v=19$m=19456,t=2,p=1$...``).

    Args:
        password: The password or PIN.
        salt: A fixed salt (tests only); a fresh random one by default.
    """
    if salt is not None:
        return HASHER.hash(password, salt=salt.encode())
    return HASHER.hash(password)


def pbkdf2_hash(password: str, *, salt: str | None = None) -> str:
    """Return a PBKDF2-SHA256 hash as older versions stored it (``pbkdf2$rounds$salt$hex``)."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), PBKDF2_ROUNDS)
    return f"pbkdf2${PBKDF2_ROUNDS}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Return True when ``password`` matches the ``stored`` hash (argon2, or an old PBKDF2)."""
    if stored.startswith("$argon2"):
        try:
            return HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        _, rounds, salt, hexdigest = stored.split("$")
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(rounds))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), hexdigest)


def needs_rehash(stored: str) -> bool:
    """Return True when ``stored`` is an old PBKDF2 hash or argon2 with other parameters."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


def add_staff(ctx: Context, session: SessionInfo, username: str, full_name: str, password: str,
              role: str = "petugas", nip: str = "", *, new_only: bool = False) -> int:
    """Create a staff account of this office (or reset its password when it exists).

    Args:
        new_only: Refuse a username already taken (the administrator's form) instead of
            changing that account.

    Returns:
        The staff id.

    Raises:
        PermissionDenied: without staff management.
        ValidationError: bad input (by field: username, full_name, nip, password, role), the
            username belongs to another office, or (``new_only``) is taken at all.
    """
    username = username.strip().lower()
    full_name, nip = full_name.strip(), re.sub(r"\s", "", nip or "")
    errors: dict[str, str] = {}
    if not re.fullmatch(r"[a-z0-9_.-]{3,60}", username):
        errors["username"] = "Nama pengguna 3-60 karakter: huruf kecil, angka, titik, garis bawah atau strip."
    if not full_name or len(full_name) > 120:
        errors["full_name"] = "Nama lengkap wajib diisi, paling banyak 120 karakter."
    if len(nip) > 30 or (nip and not nip.isdigit()):
        errors["nip"] = "NIP hanya angka, paling banyak 30 digit."
    if role not in STAFF_ROLES:
        errors["role"] = "Peran harus " + ", ".join(STAFF_ROLES[:-1]) + f" atau {STAFF_ROLES[-1]}."
    if len(password) < 6:
        errors["password"] = "Kata sandi minimal 6 karakter."
    if errors:
        raise ValidationError(errors)
    hashed = hash_password(password)  # ~30 ms and 19 MiB of work: not inside the transaction

    def body(tx: Tx) -> int:
        row = Staff.get_or_none(Staff.username == username)
        if row is not None and new_only:
            raise ValidationError({"username": f"Nama pengguna '{username}' sudah dipakai; pilih nama lain."})
        if row is None:
            row = Staff.create(office=ctx.office_id, username=username, full_name=full_name,
                               role=role, nip=nip, password_hash=hashed, created_at=tx.now)
            tx.audit("buat", "staff", row.id, username=username, role=role)
            return row.id
        if row.office_id != ctx.office_id:
            raise ValidationError({"username": f"Nama pengguna '{username}' sudah dipakai akun di kantor lain; "
                                               "pilih nama lain."})
        (Staff.update(full_name=full_name, role=role, nip=nip, password_hash=hashed, active=True,
                      failed_logins=0, locked_until=None)
         .where(Staff.id == row.id).execute())
        tx.audit("ubah", "staff", row.id, username=username, role=role)
        return row.id

    return ctx.write(session, Permission.STAFF_MANAGE, body)


def login(ctx: Context, username: str, password: str, counter_no: int | None) -> SessionInfo:
    """Check credentials and open a session at a loket of this office (anonymous by nature:
    the credentials are the permission).

    Raises:
        AuthError: unknown user, wrong password, inactive account, an account locked after
            :data:`MAX_FAILED_LOGINS` wrong passwords in a row (even the right password is
            refused until the lock ends), an account of another office, or an unknown loket.
    """

    def find() -> tuple[Staff | None, Counter | None]:
        row = Staff.get_or_none(Staff.username == username.strip().lower())
        counter = None
        if counter_no is not None:
            counter = Counter.get_or_none((Counter.office == ctx.office_id) & (Counter.number == counter_no)
                                          & Counter.active)
        return row, counter

    row, counter = ctx.read(None, None, find)
    if row is None or not row.active:
        raise AuthError("Nama pengguna atau kata sandi salah.")
    now = to_storage(ctx.now())
    if row.locked_until is not None and row.locked_until > now:
        raise AuthError(_locked_message(ctx, row.locked_until))
    if not check_password(password, row.password_hash):
        locked_until = _count_failure(ctx, row.id)
        if locked_until is not None:
            raise AuthError(_locked_message(ctx, locked_until))
        raise AuthError("Nama pengguna atau kata sandi salah.")
    if row.office_id != ctx.office_id:
        raise AuthError("Akun ini terdaftar di kantor lain; masuk di desk kantor tersebut.")
    if counter_no is not None and counter is None:
        raise AuthError(f"Loket {counter_no} tidak ada di kantor ini.")
    # an old PBKDF2 hash (or argon2 with older parameters) is replaced now that the password is
    # known; hashed here, outside the transaction (a body may run twice)
    upgraded = hash_password(password) if needs_rehash(row.password_hash) else None
    session = SessionInfo(
        staff_id=row.id, username=row.username, full_name=row.full_name, role=row.role,
        office_id=ctx.office_id, office_name=ctx.settings.name, tz=ctx.settings.timezone,
        counter_id=counter.id if counter else None,
        counter_no=counter.number if counter else None,
        counter_name=counter.name if counter else "",
    )

    def signed_in(tx: Tx) -> None:
        changes: dict = {}
        if row.failed_logins or row.locked_until is not None:
            changes.update(failed_logins=0, locked_until=None)
        if upgraded is not None:
            changes["password_hash"] = upgraded
        if changes:
            Staff.update(**changes).where(Staff.id == row.id).execute()
        tx.audit("masuk", "staff", row.id, loket=counter_no, **({"hash": "argon2id"} if upgraded else {}))

    ctx.write(session, None, signed_in)
    return session


def _count_failure(ctx: Context, staff_id: int, **detail: str) -> dt.datetime | None:
    """Count a failed sign-in in its own committed transaction; lock the account for
    :data:`LOCKOUT` at the :data:`MAX_FAILED_LOGINS`-th in a row.

    Args:
        detail: Added to the ``gagal_masuk`` audit row (where the password was typed).

    Returns:
        When the lock ends (naive UTC) if this failure locked the account, else None.
    """

    def body(tx: Tx) -> dt.datetime | None:
        Staff.update(failed_logins=Staff.failed_logins + 1).where(Staff.id == staff_id).execute()
        failed = Staff.select(Staff.failed_logins).where(Staff.id == staff_id).scalar()
        tx.audit("gagal_masuk", "staff", staff_id, ke=failed, **detail)
        if failed < MAX_FAILED_LOGINS:
            return None
        until = tx.now + LOCKOUT
        Staff.update(failed_logins=0, locked_until=until).where(Staff.id == staff_id).execute()
        tx.audit("akun_dikunci", "staff", staff_id, sampai=until.isoformat(timespec="minutes"))
        return until

    return ctx.write(None, None, body)


def _locked_message(ctx: Context, until: dt.datetime) -> str:
    """The sign-in's message for a locked account, with the local time the lock ends."""
    local = until.replace(tzinfo=dt.UTC).astimezone(ctx.tz)
    return (f"Akun dikunci sementara karena {MAX_FAILED_LOGINS} kali salah kata sandi; "
            f"coba lagi pukul {local:%H.%M}.")


def logout(ctx: Context, session: SessionInfo) -> None:
    """Record that the staff member signed out (who sat at a loket when)."""
    ctx.write(session, None, lambda tx: tx.audit("keluar", "staff", session.staff_id,
                                                 loket=session.counter_no))


def lock_screen(ctx: Context, session: SessionInfo, idle: bool) -> None:
    """Record that a signed-in desk locked its screen (``kunci_layar``), after the idle time
    or at the staff member's own key."""
    ctx.write(session, None, lambda tx: tx.audit("kunci_layar", "staff", session.staff_id,
                                                 loket=session.counter_no,
                                                 sebab="diam" if idle else "tombol"))


def verify_password(ctx: Context, session: SessionInfo, password: str) -> None:
    """Unlock a locked desk: the signed-in staff member types their own password again.

    The right password is audited (``buka_kunci``) and clears a count of wrong ones; a wrong
    one counts toward the account's lockout exactly as at sign-in (``gagal_masuk`` with
    ``saat="buka_kunci"``), and a locked or switched-off account cannot unlock at all.

    Raises:
        AuthError: a wrong password, an account locked after wrong passwords, or switched off.
    """
    if session.staff_id is None:
        raise AuthError("Tidak ada petugas yang masuk di desk ini.")
    row = ctx.read(None, None, lambda: Staff.get_or_none(Staff.id == session.staff_id))
    if row is None or not row.active:
        raise AuthError("Akun ini sudah dinonaktifkan; pilih Keluar akun.")
    if row.locked_until is not None and row.locked_until > to_storage(ctx.now()):
        raise AuthError(_locked_message(ctx, row.locked_until))
    if not check_password(password, row.password_hash):
        locked_until = _count_failure(ctx, row.id, saat="buka_kunci")
        if locked_until is not None:
            raise AuthError(_locked_message(ctx, locked_until))
        raise AuthError("Kata sandi salah.")

    def unlocked(tx: Tx) -> None:
        if row.failed_logins or row.locked_until is not None:
            Staff.update(failed_logins=0, locked_until=None).where(Staff.id == row.id).execute()
        tx.audit("buka_kunci", "staff", row.id, loket=session.counter_no)

    ctx.write(session, None, unlocked)


def staff_count(ctx: Context, session: SessionInfo) -> int:
    """Number of staff accounts of the office."""
    return ctx.read(session, Permission.STAFF_MANAGE,
                    lambda: Staff.select().where(Staff.office == ctx.office_id).count())
