"""The domain flow without the UI: queue, intake, checklist, decision, steps, documents, search."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pathlib import Path
from pypdf import PdfReader

from models.dto import ApplicantInput, AuthError, DeskError, ValidationError
from casesteps import until_issuable

ORG = ApplicantInput(
    kind="organisasi", nik="6403051507800003", name="Budi Santoso", address="Jl. Mulawarman No. 12",
    desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", phone="081234567890",
    org_name="Yayasan Peduli Sesama",
)


def pdf_text(path: str) -> str:
    """All text of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_login_rejects_wrong_password_and_unknown_loket(desk_service):
    with pytest.raises(AuthError, match="salah"):
        desk_service.login("petugas", "salah-sandi", 1)
    with pytest.raises(AuthError, match="Loket 9"):
        desk_service.login("petugas", "petugas123", 9)
    s = desk_service.login("PETUGAS", "petugas123", 2)
    assert s.full_name == "Rina Wulandari" and s.counter_no == 2


def test_tickets_are_numbered_per_prefix_and_day(desk_service, clock):
    a = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    b = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    c = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-LKS")
    assert (a.code, b.code) == ("H-001", "H-002")
    assert c.code == "G-001"
    clock.advance(days=1)
    assert desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB").code == "H-001"


def test_call_next_priority_first_then_order(desk_service, session):
    first = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-LKS")
    prio = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB", priority=True)
    called = desk_service.call_next(session)
    assert called.id == prio.id and called.counter_no == 1 and called.status == "dipanggil"
    # calling again marks the unserved one tidak hadir and takes the oldest waiting
    called2 = desk_service.call_next(session)
    assert called2.id == first.id
    assert _audit(desk_service, "tidak_hadir") == [{"sebab": "panggilan berikutnya"}]
    codes = [t.code for t in desk_service.queue(session)]
    assert codes[0] == called2.code and "G-001" in codes and prio.code not in codes


def test_two_loket_never_get_the_same_ticket(desk_service):
    for _ in range(3):
        desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    s1 = desk_service.login("petugas", "petugas123", 1)
    s2 = desk_service.login("petugas2", "petugas123", 2)
    got = {desk_service.call_next(s1).id, desk_service.call_next(s2).id, desk_service.call_next(s1).id}
    assert len(got) == 3
    assert desk_service.call_next(s2) is None


def test_intake_rejects_bad_input_per_field(desk_service, session):
    bad = ApplicantInput(kind="organisasi", nik="64030515O7800003", name="", kecamatan="", org_name="")
    with pytest.raises(ValidationError) as err:
        desk_service.open_case(session, "REK-PUB", bad)
    assert {"nik", "name", "kecamatan", "org_name"} <= set(err.value.errors)
    assert "angka" in err.value.errors["nik"]


def test_incomplete_berkas_gets_slip_listing_exactly_the_missing_items(desk_service, session):
    ticket = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    desk_service.call_next(session)
    case = desk_service.open_case(session, "REK-PUB", ORG, ticket_id=ticket.id)
    assert case.status == "verifikasi" and case.ticket_code == "H-001"
    received = case.checklist[:2]
    for line in received:
        case = case.with_item(desk_service.set_item(session, case.id, line.item_id, True))
    case = case.with_item(desk_service.set_note(session, case.id, case.checklist[3].item_id,
                                                 "fotokopi tidak terbaca"))
    result = desk_service.decide(session, case.id)
    assert not result.lengkap
    assert result.case.status == "menunggu_berkas" and result.case.register_no == ""
    assert [m.item_id for m in result.missing] == [line.item_id for line in case.checklist[2:]]
    text = pdf_text(result.document.path)
    assert "Budi Santoso" in text and "Yayasan Peduli Sesama" in text
    flat = " ".join(text.split())
    for line in result.missing:
        assert " ".join(line.text.split())[:40] in flat
    for line in received:
        assert " ".join(line.text.split())[:40] not in flat
    assert "fotokopi tidak terbaca" in flat
    # the ticket is finished, the case is findable by NIK and by its number
    assert all(t.id != ticket.id for t in desk_service.queue(session))
    found = desk_service.search(desk_service.principal("sistem"), "6403051507800003")
    assert [c.id for c in found] == [case.id] and found[0].status == "menunggu_berkas"
    assert desk_service.search(desk_service.principal("sistem"), str(case.id))[0].id == case.id


