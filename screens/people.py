"""The people of a case (key o from the case and checklist screens): the persons besides the
pemohon in the roles the service takes, and for a lembaga its organisation data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Input, Label, Select
from textual.worker import Worker

from forms.people import format_npwp, member_total, roles_of
from models.casedto import CasePeople, OrganisationInput, PersonInput, PersonLine
from models.dto import (
    DeskError,
    ValidationError,
)
from screens.base import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.widgets import FieldError, FormInput, KeyFooter, PlainStatic, fmt_date, sync_table

#: Column keys, headers and widths of the people table (fits 80 columns).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("no", "No", 3),
    ("peran", "Peran", 12),
    ("nama", "Nama", 24),
    ("nik", "NIK", 16),
    ("ket", "Keterangan", 11),
)

#: Person form fields: (field, label, placeholder, extra Input keyword arguments).
PERSON_FIELDS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("nik", "NIK", "16 digit", {"max_length": 20}),
    ("name", "Nama lengkap", "", {}),
    ("sex", "Jenis kelamin (L/P)", "kosongkan: dari NIK", {"restrict": r"[LlPp]?", "max_length": 1}),
    ("birth_date", "Tanggal lahir", "HH-BB-TTTT, kosongkan: dari NIK", {}),
    ("address", "Alamat", "", {}),
    ("phone", "Telepon", "08…", {}),
    ("note", "Keterangan", "mis. anak kandung", {}),
)

#: Organisation form fields.
ORGANISATION_FIELDS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("name", "Nama lembaga", "kosongkan: nama pemohon", {}),
    ("akta_no", "Nomor akta notaris", "", {}),
    ("akta_date", "Tanggal akta", "HH-BB-TTTT", {}),
    ("pengesahan_no", "Pengesahan (SK Kemenkumham)", "nomor SK", {}),
    ("npwp", "NPWP", "15 atau 16 digit", {"max_length": 24}),
    ("address", "Alamat sekretariat", "", {}),
    ("since", "Sekretariat sejak", "tahun (2015) atau HH-BB-TTTT", {}),
)


def _date_text(value: Any) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


class PeopleScreen(DeskScreen):
    """The persons of a case by role; add, change, remove; the organisation data."""

    HELP_TITLE: ClassVar[str] = "Orang dalam berkas"
    HELP_TEXT: ClassVar[str] = (
        "Daftar orang dalam berkas selain pemohon, menurut peran yang diminta layanan (anak, "
        "orang tua / wali, anggota, ketua, sekretaris, bendahara, pengurus ...).\n\n"
        "a menambah orang: pilih peran, isi NIK dan nama; jenis kelamin dan tanggal lahir boleh "
        "dikosongkan (dibaca dari NIK). Enter (atau u) mengubah orang pada baris terpilih; Del "
        "(atau h) menghapusnya setelah ditanya. Untuk layanan lembaga, l membuka data lembaga "
        "(akta notaris, pengesahan, NPWP, sekretariat).\n\n"
        "Baris bawah menyebut yang masih kurang untuk keputusan lengkap, mis. jumlah anggota "
        "kelompok di bawah minimal. Esc kembali."
    )

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"people-save"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Tambah", id="people.add"),
        Binding("enter,u", "change", "Ubah", id="people.change"),
        Binding("delete,h", "remove", "Hapus", id="people.remove"),
        Binding("l", "organisation", "Data lembaga", id="people.organisation"),
        Binding("escape", "back", "Kembali", id="people.back"),
    ]
    """a adds, Enter / u changes, Del / h removes, l edits the organisation, Escape goes back."""

    def __init__(self, case_id: int, service_code: str) -> None:
        """Create the screen.

        Args:
            case_id: The case.
            service_code: Its service (the catalog says which roles it takes).
        """
        super().__init__()
        self.case_id = case_id
        self.service_code = service_code
        self.people: CasePeople | None = None

    @property
    def service(self) -> Any:
        """The catalog service (its roles)."""
        return self.desk.catalog.get(self.service_code)

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(Text("Memuat…", style="dim"), id="people-header")
        table: DataTable[Text] = DataTable(id="people-table", cursor_type="row")
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="people-detail")
        yield PlainStatic(id="people-problems")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Read the people of the case."""
        self.query_one("#people-table", DataTable).focus()
        self.load_people()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the organisation key for lembaga services only; nothing changes once finished."""
        people = self.people
        if action == "organisation":
            return people is not None and people.applicant_kind == "organisasi" and people.editable
        if action in ("add", "change", "remove"):
            return people is None or people.editable
        return True

    # -- reading and showing ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="people-load",
          description="Memuat orang dalam berkas")
    def load_people(self) -> None:
        """Read the people (thread worker)."""
        people = self.desk.case_people(self.session, self.case_id)
        self.desk_app.call_from_thread(self.show_people, people)

    def desk_events(self, events: list[Any]) -> None:
        """Re-read when some desk changed this case (or the connection came back)."""
        if not events or any(e.entity_id == self.case_id and e.kind.startswith("case.") for e in events):
            self.load_people()

    def show_people(self, people: CasePeople) -> None:
        """Show the people of the case.

        Args:
            people: As read or as a change returned them.
        """
        if not self.is_attached:
            return
        self.people = people
        header = Text(f"Orang dalam berkas {people.case_id}", style="bold", no_wrap=True, overflow="ellipsis")
        header.append("  ·  pemohon: ")
        header.append(people.applicant_name)
        header.append(f"  NIK {people.applicant_nik_masked}")
        for line in self._summary_lines(people):
            header.append("\n")
            header.append_text(line)
        self.query_one("#people-header", PlainStatic).set_text(header)
        rows = []
        for number, person in enumerate(people.people, 1):
            rows.append((str(person.id), [
                Text(str(number)),
                Text(person.role_label, no_wrap=True, overflow="ellipsis"),
                Text(person.name, no_wrap=True, overflow="ellipsis"),
                Text(person.nik_masked or "-"),
                Text(person.note, no_wrap=True, overflow="ellipsis"),
            ]))
        table = self.query_one("#people-table", DataTable)
        with self.app.batch_update():
            sync_table(table, rows, [key for key, _, _ in COLUMNS])
        self._show_detail()
        problems = Text(no_wrap=False)
        if not self.service_roles():
            problems.append("Layanan ini tidak mencatat orang lain selain pemohon.", style="dim")
        elif people.problems:
            problems.append("Masih kurang:", style="bold yellow")
            for problem in people.problems:
                problems.append("\n• ")
                problems.append(problem)
        else:
            problems.append("Data orang lengkap untuk layanan ini.", style="green")
        self.query_one("#people-problems", PlainStatic).set_text(problems)
        self.refresh_bindings()

    def _summary_lines(self, people: CasePeople) -> list[Text]:
        """The group size line ("Anggota: 7 dari minimal 10") and the organisation line."""
        lines = []
        svc = self.service
        if people.applicant_kind == "kelompok":
            members = member_total(svc, people.people)
            criterion = svc.criterion("jumlah_anggota")
            line = Text(f"Anggota: {members}", style="bold")
            if criterion is not None and criterion.min:
                line.append(f" dari minimal {criterion.min}",
                            style="bold red" if members < criterion.min else "bold green")
            if people.member_count:
                line.append(f"  ·  jumlah pada data pemohon: {people.member_count}", style="dim")
            lines.append(line)
        if people.applicant_kind == "organisasi":
            org = people.organisation
            line = Text("Lembaga: ", style="bold", no_wrap=True, overflow="ellipsis")
            if org is None:
                line.append("data belum diisi (tekan l)", style="dim")
            else:
                line.append(f"akta {org.akta_no or '-'}")
                line.append(f" · NPWP {format_npwp(org.npwp) or '-'}")
                if org.years is not None:
                    line.append(f" · sekretariat ± {org.years} tahun")
            lines.append(line)
        return lines

    def _current(self) -> PersonLine | None:
        """The person on the highlighted row."""
        table = self.query_one("#people-table", DataTable)
        if self.people is None or not table.row_count:
            return None
        key = table.ordered_rows[table.cursor_row].key.value
        return next((p for p in self.people.people if str(p.id) == key), None)

    @on(DataTable.RowHighlighted, "#people-table")
    def _show_detail(self) -> None:
        """The highlighted person in full."""
        person = self._current()
        text = Text(no_wrap=True, overflow="ellipsis")
        if person is not None:
            text.append(person.name, style="bold")
            text.append(f" · {person.role_label}")
            if person.birth_date:
                text.append(f" · lahir {fmt_date(person.birth_date)}")
                if person.age is not None:
                    text.append(f" ({person.age} th)")
            if person.address:
                text.append(" · ")
                text.append(person.address)
            if person.phone:
                text.append(f" · {person.phone}")
        self.query_one("#people-detail", PlainStatic).set_text(text)

    def service_roles(self) -> tuple[Any, ...]:
        """The roles the service takes."""
        return roles_of(self.service)

    # -- actions --------------------------------------------------------------------------------------

    def _open_form(self, form: DeskScreen) -> None:
        def saved(result: CasePeople | None) -> None:
            if result is not None:
                self.show_people(result)
                self.notify("Tersimpan.", markup=False)

        self.app.push_screen(form, saved)

    def action_add(self) -> None:
        """Add a person in one of the service's roles."""
        if not self.service_roles():
            self.notify("Layanan ini tidak mencatat orang lain selain pemohon.", severity="warning", markup=False)
            return
        session, case_id = self.session, self.case_id
        self._open_form(PersonForm(self.service, None, lambda typed: self.desk.add_person(session, case_id, typed)))

    def action_change(self) -> None:
        """Change the highlighted person."""
        person = self._current()
        if person is None:
            return
        session, case_id = self.session, self.case_id
        if person.nik:  # the form shows the full NIK (it can be corrected there): recorded
            self.record_nik_view(person.id)
        self._open_form(PersonForm(self.service, person,
                                   lambda typed: self.desk.change_person(session, case_id, person.id, typed)))

    @work(thread=True, exit_on_error=False, group="people-nik", description="Mencatat NIK yang ditampilkan")
    def record_nik_view(self, person_id: int) -> None:
        """Record in the audit trail that the person's full NIK is shown (thread worker)."""
        self.desk.reveal_nik(self.session, self.case_id, person_id=person_id, context="formulir orang")

    def action_remove(self) -> None:
        """Remove the highlighted person (after asking)."""
        person = self._current()
        if person is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_person(person.id)

        self.app.push_screen(ConfirmDialog(f"Hapus {person.name} ({person.role_label}) dari berkas?",
                                           title="Hapus orang", default_yes=False), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="people-save", description="Menghapus orang")
    def remove_person(self, person_id: int) -> None:
        """Remove a person (thread worker)."""
        people = self.desk.remove_person(self.session, self.case_id, person_id)
        self.desk_app.call_from_thread(self.show_people, people)

    def action_organisation(self) -> None:
        """Edit the organisation data of the case."""
        session, case_id = self.session, self.case_id
        org = self.people.organisation if self.people else None
        values = {}
        if org is not None:
            values = {"name": org.name, "akta_no": org.akta_no, "akta_date": _date_text(org.akta_date),
                      "pengesahan_no": org.pengesahan_no, "npwp": format_npwp(org.npwp), "address": org.address,
                      "since": org.since if len(org.since) != 10 else "-".join(reversed(org.since.split("-")))}
        self._open_form(OrganisationForm(values, lambda typed: self.desk.set_organisation(session, case_id, typed)))

    def action_back(self) -> None:
        """Back to the case."""
        if self.busy():
            return
        self.app.pop_screen()


