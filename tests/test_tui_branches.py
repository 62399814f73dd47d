"""The branches of a standard at the counter, driven like a person: a refusal asks a reason and
a confirmation and offers the notice; going back with a pause waits for the applicant; the lengkap
dialog lists unmet criteria and needs a reason; only the keys that act show in the footer."""

from __future__ import annotations

from textual.widgets import Input
from tui_helpers import login, notifications, settle

from models.dto import ApplicantInput
from screens.case import CaseScreen
from screens.checklist import ChecklistScreen
from screens.dialogs import ChoiceDialog, ConfirmDialog, InputDialog

SIZE = (80, 24)
NIK = "6403054507900002"  # a woman born 05-07-1990
PERSON = {"nik": NIK, "name": "Siti Aminah", "address": "Jl. Mulawarman 5", "desa": "Timbau", "kecamatan": "Tenggarong",
              "kabupaten": "Kutai Kartanegara"}


def footer_keys(app) -> set[str]:
    """The actions the footer offers on the current screen."""
    return {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values()
            if enabled and binding.show}


def lengkap_at(desk, code: str, step_no: int, **person) -> int:
    """A case of ``code`` made lengkap at loket 2 and walked to ``step_no``."""
    session = desk.login("petugas2", "petugas123", 2)
    svc = desk.catalog.get(code)
    case = desk.open_case(session, code, ApplicantInput(kind=svc.applicant_kind, **{**PERSON, **person}))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    case = desk.decide(session, case.id, reason="uji").case
    while case.current_step.no != step_no:
        case = desk.finish_step(session, case.id, step_no=case.current_step.no)
    return case.id


async def open_case(pilot, query: str = NIK) -> None:
    await pilot.press("c")
    await settle(pilot)
    await pilot.press(*query, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_refusal_asks_a_reason_and_a_confirmation_then_offers_the_notice(make_app, live_desk_service):
    desk = live_desk_service
    case_id = lengkap_at(desk, "VETERAN", 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_case(pilot)
        assert isinstance(app.screen, CaseScreen)
        keys = footer_keys(app)
        assert "finish_step" in keys and "print_notice" not in keys and "reopen" not in keys
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("2")  # Tidak Memenuhi Syarat
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        field = app.screen.query_one(Input)
        assert "Dikeluarkan dari Data" in field.value  # the standard's words, to edit
        field.value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)  # an empty reason is refused at the field
        assert "Alasan wajib diisi." in str(app.screen.query_one("#dialog-hint").render())
        await pilot.press(*"Bukan veteran [b]RI[/]", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # the focused answer is "Batal": nothing ends by accident
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert desk.case(desk.principal("sistem"), case_id, record_view=False).status == "diproses"
        await pilot.press("s", "2")
        await settle(pilot)
        app.screen.query_one(Input).value = "Bukan veteran [b]RI[/]"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        case = desk.case(desk.principal("sistem"), case_id, record_view=False)
        assert case.status == "ditolak" and "Bukan veteran [b]RI[/]" in case.outcome
        keys = footer_keys(app)
        assert "print_notice" in keys and "finish_step" not in keys and "print_letter" not in keys
        assert "edit_applicant" not in keys and "reopen" not in keys  # a petugas cannot reopen
        await pilot.press("p")
        await settle(pilot)
        notice = next(d for d in desk.case(desk.principal("sistem"), case_id, record_view=False).documents
                      if d.kind == "pemberitahuan")
        assert notice.number
        assert any("Surat pemberitahuan" in message for message in notifications(app))
        assert notice.number in str(app.screen.query_one("#case-docs-text").render())


async def test_going_back_with_a_pause_waits_for_the_applicant_then_resumes(make_app, live_desk_service):
    desk = live_desk_service
    case_id = lengkap_at(desk, "WRSE-KKR", 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_case(pilot)
        await pilot.press("s", "2")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        app.screen.query_one(Input).value = "Proposal belum ditandatangani kepala desa"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)  # going back needs no confirmation
        case = desk.case(desk.principal("sistem"), case_id, record_view=False)
        assert case.status == "menunggu_perbaikan" and case.resume_step == 1
        assert "Menunggu perbaikan" in str(app.screen.query_one("#case-timer").render())
        assert "resume" in footer_keys(app) and "finish_step" not in footer_keys(app)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        case = desk.case(desk.principal("sistem"), case_id, record_view=False)
        assert case.status == "diproses" and case.current_step.no == 1 and case.current_step.round == 2


async def test_lengkap_dialog_lists_unmet_criteria_and_needs_a_reason(make_app, live_desk_service):
    desk = live_desk_service
    session = desk.login("petugas2", "petugas123", 2)
    case = desk.open_case(session, "JAMKESDA", ApplicantInput(kind="perorangan", **{**PERSON, "kabupaten": "Samarinda"}))
    for line in case.checklist:
        desk.set_item(session, case.id, line.item_id, True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_case(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        body = " ".join(str(w.render()) for w in app.screen.query(".dialog-body"))
        assert "Kabupaten Kutai Kartanegara" in body and "Samarinda" in body
        await pilot.press("2")  # refuse
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        assert "Samarinda" in app.screen.query_one(Input).value
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # refusing cannot be undone by the petugas
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        stored = desk.case(desk.principal("sistem"), case.id, record_view=False)
        assert stored.status == "ditolak"
        assert "print_notice" in footer_keys(app)