def test_resumed_case_completes_gets_register_step_timer_and_letter(desk_service, session, clock):
    case = desk_service.open_case(session, "REK-PUB", ORG)
    desk_service.set_item(session, case.id, case.checklist[0].item_id, True)
    assert not desk_service.decide(session, case.id).lengkap
    clock.advance(days=3)  # the applicant returns with the rest
    resumed = desk_service.case(desk_service.principal("sistem"), case.id, record_view=False)
    assert resumed.checklist[0].received and resumed.status == "menunggu_berkas"
    resumed_at = clock()
    desk_service.set_item(session, case.id, resumed.missing[0].item_id, True)
    assert desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).status == "verifikasi"  # resumed
    clock.advance(minutes=6)
    for line in desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).missing:
        desk_service.set_item(session, case.id, line.item_id, True)
    result = desk_service.decide(session, case.id, reason="pengurus tercatat pada berkas")
    assert result.lengkap
    done = result.case
    assert done.status == "diproses" and done.register_no == "REK-PUB/2026/00001"
    # 2 hari kerja from Thursday 26 Nov 2026 09:06 -> Monday 30 Nov
    assert done.due_at.date() == dt.date(2026, 11, 30)
    # steps 1-2 (hand in, verification) happened at the counter: verification is timed from the
    # applicant's return (the first tick after resuming) until the decision
    hand_in, verify, issue = done.steps[0], done.steps[1], done.steps[2]
    assert hand_in.status == verify.status == "selesai"
    assert verify.started_at == resumed_at and verify.ended_at == clock()
    step = done.current_step
    assert step is not None and step.no == issue.no and step.started_at == clock()
    with pytest.raises(DeskError):
        desk_service.set_item(session, case.id, done.checklist[0].item_id, False)
    clock.advance(minutes=4)
    after = desk_service.finish_step(session, case.id, step_no=issue.no)
    assert after.steps[2].status == "selesai" and after.steps[2].elapsed_seconds(clock()) == 240
    assert after.current_step.no == after.steps[3].no
    # a second confirmation of the same step (double press, or another loket) changes nothing
    with pytest.raises(DeskError, match=f"Langkah {issue.no} sudah diselesaikan"):
        desk_service.finish_step(session, case.id, step_no=issue.no)
    assert desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).current_step.no == after.steps[3].no
    letter = desk_service.print_product(session, case.id)
    assert letter.number == "400.9.7/0001/Dinsos/2026"
    text = pdf_text(letter.path)
    assert "Yayasan Peduli Sesama" in text and "400.9.7/0001/Dinsos/2026" in text
    again = desk_service.print_product(session, case.id)
    assert again.number == letter.number  # reprint keeps the number
    second = desk_service.open_case(session, "REK-LKS", ORG)
    for line in second.checklist:
        desk_service.set_item(session, second.id, line.item_id, True)
    desk_service.decide(session, second.id, reason="pengurus tercatat pada berkas")
    until_issuable(desk_service, session, second.id)
    assert desk_service.print_product(session, second.id).number.split("/")[1] == "0002"


def test_steps_run_to_the_end_and_timer_measures_against_mutu_baku(desk_service, session, clock):
    case = desk_service.open_case(session, "KUBE", ApplicantInput(
        kind="kelompok", nik="3520011203850001", name="Sutrisno", address="Dsn. Krajan", desa="Sukowidi",
        kecamatan="Kartoharjo", kabupaten="Magetan", org_name="KUBE Maju Bersama", member_count="10",
    ))
    for line in case.checklist:
        desk_service.set_item(session, case.id, line.item_id, True)
    clock.advance(minutes=10)  # the berkas is checked at the counter for 10 minutes
    detail = desk_service.decide(session, case.id, reason="anggota tercatat pada berkas").case
    assert len(detail.steps) == 11
    # step 1 happened before the counter, step 2 (receiving the data, at the loket) is the
    # verification just done: both are recorded, the back office starts at step 3
    assert [s.status for s in detail.steps[:3]] == ["selesai", "selesai", "berjalan"]
    while detail.status == "diproses":
        clock.advance(minutes=10)
        running = detail.current_step
        outcome = True if running.decision_question else None  # layak at the monitoring step
        detail = desk_service.finish_step(session, case.id, outcome=outcome)
    assert detail.status == "selesai" and all(s.status == "selesai" for s in detail.steps)
    step2 = detail.steps[1]
    assert step2.standard_seconds == 5 * 60 and step2.overdue(clock())  # 10 min against 5 menit
    step3 = detail.steps[2]
    assert step3.standard_seconds == 15 * 24 * 3600 and not step3.overdue(clock())
    receipt = desk_service.print_product(session, case.id)
    assert receipt.kind in ("surat_keterangan", "tanda_terima")


