"""``desk anjungan`` (alias ``kiosk``): the self-service ticket kiosk on this terminal.

The kiosk cannot be left without the office's key, so it refuses to start when
``[antrean] kunci_anjungan`` is not set.
"""

from __future__ import annotations

import click

from desk.clibase import DeskCommand, config_of, help_option, service_of

#: Why the kiosk does not start without a key, and how to set one.
NO_KEY = """Anjungan belum dapat dibuka: kunci anjungan belum diatur.
Kunci ini dipakai petugas untuk menutup anjungan; tanpa kunci, anjungan tidak dapat ditutup.
Tambahkan ke berkas konfigurasi (lihat: desk konfigurasi contoh), misalnya:

  [antrean]
  kunci_anjungan = "246810"    # 4-12 angka

lalu jalankan lagi: desk --config BERKAS anjungan"""


@click.command("anjungan", cls=DeskCommand)
@help_option
@click.pass_context
def anjungan(ctx: click.Context) -> None:
    """Buka anjungan antrean swalayan: warga memilih layanan dan mengambil tiket dengan papan
    angka (alias: kiosk).

    Warga hanya memakai papan angka: angka memilih layanan (9 dan 0 membalik halaman), lalu
    golongan prioritas; tiket dicetak dan nomornya tampil di layar.

    Menutup anjungan (petugas): tekan / tiga kali berturut-turut, ketik kunci anjungan
    ([antrean] kunci_anjungan), lalu Enter. Setelah tiga kali kunci salah, tunggu 30 detik.
    """
    from desk.app import create_app

    key = config_of(ctx).office.queue.kiosk_key
    if not key:
        raise click.ClickException(NO_KEY)
    # the kiosk opens the database itself (and keeps trying while it is unreachable)
    service = service_of(ctx, open_db=False)
    create_app(service, "anjungan", key=key).run()


def register(cli: click.Group) -> None:
    """Add the command (and its English alias) to the ``desk`` group."""
    cli.add_command(anjungan)
    aliases = getattr(cli, "aliases", None)
    if isinstance(aliases, dict) and "kiosk" not in aliases:
        cli.aliases = {**aliases, "kiosk": "anjungan"}  # type: ignore[attr-defined]
