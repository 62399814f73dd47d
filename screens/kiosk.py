"""The screens of the self-service kiosk (anjungan): choose a service, say whether one is a
priority visitor, read the ticket; and, for staff only, the key prompt that closes the kiosk.

A citizen has nothing but a number pad: 0-9, Enter, Backspace, + - * / and the decimal point.
Every screen reads keys through :func:`numpad` (which also understands the pad with NumLock off)
and talks to the app (``desk.kioskapp.KioskApp``) only through a few methods, duck-typed: the
screens never import the app, and never the database. User data is shown literally (rich Text,
``markup=False``).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.align import Align
from rich.console import RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.renderables.digits import DIGITS, DIGITS3X3
from textual.screen import Screen
from textual.widgets import Digits

from models.dto import DocumentInfo, ServiceInfo, TicketInfo
from models.queuedto import QueueLineInfo
from models.settings import PRIORITY_KINDS
from screens.widgets import PlainStatic

#: The message a citizen reads when the database (or anything else) fails.
PROBLEM = "Maaf, mesin antrean sedang bermasalah. Silakan menuju loket."

#: Largest number of services on one page (keys 1-8; 9 and 0 turn the page).
MAX_PER_PAGE = 8

#: Lines of a service row, and the lines of the services screen around the rows.
ROW_HEIGHT = 3
SERVICES_CHROME = 6

#: The priority choices: key -> (priority_kind, label); 1 is "not a priority visitor".
PRIORITY_CHOICES: tuple[tuple[str, str], ...] = (("", "Tidak"), *PRIORITY_KINDS.items())

#: Keys of the number pad with NumLock off, read as the digit printed on them.
_NUMLOCK_OFF = {"insert": "0", "end": "1", "down": "2", "pagedown": "3", "left": "4", "right": "6",
                "home": "7", "up": "8", "pageup": "9", "delete": "."}
_NAMED = {"enter": "enter", "backspace": "back", "plus": "+", "minus": "-", "asterisk": "*",
          "slash": "/", "full_stop": ".", "comma": ".", "period": "."}


def numpad(event: events.Key) -> str | None:
    """What a key of the number pad means.

    Returns:
        "0"-"9", "enter", "back", "+", "-", "*", "/", "." or None for any other key.
    """
    key = event.key
    if len(key) == 1 and key in "0123456789+-*/.":
        return key
    if key in _NAMED:
        return _NAMED[key]
    if key in _NUMLOCK_OFF:
        return _NUMLOCK_OFF[key]
    char = event.character or ""
    if len(char) == 1 and char in "0123456789+-*/.":
        return char
    return None


#: Letters for ticket codes in the style of Digits' 3x3 font (Digits itself knows A-F only).
_LETTERS: dict[str, tuple[str, str, str]] = {
    "G": ("╭─╴", "│╶╮", "╰─╯"), "H": ("╷ ╷", "├─┤", "╵ ╵"), "I": ("╶┬╴", " │ ", "╶┴╴"),
    "J": ("  ╷", "  │", "╰─╯"), "K": ("╷ ╱", "├┤ ", "╵ ╲"), "L": ("╷  ", "│  ", "╰─╴"),
    "M": ("╭┬╮", "│││", "╵╵╵"), "N": ("╭─╮", "│ │", "╵ ╵"), "O": ("╭─╮", "│ │", "╰─╯"),
    "P": ("┌─╮", "├─╯", "╵  "), "Q": ("╭─╮", "│ │", "╰─╲"), "R": ("┌─╮", "├┬╯", "╵╰╴"),
    "S": ("╭─╴", "╰─╮", "╶─╯"), "T": ("╶┬╴", " │ ", " ╵ "), "U": ("╷ ╷", "│ │", "╰─╯"),
    "V": ("╷ ╷", "╲ ╱", " ╵ "), "W": ("╷╷╷", "│││", "╰┴╯"), "X": ("╲ ╱", " ╳ ", "╱ ╲"),
    "Y": ("╷ ╷", "╰┬╯", " ╵ "), "Z": ("╶─╮", " ╱ ", "╰─╴"),
}


class _CodeRenderable:
    """Digits' 3x3 font with every capital letter (ticket prefixes may be any letter)."""

    def __init__(self, text: str, style: Style) -> None:
        self.text = text
        self.style = style

    @staticmethod
    def glyph(char: str) -> tuple[str, str, str]:
        if char in _LETTERS:
            return _LETTERS[char]
        if char in DIGITS and char != " ":
            at = DIGITS.index(char) * 3
            return DIGITS3X3[at].ljust(3), DIGITS3X3[at + 1].ljust(3), DIGITS3X3[at + 2].ljust(3)
        return "   ", "   ", "   " if char == " " else f" {char} "

    def __rich_console__(self, console: Any, options: Any) -> RenderResult:
        rows = ["", "", ""]
        for char in self.text:
            for n, piece in enumerate(self.glyph(char)):
                rows[n] += piece
        for row in rows:
            yield Segment(row, self.style)
            yield Segment.line()


