"""The administrator's screen for the office's staff accounts: who may sign in, in which role,
who is locked out after wrong passwords; add an account, switch one off or on, give one a new
password (which also lifts a lockout). Roles with staff management only (admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Header, Input, Label, Select

from models.dto import DeskError, ValidationError
from models.permissions import ROLE_LABELS, STAFF_ROLES
from screens.base import DeskScreen, cursor_key, refill_table
from screens.dialogs import ConfirmDialog
from screens.widgets import FieldError, FormInput, KeyFooter, PlainStatic, clip, fmt_datetime, fmt_moment, fmt_time

#: Column keys, headers and widths of the accounts table (fits 80 columns).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("username", "Pengguna", 12),
    ("name", "Nama", 18),
    ("role", "Peran", 10),
    ("active", "Aktif", 5),
    ("locked", "Terkunci", 8),
    ("last", "Masuk", 12),
)


def account_cells(account: Any, today: dt.date) -> list[Text]:
    """The table cells of one account (user data as plain rich Text, never markup)."""
    dim = "" if account.active else "dim"
    widths = {key: width for key, _, width in COLUMNS}
    return [
        Text(clip(account.username, widths["username"]), style=dim),
        Text(clip(account.full_name, widths["name"]), style=dim),
        Text(ROLE_LABELS.get(account.role, account.role), style=dim),
        Text("ya" if account.active else "tidak", style="" if account.active else "bold"),
        Text(fmt_time(account.locked_until), style="bold red") if account.locked_until else Text("-", style=dim),
        Text(fmt_moment(account.last_login, today), style=dim),
    ]


class StaffAdminScreen(DeskScreen):
    """The office's staff accounts, for the administrator."""

    HELP_TITLE: ClassVar[str] = "Akun petugas"
    HELP_TEXT: ClassVar[str] = (
        "Akun petugas kantor ini: nama pengguna, nama, peran, aktif atau tidak, terkunci sampai "
        "pukul berapa (setelah 5 kali salah kata sandi berturut-turut akun dikunci 15 menit) dan "
        "kapan terakhir masuk.\n\n"
        "t menambah akun (nama pengguna huruf kecil, kata sandi minimal 6 karakter, diketik dua "
        "kali). n menonaktifkan akun yang disorot (tidak dapat masuk lagi) atau mengaktifkannya "
        "kembali; akun sendiri tidak dapat dinonaktifkan. r memberi kata sandi baru, sekaligus "
        "membuka kunci akun. Setiap perubahan tercatat di jejak audit. Esc kembali.\n\n"
        "Di baris perintah: desk petugas daftar | tambah | nonaktif | reset-sandi."
    )

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"staff-change"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "add", "Tambah", id="staffadmin.add"),
        Binding("n", "toggle_active", "Nonaktif/aktif", id="staffadmin.toggle"),
        Binding("r", "reset_password", "Reset sandi", id="staffadmin.reset"),
        Binding("escape", "back", "Kembali", id="staffadmin.back"),
        Binding("f5", "reload", "Muat ulang", show=False, id="staffadmin.reload"),
    ]
    """t adds, n switches the highlighted account off or on, r gives it a new password."""

    def __init__(self) -> None:
        """Create the screen (the session is the app's)."""
        super().__init__()
        self._accounts: dict[str, Any] = {}
        self._today: dt.date | None = None

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(Text("Memuat…", style="dim"), id="sa-info")
        table: DataTable[Text] = DataTable(id="sa-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="sa-detail")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Load the accounts."""
        self.title = "Akun petugas"
        self.query_one("#sa-table", DataTable).focus()
        self.action_reload()

    # -- the list -------------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the accounts again."""
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-load",
          description="Memuat akun petugas")
    def load(self) -> None:
        """Read the office's accounts (thread worker)."""
        session = self.desk_app.session
        if session is None:
            return
        accounts = self.desk.list_staff(session)
        today = self.desk.now().date()
        self.desk_app.call_from_thread(self.show_accounts, accounts, today)

    def show_accounts(self, accounts: list[Any], today: dt.date) -> None:
        """Bring the table to ``accounts`` (the cursor stays on its account)."""
        if not self.is_attached:
            return
        self._accounts = {a.username: a for a in accounts}
        self._today = today
        rows = [(a.username, account_cells(a, today)) for a in accounts]
        refill_table(self.query_one("#sa-table", DataTable), rows, [key for key, _, _ in COLUMNS])
        active = sum(1 for a in accounts if a.active)
        locked = sum(1 for a in accounts if a.locked_until is not None)
        info = Text(f"{len(accounts)} akun · {active} aktif · ", no_wrap=True)
        info.append(f"{locked} terkunci", style="bold red" if locked else "")
        info.append(f" · {self.session.office_name}", style="dim")
        self.query_one("#sa-info", PlainStatic).set_text(info)
        self._show_detail()

    def highlighted(self) -> Any:
        """The account under the cursor (None on an empty table)."""
        return self._accounts.get(cursor_key(self.query_one("#sa-table", DataTable)))

    @on(DataTable.RowHighlighted, "#sa-table")
    def _show_detail(self) -> None:
        """The highlighted account in full under the table."""
        account = self.highlighted()
        detail = self.query_one("#sa-detail", PlainStatic)
        if account is None:
            detail.set_text("")
            return
        text = Text(no_wrap=False)
        text.append(account.full_name, style="bold")
        text.append(f" ({account.username}) · NIP {account.nip or '-'} · ")
        text.append(ROLE_LABELS.get(account.role, account.role))
        text.append(" · aktif" if account.active else " · NONAKTIF", style="" if account.active else "bold")
        text.append(f"\nMasuk terakhir: {fmt_datetime(account.last_login)}")
        if account.locked_until is not None:
            text.append(f" · terkunci sampai pukul {fmt_time(account.locked_until)} (r membuka kunci)",
                        style="bold red")
        detail.set_text(text)

    # -- changes --------------------------------------------------------------------------------

    def action_add(self) -> None:
        """t: the form for a new account."""
        def added(username: str | None) -> None:
            if username:
                self.notify(f"Akun '{username}' ditambahkan.", title="Akun petugas", markup=False)
                self.action_reload()

        self.app.push_screen(StaffFormDialog(), added)

    def action_toggle_active(self) -> None:
        """n: switch the highlighted account off (after a question) or on again."""
        account = self.highlighted()
        if account is None or self.busy():
            return
        if account.active and account.username == self.session.username:
            self.notify("Akun sendiri tidak dapat dinonaktifkan.", title="Akun petugas",
                        severity="warning", markup=False)
            return
        if account.active:
            question = (f"Nonaktifkan akun {account.username} ({account.full_name})? Akun itu tidak "
                        "dapat masuk lagi sampai diaktifkan kembali.")
            title = "Nonaktifkan akun"
        else:
            question = f"Aktifkan kembali akun {account.username} ({account.full_name})?"
            title = "Aktifkan akun"

        def answered(yes: bool | None) -> None:
            if yes:
                self.set_active(account.username, not account.active)

        self.app.push_screen(ConfirmDialog(question, title=title, default_yes=False), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-change",
          description="Mengubah akun petugas")
    def set_active(self, username: str, active: bool) -> None:
        """Switch an account off or on (thread worker)."""
        self.desk.set_staff_active(self.session, username, active)
        word = "diaktifkan kembali" if active else "dinonaktifkan"
        self.desk_app.call_from_thread(self._changed, f"Akun '{username}' {word}.")

    def action_reset_password(self) -> None:
        """r: a new password for the highlighted account (typed twice); lifts a lockout."""
        account = self.highlighted()
        if account is None:
            return

        def done(ok: bool | None) -> None:
            if ok:
                self._changed(f"Kata sandi akun '{account.username}' diganti; kunci akun dibuka.")

        self.app.push_screen(PasswordDialog(account.username, account.full_name), done)

    def _changed(self, message: str) -> None:
        """A change was saved: say so and read the list again."""
        self.notify(message, title="Akun petugas", markup=False)
        self.action_reload()

    def action_back(self) -> None:
        """Esc: back to where the screen was opened from."""
        if not self.busy():
            self.app.pop_screen()


