"""The waiting-room board (papan antrean): the latest call per loket in large digits, the last
calls, the people waiting per line, the date and a ticking clock, and a running text.

The screen only shows what it is given (:meth:`BoardScreen.show_state`); the app reads the
database and decides when. Everything from the database (names, the running text) is rendered
literally (PlainStatic / rich Text), never as markup.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.align import Align
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.renderables.digits import DIGITS, DIGITS3X3, DIGITS3X3_BOLD
from textual.renderables.digits import Digits as DigitsRenderable
from textual.screen import Screen
from textual.widgets import Digits

from models.queuedto import BoardCall, BoardState
from output.words import format_tanggal, hari
from screens.widgets import PlainStatic

#: Seconds the newest call stays highlighted.
FLASH_SECONDS = 6.0

#: Seconds between two steps (one character) of the running text.
MARQUEE_STEP = 0.15

#: Columns a loket card needs at least (the digits of "A-012" are 15 wide).
CARD_MIN_WIDTH = 19

#: What the board says while the database cannot be reached.
OFFLINE = "Sambungan ke basis data terputus — mencoba lagi…"

#: Shown in the digits before a loket called anyone today.
NO_CALL = "---"


def clock_text(now: dt.datetime, tz_label: str) -> str:
    """The clock, e.g. ``"10.05.07 WITA"``."""
    label = f" {tz_label}" if tz_label else ""
    return f"{now.hour:02d}.{now.minute:02d}.{now.second:02d}{label}"


def date_text(now: dt.datetime) -> str:
    """The date, e.g. ``"Kamis, 3 Desember 2026"``."""
    return f"{hari(now.date())}, {format_tanggal(now.date())}"


def wait_text(minutes: int | None) -> str:
    """The estimated wait, e.g. ``"± 20 menit"`` (``""`` when unknown)."""
    if minutes is None:
        return ""
    if minutes < 1:
        return "segera"
    if minutes < 90:
        return f"± {minutes} menit"
    hours, rest = divmod(minutes, 60)
    return f"± {hours} jam {rest} menit" if rest else f"± {hours} jam"


#: A 3x3 font for the prefix letters Textual's Digits lacks (it has A to F).
LETTERS: dict[str, tuple[str, str, str]] = {
    "G": ("╭─╴", "│╶╮", "╰─╯"), "H": ("╷ ╷", "├─┤", "╵ ╵"), "I": ("╶┬╴", " │ ", "╶┴╴"),
    "J": ("  ╷", "  │", "╰─╯"), "K": ("╷╭╴", "├┤ ", "╵╰╴"), "L": ("╷  ", "│  ", "╰─╴"),
    "M": ("╭┬╮", "│││", "╵╵╵"), "N": ("╭─╮", "│ │", "╵ ╵"), "O": ("╭─╮", "│ │", "╰─╯"),
    "P": ("╭─╮", "├─╯", "╵  "), "Q": ("╭─╮", "│ │", "╰─┼"), "R": ("╭─╮", "├┬╯", "╵╰╴"),
    "S": ("╭─╴", "╰─╮", "╶─╯"), "T": ("╶┬╴", " │ ", " ╵ "), "U": ("╷ ╷", "│ │", "╰─╯"),
    "V": ("╷ ╷", "│ │", "╰┬╯"), "W": ("╷╷╷", "│││", "╰┴╯"), "X": ("╮ ╭", "╰┬╯", "╭┴╮"),
    "Y": ("╷ ╷", "╰┬╯", " ╵ "), "Z": ("╶─┐", "┌─┘", "└─╴"),
}


class CodeRenderable(DigitsRenderable):
    """Textual's 3x3 digits, with every letter A to Z (ticket codes like "R-012")."""

    def render(self, style: Style):
        rows: list[list[str]] = [[], [], []]
        font = DIGITS3X3_BOLD if style.bold else DIGITS3X3
        for character in self._text.upper().translate(self.REPLACEMENTS):
            if character in LETTERS:
                glyph = LETTERS[character]
            elif character in DIGITS:
                at = DIGITS.index(character) * 3
                glyph = (font[at], font[at + 1], font[at + 2])
            else:
                glyph = (" ", " ", character)
            for row, piece in zip(rows, glyph, strict=True):
                row.append(piece.ljust(3) if len(glyph[0]) > 1 or character in DIGITS else piece)
        for line in rows:
            yield Segment("".join(line), style + Style(meta={"offset": (0, 0)}))
            yield Segment.line()

    @classmethod
    def get_width(cls, text: str) -> int:
        return sum(3 if ch in DIGITS or ch in LETTERS else 1 for ch in text.upper())


class CodeDigits(Digits):
    """A Digits widget that also draws the letters G to Z large."""

    def render(self):
        digits = CodeRenderable(self.value, self.rich_style)
        align = self.styles.text_align if self.styles.text_align in {"left", "center", "right"} else "left"
        return Align(digits, align, self.rich_style)  # type: ignore[arg-type]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return CodeRenderable.get_width(self.value)


