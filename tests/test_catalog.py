"""The service catalog: facts from the seed documents, loader validation, office overrides."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from forms.catalog import Duration
from forms.check import (
    check_catalog,
    duration_minutes,
    format_duration,
    format_minutes,
    sop_total_minutes,
)
from forms.loader import BUILTIN_DIR, CatalogError, load_catalog, load_service_file

EXPECTED = {
    "JAMKESDA": "A", "ALAT-BANTU": "B", "PERMAKANAN": "C", "WRSE-KKR": "D",
    "KUKAR-IDAMAN": "E", "BENCANA": "F", "REK-LKS": "G", "REK-PUB": "H", "VETERAN": "I",
    "SANDANG": "J", "KUBE": "K", "WRSE-MGT": "L", "UEP-KRSE": "M", "SEMBAKO": "N",
}
ERROR_LINE = re.compile(r"^[^:\s]+\.toml: \S+: .+$")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_catalog_has_the_14_services_with_their_queue_letters(catalog):
    assert len(catalog) == 14
    assert {s.code: s.queue_prefix for s in catalog} == EXPECTED


def test_queue_prefixes_and_codes_are_unique(catalog):
    prefixes = [s.queue_prefix for s in catalog]
    assert len(set(prefixes)) == len(prefixes)
    assert len({s.code for s in catalog}) == 14


def test_every_service_has_steps_and_requirements(catalog):
    """Every service states what it requires: documents to bring (persyaratan) and/or facts
    the officer verifies (kriteria); services that start from data (DTKS, pendataan) have
    only criteria."""
    for s in catalog:
        assert s.steps, s.code
        assert s.persyaratan or s.kriteria, s.code
        assert [st.no for st in s.steps] == list(range(1, len(s.steps) + 1)), s.code


def test_lookup_is_case_insensitive(catalog):
    assert catalog.get("rek-pub").code == "REK-PUB"
    with pytest.raises(KeyError):
        catalog.get("TIDAK-ADA")


def test_kube_sop_table_as_in_the_document(catalog):
    kube = catalog.get("KUBE")
    assert kube.applicant_kind == "kelompok"
    assert len(kube.steps) == 11
    assert kube.step(1).waktu is None
    assert kube.step(3).waktu == Duration(15, "hari")
    assert "terdaftar di Dinas Sosial" in kube.step(10).uraian
    assert kube.sop_total_stated is not None and duration_minutes(kube.sop_total_stated) == 51856
    assert sop_total_minutes(kube) == 51870
    assert kube.decisions[0].kind == "kelayakan"


def test_kube_criteria_members_and_age(catalog):
    kube = catalog.get("KUBE")
    assert kube.criterion("jumlah_anggota").min == 10
    assert kube.criterion("usia").max == 58
    assert kube.criterion("dtks") is not None


def test_kube_checklist_per_member_and_conditional_item(catalog):
    kube = catalog.get("KUBE")
    ktp = kube.item("ktp_kk_anggota")
    assert ktp.per_member and "masing-masing anggota" in ktp.text
    conditional = [it for it in kube.persyaratan if it.kind == "bersyarat"]
    assert len(conditional) == 1
    item = conditional[0]
    assert item.text.startswith("Surat Keterangan dari Kepala Desa/Camat/Dinas Kependudukan")
    assert {c.id for c in kube.conditions} == {item.when}
    assert item not in kube.required_items({})
    assert item in kube.required_items({item.when: True})


def test_kube_and_wrse_print_a_surat_keterangan(catalog):
    for code in ("KUBE", "WRSE-MGT"):
        letter = catalog.get(code).letter
        assert letter.template == "surat_keterangan"
        assert letter.klasifikasi == "400.9.14"
        assert "{identitas_pemohon}" in letter.body


def test_rek_lks_letter_and_one_day(catalog):
    lks = catalog.get("REK-LKS")
    assert lks.applicant_kind == "organisasi"
    assert lks.letter.template == "rekomendasi"
    assert lks.letter.klasifikasi == "400.9.12"
    assert lks.letter.hal == "Rekomendasi Izin Penetapan Terdaftar sebagai Lembaga Kesejahteraan Sosial"
    assert lks.jangka_waktu.value == 24 and lks.jangka_waktu.unit == "jam"
    assert "1 x 24 jam" in lks.jangka_waktu.text
    assert lks.decisions[0].kind == "kelengkapan"


def test_rek_pub_two_working_days_from_complete_berkas(catalog):
    pub = catalog.get("REK-PUB")
    assert pub.jangka_waktu.label() == "2 hari kerja"
    assert "lengkap dan benar" in pub.jangka_waktu_sejak
    assert pub.pengaduan and pub.dasar_hukum  # top-level keys, not swallowed by [jangka_waktu]
    assert any(st.loket for st in pub.steps)


def test_veteran_benefit(catalog):
    vet = catalog.get("VETERAN")
    assert (vet.benefit_rupiah, vet.benefit_period, vet.benefit_count) == (900000, "bulan", 12)
    assert vet.jangka_waktu.label() == "5 hari"
    assert vet.decisions[0].kind == "syarat"


def test_wrse_kukar_is_for_women_18_to_59(catalog):
    wrse = catalog.get("WRSE-KKR")
    assert wrse.criterion("jenis_kelamin").value == "P"
    age = wrse.criterion("usia")
    assert (age.min, age.max) == (18, 59)
    assert wrse.criterion("domisili").value == "Kutai Kartanegara"
    assert wrse.jangka_waktu.label() == "6 bulan"


def test_wrse_kukar_facts_are_criteria_not_documents(catalog):
    """Butir 1-6 are facts the officer verifies; butir 3 (janda) and 4 (istri yang membantu
    suami) are alternatives, one criterion. The only berkas is the collective permohonan."""
    wrse = catalog.get("WRSE-KKR")
    assert [it.id for it in wrse.persyaratan] == ["permohonan_kolektif"]
    assert not wrse.conditions
    status = next(cr for cr in wrse.kriteria if cr.id == "status")
    assert "Janda" in status.text and "membantu suami" in status.text
    assert {"domisili", "perempuan", "usia", "penghasilan", "embrio_usaha"} <= {
        cr.id for cr in wrse.kriteria}


def test_wrse_magetan_checks_the_proposal_contents(catalog):
    """The Standar Pelayanan's flowchart names what the proposal holds (Syarat Proposal)."""
    texts = [it.text for it in catalog.get("WRSE-MGT").required_items({})]
    for part in ("Surat Permohonan", "Identitas dan alamat lengkap", "Rincian kebutuhan barang"):
        assert any(part in text for text in texts), part


