"""The counter's ticket operations beyond calling: call a number, resume, park, transfer,
start serving, finish (a mixin of the queue screen, which keeps the display)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from models.dto import TicketInfo
from screens.dialogs import ConfirmDialog, InputDialog
from screens.widgets import KeyFooter


class TransferDialog(ModalScreen["tuple[str, int | None] | None"]):
    """Where a ticket goes: another service's line or another loket. Returns
    ``(service_code, None)``, ``("", loket_no)`` or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Batal", id="transfer.cancel")]

    def __init__(self, ticket: TicketInfo, services: list[Any], counters: list[Any], own: int | None) -> None:
        super().__init__(classes="dialog")
        self._ticket = ticket
        self._services = [s for s in services if s.code != ticket.service_code]
        self._counters = [c for c in counters if c.number != own]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box picker-box"):
            yield Label(f"Alihkan tiket {self._ticket.code}", classes="dialog-title", markup=False)
            options: list[Option | None] = []
            for counter in self._counters:
                prompt = Text(f" L{counter.number} ", style="bold reverse")
                prompt.append("  ke ")
                prompt.append(counter.name or f"Loket {counter.number}")
                options.append(Option(prompt, id=f"loket:{counter.number}"))
            if options:
                options.append(None)
            for service in self._services:
                prompt = Text(f" {service.prefix} ", style="bold reverse")
                prompt.append("  ke layanan ")
                prompt.append(service.short_name or service.name)
                options.append(Option(prompt, id=f"layanan:{service.code}"))
            yield OptionList(*options, id="transfer-list")
            yield Label("Tiket tetap bernomor sama dan dipanggil lebih dulu di tujuannya. "
                        "Enter memilih, Escape batal.", classes="dialog-hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, value = (event.option.id or "").partition(":")
        self.dismiss((value, None) if kind == "layanan" else ("", int(value)))

    def action_cancel(self) -> None:
        self.dismiss(None)


#: Seconds the info line keeps the last outcome at this desk (instead of the key hints).
SAID_SHOWN = 30.0

class CounterOps:
    """Actions of the queue screen on one ticket (mixed into QueueScreen, which provides
    ``desk``, ``session``, ``desk_app``, ``busy``, ``_target``, ``_highlighted``, ``_called``,
    ``_serving``, ``_show_call`` and ``action_refresh_queue``)."""

    current: TicketInfo | None
    desk: Any
    desk_app: Any
    session: Any
    app: Any
    busy: Any
    notify: Any
    _target: Any
    _highlighted: Any
    _called: Any
    _serving: Any
    _show_call: Any
    action_refresh_queue: Any

    # -- call a number / resume ---------------------------------------------------------------

    def action_call_number(self) -> None:
        """Call a ticket by its number: out of turn, a parked one back, or one marked tidak
        hadir who came back (the highlighted row's number is offered)."""
        if self.busy():
            return
        row = self._highlighted()
        offered = row.code if row is not None and row.status in ("menunggu", "ditunda", "lewat") else ""

        def typed(text: str | None) -> None:
            if text and text.strip():
                self.call_number(text.strip())

        self.app.push_screen(
            InputDialog("Panggil nomor", "Nomor tiket yang dipanggil ke loket ini (mis. A-12):", offered,
                        placeholder="A-12", max_length=12), typed)

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call", description="Memanggil nomor")
    def call_number(self, typed: str) -> None:
        """Find the typed ticket and call it (thread worker)."""
        ticket = self.desk.find_ticket(self.session, typed)
        called = self.desk.call_ticket(self.session, ticket.id)
        self.desk_app.call_from_thread(self._called, called, False)

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call", description="Melanjutkan tiket")
    def resume(self, ticket_id: int) -> None:
        """Call a parked ticket back to this loket (thread worker)."""
        called = self.desk.call_ticket(self.session, ticket_id)
        self.desk_app.call_from_thread(self._called, called, False)

    def _ticket_at_loket(self) -> TicketInfo | None:
        """The ticket this loket acts on (called or served), or None after saying why (also
        while a change is being saved)."""
        if self.busy():
            return None
        ticket = self._target()
        if ticket is None:
            self.notify("Belum ada tiket yang dipanggil atau dilayani.", severity="warning", markup=False)
        return ticket

    # -- park -----------------------------------------------------------------------------------

    def action_park(self) -> None:
        """Park (tunda) the ticket at this loket: the applicant steps away and comes back."""
        ticket = self._ticket_at_loket()
        if ticket is None:
            return
        self.park(ticket.id)

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call", description="Menunda tiket")
    def park(self, ticket_id: int) -> None:
        ticket = self.desk.park_ticket(self.session, ticket_id)
        self.desk_app.call_from_thread(self._left_loket, ticket,
                                       f"{ticket.code} ditunda. Panggil kembali dengan Enter pada barisnya "
                                       "atau g.")

    # -- transfer -------------------------------------------------------------------------------

    def action_transfer(self) -> None:
        """Transfer the ticket to another service's line or another loket."""
        ticket = self._ticket_at_loket()
        if ticket is None:
            return

        def chosen(where: tuple[str, int | None] | None) -> None:
            if where is not None and not self.busy():
                self.transfer(ticket.id, *where)

        app = self.desk_app
        self.app.push_screen(TransferDialog(ticket, list(app.services), list(app.counters),
                                            self.session.counter_no), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call", description="Mengalihkan tiket")
    def transfer(self, ticket_id: int, service_code: str, counter_no: int | None) -> None:
        ticket = self.desk.transfer_ticket(self.session, ticket_id, service_code=service_code,
                                           counter_no=counter_no)
        where = f"loket {counter_no}" if counter_no is not None else ticket.service_name
        self.desk_app.call_from_thread(self._left_loket, ticket, f"{ticket.code} dialihkan ke {where}.")

    # -- finish ---------------------------------------------------------------------------------

    def action_finish(self) -> None:
        """Finish the ticket at this loket (the applicant leaves; asks first)."""
        ticket = self._ticket_at_loket()
        if ticket is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and not self.busy():
                self.finish(ticket.id)

        self.app.push_screen(ConfirmDialog(f"Selesaikan layanan tiket {ticket.code}?",
                                           title="Selesai"), answered)

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call", description="Menyelesaikan tiket")
    def finish(self, ticket_id: int) -> None:
        ticket = self.desk.finish_ticket(self.session, ticket_id)
        self.desk_app.call_from_thread(self._left_loket, ticket, f"{ticket.code} selesai dilayani.")

    def say(self, message: str) -> None:
        """Besides its toast, name an outcome on the info line for SAID_SHOWN seconds (a toast's
        seconds pass unseen while a loaded server draws late; bench/sessions.py)."""
        self._said = (message, time.monotonic())
        self._show_info()
        self.set_timer(SAID_SHOWN, self._show_info)

    def _left_loket(self, ticket: TicketInfo, message: str) -> None:
        """The ticket is no longer at this loket (parked, transferred, finished, absent)."""
        if self.current is not None and self.current.id == ticket.id:
            self.current = None
        self._show_call()
        self.notify(message, markup=False)
        self.say(message)
        self.action_refresh_queue()

    # -- start serving --------------------------------------------------------------------------

    @work(thread=True, exclusive=False, exit_on_error=False, group="queue-call", description="Mulai melayani")
    def start_serving(self, ticket_id: int) -> None:
        """The applicant is at the loket: serving starts, then intake opens (thread worker)."""
        ticket = self.desk.start_serving(self.session, ticket_id)
        self.desk_app.call_from_thread(self._serving, ticket)
