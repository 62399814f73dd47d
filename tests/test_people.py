"""People in a case (issue 8): persons in the roles a service takes, the organisation data of a
lembaga, what is still missing of them for the lengkap decision, and letters that name them.
Runs on SQLite and, with DESK_TEST_DB, on PostgreSQL."""

from __future__ import annotations

import dataclasses
import json

import pytest
from pypdf import PdfReader

from forms.catalog import Role
from forms.people import people_problems
from models.dto import (
    ApplicantInput,
    DeskError,
    ValidationError,
)
from models.casedto import OrganisationInput, PersonInput

KUBE_ROLES = (Role("ketua", "Ketua", 1, 1), Role("sekretaris", "Sekretaris", 1, 1),
              Role("bendahara", "Bendahara", 1, 1), Role("anggota", "Anggota", 7, None))
LKS_ROLES = (Role("ketua", "Ketua", 1, 1), Role("sekretaris", "Sekretaris", 0, 1))

GROUP = ApplicantInput(kind="kelompok", nik="3520014507800002", name="Sri Wahyuni", address="Jl. Pahlawan 3",
                       desa="Candirejo", kecamatan="Magetan", kabupaten="Magetan", org_name="KUBE Maju Jaya",
                       member_count="10")
LEMBAGA = ApplicantInput(kind="organisasi", nik="6403051507800003", name="Budi Santoso", address="Jl. Mulawarman 12",
                         desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
                         org_name="Yayasan Peduli Sesama")


def _with_roles(desk, code: str, roles, **changes):
    """Give a catalog service these roles (what its [[peran]] would say)."""
    svc = desk.ctx.catalog.services[code]
    desk.ctx.catalog.services[code] = dataclasses.replace(svc, roles=roles, **changes)
    return desk.ctx.catalog.services[code]


def _member(i: int, role: str = "anggota", **kw) -> PersonInput:
    return PersonInput(role=role, nik=f"35200115078{i:05d}", name=f"Anggota {i}", **kw)


@pytest.fixture
def kube(desk_service, session):
    _with_roles(desk_service, "KUBE", KUBE_ROLES)
    return desk_service.open_case(session, "KUBE", GROUP)


def test_a_member_is_added_listed_changed_and_removed(desk_service, session, kube):
    added = desk_service.add_person(session, kube.id, PersonInput(
        role="anggota", nik="3520 0115 0780 0101", name="[b]Siti[/]", address="RT 01", note="tetangga"))
    [siti] = added.people
    assert (siti.role_label, siti.name, siti.nik_masked, siti.sex) == ("Anggota", "[b]Siti[/]", "3520********0101", "L")
    assert siti.birth_date.isoformat() == "1980-07-15"  # read from the NIK
    detail = desk_service.case(session, kube.id, record_view=False)
    assert [p.name for p in detail.people] == ["[b]Siti[/]"]

    changed = desk_service.change_person(session, kube.id, siti.id, PersonInput(
        role="sekretaris", nik=siti.nik, name="Siti Aminah", phone="0812-3456-7890"))
    assert [(p.role, p.name, p.phone) for p in changed.people] == [("sekretaris", "Siti Aminah", "081234567890")]

    removed = desk_service.remove_person(session, kube.id, siti.id)
    assert removed.people == ()
    assert desk_service.case(session, kube.id, record_view=False).people == ()


def test_bad_input_is_refused_at_its_field(desk_service, session, kube):
    with pytest.raises(ValidationError) as bad:
        desk_service.add_person(session, kube.id, PersonInput(role="anggota", nik="3520011507", name="",
                                                              sex="P"))
    assert bad.value.errors["nik"] == "NIK harus 16 digit (tertulis 10)."
    assert bad.value.errors["name"] == "Nama wajib diisi."
    with pytest.raises(ValidationError) as sex:
        desk_service.add_person(session, kube.id, _member(101, sex="P"))
    assert "tidak sesuai dengan NIK" in sex.value.errors["sex"]
    with pytest.raises(ValidationError) as role:
        desk_service.add_person(session, kube.id, _member(102, role="anak"))
    assert role.value.errors == {"role": "Layanan ini tidak mencatat peran Anak."}
    assert desk_service.case_people(session, kube.id).people == ()


