"""The queue screen: the main screen after login (tickets, calling, serving)."""

from __future__ import annotations

import datetime as dt
import time
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Digits, Header
from textual.worker import get_current_worker

from models.dto import CaseDetail, DeskEvent, TicketInfo
from models.permissions import Permission, allowed
from models.settings import PRIORITY_KINDS
from screens.base import DeskScreen, Throttle
from screens.dialogs import ConfirmDialog, ServicePicker
from screens.queueops import SAID_SHOWN, CounterOps
from screens.widgets import KeyFooter, PlainStatic, document_notice, fmt_time, sync_table

#: Event kinds that change what the queue shows (see models.events).
QUEUE_EVENTS = ("ticket.", "case.opened", "case.decided", "counter.")

#: Other desks' changes are read at most this often (s; more on a loaded server): a reading
#: redraws the table, 25-30 ms of CPU (bench/sessions.py). Queue apps refresh every 2-5 s.
OTHERS_REFRESH = 2.0

#: Column keys and headers of the queue table, with fixed widths for 80 columns.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("code", "Kode", 7),
    ("service", "Layanan", 30),
    ("status", "Status", 11),
    ("issued", "Ambil", 5),
    ("wait", "Tunggu", 6),
    ("counter", "Loket", 5),
)

#: Row styles per ticket status.
STATUS_STYLES: dict[str, str] = {
    "menunggu": "",
    "dipanggil": "bold yellow",
    "dilayani": "bold green",
    "selesai": "dim",
    "lewat": "dim",
    "ditunda": "italic cyan",
}


