"""Staff accounts: argon2 hashes, old PBKDF2 hashes upgraded at sign-in, lockout after wrong
passwords, and the `desk petugas` administration commands."""

from __future__ import annotations

import pytest

from models import staff
from models.dto import AuthError
from models.tables import AuditLog, Staff


def stored_hash(service, username: str) -> str:
    return service.ctx.read(None, None, lambda: Staff.get(Staff.username == username).password_hash)


def audit_actions(service, username: str) -> list[str]:
    def body():
        row = Staff.get(Staff.username == username)
        return [a.action for a in AuditLog.select().where((AuditLog.entity == "staff")
                                                          & (AuditLog.entity_id == row.id)).order_by(AuditLog.id)]
    return service.ctx.read(None, None, body)


def test_a_new_account_gets_an_argon2id_hash_that_signs_in(desk_service):
    system = desk_service.principal("sistem")
    desk_service.add_staff(system, "wulan", "Wulan Sari", "sandi-wulan-1")
    hashed = stored_hash(desk_service, "wulan")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert desk_service.login("wulan", "sandi-wulan-1", 1).full_name == "Wulan Sari"
    with pytest.raises(AuthError, match="kata sandi salah"):
        desk_service.login("wulan", "sandi-wulan-2", 1)


def test_an_old_pbkdf2_account_signs_in_and_its_hash_becomes_argon2(desk_service):
    old = staff.pbkdf2_hash("petugas123")
    desk_service.ctx.write(None, None, lambda tx: Staff.update(password_hash=old)
                           .where(Staff.username == "petugas").execute())
    with pytest.raises(AuthError):  # a wrong password changes nothing
        desk_service.login("petugas", "salah-sandi", 1)
    assert stored_hash(desk_service, "petugas") == old
    assert desk_service.login("petugas", "petugas123", 1).username == "petugas"
    upgraded = stored_hash(desk_service, "petugas")
    assert upgraded.startswith("$argon2id$") and upgraded != old
    assert desk_service.login("petugas", "petugas123", 1).username == "petugas"
    assert stored_hash(desk_service, "petugas") == upgraded  # a current hash is kept as it is
    with pytest.raises(AuthError):
        desk_service.login("petugas", "salah-sandi", 1)


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(desk_service, clock):
    for _ in range(4):
        with pytest.raises(AuthError, match="^Nama pengguna atau kata sandi salah"):
            desk_service.login("petugas", "salah", 1)
    with pytest.raises(AuthError, match=r"Akun dikunci sementara .* coba lagi pukul 09\.15\."):
        desk_service.login("petugas", "salah", 1)
    clock.advance(minutes=14)
    with pytest.raises(AuthError, match=r"Akun dikunci sementara .* pukul 09\.15"):
        desk_service.login("petugas", "petugas123", 1)  # even the right password
    clock.advance(minutes=1)
    assert desk_service.login("petugas", "petugas123", 1).username == "petugas"
    actions = audit_actions(desk_service, "petugas")
    assert actions.count("gagal_masuk") == 5 and actions.count("akun_dikunci") == 1
    assert actions[-1] == "masuk"


def test_a_successful_sign_in_resets_the_count_of_wrong_passwords(desk_service):
    for _ in range(4):
        with pytest.raises(AuthError):
            desk_service.login("petugas", "salah", 1)
    desk_service.login("petugas", "petugas123", 1)
    for _ in range(4):
        with pytest.raises(AuthError, match="^Nama pengguna atau kata sandi salah"):
            desk_service.login("petugas", "salah", 1)
    assert desk_service.login("petugas", "petugas123", 1).username == "petugas"


def test_one_account_locked_leaves_the_others_signing_in(desk_service):
    for _ in range(5):
        with pytest.raises(AuthError):
            desk_service.login("petugas", "salah", 1)
    assert desk_service.login("supervisor", "supervisor123", 2).username == "supervisor"


def cli(args, **kwargs):
    from click.testing import CliRunner

    from desk.cli import cli as desk_cli

    return CliRunner().invoke(desk_cli, args, obj={}, prog_name="desk", catch_exceptions=False, **kwargs)


@pytest.fixture
def base_args(tmp_path, db_url):
    return ["--db", db_url, "--data-dir", str(tmp_path)]


def test_cli_lists_switches_off_and_resets_staff(live_desk_service, base_args):
    service = live_desk_service
    for _ in range(5):
        with pytest.raises(AuthError):
            service.login("petugas", "salah", 1)
    listing = cli([*base_args, "petugas", "daftar"])
    assert listing.exit_code == 0, listing.output
    lines = {line.split()[0]: line for line in listing.output.splitlines()[1:]}
    assert set(lines) >= {"petugas", "supervisor"}
    assert "sampai " in lines["petugas"] and lines["supervisor"].rstrip().endswith("ya     -")

    mismatch = cli([*base_args, "petugas", "reset-sandi", "petugas"], input="baru-123\nlain-123\n")
    assert mismatch.exit_code != 0  # the two entries differ: nothing changes, still locked
    with pytest.raises(AuthError, match="Akun dikunci"):
        service.login("petugas", "petugas123", 1)
    reset = cli([*base_args, "petugas", "reset-sandi", "petugas"], input="baru-123\nbaru-123\n")
    assert reset.exit_code == 0 and "kunci akun dibuka" in reset.output
    assert service.login("petugas", "baru-123", 1).username == "petugas"
    assert "sampai" not in cli([*base_args, "staff", "list"]).output

    off = cli([*base_args, "petugas", "nonaktif", "petugas"])
    assert off.exit_code == 0 and "Petugas 'petugas' dinonaktifkan." in off.output
    with pytest.raises(AuthError, match="kata sandi salah"):
        service.login("petugas", "baru-123", 1)
    assert " tidak " in next(ln for ln in cli([*base_args, "petugas", "daftar"]).output.splitlines()
                             if ln.startswith("petugas "))
    on = cli([*base_args, "petugas", "nonaktif", "petugas", "--aktifkan"])
    assert on.exit_code == 0 and "diaktifkan" in on.output
    assert service.login("petugas", "baru-123", 1).username == "petugas"

    assert "tidak ada di kantor ini" in cli([*base_args, "petugas", "nonaktif", "siapa"]).output
    short = cli([*base_args, "petugas", "reset-sandi", "petugas", "--sandi", "123"])
    assert short.exit_code == 1 and "minimal 6 karakter" in short.output
    for cmd in ("daftar", "nonaktif", "reset-sandi"):
        out = cli(["petugas", cmd, "--help"]).output
        assert "Penggunaan:" in out and "Tampilkan bantuan ini" in out, cmd


def test_an_administrator_cannot_switch_off_their_own_account(desk_service):
    from models.dto import DeskError

    admin = desk_service.login("admin", "admin12345", None)
    with pytest.raises(DeskError, match="Akun sendiri"):
        desk_service.set_staff_active(admin, "admin", False)
    desk_service.set_staff_active(admin, "supervisor", False)
    assert [a.active for a in desk_service.list_staff(admin) if a.username == "supervisor"] == [False]
