"""Queue statistics for supervisors: per line, per loket and per hour of day, for a period."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header

from models.dto import DeskEvent
from models.queuedto import QueueFigures, QueueStats
from screens.base import DeskScreen
from screens.offices import OfficeChoosing, office_binding
from screens.widgets import KeyFooter, PlainStatic

#: Column keys, headers and widths: with a blank each side of a cell and the scroll bar the
#: table is 77 columns wide (80x24). T = tunggu (taken -> first call), L = layanan.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("label", "Kelompok", 14),
    ("issued", "Ambil", 5),
    ("served", "Layan", 5),
    ("absent", "Absen", 5),
    ("waiting", "Sisa", 4),
    ("wait50", "T.med", 6),
    ("wait90", "T.p90", 6),
    ("svc50", "L.med", 6),
    ("svc90", "L.p90", 6),
)


#: The groupings, by key.
GROUPS: dict[str, str] = {"lines": "per jalur", "counters": "per loket", "hours": "per jam"}


def short_duration(seconds: float | None) -> str:
    """Minutes and seconds ("4:05"), or hours and minutes ("1j05"); "-" when unknown."""
    if seconds is None:
        return "-"
    seconds = round(seconds)
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds // 3600}j{seconds % 3600 // 60:02d}"


class QueueStatsScreen(OfficeChoosing, DeskScreen):
    """Issued, served, tidak hadir, waiting and service times of the queue."""

    HELP_TITLE: ClassVar[str] = "Statistik antrean"
    HELP_TEXT: ClassVar[str] = (
        "Angka antrean untuk periode yang dipilih: tiket diambil, dilayani, tidak hadir, yang "
        "masih menunggu, waktu tunggu (ambil sampai panggilan pertama) dan waktu layanan (mulai "
        "dilayani sampai selesai, tanpa waktu ditunda): median dan persentil 90 (9 dari 10 "
        "pemohon di bawah angka itu), dalam menit:detik.\n"
        "Kolom: Ambil, Layan, Absen (tidak hadir), Sisa (masih menunggu), T.med dan T.p90 "
        "(waktu tunggu), L.med dan L.p90 (waktu layanan).\n\n"
        "1 per jalur, 2 per loket, 3 per jam.  h hari ini, m 7 hari, b bulan ini.  "
        "[ dan ] menggeser periode.  o memilih kantor (bila Anda boleh melihat beberapa kantor; "
        "nama kantor di baris judul): hari dan jam menurut zona waktu kantor itu.  Esc kembali. "
        "Angka diperbarui saat antrean berubah."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Kembali", id="stats.back"),
        Binding("1", "group('lines')", "Kelompok", key_display="1-3", id="stats.lines"),
        Binding("2", "group('counters')", "Loket", show=False, id="stats.counters"),
        Binding("3", "group('hours')", "Jam", show=False, id="stats.hours"),
        Binding("h", "period('today')", "Hari ini", id="stats.today"),
        Binding("m", "period('week')", "7 hari", id="stats.week"),
        Binding("b", "period('month')", "Bulan ini", id="stats.month"),
        office_binding("stats"),
        Binding("left_square_bracket", "shift(-1)", "Mundur", show=False, id="stats.back_period"),
        Binding("right_square_bracket", "shift(1)", "Maju", show=False, id="stats.next_period"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group = "lines"
        self.since: dt.date | None = None
        self.until: dt.date | None = None
        self.period = "today"
        """The named period shown ("" after [ or ]: the days stay)."""
        self.stats: QueueStats | None = None
        self.offices = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield PlainStatic(id="stats-title")
        table: DataTable[Text] = DataTable(id="stats-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="stats-total")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.load_offices()
        self.action_period("today")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the office choice only with several offices."""
        if action == "choose_office":
            return self.can_choose_office()
        return True

    def office_changed(self) -> None:
        """Another office: a named period is that office's (its today)."""
        if self.period:
            self.action_period(self.period)
        else:
            self.load()

    def desk_events(self, events: list[DeskEvent]) -> None:
        """Refresh when tickets change (today's figures move while the office works)."""
        if not events or any(e.kind.startswith("ticket.") for e in events):
            self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_group(self, group: str) -> None:
        self.group = group
        self.show()

    def action_period(self, which: str) -> None:
        self.period = which
        today = self.office_today()
        if which == "week":
            self.since, self.until = today - dt.timedelta(days=6), today
        elif which == "month":
            self.since, self.until = today.replace(day=1), today
        else:
            self.since = self.until = today
        self.load()

    def action_shift(self, direction: int) -> None:
        if self.since is None or self.until is None:
            return
        length = (self.until - self.since).days + 1
        step = dt.timedelta(days=length * direction)
        self.since, self.until = self.since + step, self.until + step
        self.period = ""
        self.load()

    def load(self) -> None:
        """Compute the figures of the period and office shown, in the background."""
        if self.since is None or self.until is None or self.desk_app.session is None:
            return
        self._load(self.since, self.until, self.office_for_load())

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats-load", description="Menghitung statistik")
    def _load(self, since: dt.date, until: dt.date, office_id: int | None) -> None:
        """Compute the figures (thread worker).

        Args:
            since: First day (the office's own).
            until: Last day.
            office_id: The office (None: the session's).
        """
        stats = self.desk.queue_stats(self.session, since, until, office_id=office_id)
        self.desk_app.call_from_thread(self._loaded, stats)

    def _loaded(self, stats: QueueStats) -> None:
        self.stats = stats
        self.show()

    def show(self) -> None:
        stats = self.stats
        if stats is None or not self.is_attached:
            return
        period = (f"{stats.since:%d-%m-%Y}" if stats.since == stats.until
                  else f"{stats.since:%d-%m-%Y} s.d. {stats.until:%d-%m-%Y}")
        title = Text(f"Statistik antrean {GROUPS[self.group]}", style="bold")
        title.append(f"  ·  {period}")
        self.query_one("#stats-title", PlainStatic).set_text(title)
        table = self.query_one("#stats-table", DataTable)
        table.clear()
        rows: tuple[QueueFigures, ...] = getattr(stats, self.group)
        for row in rows:
            table.add_row(*self._cells(row), key=row.key)
        total = stats.total
        line = Text("Seluruhnya: ", style="bold")
        line.append(f"{total.issued} diambil, {total.served} dilayani, {total.absent} tidak hadir, "
                    f"{total.waiting_now} menunggu · tunggu median {short_duration(total.wait_median)} "
                    f"· jalan ke loket {short_duration(total.walk_median)} "
                    f"· layanan median {short_duration(total.service_median)}")
        if not rows:
            line = Text("Belum ada tiket dalam periode ini.", style="dim")
        self.query_one("#stats-total", PlainStatic).set_text(line)

    @staticmethod
    def _cells(row: QueueFigures) -> list[Text]:
        return [Text(row.label, overflow="ellipsis", no_wrap=True),
                *(Text(str(v), justify="right") for v in (row.issued, row.served, row.absent, row.waiting_now)),
                *(Text(short_duration(v), justify="right")
                  for v in (row.wait_median, row.wait_p90, row.service_median, row.service_p90))]