def test_negated_condition_must_name_an_existing_question(tmp_path):
    path = _copy("magetan-kube.toml", tmp_path, "kube.toml",
                 **{'jika = "anggota_tanpa_ktp_kk"': 'jika = "!anggota_tanpa_ktp"'})
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    assert any(e.startswith("kube.toml: persyaratan[6].jika: kondisi 'anggota_tanpa_ktp' tidak ada")
               for e in info.value.errors), info.value.errors


def test_kukar_idaman_has_four_categories(catalog):
    idaman = catalog.get("KUKAR-IDAMAN")
    groups = {cr.group for cr in idaman.kriteria if cr.group}
    assert groups == {"Lanjut Usia Telantar", "Anak Telantar", "Penyandang Disabilitas",
                      "Bantuan Pendidikan Anak"}
    ages = {cr.group: (cr.min, cr.max) for cr in idaman.kriteria if cr.kind == "usia"}
    assert ages == {"Lanjut Usia Telantar": (60, None), "Anak Telantar": (0, 12)}
    # Every "persyaratan" of the document is a fact: no document to bring; each kategori
    # question names the category whose criteria it chooses.
    assert idaman.persyaratan == ()
    assert {c.id: c.group for c in idaman.conditions} == {
        "kategori_lansia": "Lanjut Usia Telantar", "kategori_anak": "Anak Telantar",
        "kategori_disabilitas": "Penyandang Disabilitas",
        "kategori_pendidikan": "Bantuan Pendidikan Anak"}


def test_document_durations(catalog):
    assert catalog.get("ALAT-BANTU").jangka_waktu.label() == "3 bulan"
    assert catalog.get("UEP-KRSE").jangka_waktu.label() == "1 tahun"
    assert catalog.get("BENCANA").jangka_waktu.label() == "24 jam"
    assert catalog.get("WRSE-MGT").jangka_waktu.label() == "60 menit"
    assert catalog.get("SEMBAKO").jangka_waktu.label() == "15 hari"


def test_alat_bantu_exclusions(catalog):
    svc = catalog.get("ALAT-BANTU")
    assert svc.criterion("usia").min == 6
    excluded = svc.criterion("pengecualian").values
    assert {"PNS", "TNI", "Polri", "Anggota Legislatif"} <= set(excluded)


# --- Check: the documents' own contradictions --------------------------------------------------

def test_check_reports_the_three_known_inconsistencies(catalog):
    findings = check_catalog(catalog)
    by_code: dict[str, list[str]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f.message)
    for code in ("KUBE", "WRSE-MGT"):
        assert any("51.870" in m and "51.856" in m for m in by_code[code]), by_code[code]
    assert any("60 menit" in m and "36 hari 30 menit" in m for m in by_code["WRSE-MGT"])
    assert any("15 hari" in m and "21 hari 10 jam" in m for m in by_code["SEMBAKO"])
    kube_step = [m for m in by_code["KUBE"] if "Langkah 1 " in m]
    assert kube_step, "KUBE step 1 has no waktu"


def test_duration_arithmetic_and_format():
    assert duration_minutes(Duration(2, "hari kerja")) == 2880
    assert duration_minutes(Duration(1, "bulan")) == 30 * 1440
    assert duration_minutes(Duration(1, "tahun")) == 365 * 1440
    assert format_duration(51870) == "36 hari 30 menit"
    assert format_duration(21 * 1440 + 600) == "21 hari 10 jam"
    assert format_minutes(51870) == "51.870 menit"


# --- Loader validation -------------------------------------------------------------------------

