"""The Textual application of the service desk (ruang pelayanan).

:func:`create_app` is the one factory used by the command line and by the tests. Nothing touches
the disk or the database at import or in ``__init__``: the facade is opened in a thread worker
once the app is mounted, then the login screen is shown.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator
from textual.worker import Worker, WorkerState

from models.dto import CounterInfo, DeskError, ServiceInfo, SessionInfo
from screens.base import DeskScreen
from screens.dialogs import ConfirmDialog, MessageDialog
from screens.help import HelpScreen
from screens.login import LoginScreen
from screens.widgets import PlainStatic

if TYPE_CHECKING:
    from models.desk import DeskService

#: The application title (the sub-title is the office's name).
APP_TITLE = "desk"


class DeskApp(App[None]):
    """The service desk: queue, intake, checklist, SOP steps and letters."""

    TITLE = APP_TITLE
    CSS_PATH = "../screens/desk.tcss"
    ENABLE_COMMAND_PALETTE = False
    """The command palette speaks English; every action has a key instead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Bantuan", id="app.help"),
        Binding("ctrl+q", "quit_app", "Keluar", show=False, priority=True, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    """F1 opens the help of the current screen; Ctrl+Q asks to quit."""

    def __init__(self, desk: DeskService) -> None:
        """Create the app around a (not yet opened) facade.

        Args:
            desk: The domain facade; opened on mount in a worker.
        """
        super().__init__()
        self.desk = desk
        self.session: SessionInfo | None = None
        self.office_name: str = ""
        self.counters: list[CounterInfo] = []
        self.services: list[ServiceInfo] = []
        self.ready = False

    # -- start-up -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The start-up view shown while the database is opened."""
        yield Header()
        with Center(id="splash"):
            with Vertical(id="splash-box"):
                yield PlainStatic("Menyiapkan basis data dan katalog layanan…", id="splash-text")
                yield LoadingIndicator()
        yield Footer()

    def on_mount(self) -> None:
        """Open the facade in a worker."""
        self.open_desk()

    @work(thread=True, exclusive=True, exit_on_error=False, group="open",
          description="Membuka basis data")
    def open_desk(self) -> None:
        """Open the facade and read the office, lokets and services (thread worker)."""
        self.desk.open()
        office_name = self.desk.office_name()
        counters = list(self.desk.counters())
        services = list(self.desk.services())
        self.call_from_thread(self._opened, office_name, counters, services)

    def _opened(self, office_name: str, counters: list[CounterInfo],
                services: list[ServiceInfo]) -> None:
        """Keep the reference data and show the login screen."""
        self.office_name = office_name
        self.counters = counters
        self.services = services
        self.sub_title = office_name
        self.ready = True
        self.push_screen(LoginScreen(counters, office_name))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Report errors of the app's own workers (opening the database).

        Args:
            event: The worker state change.
        """
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error, None, event.worker)

    # -- session --------------------------------------------------------------------------------

    def logged_in(self, session: SessionInfo) -> None:
        """Remember the session and show the queue.

        Args:
            session: The new session.
        """
        from screens.queue import QueueScreen

        self.session = session
        self.sub_title = self.session_line()
        self.switch_screen(QueueScreen())

    def logout(self) -> None:
        """Sign the staff member out and show the login screen (for the next one)."""
        from screens.queue import QueueScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, QueueScreen):
            self.pop_screen()
        if self.session is not None:
            self.run_worker(partial(self.desk.logout, self.session), thread=True,
                            exit_on_error=False, group="logout", description="Mencatat keluar akun")
        self.session = None
        self.sub_title = self.office_name
        self.switch_screen(LoginScreen(self.counters, self.office_name))
        self.notify("Anda sudah keluar akun. Petugas berikutnya silakan masuk.",
                    title="Keluar akun", markup=False)

    def session_line(self) -> str:
        """Who is signed in where, for the header (fits 80 columns beside "desk").

        Returns:
            e.g. ``"Rina Wulandari · Loket 1"``; the office's name before signing in.
        """
        session = self.session
        if session is None:
            return self.office_name
        parts = [session.full_name]
        if session.counter_no is not None:
            parts.append(f"Loket {session.counter_no}")
        return " · ".join(part for part in parts if part)

    def service(self, code: str) -> ServiceInfo | None:
        """Look up a service of the catalog by code.

        Args:
            code: The service code, e.g. ``"REK-PUB"``.

        Returns:
            The service, or None.
        """
        for service in self.services:
            if service.code == code:
                return service
        return None

    def back_to_queue(self) -> None:
        """Pop screens until the queue screen is on top."""
        from screens.queue import QueueScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, QueueScreen):
            self.pop_screen()

    # -- errors ---------------------------------------------------------------------------------

    def report_error(self, error: BaseException, screen: Screen[Any] | None,
                     worker: Worker[Any]) -> None:
        """The one place where failed workers become something the user reads.

        A :class:`DeskError` is shown in place when the screen knows where (a form field), else
        as a notification with its Indonesian message. Anything else is logged and shown as a
        short dialog, never as a traceback.

        Args:
            error: The exception the worker raised.
            screen: The screen that started the worker (None for the app's own).
            worker: The failed worker.
        """
        if isinstance(error, DeskError):
            if isinstance(screen, DeskScreen) and screen.show_desk_error(error, worker):
                return
            if worker.group == "open":
                self._fatal(str(error))
                return
            self.notify(str(error), title="Tidak berhasil", severity="error", markup=False,
                        timeout=8)
            return
        self.log.error(f"worker {worker.name!r} failed: {error!r}")
        what = worker.description or "Proses"
        message = f"{what} gagal karena kesalahan yang tidak terduga."
        detail = f"{type(error).__name__}: {error}"
        if worker.group == "open":
            self._fatal(f"{message}\n{detail}")
            return
        self.push_screen(MessageDialog("Terjadi kesalahan", message, [detail], error=True))

    def _fatal(self, message: str) -> None:
        """Show why the desk cannot start, then quit.

        Args:
            message: What went wrong (plain text).
        """
        self.query_one("#splash-text", PlainStatic).set_text(message)
        self.push_screen(
            MessageDialog("desk tidak dapat dibuka", message, error=True),
            lambda _: self.exit(return_code=1),
        )

    # -- actions --------------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the help of the current screen."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_quit_app(self) -> None:
        """Ask, then quit."""
        if isinstance(self.screen, ConfirmDialog):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmDialog("Keluar dari desk?", title="Keluar"), answered)

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit: say how to."""
        self.notify("Tekan Ctrl+Q (atau q di layar antrean) untuk keluar.", title="Keluar?",
                    markup=False)


def create_app(desk: DeskService) -> DeskApp:
    """Build the application (the one factory for the command line and the tests).

    Args:
        desk: The domain facade, not yet opened.

    Returns:
        The app, ready to ``run()`` or ``run_test()``.
    """
    return DeskApp(desk)
