"""The base class of the desk's screens (access to the facade, central worker-error routing)
and what several screens share: opening the case of a row, following what other desks change,
bringing a table to new rows in a new order, the row under its cursor."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from models.errors import DeskError
from screens.dialogs import ConfirmDialog
from screens.widgets import sync_table

if TYPE_CHECKING:
    from textual.widgets import DataTable  # annotations only: the login screen has no table
    from models.dto import CaseDetail, DeskEvent, SessionInfo


def cursor_key(table: DataTable[Any]) -> str:
    """The key of the row under the table's cursor ("" on an empty table)."""
    if not 0 <= table.cursor_row < table.row_count:
        return ""
    return table.ordered_rows[table.cursor_row].key.value or ""


def refill_table(table: DataTable[Any], rows: list[tuple[str, list[Text]]],
                 column_keys: list[str]) -> None:
    """Bring a table to ``rows`` in their order, the cursor staying on its row.

    The same rows in the same order are changed cell by cell (no flicker, as
    :func:`screens.widgets.sync_table`); rows added, gone or in another order fill the table
    again, and the cursor follows the row it was on (where it is still listed).

    Args:
        table: The table (columns already added with ``column_keys``).
        rows: ``(row_key, cells)`` in the wanted order.
        column_keys: The table's column keys, in order.
    """
    present = [row.key.value for row in table.ordered_rows]
    if present == [key for key, _ in rows]:
        sync_table(table, rows, column_keys)
        return
    cursor = cursor_key(table)
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if cursor in table.rows:
        table.move_cursor(row=table.get_row_index(cursor))