def _copy(src_name: str, dest: Path, name: str | None = None, **replace: str) -> Path:
    text = (BUILTIN_DIR / src_name).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = dest / (name or src_name)
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reports_every_error_as_file_field_message(tmp_path):
    path = _copy(
        "magetan-kube.toml", tmp_path, "kube.toml",
        **{
            'waktu = { nilai = 15, satuan = "hari" }\noutput = "Disposisi Kadis"':
                'waktu = { nilai = 15, satuan = "hri" }\noutput = "Disposisi Kadis"',
            'jika = "anggota_tanpa_ktp_kk"': 'jika = "tidak_ada"',
            "setelah_langkah = 6": "setelah_langkah = 16",
            'id = "rab"\nteks': 'id = "rab"\ntekss',
        },
    )
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    errors = info.value.errors
    assert all(ERROR_LINE.match(e) for e in errors), errors
    assert ("kube.toml: langkah[3].waktu.satuan: satuan 'hri' tidak dikenal "
            "(pilih: menit, jam, hari, hari kerja, bulan, tahun)") in errors
    assert any(e.startswith("kube.toml: persyaratan[6].jika:") for e in errors)
    assert any(e.startswith("kube.toml: keputusan[1].setelah_langkah:") for e in errors)
    assert any("'tekss'" in e and "maksud Anda 'teks'" in e for e in errors)
    assert len(errors) >= 4  # all collected, not only the first


def test_loader_rejects_bad_toml_and_wrong_types(tmp_path):
    (tmp_path / "rusak.toml").write_text('kode = "X\n', encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_service_file(tmp_path / "rusak.toml")
    assert info.value.errors[0].startswith("rusak.toml: sintaks: TOML tidak valid")

    path = _copy("kukar-i-santunan-veteran.toml", tmp_path, "vet.toml",
                 **{"manfaat_kali = 12": 'manfaat_kali = "dua belas"',
                    'jenis_pemohon = "perorangan"': 'jenis_pemohon = "pribadi"'})
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    assert "vet.toml: manfaat_kali: harus berupa bilangan bulat, bukan teks" in info.value.errors
    assert any(e.startswith("vet.toml: jenis_pemohon: jenis pemohon 'pribadi' tidak dikenal")
               for e in info.value.errors)


def test_key_after_a_table_header_is_caught(tmp_path):
    path = tmp_path / "x.toml"
    text = (BUILTIN_DIR / "kukar-i-santunan-veteran.toml").read_text(encoding="utf-8")
    text = text.replace('[jangka_waktu]\nnilai = 5', '[jangka_waktu]\nbiaya_rupiah = 0\nnilai = 5')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    assert any(e.startswith("x.toml: jangka_waktu.biaya_rupiah: ") and "sebelum" in e
               for e in info.value.errors)


def test_office_folder_replaces_and_adds(tmp_path):
    _copy("kukar-h-rekomendasi-pengumpulan-uang-barang.toml", tmp_path, "pub-kantor.toml",
          **{'nama_singkat = "Rekomendasi Pengumpulan Uang/Barang"':
             'nama_singkat = "Rekom PUB Kantor Kami"'})
    _copy("kukar-i-santunan-veteran.toml", tmp_path, "baru.toml",
          **{'kode = "VETERAN"': 'kode = "LAYANAN-BARU"', 'prefiks_antrian = "I"':
             'prefiks_antrian = "P"'})
    cat = load_catalog([tmp_path])
    assert len(cat) == 15
    assert cat.get("REK-PUB").short_name == "Rekom PUB Kantor Kami"
    assert cat.get("REK-PUB").path.endswith("pub-kantor.toml")
    assert cat.get("LAYANAN-BARU").queue_prefix == "P"
    # The replacement keeps the built-in position.
    assert [s.code for s in cat].index("REK-PUB") == list(EXPECTED).index("REK-PUB")


def test_duplicate_prefix_and_missing_folder_are_errors(tmp_path):
    _copy("kukar-i-santunan-veteran.toml", tmp_path, "baru.toml",
          **{'kode = "VETERAN"': 'kode = "LAYANAN-BARU"'})
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path, tmp_path / "tidak-ada"])
    errors = info.value.errors
    assert any(e.startswith("baru.toml: prefiks_antrian: prefiks 'I' sudah dipakai oleh VETERAN")
               for e in errors), errors
    assert any("folder tidak ditemukan" in e for e in errors)


def test_duplicate_code_in_one_folder(tmp_path):
    shutil.copy(BUILTIN_DIR / "magetan-kube.toml", tmp_path / "a.toml")
    shutil.copy(BUILTIN_DIR / "magetan-kube.toml", tmp_path / "b.toml")
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    assert any(e.startswith("b.toml: kode: kode 'KUBE' sudah dipakai di a.toml")
               for e in info.value.errors)


def test_fractions_of_working_days_or_months_are_refused(tmp_path):
    path = _copy("kukar-h-rekomendasi-pengumpulan-uang-barang.toml", tmp_path, "pub.toml",
                 **{"nilai = 2\n": "nilai = 1.5\n"})
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    assert any(e.startswith("pub.toml: jangka_waktu.nilai: 1.5 hari kerja: pecahan")
               for e in info.value.errors), info.value.errors
