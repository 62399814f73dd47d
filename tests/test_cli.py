"""The `desk` command line: help in Indonesian, init, demo preparation, staff, status, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk.cli import cli
from casesteps import until_issuable

ROOT = Path(__file__).resolve().parent.parent


def run(args, **kwargs):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli, args, obj={}, prog_name="desk", catch_exceptions=False, **kwargs)


@pytest.fixture
def base_args(tmp_path, db_url):
    return ["--db", db_url, "--data-dir", str(tmp_path)]


def test_help_is_indonesian_for_every_command():
    root = run(["--help"])
    assert root.exit_code == 0 and "Penggunaan: desk" in root.output and "Perintah:" in root.output
    for cmd in (["jalankan"], ["init"], ["demo"], ["petugas", "tambah"], ["status"], ["katalog", "daftar"],
                ["katalog", "lihat"], ["katalog", "periksa"], ["konfigurasi", "contoh"],
                ["loket", "daftar"], ["loket", "ubah"], ["laporan", "petugas"], ["laporan", "langkah"]):
        out = run([*cmd, "--help"]).output
        assert "Penggunaan:" in out and "Tampilkan bantuan ini" in out, cmd
        assert "Show this message" not in out and "Usage:" not in out, cmd


def test_version():
    assert run(["--version"]).output.strip() == "desk 0.1.0"


@pytest.mark.empty_db
def test_init_then_demo_then_status(base_args, tmp_path):
    first = run([*base_args, "init"])
    assert first.exit_code == 0, first.output
    assert "Migrasi diterapkan: 0001_initial" in first.output and "14 jenis layanan" in first.output
    assert "Skema sudah terbaru." in run([*base_args, "init"]).output
    demo = run([*base_args, "demo", "--siapkan-saja"])
    assert demo.exit_code == 0 and "petugas / petugas123" in demo.output
    status = run([*base_args, "status"])
    assert "Petugas         : 4" in status.output and "Tiket hari ini" in status.output


def test_add_staff_then_login_works(base_args, tmp_path, db_url):
    out = run([*base_args, "petugas", "tambah", "dewi", "--nama", "Dewi Lestari", "--peran", "supervisor"],
              input="rahasia99\nrahasia99\n")
    assert out.exit_code == 0 and "Petugas 'dewi' (supervisor) tersimpan." in out.output
    bad = run([*base_args, "staff", "add", "x", "--nama", "X", "--sandi", "123456"])
    assert bad.exit_code == 1 and "Nama pengguna 3-60 karakter" in bad.output


def test_unreachable_database_gives_a_clear_message(tmp_path):
    out = CliRunner().invoke(cli, ["--db", "postgresql://nobody@127.0.0.1:1/none", "--data-dir", str(tmp_path),
                                   "init"], obj={})
    assert out.exit_code == 1 and "Tidak dapat membuka basis data" in out.output
    assert "Traceback" not in out.output


def test_bad_config_file_is_reported_at_its_key(tmp_path):
    cfg = tmp_path / "desk.toml"
    cfg.write_text('[kantor]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    out = CliRunner().invoke(cli, ["--config", str(cfg), "--data-dir", str(tmp_path), "status"], obj={})
    assert out.exit_code == 1 and "[kantor].timezone" in out.output and "Mars/Olympus" in out.output


def test_console_script_prints_indonesian_usage_errors():
    result = subprocess.run([sys.executable, "-m", "desk", "tidak-ada"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Galat: Perintah 'tidak-ada' tidak dikenal" in result.stderr


def test_verifikasi_tells_genuine_from_unknown_codes(base_args, config):
    from desk.wiring import make_service
    from models.dto import ApplicantInput

    assert run([*base_args, "demo", "--siapkan-saja"]).exit_code == 0
    service = make_service(config)
    service.open()
    session = service.login("petugas", "petugas123", 1)
    case = service.open_case(session, "REK-LKS", ApplicantInput(
        nik="6403051507800003", name="Budi Santoso", address="Jl. A", desa="Timbau", kecamatan="Tenggarong",
        org_name="LKS Harapan"))
    for line in case.checklist:
        service.set_item(session, case.id, line.item_id, True)
    service.decide(session, case.id, reason="pengurus tercatat pada berkas")
    until_issuable(service, session, case.id)
    letter = service.print_product(session, case.id)
    ok = run([*base_args, "verifikasi", letter.verification_code])
    assert ok.exit_code == 0 and "Surat ASLI" in ok.output and letter.number in ok.output
    assert "LKS Harapan" in ok.output
    bad = CliRunner().invoke(cli, [*base_args, "verify", "AAAA-BBBB"], obj={})
    assert bad.exit_code == 1 and "TIDAK tercatat" in bad.output


def test_usage_errors_and_bare_groups_speak_indonesian():
    """A mistyped option is named in Indonesian; a command group alone shows its help."""
    bad = subprocess.run([sys.executable, "-m", "desk", "status", "--bogus"], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert "Galat: Opsi tidak dikenal: '--bogus'." in bad.stderr
    assert "No such" not in bad.stderr
    bare = subprocess.run([sys.executable, "-m", "desk", "katalog"], cwd=ROOT,
                          capture_output=True, text=True)
    assert bare.returncode == 0
    assert "Perintah:" in bare.stdout and "daftar" in bare.stdout
    assert "Galat" not in bare.stderr


def test_loket_are_named_closed_and_opened_from_the_command_line(base_args):
    assert run([*base_args, "init"]).exit_code == 0
    renamed = run([*base_args, "loket", "ubah", "2", "--nama", "Loket [b]Prioritas[/]", "--tutup"])
    assert renamed.exit_code == 0 and "Loket 2: Loket [b]Prioritas[/] (ditutup); memanggil semua jalur." in renamed.output
    listed = run([*base_args, "counter", "list"]).output
    assert "Loket 2   Loket [b]Prioritas[/]          jalur: semua jalur  (ditutup)" in listed
    missing = CliRunner().invoke(cli, [*base_args, "loket", "ubah", "9", "--nama", "X"], obj={})
    assert missing.exit_code != 0 and "Loket 9 tidak ada" in missing.output
    run([*base_args, "demo", "--siapkan-saja"])
    from models.dto import AuthError
    from desk.config import load_config
    from desk.wiring import make_service

    service = make_service(load_config(db=base_args[1], data_dir=base_args[3]))
    service.open()
    with pytest.raises(AuthError, match="Loket 2 tidak ada"):  # a closed loket cannot be chosen
        service.login("petugas", "petugas123", 2)
    service.close()


def test_reports_per_staff_and_per_step(base_args):
    run([*base_args, "demo", "--siapkan-saja"])  # the demo decides one sample case
    staff = run([*base_args, "laporan", "petugas"])
    assert staff.exit_code == 0 and "Petugas" in staff.output
    rina = next(line for line in staff.output.splitlines() if line.startswith("Rina Wulandari"))
    assert rina.split()[-4:] == ["1", "1", "0", "1"]  # a case, its decision, its slip
    steps = run([*base_args, "report", "steps"])
    assert steps.exit_code == 0 and "Belum ada langkah" in steps.output
    wrong = CliRunner().invoke(cli, [*base_args, "laporan", "langkah", "--dari", "2026-12-05",
                                     "--sampai", "2026-12-01"], obj={})
    assert wrong.exit_code != 0
