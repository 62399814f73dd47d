"""The `desk` command line (click). Help and messages are in Bahasa Indonesia.

Commands have Indonesian names with English aliases (``jalankan``/``run``, ``katalog``/``catalog``,
``petugas``/``staff`` ...). Global options ``--db``, ``--config`` and ``--data-dir`` also come from
the environment (``DESK_DB``, ``DESK_CONFIG``, ``DESK_DATA_DIR``).
"""

from __future__ import annotations

import sys

import click

from desk import __version__
from desk.clibase import (
    AliasedGroup,
    DeskContext,
    config_of,
    help_option,
    safe_url,
    service_of,
    tui_service_of,
)

HELP = """desk: layanan loket Dinas Sosial di terminal.

Antrean (mesin antrean), pemeriksaan berkas sesuai Standar Pelayanan, pengukuran waktu
SOP terhadap mutu baku, dan pencetakan tiket, slip kekurangan berkas, tanda terima serta
surat rekomendasi. Tanpa perintah, desk membuka aplikasi loket.

Contoh:

  desk demo            siapkan kantor demo lalu buka aplikasi

  desk init            buat atau perbarui basis data

  desk katalog daftar  daftar jenis layanan
"""


def _run_tui(service) -> None:
    from desk.app import create_app

    app = create_app(service)
    app.run()


@click.group(cls=AliasedGroup, invoke_without_command=True, help=HELP,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", envvar="DESK_DB", metavar="URL",
              help="Basis data: postgresql://pengguna@host:5432/nama atau path berkas SQLite. "
                   "Bawaan: SQLite di folder data pengguna. [env: DESK_DB]")
@click.option("--config", "config_file", envvar="DESK_CONFIG", metavar="BERKAS",
              help="Berkas konfigurasi TOML (kop surat, zona waktu, penomoran). [env: DESK_CONFIG]")
@click.option("--data-dir", "data_dir", envvar="DESK_DATA_DIR", metavar="FOLDER",
              help="Folder data (basis data SQLite dan dokumen PDF). [env: DESK_DATA_DIR]")
@click.version_option(__version__, "--version", "-V", prog_name="desk", message="%(prog)s %(version)s",
                      help="Tampilkan versi lalu keluar.")
