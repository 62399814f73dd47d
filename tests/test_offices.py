"""Branch offices on one central database, and the search by name that ignores case and
diacritics."""

from __future__ import annotations

import dataclasses

import pytest

from desk.wiring import make_service
from models.dto import ApplicantInput, AuthError, DeskError
from models.tables import AuditLog, Service

PEOPLE = [
    ("6403051507800003", "Nguyễn Văn An", ""),
    ("6403055507900002", "Ni Luh Putu Śrī Wahyuni", ""),
    ("6403051208450003", "Budi Santoso", ""),
    ("6403054101700004", "Siti Aminah", "Yayasan Peduli Sesama"),
]


def _open(desk, session, nik, name, org):
    kind = "organisasi" if org else "perorangan"
    code = "REK-PUB" if org else "VETERAN"
    return desk.open_case(session, code, ApplicantInput(
        kind=kind, nik=nik, name=name, address="Jl. Mulawarman 1", desa="Timbau",
        kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", org_name=org))


@pytest.fixture
def people(desk_service, session):
    return {name: _open(desk_service, session, nik, name, org).id for nik, name, org in PEOPLE}


@pytest.mark.parametrize("typed, expected", [
    ("nguyen", "Nguyễn Văn An"),
    ("NGUYỄN", "Nguyễn Văn An"),
    ("sri", "Ni Luh Putu Śrī Wahyuni"),
    ("Śrī wahyu", "Ni Luh Putu Śrī Wahyuni"),
    ("santo", "Budi Santoso"),
    ("budi santoso", "Budi Santoso"),
    ("peduli", "Siti Aminah"),
])
def test_name_search_ignores_case_and_diacritics(desk_service, session, people, typed, expected):
    found = [c.id for c in desk_service.search(session, typed)]
    assert found == [people[expected]], typed


def test_name_search_needs_three_letters_and_finds_nothing_wrong(desk_service, session, people):
    with pytest.raises(DeskError, match="paling sedikit 3 huruf"):
        desk_service.search(session, "si")
    assert desk_service.search(session, "zzz") == []
    assert desk_service.search(session, "budi aminah") == []  # every word must match


def test_a_corrected_name_is_found_by_its_new_spelling(desk_service, session, people):
    case_id = people["Budi Santoso"]
    detail = desk_service.case(session, case_id, record_view=False)
    a = detail.applicant
    fixed = ApplicantInput(kind=a.kind, nik=a.nik, name="Budi Santosø", address=a.address, desa=a.desa,
                           kecamatan=a.kecamatan, kabupaten=a.kabupaten)
    desk_service.update_applicant(session, case_id, fixed)
    assert [c.id for c in desk_service.search(session, "santoso")] == [case_id]


@pytest.fixture
def branch(config, desk_service):
    """A second office (Magetan) on the same database, offering the same catalog."""
    other = dataclasses.replace(config, office=dataclasses.replace(
        config.office, code="MAGETAN", name="Dinas Sosial Kabupaten Magetan", kabupaten="Magetan",
        timezone="Asia/Jakarta", counters=2))
    service = make_service(other)
    service.open()
    yield service
    service.close()


def test_each_office_keeps_its_own_service_rows(desk_service, branch):
    with desk_service.db.connection_context():
        rows = list(Service.select(Service.office, Service.code))
    ours = {r.code for r in rows if r.office_id == desk_service.office_id}
    theirs = {r.code for r in rows if r.office_id == branch.office_id}
    assert ours == theirs and len(ours) == 14
    assert len(rows) == 28
    assert not set(desk_service.ctx.service_ids.values()) & set(branch.ctx.service_ids.values())


def test_sessions_belong_to_the_office_the_desk_runs_for(desk_service, branch):
    system = branch.principal("sistem")
    branch.add_staff(system, "rina.mgt", "Rina (Magetan)", "rahasia123")
    session = branch.login("rina.mgt", "rahasia123", 2)
    assert session.office_id == branch.office_id and session.office_name.endswith("Magetan")
    with pytest.raises(AuthError, match="kantor lain"):
        desk_service.login("rina.mgt", "rahasia123", 1)
    with pytest.raises(AuthError, match="kantor lain"):
        branch.login("petugas", "petugas123", 1)
    # usernames are unique across the database
    with pytest.raises(DeskError, match="kantor lain"):
        branch.add_staff(system, "petugas", "Petugas Magetan", "rahasia123")
    # a ticket of one office is not in the other's queue, and numbers run per office
    ticket = branch.issue_ticket(session, "REK-PUB")
    ours = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    assert ticket.code == ours.code == "H-001"
    assert [t.id for t in branch.queue(session)] == [ticket.id]
    with pytest.raises(DeskError):
        desk_service.call_next(session)  # a Magetan session at the Kukar desk


def test_audit_rows_carry_the_office(desk_service, branch, session):
    system = branch.principal("sistem")
    branch.add_staff(system, "rina.mgt", "Rina (Magetan)", "rahasia123")
    theirs = branch.login("rina.mgt", "rahasia123", 1)
    branch.issue_ticket(theirs, "REK-PUB")
    desk_service.issue_ticket(session, "REK-PUB")
    with desk_service.db.connection_context():
        rows = [(r.office_id, r.action) for r in AuditLog.select().where(AuditLog.action == "ambil_tiket")]
    assert sorted(rows) == sorted([(desk_service.office_id, "ambil_tiket"), (branch.office_id, "ambil_tiket")])


def test_name_search_triggers_dropped_by_a_table_rebuild_come_back(config, desk_service, session):
    """SQLite drops a table's triggers when a migration rebuilds it; the desk puts the name
    search triggers back when it opens, and names entered afterwards are found."""
    if desk_service.ctx.postgres:
        pytest.skip("SQLite's FTS5 index")
    with desk_service.db.connection_context():
        for name in ("applicant_name_ai", "applicant_name_au"):
            desk_service.db.execute_sql(f"DROP TRIGGER {name}")
    reopened = make_service(config)
    reopened.open()
    case = _open(reopened, session, "6403051208450003", "Bambang Pamungkas", "")
    assert [c.id for c in reopened.search(session, "pamung")] == [case.id]
    reopened.close()