class DeskScreen(Screen[Any]):
    """A screen of the desk.

    Workers started by a screen post their state changes to it; a failed worker is handed to
    :meth:`DeskApp.report_error`, the one place that turns errors into something the user reads.
    A screen may show a :class:`DeskError` itself (e.g. at a form field) by overriding
    :meth:`show_desk_error`.
    """

    HELP_TITLE: ClassVar[str] = "Bantuan"
    """Title of this screen's help."""

    HELP_TEXT: ClassVar[str] = ""
    """A short guide (Bahasa Indonesia, plain text) shown by the help screen (F1)."""

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset()
    """Worker groups that save something: the screen is not left while one runs."""

    CSS_PATH = "work.tcss"
    """The styles of the screens after sign-in, read with the first of them (the app's own
    desk.tcss holds what the login screen and the dialogs need: over SSH the login screen
    is what an operator waits for, and parsing every screen's styles first delays it)."""

    _desk_app_ref: Any = None

    def _on_mount(self) -> None:
        """Remember the app: a worker thread finishing after the screen was closed still
        reaches it (``self.app`` is found through the parents, which a closed screen lacks)."""
        self._desk_app_ref = self.app  # type: ignore[assignment]

    @property
    def desk_app(self) -> Any:
        """The running ``desk.app.DeskApp``; also from worker threads of closed screens.

        Screens open other screens through it (``screen_for_case``, ``intake_screen`` ...):
        the app, one layer up, knows every screen, so no screen imports another."""
        if self._desk_app_ref is not None:
            return self._desk_app_ref
        return self.app  # type: ignore[return-value]

    def saving(self) -> list[Any]:
        """The unfinished workers of this screen that save something (:attr:`COMMIT_GROUPS`)."""
        return [w for w in self.desk_app.workers
                if w.node is self and w.group in self.COMMIT_GROUPS and not w.is_finished]

    def busy(self) -> bool:
        """Whether a change of this screen is still being saved (and say so).

        Screens call this before closing themselves, so that the outcome of a save (a new
        berkas, a decision, a printed letter) is always shown to the operator who asked.

        Returns:
            True while a worker of one of :attr:`COMMIT_GROUPS` is unfinished.
        """
        running = self.saving()
        if running:
            what = running[0].description or "menyimpan"
            self.notify(f"Tunggu sebentar: {what[:1].lower()}{what[1:]}…", title="Sedang bekerja",
                        severity="warning", markup=False)
            return True
        return False

    def patience(self, seconds: float) -> AbstractContextManager[Any]:
        """Calls made inside (in this worker thread) give up on a database that cannot be
        reached after ``seconds`` instead of the kernel's minute: a sign-in says so at once."""
        link = getattr(getattr(self.desk, "ctx", None), "link", None)  # None: a stand-in facade
        return link.patience(seconds) if link is not None else nullcontext()

    def correct_applicant(self, case: CaseDetail) -> None:
        """Open the applicant's data of ``case`` for correction (key e); when saved, the
        screen shows the corrected case through its ``show_case``."""
        if self.busy():
            return
        def corrected(fixed: CaseDetail | None) -> None:
            show = getattr(self, "show_case", None)
            if fixed is not None and self.is_attached and show is not None:
                show(fixed)

        self.app.push_screen(self.desk_app.intake_screen(case.service, None, case=case), corrected)

    def action_people(self) -> None:
        """Key o: the people of the screen's case besides the pemohon (roles, organisation)."""
        case = getattr(self, "case", None)
        if case is not None:
            self.app.push_screen(self.desk_app.people_screen(case.id, case.service.code))

    def action_logout(self) -> None:
        """Sign out after confirmation, back to the login screen (screens that offer it bind
        ``ctrl+l,f12`` to ``logout``)."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.desk_app.logout()

        self.app.push_screen(ConfirmDialog(
            f"Keluar akun {self.session.full_name} dan kembali ke layar masuk?",
            title="Keluar akun", default_yes=False), answered)

    def come_forward(self) -> bool:
        """Close what was opened on top of this screen (help, a question), so that the result
        of a save can be shown or replace it.

        Returns:
            False when this screen is no longer open.
        """
        app = self.desk_app
        if self not in app.screen_stack:
            return False
        while app.screen is not self:
            app.pop_screen()
        return True

    @property
    def desk(self) -> Any:
        """The domain facade (``models.desk.DeskService``)."""
        return self.desk_app.desk

    @property
    def session(self) -> SessionInfo:
        """The logged-in session (screens after login only)."""
        session = self.desk_app.session
        assert session is not None, "no session: login first"
        return session

    def desk_events(self, events: list[DeskEvent]) -> None:
        """Changes committed by some desk (this one included) arrived; a screen showing what
        changed refreshes itself. An empty list means the connection to the database came
        back: refresh whatever is shown.

        Args:
            events: The events, in commit order.
        """

    def show_desk_error(self, error: DeskError, worker: Worker[Any]) -> bool:
        """Show a domain error in place, if this screen knows where.

        Args:
            error: The error a facade call raised.
            worker: The worker that failed (its ``group`` says what was attempted).

        Returns:
            True when handled here; False lets the app show a notification.
        """
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Route a failed worker's error to the app's central handler.

        Args:
            event: The worker state change.
        """
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.desk_app.report_error(event.worker.error, self, event.worker)



class CaseOpener(DeskScreen):
    """A list screen whose rows open a case where it stopped (search, pemantauan berkas).

    :meth:`open_case` reads the case in a worker and pushes the app's ``screen_for_case``:
    once however often Enter is pressed meanwhile, and only while the list is still on top
    (a case arriving after the operator moved on is not shown). Coming back lets Enter open
    a case again.
    """

    _opening = False

    def open_case(self, case_id: int) -> None:
        """Open a case (nothing while another one is being opened).

        Args:
            case_id: The case.
        """
        if not self._opening:
            self._opening = True
            self.load_case(case_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-open",
          description="Membuka berkas")
    def load_case(self, case_id: int) -> None:
        """Read the case (thread worker).

        Args:
            case_id: The case.
        """
        try:
            case = self.desk.case(self.session, case_id)
        except BaseException:
            self.desk_app.call_from_thread(setattr, self, "_opening", False)
            raise
        self.desk_app.call_from_thread(self._show_opened_case, case)

    def _show_opened_case(self, case: CaseDetail) -> None:
        """Show the case (only while this screen is on top)."""
        if not self.is_current:
            self._opening = False
            return
        self.app.push_screen(self.desk_app.screen_for_case(case))

    def on_screen_resume(self) -> None:
        """Back on the list: Enter opens a case again (a subclass's own handler runs too)."""
        self._opening = False