def test_conditional_item_becomes_required_only_when_condition_holds(desk_service, session):
    case = desk_service.open_case(session, "KUBE", ApplicantInput(
        kind="kelompok", nik="3520011203850001", name="Sutrisno", address="Dsn. Krajan", desa="Sukowidi",
        kecamatan="Kartoharjo", org_name="KUBE Maju Bersama", member_count="12",
    ))
    conditional = [line for line in case.checklist if line.kind == "bersyarat"]
    assert conditional and not any(line.required for line in conditional)
    cond = case.conditions[0]
    case = desk_service.set_condition(session, case.id, cond.id, True)
    assert all(line.required for line in case.checklist if line.kind == "bersyarat")
    assert any(line.item_id == conditional[0].item_id for line in case.missing)


def test_eligibility_warnings_from_nik(desk_service, session):
    # male NIK for the women-only WRSE Kukar service
    case = desk_service.open_case(session, "WRSE-KKR", ApplicantInput(
        nik="6403051507800003", name="Budi", address="Jl. A", desa="Timbau", kecamatan="Tenggarong",
        kabupaten="Kutai Kartanegara",
    ))
    assert any("perempuan" in w.lower() for w in case.warnings)


def test_every_change_is_audited(desk_service, session):
    from models.tables import AuditLog

    case = desk_service.open_case(session, "REK-PUB", ORG)
    desk_service.set_item(session, case.id, case.checklist[0].item_id, True)
    desk_service.decide(session, case.id)
    with desk_service.db.connection_context():
        actions = [a.action for a in AuditLog.select().where(AuditLog.entity == "case").order_by(AuditLog.id)]
        nik_logs = [json.loads(a.detail).get("nik") for a in AuditLog.select().where(AuditLog.entity == "applicant")]
    assert actions == ["buka_berkas", "centang", "tidak_lengkap"]
    assert nik_logs == ["6403********0003"]  # the audit trail itself never stores the full NIK


def test_markup_like_names_are_stored_and_printed_literally(desk_service, session):
    person = ApplicantInput(nik="6403055507900002", name="[b]Siti[/]", address="a [/x] b", desa="Timbau",
                            kecamatan="Tenggarong", kabupaten="Kutai Kartanegara")
    case = desk_service.open_case(session, "VETERAN", person)
    assert case.applicant.name == "[b]Siti[/]" and case.applicant.sex == "P"
    result = desk_service.decide(session, case.id)
    assert "[b]Siti[/]" in pdf_text(result.document.path)
    assert desk_service.search(desk_service.principal("sistem"), "[b]Siti")[0].applicant_name == "[b]Siti[/]"


def _complete_rek_pub(desk_service, session):
    case = desk_service.open_case(session, "REK-PUB", ORG)
    for line in case.checklist:
        desk_service.set_item(session, case.id, line.item_id, True)
    desk_service.decide(session, case.id)
    return case


def test_letter_verification_code_identifies_the_letter(desk_service, session):
    case = _complete_rek_pub(desk_service, session)
    until_issuable(desk_service, session, case.id)
    letter = desk_service.print_product(session, case.id)
    verified = desk_service.verify_letter(desk_service.principal("publik"), f"DESK-VERIFIKASI:{letter.verification_code}")
    assert verified.number == letter.number and "Yayasan Peduli Sesama" in verified.applicant_name
    assert desk_service.verify_letter(desk_service.principal("publik"), letter.verification_code.lower()).number == letter.number
    assert desk_service.verify_letter(desk_service.principal("publik"), "ZZZZ-ZZZZ-ZZ") is None


