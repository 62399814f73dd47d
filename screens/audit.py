"""Jejak audit: who did what to whose data, when (supervisors, administrators and pimpinan).

Filters by person (NIK), staff member, case and period, a table newest first, the highlighted
row's detail under it and the whole of it on Enter, PgDn for older rows, ``o`` for another
office. Reading the trail is recorded in it (once per query: a new filter or office, not a next
page); the rows hold masked NIKs only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Label
from textual.worker import Worker, get_current_worker

from models.auditview import AuditEntry, AuditPage, AuditQuery
from models.dto import DeskError, ValidationError
from screens.base import DeskScreen, cursor_key
from screens.dialogs import MessageDialog
from screens.offices import OfficeChoosing, office_binding
from screens.widgets import FieldError, KeyFooter, PlainStatic, clip

#: Column keys, headers and widths of the table (fits 80 columns with the scroll bar).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("at", "Waktu", 14),
    ("who", "Petugas", 10),
    ("action", "Tindakan", 18),
    ("what", "Data", 27),
)

#: Rows read per page.
PAGE = 100

#: The filter fields: (key, label, placeholder).
FILTERS: tuple[tuple[str, str, str], ...] = (
    ("nik", "NIK", "16 angka"),
    ("petugas", "Petugas", "nama pengguna"),
    ("berkas", "Berkas", "no. register/berkas"),
    ("dari", "Dari", "hh-bb-tttt"),
    ("sampai", "Sampai", "hh-bb-tttt"),
)


def parse_day(text: str, field: str) -> dt.date | None:
    """A typed day (``hh-bb-tttt``, ``tttt-bb-hh`` or ``hh/bb/tttt``), None when empty.

    Raises:
        ValidationError: an unknown date, for ``field``.
    """
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError({field: f"Tanggal '{text}' tidak dikenal; tulis hh-bb-tttt, mis. 01-12-2026."})


def entry_cells(entry: AuditEntry) -> list[Text]:
    """The cells of one row (rich Text: user data never parsed as markup)."""
    return [
        Text(f"{entry.at:%d-%m-%y %H.%M}", no_wrap=True),
        Text(entry.username or entry.staff_name, no_wrap=True, overflow="ellipsis"),
        Text(entry.action_label, no_wrap=True, overflow="ellipsis"),
        Text(entry.what, no_wrap=True, overflow="ellipsis"),
    ]


def entry_summary(entry: AuditEntry, width: int) -> Text:
    """The two lines under the table about the highlighted row."""
    who = f"{entry.staff_name} ({entry.username})" if entry.username else entry.staff_name
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{entry.at:%d-%m-%Y %H.%M.%S} ", style="bold")
    text.append(clip(who, max(10, width - 20)))
    text.append("\n")
    text.append(clip(f"{entry.action_label} · {entry.what}" + (f" · {entry.detail}" if entry.detail else ""),
                     width))
    return text


class AuditScreen(OfficeChoosing, DeskScreen):
    """The office's audit trail, filtered, newest first."""

    HELP_TITLE: ClassVar[str] = "Jejak audit"
    HELP_TEXT: ClassVar[str] = (
        "Jejak audit mencatat siapa melakukan apa pada data siapa, kapan: tiket, berkas, data "
        "pemohon, dokumen yang dicetak, masuk dan keluar akun, serta setiap kali NIK lengkap "
        "ditampilkan atau diserahkan (Lihat NIK lengkap, dengan konteksnya). NIK di jejak selalu "
        "tersamar. Baris jejak tidak dapat diubah atau dihapus oleh siapa pun.\n\n"
        "Saring dengan NIK (semua baris tentang orang itu: data pemohonnya, berkas yang ia ajukan "
        "atau yang mencantumkannya, tiket dan dokumennya), nama pengguna petugas, nomor register "
        "atau nomor berkas, dan tanggal dari/sampai (hh-bb-tttt, waktu kantor). Kosongkan kolom "
        "untuk tidak menyaring. Enter di kolom mana pun (atau F5) mencari; Tab pindah kolom dan "
        "ke tabel.\n\n"
        "Di tabel: Enter menampilkan rincian baris, PgDn memuat baris yang lebih lama, o memilih "
        "kantor (bila Anda boleh melihat beberapa kantor). Setiap pencarian tercatat di jejak "
        "audit. Esc kembali."
    )

    DEFAULT_CSS = """
    AuditScreen .au-row {
        height: 1;
        padding: 0 1;
    }
    AuditScreen .au-label {
        width: auto;
        padding: 0 1 0 0;
    }
    AuditScreen .au-row Input {
        background: $boost;
        margin: 0 1 0 0;
    }
    AuditScreen .au-row Input:focus {
        background: $primary 30%;
    }
    #au-f-nik { width: 20; }
    #au-f-petugas { width: 15; }
    #au-f-berkas { width: 1fr; }
    #au-f-dari, #au-f-sampai { width: 13; }
    #au-hint { width: 1fr; color: $text-muted; }
    #au-info {
        height: 1;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    #au-table { height: 1fr; }
    #au-detail {
        height: 3;
        padding: 0 1;
        border-top: solid $panel-lighten-2;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    #au-error { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "search", "Cari", id="audit.search"),
        Binding("enter", "detail", "Rincian", priority=True, id="audit.detail"),
        Binding("pagedown", "more", "Muat lagi", key_display="PgDn", priority=True, id="audit.more"),
        office_binding("audit"),
        Binding("escape", "back", "Kembali", id="audit.back"),
    ]
    """F5 (or Enter in a field) searches, Enter on the table shows a row whole, PgDn reads older
    rows, o chooses the office, Escape goes back."""

    def __init__(self) -> None:
        """Create the screen (the session is the app's)."""
        super().__init__()
        self.offices = []
        self.query_shown: AuditQuery | None = None
        """The filter of the rows shown (None until the first page arrives)."""
        self.entries: list[AuditEntry] = []
        self._by_key: dict[str, AuditEntry] = {}
        self.cursor: tuple[dt.datetime, int] | None = None
        """Where the next page starts (None: no older rows)."""
        self.office_name = ""

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        rows = (FILTERS[:3], FILTERS[3:])
        for number, fields in enumerate(rows):
            with Horizontal(classes="au-row"):
                for key, label, placeholder in fields:
                    yield Label(label, classes="au-label", markup=False)
                    yield Input(id=f"au-f-{key}", placeholder=placeholder, compact=True,
                                max_length=40)
                if number == 1:
                    yield PlainStatic(Text("Enter/F5: cari · Tab: ke tabel", style="dim"), id="au-hint")
        yield FieldError(id="au-error")
        yield PlainStatic(id="au-info")
        table: DataTable[Text] = DataTable(id="au-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="au-detail")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Read the newest rows of the office and put the cursor in the NIK field."""
        self.title = "Jejak audit"
        self.query_one("#au-info", PlainStatic).set_text(Text("Memuat…", style="dim"))
        self.query_one("#au-f-nik", Input).focus()
        self.load_offices()
        self.action_search()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """PgDn loads more only while older rows wait (else it scrolls the table); Enter shows
        a row from the table."""
        if action == "more":
            return self.cursor is not None
        if action == "detail":  # Enter in a filter field searches
            return bool(self.entries) and self.focused is self.query_one("#au-table", DataTable)
        if action == "choose_office":
            return self.can_choose_office()
        return True

    # -- searching ------------------------------------------------------------------------------

    def _typed(self) -> AuditQuery:
        """The filter as typed.

        Raises:
            ValidationError: a date that is not one.
        """
        value = {key: self.query_one(f"#au-f-{key}", Input).value for key, _, _ in FILTERS}
        return AuditQuery(nik=value["nik"].strip(), petugas=value["petugas"].strip(),
                          berkas=value["berkas"].strip(), dari=parse_day(value["dari"], "dari"),
                          sampai=parse_day(value["sampai"], "sampai"), office_id=self.office_id)

    def action_search(self) -> None:
        """F5 (or Enter in a field): read the newest rows matching the filter (recorded)."""
        self.query_one("#au-error", FieldError).show("")
        try:
            query = self._typed()
        except ValidationError as error:
            self._show_error(error)
            return
        self.office_for_load()
        self.load(query, None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_search()

    def office_changed(self) -> None:
        """Another office: its trail, with the same filter."""
        self.action_search()

    def reload(self) -> None:
        """Read the trail again with the filter as typed."""
        self.action_search()

    def action_more(self) -> None:
        """PgDn: the next (older) rows of the same query (not recorded again)."""
        if self.cursor is None or self.query_shown is None:
            return
        self.load(self.query_shown, self.cursor)

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit-load", description="Membaca jejak audit")
    def load(self, query: AuditQuery, after: tuple[dt.datetime, int] | None) -> None:
        """Read a page (thread worker): the first of a query is recorded, later ones are not.

        Args:
            query: The filter.
            after: The cursor of the page shown (None: a new query).
        """
        session = self.desk_app.session
        if session is None:
            return  # signed out meanwhile
        page = self.desk.audit_trail(session, query, limit=PAGE, after=after, record=after is None)
        if get_current_worker().is_cancelled:
            return
        self.desk_app.call_from_thread(self.show_page, query, page, after is not None)

    def show_page(self, query: AuditQuery, page: AuditPage, append: bool) -> None:
        """Show a page: a new query's rows replace the table, a next page's are added below.

        Args:
            query: The filter the page was read with.
            page: The rows.
            append: The page follows the rows shown.
        """
        if not self.is_attached or self.desk_app.session is None:
            return
        table = self.query_one("#au-table", DataTable)
        self.query_shown = query
        self.cursor = page.cursor
        self.office_name = page.office_name
        first_new = len(self.entries) if append else 0
        if not append:
            self.entries, self._by_key = [], {}
            table.clear()
        with self.app.batch_update():
            for entry in page.entries:
                key = str(entry.id)
                if key in self._by_key:
                    continue
                self.entries.append(entry)
                self._by_key[key] = entry
                table.add_row(*entry_cells(entry), key=key)
        if append and first_new < table.row_count:
            table.move_cursor(row=first_new)
        self._show_info()
        self._show_detail()
        self.refresh_bindings()
        if not append and self.entries and not isinstance(self.focused, Input):
            table.focus()

    def _show_info(self) -> None:
        """The line above the table: office, rows, whether older ones wait."""
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(self.office_name, style="bold")
        info.append(f" · {len(self.entries)} baris")
        if self.cursor is not None:
            info.append(" · PgDn: yang lebih lama", style="dim")
        elif not self.entries:
            info.append(" · tidak ada yang cocok", style="dim")
        self.query_one("#au-info", PlainStatic).set_text(info)

    def _highlighted(self) -> AuditEntry | None:
        return self._by_key.get(cursor_key(self.query_one("#au-table", DataTable)))

    @on(DataTable.RowHighlighted, "#au-table")
    def _show_detail(self) -> None:
        """The highlighted row's whole moment, who, and its detail as far as it fits."""
        entry = self._highlighted()
        detail = self.query_one("#au-detail", PlainStatic)
        width = max(40, self.app.size.width - 2)
        detail.set_text(entry_summary(entry, width) if entry is not None else "")

    def action_detail(self) -> None:
        """Enter on the table: the highlighted row whole."""
        entry = self._highlighted()
        if entry is None:
            return
        who = f"{entry.staff_name} ({entry.username})" if entry.username else entry.staff_name
        lines = [f"Waktu: {entry.at:%d-%m-%Y %H.%M.%S} ({entry.at.tzname()})", f"Oleh: {who}",
                 f"Tindakan: {entry.action_label} ({entry.action})", f"Data: {entry.what}"]
        lines += [part for part in entry.detail.split("; ") if part]
        self.app.push_screen(MessageDialog(f"Jejak audit, baris {entry.id}", "\n".join(lines)))

    # -- errors and leaving ---------------------------------------------------------------------

    def _show_error(self, error: DeskError) -> None:
        """A refusal above the table; a field's message focuses that field."""
        self.query_one("#au-error", FieldError).show(str(error))
        fields = getattr(error, "errors", {})
        for key in fields:
            for widget in self.query(f"#au-f-{key}"):
                widget.focus()
                return

    def show_desk_error(self, error: DeskError, worker: Worker[Any]) -> bool:
        """Bad filters (a NIK too short, an unknown petugas or berkas) are shown above the table."""
        if worker.group != "audit-load":
            return False
        self._show_error(error)
        if not self.entries:
            self.query_one("#au-info", PlainStatic).set_text("")
        return True

    def action_back(self) -> None:
        """Escape: back to the screen underneath."""
        self.app.pop_screen()