class _Form(DeskScreen):
    """A form of the people screen: fields with their messages; Ctrl+S / F10 saves."""

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"people-save"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,f10", "save", "Simpan", id="people-form.save"),
        Binding("escape", "cancel", "Batal", id="people-form.cancel"),
    ]
    """Ctrl+S / F10 saves, Escape cancels."""

    FIELDS: ClassVar[tuple[tuple[str, str, str, dict[str, Any]], ...]] = ()
    title_text = ""

    def __init__(self, values: dict[str, str], save: Callable[[Any], CasePeople]) -> None:
        super().__init__()
        self._values = values
        self._save = save
        self._saving = False

    def compose(self) -> ComposeResult:
        """Build the form."""
        yield Header()
        yield PlainStatic(Text(self.title_text, style="bold"), id="form-title")
        yield FieldError(id="e-general")
        with VerticalScroll(id="people-form", can_focus=False):
            yield from self.extra_fields()
            for name, label, placeholder, extra in self.FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label", markup=False)
                    yield FormInput(self._values.get(name, "") or "", id=f"f-{name}", placeholder=placeholder,
                                    compact=True, advance=True, **extra)
                yield FieldError(id=f"e-{name}", classes="field-error")
        yield KeyFooter(compact=True)

    def extra_fields(self) -> ComposeResult:
        """Fields before the text inputs (the role)."""
        yield from ()

    def on_mount(self) -> None:
        """Focus the first field."""
        selects = self.query(Select)
        (selects.first() if selects else self.query(Input).first()).focus()

    def typed(self) -> dict[str, str]:
        """What the form holds."""
        return {w.id.removeprefix("f-"): w.value.strip() for w in self.query(Input) if w.id}

    def build(self) -> Any:
        """The input dataclass from what was typed."""
        raise NotImplementedError

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """Editing a field clears its old message."""
        for error in self.query(f"#e-{(event.input.id or '').removeprefix('f-')}"):
            if isinstance(error, FieldError):
                error.show("")

    def action_save(self) -> None:
        """Save through the facade."""
        if self._saving:
            return
        for error in self.query(FieldError):
            error.show("")
        self._saving = True
        self.save_form(self.build())

    @work(thread=True, exclusive=True, exit_on_error=False, group="people-save", description="Menyimpan")
    def save_form(self, typed: Any) -> None:
        """Save (thread worker); the people as saved go back to the list."""
        try:
            result = self._save(typed)
        finally:
            self.desk_app.call_from_thread(self._done)
        self.desk_app.call_from_thread(self._saved, result)

    def _done(self) -> None:
        self._saving = False

    def _saved(self, result: CasePeople) -> None:
        if self.come_forward():
            self.dismiss(result)

    def show_desk_error(self, error: DeskError, worker: Worker[Any]) -> bool:
        """Validation messages go under their fields; other refusals above the form."""
        if not isinstance(error, ValidationError):
            self.query_one("#e-general", FieldError).show(str(error))
            return True
        first = None
        for field, message in error.errors.items():
            targets = self.query(f"#e-{field}")
            if targets:
                targets.first(FieldError).show(message)
                widget = self.query(f"#f-{field}")
                if first is None and widget:
                    first = widget.first()
            else:
                self.query_one("#e-general", FieldError).show(message)
        if first is not None:
            first.focus()
            first.scroll_visible()
        self.notify("Periksa isian yang ditandai.", severity="error", markup=False)
        return True

    def action_cancel(self) -> None:
        """Close without saving."""
        if self.busy():
            return
        self.dismiss(None)