def test_configured_print_command_receives_the_pdf(desk_service, session, tmp_path):
    import dataclasses

    log = tmp_path / "printed.txt"
    script = tmp_path / "fake-lp"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n")
    script.chmod(0o755)
    desk_service.settings = dataclasses.replace(desk_service.settings, print_command=f"{script} -d loket1")
    ticket = desk_service.print_ticket(desk_service.principal("kiosk"), desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB").id)
    assert ticket.printed and log.read_text().strip() == f"-d loket1 {ticket.path}"
    desk_service.settings = dataclasses.replace(desk_service.settings, print_command="/nonexistent/lp")
    failed = desk_service.print_ticket(desk_service.principal("kiosk"), desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB").id)
    assert not failed.printed and "Gagal mencetak" in failed.print_error
    assert Path(failed.path).exists()  # the PDF is kept even when the printer fails


def test_tidak_layak_at_a_decision_step_ends_the_case_as_ditolak(desk_service, session):
    case = desk_service.open_case(session, "KUBE", ApplicantInput(
        kind="kelompok", nik="3520011203850001", name="Sutrisno", address="Dsn. Krajan", desa="Sukowidi",
        kecamatan="Kartoharjo", org_name="KUBE Maju Bersama", member_count="10",
    ))
    for line in case.checklist:
        desk_service.set_item(session, case.id, line.item_id, True)
    detail = desk_service.decide(session, case.id, reason="anggota tercatat pada berkas").case
    while not detail.current_step.decision_question:
        detail = desk_service.finish_step(session, case.id)
    step = detail.current_step
    assert (step.decision_yes, step.decision_no) == ("layak", "tidak layak")
    with pytest.raises(DeskError, match="pilih layak atau tidak layak"):
        desk_service.finish_step(session, case.id)
    with pytest.raises(DeskError, match="alasan"):  # ending the case needs the officer's reason
        desk_service.finish_step(session, case.id, outcome=False)
    ended = desk_service.finish_step(session, case.id, outcome=False, reason="Usaha belum berjalan")
    assert ended.status == "ditolak" and ended.outcome == "tidak layak: Usaha belum berjalan"
    assert ended.current_step is None
    with pytest.raises(DeskError):
        desk_service.finish_step(session, case.id, outcome=True)


def _race(*calls):
    """Run the calls at the same moment in threads (each thread has its own connection);
    return what each returned or raised."""
    import threading

    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _complete_case(desk, session, name="Yayasan Satu"):
    case = desk.open_case(session, "REK-PUB", ApplicantInput(**{**ORG.__dict__, "org_name": name}))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    return case


def test_two_operators_deciding_at_once_decide_once(desk_service, session):
    """Two loket pressing "lengkap" on the same berkas: one register number, the other operator
    is told it was decided (never a database error); letters printed at once share one number."""
    other = desk_service.login("petugas2", "petugas123", 2)
    for round_no in range(3):
        case = _complete_case(desk_service, session, f"Yayasan {round_no}")
        results = _race(lambda: desk_service.decide(session, case.id),
                        lambda: desk_service.decide(other, case.id))
        decided = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(decided) == 1 and decided[0].lengkap, results
        assert len(refused) == 1 and isinstance(refused[0], DeskError), results
        assert "sudah diputuskan" in str(refused[0])
        stored = desk_service.case(desk_service.principal("sistem"), case.id, record_view=False)
        assert stored.register_no == decided[0].case.register_no
        letters = _race(lambda: desk_service.print_product(session, case.id),
                        lambda: desk_service.print_product(other, case.id))
        assert not any(isinstance(r, Exception) for r in letters), letters
        assert letters[0].number == letters[1].number


def test_a_step_finished_twice_at_once_finishes_once(desk_service, session):
    other = desk_service.login("petugas2", "petugas123", 2)
    case = _complete_case(desk_service, session)
    running = desk_service.decide(session, case.id).case.current_step
    results = _race(lambda: desk_service.finish_step(session, case.id, step_no=running.no),
                    lambda: desk_service.finish_step(other, case.id, step_no=running.no))
    assert sum(isinstance(r, DeskError) for r in results) == 1, results
    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).current_step.no == running.no + 1


def _audit(desk, action):
    from models.tables import AuditLog

    with desk.db.connection_context():
        return [json.loads(a.detail) for a in
                AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id)]


def test_audit_never_holds_a_full_nik(desk_service, session):
    """However the NIK is typed into the search, the audit trail stores it masked; looking an
    applicant up at the intake is recorded too."""
    desk_service.open_case(session, "REK-PUB", ORG)
    nik = ORG.nik
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    for typed in (nik, spaced, spaced.replace(" ", "."), f"NIK {nik}"):
        assert desk_service.search(session, typed), typed
    for typed in (f"NIK {nik} 12", f"{nik} 6403054507900002", spaced.replace(" ", "-"),
                  nik + "9"):
        desk_service.search(session, typed)  # found or not, never stored whole
    queries = [d["kueri"] for d in _audit(desk_service, "cari")]
    assert len(queries) == 8
    assert all(nik not in q and nik[4:12] not in q.replace(" ", "").replace(".", "")
               for q in queries), queries
    assert desk_service.find_applicant(session, nik).name == "Budi Santoso"
    looked = _audit(desk_service, "lihat")
    assert looked and looked[-1]["nik"] != nik and looked[-1]["nik"].endswith(nik[-4:])


