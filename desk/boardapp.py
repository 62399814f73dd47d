"""The waiting-room board (``desk papan``): a display, no sign-in, no staff functions.

The facade is opened in a thread worker; the board then reads
``desk.board_state(desk.principal("papan"))`` and again after every ticket or loket event of
the event feed (at most one read in flight, one pending). Calls are announced by the
:class:`output.voice.Announcer` straight from the event, before the re-read. When the database
cannot be reached the board keeps its last picture under a banner and tries again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from desk.listener import DeskEvents, FeedState, relay
from desk.terminate import exit_on_sigterm
from models.dto import DeskError
from output.voice import Announcer, VoiceSettings
from screens.board import BoardScreen
from screens.help import HelpScreen

if TYPE_CHECKING:
    from models.desk import DeskService
    from models.queuedto import BoardState

#: Seconds between two tries while the database cannot be reached.
RETRY_SECONDS = 3.0

#: Event kinds (prefixes) after which the board reads again.
REFRESH_KINDS = ("ticket.", "counter.")

#: Event kinds that are announced by voice.
CALL_KINDS = ("ticket.called", "ticket.recalled")


class BoardApp(App[None]):
    """The waiting-room board (papan antrean) on a TV: calls, waiting lines, voice."""

    TITLE = "Papan antrean"
    CSS_PATH = "../screens/desk.tcss"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Bantuan", id="board.help"),
        Binding("ctrl+q", "quit_board", "Keluar", show=False, priority=True, id="board.quit"),
        Binding("ctrl+c", "quit_board", show=False, system=True),
    ]

    def __init__(self, desk: DeskService, voice: VoiceSettings | None = None, silent: bool = False) -> None:
        """Create the board around a (not yet opened) facade.

        Args:
            desk: The domain facade; opened on mount in a worker.
            voice: The voice settings ([suara]); None: the defaults.
            silent: No voice at all (``--tanpa-suara``).
        """
        super().__init__()
        self.desk = desk
        self.voice = voice or VoiceSettings()
        self.silent = silent or self.voice.engine == "mati"
        self.announcer: Any = None
        self.state: BoardState | None = None
        self.opened = False
        self.reads = 0
        self._feed: Any = None
        self._session: Any = None
        self._reading = False
        self._pending = False
        self._read_failed = ""
        self._feed_down = ""
        self._retry: Any = None
        self._voice_messages: set[str] = set()
        self._voice_message = ""
        self._names: dict[int, str] = {}

    @property
    def board(self) -> BoardScreen:
        """The board screen (under the help screen, when that is open)."""
        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen) and screen.is_mounted:
                return screen
        raise LookupError("board screen not shown")

    def on_board_screen_drawn(self, message: BoardScreen.Drawn) -> None:
        """The board finished mounting: show what was read (or went wrong) before it could."""
        board = message.board
        if self.state is not None:
            board.show_state(self.state)
        self._show_banner(board)
        if self._voice_message:
            board.set_voice_problem(self._voice_message)

    # -- start-up -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Show the (empty) board; open the facade and start the voice in workers."""
        exit_on_sigterm(self)
        self.push_screen(BoardScreen(self.desk.settings.timezone))
        if not self.silent:
            self.announcer = Announcer(self.voice, on_problem=self._voice_problem_from_thread)
            self.check_voice()
        self.open_desk()

    @work(thread=True, exclusive=True, exit_on_error=False, group="open", description="Membuka basis data")
    def open_desk(self) -> None:
        """Open the facade and read the first picture (thread worker); retried on failure."""
        feed = None
        try:
            self.desk.open()
            session = self.desk.principal("papan")
            # the feed takes its place before the first read: a call committed in between
            # arrives as an event (and is announced) instead of being missed
            feed = self.desk.event_feed()
            early = feed.wait(0)
            state = self.desk.board_state(session)
        except Exception as exc:  # noqa: BLE001 - any database failure: banner, try again
            if feed is not None:
                feed.close()
            self.call_from_thread(self._open_failed, _reason(exc))
            return
        self.call_from_thread(self._opened, session, state, feed)
        if early:
            self.post_message(DeskEvents(early))

    def _open_failed(self, reason: str) -> None:
        self._read_failed = reason
        self._show_banner()
        self.set_timer(RETRY_SECONDS, self.open_desk)

    def _opened(self, session: Any, state: BoardState, feed: Any) -> None:
        self.opened = True
        self._session = session
        self._read_failed = ""
        self._shown(state)
        self._feed = feed
        self.listen_events(self._feed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="voice", description="Memeriksa suara")
    def check_voice(self) -> None:
        """Look once whether sound can work (may run ``aplay -l``)."""
        announcer = self.announcer
        message = announcer.check() if announcer is not None else None
        if message:
            self.call_from_thread(self.voice_problem, message)

    def _voice_problem_from_thread(self, message: str) -> None:
        """The announcer's thread reports a problem."""
        try:
            self.call_from_thread(self.voice_problem, message)
        except RuntimeError:  # the app is closing
            pass

    def voice_problem(self, message: str) -> None:
        """Say once that the voice does not work; the board goes on silently."""
        if message in self._voice_messages:
            return
        self._voice_messages.add(message)
        self._voice_message = message
        self.notify(message, title="Suara", severity="warning", markup=False, timeout=10)
        try:
            self.board.set_voice_problem(message)
        except LookupError:
            pass

    # -- events ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="events", description="Mendengarkan perubahan")
    def listen_events(self, feed: Any) -> None:
        """Deliver events committed by any desk as :class:`DeskEvents` messages (thread worker)."""
        relay(self, feed)

    def on_desk_events(self, message: DeskEvents) -> None:
        """Announce calls at once; read the board again after ticket and loket changes."""
        refresh = False
        for event in message.events:
            if event.kind in CALL_KINDS and self.announcer is not None:
                code, loket = event.payload.get("kode"), event.payload.get("loket")
                if code and loket is not None:
                    try:
                        number = int(loket)
                    except (TypeError, ValueError):
                        continue
                    self.announcer.announce(str(code), number, self._names.get(number, ""))
            if event.kind.startswith(REFRESH_KINDS):
                refresh = True
        if refresh:
            self.refresh_board()

    def on_feed_state(self, message: FeedState) -> None:
        """The feed lost (or found again) the database."""
        self._feed_down = "" if message.connected else (message.error or "terputus")
        self._show_banner()
        if message.connected:
            self.refresh_board()
        else:
            self._schedule_retry()

    # -- reading --------------------------------------------------------------------------------

    def refresh_board(self) -> None:
        """Read the board again (one read in flight at most; a burst becomes one more read)."""
        if not self.opened:
            return
        if self._reading:
            self._pending = True
            return
        self._reading, self._pending = True, False
        self.read_board()

    @work(thread=True, exit_on_error=False, group="board", description="Membaca papan")
    def read_board(self) -> None:
        """Read the board's picture (thread worker); failures show the banner."""
        try:
            state = self.desk.board_state(self._session)
        except Exception as exc:  # noqa: BLE001 - any database failure: banner, try again
            self.call_from_thread(self._read_done, None, _reason(exc))
            return
        self.call_from_thread(self._read_done, state, "")

    def _read_done(self, state: BoardState | None, error: str) -> None:
        self._reading = False
        if state is not None:
            self._read_failed = ""
            self._shown(state)
        else:
            self._read_failed = error
            self._show_banner()
            self._schedule_retry()
        if self._pending:
            self.refresh_board()

    def _shown(self, state: BoardState) -> None:
        self.state = state
        self.reads += 1
        self._names = {number: name for number, name, _ in state.counters}
        self._show_banner()
        try:
            self.board.show_state(state)
        except LookupError:
            pass

    def _schedule_retry(self) -> None:
        if self._retry is None:
            self._retry = self.set_timer(RETRY_SECONDS, self._retry_now)

    def _retry_now(self) -> None:
        self._retry = None
        if self._read_failed or self._feed_down:
            self.refresh_board()
            if self._feed_down:
                self._schedule_retry()

    def _show_banner(self, board: BoardScreen | None = None) -> None:
        """Show or hide the offline banner on ``board`` (the board shown, if any)."""
        if board is None:
            try:
                board = self.board
            except LookupError:
                return
        problem = self._read_failed or self._feed_down
        board.set_offline(bool(problem), "" if not problem else _short(problem))

    # -- closing and keys -----------------------------------------------------------------------

    def on_unmount(self) -> None:
        """Stop the event listener and the voice."""
        if self._feed is not None:
            self._feed.interrupt()
        if self.announcer is not None:
            self.announcer.close()

    def action_help(self) -> None:
        """Show the short help of the board."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_quit_board(self) -> None:
        """Close the board at once (a display: nothing to lose)."""
        if self._feed is not None:
            self._feed.interrupt()
        self.exit()


def _reason(exc: BaseException) -> str:
    """A one-line reason for a failed read (Indonesian for a DeskError)."""
    if isinstance(exc, DeskError):
        return str(exc)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _short(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
