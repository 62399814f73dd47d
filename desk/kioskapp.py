"""The self-service kiosk (anjungan): a citizen takes a queue ticket with a number pad.

Built by ``desk.app.create_app(desk, "anjungan", key=...)``; run by ``desk anjungan``. The facade
is opened in a thread worker (and opened again until it works); tickets are issued and printed in
thread workers. Nothing a citizen can press leaves the kiosk or reaches a staff function: the app
has no bindings, no footer and no command palette. Staff close it with ``/`` three times in a row
and the office's key (``[antrean] kunci_anjungan``).
"""

from __future__ import annotations

import hmac
import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import BindingType
from textual.worker import Worker, WorkerState

from desk.terminate import exit_on_sigterm
from models.dto import DocumentInfo, ServiceInfo, TicketInfo
from models.queuedto import QueueLineInfo
from screens.kiosk import (
    KIOSK_CSS,
    PROBLEM,
    KeyScreen,
    KioskScreen,
    PriorityScreen,
    ResultScreen,
    ServicesScreen,
    numpad,
)

if TYPE_CHECKING:
    from models.desk import DeskService

#: Presses of ``/`` in a row (each within SLASH_WINDOW seconds of the first) that ask for the key.
SLASHES = 3
SLASH_WINDOW = 3.0

#: Wrong keys in a row before the key prompt is refused for ``lockout_seconds``.
KEY_TRIES = 3


