"""The search screen: find a case by NIK, register number or name, and resume it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input
from textual.worker import get_current_worker

from models.dto import CaseSummary
from screens.base import CaseOpener, cursor_key
from screens.widgets import FormInput, KeyFooter, PlainStatic, clip, fmt_moment, sync_table

#: Column keys, headers and widths of the results (fits 80 columns).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("register", "Register/berkas", 18),
    ("service", "Layanan", 12),
    ("name", "Pemohon", 19),
    ("nik", "NIK", 5),
    ("status", "Status", 13),
)

#: Short status labels for the results table (the full label shows under the table).
SHORT_STATUS: dict[str, str] = {
    "verifikasi": "Verifikasi",
    "menunggu_berkas": "Kurang berkas",
    "diproses": "Diproses",
    "selesai": "Selesai",
    "batal": "Dibatalkan",
    "ditolak": "Ditolak",
}

#: Row styles per case status.
STATUS_STYLES: dict[str, str] = {
    "menunggu_berkas": "yellow",
    "diproses": "bold",
    "selesai": "green",
    "batal": "dim",
    "ditolak": "red",
}


class SearchScreen(CaseOpener):
    """Search cases and open one where it stopped."""

    HELP_TITLE: ClassVar[str] = "Cari berkas"
    HELP_TEXT: ClassVar[str] = (
        "Ketik NIK, nomor register, nomor berkas (angka pada slip kekurangan berkas), atau "
        "sebagian nama pemohon/lembaga, lalu tekan Enter. Kursor pindah ke hasil; pilih dengan "
        "panah dan tekan Enter untuk membukanya (Enter di kolom cari tanpa mengubah kata kunci "
        "juga membuka hasil yang disorot; panah bawah pindah ke hasil). Berkas yang masih "
        "diverifikasi atau menunggu kelengkapan dibuka di daftar persyaratan (lanjutkan dari "
        "yang terakhir), berkas lain di layar proses. / kembali ke kolom pencarian, Esc kembali "
        "ke antrean."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_query", "Kolom cari", id="search.focus"),
        Binding("down", "focus_results", "Ke hasil", show=False, id="search.results"),
        Binding("escape", "back", "Kembali", id="search.back"),
    ]
    """/ focuses the query, Escape goes back; Enter searches / opens."""

    def __init__(self) -> None:
        """Create the screen."""
        super().__init__()
        self._results: dict[str, CaseSummary] = {}
        self._shown_query = ""

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield FormInput(id="search-query", placeholder="NIK / nomor register / nama, lalu Enter")
        yield PlainStatic(id="search-status")
        table: DataTable[Text] = DataTable(id="search-results", cursor_type="row",
                                           zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="search-detail")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the query."""
        self.query_one("#search-query", Input).focus()
        self.query_one("#search-status", PlainStatic).set_text(
            Text("Ketik kata kunci lalu tekan Enter.", style="dim")
        )

    def on_screen_resume(self) -> None:
        """Refresh the results when coming back from a case."""
        query = self._shown_query
        if query and self._results:
            self.run_search(query, audit=False)

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        """Search."""
        query = event.value.strip()
        if query and query == self._shown_query and self._highlighted() is not None:
            # Enter again on the same words: open what is highlighted (the results are shown)
            self.query_one("#search-results", DataTable).focus()
            self._open()
            return
        if len(query) < 2 and not query.isdigit():
            self.query_one("#search-status", PlainStatic).set_text(
                Text("Ketik sedikitnya 2 huruf, atau sebuah nomor.", style="yellow")
            )
            return
        self.query_one("#search-status", PlainStatic).set_text(Text("Mencari…", style="dim"))
        self.run_search(query, focus=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search",
          description="Mencari berkas")
    def run_search(self, query: str, focus: bool = False, audit: bool = True) -> None:
        """Search (thread worker).

        Args:
            query: NIK, register number or a part of a name.
            focus: Move the focus to the results afterwards.
            audit: Record the search in the audit trail (a person looked someone up); False
                for the refresh when coming back from a case.
        """
        results = self.desk.search(self.session, query, record=audit)
        if get_current_worker().is_cancelled:
            return  # a newer search has started: its results are shown instead
        self.desk_app.call_from_thread(self._show_results, query, results, focus)

    def _show_results(self, query: str, results: list[CaseSummary], focus: bool) -> None:
        """Fill the table by key."""
        if not self.is_attached:
            return
        self._shown_query = query
        self._results = {str(r.id): r for r in results}
        table = self.query_one("#search-results", DataTable)
        rows = []
        for summary in results:
            style = STATUS_STYLES.get(summary.status, "")
            rows.append((str(summary.id), [
                Text(summary.register_no or f"Berkas {summary.id}",
                     style="" if summary.register_no else "italic",
                     no_wrap=True, overflow="ellipsis"),
                Text(summary.service_code, no_wrap=True, overflow="ellipsis"),
                Text(summary.applicant_name, no_wrap=True, overflow="ellipsis"),
                Text(summary.nik_masked[-4:] and "…" + summary.nik_masked[-4:]),
                Text(SHORT_STATUS.get(summary.status, summary.status_label), style=style,
                     no_wrap=True, overflow="ellipsis"),
            ]))
        with self.app.batch_update():
            sync_table(table, rows, [key for key, _, _ in COLUMNS])
        status = Text(f"{len(results)} berkas untuk ", no_wrap=True, overflow="ellipsis")
        status.append(f"“{query}”")
        status.append("  ·  Enter membuka, / ubah pencarian", style="dim")
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
        return self._results.get(cursor_key(self.query_one("#search-results", DataTable)))

    @on(DataTable.RowHighlighted, "#search-results")
    def _show_detail(self) -> None:
        """The full line of the highlighted result."""
        summary = self._highlighted()
        detail = self.query_one("#search-detail", PlainStatic)
        if summary is None:
            detail.set_text("")
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        width = max(40, self.app.size.width - 2)
        budget = width - len("  NIK ") - len(summary.nik_masked)
        text.append(clip(summary.applicant_name, budget), style="bold")
        text.append("  NIK ")
        text.append(summary.nik_masked)
        text.append("\n")
        text.append(f"Berkas {summary.id}")
        if summary.register_no:
            text.append(" · register ")
            text.append(summary.register_no)
        text.append(" · ")
        text.append(summary.service_name)
        text.append("\n")
        text.append(summary.status_label, style=STATUS_STYLES.get(summary.status, "") or "bold")
        text.append(" · diperbarui ")
        text.append(fmt_moment(summary.updated_at, None))
        detail.set_text(text)

    @on(DataTable.RowSelected, "#search-results")
    def _open(self) -> None:
        """Open the highlighted case where it stopped."""
        summary = self._highlighted()
        if summary is not None:
            self.open_case(summary.id)

    def action_focus_results(self) -> None:
        """Down in the query field moves to the results."""
        table = self.query_one("#search-results", DataTable)
        if table.row_count:
            table.focus()

    def action_focus_query(self) -> None:
        """Back to the query field."""
        self.query_one("#search-query", Input).focus()

    def action_back(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()