def test_a_case_takes_only_a_ticket_called_to_this_loket(desk_service, session):
    waiting = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    with pytest.raises(DeskError, match=f"Tiket {waiting.code} tidak sedang dipanggil"):
        desk_service.open_case(session, "REK-PUB", ORG, ticket_id=waiting.id)
    other = desk_service.login("petugas2", "petugas123", 2)
    called = desk_service.call_next(other)
    with pytest.raises(DeskError, match="di loket lain"):
        desk_service.open_case(session, "REK-PUB", ORG, ticket_id=called.id)
    case = desk_service.open_case(other, "REK-PUB", ORG, ticket_id=called.id)
    assert case.ticket_code == called.code
    assert [c.id for c in desk_service.search(desk_service.principal("sistem"), ORG.nik)] == [case.id]  # the refused ones left nothing


def test_staff_names_too_long_for_the_table_are_refused(desk_service):
    with pytest.raises(DeskError, match="120 karakter"):
        desk_service.add_staff(desk_service.principal("sistem"), "panjang", "N" * 121, "rahasia123")
    with pytest.raises(DeskError, match="NIP"):
        desk_service.add_staff(desk_service.principal("sistem"), "nipsalah", "Siti", "rahasia123", nip="1970-01")
    assert desk_service.add_staff(desk_service.principal("sistem"), "nipbaik", "Siti", "rahasia123", nip="19700101 199003 1 001")


def test_search_finds_the_numbers_the_slip_and_letters_show(desk_service, session):
    """The slip says "sebutkan nomor berkas 2": 2, "berkas 2" and "No. 2" find it; the
    number part of a register ("00001") finds the register, not berkas 1."""
    first = _complete_case(desk_service, session, "Yayasan Pertama")
    second = desk_service.open_case(session, "REK-PUB", ApplicantInput(
        **{**ORG.__dict__, "nik": "6403054507900002", "name": "Siti", "org_name": "Yayasan Dua"}))
    registered = desk_service.decide(session, first.id).case
    for typed in (str(second.id), f"berkas {second.id}", f"No. {second.id}", f"Berkas {second.id}"):
        assert [c.id for c in desk_service.search(desk_service.principal("sistem"), typed)] == [second.id], typed
    tail = registered.register_no.rsplit("/", 1)[1]
    assert tail.startswith("0")
    assert [c.id for c in desk_service.search(desk_service.principal("sistem"), tail)] == [first.id]


def test_ticket_counts_who_is_called_before_it(desk_service):
    """The ticket says how many people are called before it, in the order they are called:
    priority first, and the demo's loket call every line by the order of taking, so the
    REK-LKS ticket taken earlier (another line) is called first too."""
    desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-LKS")
    urgent = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB", priority=True)
    later = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    assert "di depan Anda: 0" in pdf_text(desk_service.print_ticket(desk_service.principal("kiosk"), urgent.id).path)
    assert "di depan Anda: 3" in pdf_text(desk_service.print_ticket(desk_service.principal("kiosk"), later.id).path)
    session = desk_service.login("petugas", "petugas123", 1)
    assert desk_service.call_next(session).id == urgent.id
    assert "di depan Anda: 2" in pdf_text(desk_service.print_ticket(desk_service.principal("kiosk"), later.id).path)


def test_letters_name_the_issuing_office_not_the_source_document(desk_service, session):
    """The demo office (Kutai Kartanegara) also offers Magetan's KUBE: its surat keterangan
    is issued by the office that prints it, under its own kop and kepala dinas."""
    group = ApplicantInput(kind="kelompok", nik="6403051507800003", name="Budi Santoso",
                           address="Jl. Mulawarman No. 12", desa="Timbau",
                           kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
                           org_name="KUBE Maju Bersama", member_count="10")
    case = desk_service.open_case(session, "KUBE", group)
    for line in case.checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    assert desk_service.decide(session, case.id, reason="pengurus tercatat pada berkas").lengkap
    text = " ".join(pdf_text(desk_service.print_product(session, case.id).path).split())
    assert "Magetan" not in text
    assert "Kepala Dinas Sosial Kabupaten Kutai Kartanegara" in text
    assert "terdaftar pada Dinas Sosial Kabupaten Kutai Kartanegara" in text


