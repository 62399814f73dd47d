"""The base class of the desk's screens: access to the facade and central worker-error routing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from models.dto import CaseDetail, DeskError, SessionInfo

if TYPE_CHECKING:
    from desk.app import DeskApp


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

    @property
    def desk_app(self) -> DeskApp:
        """The running :class:`DeskApp` (typed)."""
        return self.app  # type: ignore[return-value]

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


def screen_for_case(case: CaseDetail) -> Screen[Any]:
    """The screen that continues a case where it stopped.

    Args:
        case: The case.

    Returns:
        The checklist while the berkas is being verified or incomplete, else the case screen.
    """
    from screens.case import CaseScreen
    from screens.checklist import ChecklistScreen

    if case.status in ("verifikasi", "menunggu_berkas"):
        return ChecklistScreen(case)
    return CaseScreen(case)
