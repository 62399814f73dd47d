"""What the case screen does to a case's course: finishing a step and following the branch its
decision takes (going on, going back with a reason, ending the case after a reason and a
confirmation), the applicant's return with a fix, a supervisor's reopening."""

from __future__ import annotations

from textual import work

from models.casedto import DocumentChoice
from models.dto import CaseDetail, DeskError, StepLine
from screens.dialogs import ChoiceDialog, ConfirmDialog, InputDialog
from screens.docpicker import DocumentPicker

#: Roles that may reopen an ended case (models.permissions: case.reopen).
REOPEN_ROLES: frozenset[str] = frozenset({"supervisor", "admin"})

#: The longest reason the desk stores (models.steps.REASON_MAX).
REASON_MAX = 500


def branch_words(action: tuple[str, int | None, str, bool]) -> str:
    """What a decision's branch does, in words for the operator."""
    kind, target, words, pause = action
    if kind == "lanjut":
        text = f"lanjut ke langkah {target}" if target else "lanjut ke langkah berikutnya"
    elif kind == "kembali":
        text = f"kembali ke langkah {target}"
        if pause:
            text += " setelah pemohon memperbaiki (waktu layanan berhenti)"
    elif kind == "selesai":
        text = "berkas selesai"
    else:
        text = "berkas dihentikan (ditolak)"
    return f"{text}. {words}" if words else text