def test_a_later_visit_does_not_rewrite_earlier_cases(desk_service, session):
    """The same person applies again with a corrected name and address: the new case has the
    new data, the earlier case (and a reprint of its document) keeps what was entered then."""
    person = ApplicantInput(kind="perorangan", nik="6402041208450003", name="Sukardi",
                            address="Jl. Veteran 1", desa="Loa Ipuh", kecamatan="Tenggarong",
                            kabupaten="Kutai Kartanegara")
    first = desk_service.open_case(session, "VETERAN", person)
    for line in first.checklist:
        if line.required:
            desk_service.set_item(session, first.id, line.item_id, True)
    desk_service.decide(session, first.id)
    corrected = ApplicantInput(**{**person.__dict__, "name": "Sukardi Wiryo",
                                  "address": "Jl. Pahlawan 9"})
    second = desk_service.open_case(session, "ALAT-BANTU", corrected)
    assert second.applicant.name == "Sukardi Wiryo"
    again = desk_service.case(desk_service.principal("sistem"), first.id, record_view=False)
    assert again.applicant.name == "Sukardi" and again.applicant.address == "Jl. Veteran 1"
    assert again.applicant.age == first.applicant.age
    receipt = pdf_text(desk_service.print_product(session, first.id).path)
    assert "Sukardi" in receipt and "Wiryo" not in receipt and "Pahlawan" not in receipt
    names = {c.id: c.applicant_name for c in desk_service.search(desk_service.principal("sistem"), person.nik)}
    assert names == {first.id: "Sukardi", second.id: "Sukardi Wiryo"}


def test_applicant_data_of_a_case_can_be_corrected(desk_service, session):
    """A typo seen at the checklist is corrected on the case (and the person's record); the NIK
    stays; a finished case can no longer be changed; the change is audited."""
    case = _complete_case(desk_service, session, "Yayasan Peduli Sesamaa")
    fixed = ApplicantInput(**{**ORG.__dict__, "org_name": "Yayasan Peduli Sesama",
                              "address": "Jl. Mulawarman No. 21"})
    after = desk_service.update_applicant(session, case.id, fixed)
    assert after.applicant.org_name == "Yayasan Peduli Sesama"
    assert after.applicant.address == "Jl. Mulawarman No. 21"
    assert _audit(desk_service, "ubah_pemohon")[-1]["kolom"] == ["address", "org_name"]
    # the person came again later with a new phone; correcting the old case's name later
    # must not bring the old (empty) phone back into their record
    newer = desk_service.open_case(session, "REK-PUB", ApplicantInput(
        **{**fixed.__dict__, "phone": "081399990000"}))
    assert newer.applicant.phone == "081399990000"
    desk_service.update_applicant(session, case.id, ApplicantInput(
        **{**fixed.__dict__, "name": "Budi Santosa"}))
    assert desk_service.find_applicant(desk_service.principal("sistem"), ORG.nik).phone == "081399990000"
    assert desk_service.find_applicant(desk_service.principal("sistem"), ORG.nik).name == "Budi Santosa"
    assert desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).applicant.phone == ORG.phone
    with pytest.raises(ValidationError) as info:
        desk_service.update_applicant(session, case.id,
                                      ApplicantInput(**{**fixed.__dict__, "nik": "6403054507900002"}))
    assert "NIK tidak dapat diubah" in info.value.errors["nik"]
    with pytest.raises(ValidationError) as info:
        desk_service.update_applicant(session, case.id, ApplicantInput(**{**fixed.__dict__, "name": ""}))
    assert "name" in info.value.errors
    decided = desk_service.decide(session, case.id).case
    letter = pdf_text(desk_service.print_product(session, case.id).path)
    assert "Yayasan Peduli Sesama " in letter.replace("\n", " ") and "Sesamaa" not in letter
    for _ in decided.steps:
        if desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).current_step is None:
            break
        desk_service.finish_step(session, case.id)
    assert desk_service.case(desk_service.principal("sistem"), case.id, record_view=False).status == "selesai"
    with pytest.raises(DeskError, match="sudah selesai"):
        desk_service.update_applicant(session, case.id, fixed)
