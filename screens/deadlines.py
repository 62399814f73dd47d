"""Pemantauan berkas: the running steps of the office that are overdue (TERLAMBAT) or due soon
(SEGERA JATUH TEMPO), most urgent first; a supervisor's home screen after signing in."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header
from textual.worker import get_current_worker

from models.dashdto import DeadlineItem, DeadlineList
from screens.base import CaseOpener, RefreshingScreen, cursor_key, refill_table
from screens.dashparts import fmt_percent, wrapped
from screens.offices import OfficeChoosing, office_binding
from screens.widgets import KeyFooter, PlainStatic, clip, fmt_moment

#: Column keys, headers and widths (fits 80 columns with the scroll bar).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("state", "Status", 9),
    ("share", "Pakai", 5),
    ("register", "Register", 14),
    ("name", "Pemohon", 14),
    ("service", "Layanan", 8),
    ("step", "Lk", 2),
    ("due", "Batas", 12),
)

#: The width of the register column (a longer number is cut at the front).
REGISTER_WIDTH = next(width for key, _, width in COLUMNS if key == "register")

#: Lines under the table about the highlighted item (:func:`item_detail`).
DETAIL_LINES = 4

#: How each state is shown, and its colour.
STATE_LABELS: dict[str, tuple[str, str]] = {
    "terlambat": ("TERLAMBAT", "bold red"),
    "segera": ("SEGERA", "bold yellow"),
}


def ordered(items: tuple[DeadlineItem, ...]) -> list[DeadlineItem]:
    """TERLAMBAT first, then SEGERA JATUH TEMPO; within each the largest share first, then the
    earliest due time."""
    return sorted(items, key=lambda i: (i.state != "terlambat", -i.share, i.due_at, i.case_id))


def item_key(item: DeadlineItem) -> str:
    """The table row key of an item (a case's step, or its jangka waktu with step 0)."""
    return f"{item.case_id}:{item.step_no}"


def register_cell(item: DeadlineItem) -> Text:
    """The register number as its column shows it: cut at the front when long (the running
    number at its end tells the cases apart), ``Berkas N`` in italics before registration."""
    if not item.register_no:
        return Text(f"Berkas {item.case_id}", style="italic", no_wrap=True, overflow="ellipsis")
    width = REGISTER_WIDTH
    register = item.register_no
    return Text(register if len(register) <= width else "…" + register[1 - width:], no_wrap=True)


def item_cells(item: DeadlineItem, today: dt.date) -> list[Text]:
    """The cells of one item's row (rich Text: user data never parsed as markup).

    Args:
        item: The item.
        today: Today in office time (a due time today shows only the time).
    """
    label, style = STATE_LABELS.get(item.state, (item.state.upper(), ""))
    return [
        Text(label, style=style),
        Text(fmt_percent(item.share), style=style, justify="right"),
        register_cell(item),
        Text(item.applicant_name, no_wrap=True, overflow="ellipsis"),
        Text(item.service_code, no_wrap=True, overflow="ellipsis"),
        Text(str(item.step_no) if item.step_no else "JW", justify="right"),
        Text(fmt_moment(item.due_at, today), no_wrap=True),
    ]


def item_detail(item: DeadlineItem, width: int, today: dt.date) -> Text:
    """The lines under the table about the highlighted item (:data:`DETAIL_LINES`): the
    applicant, the register and the service; the step and its full uraian; how late, since
    when, who does it.

    Args:
        item: The item.
        width: The room per line.
        today: Today in office time.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    label, style = STATE_LABELS.get(item.state, (item.state.upper(), ""))
    register = f"  {item.register_no}" if item.register_no else f"  Berkas {item.case_id}"
    name = clip(item.applicant_name, max(12, width - len(register) - len(item.service_name) - 3))
    text.append(name, style="bold")
    text.append(register)
    text.append(" · ")
    text.append(clip(item.service_name, max(8, width - len(name) - len(register) - 3)))
    step = f"Langkah {item.step_no}: " if item.step_no else ""
    lines = wrapped(f"{step}{item.uraian}", width, DETAIL_LINES - 2)
    text.append("\n" + "\n".join(lines) + "\n" * (DETAIL_LINES - 1 - len(lines)))
    state = Text(no_wrap=True, overflow="ellipsis")
    state.append(label, style=style)
    state.append(f" {fmt_percent(item.share)} mutu baku · batas {fmt_moment(item.due_at, today)}"
                 f" · mulai {fmt_moment(item.started_at, today)}")
    who = ", ".join(name for name in item.pelaksana if name)
    if who:
        state.append(" · ")
        state.append(clip(who, max(8, width - len(state.plain))))
    text.append_text(state)
    return text


class DeadlinesScreen(OfficeChoosing, CaseOpener, RefreshingScreen):
    """The steps of the office due soon and overdue, to follow them up."""

    REFRESH_EVENTS: ClassVar[tuple[str, ...]] = ("step.", "case.", "calendar.")
    """Steps started or finished, cases changed, a closure of the office moving due times."""

    REFRESH_SECONDS: ClassVar[float] = 30.0
    """The shares grow with time."""

    HELP_TITLE: ClassVar[str] = "Pemantauan berkas"
    HELP_TEXT: ClassVar[str] = (
        "Langkah SOP yang sedang berjalan dan sudah melewati mutu bakunya (TERLAMBAT, merah) "
        "atau hampir habis waktunya (SEGERA jatuh tempo, kuning), yang paling mendesak di atas. "
        "JW pada kolom Lk berarti jangka waktu layanan seluruh berkas, bukan satu langkah.\n\n"
        "Kolom Pakai: bagian mutu baku yang sudah terpakai (112% = lewat 12%). Batas: kapan "
        "mutu bakunya habis (jam kerja kantor). Nomor register yang panjang dipotong di depan "
        "(…/2026/00012). Di bawah tabel: pemohon, register dan layanan; langkah dengan uraian "
        "lengkapnya; pelaksana.\n\n"
        "Enter membuka berkas yang disorot. p memilih pelaksana (peran) dan b memilih bidang "
        "secara bergiliran; tekan terus sampai kembali ke \"semua\". o memilih kantor (bila "
        "Anda boleh melihat beberapa kantor; nama kantor di baris judul): waktu dan batasnya "
        "menurut zona waktu kantor itu, berkas kantor lain hanya dilihat di sini dan dibuka di "
        "desk kantor itu. d membuka dasbor kinerja, u jejak audit (siapa melihat atau mengubah "
        "data siapa), a (atau Esc) ke layar antrean loket, q keluar "
        "dari desk. Daftar diperbarui saat langkah selesai di meja mana pun, dan tiap 30 detik."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Buka berkas", id="deadlines.open", priority=True),
        Binding("p", "cycle_role", "Pelaksana", id="deadlines.role"),
        Binding("b", "cycle_bidang", "Bidang", id="deadlines.bidang"),
        office_binding("deadlines"),
        Binding("d", "dashboard", "Dasbor", id="deadlines.dashboard"),
        Binding("u", "app.audit", "Audit", id="deadlines.audit"),
        Binding("a", "queue", "Antrean", id="deadlines.queue"),
        # the same key, out of the footer where o Kantor takes its room (80 columns)
        Binding("a", "queue_unlisted", "Antrean", show=False, id="deadlines.queue_unlisted"),
        Binding("escape", "leave", "Kembali", show=False, id="deadlines.back"),
        Binding("r", "reload", "Muat ulang", show=False, id="deadlines.refresh"),
        Binding("q", "app.quit_app", "Keluar", show=False, id="deadlines.quit"),
        Binding("ctrl+l,f12", "logout", "Keluar akun (ganti petugas)", show=False,
                id="deadlines.logout"),
    ]
    """Enter opens the highlighted case, p / b narrow the list, o chooses the office, d the
    dashboard, a the queue."""

    def __init__(self) -> None:
        """Create the screen (the session is the app's)."""
        super().__init__()
        self.role = ""
        self.bidang = ""
        self.shown: DeadlineList | None = None
        self._today: dt.date | None = None
        self._items: dict[str, DeadlineItem] = {}
        self._roles: tuple[str, ...] = ()
        self._bidangs: tuple[str, ...] = ()
        self.offices = []

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(id="dl-info")
        table: DataTable[Text] = DataTable(id="dl-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        detail = PlainStatic(id="dl-detail")
        detail.styles.height = DETAIL_LINES + 1  # its lines and top border
        yield detail
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Load the list."""
        self.title = "Pemantauan berkas"
        self.query_one("#dl-info", PlainStatic).set_text(Text("Memuat…", style="dim"))
        self.load_offices()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the queue only where there is one (not in ``desk dasbor``), Enter only on a
        list with something to open."""
        if action == "queue":
            return self.desk_app.has_queue() and not self.can_choose_office()
        if action == "queue_unlisted":
            return self.desk_app.has_queue() and self.can_choose_office()
        if action == "open":
            return bool(self._items) and self.office_id is None
        if action == "choose_office":
            return self.can_choose_office()
        return True

    # -- loading --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again in the background."""
        self.load(self.role, self.bidang, self.office_for_load())

    def action_reload(self) -> None:
        """r: read the list again."""
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="deadlines-load",
          description="Memuat pemantauan berkas")
    def load(self, role: str, bidang: str, office_id: int | None = None) -> None:
        """Read the list (thread worker).

        Args:
            role: The pelaksana to narrow to ("" = all).
            bidang: The bidang to narrow to ("" = all).
            office_id: The office (None: the session's).
        """
        session = self.desk_app.session
        if session is None:
            return  # signed out meanwhile
        result = self.desk.deadlines(session, role=role, bidang=bidang, office_id=office_id)
        today = result.computed_at.date()  # in the office's own time zone
        if get_current_worker().is_cancelled:
            return  # a newer load has started
        self.desk_app.call_from_thread(self.show_list, result, today)

    def show_list(self, result: DeadlineList, today: dt.date) -> None:
        """Bring the table to ``result`` (row by row: the cursor stays on its item).

        Args:
            result: The list.
            today: Today in office time.
        """
        if not self.is_attached or self.desk_app.session is None:
            return
        self.shown = result
        self._today = today
        # the choices stay known while the list is narrowed to one of them
        self._roles = tuple(sorted(set(result.roles) | set(self._roles)))
        self._bidangs = tuple(sorted(set(result.bidang) | set(self._bidangs)))
        items = ordered(result.items)
        self._items = {item_key(i): i for i in items}
        table = self.query_one("#dl-table", DataTable)
        rows = [(item_key(i), item_cells(i, today)) for i in items]
        with self.app.batch_update():
            refill_table(table, rows, [key for key, _, _ in COLUMNS])
        self._show_info()
        self._show_detail()
        self.refresh_bindings()

    def _show_info(self) -> None:
        """The line under the header: counts, filters, when."""
        result = self.shown
        if result is None:
            return
        info = Text(no_wrap=True, overflow="ellipsis")
        late, soon = len(result.overdue), len(result.due_soon)
        info.append(f"{result.computed_at:%H.%M} ", style="dim")
        info.append(f"{late} terlambat", style="bold red" if late else "bold")
        info.append(" · ")
        info.append(f"{soon} segera", style="bold yellow" if soon else "bold")
        info.append(" · pelaksana ")
        info.append(self.role or "semua", style="reverse" if self.role else "")
        info.append(" · bidang ")
        info.append(self.bidang or "semua", style="reverse" if self.bidang else "")
        self.query_one("#dl-info", PlainStatic).set_text(info)

    def _highlighted(self) -> DeadlineItem | None:
        """The item under the cursor."""
        return self._items.get(cursor_key(self.query_one("#dl-table", DataTable)))

    @on(DataTable.RowHighlighted, "#dl-table")
    def _show_detail(self) -> None:
        """The full lines of the highlighted item (or why the list is empty)."""
        detail = self.query_one("#dl-detail", PlainStatic)
        item = self._highlighted()
        if item is None:
            if self.shown is None:
                detail.set_text("")
                return
            narrowed = " untuk pilihan ini" if self.role or self.bidang else ""
            detail.set_text(Text(f"Tidak ada langkah yang terlambat atau segera jatuh tempo"
                                 f"{narrowed}.", style="green"))
            return
        width = max(40, self.app.size.width - 2)
        detail.set_text(item_detail(item, width, self._today or item.due_at.date()))

    # -- filters --------------------------------------------------------------------------------

    @staticmethod
    def _next(current: str, choices: tuple[str, ...]) -> str:
        """The choice after ``current`` in ``("", *choices)``, round again to "" (all)."""
        ring = ("", *choices)
        index = ring.index(current) if current in ring else 0
        return ring[(index + 1) % len(ring)]

    def action_cycle_role(self) -> None:
        """Narrow to the next pelaksana (round to all)."""
        if not self._roles and not self.role:
            self.notify("Tidak ada pelaksana untuk dipilih.", markup=False)
            return
        self.role = self._next(self.role, self._roles)
        self._show_info()
        self.reload()

    def action_cycle_bidang(self) -> None:
        """Narrow to the next bidang (round to all)."""
        if not self._bidangs and not self.bidang:
            self.notify("Tidak ada bidang untuk dipilih.", markup=False)
            return
        self.bidang = self._next(self.bidang, self._bidangs)
        self._show_info()
        self.reload()

    # -- opening a case -------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#dl-table")
    def action_open(self) -> None:
        """Enter (or a click on the highlighted row): open the highlighted case where it
        stopped."""
        item = self._highlighted()
        if item is None:
            return
        office = self.chosen_office()
        if self.office_id is not None and office is not None:
            self.notify(f"Berkas {office.name} dibuka di desk kantor itu; di sini hanya dipantau.",
                        title="Kantor lain", markup=False)
            return
        self.open_case(item.case_id)

    def office_changed(self) -> None:
        """Another office: its own pelaksana and bidang to choose from, the list unnarrowed."""
        self.role = self.bidang = ""
        self._roles = self._bidangs = ()
        self.reload()

    # -- elsewhere ------------------------------------------------------------------------------

    def action_dashboard(self) -> None:
        """The dashboard (back to it when it is underneath)."""
        self.desk_app.show_dashboard()

    def action_queue(self) -> None:
        """The counter's queue screen."""
        self.desk_app.back_to_queue()

    def action_queue_unlisted(self) -> None:
        """a where the footer has no room for it: the counter's queue screen."""
        self.action_queue()

    def action_leave(self) -> None:
        """Escape: back to the screen underneath (the queue, or the dashboard)."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
