"""``desk papan`` (alias ``board``): the waiting-room board in the terminal, or served to a
browser (a TV) with textual-serve (``--web``).

With ``--web`` each browser connection starts its own ``desk papan`` child process with the same
global options (``--db``, ``--config``, ``--data-dir``), run as ``python -m desk`` by the same
interpreter (so it works from a virtualenv). The page is served without the internet: the one
font textual-serve's page would fetch from Google is replaced by the copy in its package.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import click

from desk.clibase import AliasedGroup, DeskCommand, config_of, help_option, service_of

AliasedGroup.aliases.setdefault("board", "papan")

#: The web font textual-serve's page loads from the internet, and the local replacement.
_GOOGLE_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.DOTALL)
_REMOTE = re.compile(r"""(href|src)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)
_LOCAL_FONT = '''<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 900;
      }
    </style>'''


def child_command(obj: dict, silent: bool) -> str:
    """The shell command textual-serve runs per browser connection.

    Args:
        obj: The click context object (global options db, config_file, data_dir).
        silent: Pass ``--tanpa-suara`` to the board.
    """
    argv = [sys.executable, "-m", "desk"]
    for option, key in (("--db", "db"), ("--config", "config_file"), ("--data-dir", "data_dir")):
        if obj.get(key):
            argv += [option, str(obj[key])]
    argv.append("papan")
    if silent:
        argv.append("--tanpa-suara")
    return shlex.join(argv)


def offline_templates(folder: Path) -> Path:
    """Copy textual-serve's page template into ``folder`` with the web font served locally.

    Raises:
        click.ClickException: The template changed and still loads something from the internet.
    """
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    page = _GOOGLE_FONT.sub(lambda _: _LOCAL_FONT, source.read_text(encoding="utf-8"))
    if _REMOTE.search(page) or "@import" in page:
        raise click.ClickException(
            f"Halaman textual-serve ({source}) memuat berkas dari internet; papan web tidak dapat "
            "dipakai tanpa internet. Perbarui desk/cli_papan.py untuk versi textual-serve ini.")
    (folder / "app_index.html").write_text(page, encoding="utf-8")
    return folder


def serve_board(ctx: click.Context, host: str, port: int, silent: bool) -> None:
    """Serve the board to browsers until Ctrl+C."""
    from textual_serve.server import Server

    class BoardServer(Server):
        """Links the page to the address the browser used (a TV reaches the server by IP)."""

        async def handle_index(self, request):
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app) -> None:
            click.echo(f"Papan antrean di http://{host}:{port} — buka di peramban TV")
            click.echo("Tekan Ctrl+C untuk berhenti.")

    folder = Path(tempfile.mkdtemp(prefix="desk-papan-"))
    try:
        server = BoardServer(child_command(ctx.ensure_object(dict), silent), host=host, port=port,
                             title="Papan antrean", templates_path=offline_templates(folder))
        server.initialize_logging = lambda: None  # type: ignore[method-assign]
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            raise click.ClickException(f"Tidak dapat membuka {host}:{port}: {exc}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    click.echo("Papan antrean web dihentikan.")


@click.command("papan", cls=DeskCommand)
@click.option("--web", is_flag=True, help="Sajikan papan ke peramban (TV) lewat HTTP, bukan di terminal ini.")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ALAMAT",
              help="Alamat yang didengarkan untuk --web (0.0.0.0: semua antarmuka jaringan).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), metavar="PORT",
              help="Port HTTP untuk --web.")
@click.option("--tanpa-suara", is_flag=True, help="Jangan umumkan panggilan dengan suara.")
@help_option
@click.pass_context
def papan(ctx: click.Context, web: bool, host: str, port: int, tanpa_suara: bool) -> None:
    """Papan antrean ruang tunggu: nomor dipanggil, antrean, suara (alias: board).

    Tanpa --web papan tampil di terminal ini (layar penuh; q untuk keluar). Dengan --web papan
    disajikan ke peramban TV; suara diputar di komputer server ini.
    """
    if web:
        config_of(ctx)  # a bad configuration is reported here, not in every browser
        serve_board(ctx, host, port, tanpa_suara)
        return
    from desk.app import create_app

    config = config_of(ctx)
    service = service_of(ctx, open_db=False)
    create_app(service, "papan", voice=config.voice, silent=tanpa_suara).run()