class TicketDigits(Digits):
    """A ticket code (``H-012``) in big 3x3 characters."""

    def render(self) -> Any:
        align = self.styles.text_align
        return Align(_CodeRenderable(self.value.upper(), self.rich_style),
                     align if align in ("left", "center", "right") else "left", self.rich_style)

    def get_content_width(self, container: Any, viewport: Any) -> int:
        return 3 * len(self.value)


class KioskScreen(Screen[None]):
    """A kiosk screen: no bindings; the app hands it number-pad keys (:meth:`pressed`) in the
    order they were typed, even in a burst that changes the screen half-way."""

    BINDINGS: ClassVar[list[Any]] = []
    AUTO_FOCUS = None

    idle_home: ClassVar[bool] = False
    """Whether this screen returns to the services after the app's idle time without a key."""

    def __init__(self) -> None:
        super().__init__()
        self._idle: Any = None

    @property
    def kiosk(self) -> Any:
        """The running kiosk app."""
        return self.app

    def top_bar(self) -> PlainStatic:
        """The office's name across the top."""
        return PlainStatic(Text(getattr(self.kiosk, "office_name", "") or "Anjungan antrean"), classes="bar")

    def pressed(self, token: str) -> None:
        """A number-pad key (see :func:`numpad`); may come before the screen is mounted."""

    def on_mount(self) -> None:
        self._counting = True
        self.restart_idle()

    _counting = False

    def restart_idle(self) -> None:
        """Start counting the idle time again (after a key)."""
        if not self.idle_home or not self._counting:
            return
        if self._idle is not None:
            self._idle.stop()
        self._idle = self.set_timer(self.kiosk.idle_seconds, self.kiosk.home)


class ServiceRow(Horizontal):
    """One service: its key in big digits, its line and name, the line's waiting."""

    def compose(self) -> ComposeResult:
        yield Digits("", classes="key")
        with Vertical(classes="what"):
            yield PlainStatic("", classes="name")
            yield PlainStatic("", classes="wait")

    def show(self, key: int, service: ServiceInfo, line: QueueLineInfo | None) -> None:
        """Fill the row."""
        self.query_one(".key", Digits).update(str(key))
        name = Text()
        name.append(line.prefix if line is not None else service.prefix, style="bold reverse")
        name.append("  ")
        name.append(service.short_name or service.name, style="bold")
        self.query_one(".name", PlainStatic).set_text(name)
        self.query_one(".wait", PlainStatic).set_text(wait_text(line))


def wait_text(line: QueueLineInfo | None) -> str:
    """How many wait in a line and how long, as the services screen says it."""
    if line is None:
        return ""
    if line.waiting == 0:
        return "Belum ada yang menunggu"
    text = f"Menunggu: {line.waiting} orang"
    if line.wait_minutes is not None:
        text += f" · perkiraan ± {line.wait_minutes} menit"
    return text