class CounterCard(Vertical):
    """One loket: its name, the ticket it called last (large digits) and the service."""

    def __init__(self, number: int) -> None:
        super().__init__(classes="board-card")
        self.number = number
        self.ticket_id: int | None = None
        self._shown: tuple[str, BoardCall | None] = ("", None)

    def compose(self) -> ComposeResult:
        name, call = self._shown
        yield PlainStatic(name, classes="card-name")
        yield CodeDigits(call.code if call else NO_CALL, classes="card-code")
        yield PlainStatic(call.service_name if call else "", classes="card-service")

    def show(self, name: str, call: BoardCall | None) -> None:
        """Show the loket's name and its latest call (None: nobody called yet)."""
        self.ticket_id = call.ticket_id if call else None
        self._shown = (name, call)
        if not self.query(CodeDigits):  # not composed yet: compose shows it
            return
        self.query_one(".card-name", PlainStatic).set_text(name)
        digits = self.query_one(Digits)
        code = call.code if call else NO_CALL
        if digits.value != code:
            digits.update(code)
        self.query_one(".card-service", PlainStatic).set_text(call.service_name if call else "")


class BoardScreen(Screen[None]):
    """The board, full screen; no keys but help and quitting (it is a display)."""

    HELP_TITLE: ClassVar[str] = "Bantuan papan antrean"
    HELP_TEXT: ClassVar[str] = (
        "Papan antrean untuk layar TV di ruang tunggu. Nomor yang dipanggil tampil dengan angka "
        "besar per loket dan diumumkan dengan suara. Papan diperbarui sendiri; bila sambungan ke "
        "basis data terputus, papan tetap menampilkan keadaan terakhir dan mencoba lagi. "
        "Tekan q atau Ctrl+Q untuk menutup papan."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "app.help", "Bantuan"),
        Binding("q", "app.quit_board", "Keluar"),
    ]

    DEFAULT_CSS = """
    BoardScreen { layout: vertical; background: $background; }
    BoardScreen #board-top { height: 1; background: $primary; color: $text; }
    BoardScreen #board-office { width: 1fr; text-style: bold; padding: 0 1; }
    BoardScreen #board-date { width: auto; padding: 0 1; }
    BoardScreen #board-clock { width: auto; padding: 0 1; text-style: bold; }
    BoardScreen #board-banner { display: none; height: auto; background: $error; color: $text;
        text-style: bold; content-align: center middle; text-align: center; }
    BoardScreen.-offline #board-banner { display: block; }
    BoardScreen #board-voice { display: none; height: 1; color: $warning; padding: 0 1; }
    BoardScreen.-voice-off #board-voice { display: block; }
    BoardScreen #board-cards { height: auto; grid-size: 3; grid-rows: 7; grid-gutter: 0 1;
        padding: 0 1; }
    BoardScreen .board-card { height: 7; border: round $primary; align-horizontal: center; }
    BoardScreen .board-card.-new { background: $accent; border: heavy $warning; }
    BoardScreen .board-card.-new PlainStatic, BoardScreen .board-card.-new Digits { text-style: bold; }
    BoardScreen .card-name { width: 100%; height: 1; text-align: center; text-style: bold; }
    BoardScreen .card-code { width: 100%; text-align: center; }
    BoardScreen .card-service { width: 100%; height: 1; text-align: center; color: $text-muted; }
    BoardScreen #board-lower { height: 1fr; padding: 0 1; }
    BoardScreen .board-panel { width: 3fr; height: 100%; border: round $secondary; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    BoardScreen #board-recent { width: 2fr; }
    BoardScreen #board-marquee { height: 1; background: $primary-darken-2; color: $text; }
    """

    def __init__(self, timezone: str) -> None:
        """Create the board.

        Args:
            timezone: The office's IANA time zone (the clock ticks in it).
        """
        super().__init__()
        self.zone = ZoneInfo(timezone)
        self.state: BoardState | None = None
        self.running_text = ""
        self._offset = 0
        self._newest: tuple[int, dt.datetime] | None = None
        self._flash_timer = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-top"):
            yield PlainStatic("Papan antrean", id="board-office")
            yield PlainStatic("", id="board-date")
            yield PlainStatic("", id="board-clock")
        yield PlainStatic(OFFLINE, id="board-banner")
        yield PlainStatic("", id="board-voice")
        yield Grid(id="board-cards")
        with Horizontal(id="board-lower"):
            recent = PlainStatic("Memuat…", id="board-recent", classes="board-panel")
            recent.border_title = "Panggilan terakhir"
            yield recent
            lines = PlainStatic("", id="board-lines", classes="board-panel")
            lines.border_title = "Menunggu"
            yield lines
        yield PlainStatic("", id="board-marquee")

    class Drawn(Message):
        """The board is composed and mounted: what the app read before can be shown now."""

        def __init__(self, board: BoardScreen) -> None:
            super().__init__()
            self.board = board

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)
        self.set_interval(MARQUEE_STEP, self.step_marquee)
        self.post_message(self.Drawn(self))

    # -- what the app calls -----------------------------------------------------------------------

    def show_state(self, state: BoardState) -> None:
        """Show a picture of the queue (the newest call flashes when it is new)."""
        first = self.state is None
        self.state = state
        self.query_one("#board-office", PlainStatic).set_text(state.office_name)
        self.tick()
        self._show_cards(state)
        newest = state.recent[0] if state.recent else None
        key = (newest.ticket_id, newest.called_at) if newest else None
        if key != self._newest:
            self._newest = key
            if newest is not None and not first:
                self.flash(newest.counter_no)
        self._show_recent(state)
        self._show_lines(state)
        if state.running_text != self.running_text:
            self.running_text = state.running_text
            self._offset = 0
            self.step_marquee(advance=False)

    def set_offline(self, offline: bool, detail: str = "") -> None:
        """Show or hide the banner saying the database cannot be reached."""
        banner = self.query_one("#board-banner", PlainStatic)
        banner.set_text(OFFLINE if not detail else f"{OFFLINE}\n{detail}")
        self.set_class(offline, "-offline")

    @property
    def offline(self) -> bool:
        """Whether the banner is shown."""
        return self.has_class("-offline")

    def set_voice_problem(self, message: str) -> None:
        """Show a small status line (e.g. "Suara tidak aktif: …"); "" hides it."""
        self.query_one("#board-voice", PlainStatic).set_text(message)
        self.set_class(bool(message), "-voice-off")

    def flash(self, counter_no: int) -> None:
        """Highlight one loket's card for a few seconds."""
        for card in self.query(CounterCard):
            card.set_class(card.number == counter_no, "-new")
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._unflash)

    def _unflash(self) -> None:
        self._flash_timer = None
        for card in self.query(CounterCard):
            card.remove_class("-new")

    # -- parts ------------------------------------------------------------------------------------

    def tick(self) -> None:
        """Redraw the date and the clock (every second, in the office's time zone)."""
        now = dt.datetime.now(self.zone)
        label = self.state.tz_label if self.state else ""
        self.query_one("#board-date", PlainStatic).set_text(date_text(now))
        self.query_one("#board-clock", PlainStatic).set_text(clock_text(now, label))

    def step_marquee(self, advance: bool = True) -> None:
        """Move the running text by one character."""
        widget = self.query_one("#board-marquee", PlainStatic)
        text = " ".join(self.running_text.split())
        if not text:
            widget.set_text("")
            return
        width = max(1, widget.size.width or self.app.size.width)
        loop = text + "   •   "
        if advance:
            self._offset = (self._offset + 1) % len(loop)
        repeated = loop * (width // len(loop) + 2)
        widget.set_text(Text(repeated[self._offset:self._offset + width], no_wrap=True))

    def _show_cards(self, state: BoardState) -> None:
        grid = self.query_one("#board-cards", Grid)
        cards = list(self.query(CounterCard))
        if [c.number for c in cards] != [number for number, _, _ in state.counters]:
            for card in cards:
                card.remove()
            cards = [CounterCard(number) for number, _, _ in state.counters]
            grid.mount_all(cards)
            self._fit_grid()
            self.call_after_refresh(self._show_cards, state)
            return
        for card, (_, name, call) in zip(cards, state.counters, strict=True):
            card.show(name, call)

    def on_resize(self) -> None:
        self._fit_grid()

    def _fit_grid(self) -> None:
        """As many cards side by side as fit (at least one)."""
        count = len(self.state.counters) if self.state else 1
        columns = max(1, min(count, (self.size.width - 2) // CARD_MIN_WIDTH or 1))
        self.query_one("#board-cards", Grid).styles.grid_size_columns = columns

    def _show_recent(self, state: BoardState) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if not state.recent:
            text.append("Belum ada panggilan hari ini.", style="italic")
        for i, call in enumerate(state.recent):
            if i:
                text.append("\n")
            style = "bold reverse" if i == 0 else "bold"
            text.append(f" {call.code} ", style=style)
            text.append(f" {call.counter_name}")
            if call.service_name:
                text.append(f" · {call.service_name}", style="dim")
            text.append(f"  {call.called_at.hour:02d}.{call.called_at.minute:02d}", style="dim")
        self.query_one("#board-recent", PlainStatic).set_text(text)

    def _show_lines(self, state: BoardState) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if not state.lines:
            text.append("Tidak ada jalur antrean.", style="italic")
        ordered = sorted(state.lines, key=lambda line: line.waiting == 0)  # stable: prefix order
        for i, line in enumerate(ordered):
            if i:
                text.append("\n")
            text.append(f"{line.prefix} ", style="bold")
            text.append(line.name)
            text.append(f" · {line.waiting} menunggu", style="bold" if line.waiting else "")
            wait = wait_text(line.wait_minutes) if line.waiting else ""
            if wait:
                text.append(f" · {wait}")
        self.query_one("#board-lines", PlainStatic).set_text(text)
