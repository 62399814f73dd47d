"""``desk cadangkan`` (a backup of the database while desks keep working) and ``desk pulihkan``
(a backup restored over the database, with the desks stopped)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from desk.clibase import DeskCommand, config_of, help_option, safe_url


@click.command("cadangkan", cls=DeskCommand)
@click.option("--ke", "target", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS",
              help="Berkas cadangan; bawaan cadangan/desk-TTTTBBHH-JJMMDD.db (.dump untuk PostgreSQL) "
                   "di folder data.")
@help_option
@click.pass_context
def cadangkan(ctx: click.Context, target: Path | None) -> None:
    """Cadangkan basis data selagi loket tetap bekerja.

    SQLite disalin dengan API cadangan daring; PostgreSQL dengan pg_dump (perlu klien
    PostgreSQL terpasang).

    Contoh: desk cadangkan --ke /media/usb/desk-hari-ini.db
    """
    from models.backup import BackupError, backup, default_backup_path

    config = config_of(ctx)
    if target is None:
        target = default_backup_path(config.data_dir, config.db_url, dt.datetime.now())
    try:
        written = backup(config.db_url, target)
    except (BackupError, OSError) as exc:
        raise click.ClickException(f"Pencadangan gagal: {exc}") from None
    click.echo(f"Cadangan {safe_url(config.db_url)} tersimpan di {written}.")


@click.command("pulihkan", cls=DeskCommand)
@click.argument("berkas", type=click.Path(dir_okay=False, path_type=Path), metavar="BERKAS")
@click.option("--ya", is_flag=True, help="Jangan minta konfirmasi.")
@help_option
@click.pass_context
def pulihkan(ctx: click.Context, berkas: Path, ya: bool) -> None:
    """Pulihkan basis data dari BERKAS cadangan (hasil desk cadangkan).

    Isi basis data sekarang diganti seluruhnya dengan isi cadangan. Hentikan dulu semua
    desk, papan, dan anjungan yang memakai basis data ini.

    Contoh: desk pulihkan cadangan/desk-20260301-170000.db
    """
    from models.backup import BackupError, restore

    config = config_of(ctx)
    if not berkas.is_file():
        raise click.ClickException(f"Berkas cadangan {berkas} tidak ada.")
    if not ya:
        click.confirm(f"Isi {safe_url(config.db_url)} akan diganti dengan {berkas}. "
                      "Pastikan semua desk sudah dihentikan. Lanjutkan?", abort=True)
    try:
        restore(config.db_url, berkas)
    except (BackupError, OSError) as exc:
        raise click.ClickException(f"Pemulihan gagal: {exc}") from None
    click.echo(f"Basis data {safe_url(config.db_url)} dipulihkan dari {berkas}.")


def register(cli: click.Group) -> None:
    """Add both commands (and their English aliases) to the ``desk`` group."""
    cli.add_command(cadangkan)
    cli.add_command(pulihkan)
    cli.aliases = {**cli.aliases, "backup": "cadangkan", "restore": "pulihkan"}
