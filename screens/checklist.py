"""The checklist screen: which persyaratan the applicant brought, and the lengkap decision."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header

from models.dto import (
    CaseDetail,
    ChecklistLine,
    ConditionLine,
    DecisionResult,
    DeskEvent,
    ItemSaved,
)
from screens.base import DeskScreen
from screens.decision import CRITERION_LABELS, CRITERION_MARKS, DecisionFlow
from screens.dialogs import InputDialog, MessageDialog
from screens.widgets import KeyFooter, PlainStatic, clip, document_notice, sync_table

#: Column keys, headers and widths of the checklist table (fits 80 columns).
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("mark", "", 7),
    ("text", "Persyaratan", 43),
    ("tags", "Keterangan", 20),
)

#: The longest note the facade stores on a persyaratan (models.desk.DeskService.set_note).
NOTE_MAX = 500

#: An operation on the case: a facade call returning a result, and what to do with it.
Operation = tuple[Callable[[], Any], Callable[[Any], None] | None]


def item_tags(line: ChecklistLine, conditions: dict[str, str]) -> str:
    """The short tags of a checklist line, e.g. ``"[wajib] [per anggota]"``.

    Args:
        line: The line.
        conditions: Condition id -> question, to name the condition of a bersyarat item.

    Returns:
        The tags as plain text.
    """
    if line.kind == "bersyarat":
        condition = conditions.get(line.condition, line.condition)
        tags = [f"[bersyarat: {condition}]" if condition else "[bersyarat]"]
    elif line.kind == "opsional" or not line.required:
        tags = ["[opsional]"]
    else:
        tags = ["[wajib]"]
    if line.per_member:
        tags.append("[per anggota]")
    if line.note:
        tags.append("[catatan]")
    return " ".join(tags)


class ChecklistScreen(DecisionFlow, DeskScreen):
    """Tick the persyaratan received, answer the conditions, then decide lengkap or not."""

    HELP_TITLE: ClassVar[str] = "Kelengkapan berkas"
    HELP_TEXT: ClassVar[str] = (
        "Periksa berkas yang dibawa pemohon satu per satu. Pilih baris dengan panah, tekan "
        "Spasi (atau Enter) untuk menandai [x] diterima / [ ] belum. Baris \"Kondisi\" di atas "
        "adalah pertanyaan yang menentukan persyaratan bersyarat: Spasi mengubah Ya/Tidak.\n\n"
        "n menambah catatan pada persyaratan (mis. \"fotokopi belum dilegalisir\"); e membuka "
        "data pemohon untuk membetulkan salah ketik (nama, alamat, telepon). Teks "
        "lengkap baris yang dipilih tampil di bawah tabel.\n\n"
        "Di bawah persyaratan tampil kriteria layanan (fakta yang diperiksa petugas, bukan "
        "dokumen): ✓ memenuhi, ✗ tidak memenuhi, ? belum dapat dicek, • diperiksa petugas. "
        "o mencatat orang lain dalam berkas (anak, orang tua/wali, anggota, pengurus) dan data "
        "lembaga.\n\n"
        "F9 atau p memutuskan: bila ada persyaratan wajib yang kurang, desk mencetak slip "
        "kekurangan berkas untuk pemohon dan berkas menunggu kelengkapan (dapat dilanjutkan "
        "lewat Cari berkas). Bila lengkap, berkas mendapat nomor register dan proses SOP dimulai. "
        "Bila ada kriteria yang tidak terpenuhi atau belum dapat dicek, melanjutkan memerlukan "
        "alasan petugas (dicatat), atau permohonan ditolak dengan alasan yang dicetak pada surat "
        "pemberitahuan."
    )

    COMMIT_GROUPS: ClassVar[frozenset[str]] = frozenset({"checklist-save"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Centang", id="checklist.toggle"),
        Binding("n", "note", "Catatan", id="checklist.note"),
        Binding("e", "edit_applicant", "Pemohon", id="checklist.edit_applicant"),
        Binding("o", "people", "Orang", id="checklist.people"),
        Binding("f9,p", "decide", "Putuskan", id="checklist.decide"),
        Binding("escape", "back", "Kembali", id="checklist.back"),
    ]
    """Space ticks, n edits the note, F9 / p decides, Escape goes back."""

    def __init__(self, case: CaseDetail) -> None:
        """Create the screen.

        Args:
            case: The case being verified.
        """
        super().__init__()
        self.case = case
        self._ops: deque[Operation] = deque()
        self._ops_lock = threading.Lock()
        self._draining = False
        self._last_row = 0
        self._group_keys: dict[str, str] = {}
        #: Row key -> the value asked for while its save is still running. Such rows show
        #: the asked-for mark with "…" until the database has committed it (rule 5: a mark
        #: shown as done is a mark that survives killing the process).
        self._pending: dict[str, bool] = {}
        self._inflight: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        """Build the screen."""
        yield Header()
        yield PlainStatic(id="cl-header")
        yield PlainStatic(id="cl-warnings")
        table: DataTable[Text] = DataTable(id="cl-table", cursor_type="row")
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield PlainStatic(id="cl-detail")
        yield PlainStatic(id="cl-summary")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Show the case."""
        self.show_case(self.case)
        table = self.query_one("#cl-table", DataTable)
        table.focus()
        table.move_cursor(row=self._start_row())

    def _start_row(self) -> int:
        """Where the cursor starts: the category question while none is answered (services
        with kategori), else the first required item still missing, else the first item."""
        table = self.query_one("#cl-table", DataTable)
        keys = [row.key.value or "" for row in table.ordered_rows]
        grouped = any(line.group for line in self.case.checklist)
        if grouped and self.case.conditions and not any(c.value for c in self.case.conditions):
            return 0
        for line in self.case.missing:
            if f"i:{line.item_id}" in keys:
                return keys.index(f"i:{line.item_id}")
        return next((i for i, key in enumerate(keys) if key.startswith("i:")), 0)

    # -- display --------------------------------------------------------------------------------

    def show_case(self, case: CaseDetail) -> None:
        """Show a (fresh) case: header, warnings, rows by key, summary.

        Args:
            case: The case.
        """
        self.case = case
        header = Text(no_wrap=True, overflow="ellipsis")
        if case.ticket_code:
            header.append("Tiket ")
            header.append(case.ticket_code, style="bold")
            header.append("  ·  ")
        header.append(f"Berkas {case.id}")
        header.append("  ·  ")
        status_style = "bold yellow" if case.status == "menunggu_berkas" else "bold"
        header.append(case.status_label, style=status_style)
        header.append("\n")
        header.append(case.service.short_name or case.service.name, style="bold")
        if case.member_count:
            header.append(f"  ·  {case.member_count} anggota")
        header.append("\nPemohon: ")
        width = max(40, self.app.size.width - 2)
        budget = width - len("Pemohon: ") - len("  NIK ") - len(case.applicant.nik_masked)
        name = clip(case.applicant.display_name, budget)
        header.append(name, style="bold")
        header.append("  NIK ")
        header.append(case.applicant.nik_masked)
        self.query_one("#cl-header", PlainStatic).set_text(header)

        warnings = self.query_one("#cl-warnings", PlainStatic)
        if case.warnings:
            text = Text(style="bold yellow")
            for index, warning in enumerate(case.warnings):
                if index:
                    text.append("\n")
                text.append("⚠ ")
                text.append(warning)
            warnings.set_text(text)
        warnings.display = bool(case.warnings)

        table = self.query_one("#cl-table", DataTable)
        questions = {c.id: c.question for c in case.conditions}
        rows: list[tuple[str, list[Text]]] = []
        for condition in case.conditions:
            rows.append((f"c:{condition.id}", self._condition_cells(condition)))
            self._mark_pending(rows[-1])
        grouped = any(line.group for line in case.checklist)
        self._group_keys = {}
        previous: str | None = None
        for line in case.checklist:
            if grouped and line.group != previous:
                key = f"g:{len(self._group_keys)}"
                self._group_keys[key] = line.group
                rows.append((key, self._group_cells(line.group, case)))
                previous = line.group
            rows.append((f"i:{line.item_id}", self._item_cells(line, questions)))
            self._mark_pending(rows[-1])
        rows.extend(self._criteria_rows(case))
        with self.app.batch_update():
            sync_table(table, rows, [key for key, _, _ in COLUMNS])
        self._show_summary()
        self._show_detail()

    def _criteria_rows(self, case: CaseDetail) -> list[tuple[str, list[Text]]]:
        """The criteria the officer checks (facts, not documents), under a heading per
        kategori: not tickable; the lengkap decision lists the unmet and doubtful ones."""
        rows: list[tuple[str, list[Text]]] = []
        previous: str | None = None
        for line in case.criteria:
            if line.group != previous or not rows:
                key = f"g:{len(self._group_keys)}"
                self._group_keys[key] = line.group
                rows.append((key, self._group_cells(line.group, case, criteria=True)))
                previous = line.group
            mark, style = CRITERION_MARKS.get(line.status, ("•", "dim"))
            rows.append((f"k:{line.id}", [
                Text(mark, style=style),
                Text(line.text, no_wrap=True, overflow="ellipsis"),
                Text(CRITERION_LABELS.get(line.status, line.status), style=style, no_wrap=True,
                     overflow="ellipsis"),
            ]))
        return rows

    def _mark_pending(self, row: tuple[str, list[Text]]) -> None:
        """Replace the mark of a row whose change is still being saved."""
        key, cells = row
        if key in self._pending:
            cells[0] = self._pending_mark(key, self._pending[key])

    @staticmethod
    def _pending_mark(key: str, value: bool) -> Text:
        """The mark of a row being saved: the asked-for value, dim, with an ellipsis."""
        if key.startswith("c:"):
            return Text("[Ya]…  " if value else "[Tdk]… ", style="dim italic")
        return Text("[x] …" if value else "[ ] …", style="dim italic")

    def _group_cells(self, group: str, case: CaseDetail, criteria: bool = False) -> list[Text]:
        """Cells of a group (kategori) heading row: not an item, the cursor skips it."""
        state = Text()
        condition = self._group_condition(group, case)
        if condition is not None:
            state = (Text("dipilih", style="bold cyan") if condition.value
                     else Text("tidak dipilih", style="dim"))
        if criteria:
            label = f"Kriteria kategori {group}" if group else "Kriteria (diperiksa petugas)"
        else:
            label = f"Kategori {group}" if group else "Persyaratan umum"
        title = Text(label, style="bold underline", no_wrap=True, overflow="ellipsis")
        return [Text("──────", style="dim"), title, state]

    @staticmethod
    def _group_condition(group: str, case: CaseDetail) -> ConditionLine | None:
        """The condition question that selects a kategori (its question names the group)."""
        if not group:
            return None
        ids = {line.condition for line in case.checklist if line.group == group}
        by_id = [c for c in case.conditions if c.id in ids]
        if len(by_id) == 1:
            return by_id[0]
        named = [c for c in case.conditions if group.lower() in c.question.lower()]
        return named[0] if len(named) == 1 else None

    def _condition_cells(self, condition: ConditionLine) -> list[Text]:
        """Cells of a condition row."""
        mark = Text("[Ya]   " if condition.value else "[Tidak]",
                    style="bold cyan" if condition.value else "cyan")
        return [
            mark,
            Text(condition.question, no_wrap=True, overflow="ellipsis"),
            Text("[kondisi]", style="cyan"),
        ]

    def _item_cells(self, line: ChecklistLine, questions: dict[str, str]) -> list[Text]:
        """Cells of a checklist row."""
        if line.received:
            mark = Text("[x]", style="bold green")
        elif line.required:
            mark = Text("[ ]", style="bold red")
        else:
            mark = Text("[ ]", style="dim")
        style = "" if line.required or line.received else "dim"
        return [
            mark,
            Text(line.text, style=style, no_wrap=True, overflow="ellipsis"),
            Text(item_tags(line, questions), style="dim" if not line.required else "",
                 no_wrap=True, overflow="ellipsis"),
        ]

    def _show_summary(self) -> None:
        """The live count of required items received."""
        required = [line for line in self.case.checklist if line.required]
        received = sum(1 for line in required if line.received)
        missing = len(required) - received
        text = Text()
        if not self.case.checklist:
            text.append("Tidak ada dokumen yang dibawa pemohon untuk layanan ini; periksa kriteria, "
                        "lalu F9.", style="bold")
            self.query_one("#cl-summary", PlainStatic).set_text(text)
            return
        text.append(f"Lengkap: {received}/{len(required)} wajib", style="bold")
        if missing:
            text.append(f"  ·  kurang {missing}", style="bold red")
        else:
            text.append("  ·  semua persyaratan wajib ada", style="bold green")
        optional = [line for line in self.case.checklist if not line.required]
        if optional:
            got = sum(1 for line in optional if line.received)
            text.append(f"  ·  opsional {got}/{len(optional)}")
        self.query_one("#cl-summary", PlainStatic).set_text(text)

    def _row_key(self) -> str | None:
        """The key of the highlighted row."""
        table = self.query_one("#cl-table", DataTable)
        if not table.row_count:
            return None
        return table.ordered_rows[table.cursor_row].key.value

    def _line(self, key: str | None) -> ChecklistLine | ConditionLine | None:
        """The checklist line or condition of a row key."""
        if key is None:
            return None
        kind, _, ident = key.partition(":")
        if kind == "i":
            return next((l for l in self.case.checklist if l.item_id == ident), None)
        if kind == "c":
            return next((c for c in self.case.conditions if c.id == ident), None)
        return None

    def _show_detail(self) -> None:
        """The full text of the highlighted row, wrapped."""
        line = self._line(self._row_key())
        text = Text()
        if isinstance(line, ChecklistLine):
            questions = {c.id: c.question for c in self.case.conditions}
            text.append(line.text)
            if line.note:
                text.append("\nCatatan: ", style="bold")
                text.append(line.note)
            text.append("\n")
            text.append(item_tags(line, questions), style="dim")
            if line.group:
                text.append("  ·  ", style="dim")
                text.append(line.group, style="dim")
        elif isinstance(line, ConditionLine):
            text.append("Kondisi: ", style="bold")
            text.append(line.question)
            text.append("\nJawaban: ")
            text.append("Ya" if line.value else "Tidak", style="bold")
            text.append("  (Spasi mengubah; menentukan persyaratan bersyarat)", style="dim")
        else:
            key = self._row_key() or ""
            criterion = next((c for c in self.case.criteria if key == f"k:{c.id}"), None)
            if criterion is not None:
                text.append("Kriteria: ", style="bold")
                text.append(criterion.text)
                text.append("\n")
                text.append(CRITERION_LABELS.get(criterion.status, criterion.status), style="bold")
                if criterion.detail:
                    text.append(f": {criterion.detail}")
                text.append("  (dinilai saat keputusan lengkap)", style="dim")
        self.query_one("#cl-detail", PlainStatic).set_text(text)

    @on(DataTable.RowHighlighted, "#cl-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Follow the cursor in the detail pane; step over kategori heading rows."""
        table = event.data_table
        row = event.cursor_row
        key = event.row_key.value or ""
        if key.startswith("g:") and table.row_count > 1:
            step = -1 if row < self._last_row else 1
            if row == 0:
                step = 1
            elif row == table.row_count - 1:
                step = -1
            target = row + step
            while 0 <= target < table.row_count and (
                table.ordered_rows[target].key.value or ""
            ).startswith("g:"):
                target += step
            if 0 <= target < table.row_count:
                self._last_row = row
                table.move_cursor(row=target)
                return
        self._last_row = row
        self._show_detail()

    @on(DataTable.RowSelected, "#cl-table")
    def _selected(self) -> None:
        """Enter toggles like Space."""
        self.action_toggle()

    # -- changes (serialised through one worker) ------------------------------------------------

    def _enqueue(self, call: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Queue a facade call; calls run one after another, in order, in a thread worker.

        Args:
            call: The facade call.
            done: Called on the UI thread with the call's result (default: show the
                CaseDetail it returned). Each result is shown before the next call runs, so
                a later state is never overdrawn by an earlier one.
        """
        with self._ops_lock:
            self._ops.append((call, done or self._apply))
            if self._draining:
                return
            self._draining = True
        self.run_operations()

    @work(thread=True, exclusive=False, exit_on_error=False, group="checklist-save",
          description="Menyimpan kelengkapan berkas")
    def run_operations(self) -> None:
        """Run the queued facade calls in order (thread worker)."""
        app = self.desk_app
        try:
            while True:
                with self._ops_lock:
                    if not self._ops:
                        self._draining = False
                        break
                    call, done = self._ops.popleft()
                result = call()
                app.call_from_thread(done, result)
        except BaseException:
            with self._ops_lock:
                self._ops.clear()
                self._draining = False
            self.reload()
            raise

    def _merged(self, result: CaseDetail | ItemSaved) -> CaseDetail:
        """The case after a save: a tick or a note returns only the committed answer."""
        if isinstance(result, ItemSaved):
            return self.case.with_item(result)
        return result

    def _apply(self, result: CaseDetail | ItemSaved) -> None:
        """Show the stored state returned by a save."""
        if self.is_attached:
            self.show_case(self._merged(result))

    def _reset(self, case: CaseDetail) -> None:
        """After a failed change: forget the unsaved marks and show what is stored."""
        self._pending.clear()
        self._inflight.clear()
        if self.is_attached:
            self.show_case(case)

    def reload(self) -> None:
        """Re-read the case after a failed change (call from a worker thread)."""
        try:
            case = self.desk.case(self.session, self.case.id, record_view=False)
        except Exception:  # noqa: BLE001 - the original error is reported instead
            self.desk_app.call_from_thread(self._reset, self.case)
            return
        self.desk_app.call_from_thread(self._reset, case)

    def _saved(self, key: str, result: CaseDetail | ItemSaved) -> None:
        """A toggle was committed: the row shows the stored value once no save is left."""
        left = self._inflight.get(key, 1) - 1
        if left <= 0:
            self._inflight.pop(key, None)
            self._pending.pop(key, None)
        else:
            self._inflight[key] = left
        if self.is_attached:
            self.show_case(self._merged(result))

    def action_toggle(self) -> None:
        """Toggle the highlighted item (received) or condition (Ya/Tidak).

        The row shows the asked-for value as pending ("…") until the save has committed;
        only then does it show the stored mark and the summary count it.
        """
        key = self._row_key()
        line = self._line(key)
        if key is None or line is None:
            return
        session, case_id = self.session, self.case.id
        if isinstance(line, ChecklistLine):
            value = not self._pending.get(key, line.received)
            call = lambda: self.desk.set_item(session, case_id, line.item_id, value)
        else:
            value = not self._pending.get(key, line.value)
            call = lambda: self.desk.set_condition(session, case_id, line.id, value)
        self._pending[key] = value
        self._inflight[key] = self._inflight.get(key, 0) + 1
        table = self.query_one("#cl-table", DataTable)
        table.update_cell(key, "mark", self._pending_mark(key, value))
        self._enqueue(call, lambda case, key=key: self._saved(key, case))

    def action_edit_applicant(self) -> None:
        """Correct the applicant's data (name, address, ...) of this case."""
        self.correct_applicant(self.case)

    def action_note(self) -> None:
        """Edit the note of the highlighted item."""
        line = self._line(self._row_key())
        if not isinstance(line, ChecklistLine):
            self.notify("Pilih salah satu persyaratan untuk diberi catatan.",
                        severity="warning", markup=False)
            return
        session, case_id = self.session, self.case.id

        def typed(note: str | None) -> None:
            if note is None or note == line.note:
                return
            self._enqueue(lambda: self.desk.set_note(session, case_id, line.item_id, note))

        self.app.push_screen(
            InputDialog("Catatan persyaratan", line.text, line.note,
                        placeholder="mis. fotokopi belum dilegalisir", max_length=NOTE_MAX),
            typed,
        )

    # -- decision -------------------------------------------------------------------------------

    def action_decide(self) -> None:
        """Re-read the case (after pending changes), then confirm the outcome."""
        case_id = self.case.id
        session = self.session
        self._enqueue(lambda: self.desk.case(session, case_id, record_view=False), self._confirm_decision)

    def _decided(self, result: DecisionResult) -> None:
        """Show the outcome: the slip and back to the queue, or the case screen."""
        if not self.come_forward():  # closed meanwhile (cannot happen while busy): just say it
            self.notify(f"Berkas {result.case.id}: {result.case.status_label}.", markup=False)
            return
        if result.lengkap:
            message = f"Berkas lengkap. Nomor register {result.case.register_no}."
            running = result.case.current_step
            if running is not None:
                message += f" Langkah {running.no} dimulai."
            self.notify(message, title="Lengkap", markup=False)
            self.app.switch_screen(self.desk_app.screen_for_case(result.case))
            return
        missing = [line.text for line in (result.missing or result.case.missing)]
        if result.document is not None:
            slip, _ = document_notice(result.document)
        else:
            slip = "Slip kekurangan berkas tidak dibuat."
        message = (f"Berkas {result.case.id} belum lengkap; status: {result.case.status_label}.\n"
                   f"Pemohon kembali dengan slip; cari dengan c (NIK atau nomor berkas "
                   f"{result.case.id}).\n"
                   f"{slip}\n\nPersyaratan yang kurang:")
        self.app.push_screen(
            MessageDialog("Slip kekurangan berkas", message, missing),
            lambda _: self.desk_app.back_to_queue(),
        )

    def desk_events(self, events: list[DeskEvent]) -> None:
        """Another desk decided or changed this case (or the connection came back): show it
        as it stands; a decided case continues on its case screen.

        Args:
            events: The events, in commit order.
        """
        mine = [e for e in events if e.entity_id == self.case.id and e.kind in ("case.decided", "case.changed")]
        if (mine or not events) and not self._draining:
            session, case_id = self.session, self.case.id
            self._enqueue(lambda: self.desk.case(session, case_id, record_view=False), self._changed_elsewhere)

    def _changed_elsewhere(self, case: CaseDetail) -> None:
        """Show a case another desk changed."""
        if not self.is_attached:
            return
        if case.status in ("verifikasi", "menunggu_berkas"):
            self.show_case(case)
            return
        self.notify(f"Berkas {case.id} sudah diputuskan di loket lain: {case.status_label}.",
                    title="Berkas berubah", severity="warning", markup=False)
        self.app.switch_screen(self.desk_app.screen_for_case(case))

    def action_back(self) -> None:
        """Back to the previous screen (the case stays in verification), once every tick and
        note has been saved."""
        if self.busy():
            return
        self.app.pop_screen()

