"""``desk loket`` (the office's loket) and ``desk laporan`` (figures for supervisors; ``desk laporan
bangun-ulang`` recomputes the dashboard's step summaries).

The command line runs on the server with the database's credentials: it acts as the ``sistem``
principal, which holds every permission (see models.permissions) and may read every office:
``--kantor KODE`` reports on another office of the database, its days in that office's time
zone (default: the office of the configuration).
"""

from __future__ import annotations

import datetime as dt

import click

from desk.clibase import AliasedGroup, help_option, service_of


@click.group("loket", cls=AliasedGroup)
@help_option
def loket() -> None:
    """Loket kantor: daftar, ganti nama, buka atau tutup (alias: counter)."""


@loket.command("daftar")
@help_option
@click.pass_context
def loket_daftar(ctx: click.Context) -> None:
    """Tampilkan loket kantor (alias: list)."""
    service = service_of(ctx)
    for counter in service.all_counters(service.principal("sistem")):
        state = "" if counter.active else "  (ditutup)"
        served = ", ".join(counter.lines) if counter.lines else "semua jalur"
        click.echo(f"Loket {counter.number:<3} {counter.name:<30} jalur: {served}{state}")


@loket.command("ubah")
@click.argument("nomor", type=int, metavar="NOMOR")
@click.option("--nama", default="", metavar="NAMA", help='Nama loket, mis. "Loket Prioritas".')
@click.option("--tutup/--buka", "tutup", default=None, help="Tutup loket (tidak dapat dipilih saat masuk) "
                                                              "atau buka lagi.")
@click.option("--jalur", default=None, metavar="PREFIKS",
              help='Jalur antrean yang dipanggil loket ini, mis. "A,B"; "semua" = semua jalur.')
@help_option
@click.pass_context
def loket_ubah(ctx: click.Context, nomor: int, nama: str, tutup: bool | None, jalur: str | None) -> None:
    """Ganti nama loket NOMOR, buka atau tutup, atur jalur antreannya (alias: edit)."""
    from models.dto import DeskError

    if not nama and tutup is None and jalur is None:
        raise click.UsageError("Beri --nama, --tutup/--buka atau --jalur.", ctx=ctx)
    service = service_of(ctx)
    lines = None if jalur is None else ("" if jalur.strip().lower() == "semua" else jalur)
    try:
        counter = service.rename_counter(service.principal("sistem"), nomor, nama,
                                         None if tutup is None else not tutup, lines)
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None
    state = "" if tutup is None else (" (ditutup)" if tutup else " (dibuka)")
    served = ", ".join(counter.lines) if counter.lines else "semua jalur"
    click.echo(f"Loket {counter.number}: {counter.name}{state}; memanggil {served}.")


def describe_offices(service, settings) -> None:
    """After ``desk init``: this office's place among the offices of the database (kantor induk
    or cabang, the others there), and a warning when a branch's main office is not there yet."""
    others = [o for o in service.offices(service.principal("sistem")) if o.id != service.office_id]
    if settings.induk:
        main = next((o for o in others if o.code == settings.induk), None)
        if main is None:
            click.echo(f"Peringatan: kantor induk '{settings.induk}' ([kantor] induk) belum ada di basis data "
                       "ini. Jalankan desk init dengan konfigurasi kantor induk, atau periksa kodenya.")
        else:
            click.echo(f"Kantor cabang dari {main.name} ({main.code}): supervisor di sini hanya melihat "
                       "kantor ini.")
    elif others:
        click.echo(f"Kantor induk: supervisor dan pimpinan di sini dapat memilih kantor lain ({len(others)}: "
                   f"{', '.join(o.code for o in others)}). Kantor cabang menulis [kantor] induk = "
                   f"\"{settings.code}\".")


@click.group("laporan", cls=AliasedGroup)
@help_option
def laporan() -> None:
    """Angka layanan untuk supervisor (alias: report)."""


