"""The login screen: username, password and loket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.widgets import Button, Header, Input, Label, Select
from textual.worker import Worker

from models.errors import AuthError, DeskError, ValidationError
from screens.base import DeskScreen
from screens.widgets import FieldError, FormInput, KeyFooter, PlainStatic

if TYPE_CHECKING:
    from models.dto import CounterInfo

#: Seconds within which digits typed on the loket choice make one number.
DIGITS_PAUSE = 1.5

#: Seconds a sign-in tries a database that cannot be reached before saying so at the form
#: ("Basis data tidak dapat dihubungi ..."; other calls keep trying for a minute).
SIGN_IN_PATIENCE = 4.0


class LoginScreen(DeskScreen):
    """Sign in a staff member at a loket.

    The screen shows while the database is still being opened (``counters`` None): the staff
    member types meanwhile, the loket choice appears when the app calls :meth:`office_ready`,
    and a sign-in asked for before that goes ahead then.
    """

    DEFAULT_CSS = """
    #counter-wait {
        height: 3;
        padding: 1 1 0 1;
        color: $text-muted;
    }
    """

    # desk.tcss only (screens/base.py DeskScreen.CSS_PATH): as the app's first screen Textual
    # reads no CSS_PATH or CSS of its own; its styles live in desk.tcss and DEFAULT_CSS
    CSS_PATH = None

    HELP_TITLE: ClassVar[str] = "Masuk"
    HELP_TEXT: ClassVar[str] = (
        "Masukkan nama pengguna dan kata sandi Anda, lalu pilih nomor loket tempat Anda "
        "bertugas hari ini. Tekan Enter di kolom kata sandi (atau tombol Masuk) untuk masuk. "
        "Bila nama pengguna atau kata sandi salah, pesannya muncul di bawah formulir."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10,ctrl+s", "submit", "Masuk", id="login.submit"),
        Binding("ctrl+q", "app.quit_app", "Keluar", id="login.quit"),
    ]
    """F10 / Ctrl+S signs in (Enter in a field works too); Ctrl+Q quits."""

    def __init__(self, counters: list[CounterInfo] | None = None, office_name: str = "") -> None:
        """Create the screen.

        Args:
            counters: The office's lokets for the loket choice; None while the database is
                still being opened (see :meth:`office_ready`).
            office_name: Shown above the form.
        """
        super().__init__()
        self._counters = counters
        self._office_name = office_name
        self._pending: tuple[str, str] | None = None
        self._digits = ("", 0.0)  # the loket number typed on the loket choice, and when
        self._form_closed = False

    def compose(self) -> ComposeResult:
        """Build the form."""
        yield Header()
        with Center():
            with Vertical(id="login-box"):
                # the office's name is read with the database (blank until then)
                office = self._office_name or ("" if self._counters is None else "Dinas Sosial")
                yield PlainStatic(office, id="login-office")
                yield Label("Nama pengguna", classes="field-label")
                yield FormInput(id="username", placeholder="mis. petugas", advance=True)
                yield FieldError(id="e-username")
                yield Label("Kata sandi", classes="field-label")
                yield FormInput(id="password", password=True)
                yield FieldError(id="e-password")
                yield Label("Loket", classes="field-label")
                if self._counters is None:
                    yield PlainStatic("Menyiapkan daftar loket…", id="counter-wait")
                else:
                    yield self._counter_field(self._counters)
                yield FieldError(id="e-counter")
                yield FieldError(id="login-error")
                yield Button("Masuk", id="login-button", variant="primary")
        yield KeyFooter()

    @staticmethod
    def _counter_field(counters: list[CounterInfo]) -> Select | FormInput:
        """The loket choice: the office's lokets, or a number field when it has none."""
        if counters:
            options = [(Text(c.name or f"Loket {c.number}"), c.number) for c in counters]
            # digits choose a loket by its number (on_key), not by searching the names
            return Select(options, value=counters[0].number, allow_blank=False, id="counter",
                          type_to_search=False)
        return FormInput("1", id="counter", restrict=r"[0-9]*", max_length=3)

    def database_waiting(self, message: str) -> None:
        """The database cannot be reached yet (the desk tries again): say so where the loket
        choice will appear; what was typed stays.

        Args:
            message: What to say.
        """
        if self._counters is None:
            self.query_one("#counter-wait", PlainStatic).set_text(message)

    def office_ready(self, counters: list[CounterInfo], office_name: str) -> None:
        """The database is open: show the office's name and its lokets, and sign in now when
        the staff member already asked to.

        Args:
            counters: The office's lokets.
            office_name: The office's name.
        """
        if self._counters is not None:
            return
        self._counters = list(counters)
        self.query_one("#login-office", PlainStatic).set_text(office_name or "Dinas Sosial")
        wait = self.query_one("#counter-wait", PlainStatic)
        self.query_one("#login-box").mount(self._counter_field(self._counters), after=wait)
        wait.remove()
        if self._pending is not None:
            username, password = self._pending
            self._pending = None
            self._clear_errors()
            self.login(username, password, self._counters[0].number if self._counters else 1)

    async def close_form(self) -> None:
        """Take the form away (signed in; the app keeps its first screen object all day, the
        form need not stay with it). Keys that arrive meanwhile do nothing."""
        self._form_closed = True
        nodes = [self, *self.walk_children()]
        for node in nodes:  # the screen's signal would keep the fields
            self.text_selection_started_signal.unsubscribe(node)
        with self.app.batch_update():  # the emptied form is never drawn
            await self.remove_children()
        # what the screen would lay out and paint next: this screen is never shown again, so
        # Textual would keep these widgets in it (Textual 8.2's own fields)
        self._layout_widgets.clear()
        self._dirty_widgets.clear()
        for node in nodes:  # each keeps a cached list of its children: read it again, empty now
            if node.displayed_children:
                self.log.warning(f"{node!r} kept its children")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No action once the form is closed."""
        return not self._form_closed

    def on_mount(self) -> None:
        """Title the form and focus the username."""
        self.query_one("#login-box").border_title = "Masuk"
        self.query_one("#username", Input).focus()

    @on(Input.Submitted, "#password, #counter")
    @on(Button.Pressed, "#login-button")
    def _submit_event(self) -> None:
        """Enter in the password (or the button) signs in."""
        self.action_submit()

    def on_key(self, event: events.Key) -> None:
        """Digits typed on the loket choice, closed or with its list open, choose the loket of
        that number ("4" then "9": loket 49). Also when they arrive, typed ahead over a slow
        link, before the list that Enter opens has taken the focus."""
        if not (event.character and event.character.isdigit()):
            return
        select = next(iter(self.query("#counter")), None)  # none until the database is open
        if not isinstance(select, Select):
            return
        if self.focused is None or not (self.focused is select or select in self.focused.ancestors):
            return
        event.stop()
        # when the keys came, not when they are handled: a desk busy on a loaded server can
        # handle "1" "1", typed together, seconds apart (bench/sessions.py: loket 1, not 11)
        typed, at = self._digits
        typed = (typed if event.time - at < DIGITS_PAUSE else "") + event.character
        self._digits = (typed[-3:], event.time)
        numbers = {c.number for c in self._counters or []}
        for number in (int(typed[-3:]), int(event.character)):
            if number in numbers:
                select.value = number  # the open list highlights it: Enter keeps it
                return

    def _counter_no(self) -> int | None:
        """The chosen loket number, or None when blank."""
        widget = self.query_one("#counter")
        if isinstance(widget, Select):
            value = widget.value
            return value if isinstance(value, int) else None
        text = widget.value.strip() if isinstance(widget, Input) else ""
        return int(text) if text.isdigit() else None

    def action_submit(self) -> None:
        """Validate the obvious and sign in through the facade (once: a second Enter while
        the first attempt runs does nothing)."""
        if self._form_closed:
            return
        button = self.query_one("#login-button", Button)
        if button.disabled:
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        self._clear_errors()
        if not username:
            self.query_one("#e-username", FieldError).show("Nama pengguna wajib diisi.")
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.query_one("#e-password", FieldError).show("Kata sandi wajib diisi.")
            self.query_one("#password", Input).focus()
            return
        button.disabled = True
        if self._counters is None:  # still opening the database: sign in as soon as it is open
            self._pending = (username, password)
            self.query_one("#login-error", FieldError).show("Menyiapkan basis data… Anda masuk begitu siap.")
            return
        self.login(username, password, self._counter_no())

    def _clear_errors(self) -> None:
        """Hide all messages of the form."""
        for error in self.query(FieldError):
            error.show("")

    @work(thread=True, exclusive=True, exit_on_error=False, group="login",
          description="Masuk")
    def login(self, username: str, password: str, counter_no: int | None) -> None:
        """Sign in (thread worker).

        Args:
            username: The username.
            password: The password.
            counter_no: The loket number.
        """
        try:
            with self.patience(SIGN_IN_PATIENCE):  # say so soon, at the form
                session = self.desk.login(username, password, counter_no)
        except BaseException:
            self.desk_app.call_from_thread(self._enable_button)
            raise
        self.desk_app.call_from_thread(self.desk_app.logged_in, session)

    def _enable_button(self) -> None:
        """Re-enable the button after an attempt."""
        self.query_one("#login-button", Button).disabled = False

    def show_desk_error(self, error: DeskError, worker: Worker[Any]) -> bool:
        """Show login errors at the form.

        Args:
            error: The error.
            worker: The failed worker.

        Returns:
            True: the login form shows every domain error itself (False once it is closed:
            the app says so).
        """
        if self._form_closed:
            return False
        if isinstance(error, ValidationError):
            for field, message in error.errors.items():
                target = {"username": "#e-username", "password": "#e-password",
                          "counter_no": "#e-counter", "counter": "#e-counter"}.get(field)
                if target:
                    self.query_one(target, FieldError).show(message)
                else:
                    self.query_one("#login-error", FieldError).show(message)
            return True
        self.query_one("#login-error", FieldError).show(str(error))
        if isinstance(error, AuthError):
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()
        return True
