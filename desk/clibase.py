"""Shared plumbing of the `desk` command line: Indonesian help, English aliases, and the
configuration and domain facade each command works with."""

from __future__ import annotations

import re
from collections.abc import Callable

import click

_HEADINGS = {"Options": "Opsi", "Commands": "Perintah", "Arguments": "Argumen"}


class IndonesianFormatter(click.HelpFormatter):
    """Help formatter with Indonesian headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Penggunaan: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        translated = [
            (first, second.replace("[required]", "[wajib]").replace("[default: ", "[bawaan: ")
             .replace("[env var: ", "[env: "))
            for first, second in rows
        ]
        super().write_dl(translated, col_max, col_spacing)


class DeskContext(click.Context):
    """Context using the Indonesian help formatter."""

    formatter_class = IndonesianFormatter


class DeskCommand(click.Command):
    """A command with Indonesian usage metavars; a domain refusal (DeskError, already in
    Indonesian) ends it as a plain error message, never a traceback."""

    context_class = DeskContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPSI]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        from models.dto import DeskError

        try:
            return super().invoke(ctx)
        except DeskError as exc:
            raise click.ClickException(str(exc)) from None


class AliasedGroup(click.Group):
    """A group whose commands also answer to English aliases, with Indonesian errors."""

    context_class = DeskContext
    command_class = DeskCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPSI]")
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARG]...")
        super().__init__(*args, **kwargs)

    #: alias -> command name
    aliases: dict[str, str] = {
        "run": "jalankan",
        "catalog": "katalog",
        "staff": "petugas",
        "add": "tambah",
        "list": "daftar",
        "show": "lihat",
        "check": "periksa",
        "config": "konfigurasi",
        "verify": "verifikasi",
        "counter": "loket",
        "report": "laporan",
        "edit": "ubah",
        "steps": "langkah",
        "queue": "antrean",
        "board": "papan",
        "kiosk": "anjungan",
    }

    #: command name -> what imports and returns it (see add_lazy_command)
    lazy_commands: dict[str, Callable[[], click.Command]] = {}

    def add_lazy_command(self, name: str, load: Callable[[], click.Command]) -> None:
        """Register a command whose module is imported only when the command is used or
        listed (``desk --help``), not at every start of ``desk``.

        Args:
            name: The command's name.
            load: Imports the command and returns it.
        """
        self.lazy_commands = {**self.lazy_commands, name: load}

    def _load(self, name: str) -> None:
        load = self.lazy_commands.get(name)
        if load is not None and name not in self.commands:
            self.add_command(load(), name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for name in self.lazy_commands:
            self._load(name)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str):
        self._load(self.aliases.get(cmd_name, cmd_name))
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in self.aliases:
            cmd = super().get_command(ctx, self.aliases[cmd_name])
        return cmd

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            ctx.fail(f"Perintah '{name}' tidak dikenal. Lihat 'desk --help'.")
        return super().resolve_command(ctx, args)


def config_of(ctx: click.Context):
    from desk.config import ConfigError, load_config

    obj = ctx.ensure_object(dict)
    if "config" not in obj:
        try:
            obj["config"] = load_config(db=obj.get("db"), config_file=obj.get("config_file"),
                                        data_dir=obj.get("data_dir"))
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        obj["katalog_dirs"] = list(obj["config"].katalog_dirs)
    return obj["config"]


def service_of(ctx: click.Context, *, open_db: bool = True):
    from forms.loader import CatalogError
    from models.dto import DeskError

    from desk.wiring import make_service

    config = config_of(ctx)
    try:
        service = make_service(config)
    except CatalogError as exc:
        raise click.ClickException("Katalog layanan tidak valid:\n" + "\n".join(exc.errors)) from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if open_db:
        try:
            service.open()
        except DeskError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # connection refused, bad credentials, unwritable folder
            raise click.ClickException(
                f"Tidak dapat membuka basis data {safe_url(config.db_url)}: {exc}".strip()
            ) from None
    return service


def tui_service_of(ctx: click.Context):
    """The facade for the desk app, built and opened by the app in its worker thread while the
    login screen already takes typing (desk.wiring.DeferredService); a bad catalog or an
    unreachable database is then shown by the app before it quits."""
    from desk.wiring import DeferredService, skip_postgres_driver

    config = config_of(ctx)
    skip_postgres_driver(config.db_url)
    return DeferredService(config)


def safe_url(url: str) -> str:
    """Hide a password in a database URL."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def help_option(f):
    return click.help_option("-h", "--help", help="Tampilkan bantuan ini lalu keluar.")(f)