def test_a_role_takes_at_most_its_maximum_and_a_nik_appears_once(desk_service, session, kube):
    # the pemohon may be the ketua of their own group
    desk_service.add_person(session, kube.id, PersonInput(role="ketua", nik=GROUP.nik, name=GROUP.name))
    with pytest.raises(ValidationError) as full:
        desk_service.add_person(session, kube.id, _member(103, role="ketua"))
    assert full.value.errors == {"role": "Ketua paling banyak 1 orang pada layanan ini."}
    with pytest.raises(ValidationError) as twice:
        desk_service.add_person(session, kube.id, PersonInput(role="anggota", nik=GROUP.nik, name="Sri"))
    assert twice.value.errors == {"nik": "NIK ini sudah tercatat pada berkas ini sebagai Ketua (Sri Wahyuni)."}


def test_the_pemohon_cannot_be_the_child_of_their_own_case(desk_service, session):
    _with_roles(desk_service, "KUKAR-IDAMAN", (Role("anak", "Anak", 0, None), Role("orang_tua", "Orang tua", 0, 1)))
    case = desk_service.open_case(session, "KUKAR-IDAMAN", dataclasses.replace(
        LEMBAGA, kind="perorangan", org_name=""))
    with pytest.raises(ValidationError, match="pemohon tidak dapat dicatat sebagai anak"):
        desk_service.add_person(session, case.id, PersonInput(role="anak", nik=LEMBAGA.nik, name="Budi"))
    child = desk_service.add_person(session, case.id, PersonInput(role="anak", nik="6403055001150001", name="Ani"))
    assert [(p.role_label, p.age) for p in child.people] == [("Anak", 11)]


def test_a_kube_under_its_minimum_is_not_complete_and_at_it_is(desk_service, session, kube):
    desk_service.add_person(session, kube.id, PersonInput(role="ketua", nik=GROUP.nik, name=GROUP.name))
    desk_service.add_person(session, kube.id, _member(201, role="sekretaris"))
    desk_service.add_person(session, kube.id, _member(202, role="bendahara"))
    for i in range(1, 5):
        people = desk_service.add_person(session, kube.id, _member(i))
    assert people.problems == (
        "Anggota: tercatat 4 dari minimal 7 orang.",
        "Anggota kelompok: tercatat 7 dari minimal 10 orang (ketua, sekretaris dan bendahara ikut dihitung).",
        "Jumlah anggota tercatat 7 orang, sedangkan jumlah anggota pada data pemohon 10 orang; samakan keduanya.",
    )
    for i in range(5, 8):
        people = desk_service.add_person(session, kube.id, _member(i))
    assert people.problems == ()
    # the pure function says the same from what the case shows
    detail = desk_service.case(session, kube.id, record_view=False)
    svc = desk_service.catalog.get("KUBE")
    assert people_problems(svc, detail.people, detail.organisation, detail.member_count) == []
    assert people_problems(svc, detail.people[:-1], None, 10)[0] == "Anggota: tercatat 6 dari minimal 7 orang."


def test_a_service_without_roles_asks_for_nobody(desk_service):
    svc = _with_roles(desk_service, "KUBE", ())
    assert people_problems(svc, (), None, 3) == []