@click.help_option("-h", "--help", help="Tampilkan bantuan ini lalu keluar.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config_file: str | None, data_dir: str | None) -> None:
    """The root group: stores global options; without a subcommand runs the TUI."""
    obj = ctx.ensure_object(dict)
    obj.update(db=db, config_file=config_file, data_dir=data_dir)
    if ctx.invoked_subcommand in ("katalog", "catalog"):
        config_of(ctx)  # the catalog commands read the office's extra catalog folders from it
    if ctx.invoked_subcommand is None:
        _run_tui(tui_service_of(ctx))


@cli.command("jalankan")
@help_option
@click.pass_context
def jalankan(ctx: click.Context) -> None:
    """Buka aplikasi loket (alias: run)."""
    _run_tui(tui_service_of(ctx))


@cli.command("init")
@help_option
@click.pass_context
def init(ctx: click.Context) -> None:
    """Buat atau perbarui basis data (skema, kantor, loket, layanan)."""
    from models.db import backend_name

    service = service_of(ctx, open_db=False)
    config = config_of(ctx)
    try:
        applied = service.open()
    except Exception as exc:
        raise click.ClickException(f"Tidak dapat membuka basis data {safe_url(config.db_url)}: {exc}") from None
    click.echo(f"Basis data: {backend_name(service.db)} {safe_url(config.db_url)}")
    if applied:
        click.echo("Migrasi diterapkan: " + ", ".join(applied))
    else:
        click.echo("Skema sudah terbaru.")
    click.echo(f"Kantor: {config.office.name} ({config.office.timezone}), {config.office.counters} loket, "
               f"{len(service.office.services)} jenis layanan.")
    from desk.cli_kantor import describe_offices

    describe_offices(service, config.office)
    if service.staff_count(service.principal("sistem")) == 0:
        click.echo("Belum ada petugas. Tambahkan dengan: desk petugas tambah NAMA_PENGGUNA --nama \"Nama Lengkap\"")


@cli.command("demo")
@click.option("--siapkan-saja", is_flag=True, help="Hanya siapkan data demo, jangan buka aplikasi.")
@help_option
@click.pass_context
def demo(ctx: click.Context, siapkan_saja: bool) -> None:
    """Siapkan kantor demo (petugas, tiket, berkas contoh) lalu buka aplikasi.

    Akun demo: petugas / petugas123, supervisor / supervisor123.
    """
    from models.demo import DEMO_STAFF, prepare_demo

    service = service_of(ctx)
    created = prepare_demo(service)
    config = config_of(ctx)
    click.echo(f"Kantor demo siap di {safe_url(config.db_url)}")
    click.echo(f"Dokumen PDF disimpan di {config.output_dir}")
    click.echo("Akun demo: " + ", ".join(f"{u} / {p}" for u, _, p, _ in DEMO_STAFF[:3]))
    if created["tiket"]:
        click.echo(f"{created['tiket']} tiket contoh dan {created['berkas']} berkas contoh dibuat.")
    if not siapkan_saja:
        _run_tui(service)


@cli.group("petugas", cls=AliasedGroup)
@help_option
def petugas() -> None:
    """Kelola akun petugas: tambah, daftar, nonaktif, reset-sandi (alias: staff)."""


@petugas.command("tambah")
@click.argument("username", metavar="NAMA_PENGGUNA")
@click.option("--nama", required=True, metavar="NAMA", help="Nama lengkap petugas.")
@click.option("--peran", type=click.Choice(["petugas", "supervisor", "admin"]), default="petugas",
              show_default=True, help="Peran petugas.")
@click.option("--nip", default="", metavar="NIP", help="NIP (opsional).")
@click.option("--sandi", metavar="SANDI", prompt="Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi",
              help="Kata sandi (ditanyakan bila tidak diberikan).")
@help_option
@click.pass_context
def petugas_tambah(ctx: click.Context, username: str, nama: str, peran: str, nip: str, sandi: str) -> None:
    """Tambah petugas, atau atur ulang kata sandinya bila sudah ada (alias: add)."""
    from models.dto import DeskError

    service = service_of(ctx)
    try:
        service.add_staff(service.principal("sistem"), username, nama, sandi, peran, nip)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Petugas '{username.lower()}' ({peran}) tersimpan.")


@petugas.command("daftar")
@help_option
@click.pass_context
def petugas_daftar(ctx: click.Context) -> None:
    """Tampilkan akun petugas kantor: nama pengguna, nama, peran, aktif, terkunci (alias: list)."""
    service = service_of(ctx)
    accounts = service.list_staff(service.principal("sistem"))
    if not accounts:
        click.echo("Belum ada petugas.")
        return
    click.echo(f"{'NAMA PENGGUNA':<20} {'NAMA':<30} {'PERAN':<12} {'AKTIF':<6} TERKUNCI")
    for acc in accounts:
        locked = f"sampai {acc.locked_until:%H.%M}" if acc.locked_until else "-"
        click.echo(f"{acc.username:<20} {acc.full_name[:30]:<30} {acc.role:<12} "
                   f"{'ya' if acc.active else 'tidak':<6} {locked}")


@petugas.command("nonaktif")
@click.argument("username", metavar="NAMA_PENGGUNA")
@click.option("--aktifkan", is_flag=True, help="Aktifkan kembali akun yang dinonaktifkan.")
@help_option
@click.pass_context
def petugas_nonaktif(ctx: click.Context, username: str, aktifkan: bool) -> None:
    """Nonaktifkan akun petugas (tidak dapat masuk lagi), atau aktifkan kembali dengan --aktifkan."""
    service = service_of(ctx)
    service.set_staff_active(service.principal("sistem"), username, aktifkan)
    click.echo(f"Petugas '{username.strip().lower()}' {'diaktifkan' if aktifkan else 'dinonaktifkan'}.")


@petugas.command("reset-sandi")
@click.argument("username", metavar="NAMA_PENGGUNA")
@click.option("--sandi", metavar="SANDI", help="Kata sandi baru (untuk skrip; ditanyakan bila tidak diberikan).")
@help_option
@click.pass_context
def petugas_reset_sandi(ctx: click.Context, username: str, sandi: str | None) -> None:
    """Atur kata sandi baru petugas dan buka kunci akunnya."""
    if sandi is None:
        sandi = click.prompt("Kata sandi baru", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    service = service_of(ctx)
    service.reset_staff_password(service.principal("sistem"), username, sandi)
    click.echo(f"Kata sandi petugas '{username.strip().lower()}' diganti; kunci akun dibuka.")


@cli.command("status")
@help_option
@click.pass_context
def status(ctx: click.Context) -> None:
    """Tampilkan konfigurasi, letak data dan isi basis data."""
    from models.db import backend_name

    config = config_of(ctx)
    service = service_of(ctx)
    click.echo(f"Versi desk      : {__version__}")
    click.echo(f"Berkas konfigurasi: {config.config_file or '(tidak ada; memakai bawaan)'}")
    click.echo(f"Basis data      : {backend_name(service.db)} {safe_url(config.db_url)}")
    click.echo(f"Folder data     : {config.data_dir}")
    click.echo(f"Folder dokumen  : {config.output_dir}")
    click.echo(f"Kantor          : {config.office.name} ({config.office.timezone})")
    labels = {"tiket_hari_ini": "Tiket hari ini", "berkas": "Berkas", "menunggu_berkas": "Menunggu berkas",
              "diproses": "Diproses", "petugas": "Petugas", "dokumen": "Dokumen"}
    for key, value in service.counts(service.principal("sistem")).items():
        click.echo(f"{labels[key]:<16}: {value}")


@cli.command("verifikasi")
@click.argument("kode", metavar="KODE|URL|BERKAS.pdf")
@help_option
@click.pass_context
def verifikasi(ctx: click.Context, kode: str) -> None:
    """Periksa keaslian surat: dari kode verifikasinya, alamat di kode QR-nya, atau berkas PDF-nya
    (alias: verify).

    Hasilnya ASLI (kode keluar 0), atau DIUBAH, TIDAK DIKENAL, atau asli tetapi sudah tidak
    berlaku karena diganti perubahannya (kode keluar 1; versi yang berlaku disebutkan). Huruf
    besar/kecil dan tanda hubung pada kode bebas.

    \b
    Contoh:
      desk verifikasi 7KQ2-M9XD-4B
      desk verifikasi "https://dinsos.kukarkab.go.id/verifikasi?kode=7KQ2-M9XD-4B"
      desk verifikasi surat-rekomendasi.pdf
    """
    from pathlib import Path

    from models.dto import DeskError
    from output.words import format_tanggal

    service = service_of(ctx)
    public = service.principal("publik")
    is_file = kode.lower().endswith(".pdf") or Path(kode).is_file()
    try:
        letter = service.verify_file(public, kode) if is_file else service.verify_letter(public, kode)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None
    if letter is None:
        what = (f"berkas '{kode}' tidak memuat kode atau nomor surat yang tercatat" if is_file
                else f"kode verifikasi '{kode}' tidak tercatat")
        raise click.ClickException(f"TIDAK DIKENAL: {what}; surat ini TIDAK tercatat diterbitkan oleh "
                                   "desk kantor ini.")
    if letter.verdict == "diubah":
        click.echo("Surat DIUBAH: kode atau nomornya tercatat, tetapi isinya tidak sesuai dengan yang diterbitkan:")
        for difference in letter.differences:
            click.echo(f"  - {difference}")
        click.echo("Yang tercatat di desk:")
    elif letter.legacy:
        click.echo("Surat ASLI, tercatat di desk (kode lama, diperiksa dari catatan saja):")
    else:
        click.echo("Surat ASLI, tercatat di desk:")
    click.echo(f"  Nomor surat  : {letter.number}")
    click.echo(f"  Perihal      : {letter.title}")
    click.echo(f"  Tanggal      : {format_tanggal(letter.issued_at.date())}")
    click.echo(f"  Layanan      : {letter.service_name}")
    click.echo(f"  Pemohon      : {letter.applicant_name}")
    if letter.nik:
        click.echo(f"  NIK          : {letter.nik}")
    click.echo(f"  Register     : {letter.register_no} ({letter.status_label})")
    click.echo(f"  Kode         : {letter.code}")
    if letter.version > 1:
        click.echo(f"  Versi        : perubahan ke-{letter.version}")
    if letter.voided_at is not None:
        click.echo(f"Surat ini TIDAK BERLAKU LAGI sejak {format_tanggal(letter.voided_at.date())}"
                   + (f": {letter.void_reason}" if letter.void_reason else "."))
    if letter.current_number:
        click.echo(f"Versi yang berlaku: Nomor {letter.current_number} (kode {letter.current_code}).")
    if letter.verdict != "asli" or letter.voided_at is not None:
        ctx.exit(1)


@cli.group("konfigurasi", cls=AliasedGroup)
@help_option
def konfigurasi() -> None:
    """Konfigurasi kantor (alias: config)."""


@konfigurasi.command("contoh")
@help_option
def konfigurasi_contoh() -> None:
    """Cetak contoh berkas konfigurasi desk.toml."""
    from desk.config import EXAMPLE_CONFIG, default_config_file

    click.echo(f"# Simpan sebagai {default_config_file()} atau pakai --config BERKAS\n")
    click.echo(EXAMPLE_CONFIG)


def _load_katalog() -> click.Command:
    from desk.cli_katalog import katalog

    katalog.options_metavar = "[OPSI]"
    katalog.subcommand_metavar = "PERINTAH [ARG]..."
    katalog.context_class = DeskContext
    for command in katalog.commands.values():
        command.context_class = DeskContext
        command.options_metavar = "[OPSI]"
    return katalog


cli.add_lazy_command("katalog", _load_katalog)  # forms/ is not imported at every start of desk


def _register_kantor() -> None:
    from desk.cli_kantor import laporan, loket
    from desk.cli_kinerja import kinerja

    laporan.add_command(kinerja)
    cli.add_command(loket)
    cli.add_command(laporan)


_register_kantor()


def _register_anjungan() -> None:
    from desk.cli_anjungan import register

    register(cli)


_register_anjungan()


def _register_papan() -> None:
    from desk.cli_papan import papan

    cli.add_command(papan)


_register_papan()


def _register_data() -> None:
    from desk.cli_data import register_commands

    register_commands(cli)


_register_data()


def _register_dasbor() -> None:
    from desk.cli_dasbor import register

    register(cli)


_register_dasbor()


def _register_kalender() -> None:
    from desk.cli_kalender import kalender

    cli.add_command(kalender)
    cli.aliases = {**cli.aliases, "calendar": "kalender"}


_register_kalender()


def _register_cadangan() -> None:
    from desk.cli_cadangan import register

    register(cli)


_register_cadangan()


def _register_audit() -> None:
    from desk.cli_audit import audit

    cli.add_command(audit)


_register_audit()


def _register_ssh() -> None:
    from desk.cli_ssh import register

    register(cli)


_register_ssh()


#: click's usage errors (English) and their Indonesian wording; applied one after another, so
#: "No such option '--x'. Did you mean '--y'?" becomes two translated sentences.
_CLICK_MESSAGES = (
    (r"Missing argument '(.+?)'\.", r"Argumen '\1' belum diberikan."),
    (r"Missing option '(.+?)'\.", r"Opsi '\1' wajib diisi."),
    (r"No such option: (\S+)", r"Opsi tidak dikenal: \1"),
    (r"No such option '(.+?)'\.", r"Opsi tidak dikenal: '\1'."),
    (r"No such command '(.+?)'\.", r"Perintah tidak dikenal: '\1'."),
    (r"\(Did you mean one of: (.+?)\?\)", r"(Maksud Anda salah satu dari: \1?)"),
    (r"Did you mean (.+?)\?", r"Maksud Anda \1?"),
    (r"Got unexpected extra arguments? \((.+?)\)", r"Argumen berlebih: \1"),
    (r"Option '(.+?)' requires an argument\.", r"Opsi '\1' memerlukan nilai."),
    (r"Invalid value for (.+?): ", r"Nilai tidak sah untuk \1: "),
    (r"Invalid value: ", r"Nilai tidak sah: "),
    (r"'(.+?)' is not one of (.+?)\.", r"'\1' bukan salah satu dari \2."),
    (r"'(.+?)' is not a valid integer( range)?\.", r"'\1' bukan bilangan bulat."),
)


def _indonesian(message: str) -> str:
    """Translate click's common usage errors."""
    import re

    for pattern, replacement in _CLICK_MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


def main() -> None:
    """Console-script entry point: runs the CLI, printing errors in Indonesian."""
    try:
        code = cli.main(prog_name="desk", obj={}, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Dibatalkan.", err=True)
        sys.exit(1)
    except click.exceptions.NoArgsIsHelpError as exc:
        # "desk katalog" alone: show what the group offers (not an error)
        click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
        sys.exit(0)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"Coba '{exc.ctx.command_path} --help' untuk bantuan.", err=True)
        click.echo(f"Galat: {_indonesian(exc.format_message())}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Galat: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