def _form_row(label: str, name: str, field: Select[str] | None = None, **options: Any) -> ComposeResult:
    """A labelled field ``#f-NAME`` on one line with its error line ``#e-NAME`` under it.

    Args:
        label: The label left of the field.
        name: The field's name.
        field: A widget other than a text field (the role's Select).
        options: For the text field (a FormInput on which Enter moves on, unless told).
    """
    options.setdefault("advance", True)
    with Horizontal(classes="field-row"):
        yield Label(label, classes="field-label")
        yield field if field is not None else FormInput(id=f"f-{name}", compact=True, **options)
    yield FieldError(id=f"e-{name}", classes="field-error")


class _SavingForm(ModalScreen[Any]):
    """A form dialog that saves in a worker and shows domain errors at its fields."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10,ctrl+s", "save", "Simpan", id="staffform.save"),
        Binding("escape", "cancel", "Batal", id="staffform.cancel"),
    ]
    """F10 saves (Enter in the last field too); Escape cancels."""

    FIELDS: ClassVar[tuple[str, ...]] = ()
    """Field names, in order (inputs are ``#f-NAME``, messages ``#e-NAME``)."""

    def __init__(self) -> None:
        """Create the dialog."""
        super().__init__(classes="dialog")
        self._saving = False
        self.desk_app: Any = None

    def _on_mount(self) -> None:
        """Remember the app (the worker thread reaches it through this)."""
        self.desk_app = self.app

    def value(self, name: str) -> str:
        """The text of field ``name``."""
        return self.query_one(f"#f-{name}", Input).value

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the last field saves (in the others it moves on: ``advance``)."""
        if event.input.id == f"f-{self.FIELDS[-1]}":
            self.action_save()

    @on(Select.Changed)
    def _chosen(self) -> None:
        """A role chosen: on to the next field."""
        self.focus_next()

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show messages at their fields (others at the last one) and focus the first."""
        for name in self.FIELDS:
            self.query_one(f"#e-{name}", FieldError).show(errors.get(name, ""))
        for name, message in errors.items():
            if name not in self.FIELDS:
                self.query_one(f"#e-{self.FIELDS[-1]}", FieldError).show(message)
        first = next((n for n in self.FIELDS if n in errors), self.FIELDS[-1])
        self.query_one(f"#f-{first}").focus()

    def action_save(self) -> None:
        """Check the form, then save in a worker (once)."""
        if self._saving:
            return
        errors = self.check()
        if errors:
            self.show_errors(errors)
            return
        self.show_errors({})
        self._saving = True
        self.save()

    def check(self) -> dict[str, str]:
        """Messages per field for what the screen itself can tell (passwords that differ)."""
        return {}

    def save(self) -> None:
        """Start the worker that saves."""
        raise NotImplementedError

    def saved(self, result: Any) -> None:
        """Close with ``result`` (from the worker)."""
        self.dismiss(result)

    def refused(self, error: DeskError) -> None:
        """The domain refused: its message at the field it concerns."""
        self._saving = False
        if isinstance(error, ValidationError):
            self.show_errors(error.errors)
        else:
            self.show_errors({self.FIELDS[0]: str(error)})

    def action_cancel(self) -> None:
        """Close without saving (not while saving)."""
        if not self._saving:
            self.dismiss(None)

    def run_save(self, call: Any, result: Any) -> None:
        """Run ``call`` (in a worker thread) and close with ``result``, or show why not."""
        app = self.desk_app
        try:
            call(app.desk, app.session)
        except DeskError as error:
            app.call_from_thread(self.refused, error)
            return
        except Exception as error:  # noqa: BLE001 - said at the form, never as a traceback
            app.call_from_thread(self.refused, DeskError(
                f"Tidak tersimpan karena kesalahan yang tidak terduga ({type(error).__name__}: {error})."))
            return
        app.call_from_thread(self.saved, result)


class StaffFormDialog(_SavingForm):
    """A new staff account: username, full name, NIP, role, password twice."""

    FIELDS: ClassVar[tuple[str, ...]] = ("username", "full_name", "nip", "role", "password", "password2")

    def compose(self) -> ComposeResult:
        """Build the form."""
        roles = [(ROLE_LABELS.get(role, role), role) for role in STAFF_ROLES]
        with Vertical(classes="dialog-box", id="sa-form"):
            yield Label("Tambah akun petugas", classes="dialog-title")
            yield from _form_row("Nama pengguna", "username", placeholder="huruf kecil, mis. rina",
                                 max_length=60)
            yield from _form_row("Nama lengkap", "full_name", max_length=120)
            yield from _form_row("NIP (boleh kosong)", "nip", restrict=r"[0-9 ]*", max_length=30)
            yield from _form_row("Peran", "role", Select(roles, value=STAFF_ROLES[0], allow_blank=False,
                                                         compact=True, id="f-role"))
            yield from _form_row("Kata sandi", "password", password=True)
            yield from _form_row("Ulangi kata sandi", "password2", password=True, advance=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Simpan (F10)", id="form-save", variant="primary")
                yield Button("Batal (Esc)", id="form-cancel")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the username."""
        self.query_one("#f-username", Input).focus()

    def check(self) -> dict[str, str]:
        """The two passwords must be the same (the rest is the domain's to say)."""
        if self.value("password") != self.value("password2"):
            return {"password2": "Kedua kata sandi tidak sama; ketik ulang."}
        return {}

    def save(self) -> None:
        """Create the account in a worker."""
        role = self.query_one("#f-role", Select).value
        self.create(self.value("username"), self.value("full_name"), self.value("nip"),
                    str(role), self.value("password"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-change",
          description="Menambah akun petugas")
    def create(self, username: str, full_name: str, nip: str, role: str, password: str) -> None:
        """Create the account (thread worker); closes with its username."""
        self.run_save(lambda desk, session: desk.create_staff(session, username, full_name, password, role, nip),
                      username.strip().lower())


class PasswordDialog(_SavingForm):
    """A new password for an account, typed twice."""

    FIELDS: ClassVar[tuple[str, ...]] = ("password", "password2")

    def __init__(self, username: str, full_name: str) -> None:
        """Create the dialog for the account ``username``."""
        super().__init__()
        self._username = username
        self._full_name = full_name

    def compose(self) -> ComposeResult:
        """Build the form."""
        with Vertical(classes="dialog-box", id="sa-password"):
            yield Label("Reset kata sandi", classes="dialog-title")
            yield PlainStatic(f"Akun {self._username} ({self._full_name}). Kata sandi baru juga "
                              "membuka kunci akun.", classes="dialog-body")
            yield from _form_row("Kata sandi baru", "password", password=True)
            yield from _form_row("Ulangi kata sandi", "password2", password=True, advance=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Simpan (F10)", id="form-save", variant="primary")
                yield Button("Batal (Esc)", id="form-cancel")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Focus the password."""
        self.query_one("#f-password", Input).focus()

    def check(self) -> dict[str, str]:
        """Both entries typed and the same."""
        if not self.value("password"):
            return {"password": "Kata sandi baru wajib diisi."}
        if self.value("password") != self.value("password2"):
            return {"password2": "Kedua kata sandi tidak sama; ketik ulang."}
        return {}

    def save(self) -> None:
        """Save the new password in a worker."""
        self.reset(self.value("password"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-change",
          description="Mengganti kata sandi")
    def reset(self, password: str) -> None:
        """Give the account its new password (thread worker); closes with True."""
        self.run_save(lambda desk, session: desk.reset_staff_password(session, self._username, password), True)
