"""Warnings when an applicant falls outside a service's criteria."""

from __future__ import annotations

from dataclasses import replace

import pytest

from forms.eligibility import check_eligibility
from forms.loader import load_catalog


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def check(service, age=None, sex="", kabupaten="", member_count=None):
    return check_eligibility(service, age=age, sex=sex, kabupaten=kabupaten,
                             member_count=member_count)


def test_kube_age_and_group_size(catalog):
    kube = catalog.get("KUBE")
    assert check(kube, age=58, member_count=10) == []
    assert check(kube, age=61) == ["Usia 61 tahun di luar kriteria layanan (maksimum 58 tahun)"]
    assert check(kube, member_count=7) == ["Jumlah anggota 7 kurang dari minimal 10 orang"]


def test_wrse_kukar_women_18_to_59(catalog):
    wrse = catalog.get("WRSE-KKR")
    assert check(wrse, age=30, sex="P", kabupaten="Kab. Kutai Kartanegara") == []
    assert "Layanan ini untuk perempuan (NIK menunjukkan laki-laki)" in check(wrse, age=30, sex="L")
    assert check(wrse, age=60, sex="P") == ["Usia 60 tahun di luar kriteria layanan (18-59 tahun)"]
    assert check(wrse, age=17, sex="P") == ["Usia 17 tahun di luar kriteria layanan (18-59 tahun)"]


def test_domicile_only_when_given(catalog):
    wrse = catalog.get("WRSE-KKR")
    warnings = check(wrse, age=30, sex="P", kabupaten="Magetan")
    assert len(warnings) == 1 and "Kutai Kartanegara" in warnings[0] and "Magetan" in warnings[0]
    assert check(wrse, age=30, sex="P", kabupaten="") == []
    assert check(wrse, age=30, sex="P", kabupaten="KABUPATEN kutai  kartanegara") == []


def test_unknown_facts_give_no_warning(catalog):
    for service in catalog:
        assert check(service) == [], service.code


def test_kukar_idaman_warns_only_when_no_category_fits(catalog):
    idaman = catalog.get("KUKAR-IDAMAN")
    # Penyandang Disabilitas has no age limit, so any age fits some category.
    assert check(idaman, age=30) == []
    ages_only = replace(idaman, kriteria=tuple(c for c in idaman.kriteria if c.kind == "usia"))
    assert check(ages_only, age=65) == []
    assert check(ages_only, age=8) == []
    warnings = check(ages_only, age=30)
    assert len(warnings) == 1
    assert "Lanjut Usia Telantar" in warnings[0] and "Anak Telantar" in warnings[0]


def test_alat_bantu_minimum_age(catalog):
    svc = catalog.get("ALAT-BANTU")
    assert check(svc, age=5) == ["Usia 5 tahun di luar kriteria layanan (minimal 6 tahun)"]
    assert check(svc, age=6) == []


def test_a_chosen_category_is_checked_on_its_own(catalog):
    """Kukar Idaman: with Lanjut Usia Telantar chosen at the counter, a 46-year-old is named
    as outside that category even though another category would fit."""
    idaman = catalog.get("KUKAR-IDAMAN")
    warnings = check_eligibility(idaman, age=46, sex="P", kabupaten="", member_count=None,
                                 chosen_groups={"Lanjut Usia Telantar"})
    assert len(warnings) == 1
    assert warnings[0].startswith("Kategori Lanjut Usia Telantar: Usia 46 tahun")
    assert check_eligibility(idaman, age=65, sex="P", kabupaten="", member_count=None,
                             chosen_groups={"Lanjut Usia Telantar"}) == []


def test_the_case_warns_for_the_chosen_category(desk_service, session):
    from models.dto import ApplicantInput

    person = ApplicantInput(kind="perorangan", nik="6402044507800001", name="Siti Aminah",
                            address="Jl. A 1", desa="Timbau", kecamatan="Tenggarong",
                            kabupaten="Kutai Kartanegara")
    case = desk_service.open_case(session, "KUKAR-IDAMAN", person)
    assert not any("Kategori" in w for w in case.warnings)
    case = desk_service.set_condition(session, case.id, "kategori_lansia", True)
    assert any(w.startswith("Kategori Lanjut Usia Telantar: Usia") for w in case.warnings)


def test_a_kota_office_says_kota_at_the_domicile_criterion():
    from forms.eligibility import assess, region_kind
    from forms.loader import load_catalog

    svc = load_catalog(()).get("JAMKESDA")
    assert region_kind("Dinas Sosial Kota Samarinda") == "Kota"
    assert region_kind("Dinas Sosial Kabupaten Kutai Kartanegara") == "Kabupaten"
    checks = assess(svc, age=40, sex="P", kabupaten="Balikpapan", member_count=None,
                    region=region_kind("Dinas Sosial Kota Samarinda"))
    domicile = next(c for c in checks if c.criterion.kind == "domisili")
    assert domicile.status == "tidak_memenuhi" and "penduduk Kota Kutai Kartanegara" in domicile.detail
    missing = assess(svc, age=40, sex="P", kabupaten="", member_count=None)
    assert next(c for c in missing if c.criterion.kind == "domisili").status == "perlu_diperiksa"
