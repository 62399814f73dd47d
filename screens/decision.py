"""The lengkap decision at the counter: the dialog states the outcome, lists the criteria the
officer must have verified, and where a criterion is unmet or cannot be checked, asks whether to
go on (with the officer's reason, recorded) or to refuse the application (with the reason the
refusal notice prints)."""

from __future__ import annotations

import textwrap

from models.casedto import CriterionLine
from models.dto import CaseDetail
from screens.dialogs import ChoiceDialog, ConfirmDialog, InputDialog
from screens.widgets import clip

#: The longest reason the desk stores (models.steps.REASON_MAX).
REASON_MAX = 500

#: How a criterion row shows its status: mark and style.
CRITERION_MARKS: dict[str, tuple[str, str]] = {
    "memenuhi": ("  ✓", "green"),
    "tidak_memenuhi": ("  ✗", "bold red"),
    "perlu_diperiksa": ("  ?", "bold yellow"),
    "diperiksa_petugas": ("  •", "cyan"),
}
#: Short status words of a criterion row.
CRITERION_LABELS: dict[str, str] = {
    "memenuhi": "memenuhi", "tidak_memenuhi": "tidak memenuhi",
    "perlu_diperiksa": "belum dapat dicek", "diperiksa_petugas": "periksa petugas",
}


#: Criteria a decision dialog lists before "... dan N lainnya".
CRITERION_SHOWN = 5


def criteria_lines(lines: list[CriterionLine], width: int = 58) -> str:
    """The criteria as "- text" lines for a dialog (an unmet one says why), each wrapped to at
    most two lines of ``width``."""
    out = []
    for line in lines[:CRITERION_SHOWN]:
        if line.status == "tidak_memenuhi" and line.detail:
            text = line.detail
        else:
            text = f"{line.text} ({line.detail})" if line.detail else line.text
        wrapped = textwrap.wrap(text, width - 2) or [""]
        if len(wrapped) > 2:
            wrapped = [wrapped[0], clip(" ".join(wrapped[1:]), width - 2)]
        out.append("- " + "\n  ".join(wrapped))
    if len(lines) > CRITERION_SHOWN:
        out.append(f"  ... dan {len(lines) - CRITERION_SHOWN} kriteria lainnya")
    return "\n".join(out)


class DecisionFlow:
    """Mixin of screens.checklist.ChecklistScreen (needs its ``desk``, ``session``, ``_enqueue``,
    ``show_case``, ``_decided``, ``come_forward``)."""

    def _confirm_decision(self, case: CaseDetail) -> None:
        """Ask, stating the outcome, then decide."""
        if not self.is_attached:
            return
        self.show_case(case)
        missing = case.missing
        required = [line for line in case.checklist if line.required]
        session, case_id = self.session, case.id
        if missing:
            message = (f"Tidak lengkap: {len(missing)} berkas kurang. "
                       "Cetak slip kekurangan?")

            def answered(yes: bool | None) -> None:
                if yes:
                    self._enqueue(lambda: self.desk.decide(session, case_id), self._decided)

            self.app.push_screen(ConfirmDialog(message, title="Berkas tidak lengkap"), answered)
            return
        doubtful = [line for line in case.criteria if line.doubtful]
        checked = [line for line in case.criteria if line.status == "diperiksa_petugas"]
        head = (f"Berkas lengkap ({len(required)}/{len(required)} wajib)." if required else
                "Layanan ini tidak meminta dokumen dari pemohon (data dari sumber lain).")
        if not doubtful:
            message = head
            if checked:
                message += "\nPastikan kriteria berikut sudah diperiksa:\n" + criteria_lines(checked)
            message += "\nTerbitkan nomor register dan mulai proses layanan?"

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._enqueue(lambda: self.desk.decide(session, case_id), self._decided)

            self.app.push_screen(ConfirmDialog(message, title="Berkas lengkap"), confirmed)
            return
        message = (f"{head}\nKriteria tidak terpenuhi atau belum dapat diperiksa:\n"
                   + criteria_lines(doubtful)
                   + "\n\nMelanjutkan memerlukan alasan petugas (dicatat).")

        def chosen(index: int | None) -> None:
            if index is None:
                return
            go_on = index == 0
            unmet = "; ".join(line.detail or line.text for line in doubtful)

            def typed(reason: str | None) -> None:
                if reason is None:
                    return
                if go_on:
                    self._enqueue(lambda: self.desk.decide(session, case_id, reason), self._decided)
                    return

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self._enqueue(lambda: self.desk.refuse_case(session, case_id, reason), self._refused)

                self.app.push_screen(ConfirmDialog(
                    f"Tolak permohonan berkas {case_id}?\nAlasan: {reason}\n\nPemohon menerima surat "
                    "pemberitahuan. Hanya supervisor yang dapat membuka kembali berkas ini.",
                    title="Tolak permohonan", yes="Tolak", no="Batal", default_yes=False), confirmed)

            if go_on:
                dialog = InputDialog("Alasan melanjutkan", "Mengapa permohonan tetap diproses walau "
                                     "kriteria di atas tidak terpenuhi / belum dapat diperiksa?",
                                     max_length=REASON_MAX, required="Alasan wajib diisi.")
            else:
                dialog = InputDialog("Alasan penolakan", "Alasan ini dicetak pada surat "
                                     "pemberitahuan kepada pemohon.", unmet[:REASON_MAX],
                                     max_length=REASON_MAX, required="Alasan wajib diisi.")
            self.app.push_screen(dialog, typed)

        self.app.push_screen(ChoiceDialog(message, ["Lanjutkan dengan alasan", "Tolak permohonan"],
                                          title="Periksa kriteria"), chosen)

    def _refused(self, case: CaseDetail) -> None:
        """The application was refused: its case screen offers the notice."""
        if not self.come_forward():
            self.notify(f"Berkas {case.id}: {case.status_label}.", markup=False)
            return
        self.notify("Permohonan ditolak. Tekan p untuk mencetak surat pemberitahuan.",
                    title="Ditolak", severity="warning", markup=False, timeout=10)
        self.app.switch_screen(self.desk_app.screen_for_case(case))

