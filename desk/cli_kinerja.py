"""``desk laporan kinerja``: the Laporan Kinerja Pelayanan of a month (or any period) as a PDF,
or its tables as CSV or XLSX.

Like the other ``desk laporan`` commands it runs on the server as the ``sistem`` principal (see
models.permissions); the export is recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from desk.cli_kantor import office_of, office_option, office_today
from desk.clibase import DeskCommand, help_option, service_of

_DATE = click.DateTime(formats=["%d-%m-%Y", "%Y-%m-%d"])
_MONTH = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})-(\d{4}))\s*$")


def _month(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``"2026-11"`` (or ``"11-2026"``).

    Raises:
        click.BadParameter: not a month.
    """
    match = _MONTH.match(text)
    if not match:
        raise click.BadParameter(f"'{text}' bukan bulan; tulis TTTT-BB, mis. 2026-11.", param_hint="'--bulan'")
    year, month = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
    if not 1 <= month <= 12 or year < 2000:
        raise click.BadParameter(f"'{text}' bukan bulan; tulis TTTT-BB, mis. 2026-11.", param_hint="'--bulan'")
    first = dt.date(year, month, 1)
    return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def period_of(today: dt.date, bulan: str | None, dari: dt.date | None,
              sampai: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period to report: ``--bulan``, or ``--dari``/``--sampai`` (a missing end is today, a
    missing start the first day of the end's month), or else last month.

    Raises:
        click.UsageError / click.BadParameter: both kinds given, or an end before the start.
    """
    if bulan and (dari or sampai):
        raise click.UsageError("Pilih --bulan atau --dari/--sampai, bukan keduanya.")
    if bulan:
        return _month(bulan)
    if dari or sampai:
        until = sampai or today
        since = dari or until.replace(day=1)
        if until < since:
            raise click.BadParameter("tanggal --sampai sebelum --dari", param_hint="'--sampai'")
        return since, until
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@click.command("kinerja", cls=DeskCommand)
@click.option("--bulan", metavar="TTTT-BB", help="Bulan laporan, mis. 2026-11; bawaan bulan lalu.")
@click.option("--dari", type=_DATE, metavar="TANGGAL", help="Awal periode (HH-BB-TTTT), sebagai ganti --bulan.")
@click.option("--sampai", type=_DATE, metavar="TANGGAL", help="Akhir periode (HH-BB-TTTT); bawaan hari ini.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "csv", "xlsx"]), default="pdf", show_default=True,
              help="pdf: laporan lengkap dengan grafik; csv/xlsx: tabel angkanya.")
@click.option("--keluar", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS",
              help="Berkas tujuan; bawaan laporan/kinerja-KANTOR-DARI-SAMPAI.FORMAT di folder dokumen.")
@office_option
@help_option
@click.pass_context
def kinerja(ctx: click.Context, bulan: str | None, dari: dt.datetime | None, sampai: dt.datetime | None,
            fmt: str, output: Path | None, kantor: str | None) -> None:
    """Laporan Kinerja Pelayanan satu bulan (atau periode lain): per layanan dan langkah SOP
    jumlah selesai, median dan P90 waktu, bagian yang tepat mutu baku, yang berjalan dan
    terlambat saat ini, per hari dan per petugas. PDF dengan kop, tabel dan grafik; CSV atau
    XLSX berisi angka yang sama. Tercatat di jejak audit.

    Contoh: desk laporan kinerja --bulan 2026-11 --format xlsx
    """
    from output.kinerja import periode

    service = service_of(ctx)
    office = office_of(ctx, service, kantor)
    since, until = period_of(office_today(service, office), bulan, dari.date() if dari else None,
                             sampai.date() if sampai else None)
    path = service.export_performance(service.principal("sistem"), since, until, fmt,
                                      office_id=office.id if office else None, path=output)
    click.echo(f"Laporan Kinerja Pelayanan {periode(since, until)} ({fmt.upper()}) ditulis ke {path}")
