"""``desk dasbor`` (alias ``dashboard``): the desk opening on the supervisors' dashboard after
sign-in, for a named period or the days typed with ``--dari`` / ``--sampai``."""

from __future__ import annotations

import datetime as dt

import click

from desk.clibase import DeskCommand, help_option, service_of

#: ``--periode`` values (named periods of the dashboard, screens.dashparts.PERIODS).
PERIODE_CHOICES: tuple[str, ...] = ("hari", "minggu", "bulan", "tahun", "semua")


def _tanggal(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Read ``--dari`` / ``--sampai`` as dd-mm-yyyy; a wrong date is an Indonesian usage error."""
    from screens.dashparts import parse_tanggal

    if value is None:
        return None
    try:
        return parse_tanggal(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.command("dasbor", cls=DeskCommand)
@click.option("--periode", type=click.Choice(PERIODE_CHOICES), default=None,
              help="Periode yang dibuka: hari (hari ini), minggu (7 hari), bulan (bulan ini), "
                   "tahun (tahun ini) atau semua (semua data). Bawaan: bulan.")
@click.option("--dari", callback=_tanggal, metavar="HH-BB-TTTT",
              help="Tanggal awal rentang, mis. 01-11-2026 (sampai hari ini bila --sampai tidak "
                   "diberikan).")
@click.option("--sampai", callback=_tanggal, metavar="HH-BB-TTTT",
              help="Tanggal akhir rentang (bersama --dari).")
@help_option
@click.pass_context
def dasbor(ctx: click.Context, periode: str | None, dari: dt.date | None,
           sampai: dt.date | None) -> None:
    """Buka dasbor kinerja layanan setelah masuk (alias: dashboard).

    Per layanan dan langkah SOP: jumlah selesai, median dan persentil 90 durasinya, bagian
    yang selesai dalam mutu baku, yang berjalan dan terlambat sekarang; langkah selesai per
    hari; angka per petugas; antrean hari ini. Angka diperbarui sendiri saat meja lain
    bekerja. Hanya untuk supervisor, kepala bidang, kepala dinas dan admin; petugas memakai
    aplikasi loket (desk tanpa perintah).

    \b
    Contoh:
      desk dasbor
      desk dasbor --periode hari
      desk dasbor --dari 01-10-2026 --sampai 31-10-2026
    """
    from desk.app import create_app

    if periode is not None and (dari is not None or sampai is not None):
        raise click.UsageError("Pilih --periode atau --dari/--sampai, bukan keduanya.", ctx=ctx)
    if sampai is not None and dari is None:
        raise click.UsageError("--sampai memerlukan --dari.", ctx=ctx)
    if dari is not None and sampai is not None and sampai < dari:
        raise click.UsageError("--sampai tidak boleh sebelum --dari.", ctx=ctx)
    service = service_of(ctx)
    create_app(service, "dasbor", periode=periode or "bulan", since=dari,
               until=sampai).run()


def register(cli: click.Group) -> None:
    """Add the command (and its English alias) to the ``desk`` group."""
    cli.add_command(dasbor)
    aliases = getattr(cli, "aliases", None)
    if isinstance(aliases, dict) and "dashboard" not in aliases:
        cli.aliases = {**aliases, "dashboard": "dasbor"}  # type: ignore[attr-defined]