def test_organisation_data_npwp_checked_and_required_fields_reported(desk_service, session):
    _with_roles(desk_service, "REK-LKS", LKS_ROLES)
    case = desk_service.open_case(session, "REK-LKS", LEMBAGA)
    before = desk_service.case_people(session, case.id)
    assert before.problems[0] == "Ketua: tercatat 0 dari minimal 1 orang."
    assert before.problems[1].startswith("Data lembaga belum diisi: nomor akta notaris")
    with pytest.raises(ValidationError) as bad:
        desk_service.set_organisation(session, case.id, OrganisationInput(npwp="01.234.567.8-901", since="2099",
                                                                          akta_date="31-02-2010"))
    assert bad.value.errors == {
        "akta_date": "Tanggal akta 31-02-2010 tidak ada di kalender.",
        "npwp": "NPWP harus 15 atau 16 digit (tertulis 12).",
        "since": "Tahun 2099 tidak mungkin (1900-2026).",
    }
    with pytest.raises(ValidationError, match="NPWP hanya boleh berisi angka"):
        desk_service.set_organisation(session, case.id, OrganisationInput(npwp="01.234.567.8-9O1.000"))
    saved = desk_service.set_organisation(session, case.id, OrganisationInput(
        akta_no="12", akta_date="01-02-2010", npwp="01.234.567.8-901.000", address="Jl. Melati 3", since="2025"))
    assert saved.organisation.npwp == "012345678901000"
    assert saved.organisation.years == 1
    assert saved.problems[1:] == ("Nomor pengesahan (SK Kemenkumham) belum diisi.",
                                  "Sekretariat baru ± 1 tahun di alamatnya; persyaratan minimal 3 tahun.")
    saved = desk_service.set_organisation(session, case.id, OrganisationInput(
        akta_no="12", akta_date="01-02-2010", pengesahan_no="AHU-0001.AH.01.04.2010", npwp="0123456789010001",
        address="Jl. Melati 3", since="01-03-2015"))
    assert saved.problems == ("Ketua: tercatat 0 dari minimal 1 orang.",)
    kept = desk_service.case(session, case.id, record_view=False).organisation
    assert (kept.pengesahan_no, kept.since, kept.years) == ("AHU-0001.AH.01.04.2010", "2015-03-01", 11)


def test_changes_are_audited_with_masked_niks_and_announced(desk_service, session, kube):
    from models.tables import AuditLog, Event

    desk_service.add_person(session, kube.id, _member(9))
    with desk_service.ctx.connection():
        audit = AuditLog.select().where(AuditLog.action == "tambah_orang").get()
        event = Event.select().order_by(Event.id.desc()).first()
    assert json.loads(audit.detail) == {"peran": "anggota", "nik": "3520********0009"}
    assert audit.entity_id == kube.id
    assert (event.kind, event.entity_id) == ("case.changed", kube.id)


def test_a_finished_case_keeps_its_people(desk_service, session, kube):
    with desk_service.ctx.connection():
        from models.tables import Case

        Case.update(status="selesai").where(Case.id == kube.id).execute()
    with pytest.raises(DeskError, match="Berkas sudah selesai"):
        desk_service.add_person(session, kube.id, _member(10))


def test_a_letter_names_the_people_of_the_case(desk_service, session):
    svc = desk_service.ctx.catalog.services["REK-LKS"]
    letter = dataclasses.replace(svc.letter, body=(
        *svc.letter.body, "Ketua {ketua.nama} (NIK {ketua.nik}); sekretaris {sekretaris.nama}; anak {anak.nama}.",
        "Pengurus:\n{daftar_pengurus}", "NPWP {npwp}; akta {akta_notaris}; sejak {sekretariat_sejak}."))
    _with_roles(desk_service, "REK-LKS", LKS_ROLES, letter=letter)
    case = desk_service.open_case(session, "REK-LKS", LEMBAGA)
    desk_service.add_person(session, case.id, PersonInput(role="ketua", nik=LEMBAGA.nik, name="Budi [i]S[/]"))
    desk_service.set_organisation(session, case.id, OrganisationInput(
        akta_no="12", akta_date="01-02-2010", pengesahan_no="AHU-1", npwp="012345678901000", address="Jl. A",
        since="2015"))
    for line in desk_service.case(session, case.id).checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    decided = desk_service.decide(session, case.id)
    assert decided.lengkap, decided
    document = desk_service.print_product(session, case.id)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(document.path).pages)
    assert "Ketua Budi [i]S[/] (NIK 6403********0003); sekretaris -; anak -." in text
    assert "1. Budi [i]S[/] (Ketua)" in text
    assert "NPWP 01.234.567.8-901.000; akta 12 tanggal 1 Februari 2010; sejak 2015 (± 11 tahun)." in text


def test_the_catalog_accepts_the_people_placeholders():
    from forms.loader import LETTER_PLACEHOLDERS

    assert {"ketua.nama", "anak.nik", "orang_tua.alamat", "daftar_anggota", "nama_lembaga", "akta_notaris",
            "npwp", "alamat_sekretariat"} <= LETTER_PLACEHOLDERS