class CaseFlow:
    """Mixin of screens.case.CaseScreen: the step and outcome actions (needs its ``case``,
    ``desk``, ``session``, ``show_case`` and ``_move_to_current``)."""

    def action_finish_step(self) -> None:
        """Finish the running step: a plain step after confirmation; a step that ends in a
        decision by choosing its outcome, then (going back or ending the case) a reason."""
        step = self.case.current_step
        if step is None:
            self.notify("Tidak ada langkah yang berjalan.", severity="warning", markup=False)
            return
        case_id = self.case.id
        if step.decision_question:
            yes = step.decision_yes or "Ya"
            no = step.decision_no or "Tidak"
            message = (f"Langkah {step.no} diakhiri keputusan:\n{step.decision_question}\n\n"
                       f"1. {yes}: {branch_words(step.decision_yes_action)}\n"
                       f"2. {no}: {branch_words(step.decision_no_action)}")

            def chosen(index: int | None) -> None:
                if index is not None:
                    outcome = index == 0
                    action = step.decision_yes_action if outcome else step.decision_no_action
                    self._follow_branch(case_id, step, outcome, yes if outcome else no, action)

            self.app.push_screen(ChoiceDialog(message, [yes, no], title="Selesaikan langkah"),
                                 chosen)
            return
        last = step.no == max(s.no for s in self.case.steps)
        message = f"Selesaikan langkah {step.no}: {step.uraian}?"
        if last:
            message += "\nIni langkah terakhir: berkas akan berstatus selesai."

        def answered(yes: bool | None) -> None:
            if yes:
                self.finish_step(case_id, step.no)

        self.app.push_screen(ConfirmDialog(message, title="Selesaikan langkah"), answered)

    def _follow_branch(self, case_id: int, step: StepLine, outcome: bool, label: str,
                       action: tuple[str, int | None, str, bool]) -> None:
        """After the outcome is chosen: going back asks the reason; ending the case asks the
        reason and then confirms (only a supervisor can reopen it); going on needs nothing."""
        kind, _target, words, _pause = action
        if kind not in ("kembali", "tolak"):
            self.finish_step(case_id, step.no, outcome)
            return
        title = "Alasan mengembalikan berkas" if kind == "kembali" else "Alasan penolakan"
        prompt = (f"{label}: {branch_words(action)}\nTuliskan alasannya (dicatat"
                  + (" dan dicetak pada surat pemberitahuan)." if kind == "tolak" else ")."))

        def typed(reason: str | None) -> None:
            if reason is None:
                return
            if kind == "kembali":
                self.finish_step(case_id, step.no, outcome, reason)
                return
            confirm = (f"Hentikan berkas {self.case.register_no or self.case.id} sebagai "
                       f"\"{label}\"?\nAlasan: {reason}\n\nPemohon menerima surat pemberitahuan. "
                       "Hanya supervisor yang dapat membuka kembali berkas ini.")

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.finish_step(case_id, step.no, outcome, reason)

            self.app.push_screen(ConfirmDialog(confirm, title="Hentikan berkas", yes="Hentikan",
                                               no="Batal", default_yes=False), confirmed)

        self.app.push_screen(InputDialog(title, prompt, words, max_length=REASON_MAX,
                                         required="Alasan wajib diisi."), typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-step",
          description="Menyelesaikan langkah")
    def finish_step(self, case_id: int, step_no: int, outcome: bool | None = None,
                    reason: str = "") -> None:
        """Finish the running step (thread worker); when it is no longer ``step_no`` (finished
        meanwhile), nothing changes and the screen shows the case as it now stands.

        Args:
            case_id: The case.
            step_no: The step the operator confirmed.
            outcome: The answer to the step's decision (None when it has none).
            reason: Why (going back or ending the case).
        """
        try:
            case = self.desk.finish_step(self.session, case_id, outcome=outcome, step_no=step_no,
                                         reason=reason)
        except DeskError:
            current = self.desk.case(self.session, case_id, record_view=False)
            self.desk_app.call_from_thread(self._refreshed, current)
            raise
        self.desk_app.call_from_thread(self._step_finished, case)

    def _refreshed(self, case: CaseDetail) -> None:
        """Show the case as stored (after a refused change)."""
        if self.is_attached:
            self.show_case(case)
            self._move_to_current()

    def _step_finished(self, case: CaseDetail) -> None:
        """Show the new state."""
        if self.is_attached:
            self.show_case(case)
            self._move_to_current()
        step = case.current_step
        if step is not None:
            self.notify(f"Langkah {step.no} dimulai.", markup=False)
        elif case.status == "selesai":
            self.notify("Semua langkah selesai. Berkas selesai.", markup=False)
        elif case.status == "ditolak":
            self.notify(f"Berkas dihentikan: {case.outcome or case.status_label}. "
                        "Tekan p untuk mencetak surat pemberitahuan.",
                        severity="warning", markup=False, timeout=10)
        elif case.status == "menunggu_perbaikan":
            self.notify("Berkas dikembalikan kepada pemohon untuk diperbaiki; waktu layanan "
                        "berhenti sampai pemohon kembali (tekan l).", severity="warning",
                        markup=False, timeout=10)

    def action_resume(self) -> None:
        """The applicant came back with the fix: the step the case went back to runs again."""
        target = self.case.resume_step
        message = ("Pemohon sudah kembali membawa perbaikan?\n"
                   + (f"Langkah {target} dimulai lagi dan waktu layanan berjalan kembali."
                      if target else "Proses dilanjutkan dan waktu layanan berjalan kembali."))
        case_id = self.case.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_case(case_id, "resume")

        self.app.push_screen(ConfirmDialog(message, title="Lanjutkan berkas"), answered)

    def action_reopen(self) -> None:
        """A supervisor takes back an ended case, with a reason."""
        case_id = self.case.id

        def typed(reason: str | None) -> None:
            if reason is not None:
                self.change_case(case_id, "reopen", reason)

        self.app.push_screen(InputDialog(
            "Buka kembali berkas",
            f"Berkas ini berstatus {self.case.status_label}. Tuliskan alasan membukanya kembali "
            "(dicatat dalam jejak audit).", max_length=REASON_MAX, required="Alasan wajib diisi."),
            typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-step",
          description="Menyimpan perubahan berkas")
    def change_case(self, case_id: int, change: str, reason: str = "") -> None:
        """Resume or reopen the case (thread worker).

        Args:
            case_id: The case.
            change: "resume" or "reopen".
            reason: Why (reopen).
        """
        try:
            if change == "resume":
                case = self.desk.resume_case(self.session, case_id)
            else:
                case = self.desk.reopen_case(self.session, case_id, reason)
        except DeskError:
            current = self.desk.case(self.session, case_id, record_view=False)
            self.desk_app.call_from_thread(self._refreshed, current)
            raise
        self.desk_app.call_from_thread(self._changed, case, change)

    def _changed(self, case: CaseDetail, change: str) -> None:
        """Show the case after a resume or a reopen (a case back in verification goes to its
        checklist)."""
        if case.status in ("verifikasi", "menunggu_berkas"):
            self.notify("Berkas dibuka kembali untuk verifikasi.", markup=False)
            self.app.switch_screen(self.desk_app.screen_for_case(case))
            return
        if self.is_attached:
            self.show_case(case)
            self._move_to_current()
        step = case.current_step
        what = "dilanjutkan" if change == "resume" else "dibuka kembali"
        self.notify(f"Berkas {what}." + (f" Langkah {step.no} berjalan." if step else ""), markup=False)

    # -- the case's documents ---------------------------------------------------------------------

    def action_documents(self) -> None:
        """List the service's documents (issued, ready, or KONSEP only) and print the chosen one."""
        self.load_documents(self.case.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="case-docs",
          description="Membaca daftar dokumen")
    def load_documents(self, case_id: int) -> None:
        """Read which documents the case can print (thread worker)."""
        choices = self.desk.case_documents(self.session, case_id)
        self.desk_app.call_from_thread(self._choose_document, case_id, choices)

    def _choose_document(self, case_id: int, choices: tuple[DocumentChoice, ...]) -> None:
        if not self.is_attached or case_id != self.case.id:
            return
        if not choices:
            self.notify("Layanan ini tidak mencetak dokumen lain.", severity="warning", markup=False)
            return

        def chosen(kind: str | None) -> None:
            if kind:
                self.print_product(case_id, kind=kind)

        self.app.push_screen(DocumentPicker(choices), chosen)