class PersonForm(_Form):
    """Add or change a person of the case."""

    HELP_TITLE: ClassVar[str] = "Data orang"
    HELP_TEXT: ClassVar[str] = (
        "Pilih peran (panah atas/bawah lalu Enter), isi NIK dan nama. Jenis kelamin dan tanggal lahir "
        "boleh dikosongkan: keduanya dibaca dari NIK. Ctrl+S atau F10 menyimpan; kesalahan ditampilkan "
        "di bawah kolomnya. Esc batal."
    )
    FIELDS = PERSON_FIELDS

    def __init__(self, service: Any, person: PersonLine | None, save: Callable[[Any], CasePeople]) -> None:
        values = {}
        if person is not None:
            values = {"nik": person.nik, "name": person.name, "sex": person.sex,
                      "birth_date": _date_text(person.birth_date), "address": person.address,
                      "phone": person.phone, "note": person.note}
        super().__init__(values, save)
        self.roles = roles_of(service)
        self.person = person
        self.title_text = "Ubah orang dalam berkas" if person else "Tambah orang dalam berkas"

    def extra_fields(self) -> ComposeResult:
        """The role: only those the service takes."""
        ids = [r.id for r in self.roles]
        if self.person is not None and self.person.role in ids:
            chosen = self.person.role
        else:
            chosen = "anggota" if "anggota" in ids else ids[0]
        with Horizontal(classes="field-row"):
            yield Label("Peran", classes="field-label", markup=False)
            yield Select([(Text(r.label), r.id) for r in self.roles], value=chosen, allow_blank=False,
                         id="f-role", compact=True)
        yield FieldError(id="e-role", classes="field-error")

    @on(Input.Changed, "#f-nik")
    def _nik_typed(self, event: Input.Changed) -> None:
        """A complete NIK of someone the desk knows fills in the empty fields."""
        nik = event.value.strip()
        if len(nik) == 16 and nik.isdigit() and nik != getattr(self, "_looked_up", ""):
            self._looked_up = nik
            self.find_person(nik)

    @work(thread=True, exclusive=True, exit_on_error=False, group="people-lookup",
          description="Mencari data orang")
    def find_person(self, nik: str) -> None:
        """Look the NIK up (thread worker; the look-up is recorded in the audit trail)."""
        found = self.desk.find_applicant(self.session, nik)
        self.desk_app.call_from_thread(self._found, nik, found)

    def _found(self, nik: str, found: Any) -> None:
        """Fill in what is still empty from the known person."""
        if found is None or not self.is_attached or self.query_one("#f-nik", Input).value.strip() != nik:
            return
        known = {"name": found.name, "sex": found.sex, "birth_date": _date_text(found.birth_date),
                 "address": found.address, "phone": found.phone}
        filled = False
        for name, value in known.items():
            for field in self.query(f"#f-{name}"):
                if isinstance(field, Input) and not field.value.strip() and value:
                    field.value = value
                    filled = True
        if filled:
            self.notify("Data diisi dari catatan NIK ini; periksa kembali.", markup=False)

    def build(self) -> PersonInput:
        """The person as typed."""
        typed = self.typed()
        typed["sex"] = typed.get("sex", "").upper()
        return PersonInput(role=str(self.query_one("#f-role", Select).value), **typed)


class OrganisationForm(_Form):
    """The organisation data of the case."""

    HELP_TITLE: ClassVar[str] = "Data lembaga"
    HELP_TEXT: ClassVar[str] = (
        "Data lembaga pemohon untuk berkas ini: nomor dan tanggal akta notaris, nomor pengesahan "
        "(SK Kemenkumham), NPWP (15 atau 16 digit; titik dan tanda hubung boleh), alamat "
        "sekretariat dan sejak kapan (tahun, mis. 2015, atau tanggal). Yang diminta layanan tetapi "
        "belum diisi disebut di daftar orang. Ctrl+S atau F10 menyimpan; Esc batal."
    )
    FIELDS = ORGANISATION_FIELDS
    title_text = "Data lembaga"

    def build(self) -> OrganisationInput:
        """The organisation as typed."""
        return OrganisationInput(**self.typed())