def office_option(f):
    """--kantor KODE: another office of the database (default: the configuration's)."""
    return click.option("--kantor", metavar="KODE",
                        help="Kode kantor lain di basis data ini (mis. kantor cabang); bawaan kantor "
                             "konfigurasi ini.")(f)


def office_of(ctx: click.Context, service, kantor: str | None):
    """The office ``--kantor`` names (an OfficeChoice), or None for the configuration's own.

    Raises:
        click.BadParameter: no office with that code on this database.
    """
    if not kantor:
        return None
    choices = service.offices(service.principal("sistem"))
    for choice in choices:
        if choice.code.casefold() == kantor.strip().casefold():
            return None if choice.id == service.office_id else choice
    known = ", ".join(c.code for c in choices)
    raise click.BadParameter(f"kantor '{kantor}' tidak ada di basis data ini (kantor yang ada: {known})",
                             ctx=ctx, param_hint="--kantor")


def office_today(service, office) -> dt.date:
    """Today at ``office`` (None: the configuration's), in its time zone."""
    if office is None or not office.timezone:
        return service.now().date()
    from zoneinfo import ZoneInfo

    return service.now().astimezone(ZoneInfo(office.timezone)).date()


def _heading(since: dt.date, until: dt.date, office) -> None:
    if office is not None:
        click.echo(f"Kantor {office.name} ({office.code})")
    click.echo(f"Periode {since:%d-%m-%Y} s.d. {until:%d-%m-%Y}")


def _period(ctx: click.Context, dari: dt.datetime | None, sampai: dt.datetime | None, service,
            office=None) -> tuple[dt.date, dt.date]:
    today = office_today(service, office)
    since = dari.date() if dari else today
    until = sampai.date() if sampai else today
    if until < since:
        raise click.BadParameter("tanggal --sampai sebelum --dari", ctx=ctx)
    return since, until


_DATE = click.DateTime(formats=["%Y-%m-%d", "%d-%m-%Y"])


def _period_options(f):
    """--dari and --sampai (office days, default today)."""
    f = click.option("--sampai", type=_DATE, metavar="TANGGAL", help="Akhir periode; bawaan hari ini.")(f)
    return click.option("--dari", type=_DATE, metavar="TANGGAL",
                        help="Awal periode (TTTT-BB-HH); bawaan hari ini.")(f)


@laporan.command("petugas")
@_period_options
@office_option
@help_option
@click.pass_context
def laporan_petugas(ctx: click.Context, dari: dt.datetime | None, sampai: dt.datetime | None,
                    kantor: str | None) -> None:
    """Kerja tiap petugas dalam periode: panggilan, berkas, keputusan, langkah, dokumen (alias: staff)."""
    service = service_of(ctx)
    office = office_of(ctx, service, kantor)
    since, until = _period(ctx, dari, sampai, service, office)
    rows = service.staff_figures(service.principal("sistem"), since, until, office.id if office else None)
    _heading(since, until, office)
    click.echo(f"{'Petugas':<28}{'Panggil':>8}{'Berkas':>8}{'Putusan':>8}{'Langkah':>8}{'Dokumen':>8}")
    for r in rows:
        click.echo(f"{r.full_name[:27]:<28}{r.tickets_called:>8}{r.cases_opened:>8}{r.decisions:>8}"
                   f"{r.steps_finished:>8}{r.documents:>8}")