class KioskApp(App[None], inherit_bindings=False):
    """The ticket kiosk: services, priority, the ticket; closed only with the office's key."""

    TITLE = "Anjungan antrean"
    CSS = KIOSK_CSS
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = []
    """None: Ctrl+Q, Ctrl+C and Escape do nothing here (App's quit bindings are not inherited)."""

    def __init__(self, desk: DeskService, key: str = "", *, result_seconds: float = 10.0,
                 result_grace: float = 2.0, idle_seconds: float = 30.0, lockout_seconds: float = 30.0, retry_seconds: float = 5.0,
                 refresh_seconds: float = 20.0) -> None:
        """Create the kiosk around a (maybe not yet opened) facade.

        Args:
            desk: The domain facade; opened on mount in a worker.
            key: The office's key that closes the kiosk (``[antrean] kunci_anjungan``).
            result_seconds: How long the ticket stays on screen.
            result_grace: Keys are ignored this long after the ticket shows (a double press
                must not hide it before it is read).
            idle_seconds: A half-done choice is dropped after this long without a key.
            lockout_seconds: The key prompt is refused this long after three wrong keys.
            retry_seconds: After a database error, try again this soon.
            refresh_seconds: How often the waiting counts are read again.

        Raises:
            ValueError: without a key (the kiosk could not be closed).
        """
        if not key:
            raise ValueError("the kiosk needs the office's key ([antrean] kunci_anjungan)")
        super().__init__()
        self.desk = desk
        self.key = key
        self.result_seconds = result_seconds
        self.result_grace = result_grace
        self.idle_seconds = idle_seconds
        self.lockout_seconds = lockout_seconds
        self.retry_seconds = retry_seconds
        self.refresh_seconds = refresh_seconds
        self.office_name = ""
        self.services: list[ServiceInfo] = []
        self.lines: dict[str, QueueLineInfo] = {}
        self.opened = False
        self._slashes: list[float] = []
        self._wrong = 0
        self._locked_until = 0.0
        self._retry: Any = None
        self.services_screen = ServicesScreen()

    # -- start-up and the waiting counts --------------------------------------------------------

    def on_mount(self) -> None:
        """Show the services screen (empty) and open the facade."""
        exit_on_sigterm(self)
        self.push_screen(self.services_screen)
        self.open_desk()
        self.set_interval(self.refresh_seconds, self.refresh_lines)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open", description="Membuka basis data")
    def open_desk(self) -> None:
        """Open the facade, read the office's services and the waiting counts (thread worker)."""
        self.desk.open()
        office = self.desk.office_info()
        lines = self.desk.queue_lines(self._reader())
        self.call_from_thread(self._opened, office.name, list(office.services), lines)

    def _opened(self, name: str, services: list[ServiceInfo], lines: list[QueueLineInfo]) -> None:
        self.office_name = name
        self.sub_title = name
        self.services = services
        self.opened = True
        self._show_lines(lines)
        self.warm_up()

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm", description="Menyiapkan PDF")
    def warm_up(self) -> None:
        """Load what the first ticket's PDF needs now, not when the first visitor waits."""
        self.desk.warm_up()

    def refresh_lines(self) -> None:
        """Read the waiting counts again (or open the facade, if that failed so far)."""
        if not self.opened:
            self.open_desk()
        else:
            self.read_lines()

    @work(thread=True, exclusive=True, exit_on_error=False, group="lines", description="Membaca antrean")
    def read_lines(self) -> None:
        """Read the waiting counts of the lines (thread worker)."""
        lines = self.desk.queue_lines(self._reader())
        self.call_from_thread(self._show_lines, lines)

    def _show_lines(self, lines: list[QueueLineInfo]) -> None:
        self.lines = {service: line for line in lines for service in line.services}
        if not self.services_screen.is_mounted:  # a loaded machine: its mount shows them
            return
        self.services_screen.show_problem("")
        self.services_screen.refresh_rows()
        self.services_screen.show_office(self.office_name)

    def _reader(self) -> Any:
        """The principal that reads the waiting counts (the kiosk's own: it may view the queue)."""
        return self.desk.principal("kiosk")

    def line_of(self, service_code: str) -> QueueLineInfo | None:
        """The queue line a service waits in (None before the counts are read)."""
        return self.lines.get(service_code)

    # -- taking a ticket ----------------------------------------------------------------------

    def choose(self, service: ServiceInfo) -> None:
        """A visitor chose a service: ask whether they are a priority visitor."""
        if isinstance(self.screen, ServicesScreen):
            self.push_screen(PriorityScreen(service))

    def take_ticket(self, service: ServiceInfo, priority_kind: str) -> None:
        """Issue the ticket (then print it) and show it."""
        if not isinstance(self.screen, PriorityScreen):
            return
        result = ResultScreen(service, priority_kind)
        self.switch_screen(result)
        self.issue(result, service.code, priority_kind)

    @work(thread=True, exit_on_error=False, group="ticket", description="Membuat tiket")
    def issue(self, result: ResultScreen, service_code: str, priority_kind: str) -> None:
        """Read how many wait in the line, issue the ticket, read the lines again for the
        services screen (thread worker); printing follows in its own worker.

        The line's figures read just before issuing are those "for a ticket taken now": the
        people before this ticket and its wait (a priority ticket may be called sooner).
        """
        before = self._lines_or_none()
        ticket = self.desk.issue_ticket(self.desk.principal("kiosk"), service_code,
                                        priority=bool(priority_kind), priority_kind=priority_kind)
        ahead, wait = ticket.ahead, ticket.wait_minutes
        if ahead is None:
            for line in before or []:
                if line.prefix == ticket.line:
                    ahead, wait = line.ahead, line.wait_minutes
        lines = self._lines_or_none() or []
        self.call_from_thread(self._issued, result, ticket, ahead, wait, lines)

    def _lines_or_none(self) -> list[QueueLineInfo] | None:
        """The lines' figures, or None when they cannot be read (the ticket matters more)."""
        try:
            return self.desk.queue_lines(self._reader())
        except Exception as error:  # noqa: BLE001 -- any failure: the ticket is shown without figures
            self.log.error(f"kiosk: reading the lines failed: {error!r}")
            return None

    def _issued(self, result: ResultScreen, ticket: TicketInfo, ahead: int | None, wait: int | None,
                lines: list[QueueLineInfo]) -> None:
        if lines:
            self._show_lines(lines)
        if result.is_attached:
            result.issued(ticket, ahead, wait)
        self.print_ticket(result, ticket.id)

    @work(thread=True, exit_on_error=False, group="print", description="Mencetak tiket")
    def print_ticket(self, result: ResultScreen, ticket_id: int) -> None:
        """Render and print the ticket (thread worker)."""
        document = self.desk.print_ticket(self.desk.principal("kiosk"), ticket_id)
        self.call_from_thread(self._printed, result, document)

    def _printed(self, result: ResultScreen, document: DocumentInfo | None) -> None:
        if document is not None and document.print_error:
            self.log.error(f"kiosk: printing failed: {document.print_error}")
        if result.is_attached:
            result.printed(document)

    def home(self) -> None:
        """Back to the services screen, page 1 (the next visitor)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.services_screen.first_page()

    # -- errors ---------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker becomes the kiosk's problem message, never a traceback."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        self.log.error(f"kiosk: worker {worker.name!r} failed: {worker.error!r}")
        if worker.group == "warm":  # only a slower first ticket
            return
        if worker.group == "print":  # the ticket exists: its number stays on screen
            for screen in self.screen_stack:
                if isinstance(screen, ResultScreen) and screen.ticket is not None:
                    screen.printed(None)
            return
        if worker.group == "ticket":
            for screen in self.screen_stack:
                if isinstance(screen, ResultScreen) and screen.ticket is None:
                    screen.failed()
        self.services_screen.show_problem(PROBLEM)
        if self._retry is None:
            self._retry = self.set_timer(self.retry_seconds, self._retry_now)

    def _retry_now(self) -> None:
        self._retry = None
        self.refresh_lines()

    # -- keys -------------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys are handled here, in the order typed, and nowhere else: no binding of the app
        or a screen (Ctrl+Q, Ctrl+C, Tab, Escape ...) ever runs."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_pressed(event)
            return
        await super().on_event(event)

    def key_pressed(self, event: events.Key) -> None:
        """Hand a number-pad key to the screen on top (``/`` counts towards closing)."""
        screen = self.screen
        if not isinstance(screen, KioskScreen):
            return
        token = numpad(event)
        screen.restart_idle()
        if token == "/":
            self.slash_pressed()
            return
        self.other_key()
        if token is not None:
            screen.pressed(token)
        elif isinstance(screen, ResultScreen):  # "any key" means any key there
            screen.pressed("")

    # -- closing ------------------------------------------------------------------------------

    def slash_pressed(self) -> None:
        """Count ``/`` presses; three in a row (within a few seconds) ask for the office's key."""
        now = time.monotonic()
        self._slashes = [t for t in self._slashes if now - t <= SLASH_WINDOW] + [now]
        if len(self._slashes) < SLASHES or isinstance(self.screen, KeyScreen):
            return
        self._slashes = []
        if now < self._locked_until:
            wait = int(self._locked_until - now) + 1
            self.notify(f"Terlalu banyak kunci salah. Coba lagi dalam {wait} detik.",
                        severity="warning", markup=False)
            return
        self.push_screen(KeyScreen())

    def other_key(self) -> None:
        """Any other key breaks a run of ``/``."""
        self._slashes = []

    def check_key(self, typed: str) -> None:
        """Close the kiosk with the right key; else say so and go back (three wrong: wait)."""
        if hmac.compare_digest(typed.encode(), self.key.encode()):
            self.exit()
            return
        self._wrong += 1
        self.home()
        if self._wrong >= KEY_TRIES:
            self._wrong = 0
            self._locked_until = time.monotonic() + self.lockout_seconds
            self.notify(f"Kunci salah {KEY_TRIES} kali. Coba lagi setelah {int(self.lockout_seconds)} detik.",
                        severity="error", markup=False)
        else:
            self.notify("Kunci salah.", severity="error", markup=False)

    # -- what a kiosk must not do ---------------------------------------------------------------

    async def action_quit(self) -> None:
        """Nothing quits the kiosk but the office's key."""

    def action_help_quit(self) -> None:
        """Ctrl+C does nothing (and says nothing) on the kiosk."""

    def action_command_palette(self) -> None:
        """No command palette on the kiosk."""
