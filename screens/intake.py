"""The intake screen: who applies for a service (person, organisation or group)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Label
from textual.worker import Worker

from models.dto import (
    ApplicantInfo,
    ApplicantInput,
    CaseDetail,
    DeskError,
    ServiceInfo,
    TicketInfo,
    ValidationError,
)
from screens.base import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.widgets import FieldError, FormInput, KeyFooter, PlainStatic

#: Person fields in form order: (field, label, placeholder, extra Input keyword arguments).
PERSON_FIELDS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("nik", "NIK", "16 digit", {"max_length": 20}),
    ("name", "Nama lengkap", "", {}),
    ("sex", "Jenis kelamin (L/P)", "kosongkan: dari NIK",
     {"restrict": r"[LlPp]?", "max_length": 1}),
    ("birth_date", "Tanggal lahir", "HH-BB-TTTT, kosongkan: dari NIK", {}),
    ("address", "Alamat", "jalan, RT/RW", {}),
    ("desa", "Desa/Kelurahan", "", {}),
    ("kecamatan", "Kecamatan", "", {}),
    ("kabupaten", "Kabupaten/Kota", "", {}),
    ("phone", "Telepon", "08…", {}),
)


def birth_date_text(value: dt.date | None) -> str:
    """Format a stored birth date the way the form asks for it.

    Args:
        value: The date, or None.

    Returns:
        ``"DD-MM-YYYY"`` or ``""``.
    """
    return value.strftime("%d-%m-%Y") if value else ""


class IntakeScreen(DeskScreen):
    """Record the applicant of a new case, then open it and go to the checklist."""

    HELP_TITLE: ClassVar[str] = "Data pemohon"
    HELP_TEXT: ClassVar[str] = (
        "Isi data pemohon untuk layanan ini. Untuk lembaga atau kelompok, isi dahulu nama "
        "lembaga/kelompok, lalu data penanggung jawab/ketuanya.\n\n"
        "Setelah NIK diisi (Enter atau pindah kolom), desk mencari pemohon yang sudah pernah "
        "datang dan mengisi data lainnya; periksa dan perbarui bila perlu. Jenis kelamin dan "
        "tanggal lahir boleh dikosongkan: keduanya dibaca dari NIK.\n\n"
        "Enter pindah ke kolom berikutnya. Ctrl+S atau F10 menyimpan dan membuka daftar "
        "persyaratan. Kesalahan isian ditampilkan di bawah kolomnya. Esc kembali ke antrean."
    )

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"intake-save"})

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: the key then waits behind the characters typed before it in
        # the field's queue, so a fast "…3 Ctrl+S" saves the 3 as well.
        Binding("ctrl+s,f10", "save", "Simpan", id="intake.save"),
        Binding("escape", "back", "Kembali", id="intake.back"),
    ]
    """Ctrl+S / F10 saves, Escape goes back (asks when something was typed)."""

    def __init__(self, service: ServiceInfo, ticket: TicketInfo | None,
                 case: CaseDetail | None = None) -> None:
        """Create the form.

        Args:
            service: The service applied for.
            ticket: The queue ticket being served, or None for a case without ticket.
            case: Correct the applicant's data of this existing case instead of opening a new
                one (the form is filled from it, the NIK cannot change; saving returns the
                updated case to the screen that asked).
        """
        super().__init__()
        self.service = service
        self.ticket = ticket
        self.case = case
        self._initial: dict[str, str] = {}
        self._looked_up = ""
        self._saving = False

    # -- layout ---------------------------------------------------------------------------------

    def _fields(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """The fields of this service's applicant kind, in order."""
        kind = self.service.applicant_kind
        fields: list[tuple[str, str, str, dict[str, Any]]] = []
        if kind in ("organisasi", "kelompok"):
            label = "Nama lembaga" if kind == "organisasi" else "Nama kelompok"
            fields.append(("org_name", label, "Nama lembaga/kelompok", {}))
            if kind == "kelompok":
                fields.append(("member_count", "Jumlah anggota", "angka",
                               {"restrict": r"[0-9]*", "max_length": 4}))
        fields.extend(PERSON_FIELDS)
        return fields

    def compose(self) -> ComposeResult:
        """Build the form."""
        yield Header()
        title = Text("Ubah data pemohon: " if self.case else "Berkas baru: ", style="bold")
        title.append(self.service.name)
        title.append("\n")
        if self.case is not None:
            title.append(f"Berkas {self.case.id}")
            if self.case.register_no:
                title.append(f"  ·  Register {self.case.register_no}")
            title.append("  ·  NIK tidak dapat diubah di sini")
        elif self.ticket is not None:
            title.append("Tiket ")
            title.append(self.ticket.code, style="bold")
            title.append("  ·  ")
        else:
            title.append("Tanpa tiket  ·  ")
        if self.case is None:
            title.append("Jangka waktu: ")
            title.append(self.service.jangka_waktu or "-")
        yield PlainStatic(title, id="intake-title")
        yield FieldError(id="e-general")
        with VerticalScroll(id="intake-form", can_focus=False):
            kind = self.service.applicant_kind
            for name, label, placeholder, extra in self._fields():
                if name == "nik" and kind in ("organisasi", "kelompok"):
                    heading = ("Penanggung jawab" if kind == "organisasi" else "Ketua kelompok")
                    yield Label(heading, classes="form-heading")
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield FormInput(id=f"f-{name}", placeholder=placeholder, compact=True,
                                    advance=True, **extra)
                if name == "nik":
                    yield PlainStatic(id="nik-note", classes="field-note")
                yield FieldError(id=f"e-{name}", classes="field-error")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Fill the form when correcting a case, remember it, and focus the first field."""
        if self.case is not None:
            a = self.case.applicant
            # the NIK cannot change here: shown masked (a full one would be a view to record)
            values = {"org_name": a.org_name, "nik": a.nik_masked, "name": a.name, "sex": a.sex,
                      "birth_date": birth_date_text(a.birth_date), "address": a.address,
                      "desa": a.desa, "kecamatan": a.kecamatan, "kabupaten": a.kabupaten,
                      "phone": a.phone,
                      "member_count": str(self.case.member_count or "")}
            for field in self.query(Input):
                name = (field.id or "").removeprefix("f-")
                if name in values:
                    field.value = values[name] or ""
            nik = self._input("nik")
            nik.disabled = True
            self._looked_up = nik.value
        self._initial = self._values()
        next(field for field in self.query(Input) if not field.disabled).focus()

    def _values(self) -> dict[str, str]:
        """The typed values by field name."""
        return {
            widget.id.removeprefix("f-"): widget.value
            for widget in self.query(Input)
            if widget.id and widget.id.startswith("f-")
        }

    def _input(self, name: str) -> Input:
        """The input of a field."""
        return self.query_one(f"#f-{name}", Input)

    @property
    def dirty(self) -> bool:
        """True when something differs from the form as it was opened."""
        return self._values() != self._initial

    # -- NIK lookup -----------------------------------------------------------------------------

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter in the NIK looks it up (the field itself has moved on to the next one)."""
        event.stop()
        if event.input.id == "f-nik":
            self._lookup(event.value)

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        """Editing a field clears its old message (it is checked again on saving)."""
        field = (event.input.id or "").removeprefix("f-")
        if field and event.input.id != field:
            for error in self.query(f"#e-{field}"):
                if isinstance(error, FieldError):
                    error.show("")

    @on(Input.Changed, "#f-nik")
    def _nik_changed(self, event: Input.Changed) -> None:
        """A different NIK hides the lookup note."""
        if event.value.strip() != self._looked_up:
            self.query_one("#nik-note", PlainStatic).remove_class("-shown")

    @on(Input.Blurred, "#f-nik")
    def _nik_left(self, event: Input.Blurred) -> None:
        """Leaving the NIK looks it up."""
        self._lookup(event.value)

    def _lookup(self, value: str) -> None:
        """Look a complete NIK up once."""
        nik = value.strip()
        if len(nik) != 16 or not nik.isdigit() or nik == self._looked_up:
            return
        self._looked_up = nik
        self.find_applicant(nik)

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-lookup",
          description="Mencari pemohon")
    def find_applicant(self, nik: str) -> None:
        """Look the applicant up (thread worker).

        Args:
            nik: A 16-digit NIK.
        """
        applicant = self.desk.find_applicant(self.session, nik)
        self.desk_app.call_from_thread(self._found, nik, applicant)

    def _found(self, nik: str, applicant: ApplicantInfo | None) -> None:
        """Prefill the form from a known applicant."""
        if not self.is_attached or self._input("nik").value.strip() != nik:
            return
        note = self.query_one("#nik-note", PlainStatic)
        if applicant is None:
            note.set_text(Text("Pemohon baru (NIK belum pernah terdaftar).", style="dim"))
            note.add_class("-shown")
            return
        values = {
            "name": applicant.name,
            "sex": applicant.sex,
            "birth_date": birth_date_text(applicant.birth_date),
            "address": applicant.address,
            "desa": applicant.desa,
            "kecamatan": applicant.kecamatan,
            "kabupaten": applicant.kabupaten,
            "phone": applicant.phone,
        }
        if applicant.org_name and self.service.applicant_kind != "perorangan":
            org = self._input("org_name")
            if not org.value.strip():
                values["org_name"] = applicant.org_name
        kept = 0
        for name, value in values.items():
            field = self._input(name)
            if field.value.strip():  # typed while the lookup ran: the operator's text wins
                kept += field.value.strip() != (value or "").strip()
                continue
            field.value = value or ""
            if field.has_focus or self.focused is field:
                field.select_all()  # the operator is here already: typing replaces, not appends
        message = Text("Pemohon sudah terdaftar: data diisi dari kunjungan sebelumnya (")
        message.append(applicant.name)
        message.append("). Periksa dan perbarui bila perlu.")
        if kept:
            message.append(f" {kept} isian yang sudah diketik tidak diubah.")
        note.set_text(Text.assemble(message, style="green"))
        note.add_class("-shown")
        self.notify("Data pemohon ditemukan dan diisi.", markup=False)

    # -- saving ---------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Open the case through the facade."""
        if self._saving:
            return
        values = self._values()
        values["sex"] = values.get("sex", "").upper()
        if self.case is not None:
            values["nik"] = self.case.applicant.nik  # the field shows it masked
        applicant = ApplicantInput(
            kind=self.service.applicant_kind,
            **{key: value.strip() for key, value in values.items()},
        )
        self._clear_errors()
        self._saving = True
        if self.case is not None:
            self.update_applicant(self.case.id, applicant)
        else:
            self.open_case(applicant)

    def _clear_errors(self) -> None:
        """Hide all field messages."""
        for error in self.query(FieldError):
            error.show("")

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-save",
          description="Menyimpan berkas")
    def open_case(self, applicant: ApplicantInput) -> None:
        """Open the case (thread worker).

        Args:
            applicant: What was typed.
        """
        try:
            case = self.desk.open_case(
                self.session, self.service.code, applicant,
                ticket_id=self.ticket.id if self.ticket is not None else None,
            )
        finally:
            self.desk_app.call_from_thread(self._done_saving)
        self.desk_app.call_from_thread(self._saved, case)

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-save",
          description="Menyimpan data pemohon")
    def update_applicant(self, case_id: int, applicant: ApplicantInput) -> None:
        """Correct the case's applicant data (thread worker).

        Args:
            case_id: The case.
            applicant: What the form holds now.
        """
        try:
            case = self.desk.update_applicant(self.session, case_id, applicant)
        finally:
            self.desk_app.call_from_thread(self._done_saving)
        self.desk_app.call_from_thread(self._updated, case)

    def _updated(self, case: CaseDetail) -> None:
        """Back to the screen that asked, with the corrected case."""
        self.notify("Data pemohon diperbarui.", markup=False)
        if self.come_forward():
            self.dismiss(case)

    def _done_saving(self) -> None:
        """Allow saving again."""
        self._saving = False

    def _saved(self, case: CaseDetail) -> None:
        """Go on to the checklist of the new case."""

        self.notify("Berkas dibuat. Periksa kelengkapan persyaratan.", markup=False)
        if self.come_forward():  # a help screen or question opened meanwhile is closed
            self.app.switch_screen(self.desk_app.screen_for_case(case))

    def show_desk_error(self, error: DeskError, worker: Worker[Any]) -> bool:
        """Show validation messages at their fields.

        Args:
            error: The error.
            worker: The failed worker.

        Returns:
            True when the messages were placed on the form.
        """
        if not isinstance(error, ValidationError):
            return False
        first: Input | None = None
        general: list[str] = []
        for field, message in error.errors.items():
            targets = self.query(f"#e-{field}")
            if field != "general" and targets:
                targets.first(FieldError).show(message)
                if first is None:
                    first = self._input(field)
            else:
                general.append(message)
        if general:
            self.query_one("#e-general", FieldError).show(" ".join(general))
        if first is not None:
            first.focus()
            first.scroll_visible()
        self.notify("Periksa isian yang ditandai.", severity="error", markup=False)
        return True

    # -- leaving --------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Go back, asking first when the form has unsaved input."""
        if self.busy():
            return
        if not self.dirty:
            self.app.pop_screen()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog("Isian belum disimpan. Buang isian dan kembali?", title="Kembali",
                          default_yes=False),
            answered,
        )