class QueueScreen(CounterOps, DeskScreen):
    """Today's queue at this loket: take tickets, call, recall, skip and serve."""

    HELP_TITLE: ClassVar[str] = "Antrean"
    HELP_TEXT: ClassVar[str] = (
        "Layar utama loket. Tabel menampilkan tiket hari ini yang masih menunggu, serta tiket "
        "yang sedang dipanggil atau dilayani di loket ini, urut prioritas lalu nomor.\n\n"
        "1. Pemohon datang: tekan t (atau F2) untuk mengambilkan tiket; pilih layanan dengan "
        "mengetik huruf layanannya (F4 untuk antrean prioritas). Tiket dicetak ke PDF.\n"
        "2. Tekan n (F5) untuk memanggil nomor berikutnya ke loket ini (tiket yang dialihkan "
        "ke loket ini lebih dulu, lalu prioritas berselang dengan antrean biasa sesuai aturan "
        "kantor); u memanggil ulang, x menandai pemohon tidak hadir; g memanggil nomor "
        "tertentu (juga tiket yang ditunda atau yang tadi tidak hadir).\n"
        "3. Pemohon di depan loket: tekan Enter atau l untuk mulai melayani (isi data pemohon).\n"
        "4. p menunda tiket (pemohon pergi sebentar; lanjutkan dengan Enter pada barisnya), "
        "a mengalihkan ke layanan atau loket lain (nomornya tetap), s menyelesaikan.\n"
        "Kolom Tunggu: perkiraan menit sampai dipanggil. F7 statistik antrean.\n"
        "Tanpa tiket: tekan b untuk membuat berkas baru. Berkas lama: c (F3) untuk mencari.\n"
        "j membuka pemantauan berkas: langkah yang terlambat dan segera jatuh tempo.\n"
        "m (admin): akun petugas, tambah, nonaktifkan, reset kata sandi.\n"
        "Ganti petugas di loket ini: Ctrl+L (atau F12) keluar akun dan kembali ke layar masuk.\n"
        "Meninggalkan loket sebentar: Ctrl+K mengunci layar; buka lagi dengan kata sandi Anda. "
        "Layar juga terkunci sendiri bila lama tidak dipakai.\n"
        "Antrean diperbarui seketika bila loket lain mengambil atau memanggil tiket."
    )

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"queue-call"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t,f2", "take_ticket", "Ambil tiket", id="queue.ticket",
                tooltip="Ambilkan tiket antrean untuk pemohon"),
        Binding("n,f5", "call_next", "Panggil", id="queue.call",
                tooltip="Panggil berikutnya ke loket ini"),
        Binding("u", "recall", "Ulang panggil", id="queue.recall", show=False),
        Binding("x", "skip", "Tidak hadir", id="queue.skip", show=False),
        Binding("l", "serve", "Layani", id="queue.serve", show=False,
                tooltip="Layani tiket yang dipanggil (juga Enter)"),
        Binding("g", "call_number", "Nomor", id="queue.call_number",
                tooltip="Panggil nomor tertentu, tiket ditunda, atau yang kembali"),
        Binding("p", "park", "Tunda", id="queue.park", show=False),
        Binding("a", "transfer", "Alihkan", id="queue.transfer", show=False),
        Binding("s", "finish", "Selesai", id="queue.finish", show=False),
        Binding("f7", "stats", "Statistik", id="queue.stats", show=False),
        Binding("c,f3", "search", "Cari", id="queue.search"),
        Binding("b", "new_case", "Berkas baru", id="queue.new_case",
                tooltip="Berkas baru tanpa tiket"),
        Binding("j", "deadlines", "Tempo", id="queue.deadlines",
                tooltip="Langkah yang terlambat dan segera jatuh tempo"),
        Binding("m", "staff", "Akun petugas", id="queue.staff", show=False),
        Binding("r", "refresh_queue", "Muat ulang", show=False, id="queue.refresh"),
        Binding("q", "app.quit_app", "Keluar", id="queue.quit"),
        Binding("ctrl+l,f12", "logout", "Keluar akun (ganti petugas)", show=False,
                id="queue.logout"),
    ]
    """The counter's keys; Enter on a row serves it. u / x / l / p / a / s are shown in the
    call panel."""

    def __init__(self) -> None:
        """Create the screen (the session is the app's)."""
        super().__init__()
        self._tickets: dict[str, TicketInfo] = {}
        self.current: TicketInfo | None = None
        self._timer: Timer | None = None
        self._said: tuple[str, float] | None = None  # the last outcome at this desk, and when
        self._others_changed = Throttle(self, self.load_queue, OTHERS_REFRESH)

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(id="queue-info")
        with Horizontal(id="call-panel"):
            yield PlainStatic(id="call-prefix")
            yield Digits("", id="call-digits")
            with Vertical(id="call-text"):
                yield PlainStatic(id="call-title")
                yield PlainStatic(id="call-detail")
        table: DataTable[Text] = DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:  # Text: a str label is parsed as markup (rich's emoji table, 0.9 MiB)
            table.add_column(Text(label), key=key, width=width)
        yield table
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Load the queue; it is refreshed when a desk changes it (events), and at midnight."""
        self._show_call()
        self._show_info()
        self._at_midnight()
        self.action_refresh_queue()

    def _at_midnight(self) -> None:
        """Refresh when the office's day changes (tickets are numbered per day)."""
        now = self.desk.now()
        tomorrow = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=1, microsecond=0)
        self._timer = self.set_timer((tomorrow - now).total_seconds(), self._new_day)

    def _new_day(self) -> None:
        self.action_refresh_queue()
        self._at_midnight()

    def on_screen_resume(self) -> None:
        """Refresh at once when coming back from another screen."""
        if self.desk_app.session is not None:
            self.action_refresh_queue()

    def desk_events(self, events: list[DeskEvent]) -> None:
        """Refresh when a desk issued, called or finished a ticket (or the connection came back).

        Args:
            events: The events, in commit order.
        """
        if self.desk_app.session is None:
            return
        if not events or any(e.kind.startswith(QUEUE_EVENTS) for e in events):
            # other desks' changes: at once, but at most one reload a second while they come
            # in a stream (50 desks at one office each reloaded on every ticket of every loket)
            self._others_changed()

    # -- loading --------------------------------------------------------------------------------

    def action_refresh_queue(self) -> None:
        """Reload the queue in the background (at once: this desk's own action, or a key)."""
        self._others_changed.ran()
        self.load_queue()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-refresh",
          description="Memuat antrean")
    def load_queue(self) -> None:
        """Read the queue (thread worker)."""
        session = self.desk_app.session
        if session is None:
            return  # signed out meanwhile
        started = time.monotonic()
        tickets = self.desk.queue(session)
        if get_current_worker().is_cancelled:
            return  # a newer refresh has started: its (newer) result is shown instead
        self.desk_app.call_from_thread(self.show_queue, tickets, started)

    def show_queue(self, tickets: list[TicketInfo], started: float | None = None) -> None:
        """Update the table row by row (no clearing) and the call panel with ``tickets`` (in
        call order), read from ``started`` on (the time it took paces the next refreshes)."""
        if not self.is_attached or self.desk_app.session is None:
            return  # signed out meanwhile
        self._tickets = {str(t.id): t for t in tickets}
        table = self.query_one("#queue-table", DataTable)
        rows = [(str(t.id), self._cells(t)) for t in tickets]
        with self.app.batch_update():
            sync_table(table, rows, [key for key, _, _ in COLUMNS], order_column="code")
        mine = [
            t for t in tickets
            if t.status in ("dipanggil", "dilayani") and t.counter_no == self.session.counter_no
        ]
        fresh = {t.id: t for t in mine}
        if self.current is not None and self.current.id in fresh:
            self.current = fresh[self.current.id]
        elif mine:
            self.current = max(mine, key=lambda t: t.called_at or t.issued_at)
        else:
            self.current = None
        self._show_call()
        self._show_info()
        if started is not None:
            self._others_changed.took(time.monotonic() - started)

    def _cells(self, ticket: TicketInfo) -> list[Text]:
        """The cells of one ticket's row (rich Text: never parsed as markup)."""
        style = STATUS_STYLES.get(ticket.status, "")
        code = Text(ticket.code, style="bold" if ticket.priority else "")
        if ticket.priority:
            code.append(" P", style="bold magenta")
        counter = str(ticket.counter_no) if ticket.counter_no is not None else "-"
        if ticket.status == "menunggu" and ticket.target_counter_no is not None:
            counter = f"→{ticket.target_counter_no}"
        wait = ""
        if ticket.status == "menunggu" and ticket.wait_minutes is not None:
            wait = f"±{ticket.wait_minutes}m" if ticket.wait_minutes < 100 else f"±{ticket.wait_minutes // 60}j"
        return [
            code,
            Text(ticket.service_name, style=style, overflow="ellipsis", no_wrap=True),
            Text(ticket.status_label, style=style),
            Text(fmt_time(ticket.issued_at)),
            Text(wait, justify="right"),
            Text(counter, justify="center"),
        ]

    def _show_info(self) -> None:
        """The line under the header: staff, loket, counts."""
        session = self.session
        waiting = sum(1 for t in self._tickets.values() if t.status == "menunggu")
        info = Text()
        info.append(session.full_name, style="bold")
        if session.counter_no is not None:
            info.append(f"  ·  Loket {session.counter_no}")
            if session.counter_name and session.counter_name != f"Loket {session.counter_no}":
                info.append(" (")
                info.append(session.counter_name)
                info.append(")")
        info.append(f"  ·  {waiting} menunggu")
        said = self._said if self._said and time.monotonic() - self._said[1] < SAID_SHOWN else None
        for hint in (said[0],) if said else self._hints():
            room = self.app.size.width - 2 - len(info.plain) - len(hint)
            if room >= 2:
                info.append(" " * room)
                info.append(hint, style="bold" if said else "dim")
                break
        self.query_one("#queue-info", PlainStatic).set_text(info)

    def _hints(self) -> tuple[str, ...]:
        """Keys named at the right of the info line, the longest that fits first (the footer
        is full at 80 columns): m for administrators, Ctrl+K, always Ctrl+L."""
        if self.check_action("staff", ()):
            return ("m akun petugas · Ctrl+K kunci · Ctrl+L ganti petugas",
                    "m akun petugas · Ctrl+L ganti petugas", "m petugas · Ctrl+L ganti petugas",
                    "Ctrl+L ganti petugas")
        return ("Ctrl+K kunci layar · Ctrl+L ganti petugas", "Ctrl+K kunci · Ctrl+L ganti petugas",
                "Ctrl+L ganti petugas")

    def _show_call(self) -> None:
        """Show the ticket called to this loket, prominently."""
        ticket = self.current
        prefix = self.query_one("#call-prefix", PlainStatic)
        digits = self.query_one("#call-digits", Digits)
        title = self.query_one("#call-title", PlainStatic)
        detail = self.query_one("#call-detail", PlainStatic)
        panel = self.query_one("#call-panel")
        prefix.display = digits.display = ticket is not None
        if ticket is None:
            panel.set_class(False, "-calling")
            title.set_text(Text("Belum ada panggilan", style="bold"))
            detail.set_text("Tekan n untuk memanggil antrean berikutnya ke loket ini.")
            return
        panel.set_class(True, "-calling")
        letter, _, number = ticket.code.partition("-")
        prefix.set_text(Text(f"\n{letter}", style="bold", justify="center"))
        digits.update(number if number.isdigit() else "")
        verb = "Dilayani" if ticket.status == "dilayani" else "Memanggil"
        heading = Text(f"{verb} ", style="bold")
        heading.append(ticket.code, style="bold reverse")
        if self.session.counter_no is not None:
            heading.append(f" — Loket {self.session.counter_no}", style="bold")
        title.set_text(heading)
        line = Text(ticket.service_name, overflow="ellipsis", no_wrap=True)
        if ticket.priority:
            kind = PRIORITY_KINDS.get(ticket.priority_kind, "")
            line.append(f"  (prioritas{': ' + kind.lower() if kind else ''})", style="magenta")
        if ticket.call_count > 1:
            line.append(f"  · dipanggil {ticket.call_count}x", style="yellow")
        keys = ("↵ layani u ulang x absen p tunda a alihkan s selesai"
                if ticket.status == "dipanggil" else "↵ berkas  p tunda  a alihkan  s selesai")
        line.append("\n" + keys, style="dim")
        detail.set_text(line)

    # -- the highlighted / called ticket -------------------------------------------------------

    def _highlighted(self) -> TicketInfo | None:
        """The ticket under the table cursor."""
        table = self.query_one("#queue-table", DataTable)
        if not table.row_count:
            return None
        key = table.ordered_rows[table.cursor_row].key.value
        return self._tickets.get(key or "")

    def _target(self) -> TicketInfo | None:
        """The ticket the call keys act on: the highlighted one if called here, else current."""
        ticket = self._highlighted()
        if (
            ticket is not None
            and ticket.status in ("dipanggil", "dilayani")
            and ticket.counter_no == self.session.counter_no
        ):
            return ticket
        return self.current

    # -- tickets --------------------------------------------------------------------------------

    def action_take_ticket(self) -> None:
        """Pick a service and issue a ticket."""

        def picked(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self.issue_ticket(*choice)

        self.app.push_screen(
            ServicePicker(self.desk_app.services, title="Ambil tiket: pilih layanan"), picked
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-ticket",
          description="Mengambil tiket")
    def issue_ticket(self, service_code: str, priority_kind: str) -> None:
        """Issue a ticket (thread worker).

        Args:
            service_code: The service.
            priority_kind: The priority group ("" = normal line).
        """
        ticket = self.desk.issue_ticket(self.session, service_code, priority_kind=priority_kind)
        self.desk_app.call_from_thread(self._ticket_issued, ticket)

    def _ticket_issued(self, ticket: TicketInfo) -> None:
        """Say so, refresh and print the ticket."""
        self.notify(f"Tiket {ticket.code} diambil", title="Tiket", markup=False)
        self.say(f"Tiket {ticket.code} diambil")
        self.action_refresh_queue()
        self.print_ticket(ticket.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-print",
          description="Mencetak tiket")
    def print_ticket(self, ticket_id: int) -> None:
        """Render the ticket PDF (thread worker).

        Args:
            ticket_id: The ticket.
        """
        document = self.desk.print_ticket(self.session, ticket_id)
        message, severity = document_notice(document)
        self.desk_app.call_from_thread(
            self.notify, message, title="Cetak", markup=False, severity=severity,
            timeout=5 if severity == "information" else 20,
        )

    # -- calling --------------------------------------------------------------------------------

    def action_call_next(self) -> None:
        """Call the next ticket to this loket (one call at a time: a second n while the first
        runs would call two applicants)."""
        if self.busy():
            return
        current = self.current
        if current is not None and current.status == "dipanggil":
            # the called applicant has not come to the loket: calling on marks them tidak hadir

            def answered(yes: bool | None) -> None:
                if yes and not self.busy():
                    self.call_next_ticket()

            self.app.push_screen(
                ConfirmDialog(f"{current.code} belum dilayani. Tandai tidak hadir dan panggil "
                              "antrean berikutnya?", title="Panggil berikutnya"),
                answered,
            )
            return
        self.call_next_ticket()

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call",
          description="Memanggil antrean")
    def call_next_ticket(self) -> None:
        """Call the next ticket (thread worker)."""
        ticket = self.desk.call_next(self.session)
        self.desk_app.call_from_thread(self._called, ticket, False)

    def _called(self, ticket: TicketInfo | None, again: bool) -> None:
        """Show a call (or that the queue is empty)."""
        if ticket is None:
            self.notify("Tidak ada antrean yang menunggu.", title="Antrean kosong", markup=False)
            return
        self.current = ticket
        self._show_call()
        loket = f" — Loket {self.session.counter_no}" if self.session.counter_no else ""
        verb = "Panggil ulang" if again else "Memanggil"
        self.notify(f"{verb} {ticket.code}{loket}", title="Panggilan", markup=False)
        self.app.bell()
        self.action_refresh_queue()
        limit = self.desk.settings.queue.recall_limit
        if again and limit and ticket.call_count >= limit:

            def answered(yes: bool | None) -> None:
                if yes and not self.busy():
                    self.skip(ticket.id)

            self.app.push_screen(ConfirmDialog(
                f"{ticket.code} sudah dipanggil {ticket.call_count} kali dan belum datang. "
                "Tandai tidak hadir? (Ia dapat dipanggil kembali dengan g bila datang.)",
                title="Tidak hadir?", default_yes=False), answered)

    def action_recall(self) -> None:
        """Call the current ticket again."""
        if self.busy():
            return
        ticket = self._target()
        if ticket is None:
            self.notify("Belum ada tiket yang dipanggil.", severity="warning", markup=False)
            return
        self.recall(ticket.id)

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call",
          description="Memanggil ulang")
    def recall(self, ticket_id: int) -> None:
        """Recall a ticket (thread worker).

        Args:
            ticket_id: The ticket.
        """
        ticket = self.desk.recall(self.session, ticket_id)
        self.desk_app.call_from_thread(self._called, ticket, True)

    def action_skip(self) -> None:
        """Mark the called applicant as absent (after confirmation)."""
        ticket = self._target()
        if ticket is None:
            self.notify("Belum ada tiket yang dipanggil.", severity="warning", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes and not self.busy():
                self.skip(ticket.id)

        self.app.push_screen(
            ConfirmDialog(f"Tandai {ticket.code} tidak hadir?", title="Tidak hadir"), answered
        )

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call",
          description="Menandai tidak hadir")
    def skip(self, ticket_id: int) -> None:
        """Mark a ticket absent (thread worker).

        Args:
            ticket_id: The ticket.
        """
        ticket = self.desk.skip_ticket(self.session, ticket_id)
        self.desk_app.call_from_thread(self._skipped, ticket)

    def _skipped(self, ticket: TicketInfo) -> None:
        """Forget the skipped ticket."""
        if self.current is not None and self.current.id == ticket.id:
            self.current = None
        self._show_call()
        self.notify(f"{ticket.code} ditandai tidak hadir.", markup=False)
        self.action_refresh_queue()

    # -- serving --------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#queue-table")
    def _row_selected(self) -> None:
        """Enter on a row serves it."""
        self.action_serve()

    def action_serve(self) -> None:
        """Serve the called ticket: serving starts (walk time ends), then intake for its
        service (or its open case). On a parked ticket of this loket: call it back."""
        highlighted = self._highlighted()
        if highlighted is not None and highlighted.status == "ditunda" and not self.busy():
            self.resume(highlighted.id)
            return
        ticket = self._target()
        if ticket is None:
            if highlighted is not None and highlighted.status == "menunggu":
                self.notify(
                    f"Tiket {highlighted.code} belum dipanggil. Tekan n untuk memanggil "
                    "berikutnya, atau g untuk memanggil nomor ini.",
                    severity="warning", markup=False,
                )
            else:
                self.notify("Belum ada tiket yang dipanggil.", severity="warning", markup=False)
            return
        if ticket.status == "dipanggil":
            if not self.busy():
                self.start_serving(ticket.id)
            return
        self._serving(ticket)

    def _serving(self, ticket: TicketInfo) -> None:
        """The ticket is being served here: open its case, or intake for its service."""
        if self.current is not None and self.current.id == ticket.id:
            self.current = ticket
            self._show_call()
        if ticket.case_id is not None:
            self.load_case(ticket.case_id)
            return
        service = self.desk_app.service(ticket.service_code)
        if service is None:
            self.notify("Layanan tiket ini tidak ada di katalog.", severity="error", markup=False)
            return
        self.app.push_screen(self.desk_app.intake_screen(service, ticket))

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-case",
          description="Membuka berkas")
    def load_case(self, case_id: int) -> None:
        """Open an existing case (thread worker).

        Args:
            case_id: The case.
        """
        case = self.desk.case(self.session, case_id)
        self.desk_app.call_from_thread(self._open_case, case)

    def _open_case(self, case: CaseDetail) -> None:
        """Show the case where it stopped."""
        self.app.push_screen(self.desk_app.screen_for_case(case))

    def action_new_case(self) -> None:
        """Start a berkas without a ticket: pick the service, then intake."""

        def picked(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            service = self.desk_app.service(choice[0])
            if service is not None:
                self.app.push_screen(self.desk_app.intake_screen(service, None))

        self.app.push_screen(
            ServicePicker(self.desk_app.services, title="Berkas baru: pilih layanan",
                          allow_priority=False),
            picked,
        )

    def action_logout(self) -> None:
        """Sign out (after confirmation) and go back to the login screen."""
        name = self.session.full_name
        message = f"Keluar akun {name} dan kembali ke layar masuk?"
        if self.current is not None and self.current.status in ("dipanggil", "dilayani"):
            message += (f"\nTiket {self.current.code} masih {self.current.status_label.lower()} "
                        "di loket ini.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.desk_app.logout()

        self.app.push_screen(
            ConfirmDialog(message, title="Keluar akun", default_yes=False), answered
        )

    def action_search(self) -> None:
        """Open the search screen."""
        self.app.push_screen(self.desk_app.search_screen())

    def action_deadlines(self) -> None:
        """Open the list of steps overdue and due soon (pemantauan berkas)."""
        self.desk_app.show_deadlines()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """m (akun petugas) only for roles that manage staff accounts."""
        if action == "staff":
            session = self.desk_app.session
            return session is not None and allowed(session, Permission.STAFF_MANAGE)
        return True

    def action_staff(self) -> None:
        """m: the office's staff accounts (administrators)."""
        self.app.push_screen(self.desk_app.staff_screen())

    def action_stats(self) -> None:
        """Open the queue statistics."""
        from screens.queuestats import QueueStatsScreen

        self.app.push_screen(QueueStatsScreen())
