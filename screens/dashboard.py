"""Dasbor kinerja layanan: per service and SOP step, how many were done in a period, how long
they took against the mutu baku, what is open and overdue now; steps done per day; figures per
staff member; the queue today. It follows the events of every desk.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Sparkline, TabbedContent, TabPane
from textual.worker import get_current_worker

from models.dashdto import Dashboard, OfficeChoice, ServiceTiming, StepTiming
from screens.base import RefreshingScreen, cursor_key, refill_table
from screens.dashcharts import (
    PERIOD_CHOICES,
    STAFF_COLUMNS,
    STEP_COLUMNS,
    STEP_DETAIL_LINES,
    day_label,
    day_series,
    queue_line,
    step_detail,
    step_rows,
)
from screens.dashdialogs import ListDialog, RangeDialog
from screens.dashparts import (
    PERIODS,
    fmt_count,
    fmt_duration,
    fmt_percent,
    period_label,
    period_range,
    shift_period,
)
from screens.offices import OfficeChoosing, office_binding
from screens.widgets import KeyFooter, PlainStatic

#: The formats of the export (e), as the dialog lists them.
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("pdf", "PDF: laporan dengan grafik, untuk dicetak"),
    ("xlsx", "XLSX: tabel per langkah, per hari dan per petugas"),
    ("csv", "CSV: tabel per layanan dan langkah"),
)


class DashboardScreen(OfficeChoosing, RefreshingScreen):
    """The supervisors' dashboard for a period and an office."""

    REFRESH_EVENTS: ClassVar[tuple[str, ...]] = ("step.", "case.", "ticket.", "counter.",
                                                 "calendar.")
    """Steps, cases, the queue, the loket, the office calendar."""

    REFRESH_SECONDS: ClassVar[float] = 60.0
    """"Open and overdue now" move with time."""

    HELP_TITLE: ClassVar[str] = "Dasbor kinerja layanan"
    HELP_TEXT: ClassVar[str] = (
        "Angka layanan untuk periode yang dipilih (langkah yang selesai dalam periode itu).\n\n"
        "Tab Langkah: per layanan (baris tebal: seluruh berkas terhadap jangka waktu layanan) "
        "dan per langkah SOP: Selesai, Median dan P90 (9 dari 10 selesai dalam waktu itu; jam "
        "dinding, tanpa jeda), ≤Mutu (bagian yang selesai dalam mutu baku), Buka dan Lewat "
        "(berjalan sekarang, dan yang sudah melewati batasnya). Batang: median waktu terhadap "
        "mutu baku (│ = 100%; hijau di bawah batas peringatan, kuning sampai 100%, merah "
        "lewat), perpanjangan abu-abu sampai P90. Layanan yang ada kegiatannya di atas; layanan "
        "tanpa kegiatan dalam periode itu satu baris saja. Di bawah tabel: pelaksana dan uraian "
        "lengkap baris yang disorot, mutu bakunya.\n"
        "Tab Harian: langkah selesai per hari (per bulan untuk periode panjang). Tab Petugas: "
        "angka per petugas (hanya untuk peran yang berwenang).\n\n"
        "p memilih periode: 1 hari ini, 2 7 hari, 3 bulan ini, 4 bulan lalu, 5 tahun ini, "
        "6 semua data, 7 rentang tanggal (hh-bb-tttt). Langsung: h hari ini, m 7 hari, b bulan "
        "ini, l bulan lalu, t tahun ini, s semua data, g rentang; [ dan ] menggeser periode. "
        "o memilih kantor (bila ada beberapa). 1-3 berpindah tab. e mengekspor Laporan Kinerja "
        "Pelayanan periode ini (PDF, XLSX atau CSV) ke folder dokumen. j membuka pemantauan berkas "
        "(terlambat dan segera jatuh tempo). Angka diperbarui sendiri saat meja mana pun "
        "menyelesaikan langkah atau melayani antrean."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "choose_period", "Periode", id="dashboard.period"),
        Binding("h", "period('hari')", "Hari ini", show=False, id="dashboard.today"),
        Binding("m", "period('minggu')", "7 hari", show=False, id="dashboard.week"),
        Binding("b", "period('bulan')", "Bulan ini", show=False, id="dashboard.month"),
        Binding("l", "period('bulan_lalu')", "Bulan lalu", show=False, id="dashboard.last_month"),
        Binding("t", "period('tahun')", "Tahun ini", show=False, id="dashboard.year"),
        Binding("s", "period('semua')", "Semua data", show=False, id="dashboard.all"),
        Binding("g", "choose_range", "Rentang tanggal", show=False, id="dashboard.range"),
        Binding("left_square_bracket", "shift(-1)", "Periode sebelumnya", show=False,
                id="dashboard.earlier"),
        Binding("right_square_bracket", "shift(1)", "Periode berikutnya", show=False,
                id="dashboard.later"),
        Binding("1", "tab('tab-langkah')", "Tab", key_display="1-3", id="dashboard.tab1"),
        Binding("2", "tab('tab-harian')", "Harian", show=False, id="dashboard.tab2"),
        Binding("3", "tab('tab-petugas')", "Petugas", show=False, id="dashboard.tab3"),
        Binding("e", "export", "Ekspor", id="dashboard.export"),
        office_binding("dashboard"),
        Binding("j", "deadlines", "Pemantauan", id="dashboard.deadlines"),
        Binding("escape", "back", "Kembali", id="dashboard.back"),
        Binding("q", "quit", "Keluar", id="dashboard.quit"),
        Binding("r", "reload", "Muat ulang", show=False, id="dashboard.refresh"),
        Binding("ctrl+l,f12", "logout", "Keluar akun (ganti petugas)", show=False,
                id="dashboard.logout"),
    ]
    """p the period (h m b l t s g directly), 1-3 the tabs, o the office, j the list of late
    steps; Escape back (q quits where the dashboard is the app's first screen)."""

    def __init__(self, period: str = "bulan", since: dt.date | None = None,
                 until: dt.date | None = None) -> None:
        """Create the screen.

        Args:
            period: A named period (:data:`screens.dashparts.PERIODS`), used when no dates
                are given.
            since: First day of a typed period (with ``until``).
            until: Last day of a typed period (today when only ``since`` is given).
        """
        super().__init__()
        self.period = "" if since is not None else period
        self.since = since
        self.until = until
        self.offices: list[OfficeChoice] = []
        self.shown: Dashboard | None = None
        """The figures on screen (None until the first are drawn)."""
        self.timing: tuple[float, float] | None = None
        """Seconds to compute and to draw the figures last shown."""
        self._services: dict[str, ServiceTiming] = {}
        self._timings: dict[str, StepTiming] = {}

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(id="dash-title")
        yield PlainStatic(id="dash-queue")
        with TabbedContent(id="dash-tabs"):
            with TabPane("Langkah", id="tab-langkah"):
                steps: DataTable[Text] = DataTable(id="dash-steps", cursor_type="row",
                                                   cell_padding=0)
                for key, label, width, justify in STEP_COLUMNS:
                    steps.add_column(Text(label, justify=justify), key=key, width=width)
                yield steps
                detail = PlainStatic(id="dash-step-detail")
                detail.styles.height = STEP_DETAIL_LINES + 1  # its lines and top border
                yield detail
            with TabPane("Harian", id="tab-harian"):
                yield PlainStatic(id="dash-day-title")
                yield Sparkline([], id="dash-spark")
                yield PlainStatic(id="dash-day-range")
                yield PlainStatic(id="dash-day-summary")
            with TabPane("Petugas", id="tab-petugas"):
                staff: DataTable[Text] = DataTable(id="dash-staff", cursor_type="row",
                                                   zebra_stripes=True)
                for key, label, width in STAFF_COLUMNS:
                    staff.add_column(label, key=key, width=width)
                yield staff
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Load the offices and the figures."""
        self.title = "Dasbor kinerja layanan"
        self.query_one("#dash-title", PlainStatic).set_text(Text("Menghitung…", style="dim"))
        self.query_one("#dash-steps", DataTable).focus()
        self.load_offices()
        self._set_period()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the office choice only with several offices, Escape only over another screen,
        q only where the dashboard is the first screen (``desk dasbor``)."""
        if action == "choose_office":
            return self.can_choose_office()
        base = len(self.app.screen_stack) <= 1 if self.is_attached else False
        if action == "back":
            return not base
        if action == "quit":
            return base
        return True

    # -- the period -----------------------------------------------------------------------------

    def _set_period(self) -> None:
        """Load the period chosen (a typed one without its last day ends today)."""
        if not self.period and self.since is not None and self.until is None:
            self.until = self.office_today()
        self.reload()

    def action_period(self, key: str) -> None:
        """Show a named period."""
        self.period = key
        self._set_period()

    def action_choose_period(self) -> None:
        """The period dialog: the named periods and a typed range."""
        labels = [*PERIODS.values(), "Rentang tanggal…"]
        current = PERIOD_CHOICES.index(self.period) if self.period in PERIOD_CHOICES else 6

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if PERIOD_CHOICES[index] == "rentang":
                self.action_choose_range()
            else:
                self.action_period(PERIOD_CHOICES[index])

        self.app.push_screen(ListDialog("Periode", labels, current), chosen)

    def action_choose_range(self) -> None:
        """Type the first and last day."""
        today = self.office_today()

        def chosen(span: tuple[dt.date, dt.date] | None) -> None:
            if span is not None:
                self.period = ""
                self.since, self.until = span
                self.reload()

        self.app.push_screen(RangeDialog(self.since or today, self.until or today, today), chosen)

    def action_shift(self, direction: int) -> None:
        """The period just before (or after) the one shown, as long; months and years move
        by whole months and years."""
        if self.since is None or self.until is None or self.period == "semua":
            return
        self.since, self.until = shift_period(self.since, self.until, direction,
                                              whole_year=self.period == "tahun")
        self.period = ""
        self.reload()

    # -- loading --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Compute the figures again in the background; a named period's days are worked out
        again (after midnight "Hari ini" is the new day)."""
        if self.period:
            self.since, self.until = period_range(self.period, self.office_today())
        if self.since is not None and self.until is not None:
            self.load(self.since, self.until, self.office_for_load())

    def action_reload(self) -> None:
        """r: compute the figures again."""
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-load",
          description="Menghitung dasbor")
    def load(self, since: dt.date, until: dt.date, office_id: int | None) -> None:
        """Compute the figures (thread worker).

        Args:
            since: First day.
            until: Last day.
            office_id: The office (None: the session's).
        """
        session = self.desk_app.session
        if session is None:
            return
        started = time.perf_counter()
        dashboard = self.desk.dashboard(session, since, until, office_id=office_id)
        computed = time.perf_counter() - started
        if get_current_worker().is_cancelled:
            return  # a newer period was chosen meanwhile
        self.desk_app.call_from_thread(self.show_figures, dashboard, computed)

    def show_figures(self, dashboard: Dashboard, computed: float = 0.0) -> None:
        """Draw the figures (the cursor stays on its row).

        Args:
            dashboard: The figures.
            computed: Seconds the computation took (kept in :attr:`timing`).
        """
        if not self.is_attached or self.desk_app.session is None:
            return
        started = time.perf_counter()
        self._services = {s.code: s for s in dashboard.services}
        self._timings = {}
        for service in dashboard.services:
            self._timings[f"{service.code}:0"] = service.case
            for step in service.steps:
                self._timings[f"{service.code}:{step.step_no}"] = step
        with self.app.batch_update():
            self._show_title(dashboard)
            table = self.query_one("#dash-steps", DataTable)
            rows = step_rows(dashboard)
            refill_table(table, rows, [column[0] for column in STEP_COLUMNS])
            self._show_days(dashboard)
            self._show_staff(dashboard)
            self.shown = dashboard
            self._show_step_detail()
        self.timing = (computed, time.perf_counter() - started)

    def _show_title(self, dashboard: Dashboard) -> None:
        """The period, the office, when; and the queue line."""
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"{dashboard.computed_at:%H.%M} ", style="dim")
        if self.period == "semua" and dashboard.first_day is not None:
            label = period_label(dashboard.first_day, dashboard.until, "")
            title.append(f"{PERIODS['semua']} ({label})", style="bold")
        else:
            title.append(period_label(dashboard.since, dashboard.until, self.period), style="bold")
        if len(self.offices) > 1:
            title.append(" · ")
            title.append(dashboard.office_name)
        self.query_one("#dash-title", PlainStatic).set_text(title)
        self.query_one("#dash-queue", PlainStatic).set_text(
            queue_line(dashboard, max(40, self.app.size.width - 2)))

    def _show_days(self, dashboard: Dashboard) -> None:
        """The sparkline of steps done per day (or month), its range and totals."""
        days = day_series(dashboard)
        unit = "bulan" if dashboard.per_month else "hari"
        title = Text(f"Langkah selesai per {unit}", style="bold")
        self.query_one("#dash-day-title", PlainStatic).set_text(title)
        self.query_one("#dash-spark", Sparkline).data = [d.done for d in days]
        width = max(20, self.app.size.width - 4)
        if days:
            left = day_label(days[0].day, dashboard.per_month)
            right = day_label(days[-1].day, dashboard.per_month)
            span = Text(left + " " * max(1, width - len(left) - len(right)) + right, style="dim")
        else:
            span = Text("Belum ada langkah yang selesai dalam periode ini.", style="dim")
        self.query_one("#dash-day-range", PlainStatic).set_text(span)
        total = sum(d.done for d in days)
        summary = Text(f"Jumlah {fmt_count(total)}")
        if days and total:
            busiest = max(days, key=lambda d: d.done)
            summary.append(f" · terbanyak {fmt_count(busiest.done)} "
                           f"({day_label(busiest.day, dashboard.per_month)})")
            standard = sum(d.with_standard for d in days)
            if standard:
                within = sum(d.within for d in days) / standard
                summary.append(f" · tepat waktu (dalam mutu baku) {fmt_percent(within)}")
        self.query_one("#dash-day-summary", PlainStatic).set_text(summary)

    def _show_staff(self, dashboard: Dashboard) -> None:
        """The figures per staff member, or no such tab for a role not allowed them."""
        tabs = self.query_one("#dash-tabs", TabbedContent)
        if dashboard.staff is None:
            tabs.hide_tab("tab-petugas")
            return
        tabs.show_tab("tab-petugas")
        rows = []
        for person in dashboard.staff:
            within = person.within / person.with_standard if person.with_standard else None
            rows.append((str(person.staff_id), [
                Text(person.full_name, no_wrap=True, overflow="ellipsis"),
                Text(person.role, no_wrap=True, overflow="ellipsis"),
                Text(fmt_count(person.done), justify="right"),
                Text(fmt_percent(within), justify="right"),
                Text(fmt_duration(person.median_seconds), justify="right"),
            ]))
        table = self.query_one("#dash-staff", DataTable)
        refill_table(table, rows, [key for key, _, _ in STAFF_COLUMNS])

    @on(DataTable.RowHighlighted, "#dash-steps")
    def _show_step_detail(self) -> None:
        """The lines under the steps table about the highlighted row."""
        detail = self.query_one("#dash-step-detail", PlainStatic)
        key = cursor_key(self.query_one("#dash-steps", DataTable))
        if not key or self.shown is None:
            detail.set_text("")
            return
        timing = self._timings.get(key)
        service = self._services.get(key.rpartition(":")[0])
        if timing is None or service is None:
            detail.set_text("")
            return
        width = max(40, self.app.size.width - 2)
        detail.set_text(step_detail(service, timing, width, self.shown.warn_share))

    # -- export ---------------------------------------------------------------------------------

    def action_export(self) -> None:
        """e: the Laporan Kinerja Pelayanan of the period and office shown, as PDF, CSV or XLSX."""
        if self.since is None or self.until is None:
            return
        since, until, office_id = self.since, self.until, self.office_id

        def chosen(index: int | None) -> None:
            if index is not None:
                self.export(since, until, EXPORT_FORMATS[index][0], office_id)

        self.app.push_screen(ListDialog("Ekspor laporan kinerja",
                                        [label for _, label in EXPORT_FORMATS]), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="dashboard-export",
          description="Mengekspor laporan kinerja")
    def export(self, since: dt.date, until: dt.date, fmt: str, office_id: int | None) -> None:
        """Write the report file (thread worker) and say where it is.

        Args:
            since: First day.
            until: Last day.
            fmt: "pdf", "csv" or "xlsx".
            office_id: The office (None: the session's).
        """
        path = self.desk.export_performance(self.session, since, until, fmt, office_id=office_id)
        self.desk_app.call_from_thread(self.desk_app.notify, f"Laporan kinerja tersimpan: {path}",
                                       title="Ekspor", markup=False, timeout=10)

    # -- keys -----------------------------------------------------------------------------------

    def action_tab(self, pane: str) -> None:
        """Show a tab (the Petugas tab only where it is offered)."""
        tabs = self.query_one("#dash-tabs", TabbedContent)
        if pane == "tab-petugas" and self.shown is not None and self.shown.staff is None:
            self.notify("Angka per petugas hanya untuk supervisor, kepala bidang, kepala dinas "
                        "dan admin.", markup=False)
            return
        tabs.active = pane
        focus = {"tab-langkah": "#dash-steps", "tab-petugas": "#dash-staff"}.get(pane)
        if focus:
            self.query_one(focus).focus()

    def action_deadlines(self) -> None:
        """The list of steps overdue and due soon (back to it when it is underneath)."""
        self.desk_app.show_deadlines()

    def action_back(self) -> None:
        """Back to the screen underneath."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_quit(self) -> None:
        """q: quit (asks first), where the dashboard is the first screen."""
        self.desk_app.action_quit_app()
