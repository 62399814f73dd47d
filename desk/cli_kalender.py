"""``desk kalender`` (the office's working calendar): the holidays, cuti bersama and closures of a
year; closing the office on a day and opening it again.

The command line runs on the server with the database's credentials: it acts as the ``sistem``
principal, which holds every permission (see models.permissions). A closure moves the due times
of the running steps and of the cases in process; every desk counts it within a minute.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import click

from desk.clibase import AliasedGroup, help_option, service_of

_DATE = click.DateTime(formats=["%Y-%m-%d", "%d-%m-%Y"])

#: How each kind of day is named in the list.
_KINDS = {"libur": "libur nasional", "cuti_bersama": "cuti bersama", "tutup": "kantor tutup"}

_WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


class _CalendarGroup(AliasedGroup):
    """``desk kalender``: its commands also answer to close and open."""

    aliases: ClassVar[dict[str, str]] = {**AliasedGroup.aliases, "close": "tutup", "open": "buka"}


@click.group("kalender", cls=_CalendarGroup)
@help_option
def kalender() -> None:
    """Kalender kerja kantor: hari libur, cuti bersama dan hari kantor tutup (alias: calendar).

    Jam kerja, jadwal Ramadan dan cuti bersama diatur di bagian [kalender] berkas konfigurasi
    (lihat 'desk konfigurasi contoh').
    """


def _hours_text(hours: tuple[tuple[int, int, int], ...]) -> str:
    return ", ".join(f"{_WEEKDAYS[day]} {start // 60:02d}.{start % 60:02d}-{end // 60:02d}.{end % 60:02d}"
                     for day, start, end in hours)


@kalender.command("lihat")
@click.option("--tahun", type=click.IntRange(2000, 2100), metavar="TAHUN", help="Tahun; bawaan tahun ini.")
@help_option
@click.pass_context
def kalender_lihat(ctx: click.Context, tahun: int | None) -> None:
    """Hari libur nasional, cuti bersama dan hari kantor tutup dalam satu tahun (alias: show)."""
    from output.words import format_tanggal

    service = service_of(ctx)
    year = tahun or service.now().year
    settings = service.settings
    days = service.calendar_days(service.principal("sistem"), year)
    click.echo(f"Kalender kerja {settings.name} tahun {year}")
    click.echo(f"Jam kerja: {_hours_text(settings.calendar.hours)}")
    if settings.calendar.ramadan:
        click.echo(f"Jam kerja Ramadan: {_hours_text(settings.calendar.ramadan_hours)}")
    click.echo("Cuti bersama: " + ("libur" if settings.cuti_bersama_libur else "kantor buka"))
    click.echo("")
    for entry in days:
        kind = _KINDS.get(entry.kind, entry.kind)
        if not entry.closed:
            kind += " (kantor buka)"
        click.echo(f"{_WEEKDAYS[entry.day.weekday()]:<7} {format_tanggal(entry.day):<20} {kind:<28} {entry.name}")
    if not days:
        click.echo("Tidak ada hari libur yang tercatat.")


@kalender.command("tutup")
@click.argument("tanggal", type=_DATE, metavar="TANGGAL")
@click.option("--alasan", default="", metavar="TEKS", help='Alasan, mis. "Banjir" atau "Hari jadi kabupaten".')
@help_option
@click.pass_context
def kalender_tutup(ctx: click.Context, tanggal: dt.datetime, alasan: str) -> None:
    """Catat kantor tutup pada TANGGAL (TTTT-BB-HH); batas waktu langkah dan berkas yang
    berjalan dihitung ulang (alias: close)."""
    from output.words import format_tanggal

    service = service_of(ctx)
    change = service.add_closure(service.principal("sistem"), tanggal.date(), alasan)
    why = f" ({change.reason})" if change.reason else ""
    click.echo(f"Kantor tutup pada {format_tanggal(change.day)}{why}.")
    click.echo(f"Batas waktu dihitung ulang: {change.runs_moved} langkah berjalan, "
               f"{change.cases_moved} berkas dalam proses.")


@kalender.command("buka")
@click.argument("tanggal", type=_DATE, metavar="TANGGAL")
@help_option
@click.pass_context
def kalender_buka(ctx: click.Context, tanggal: dt.datetime) -> None:
    """Hapus catatan kantor tutup pada TANGGAL (kantor buka lagi) (alias: open)."""
    from output.words import format_tanggal

    service = service_of(ctx)
    change = service.remove_closure(service.principal("sistem"), tanggal.date())
    click.echo(f"Kantor buka pada {format_tanggal(change.day)}.")
    click.echo(f"Batas waktu dihitung ulang: {change.runs_moved} langkah berjalan, "
               f"{change.cases_moved} berkas dalam proses.")
