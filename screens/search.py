"""The search screen: find a case by NIK, register number or name, and resume it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input

from models.dto import CaseDetail, CaseSummary
from screens.base import DeskScreen, screen_for_case
from screens.widgets import PlainStatic, fmt_moment, sync_table

#: Column keys, headers and widths of the results (fits 80 columns).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("register", "Register", 16),
    ("service", "Layanan", 14),
    ("name", "Pemohon", 16),
    ("nik", "NIK", 8),
    ("status", "Status", 9),
)


class SearchScreen(DeskScreen):
    """Search cases and open one where it stopped."""

    HELP_TITLE: ClassVar[str] = "Cari berkas"
    HELP_TEXT: ClassVar[str] = (
        "Ketik NIK, nomor register, atau sebagian nama pemohon/lembaga, lalu tekan Enter. "
        "Pilih hasil dengan panah dan tekan Enter untuk membukanya: berkas yang masih "
        "diverifikasi atau menunggu kelengkapan dibuka di daftar persyaratan (lanjutkan dari "
        "yang terakhir), berkas lain di layar proses. / kembali ke kolom pencarian, Esc kembali "
        "ke antrean."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_query", "Kolom cari", id="search.focus"),
        Binding("escape", "back", "Kembali", id="search.back"),
    ]
    """/ focuses the query, Escape goes back; Enter searches / opens."""

    def __init__(self) -> None:
        """Create the screen."""
        super().__init__()
        self._results: dict[str, CaseSummary] = {}

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield Input(id="search-query", placeholder="NIK / nomor register / nama, lalu Enter")
        yield PlainStatic(id="search-status")
        table: DataTable[Text] = DataTable(id="search-results", cursor_type="row",
                                           zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="search-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Focus the query."""
        self.query_one("#search-query", Input).focus()
        self.query_one("#search-status", PlainStatic).set_text(
            Text("Ketik kata kunci lalu tekan Enter.", style="dim")
        )

    def on_screen_resume(self) -> None:
        """Refresh the results when coming back from a case."""
        query = self.query_one("#search-query", Input).value.strip()
        if query and self._results:
            self.run_search(query)

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        """Search."""
        query = event.value.strip()
        if len(query) < 2:
            self.query_one("#search-status", PlainStatic).set_text(
                Text("Ketik sedikitnya 2 huruf atau angka.", style="yellow")
            )
            return
        self.query_one("#search-status", PlainStatic).set_text(Text("Mencari…", style="dim"))
        self.run_search(query, focus=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search",
          description="Mencari berkas")
    def run_search(self, query: str, focus: bool = False) -> None:
        """Search (thread worker).

        Args:
            query: NIK, register number or a part of a name.
            focus: Move the focus to the results afterwards.
        """
        results = self.desk.search(query)
        self.app.call_from_thread(self._show_results, query, results, focus)

    def _show_results(self, query: str, results: list[CaseSummary], focus: bool) -> None:
        """Fill the table by key."""
        self._results = {str(r.id): r for r in results}
        table = self.query_one("#search-results", DataTable)
        rows = []
        for summary in results:
            rows.append((str(summary.id), [
                Text(summary.register_no or "(belum)", style="" if summary.register_no else "dim",
                     no_wrap=True, overflow="ellipsis"),
                Text(summary.service_code, no_wrap=True, overflow="ellipsis"),
                Text(summary.applicant_name, no_wrap=True, overflow="ellipsis"),
                Text(summary.nik_masked[-4:] and "…" + summary.nik_masked[-4:]),
                Text(summary.status_label, no_wrap=True, overflow="ellipsis"),
            ]))
        with self.app.batch_update():
            sync_table(table, rows, [key for key, _, _ in COLUMNS])
        status = Text(f"{len(results)} berkas untuk ")
        status.append(f"“{query}”")
        if not results:
            status = Text("Tidak ada berkas untuk ", style="yellow")
            status.append(f"“{query}”")
        self.query_one("#search-status", PlainStatic).set_text(status)
        if results and focus:
            table.focus()
            table.move_cursor(row=0)
        self._show_detail()

    def _highlighted(self) -> CaseSummary | None:
        """The result under the cursor."""
        table = self.query_one("#search-results", DataTable)
        if not table.row_count:
            return None
        return self._results.get(table.ordered_rows[table.cursor_row].key.value or "")

    @on(DataTable.RowHighlighted, "#search-results")
    def _show_detail(self) -> None:
        """The full line of the highlighted result."""
        summary = self._highlighted()
        detail = self.query_one("#search-detail", PlainStatic)
        if summary is None:
            detail.set_text("")
            return
        text = Text()
        text.append(summary.applicant_name, style="bold")
        text.append("  NIK ")
        text.append(summary.nik_masked)
        text.append("\n")
        text.append(summary.service_name)
        text.append("\n")
        text.append(summary.status_label, style="bold")
        text.append(" · diperbarui ")
        text.append(fmt_moment(summary.updated_at, None))
        if summary.register_no:
            text.append(" · register ")
            text.append(summary.register_no)
        detail.set_text(text)

    @on(DataTable.RowSelected, "#search-results")
    def _open(self) -> None:
        """Open the highlighted case."""
        summary = self._highlighted()
        if summary is not None:
            self.load_case(summary.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-open",
          description="Membuka berkas")
    def load_case(self, case_id: int) -> None:
        """Read the case (thread worker).

        Args:
            case_id: The case.
        """
        case = self.desk.case(case_id)
        self.app.call_from_thread(self._open_case, case)

    def _open_case(self, case: CaseDetail) -> None:
        """Continue the case where it stopped."""
        self.app.push_screen(screen_for_case(case))

    def action_focus_query(self) -> None:
        """Back to the query field."""
        self.query_one("#search-query", Input).focus()

    def action_back(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()