class ServicesScreen(KioskScreen):
    """Screen 1: "Silakan pilih layanan", a page of services at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.per_page = 5
        self.problem = ""

    def compose(self) -> ComposeResult:
        yield self.top_bar()
        yield PlainStatic("SILAKAN PILIH LAYANAN", classes="title")
        yield PlainStatic("Tekan angka layanan pada papan angka.", classes="hint")
        with Vertical(id="rows"):
            for _ in range(MAX_PER_PAGE):
                yield ServiceRow(classes="row")
        yield PlainStatic("", id="problem")
        yield PlainStatic("", id="pages", classes="keys")
        yield PlainStatic("Semua layanan di kantor ini GRATIS, tidak dipungut biaya.", classes="free")

    def on_mount(self) -> None:
        super().on_mount()
        if self.kiosk.office_name:  # the facade opened before this screen was drawn
            self.show_office(self.kiosk.office_name)
        self.fit(self.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self.fit(event.size.height)

    def fit(self, height: int) -> None:
        """Show as many services per page as the screen's height allows (at most 8)."""
        room = max(ROW_HEIGHT, height - SERVICES_CHROME)
        per_page = max(1, min(MAX_PER_PAGE, room // ROW_HEIGHT))
        first = self.page * self.per_page
        self.per_page = per_page
        self.page = first // per_page
        spaced = room >= per_page * (ROW_HEIGHT + 1) - 1
        self.query_one("#rows").set_class(spaced, "-spaced")
        self.refresh_rows()

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.kiosk.services) // self.per_page))

    def page_services(self) -> list[ServiceInfo]:
        """The services on the current page."""
        start = self.page * self.per_page
        return list(self.kiosk.services[start:start + self.per_page])

    def refresh_rows(self) -> None:
        """Show the current page (and the problem, when there is one)."""
        self.page = min(self.page, self.pages - 1)
        shown = [] if self.problem else self.page_services()
        for n, row in enumerate(self.query(ServiceRow)):
            if n < len(shown):
                row.show(n + 1, shown[n], self.kiosk.line_of(shown[n].code))
            row.display = n < len(shown)
        self.query_one("#problem").display = bool(self.problem)
        self.query_one("#problem", PlainStatic).set_text(self.problem)
        keys = Text()
        if not self.problem and self.pages > 1:
            keys.append(" 9 ", style="bold reverse")
            keys.append(" ▶ berikutnya    ")
            keys.append(" 0 ", style="bold reverse")
            keys.append(" ◀ sebelumnya    ")
            keys.append(f"Halaman {self.page + 1} dari {self.pages}", style="bold")
        elif not self.problem and not self.kiosk.services:
            keys.append("Menyiapkan daftar layanan…")
        self.query_one("#pages", PlainStatic).set_text(keys)

    def show_problem(self, problem: str) -> None:
        """Say the kiosk cannot take a ticket now ("" when it can again)."""
        if problem != self.problem:
            self.problem = problem
            self.refresh_rows()

    def show_office(self, name: str) -> None:
        """Put the office's name in the top bar (known once the facade is open)."""
        self.query_one(".bar", PlainStatic).set_text(name)

    def restart_idle(self) -> None:
        """After the idle time without a key, back to page 1."""
        if self._idle is not None:
            self._idle.stop()
        if self._counting:
            self._idle = self.set_timer(self.kiosk.idle_seconds, self.first_page)

    def first_page(self) -> None:
        """Back to page 1 (when the next visitor comes)."""
        if self.page:
            self.page = 0
            self.refresh_rows()

    def pressed(self, token: str) -> None:
        if self.problem or not self.kiosk.services or not self.is_mounted:
            return
        if token in ("9", "+"):
            self.page = (self.page + 1) % self.pages
            self.refresh_rows()
        elif token in ("0", "-"):
            self.page = (self.page - 1) % self.pages
            self.refresh_rows()
        elif token.isdigit():
            services = self.page_services()
            if int(token) <= len(services):
                self.kiosk.choose(services[int(token) - 1])


class PriorityScreen(KioskScreen):
    """Screen 2: "Apakah Anda termasuk prioritas?"."""

    idle_home = True

    def __init__(self, service: ServiceInfo) -> None:
        super().__init__()
        self.service = service

    def compose(self) -> ComposeResult:
        yield self.top_bar()
        chosen = Text("Layanan: ")
        chosen.append(self.service.short_name or self.service.name, style="bold")
        yield PlainStatic(chosen, classes="hint")
        yield PlainStatic("APAKAH ANDA TERMASUK PRIORITAS?", classes="title")
        with Vertical(id="rows"):
            for n, (_, label) in enumerate(PRIORITY_CHOICES, start=1):
                with Horizontal(classes="row"):
                    yield Digits(str(n), classes="key")
                    with Vertical(classes="what"):
                        yield PlainStatic(Text(label, style="bold"), classes="name")
        keys = Text()
        keys.append(" Enter ", style="bold reverse")
        keys.append(" = 1 Tidak    ")
        keys.append(" ⌫ ", style="bold reverse")
        keys.append(" atau ")
        keys.append(" 0 ", style="bold reverse")
        keys.append(" kembali")
        yield PlainStatic(keys, classes="keys")

    def pressed(self, token: str) -> None:
        if token in ("back", "0"):
            self.kiosk.home()
        elif token == "enter":
            self.kiosk.take_ticket(self.service, "")
        elif token.isdigit() and 1 <= int(token) <= len(PRIORITY_CHOICES):
            self.kiosk.take_ticket(self.service, PRIORITY_CHOICES[int(token) - 1][0])


class ResultScreen(KioskScreen):
    """The ticket: its code in big characters, the wait, the printing; any key (or the time)
    returns to the services."""

    def __init__(self, service: ServiceInfo, priority_kind: str) -> None:
        super().__init__()
        self.service = service
        self.priority_kind = priority_kind
        self.done = False
        self.ticket: TicketInfo | None = None

    def compose(self) -> ComposeResult:
        yield self.top_bar()
        yield PlainStatic("Mohon tunggu, tiket Anda sedang dibuat…", id="heading", classes="title")
        yield TicketDigits("", id="code")
        yield PlainStatic("", id="service", classes="center")
        yield PlainStatic("", id="ahead", classes="center big")
        yield PlainStatic("", id="wait", classes="center big")
        yield PlainStatic("", id="print", classes="center")
        yield PlainStatic("Layanan ini GRATIS", id="free", classes="center free")
        yield PlainStatic("", id="back", classes="center hint")

    def _set(self, selector: str, text: str | Text) -> None:
        self.query_one(selector, PlainStatic).set_text(text)

    def issued(self, ticket: TicketInfo, ahead: int | None, wait: int | None) -> None:
        """Show the new ticket (its printing follows)."""
        self.ticket = ticket
        self._set("#heading", "NOMOR ANTREAN ANDA")
        self.query_one("#code", TicketDigits).update(ticket.code)
        service = Text(ticket.service_name or self.service.name, style="bold")
        if ticket.priority_kind in PRIORITY_KINDS:
            service.append(f"  ·  Prioritas: {PRIORITY_KINDS[ticket.priority_kind]}")
        self._set("#service", service)
        self._set("#ahead", f"Antrean di depan Anda: {ahead}" if ahead is not None else "")
        self._set("#wait", f"Perkiraan waktu tunggu: ± {wait} menit" if wait is not None else "")
        self._set("#print", "Tiket sedang dicetak…")
        self._finish()

    def printed(self, document: DocumentInfo | None) -> None:
        """Say how printing went (None: it failed); the number stays on screen either way."""
        if document is not None and document.printed:
            self._set("#print", Text("Silakan ambil tiket Anda di bawah layar.", style="bold"))
        elif document is not None and not document.print_error:
            self._set("#print", Text("Catat nomor antrean Anda.", style="bold"))
        else:
            self._set("#print", Text("Tiket tidak dapat dicetak, catat nomor Anda.", style="bold"))
            self.add_class("-unprinted")

    def failed(self) -> None:
        """No ticket: say so and send the visitor to the loket."""
        self._set("#heading", PROBLEM)
        self.add_class("-failed")
        self.query_one("#code").display = False
        self.query_one("#free").display = False
        self._set("#print", "")
        self._finish()

    def _finish(self) -> None:
        self.done = True
        self._shown_at = time.monotonic()
        seconds = int(self.kiosk.result_seconds)
        self._set("#back", f"Tekan tombol apa saja untuk selesai (kembali otomatis dalam {seconds} detik).")
        self.set_timer(self.kiosk.result_seconds, self.kiosk.home)

    _shown_at = 0.0

    def pressed(self, token: str) -> None:
        if self.done and time.monotonic() - self._shown_at >= self.kiosk.result_grace:
            self.kiosk.home()


class KeyScreen(KioskScreen):
    """Staff only: the office's key closes the kiosk."""

    idle_home = True

    def __init__(self) -> None:
        super().__init__()
        self.typed = ""

    def compose(self) -> ComposeResult:
        yield self.top_bar()
        yield PlainStatic("TUTUP ANJUNGAN (KHUSUS PETUGAS)", classes="title")
        yield PlainStatic("Ketik kunci anjungan kantor, lalu tekan Enter.", classes="hint")
        yield PlainStatic("", id="typed", classes="center big")
        yield PlainStatic("⌫ menghapus satu angka; ⌫ saat kosong membatalkan.", classes="hint")

    def pressed(self, token: str) -> None:
        if token.isdigit():
            self.typed = (self.typed + token)[:16]
        elif token == "back":
            if not self.typed:
                self.kiosk.home()
                return
            self.typed = self.typed[:-1]
        elif token == "enter":
            self.kiosk.check_key(self.typed)
            return
        self.show_typed()

    def on_mount(self) -> None:
        super().on_mount()
        self.show_typed()

    def show_typed(self) -> None:
        """One dot per digit typed (the key itself is never shown)."""
        if self.is_mounted:
            self.query_one("#typed", PlainStatic).set_text(" ".join("●" * len(self.typed)))


#: The kiosk's look: large, high-contrast, centred.
KIOSK_CSS = """
KioskScreen { background: $surface; }
KioskScreen .bar { background: $primary; color: $text; text-style: bold; width: 100%; padding: 0 1; height: 1; }
KioskScreen .title { text-style: bold; color: $accent; width: 100%; text-align: center; margin: 1 0 0 0; }
KioskScreen .hint { width: 100%; text-align: center; color: $text-muted; }
KioskScreen .center { width: 100%; text-align: center; }
KioskScreen .big { text-style: bold; }
KioskScreen .keys { width: 100%; text-align: center; height: 1; }
KioskScreen .free { width: 100%; text-align: center; color: $success; text-style: bold; }
KioskScreen #rows { height: 1fr; padding: 0 2; }
KioskScreen .row { height: 3; }
KioskScreen #rows.-spaced .row { margin-bottom: 1; }
ServicesScreen .row:odd { background: $boost; }
PriorityScreen .row:odd { background: $boost; }
KioskScreen .row .key { width: 5; padding: 0 1; color: $accent; text-style: bold; }
KioskScreen .row .what { width: 1fr; height: 3; padding-left: 1; }
KioskScreen .row .name, KioskScreen .row .wait { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
PriorityScreen .row .name { margin-top: 1; }
KioskScreen #problem { height: 1fr; width: 100%; content-align: center middle; text-align: center;
                       text-style: bold; color: $error; padding: 0 4; }
ResultScreen #code { width: 100%; text-align: center; margin: 1 0; color: $accent; }
ResultScreen #print { margin-top: 1; }
ResultScreen.-unprinted #print { color: $warning; }
ResultScreen.-failed #heading { color: $error; height: 5; content-align: center middle; }
ResultScreen #free { margin-top: 1; }
ResultScreen #back { margin-top: 1; }
KeyScreen #typed { margin: 2 0; height: 1; }
"""
