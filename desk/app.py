"""The Textual application of the service desk (ruang pelayanan).

:func:`create_app` is the one factory used by the command line and by the tests. Nothing touches
the disk or the database at import or in ``__init__``: the login screen is the app's first
screen, and the facade is opened in a thread worker while it takes typing.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from desk.listener import (
    DeskEvents,
    FeedState,
    LinkBanner,
    as_desk_error,
    desk_link,
    relay,
    watch_link,
)
from desk.memory import release_free_memory
from desk.terminate import exit_on_sigterm
from models.errors import DeskError
from models.link import DatabaseUnavailable, connection_lost
from screens.base import DeskScreen
from screens.dialogs import ConfirmDialog, MessageDialog
from screens.help import HelpScreen
from screens.lock import ScreenLock
from screens.login import LoginScreen

if TYPE_CHECKING:
    from models.desk import DeskService
    from models.dto import CounterInfo, ServiceInfo, SessionInfo
    from models.officedto import OfficeInfo

#: The application title (the sub-title is the office's name).
APP_TITLE = "desk"

#: Seconds after the database is open before letters a killed desk left unrendered are
#: rendered in the background.
WARM_UP_AFTER = 1.0

#: Seconds after the login screen is drawn before the domain is loaded and the database opened.
OPEN_AFTER = 0.3

#: Seconds between attempts to open a database that cannot be reached at start.
OPEN_RETRY_SECONDS = 5.0


class DeskApp(ScreenLock, App[None]):
    """The service desk: queue, intake, checklist, SOP steps and letters."""

    TITLE = APP_TITLE
    CSS_PATH = "../screens/desk.tcss"
    ENABLE_COMMAND_PALETTE = False
    """The command palette speaks English; every action has a key instead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Bantuan", id="app.help"),
        Binding("ctrl+q", "quit_app", "Keluar", show=False, priority=True, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("ctrl+r", "register", "Register", show=False, id="app.register"),
        ScreenLock.BINDING_LOCK,
    ]
    """F1 opens the help of the current screen; Ctrl+Q asks to quit; Ctrl+K locks the screen."""

    def __init__(self, desk: DeskService, mode: str = "loket", *, periode: str = "bulan",
                 since: dt.date | None = None, until: dt.date | None = None) -> None:
        """Create the app around a (not yet opened) facade.

        Args:
            desk: The domain facade; opened on mount in a worker.
            mode: "loket" (the queue after sign-in; supervisors on the due/overdue list) or
                "dasbor" (the dashboard after sign-in, supervisors only).
            periode: The dashboard's first period in "dasbor" mode (screens.dashparts.PERIODS).
            since: First day of a typed period instead (with ``until``, or up to today).
            until: Last day of a typed period.
        """
        super().__init__()
        self.desk = desk
        self.mode = mode
        self._dashboard_period = (periode, since, until)
        self.session: SessionInfo | None = None
        self.office_name: str = ""
        self.counters: list[CounterInfo] = []
        self.services: list[ServiceInfo] = []
        self.ready = False
        self._feed: Any = None
        self._banner: LinkBanner | None = None
        self._warm_for_cases = False
        self._first_session = True
        self._first_login: LoginScreen | None = None

    # -- start-up -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The login screen is the app's first screen, composed and styled with the app and
        drawn whole in its first frame (pushed over Textual's blank first screen, it came in
        4-5 partial frames and took typing 40 ms later: bench/startup.py)."""
        screen = self._first_login = LoginScreen(None)
        # switch_screen (after sign-in) drops the result callback push_screen gives a screen:
        # the first screen, never pushed, gets the empty one a push without callback gives
        screen._push_result_callback(self, None)
        return screen

    def on_mount(self) -> None:
        """Open the facade in a worker a moment after the login screen is drawn: the staff
        member types while the domain loads and the database opens (started at once, the
        loading would hold Python's lock while the form is drawn and its first keys echoed;
        nobody types a name and a password within that moment)."""
        exit_on_sigterm(self)
        if OPEN_AFTER > 0:
            self.call_after_refresh(self.set_timer, OPEN_AFTER, self.open_desk)
        else:  # tests (tests/conftest.py), which type at machine speed
            self.call_after_refresh(self.open_desk)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open",
          description="Membuka basis data")
    def open_desk(self) -> None:
        """Open the facade and read the office, lokets and services (thread worker). A
        database that cannot be reached (the central server restarting, a link down) is tried
        again every :data:`OPEN_RETRY_SECONDS` while the login screen says so; anything else
        is shown and the desk quits."""
        worker = get_current_worker()
        while True:
            try:
                self.desk.open()
                break
            except Exception as error:
                if not connection_lost(error) and not isinstance(error, DatabaseUnavailable):
                    raise
                self.log.warning(f"database unreachable at start: {error!r}")
                self.call_from_thread(self._database_waiting)
                for _ in range(int(OPEN_RETRY_SECONDS * 10)):
                    if worker.is_cancelled:
                        return
                    time.sleep(0.1)
        office = self.desk.office
        release_free_memory()  # what loading (or compiling) the domain freed
        self.call_from_thread(self._opened, office)

    def _database_waiting(self) -> None:
        """Say on the login screen that the database cannot be reached yet."""
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.database_waiting(
                    f"Basis data belum dapat dihubungi. Mencoba lagi tiap {OPEN_RETRY_SECONDS:.0f} detik…")

    def _opened(self, office: OfficeInfo) -> None:
        """Keep the reference data, fill in the login screen's office and lokets, start
        listening for events and render in the background letters a killed desk left."""
        self.office_name = office.name
        self.counters = list(office.counters)
        self.services = list(office.services)
        self.sub_title = office.name
        self.ready = True
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.office_ready(self.counters, office.name)
        self._feed = self.desk.event_feed()
        self.listen_events(self._feed)
        link = desk_link(self.desk)
        if link is not None:
            self._banner = LinkBanner(self, link)
            watch_link(self, link)
        # once the login screen is drawn and taking keys: nobody has typed a password yet
        self.set_timer(WARM_UP_AFTER, self.warm_up)

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm",
          description="Mencetak surat yang tertunda")
    def warm_up(self) -> None:
        """Render letters a killed desk left unrendered. The holiday calendar and fpdf2 (50 MiB
        with the fonts) wait for the session's first case: see :meth:`warm_for_cases`."""
        self.desk.warm_up(calendar_and_pdf=False)

    def warm_for_cases(self) -> None:
        """The session's first case screen: load the holiday calendar and fpdf2 in the
        background now, so the first decision and the first letter take as long as any other
        (a desk waiting at its queue does not hold them; README "Benchmarks")."""
        if not self._warm_for_cases:
            self._warm_for_cases = True
            self.run_worker(partial(self.desk.warm_up), thread=True, exit_on_error=False,
                            group="warm-cases", description="Menyiapkan kalender dan PDF")

    @work(thread=True, exclusive=True, exit_on_error=False, group="events",
          description="Mendengarkan perubahan")
    def listen_events(self, feed: Any) -> None:
        """Deliver events committed by any desk as :class:`DeskEvents` messages (thread worker;
        replaces polling: screens refresh when something they show changed)."""
        relay(self, feed)

    def on_desk_events(self, message: DeskEvents) -> None:
        """Hand events to every open desk screen (each decides whether to refresh); while the
        screen is locked, once it is unlocked."""
        if self.hold(partial(self.on_desk_events, message)):
            return
        for screen in list(self.screen_stack):
            if isinstance(screen, DeskScreen) and screen.is_attached:
                screen.desk_events(message.events)

    def on_feed_state(self, message: FeedState) -> None:
        """The database went away (a banner says so until it is back; the screens keep what
        they show, calls retry) or came back (the banner goes, every screen reads again)."""
        if self._banner is not None and self._banner.update(message.connected) and message.connected:
            self.on_desk_events(DeskEvents([]))

    def on_unmount(self) -> None:
        """Stop the event listener at once (it may be waiting for the database)."""
        if self._feed is not None:
            self._feed.interrupt()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Report errors of the app's own workers (opening the database).

        Args:
            event: The worker state change.
        """
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error, None, event.worker)

    # -- session --------------------------------------------------------------------------------

    async def logged_in(self, session: SessionInfo) -> None:
        """Remember the session and show the queue; a supervisor (a role allowed figures per
        staff member) lands on the list of late and due steps above it. In "dasbor" mode:
        the dashboard, for those roles only.

        Args:
            session: The new session.
        """
        from models.permissions import Permission, allowed
        from screens.queue import QueueScreen

        self._back_to(LoginScreen)  # what was opened over the form while signing in (help, a question)
        if self._first_login is not None and self.screen is self._first_login:
            # Textual keeps the app's first screen object as long as the app runs: its form
            # goes now, not with the screen (keys typed meanwhile find it closed)
            self._first_login = None
            await self.screen.close_form()
            self._back_to(LoginScreen)
        self.session = session
        self.sub_title = self.session_line()
        self.arm_idle_lock()
        # the sign-in's garbage (the form, the check's and the reading's objects, some in
        # reference cycles) is collected before the work screen is built: what the session
        # builds then fills the freed room instead of new memory (1.2 MiB less on the queue,
        # bench/startup.py; the collection takes 20-30 ms)
        gc.collect()
        supervisor = allowed(session, Permission.REPORT_STAFF)
        if self.mode == "dasbor":
            if not supervisor:
                self._refuse_dashboard(session)
                return
            periode, since, until = self._dashboard_period
            self.switch_screen(self.dashboard_screen(periode, since, until))
            return
        self.switch_screen(QueueScreen())
        if self._first_session:  # once the first screen's styles and data are in: the rest
            self._first_session = False  # of the session's memory is what it keeps
            self.set_timer(2.0, lambda: self.run_worker(release_free_memory, thread=True,
                                                        exit_on_error=False, group="trim"))
        if supervisor:
            self.push_screen(self.deadlines_screen())

    def _back_to(self, kind: type) -> None:
        """Close screens until one of ``kind`` is on top (or only the first screen is left)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, kind):
            self.pop_screen()

    def _refuse_dashboard(self, session: SessionInfo) -> None:
        """``desk dasbor`` signed in a role without the dashboard: say so, sign out again."""
        from models.permissions import ROLE_LABELS

        self.run_worker(partial(self.desk.logout, session), thread=True, exit_on_error=False,
                        group="logout", description="Mencatat keluar akun")
        self.session = None
        self.sub_title = self.office_name
        self.switch_screen(LoginScreen(self.counters, self.office_name))
        role = ROLE_LABELS.get(session.role, session.role)
        self.push_screen(MessageDialog(
            "Dasbor hanya untuk pimpinan",
            f"Dasbor kinerja layanan hanya untuk supervisor, kepala bidang, kepala dinas dan "
            f"admin. Akun {session.full_name} berperan {role}: bekerjalah di aplikasi loket "
            "(jalankan desk tanpa perintah). Angka kantor juga ada di sana: j di layar antrean "
            "membuka pemantauan berkas, lalu d dasbornya."))

    def logout(self) -> None:
        """Sign the staff member out and show the login screen (for the next one)."""
        self.back_to_queue()
        if self.session is not None:
            self.run_worker(partial(self.desk.logout, self.session), thread=True,
                            exit_on_error=False, group="logout", description="Mencatat keluar akun")
        self.session = None
        self.stop_idle_lock()
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

    # -- the screens (screens open each other through these: no screen imports another) -------

    def screen_for_case(self, case: Any) -> Screen[Any]:
        """The screen that continues a case where it stopped: the checklist while the berkas
        is verified or incomplete, else the case screen.

        Args:
            case: The case (a CaseDetail).
        """
        self.warm_for_cases()
        if case.status in ("verifikasi", "menunggu_berkas"):
            from screens.checklist import ChecklistScreen

            return ChecklistScreen(case)
        from screens.case import CaseScreen

        return CaseScreen(case)

    def people_screen(self, case_id: int, service_code: str) -> Screen[Any]:
        """The people of a case besides the pemohon (persons in their roles, the organisation)."""
        from screens.people import PeopleScreen

        return PeopleScreen(case_id, service_code)

    def intake_screen(self, service: ServiceInfo, ticket: Any, *, case: Any = None) -> Screen[Any]:
        """The intake form: a new case for ``service`` (maybe serving ``ticket``), or the
        correction of ``case``'s applicant data.

        Args:
            service: The service.
            ticket: The ticket being served, or None.
            case: The case whose applicant is corrected, or None.
        """
        self.warm_for_cases()
        from screens.intake import IntakeScreen

        return IntakeScreen(service, ticket, case=case)

    def search_screen(self) -> Screen[Any]:
        """The search for a case (by NIK, number or name)."""
        from screens.search import SearchScreen

        return SearchScreen()

    def deadlines_screen(self) -> Screen[Any]:
        """Pemantauan berkas: the steps overdue and due soon."""
        from screens.deadlines import DeadlinesScreen

        return DeadlinesScreen()

    def audit_screen(self) -> Screen[Any]:
        """Jejak audit: who did what to whose data (roles with audit.view)."""
        from screens.audit import AuditScreen

        return AuditScreen()

    def action_audit(self) -> None:
        """u on the supervisor's screens: the audit trail, for roles that may read it."""
        from models.permissions import Permission, allowed
        from screens.audit import AuditScreen

        if self.session is None or isinstance(self.screen, AuditScreen):
            return
        if not allowed(self.session, Permission.AUDIT_VIEW):
            self.notify("Jejak audit hanya untuk supervisor, admin dan pimpinan.", title="Jejak audit",
                        markup=False)
            return
        self.push_screen(self.audit_screen())

    def staff_screen(self) -> Screen[Any]:
        """The administrator's staff accounts (add, switch off and on, reset a password)."""
        from screens.staffadmin import StaffAdminScreen

        return StaffAdminScreen()

    def dashboard_screen(self, periode: str = "bulan", since: Any = None,
                         until: Any = None) -> Screen[Any]:
        """The dashboard, for a named period or the days ``since`` to ``until``."""
        from screens.dashboard import DashboardScreen

        return DashboardScreen(periode, since, until)

    def show_deadlines(self) -> None:
        """Open the due/overdue list, or go back to it when it is right underneath."""
        from screens.deadlines import DeadlinesScreen

        self._show_or_back(DeadlinesScreen, self.deadlines_screen)

    def show_dashboard(self) -> None:
        """Open the dashboard, or go back to it when it is right underneath."""
        from screens.dashboard import DashboardScreen

        self._show_or_back(DashboardScreen, self.dashboard_screen)

    def _show_or_back(self, kind: type, factory: Any) -> None:
        """Pop to a screen of ``kind`` right under the current one, else push a new one (the
        dashboard and the list open each other without piling up)."""
        stack = self.screen_stack
        if len(stack) > 1 and isinstance(stack[-2], kind):
            self.pop_screen()
        else:
            self.push_screen(factory())

    def has_queue(self) -> bool:
        """Whether the counter's queue screen is open under the others ("loket" mode)."""
        return self.mode == "loket"

    def back_to_queue(self) -> None:
        """Pop screens until the queue screen is on top."""
        from screens.queue import QueueScreen

        self._back_to(QueueScreen)

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
        if self.hold(partial(self.report_error, error, screen, worker), screen):
            return  # shown once the desk is unlocked
        error = as_desk_error(error)  # a lost database: what did not happen, never a traceback
        if isinstance(error, DeskError):
            if isinstance(screen, DeskScreen) and screen.show_desk_error(error, worker):
                return
            if worker.group == "open":
                self._fatal(str(error))
                return
            away = isinstance(error, DatabaseUnavailable)
            self.notify(str(error), title=(worker.description if away else "") or "Tidak berhasil",
                        severity="error", markup=False, timeout=15 if away else 8)
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
                if self._feed is not None:
                    self._feed.interrupt()
                self.exit()

        self.push_screen(ConfirmDialog("Keluar dari desk?", title="Keluar"), answered)

    def action_register(self) -> None:
        """Ctrl+R: the register export (supervisors, after login)."""
        from models.permissions import Permission, allowed
        from screens.register import RegisterScreen

        if self.session is None or self.locked or isinstance(self.screen, (RegisterScreen, LoginScreen)):
            return
        if not allowed(self.session, Permission.REGISTER_EXPORT):
            self.notify("Ekspor register hanya untuk supervisor dan admin.", title="Register", markup=False)
            return
        self.push_screen(RegisterScreen())

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit: say how to."""
        self.notify("Tekan Ctrl+Q (atau q di layar antrean) untuk keluar.", title="Keluar?",
                    markup=False)


#: The apps ``create_app`` builds: the counter desk, the waiting-room board, the kiosk, and the
#: counter desk opening on the dashboard.
APP_MODES = ("loket", "papan", "anjungan", "dasbor")


def create_app(desk: DeskService, mode: str = "loket", **options: Any) -> App[Any]:
    """Build the application (the one factory for the command line and the tests).

    Args:
        desk: The domain facade, not yet opened.
        mode: "loket" (the counter desk with sign-in), "papan" (the waiting-room board,
            desk.boardapp), "anjungan" (the self-service kiosk, desk.kioskapp) or "dasbor"
            (the counter desk opening on the dashboard after sign-in).
        options: Passed to the board's or the kiosk's app (e.g. its voice settings); for
            "dasbor" ``periode``, ``since`` and ``until`` (see :class:`DeskApp`).

    Returns:
        The app, ready to ``run()`` or ``run_test()``.
    """
    from desk import bahasa, paste

    paste.install()  # a paste keeps its order whatever bytes it carries
    bahasa.install()  # Textual's own footer words in Indonesian
    if mode == "papan":
        from desk.boardapp import BoardApp

        return BoardApp(desk, **options)
    if mode == "anjungan":
        from desk.kioskapp import KioskApp

        return KioskApp(desk, **options)
    if mode == "dasbor":
        return DeskApp(desk, "dasbor", **options)
    if mode != "loket":
        raise ValueError(f"unknown app mode {mode!r} (one of {', '.join(APP_MODES)})")
    return DeskApp(desk)
