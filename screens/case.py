"""The case screen: register number, SOP steps with a live timer, letters and documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header

from models.dto import CaseDetail, DeskEvent, DocumentInfo, StepLine
from screens.base import DeskScreen
from screens.caseflow import REOPEN_ROLES, CaseFlow
from screens.steptimer import (  # noqa: F401 - short_duration, step_timer: imported from here too
    running_style,
    short_duration,
    step_duration,
    step_standing,
    step_timer,
)
from screens.widgets import (
    KeyFooter,
    PlainStatic,
    clip,
    document_notice,
    fmt_datetime,
    fmt_moment,
    sync_table,
)

#: Column keys, headers and widths of the steps table (fits 80 columns).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("no", "No", 2),
    ("uraian", "Uraian", 18),
    ("pelaksana", "Pelaksana", 10),
    ("mutu", "Mutu baku", 9),
    ("status", "Status", 10),
    ("mulai", "Mulai", 5),
    ("durasi", "Durasi", 9),
)

#: Seconds the full NIK stays in the header after n.
NIK_SECONDS = 15

#: Step status labels.
STEP_STATUS: dict[str, str] = {"belum": "belum", "berjalan": "berjalan", "selesai": "selesai",
                               "dilewati": "dilewati"}

def short_moment(value: dt.datetime | None, today: dt.date) -> str:
    """A 5-character moment: the time today, the date (DD/MM) on other days.

    Args:
        value: The moment or None.
        today: Today in office time.

    Returns:
        ``"10.05"``, ``"25/11"`` or ``"-"``.
    """
    if value is None:
        return "-"
    if value.date() == today:
        return f"{value.hour:02d}.{value.minute:02d}"
    return f"{value.day:02d}/{value.month:02d}"


class CaseScreen(CaseFlow, DeskScreen):
    """A case in process: its SOP steps, the running step's timer, letters."""

    HELP_TITLE: ClassVar[str] = "Proses berkas"
    HELP_TEXT: ClassVar[str] = (
        "Berkas lengkap dan sudah bernomor register. Tabel menampilkan langkah-langkah SOP "
        "layanan; langkah yang sedang berjalan ditandai dan waktunya dihitung terhadap mutu "
        "baku waktu: kuning/SEGERA bila sudah terpakai 80% (bawaan; ambang_peringatan di [kalender]), "
        "merah/TERLAMBAT bila melewati batas. Mutu baku menit, jam dan hari kerja dihitung pada "
        "jam kerja kantor saja (hari libur dan kantor tutup tidak terhitung).\n\n"
        "s atau F6 menyelesaikan langkah yang berjalan. Bila langkah diakhiri keputusan "
        "(memenuhi syarat / layak), pilih hasilnya: desk mengikuti standar pelayanan: lanjut "
        "ke langkah berikutnya, kembali ke langkah sebelumnya (dengan alasan; bila pemohon "
        "harus memperbaiki, waktu layanan berhenti sampai ia kembali), atau berkas dihentikan "
        "(dengan alasan dan konfirmasi).\n"
        "l: pemohon kembali membawa perbaikan; langkah yang dituju dimulai lagi.\n"
        "p atau F7 mencetak surat layanan (atau tanda terima berkas bila layanan tidak "
        "menghasilkan surat); untuk permohonan yang ditolak, surat pemberitahuan berisi "
        "alasannya. Dokumen yang sudah dicetak tampil di bagian bawah.\n"
        "r (supervisor): membuka kembali berkas yang sudah berakhir, dengan alasan.\n"
        "n menampilkan NIK pemohon lengkap selama 15 detik (tercatat di jejak audit).\n"
        "e membetulkan data pemohon (salah ketik nama, alamat). Surat yang sudah terbit tidak "
        "pernah diubah: cetak ulang menghasilkan SALINAN bernomor sama; bila data yang dicetak "
        "berubah setelah terbit, p menerbitkan surat perubahan bernomor baru dan surat lama "
        "tercatat tidak berlaku.\n"
        "Hanya tombol yang berlaku untuk status berkas yang tampil di bawah layar.\n"
        "Esc kembali."
    )

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"case-step", "case-print"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,f6", "finish_step", "Selesaikan", id="case.finish_step"),
        Binding("l", "resume", "Pemohon kembali", id="case.resume"),
        Binding("p,f7", "print_letter", "Cetak surat", id="case.print_letter"),
        Binding("p,f7", "print_receipt", "Tanda terima", id="case.print_receipt"),
        Binding("p,f7", "print_notice", "Pemberitahuan", id="case.print_notice"),
        Binding("d", "documents", "Dokumen", id="case.documents"),
        Binding("r", "reopen", "Buka kembali", id="case.reopen"),
        Binding("e", "edit_applicant", "Pemohon", id="case.edit_applicant"),
        Binding("o", "people", "Orang", id="case.people"),
        Binding("n", "show_nik", "NIK lengkap", show=False, id="case.show_nik"),
        Binding("escape", "back", "Kembali", id="case.back"),
    ]
    """s / F6 ends the running step, p / F7 prints the letter (or the receipt, or a refused
    case's notice), d lists every document of the service, Escape goes back. The labels are
    short: the footer holds every key at 80 columns."""

    def __init__(self, case: CaseDetail) -> None:
        """Create the screen.

        Args:
            case: The case (diproses or selesai).
        """
        super().__init__()
        self.case = case
        self._late_shown = False
        #: The running step's standing as its status cell shows it ("", "segera", "terlambat").
        self._standing_shown = ""

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(id="case-header")
        yield PlainStatic(id="case-timer")
        table: DataTable[Text] = DataTable(id="case-steps", cursor_type="row")
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="case-step-detail")
        with VerticalScroll(id="case-docs"):
            yield PlainStatic(id="case-docs-text")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Show the case and start the one-second timer."""
        self._ticker = self.set_interval(1.0, self._tick, pause=self.case.current_step is None)
        self.show_case(self.case)
        self.query_one("#case-steps", DataTable).focus()
        self._move_to_current()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the letter or the receipt key, whichever the service prints.

        Args:
            action: The action name.
            parameters: Its parameters.

        Returns:
            False hides and disables the binding.
        """
        status = self.case.status
        produced = status in ("diproses", "selesai")
        if action == "print_letter":
            return produced and self.case.service.has_letter
        if action == "print_receipt":
            return produced and not self.case.service.has_letter
        if action == "print_notice":
            return status == "ditolak"
        if action == "documents":
            return produced
        if action == "finish_step":
            return self.case.current_step is not None
        if action == "resume":
            return status == "menunggu_perbaikan"
        if action == "reopen":
            return status in ("selesai", "ditolak") and self.session.role in REOPEN_ROLES
        if action == "edit_applicant":
            return status not in ("selesai", "ditolak")
        return True

    # -- display --------------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        """The office time (the facade's clock; no database access)."""
        return self.desk.now()

    def show_case(self, case: CaseDetail) -> None:
        """Show a (fresh) case.

        Args:
            case: The case.
        """
        self.case = case
        now = self._now()
        self._show_header(now)

        today = now.date()
        rows = [(str(step.no), self._step_cells(step, now, today)) for step in case.steps]
        self._standing_shown = step_standing(case.current_step, now) if case.current_step else ""
        table = self.query_one("#case-steps", DataTable)
        with self.app.batch_update():
            sync_table(table, rows, [key for key, _, _ in COLUMNS])
        self._show_documents(case.documents)
        self._tick()
        self._show_step_detail()
        self.refresh_bindings()
        ticker = getattr(self, "_ticker", None)
        if ticker is not None:  # the clock ticks only while a step runs
            if case.current_step is None:
                ticker.pause()
            else:
                ticker.resume()

    def desk_events(self, events: list[DeskEvent]) -> None:
        """Re-read the case when some desk changed it (a step finished at another desk, a
        letter printed), or when the connection came back.

        Args:
            events: The events, in commit order.
        """
        changed = {e.entity_id for e in events if e.kind.startswith(("case.", "step."))}
        changed |= {e.payload.get("berkas") for e in events if e.kind.startswith("document.")}
        calendar = any(e.kind.startswith("calendar.") for e in events)  # due times moved
        if not events or calendar or self.case.id in changed:
            self.reload_case(self.case.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-refresh",
          description="Memuat ulang berkas")
    def reload_case(self, case_id: int) -> None:
        """Read the case as stored now (thread worker).

        Args:
            case_id: The case.
        """
        case = self.desk.case(self.session, case_id, record_view=False)
        self.desk_app.call_from_thread(self._reloaded, case)

    def _reloaded(self, case: CaseDetail) -> None:
        """Show the case as stored now, unless a change of this screen is being saved (its
        own result follows and is shown then)."""
        if self.is_attached and case.id == self.case.id and not self.saving():
            self.show_case(case)

    def _show_header(self, now: dt.datetime | None = None) -> None:
        """The four header lines: register and status, service, applicant, jangka waktu.

        Every line is cut to the width (never wrapped), so the jangka waktu line always shows.
        """
        case = self.case
        now = now or self._now()
        self._late_shown = case.due_at is not None and now > case.due_at
        width = max(40, self.app.size.width - 2)
        header = Text(no_wrap=True, overflow="ellipsis")
        if case.register_no:
            header.append("Register ", style="bold")
            header.append(case.register_no, style="bold reverse")
        else:
            header.append(f"Berkas {case.id}", style="bold reverse")
        header.append("  ·  ")
        status_style = {"selesai": "bold green", "ditolak": "bold red"}.get(case.status, "bold")
        header.append(case.status_label, style=status_style)
        header.append("\n")
        header.append(case.service.short_name or case.service.name)
        if case.member_count:
            header.append(f"  ·  {case.member_count} anggota")
        header.append("\nPemohon: ")
        nik = self._nik_shown or case.applicant.nik_masked  # full for a while after n (audited)
        budget = width - len("Pemohon: ") - len("  NIK ") - len(nik)
        name = clip(case.applicant.display_name, budget)
        header.append(name, style="bold")
        header.append("  NIK ")
        header.append(nik, style="reverse" if self._nik_shown else "")
        header.append("\nJangka waktu: ")
        header.append(case.service.jangka_waktu or "-")
        if case.due_at is not None:
            header.append(" · batas ")
            late = case.status not in ("selesai", "ditolak") and now > case.due_at
            header.append(fmt_datetime(case.due_at), style="bold red" if late else "bold")
            if late:
                header.append(" TERLAMBAT", style="bold white on red")
        self.query_one("#case-header", PlainStatic).set_text(header)

    def on_resize(self) -> None:
        """Fit the header lines to the new width."""
        if self.is_mounted:
            self._show_header()

    def _step_cells(self, step: StepLine, now: dt.datetime, today: dt.date) -> list[Text]:
        """Cells of a step row."""
        running = step.status == "berjalan"
        if running:
            style = running_style(step_standing(step, now))
        elif step.status == "selesai":
            style = "green"
        else:
            style = "dim"
        status = Text(STEP_STATUS.get(step.status, step.status), style=style)
        if running:
            status = Text("▶ berjalan", style=style)
        return [
            Text(str(step.no), style=style if running else ""),
            Text(step.uraian, style="bold" if running else "", no_wrap=True,
                 overflow="ellipsis"),
            Text(step.pelaksana, no_wrap=True, overflow="ellipsis"),
            Text(step.waktu_label or "-", no_wrap=True, overflow="ellipsis"),
            status,
            Text(short_moment(step.started_at, today)),
            step_duration(step, now),
        ]

    def _tick(self) -> None:
        """Update the running step's timer (every second)."""
        step = self.case.current_step
        timer = self.query_one("#case-timer", PlainStatic)
        if step is None:
            if self.case.status == "menunggu_perbaikan":
                text = Text("Menunggu perbaikan dari pemohon", style="bold yellow", no_wrap=True,
                            overflow="ellipsis")
                if self.case.resume_step:
                    text.append(f" (lalu langkah {self.case.resume_step})")
                if self.case.outcome:
                    text.append(": ")
                    text.append(self.case.outcome)
                timer.set_text(text)
            elif self.case.status == "selesai":
                timer.set_text(Text("Semua langkah selesai.", style="bold green"))
            elif self.case.status == "ditolak":
                text = Text("Berkas dihentikan", style="bold red", no_wrap=True,
                            overflow="ellipsis")
                if self.case.outcome:
                    text.append(": ")
                    text.append(self.case.outcome)
                timer.set_text(text)
            else:
                timer.set_text(Text("Tidak ada langkah yang berjalan.", style="dim"))
            return
        now = self._now()
        due = self.case.due_at
        if due is not None and (now > due) != self._late_shown:
            self._late_shown = now > due
            self._show_header(now)
        text = Text(f"Langkah {step.no} berjalan: ", style="bold", no_wrap=True,
                    overflow="ellipsis")
        text.append_text(step_timer(step, now))
        timer.set_text(text)
        table = self.query_one("#case-steps", DataTable)
        key = str(step.no)
        if key in table.rows:
            table.update_cell(key, "durasi", step_duration(step, now))
            standing = step_standing(step, now)
            if standing != self._standing_shown:  # the warning colour or overdue from now on
                self._standing_shown = standing
                table.update_cell(key, "status", Text("▶ berjalan", style=running_style(standing)))
            if table.row_count and table.ordered_rows[table.cursor_row].key.value == key:
                self._show_step_detail()

    def _show_step_detail(self) -> None:
        """The full text of the highlighted step."""
        table = self.query_one("#case-steps", DataTable)
        detail = self.query_one("#case-step-detail", PlainStatic)
        if not table.row_count:
            detail.set_text("")
            return
        key = table.ordered_rows[table.cursor_row].key.value
        step = next((s for s in self.case.steps if str(s.no) == key), None)
        if step is None:
            return
        width = max(20, self.app.size.width - 2)
        title = Text(f"{step.no}. ", style="bold")
        title.append(step.uraian)
        lines = title.wrap(self.app.console, width)
        text = Text()
        for index, line in enumerate(lines[:2]):
            if index:
                text.append("\n")
            if index == 1 and len(lines) > 2:
                line.truncate(width - 1)
                line.append("…")
            text.append_text(line)
        who = Text(no_wrap=True, overflow="ellipsis")
        who.append("Pelaksana: ", style="dim")
        who.append(step.pelaksana or "-")
        if step.output:
            who.append(" · Output: ", style="dim")
            who.append(step.output)
        extra = [who]
        if step.started_at is not None:
            now = self._now()
            today = now.date()
            timing = Text(no_wrap=True, overflow="ellipsis")
            timing.append("Durasi ", style="dim")
            timing.append_text(step_duration(step, now))
            timing.append(f" / mutu baku {step.waktu_label}" if step.waktu_label
                          else " (tanpa mutu baku waktu)", style="dim")
            timing.append(" · mulai ", style="dim")
            timing.append(fmt_moment(step.started_at, today))
            if step.ended_at is not None:
                timing.append(" · selesai ", style="dim")
                timing.append(fmt_moment(step.ended_at, today))
            by = step.ended_by or step.started_by
            if by:
                timing.append(f" ({by})")
            extra = [timing] if len(lines) > 1 else [who, timing]
        for line in extra:
            line.truncate(width, overflow="ellipsis")
            text.append("\n")
            text.append_text(line)
        detail.set_text(text)

    @on(DataTable.RowHighlighted, "#case-steps")
    def _highlighted(self) -> None:
        """Follow the cursor."""
        self._show_step_detail()

    def _move_to_current(self) -> None:
        """Put the cursor on the running step."""
        step = self.case.current_step
        table = self.query_one("#case-steps", DataTable)
        if step is not None and str(step.no) in table.rows:
            table.move_cursor(row=table.get_row_index(str(step.no)))

    def _show_documents(self, documents: tuple[DocumentInfo, ...]) -> None:
        """The documents issued for this case."""
        text = Text("Dokumen:", style="bold", no_wrap=True, overflow="ellipsis")
        if not documents:
            text.append(" belum ada", style="dim")
        for index, document in enumerate(reversed(documents)):  # newest first
            if index:
                text.append("\n")
            line = Text(" " if index == 0 else " " * len("Dokumen: "))
            if document.number:  # the number first: a long title must not push it out of sight
                line.append(document.number, style="bold strike" if document.voided_at else "bold")
                line.append(" ")
            line.append(document.title, style="dim strike" if document.voided_at else "")
            if document.voided_at:
                line.append(" (tidak berlaku: diganti perubahan)", style="bold red")
            line.append(" — ", style="dim")
            line.append(document.path, style="dim")
            text.append_text(line)
        self.query_one("#case-docs-text", PlainStatic).set_text(text)

    # -- actions --------------------------------------------------------------------------------

    def action_print_letter(self) -> None:
        """Print the service's letter."""
        self.print_product(self.case.id)

    def action_print_receipt(self) -> None:
        """Print the tanda terima berkas."""
        self.print_product(self.case.id)

    def action_print_notice(self) -> None:
        """Print the surat pemberitahuan of a refused case."""
        self.print_product(self.case.id, notice=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-print",
          description="Mencetak dokumen")
    def print_product(self, case_id: int, notice: bool = False, kind: str | None = None) -> None:
        """Render the product document (or the refusal notice, or the document ``kind``), then
        show it in the case's list (thread worker)."""
        if notice:
            document = self.desk.print_notice(self.session, case_id)
        else:
            document = self.desk.print_product(self.session, case_id, kind)
        self.desk_app.call_from_thread(self._printed, document)

    def _printed(self, document: DocumentInfo) -> None:
        """Say where the document is and list it (a reprint keeps its place in the list)."""
        if self.is_attached and document.case_id == self.case.id:
            others = [d for d in self.case.documents if d.id != document.id]
            shown = tuple(sorted([*others, document], key=lambda d: d.id))
            self.show_case(dataclasses.replace(self.case, documents=shown))
        message, severity = document_notice(document)
        self.notify(message, title="Cetak", markup=False, severity=severity,  # type: ignore[arg-type]
                    timeout=10 if severity == "information" else 20)

    #: The full NIK while shown on purpose (n), else "".
    _nik_shown: str = ""

    def action_show_nik(self) -> None:
        """n: the applicant's full NIK in the header for :data:`NIK_SECONDS` (recorded)."""
        self.reveal_nik(self.case.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-nik", description="Membuka NIK")
    def reveal_nik(self, case_id: int) -> None:
        """Ask for the full NIK (the domain records the view; thread worker)."""
        nik = self.desk.reveal_nik(self.session, case_id, context="tampilkan NIK")
        self.desk_app.call_from_thread(self._nik_revealed, case_id, nik)

    def _nik_revealed(self, case_id: int, nik: str) -> None:
        if not self.is_attached or case_id != self.case.id or not nik:
            return
        self._nik_shown = nik
        self._show_header()
        self.set_timer(NIK_SECONDS, self._hide_nik)
        self.notify(f"NIK lengkap tampil {NIK_SECONDS} detik; tercatat di jejak audit.", markup=False)

    def _hide_nik(self) -> None:
        """Back to the masked NIK."""
        if self._nik_shown:
            self._nik_shown = ""
            if self.is_attached:
                self._show_header()

    def on_screen_suspend(self) -> None:
        """Leaving the screen masks the NIK again."""
        self._hide_nik()

    def action_edit_applicant(self) -> None:
        """Correct the applicant's data before the letter is printed (or printed again)."""
        self.correct_applicant(self.case)

    def action_back(self) -> None:
        """Back to the previous screen (once a step or a print being saved is done)."""
        if self.busy():
            return
        self.app.pop_screen()

