"""``desk register`` (the register of cases as CSV or XLSX) and ``desk impor`` (a beneficiary list
imported as cases).

Both handle personal data (the register shows full NIKs; an import records people), so they run
as a signed-in staff member: ``--petugas NAMA_PENGGUNA`` and the password (asked when not given),
like the login screen. The export and the import are recorded in the audit trail under that name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from desk.clibase import DeskCommand, help_option, service_of

_DATE = click.DateTime(formats=["%Y-%m-%d", "%d-%m-%Y"])


def _sign_in(service, username: str, password: str):
    from models.dto import DeskError

    try:
        return service.login(username, password, None)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None


def _staff_options(f):
    f = click.option("--sandi", metavar="SANDI", prompt="Kata sandi", hide_input=True,
                     help="Kata sandi petugas (ditanyakan bila tidak diberikan).")(f)
    return click.option("--petugas", "username", required=True, metavar="NAMA_PENGGUNA",
                        help="Akun yang menjalankan (supervisor atau admin); tercatat di jejak audit.")(f)


@click.command("register", cls=DeskCommand)
@click.argument("kode", required=False, metavar="[KODE]")
@click.option("--dari", type=_DATE, metavar="TANGGAL", help="Awal periode (TTTT-BB-HH); bawaan 1 Januari tahun ini.")
@click.option("--sampai", type=_DATE, metavar="TANGGAL", help="Akhir periode (TTTT-BB-HH); bawaan hari ini.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="Format berkas; bawaan dari akhiran -o, atau xlsx.")
@click.option("-o", "--keluaran", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS",
              help="Berkas tujuan; bawaan register-KODE-DARI-SAMPAI.xlsx di folder ini.")
@_staff_options
@help_option
@click.pass_context
def register(ctx: click.Context, kode: str | None, dari: dt.datetime | None, sampai: dt.datetime | None,
             fmt: str | None, output: Path | None, username: str, sandi: str) -> None:
    """Ekspor register berkas (nomor register, tanggal lengkap, NIK, nama, alamat, status, hasil,
    nomor surat) satu layanan KODE, atau semua layanan, dalam satu periode, sebagai CSV atau XLSX.

    Register memuat NIK lengkap: simpan berkasnya dengan aman. Ekspor tercatat di jejak audit.

    Contoh: desk register VETERAN --dari 2026-01-01 --sampai 2026-12-31 --petugas supervisor
    """
    from models.dto import DeskError

    service = service_of(ctx)
    today = service.now().date()
    since = dari.date() if dari else dt.date(today.year, 1, 1)
    until = sampai.date() if sampai else today
    if until < since:
        raise click.BadParameter("tanggal --sampai sebelum --dari", ctx=ctx, param_hint="'--sampai'")
    if fmt is None:
        fmt = "csv" if output is not None and output.suffix.lower() == ".csv" else "xlsx"
    if output is None:
        output = Path(f"register-{(kode or 'semua').upper()}-{since:%Y%m%d}-{until:%Y%m%d}.{fmt}")
    session = _sign_in(service, username, sandi)
    try:
        done = service.export_register(session, kode, since, until, output, fmt)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{done.title}: {done.rows} berkas ditulis ke {done.path} ({done.format.upper()}).")
    click.echo("Berkas ini memuat NIK lengkap; simpan dengan aman.")


@click.command("impor", cls=DeskCommand)
@click.argument("kode", metavar="KODE")
@click.argument("berkas", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS")
@click.option("--uji", is_flag=True, help="Periksa saja: laporkan baris yang bermasalah tanpa menyimpan apa pun.")
@_staff_options
@help_option
@click.pass_context
def impor(ctx: click.Context, kode: str, berkas: Path, uji: bool, username: str, sandi: str) -> None:
    """Impor daftar penerima (CSV atau XLSX) menjadi berkas layanan KODE yang dimulai dari data
    (mis. KUKAR-IDAMAN, PERMAKANAN, VETERAN, SEMBAKO).

    Kolom dikenali dari judulnya: NIK; NKK / No KK; Nama; Jenis Kelamin / JK (L/P); Tanggal Lahir
    (hh-bb-tttt atau tttt-bb-hh); Alamat; Desa / Kelurahan; Kecamatan; Kabupaten; No HP. NIK dan
    NKK harus berformat Teks di Excel. Setiap baris diperiksa; bila ada satu saja yang salah,
    tidak ada yang diimpor dan setiap baris yang salah dilaporkan (keluar dengan kode 1).

    Contoh: desk impor VETERAN penerima.xlsx --uji --petugas supervisor
    """
    from models.dto import DeskError
    from models.imports import describe

    service = service_of(ctx)
    session = _sign_in(service, username, sandi)
    try:
        report = service.import_file(session, kode, berkas, trial=uji)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None
    for line in describe(report):
        click.echo(line)
    if not report.ok:
        ctx.exit(1)


def register_commands(cli: click.Group) -> None:
    """Add ``register`` and ``impor`` (alias ``import``) to the root group."""
    from desk.clibase import AliasedGroup

    AliasedGroup.aliases.setdefault("import", "impor")
    cli.add_command(register)
    cli.add_command(impor)
