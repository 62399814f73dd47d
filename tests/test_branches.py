"""Decisions follow the catalog: both outcomes of every decision of every service (and of any
service file added) are walked from intake, and the case goes where the standard's branch says.

The walk is driven by the catalog, not by a list in this file: a decision added to a TOML file is
walked too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from forms.loader import load_catalog
from models.dto import ApplicantInput, DeskError

CATALOG = load_catalog(())

PERSON = {"nik": "6403055507900002", "name": "Siti Aminah", "address": "Jl. Mawar 3", "desa": "Timbau",
              "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara", "phone": "081234567890"}


def applicant_for(svc) -> ApplicantInput:
    """An applicant the service takes (an organisation or a group where it needs one)."""
    extra: dict = {}
    if svc.applicant_kind == "organisasi":
        extra["org_name"] = "Yayasan Peduli Sesama"
    if svc.applicant_kind == "kelompok":
        extra["org_name"] = "KUBE Mawar"
        extra["member_count"] = 10
    return ApplicantInput(kind=svc.applicant_kind, **PERSON, **extra)


def decisions():
    """(service code, decision id, outcome) for every decision of the catalog that is taken on
    a step (kelengkapan is decided at the counter: tested below)."""
    out = []
    for svc in CATALOG:
        for decision in svc.decisions:
            if decision.kind == "kelengkapan":
                continue
            for outcome in (True, False):
                out.append(pytest.param(svc.code, decision.id, outcome,
                                        id=f"{svc.code}-{decision.id}-{'ya' if outcome else 'tidak'}"))
    return out


def lengkap_case(desk, session, code):
    """A case of ``code`` past its lengkap decision (every item received)."""
    svc = desk.catalog.get(code)
    case = desk.open_case(session, code, applicant_for(svc))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    result = desk.decide(session, case.id, reason="diperiksa dalam uji")
    assert result.lengkap
    return result.case


def walk_to(desk, session, case, svc, step_no: int, limit: int = 40):
    """Finish steps until ``step_no`` runs; other decisions on the way take the branch that
    goes on (``lanjut``) so the walk moves forward."""
    for _ in range(limit):
        running = case.current_step
        assert running is not None, f"{svc.code}: langkah {step_no} tidak tercapai ({case.status})"
        if running.no == step_no:
            return case
        outcome = None
        if running.decision_question:
            outcome = running.decision_yes_action[0] == "lanjut" or running.decision_no_action[0] != "lanjut"
            if running.decision_no_action[0] == "lanjut" and running.decision_yes_action[0] != "lanjut":
                outcome = False
        case = desk.finish_step(session, case.id, outcome=outcome, step_no=running.no, reason="uji")
    raise AssertionError(f"{svc.code}: langkah {step_no} tidak tercapai")


def test_every_service_has_its_decisions_walked():
    """The catalog has decisions to walk (a catalog that lost them fails here, not silently)."""
    assert len(decisions()) >= 2 * 9
    assert len(CATALOG) >= 14


@pytest.mark.parametrize("code, decision_id, outcome", decisions())
def test_decision_outcome_goes_where_the_catalog_says(desk_service, session, clock, code, decision_id, outcome):
    svc = desk_service.catalog.get(code)
    decision = next(d for d in svc.decisions if d.id == decision_id)
    branch = decision.branch(outcome)
    case = lengkap_case(desk_service, session, code)
    case = walk_to(desk_service, session, case, svc, decision.after_step)
    numbers = [s.no for s in svc.steps]

    if branch.action in ("kembali", "tolak"):  # these need the officer's reason
        with pytest.raises(DeskError, match="alasan"):
            desk_service.finish_step(session, case.id, outcome=outcome, step_no=decision.after_step)
    clock.advance(hours=1)
    after = desk_service.finish_step(session, case.id, outcome=outcome, step_no=decision.after_step,
                                     reason="alasan uji cabang")
    finished = next(s for s in after.steps if s.no == decision.after_step)
    assert finished.ended_at is not None

    if branch.action == "lanjut":
        target = branch.to_step or next((n for n in numbers if n > decision.after_step), None)
        if target is None:
            assert after.status == "selesai"
        else:
            assert after.status == "diproses" and after.current_step.no == target
            skipped = [s for s in after.steps if decision.after_step < s.no < target]
            assert all(s.status == "dilewati" for s in skipped)
    elif branch.action == "kembali":
        assert 0 < branch.to_step <= decision.after_step
        if branch.pause:
            assert after.status == "menunggu_perbaikan" and after.current_step is None
            assert after.resume_step == branch.to_step
            assert "alasan uji cabang" in after.outcome
            due_before = after.due_at
            clock.advance(days=3)  # the applicant takes three days to come back
            after = desk_service.resume_case(session, case.id)
            if due_before is not None:  # the service clock stood still meanwhile
                assert after.due_at - due_before >= __import__("datetime").timedelta(days=3)
        assert after.status == "diproses"
        again = after.current_step
        assert again.no == branch.to_step
        ran_before = branch.to_step in [s.no for s in case.steps if s.status != "belum"]
        assert again.round == (2 if ran_before else 1)
    elif branch.action == "tolak":
        assert after.status == "ditolak" and after.current_step is None
        assert "alasan uji cabang" in after.outcome
    else:  # selesai
        assert after.status == "selesai"


def test_kelengkapan_both_outcomes_for_every_service(desk_service, session, clock):
    """Tidak lengkap waits for the documents (slip); the return resumes; lengkap goes on."""
    for svc in CATALOG:
        case = desk_service.open_case(session, svc.code, applicant_for(svc))
        required = [line for line in case.checklist if line.required]
        if required:
            result = desk_service.decide(session, case.id, reason="uji")
            assert not result.lengkap and result.case.status == "menunggu_berkas", svc.code
            assert result.document is not None
        for line in required:
            desk_service.set_item(session, case.id, line.item_id, True)
        result = desk_service.decide(session, case.id, reason="uji")
        assert result.lengkap and result.case.status in ("diproses", "selesai"), svc.code


def test_counter_time_of_a_resumed_case_is_the_sum_of_its_sittings(desk_service, session, clock):
    svc = next(s for s in CATALOG if any(d.kind == "kelengkapan" for d in s.decisions))
    decision = next(d for d in svc.decisions if d.kind == "kelengkapan")
    case = desk_service.open_case(session, svc.code, applicant_for(svc))
    clock.advance(minutes=10)  # first sitting: 10 minutes, a document missing
    assert not desk_service.decide(session, case.id).lengkap
    clock.advance(days=2)  # the applicant comes back two days later
    for line in case.checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    clock.advance(minutes=5)  # second sitting: 5 minutes
    result = desk_service.decide(session, case.id, reason="uji")
    step = next(s for s in result.case.steps if s.no == decision.after_step)
    assert step.elapsed_seconds(desk_service.now()) == 15 * 60


def test_refusal_at_the_counter_needs_a_reason_then_prints_a_numbered_notice(desk_service, session, tmp_path):
    case = desk_service.open_case(session, "JAMKESDA", ApplicantInput(
        kind="perorangan", **{**PERSON, "kabupaten": "Samarinda"}))
    assert any(c.status == "tidak_memenuhi" for c in case.criteria)
    assert any("Kabupaten Kutai Kartanegara" in (c.detail or "") for c in case.criteria)
    for line in case.checklist:
        desk_service.set_item(session, case.id, line.item_id, True)
    with pytest.raises(DeskError, match="alasan"):
        desk_service.decide(session, case.id)
    with pytest.raises(DeskError, match="alasan"):
        desk_service.refuse_case(session, case.id, "  ")
    refused = desk_service.refuse_case(session, case.id, "Bukan penduduk Kutai Kartanegara")
    assert refused.status == "ditolak"
    with pytest.raises(DeskError, match="pemberitahuan"):
        desk_service.print_product(session, case.id)
    notice = desk_service.print_notice(session, case.id)
    again = desk_service.print_notice(session, case.id)
    assert notice.number and again.number == notice.number  # numbered once
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", notice.path, "-"], capture_output=True, text=True, check=True).stdout
        assert "Bukan penduduk Kutai Kartanegara" in text
        assert "Siti Aminah" in text and notice.number in text


def test_going_on_with_doubtful_criteria_records_the_reason(desk_service, session):
    case = desk_service.open_case(session, "JAMKESDA", ApplicantInput(
        kind="perorangan", **{**PERSON, "kabupaten": "Samarinda"}))
    for line in case.checklist:
        desk_service.set_item(session, case.id, line.item_id, True)
    result = desk_service.decide(session, case.id, reason="Pindah domisili, KTP baru dalam proses")
    assert result.lengkap
    assert result.case.decision_note == "Pindah domisili, KTP baru dalam proses"


def test_only_a_supervisor_reopens_an_ended_case_with_a_reason(desk_service, session):
    case = desk_service.open_case(session, "JAMKESDA", ApplicantInput(
        kind="perorangan", **{**PERSON, "kabupaten": "Samarinda"}))
    desk_service.refuse_case(session, case.id, "Bukan penduduk")
    with pytest.raises(DeskError, match="tidak berwenang"):
        desk_service.reopen_case(session, case.id, "salah baca KTP")
    supervisor = desk_service.login("supervisor", "supervisor123", None)
    with pytest.raises(DeskError, match="alasan"):
        desk_service.reopen_case(supervisor, case.id, "")
    reopened = desk_service.reopen_case(supervisor, case.id, "salah baca KTP")
    assert reopened.status == "verifikasi" and reopened.outcome == ""


def test_steps_the_applicant_did_before_the_counter_are_recorded_not_restarted(desk_service, session):
    """Jamkesda: the applicant wrote the letter, got the desa's pengantar and went to the
    puskesmas (steps 1-3) before coming; lengkap starts step 4 at the loket."""
    case = lengkap_case(desk_service, session, "JAMKESDA")
    assert [s.status for s in case.steps[:4]] == ["selesai", "selesai", "selesai", "berjalan"]
    # every service: a step marked sebelum_loket is never the one running after lengkap
    for svc in CATALOG:
        started = lengkap_case(desk_service, session, svc.code)
        running = started.current_step
        if running is not None:
            assert not svc.step(running.no).before_counter, svc.code


def test_only_leading_steps_may_come_before_the_counter(tmp_path):
    from forms.loader import CatalogError, load_service_file

    source = (next(s for s in CATALOG if s.code == "REK-PUB").path)
    text = Path(source).read_text(encoding="utf-8")
    text = text.replace("[[langkah]]\nno = 3\n", "[[langkah]]\nno = 3\nsebelum_loket = true\n", 1)
    broken = tmp_path / "rek.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="sebelum_loket"):
        load_service_file(broken)


def test_a_member_outside_the_age_criterion_and_a_young_sekretariat_are_unmet(desk_service, session):
    from models.casedto import OrganisationInput, PersonInput

    kube = desk_service.open_case(session, "KUBE", applicant_for(desk_service.catalog.get("KUBE")))
    desk_service.add_person(session, kube.id, PersonInput(role="anggota", nik="3520010606600019",
                                                          name="Pak Tua", address="Dsn. Krajan"))
    kube = desk_service.case(session, kube.id)
    assert any(c.status == "tidak_memenuhi" and "Pak Tua" in c.detail for c in kube.criteria)
    assert not any("Ketua:" in c.text for c in kube.criteria)  # the pemohon is the ketua

    lks = desk_service.open_case(session, "REK-LKS", applicant_for(desk_service.catalog.get("REK-LKS")))
    desk_service.set_organisation(session, lks.id, OrganisationInput(
        name="Yayasan Peduli Sesama", akta_no="12", akta_date="01-02-2020", pengesahan_no="AHU-1.AH.01",
        npwp="012345678901000", address="Jl. Mawar 3", since=str(desk_service.now().year - 1)))
    lks = desk_service.case(session, lks.id)
    # the standard states "minimal selama 3 (tiga) tahun": the data fails it, going on needs a reason
    young = [c for c in lks.criteria if c.id.startswith("lembaga:") and "Sekretariat baru" in c.text]
    assert young and young[0].status == "tidak_memenuhi"


def test_the_notice_names_each_reason_once_and_this_office_channels(desk_service, session):
    from models import notices

    case = desk_service.open_case(session, "UEP-KRSE", applicant_for(desk_service.catalog.get("UEP-KRSE")))
    unmet = next(c for c in case.criteria if c.status == "tidak_memenuhi")
    refused = desk_service.refuse_case(session, case.id, unmet.detail)
    listed = notices.reasons(refused)
    assert len([r for r in listed if unmet.detail in r]) == 1
    assert all(r[:1].isupper() for r in listed)
    svc = desk_service.catalog.get("UEP-KRSE")  # a Sragen standard at a Kukar office
    channels = notices.complaint_channels(desk_service.ctx, svc)
    assert not any(c in channels for c in svc.pengaduan)
    assert any("lapor" in c.lower() for c in channels)