#: See :meth:`Throttle.took`.
LOADED_FACTOR = 4.0
LOADED_MAX = 10.0


class Throttle:
    """Runs a refresh at most once per interval: a call within the interval after the last
    run schedules one run at its end (events arriving in a burst cause one refresh, the last
    change is always shown)."""

    def __init__(self, owner: Any, callback: Callable[[], None], interval: float = 1.0) -> None:
        """Create the throttle.

        Args:
            owner: The widget whose timers run the delayed refresh (a screen).
            callback: The refresh.
            interval: The least number of seconds between two runs.
        """
        self._owner = owner
        self._callback = callback
        self.interval = self._base = interval
        self._last = -interval
        self._timer: Any = None

    def __call__(self) -> None:
        """Refresh now, or once the interval since the last refresh is over."""
        if self._timer is not None:
            return  # a refresh is already on its way
        wait = self._last + self.interval - time.monotonic()
        if wait <= 0:
            self._run()
        else:
            self._timer = self._owner.set_timer(wait, self._run)

    def took(self, seconds: float) -> None:
        """A refresh took ``seconds`` from reading to drawing. On a loaded server (the desk's
        share of the CPU is small: 50 desks on 2 cores in bench/sessions.py) the interval grows
        to LOADED_FACTOR times that, at most LOADED_MAX: keys and the desk's own work go first."""
        self.interval = min(LOADED_MAX, max(self._base, LOADED_FACTOR * seconds))

    def ran(self) -> None:
        """The refresh ran outside the throttle (an action of this desk): the interval starts
        again, so the event of that same action does not read everything a second time."""
        self._last = time.monotonic()

    def _run(self) -> None:
        self._timer = None
        self._last = time.monotonic()
        self._callback()


class RefreshingScreen(DeskScreen):
    """A screen of figures that the work at every desk changes (the supervisors' list and
    dashboard).

    It reads them again (:meth:`reload`, which starts a worker) when events of
    :attr:`REFRESH_EVENTS` arrive, or an empty list (the connection came back): at once, or at
    most once a second in a burst, the last change always shown; when it shows again after
    such events came while it was covered; and every :attr:`REFRESH_SECONDS` while on top
    (what is due or open moves with time). The screen loads first itself, in its ``on_mount``.
    """

    REFRESH_EVENTS: ClassVar[tuple[str, ...]] = ()
    """Prefixes of the event kinds that change what the screen shows."""

    REFRESH_SECONDS: ClassVar[float] = 60.0
    """Seconds between reloads while nothing happens."""

    def __init__(self) -> None:
        """Create the screen."""
        super().__init__()
        self._stale = False
        self._throttle = Throttle(self, self.reload)

    def reload(self) -> None:
        """Read what the screen shows again, in a worker."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Reload every :attr:`REFRESH_SECONDS` (a subclass's own ``on_mount`` runs too)."""
        self.set_interval(self.REFRESH_SECONDS, self._tick)

    def _tick(self) -> None:
        """The periodic reload (only while the screen is on top)."""
        if self.is_current:
            self.reload()

    def on_screen_resume(self) -> None:
        """Shown again: reload when something changed meanwhile."""
        if self._stale and self.desk_app.session is not None:
            self._stale = False
            self._throttle()

    def desk_events(self, events: list[DeskEvent]) -> None:
        """Reload (at most once a second) when something the screen shows changed anywhere;
        while covered, once it shows again.

        Args:
            events: The events, in commit order.
        """
        if self.desk_app.session is None:
            return
        if events and not any(e.kind.startswith(self.REFRESH_EVENTS) for e in events):
            return
        if not self.is_current:
            self._stale = True
            return
        self._throttle()
