"""The register export for supervisors: a service (or all), a period, CSV or XLSX, a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Header, Input, Label, Select

from models.dto import DeskError
from screens.base import DeskScreen
from screens.widgets import KeyFooter, PlainStatic

_ALL = "semua"


def parse_day(text: str) -> dt.date:
    """A date typed as ``dd-mm-yyyy`` or ``yyyy-mm-dd``.

    Raises:
        ValueError: with an Indonesian message.
    """
    text = text.strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Tanggal '{text}' tidak dikenal; tulis hh-bb-tttt, mis. 01-01-2026.")


class RegisterScreen(DeskScreen):
    """Export the register of a period as CSV or XLSX (supervisors)."""

    HELP_TITLE: ClassVar[str] = "Ekspor register"
    HELP_TEXT: ClassVar[str] = (
        "Register berkas: setiap berkas yang mendapat nomor register dalam periode, satu layanan "
        "atau semua layanan, dengan NIK lengkap, nama, alamat, status, hasil dan nomor surat.\n\n"
        "Pilih layanan, isi tanggal (hh-bb-tttt), format (xlsx untuk Excel) dan nama berkas, lalu "
        "tekan F5 (atau Enter di kolom terakhir). Ekspor tercatat di jejak audit; simpan berkasnya "
        "dengan aman. Esc kembali."
    )
    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"register-export"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "export", "Ekspor", id="register.export"),
        Binding("escape", "back", "Kembali", id="register.back"),
    ]

    def compose(self) -> ComposeResult:
        today = self.desk.now().date()
        services = [(f"{s.code} - {s.short_name}", s.code) for s in self.desk_app.services]
        yield Header()
        with Vertical(id="register-form"):
            yield Label("Layanan")
            yield Select([("Semua layanan", _ALL), *services], value=_ALL, allow_blank=False,
                         id="register-service")
            yield Label("Dari tanggal (hh-bb-tttt)")
            yield Input(value=f"{today.replace(month=1, day=1):%d-%m-%Y}", id="register-since")
            yield Label("Sampai tanggal")
            yield Input(value=f"{today:%d-%m-%Y}", id="register-until")
            yield Label("Format")
            yield Select([("XLSX (Excel)", "xlsx"), ("CSV", "csv")], value="xlsx", allow_blank=False,
                         id="register-format")
            yield Label("Berkas tujuan")
            yield Input(value=str(self._default_path(_ALL, "xlsx")), id="register-path")
            yield PlainStatic(id="register-result")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#register-form").border_title = "Ekspor register"
        self.query_one("#register-service", Select).focus()

    def _default_path(self, code: str, fmt: str) -> Path:
        folder = self.desk.ctx.output_dir / "register"
        return folder / f"register-{code.upper()}-{self.desk.now():%Y%m%d-%H%M}.{fmt}"

    @on(Select.Changed)
    def _choice_changed(self, _event: Select.Changed) -> None:
        code = str(self.query_one("#register-service", Select).value)
        fmt = str(self.query_one("#register-format", Select).value)
        self.query_one("#register-path", Input).value = str(self._default_path(code, fmt))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "register-path":
            self.action_export()
        else:
            self.focus_next()

    def action_back(self) -> None:
        if not self.busy():
            self.app.pop_screen()

    def _say(self, text: str, error: bool = False) -> None:
        result = self.query_one("#register-result", PlainStatic)
        result.set_class(error, "error")
        result.set_text(text)

    def action_export(self) -> None:
        try:
            since = parse_day(self.query_one("#register-since", Input).value)
            until = parse_day(self.query_one("#register-until", Input).value)
        except ValueError as exc:
            self._say(str(exc), error=True)
            return
        code = str(self.query_one("#register-service", Select).value)
        fmt = str(self.query_one("#register-format", Select).value)
        path = Path(self.query_one("#register-path", Input).value.strip()).expanduser()
        self._say("Menulis register…")
        self.export(None if code == _ALL else code, since, until, path, fmt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="register-export",
          description="Mengekspor register")
    def export(self, code: str | None, since: dt.date, until: dt.date, path: Path, fmt: str) -> None:
        """Write the register (thread worker)."""
        try:
            done: Any = self.desk.export_register(self.session, code, since, until, path, fmt)
        except DeskError as exc:
            self.desk_app.call_from_thread(self._say, str(exc), True)
            return
        self.desk_app.call_from_thread(
            self._say, f"{done.title}: {done.rows} berkas ditulis ke {done.path}. Berkas memuat NIK lengkap.")