@laporan.command("langkah")
@_period_options
@office_option
@help_option
@click.pass_context
def laporan_langkah(ctx: click.Context, dari: dt.datetime | None, sampai: dt.datetime | None,
                    kantor: str | None) -> None:
    """Waktu tiap langkah SOP per layanan: dimulai, selesai, rata-rata, tepat mutu baku (alias: steps)."""
    service = service_of(ctx)
    office = office_of(ctx, service, kantor)
    since, until = _period(ctx, dari, sampai, service, office)
    rows = service.step_figures(service.principal("sistem"), since, until, office.id if office else None)
    _heading(since, until, office)
    click.echo(f"{'Layanan':<14}{'Langkah':>8}{'Mulai':>8}{'Selesai':>8}{'Rata-rata':>12}{'Tepat waktu':>14}")
    for r in rows:
        mean = "-" if r.mean_seconds is None else _duration(r.mean_seconds)
        within = f"{r.within_standard}/{r.with_standard}" if r.with_standard else "-"
        click.echo(f"{r.service_code:<14}{r.step_no:>8}{r.started:>8}{r.done:>8}{mean:>12}{within:>14}")
    if not rows:
        click.echo("Belum ada langkah dalam periode ini.")


@laporan.command("antrean")
@_period_options
@office_option
@help_option
@click.pass_context
def laporan_antrean(ctx: click.Context, dari: dt.datetime | None, sampai: dt.datetime | None,
                    kantor: str | None) -> None:
    """Antrean per jalur, loket dan jam: diambil, dilayani, tidak hadir, waktu tunggu dan
    waktu layanan (median dan persentil 90) (alias: queue)."""
    service = service_of(ctx)
    office = office_of(ctx, service, kantor)
    since, until = _period(ctx, dari, sampai, service, office)
    stats = service.queue_stats(service.principal("sistem"), since, until, office.id if office else None)
    _heading(since, until, office)
    for title, rows in (("Per jalur", stats.lines), ("Per loket", stats.counters), ("Per jam", stats.hours),
                        ("Seluruhnya", (stats.total,))):
        click.echo(f"\n{title}")
        click.echo(f"{'':<24}{'Ambil':>6}{'Layan':>6}{'Absen':>6}{'Tunggu':>7}{'Tunggu':>8}{'Layan':>7}{'Layan':>8}")
        click.echo(f"{'':<24}{'':>6}{'':>6}{'':>6}{'median':>7}{'p90':>8}{'median':>7}{'p90':>8}")
        for r in rows:
            click.echo(f"{r.label[:23]:<24}{r.issued:>6}{r.served:>6}{r.absent:>6}{_short(r.wait_median):>7}"
                       f"{_short(r.wait_p90):>8}{_short(r.service_median):>7}{_short(r.service_p90):>8}")
        if not rows:
            click.echo("Belum ada tiket dalam periode ini.")


@laporan.command("bangun-ulang")
@help_option
@click.pass_context
def laporan_bangun_ulang(ctx: click.Context) -> None:
    """Hitung ulang ringkasan waktu langkah untuk dasbor dari semua langkah dan berkas kantor.

    Ringkasan biasanya diperbarui setiap kali langkah selesai; perintah ini diperlukan hanya
    bila ringkasan diragukan (mis. setelah data dipulihkan dari cadangan). Desk lain yang
    menyelesaikan langkah saat itu menunggu sampai penghitungan selesai.

    Yang dihitung ulang adalah kantor konfigurasi ini, dengan kalender kerja dan zona waktunya.
    Untuk kantor cabang, jalankan dengan konfigurasi kantor itu, mis.
    desk --config /etc/desk/cabang-tgr.toml laporan bangun-ulang
    """
    import time

    from models.dto import DeskError

    service = service_of(ctx)
    started = time.monotonic()
    try:
        counted = service.rebuild_stats(service.principal("sistem"))
    except DeskError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Ringkasan waktu langkah dihitung ulang: {counted} langkah dan berkas selesai "
               f"({time.monotonic() - started:.1f} detik).")


def _short(seconds: float | None) -> str:
    """A duration as minutes and seconds ("4:05") or hours ("1j05")."""
    if seconds is None:
        return "-"
    seconds = round(seconds)
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}j{seconds % 3600 // 60:02d}"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} mnt"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} j {minutes:02d} m"
    return f"{hours // 24} h {hours % 24} j"
