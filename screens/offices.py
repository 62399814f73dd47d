"""Choosing the office a supervisor looks at (``o``), shared by the dashboard, Pemantauan
berkas and the queue statistics.

The offices come from the domain (``DeskService.offices``: every office for supervisors and
pimpinan of a main office, else their own). With several, ``o`` opens a list to choose from,
the header's sub-title names the office shown, and the choice holds for the signed-in session
on every such screen: the dashboard's office is the list's when ``j`` opens it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from textual import work
from textual.binding import Binding

from models.dashdto import OfficeChoice
from screens.dashdialogs import ListDialog

#: The office chosen in each app, with the session it was chosen in (a new sign-in starts
#: at its own office again).
_CHOSEN: WeakKeyDictionary[Any, tuple[Any, int]] = WeakKeyDictionary()


def office_binding(screen_id: str) -> Binding:
    """The ``o`` key of a screen (``screen_id`` names its binding id)."""
    return Binding("o", "choose_office", "Kantor", id=f"{screen_id}.office")


class OfficeChoosing:
    """A mixin for a :class:`screens.base.DeskScreen` that shows one office's figures.

    The screen calls :meth:`load_offices` when it mounts, answers ``choose_office`` in its
    ``check_action`` with :meth:`can_choose_office`, and passes :attr:`office_id` (None: the
    session's own office) to the domain; :meth:`office_changed` (default: ``reload``) runs
    after a new choice.
    """

    offices: list[OfficeChoice]
    """The offices the session may look at (its own first); empty until read."""

    if TYPE_CHECKING:  # what the DeskScreen it is mixed into provides
        desk_app: Any
        desk: Any
        session: Any
        app: Any

        def refresh_bindings(self) -> None: ...

        def reload(self) -> None: ...

    @property
    def office_id(self) -> int | None:
        """The office shown: None for the session's own."""
        session = self.desk_app.session
        chosen = _CHOSEN.get(self.app)
        if session is None or chosen is None or chosen[0] != session or chosen[1] == session.office_id:
            return None
        return chosen[1]

    @office_id.setter
    def office_id(self, value: int | None) -> None:
        session = self.desk_app.session
        if value is None or session is None:
            _CHOSEN.pop(self.app, None)
        else:
            _CHOSEN[self.app] = (session, value)

    def can_choose_office(self) -> bool:
        """Whether ``o`` is offered: the session may look at several offices."""
        return len(getattr(self, "offices", ())) > 1

    def chosen_office(self) -> OfficeChoice | None:
        """The office shown, as the list names it (None until the offices are read)."""
        session = self.desk_app.session
        wanted = self.office_id if self.office_id is not None else (session.office_id if session else None)
        return next((o for o in getattr(self, "offices", ()) if o.id == wanted), None)

    def office_today(self) -> dt.date:
        """Today at the office shown, in its own time zone."""
        office = self.chosen_office()
        now = self.desk.now()
        if office is not None and office.timezone:
            return now.astimezone(ZoneInfo(office.timezone)).date()
        return now.date()

    def office_subtitle(self) -> str | None:
        """The header's sub-title: the office shown when there are several (None: the app's)."""
        office = self.chosen_office()
        if office is None or len(self.offices) < 2:
            return None
        return office.name

    @work(thread=True, exclusive=True, exit_on_error=False, group="office-choice",
          description="Memuat daftar kantor")
    def load_offices(self) -> None:
        """Read the offices the session may look at (thread worker)."""
        session = self.desk_app.session
        if session is None:
            return
        offices = self.desk.offices(session)
        self.desk_app.call_from_thread(self._offices_loaded, offices)

    def _offices_loaded(self, offices: list[OfficeChoice]) -> None:
        self.offices = list(offices)
        if self.office_id is not None:
            if self.chosen_office() is None:
                self.office_id = None  # an office no longer offered: back to the own one
            self.office_changed()  # read again in that office's days
        self.show_office()
        self.refresh_bindings()

    def show_office(self) -> None:
        """Name the office shown in the header (the screen's sub-title)."""
        self.sub_title = self.office_subtitle()  # type: ignore[attr-defined]

    def action_choose_office(self) -> None:
        """o: choose the office whose figures are shown."""
        if not self.can_choose_office():
            return
        current_id = self.office_id if self.office_id is not None else self.session.office_id
        current = next((i for i, o in enumerate(self.offices) if o.id == current_id), 0)

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self.office_id = self.offices[index].id
            self.show_office()
            self.office_changed()

        self.app.push_screen(
            ListDialog("Kantor", [f"{o.name} ({o.code})" for o in self.offices], current), chosen)

    def office_changed(self) -> None:
        """Show the figures of the office now chosen."""
        self.reload()

    def office_for_load(self) -> int | None:
        """The office to read figures of now (None: the session's), remembered as the one
        shown: coming back to the screen after another screen chose another office reloads."""
        self._office_loaded = self.office_id
        return self._office_loaded

    def on_screen_resume(self) -> None:
        """Shown again: follow an office chosen on another screen meanwhile."""
        if getattr(self, "_office_loaded", None) != self.office_id and self.desk_app.session is not None:
            self.show_office()
            self.office_changed()
