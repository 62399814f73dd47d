"""The screen lock of a signed-in desk.

After a configurable time without a key or mouse event (``[keamanan] kunci_layar_menit`` in
desk.toml), or at once with Ctrl+K, the desk covers everything with :class:`LockScreen`: no
personal data stays in view, only who is signed in and a password field. The same staff
member's password uncovers the desk exactly as it was (the screens underneath are never
touched, so forms keep what was typed); a wrong one counts toward the account's lockout.
Someone else chooses "Keluar akun": the locked session is signed out, the login screen shows.

:class:`ScreenLock` is the application's half (a mixin of ``desk.app.DeskApp``): the idle
timer (one timer, re-armed only when it fires; a key only stores the time) and what is held
back while locked. What the screens underneath would show meanwhile (worker results, error
dialogs, notifications, events of other desks) waits until the desk is unlocked, and is
dropped when the session is signed out from the lock screen.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.timer import Timer
from textual.widgets import Button, Header, Input, Label
from textual.worker import Worker

from models.errors import AuthError, DeskError
from models.permissions import ROLE_LABELS
from screens.base import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.widgets import FieldError, FormInput, KeyFooter, PlainStatic

if TYPE_CHECKING:
    from models.dto import SessionInfo


class LockScreen(DeskScreen):
    """Covers a signed-in desk until the same staff member's password is typed."""

    HELP_TITLE: ClassVar[str] = "Layar terkunci"
    HELP_TEXT: ClassVar[str] = (
        "Desk ini terkunci karena lama tidak dipakai, atau karena petugasnya menekan Ctrl+K. "
        "Isi layar disembunyikan sampai kunci dibuka.\n\n"
        "Petugas yang sama: ketik kata sandi lalu Enter; desk kembali persis seperti "
        "ditinggalkan, isian yang sudah diketik tetap ada. Kata sandi yang salah dihitung "
        "seperti saat masuk: setelah 5 kali salah berturut-turut akun dikunci 15 menit.\n\n"
        "Petugas lain: pilih Keluar akun (F12). Akun yang terkunci dikeluarkan dan layar masuk "
        "tampil; isian yang belum disimpan hilang."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10,ctrl+s", "unlock", "Buka kunci", id="lock.unlock"),
        Binding("f12", "sign_out", "Keluar akun", id="lock.sign_out"),
    ]
    """Enter in the password (or F10) unlocks; F12 signs the locked session out."""

    def __init__(self, session: SessionInfo) -> None:
        """Create the lock screen.

        Args:
            session: The session that is locked (whose password unlocks it).
        """
        super().__init__()
        self.locked_session = session

    def compose(self) -> ComposeResult:
        """Who is signed in, a password field, unlock and sign-out buttons."""
        session = self.locked_session
        who = session.full_name
        role = ROLE_LABELS.get(session.role, session.role)
        where = f" · Loket {session.counter_no}" if session.counter_no is not None else ""
        yield Header()
        with Center():
            with Vertical(id="lock-box"):
                yield PlainStatic(f"Masuk sebagai {who} ({role}){where}", id="lock-who")
                yield Label(f"Kata sandi {session.username}", classes="field-label", markup=False)
                yield FormInput(id="lock-password", password=True)
                yield FieldError(id="e-lock-password")
                yield Button("Buka kunci (Enter)", id="lock-unlock", variant="primary")
                yield Button("Keluar akun (F12)", id="lock-sign-out")
                yield PlainStatic("Bukan Anda? Pilih Keluar akun; isian yang belum disimpan hilang.",
                                  id="lock-hint")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Title the screen and focus the password."""
        self.title = "Layar terkunci"
        self.query_one("#lock-box").border_title = "Layar terkunci"
        self.query_one("#lock-password", Input).focus()

    @on(Input.Submitted, "#lock-password")
    @on(Button.Pressed, "#lock-unlock")
    def _submitted(self) -> None:
        """Enter in the password (or the button) unlocks."""
        self.action_unlock()

    @on(Button.Pressed, "#lock-sign-out")
    def _sign_out_pressed(self) -> None:
        """The Keluar akun button."""
        self.action_sign_out()

    def action_unlock(self) -> None:
        """Check the password in a worker (once: Enter again meanwhile does nothing)."""
        button = self.query_one("#lock-unlock", Button)
        if button.disabled:
            return
        field = self.query_one("#lock-password", Input)
        error = self.query_one("#e-lock-password", FieldError)
        if not field.value:
            error.show("Kata sandi wajib diisi.")
            field.focus()
            return
        error.show("")
        button.disabled = True
        self.verify(field.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="unlock",
          description="Membuka kunci layar")
    def verify(self, password: str) -> None:
        """Check the password (thread worker); the right one unlocks the desk.

        Args:
            password: What was typed.
        """
        try:
            self.desk.verify_password(self.locked_session, password)
        finally:
            self.desk_app.call_from_thread(self._enable)
        self.desk_app.call_from_thread(self.desk_app.unlock_screen)

    def _enable(self) -> None:
        """The unlock button works again (after an attempt)."""
        if self.is_attached:
            self.query_one("#lock-unlock", Button).disabled = False

    def show_desk_error(self, error: DeskError, worker: Worker[Any]) -> bool:
        """A wrong password (or a locked account) is said at the field, which is emptied.

        Returns:
            True: every domain error of this screen is shown here.
        """
        field = self.query_one("#lock-password", Input)
        self.query_one("#e-lock-password", FieldError).show(str(error))
        if isinstance(error, AuthError):
            field.value = ""
        field.focus()
        return True

    def action_sign_out(self) -> None:
        """Sign the locked session out (after a question), for the next staff member."""
        name = self.locked_session.full_name

        def answered(yes: bool | None) -> None:
            if yes:
                self.desk_app.sign_out_locked()

        self.app.push_screen(ConfirmDialog(
            f"Keluar akun {name}? Isian yang belum disimpan di desk ini hilang.",
            title="Keluar akun", default_yes=False), answered)


class ScreenLock:
    """The application's side of the screen lock (a mixin of the desk's App).

    The App using it has ``session``, ``desk`` (whose settings say the idle minutes) and calls
    :meth:`arm_idle_lock` after sign-in. While locked, :meth:`hold` keeps back what would
    show on top of the lock; :meth:`unlock_screen` lets it through in order.
    """

    BINDING_LOCK: ClassVar[Binding] = Binding("ctrl+k", "lock_screen", "Kunci layar", show=False,
                                              priority=True, id="app.lock")
    """Ctrl+K ("kunci") locks at once, from any screen of a signed-in desk."""

    session: SessionInfo | None
    desk: Any
    _lock: LockScreen | None = None
    _held: list[Callable[[], Any]]
    _idle_timer: Timer | None = None
    _last_input: float = 0.0

    # -- the idle timer -------------------------------------------------------------------------

    def idle_seconds(self) -> float:
        """Seconds without a key before the desk locks (0 = never), from the settings."""
        return float(self.desk.settings.security.lock_minutes) * 60

    async def on_event(self, event: events.Event) -> None:
        """Note the time of every key, mouse event and paste (no allocation per key)."""
        if isinstance(event, (events.InputEvent, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)  # type: ignore[misc]

    def arm_idle_lock(self) -> None:
        """Start counting idle time (after sign-in and after unlocking)."""
        self._last_input = time.monotonic()
        self._arm(self.idle_seconds())

    def _arm(self, seconds: float) -> None:
        """One timer, firing when the idle time may be over."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        if seconds > 0:
            self._idle_timer = self.set_timer(seconds, self._idle_check, name="kunci-layar")  # type: ignore[attr-defined]

    def _idle_check(self) -> None:
        """Lock when nothing was pressed for the idle time, else wait for the rest of it."""
        self._idle_timer = None
        idle = self.idle_seconds()
        if not idle or self.session is None or self._lock is not None:
            return
        left = idle - (time.monotonic() - self._last_input)
        if left > 0.05:
            self._arm(left)
            return
        self.lock_screen(idle=True)

    # -- locking and unlocking ------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        """Whether the lock screen covers the desk."""
        return self._lock is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+K only on a signed-in desk that is not locked yet."""
        if action == "lock_screen":
            return self.session is not None and self._lock is None
        return super().check_action(action, parameters)  # type: ignore[misc]

    def action_lock_screen(self) -> None:
        """Ctrl+K: lock at once."""
        self.lock_screen(idle=False)

    def lock_screen(self, *, idle: bool) -> None:
        """Cover the desk with the lock screen (nothing on a desk nobody is signed in to).

        Args:
            idle: Locked by the idle timer (else at the staff member's key); audited.
        """
        session = self.session
        if session is None or self._lock is not None:
            return
        self._arm(0)
        self._held = []
        self.clear_notifications()  # type: ignore[attr-defined]
        self._lock = LockScreen(session)
        self.push_screen(self._lock)  # type: ignore[attr-defined]
        self.run_worker(partial(self.desk.lock_screen, session, idle), thread=True,  # type: ignore[attr-defined]
                        exit_on_error=False, group="lock", description="Mencatat kunci layar")

    def hold(self, call: Callable[[], Any], screen: Any = None) -> bool:
        """Keep ``call`` until the desk is unlocked, if it is locked.

        Args:
            call: What would show something (a worker's result, an error, events).
            screen: The screen it comes from; the lock screen's own calls are never held.

        Returns:
            True when held (the caller does nothing now).
        """
        if self._lock is None or (screen is not None and screen is self._lock):
            return False
        self._held.append(call)
        return True

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """As App.call_from_thread; while locked, a screen's worker result waits until the
        desk is unlocked (the worker goes on at once, returning None)."""
        # run from an empty context: the call's task would otherwise copy the worker thread's
        # (its Worker, and through it the screen that started it), and every screen and timer
        # the call creates would keep them: the login screen stayed in memory under the queue
        return contextvars.Context().run(super().call_from_thread,  # type: ignore[misc]
                                         self._unless_locked, callback, *args, **kwargs)

    def _unless_locked(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``callback`` now, or hold it (in the event loop: no race with unlocking)."""
        owner = getattr(callback, "__self__", None)
        if self._lock is not None and owner is not self and owner is not self._lock:
            self._held.append(partial(callback, *args, **kwargs))
            return None
        return callback(*args, **kwargs)

    def notify(self, message: str, **options: Any) -> None:
        """As App.notify; while locked, a notification waits until the desk is unlocked."""
        if self.hold(partial(self.notify, message, **options)):
            return
        super().notify(message, **options)  # type: ignore[misc]

    def unlock_screen(self) -> None:
        """The right password: uncover the desk as it was, then show what waited."""
        lock = self._lock
        if lock is None:
            return
        self._lock = None
        if lock in self.screen_stack:  # type: ignore[attr-defined]
            while self.screen is not lock:  # type: ignore[attr-defined]
                self.pop_screen()  # type: ignore[attr-defined]
            self.pop_screen()  # type: ignore[attr-defined]
        held, self._held = self._held, []
        for call in held:
            self.call_later(call)  # type: ignore[attr-defined]
        self.arm_idle_lock()

    def sign_out_locked(self) -> None:
        """Keluar akun from the lock screen: drop what waited (it was the signed-out staff
        member's) and sign out to the login screen."""
        self._held = []
        self._lock = None
        self.logout()  # type: ignore[attr-defined]

    def stop_idle_lock(self) -> None:
        """Signed out: no more idle timer, nothing held."""
        self._arm(0)
        self._held = []
        self._lock = None
