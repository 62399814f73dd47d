"""The audit trail read back (issue 11, audit views): by person, staff member, case, period and
office, newest first and paged; reading it is recorded once per query; every full NIK shown or
handed out is recorded (lihat_nik); and no one can change or delete a row, not even past the
application. Runs on SQLite and, with DESK_TEST_DB, on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest
from casesteps import until_issuable
from peewee import IntegrityError

from desk.wiring import make_service
from models.auditview import AuditQuery
from models.casedto import PersonInput
from models.dto import ApplicantInput, ValidationError
from models.permissions import PermissionDenied
from models.tables import AuditLog

NIK_A = "6403051507800003"
NIK_B = "6403055507900002"

PERSON_A = ApplicantInput(kind="organisasi", nik=NIK_A, name="Budi Santoso", address="Jl. Mulawarman 12",
                          desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
                          org_name="Yayasan Peduli Sesama")
PERSON_B = ApplicantInput(kind="perorangan", nik=NIK_B, name="Siti Aminah", address="Jl. Diponegoro 3",
                          desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara")


@pytest.fixture
def sup(desk_service):
    return desk_service.login("supervisor", "supervisor123", 2)


def complete(desk, session, applicant=PERSON_A, code="REK-PUB"):
    """A case with every persyaratan ticked and decided lengkap (register number given)."""
    case = desk.open_case(session, code, applicant)
    for line in case.checklist:
        desk.set_item(session, case.id, line.item_id, True)
    desk.decide(session, case.id)
    return desk.case(session, case.id, record_view=False)


def rows(desk, action: str | None = None) -> list[AuditLog]:
    def body():
        query = AuditLog.select().order_by(AuditLog.id)
        return list(query.where(AuditLog.action == action) if action else query)

    return desk.ctx.read(None, None, body)


def everything(desk, session, query: AuditQuery, limit: int = 500):
    return desk.audit_trail(session, query, limit=limit, record=False).entries


def test_a_person_is_found_by_nik_with_their_cases_documents_and_nik_views(desk_service, session, sup):
    case_a = complete(desk_service, session)
    until_issuable(desk_service, session, case_a.id)
    letter = desk_service.print_product(session, case_a.id)  # a letter prints the full NIK
    complete(desk_service, session, PERSON_B, "VETERAN")

    found = desk_service.audit_trail(sup, AuditQuery(nik="6403 0515 0780 0003"))
    actions = [e.action for e in found.entries]
    assert {"buat", "buka_berkas", "centang", "lengkap", "cetak", "lihat_nik"} <= set(actions)
    # only rows about A: her applicant record, her case, its documents
    assert {e.what for e in found.entries if e.entity != "document"} == {
        "Pemohon NIK 6403********0003", f"Berkas {case_a.register_no}"}
    assert f"Dokumen {letter.number}" in {e.what for e in found.entries if e.entity == "document"}
    # newest first; the letter's NIK view says where it was seen
    assert [e.at for e in found.entries] == sorted((e.at for e in found.entries), reverse=True)
    view = next(e for e in found.entries if e.action == "lihat_nik")
    assert view.action_label == "Lihat NIK lengkap" and view.staff_name == "Rina Wulandari"
    assert "6403********0003" in view.detail and "cetak dokumen" in view.detail
    assert view.at.utcoffset() == dt.timedelta(hours=8)  # office time (WITA)
    # no full NIK anywhere in what is shown, nor in the trail
    assert not any(re.search(r"\d{16}", f"{e.what} {e.detail}") for e in found.entries)
    assert not any(re.search(r"\d{16}", r.detail) for r in rows(desk_service))


def test_reading_the_trail_is_recorded_once_per_query_not_per_page(desk_service, session, sup):
    for _ in range(3):
        desk_service.issue_ticket(session, "REK-PUB")
    first = desk_service.audit_trail(sup, AuditQuery(nik=NIK_A, petugas="petugas"), limit=2)
    recorded = rows(desk_service, "lihat_audit")
    assert len(recorded) == 1 and recorded[0].staff_id == sup.staff_id
    assert json.loads(recorded[0].detail) == {"nik": "6403********0003", "petugas": "petugas",
                                              "kantor": desk_service.settings.name}
    whole = everything(desk_service, sup, AuditQuery(petugas="petugas"))
    page = desk_service.audit_trail(sup, AuditQuery(petugas="petugas"), limit=2)
    seen = list(page.entries)
    while page.more:
        page = desk_service.audit_trail(sup, AuditQuery(petugas="petugas"), limit=2, after=page.cursor,
                                        record=False)
        seen.extend(page.entries)
    assert [e.id for e in seen] == [e.id for e in whole] and len(seen) == len({e.id for e in seen}) >= 4
    assert len(rows(desk_service, "lihat_audit")) == 2  # the paged query once, however many pages
    assert first.entries == ()  # petugas never touched A's data


def test_by_staff_by_case_and_by_period(desk_service, session, sup, clock):
    other = desk_service.login("petugas2", "petugas123", 3)
    case_a = complete(desk_service, session)
    clock.advance(days=2)
    case_b = complete(desk_service, other, PERSON_B, "VETERAN")

    mine = everything(desk_service, sup, AuditQuery(petugas="PETUGAS2 "))
    assert mine and {e.username for e in mine} == {"petugas2"}
    assert {e.staff_name for e in mine} == {"Agus Salim"}

    by_register = everything(desk_service, sup, AuditQuery(berkas=case_b.register_no))
    by_number = everything(desk_service, sup, AuditQuery(berkas=str(case_b.id)))
    assert by_register == by_number and {e.what for e in by_register} == {f"Berkas {case_b.register_no}"}

    today = clock().date()
    earlier = everything(desk_service, sup, AuditQuery(sampai=today - dt.timedelta(days=1)))
    assert {e.entity_id for e in earlier if e.entity == "case"} == {case_a.id}
    later = everything(desk_service, sup, AuditQuery(dari=today, sampai=today))
    assert {e.entity_id for e in later if e.entity == "case"} == {case_b.id}
    both = everything(desk_service, sup, AuditQuery(nik=NIK_A, berkas=case_b.register_no))
    assert both == ()  # the filters narrow together

    for query, field in ((AuditQuery(nik="6403"), "nik"), (AuditQuery(petugas="tidakada"), "petugas"),
                         (AuditQuery(berkas="XX/1"), "berkas"),
                         (AuditQuery(dari=today, sampai=today - dt.timedelta(days=1)), "sampai")):
        with pytest.raises(ValidationError) as refused:
            desk_service.audit_trail(sup, query)
        assert set(refused.value.errors) == {field}


def test_a_petugas_cannot_read_the_trail(desk_service, session):
    with pytest.raises(PermissionDenied, match="tidak berwenang melihat jejak audit"):
        desk_service.audit_trail(session, AuditQuery())
    assert rows(desk_service, "lihat_audit") == []


def test_each_office_reads_its_own_trail_and_a_supervisor_may_choose_another(config, desk_service, session, sup):
    other = dataclasses.replace(config, office=dataclasses.replace(
        config.office, code="MAGETAN", name="Dinas Sosial Kabupaten Magetan", kabupaten="Magetan",
        timezone="Asia/Jakarta", counters=2))
    branch = make_service(other)
    branch.open()
    try:
        system = branch.principal("sistem")
        branch.add_staff(system, "rina.mgt", "Rina (Magetan)", "rahasia123")
        theirs = branch.login("rina.mgt", "rahasia123", 1)
        branch.issue_ticket(theirs, "REK-PUB")
        desk_service.issue_ticket(session, "REK-PUB")
        own = everything(desk_service, sup, AuditQuery())
        assert "rina.mgt" not in {e.username for e in own} and "petugas" in {e.username for e in own}
        chosen = desk_service.audit_trail(sup, AuditQuery(office_id=branch.office_id), record=False)
        assert chosen.office_name == "Dinas Sosial Kabupaten Magetan"
        assert {e.username for e in chosen.entries} == {"rina.mgt", ""}  # and the command line's
        assert chosen.entries[0].at.utcoffset() == dt.timedelta(hours=7)  # Magetan's time (WIB)
        with pytest.raises(PermissionDenied):
            desk_service.audit_trail(sup, AuditQuery(office_id=branch.office_id + 99))
        with pytest.raises(PermissionDenied):
            branch.audit_trail(theirs, AuditQuery(office_id=desk_service.office_id))
    finally:
        branch.close()


def test_showing_a_full_nik_on_purpose_is_recorded(desk_service, session, sup):
    case = desk_service.open_case(session, "VETERAN", PERSON_B)
    assert desk_service.reveal_nik(session, case.id) == NIK_B
    [view] = rows(desk_service, "lihat_nik")
    assert (view.entity, view.entity_id, view.staff_id) == ("case", case.id, session.staff_id)
    assert json.loads(view.detail) == {"nik": "6403********0002", "konteks": "tampilkan NIK"}


def test_a_persons_nik_in_the_people_form_is_recorded(desk_service, session, sup):
    svc = desk_service.ctx.catalog.services["KUBE"]
    from forms.catalog import Role

    desk_service.ctx.catalog.services["KUBE"] = dataclasses.replace(
        svc, roles=(Role("ketua", "Ketua", 1, 1), Role("anggota", "Anggota", 0, None)))
    group = ApplicantInput(kind="kelompok", nik="3520014507800002", name="Sri Wahyuni", address="Jl. Pahlawan 3",
                           desa="Candirejo", kecamatan="Magetan", kabupaten="Magetan", org_name="KUBE Maju",
                           member_count="10")
    case = desk_service.open_case(session, "KUBE", group)
    [member] = desk_service.add_person(session, case.id, PersonInput(
        role="anggota", nik="3520011507800101", name="Siti", address="RT 01")).people
    assert desk_service.reveal_nik(session, case.id, person_id=member.id, context="formulir orang") == \
        "3520011507800101"
    found = everything(desk_service, sup, AuditQuery(nik="3520011507800101"))
    view = next(e for e in found if e.action == "lihat_nik")
    assert view.detail == f"nik: 3520********0101; konteks: formulir orang; orang: {member.id}"
    # the member is found through the case naming them
    assert {e.entity_id for e in found if e.entity == "case"} == {case.id}


def test_the_register_records_every_nik_it_hands_out(desk_service, session, sup, tmp_path):
    case_a = complete(desk_service, session)
    case_b = complete(desk_service, session, PERSON_B, "VETERAN")
    today = desk_service.now().date()
    desk_service.export_register(sup, None, today, today, tmp_path / "register.csv", "csv")
    views = rows(desk_service, "lihat_nik")
    assert sorted((v.entity_id, json.loads(v.detail)["nik"]) for v in views) == [
        (case_a.id, "6403********0003"), (case_b.id, "6403********0002")]
    assert {json.loads(v.detail)["konteks"] for v in views} == {"ekspor register csv"}
    assert {v.staff_id for v in views} == {sup.staff_id}


def test_a_letter_printing_the_nik_masked_records_no_nik_view(desk_service, session):
    desk_service.settings = dataclasses.replace(desk_service.settings,
                                                nik_documents=(("rekomendasi", "samar"),))
    case = complete(desk_service, session)
    until_issuable(desk_service, session, case.id)
    desk_service.print_product(session, case.id)
    assert rows(desk_service, "cetak") and rows(desk_service, "lihat_nik") == []


def test_no_one_can_change_or_delete_an_audit_row(desk_service, session):
    desk_service.issue_ticket(session, "REK-PUB")
    before = [(r.id, r.action, r.detail) for r in rows(desk_service)]
    attempts = (
        lambda tx: AuditLog.update(detail="{}").where(AuditLog.action == "ambil_tiket").execute(),
        lambda tx: AuditLog.delete().execute(),
        lambda tx: desk_service.db.execute_sql("DELETE FROM audit_log WHERE action = 'masuk'"),
    )
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="jejak audit tidak dapat diubah atau dihapus"):
            desk_service.ctx.write(None, None, attempt)
    assert [(r.id, r.action, r.detail) for r in rows(desk_service)] == before
    desk_service.issue_ticket(session, "REK-PUB")  # adding rows goes on
    assert len(rows(desk_service)) == len(before) + 1


def test_desk_audit_prints_80_columns_or_csv_and_is_recorded_as_sistem(live_desk_service, tmp_path, db_url):
    from click.testing import CliRunner

    from desk.cli import cli

    service = live_desk_service
    session = service.login("petugas", "petugas123", 1)
    case = service.open_case(session, "REK-PUB", PERSON_A)
    args = ["--db", db_url, "--data-dir", str(tmp_path), "audit"]
    text = CliRunner().invoke(cli, [*args, "--nik", NIK_A], obj={}, catch_exceptions=False)
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any("Buka berkas" in line and f"Berkas nomor {case.id}" in line for line in lines)
    assert NIK_A not in text.output and "6403********0003" in text.output
    table = CliRunner().invoke(cli, [*args, "--petugas", "petugas", "--format", "csv", "--batas", "2"], obj={},
                               catch_exceptions=False)
    header, *records = table.output.splitlines()
    assert header.startswith("waktu,petugas,nama,tindakan") and len(records) == 2
    bad = CliRunner().invoke(cli, [*args, "--berkas", "XX/9"], obj={})
    assert bad.exit_code != 0 and "tidak ada di kantor ini" in bad.output
    recorded = rows(service, "lihat_audit")
    assert len(recorded) == 2 and {r.staff_id for r in recorded} == {None}
    assert json.loads(recorded[0].detail)["oleh"] == "sistem"
