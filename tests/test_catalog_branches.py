"""Catalog schema for decision branches, end steps, roles in a case, and berkas vs criteria."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forms.catalog import BRANCH_ACTIONS, ROLE_KINDS, Branch, Decision
from forms.loader import BUILTIN_DIR, CatalogError, load_catalog, load_service_file

ERROR_LINE = re.compile(r"^[^:\s]+\.toml: \S+: .+$")

#: The minimal valid service file the loader tests grow.
BASE = '''
kode = "UJI"
nama = "Layanan Uji"
nama_singkat = "Uji"
kantor = "Dinas Sosial Kabupaten Uji"
kabupaten = "Uji"
sumber = "uji"
prefiks_antrian = "U"
jenis_pemohon = "perorangan"

[[persyaratan]]
id = "ktp"
teks = "Fotokopi KTP"

[[langkah]]
no = 1
uraian = "Pemohon menyerahkan berkas"

[[langkah]]
no = 2
uraian = "Petugas memeriksa berkas"

[[langkah]]
no = 3
uraian = "Kepala Dinas menandatangani"

[[langkah]]
no = 4
uraian = "Surat diserahkan"
'''


def _decision(kind: str = "syarat", after: int = 2, extra: str = "") -> str:
    return f'''
[[keputusan]]
id = "periksa"
jenis = "{kind}"
pertanyaan = "Periksa berkas"
setelah_langkah = {after}
ya = "memenuhi syarat"
tidak = "tidak memenuhi syarat"
jika_tidak = "Berkas dikembalikan"
{extra}'''


def _write(tmp_path: Path, *parts: str, name: str = "uji.toml") -> Path:
    path = tmp_path / name
    path.write_text(BASE + "".join(parts), encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    errors = info.value.errors
    assert all(ERROR_LINE.match(e) for e in errors), errors
    return errors


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --- Loader: defaults ----------------------------------------------------------------------------

def test_defaults_when_no_branch_table(tmp_path):
    svc = load_service_file(_write(tmp_path, _decision("kelengkapan"), _decision(
        "syarat", 3, "kembali_ke_langkah = 1").replace('"periksa"', '"ulang"'),
    ))
    lengkap, ulang = svc.decisions
    assert lengkap.branch(True) == Branch(label="memenuhi syarat", action="lanjut")
    assert lengkap.branch(False) == Branch(label="tidak memenuhi syarat", action="tunggu_berkas",
                                           text="Berkas dikembalikan", pause=True)
    assert ulang.branch(False) == Branch(label="tidak memenuhi syarat", action="kembali",
                                         to_step=1, text="Berkas dikembalikan")
    assert ulang.back_to_step == 1
    assert lengkap.yes_branch is not None and lengkap.no_branch is not None


def test_syarat_without_a_step_to_return_to_is_a_refusal(tmp_path):
    svc = load_service_file(_write(tmp_path, _decision("kelayakan")))
    assert svc.decisions[0].branch(False) == Branch(
        label="tidak memenuhi syarat", action="tolak", text="Berkas dikembalikan")


def test_hand_built_decision_falls_back_to_the_defaults():
    d = Decision(id="x", kind="syarat", question="?", after_step=2, yes="ya", no="tidak",
                 on_no="kembali", back_to_step=1)
    assert d.branch(True).action == "lanjut"
    assert d.branch(False) == Branch(label="tidak", action="kembali", to_step=1, text="kembali")


def test_branch_tables_are_read(tmp_path):
    svc = load_service_file(_write(tmp_path, _decision("syarat", 2, '''
[keputusan.cabang_ya]
tindakan = "lanjut"
ke_langkah = 4
teks = "Langsung diserahkan"

[keputusan.cabang_tidak]
tindakan = "kembali"
ke_langkah = 1
jeda = true
''')))
    d = svc.decisions[0]
    assert d.branch(True) == Branch(label="memenuhi syarat", action="lanjut", to_step=4,
                                    text="Langsung diserahkan")
    # teks left out: the negative branch keeps jika_tidak
    assert d.branch(False) == Branch(label="tidak memenuhi syarat", action="kembali", to_step=1,
                                     text="Berkas dikembalikan", pause=True)


def test_akhir_marks_an_end_step(tmp_path):
    text = BASE.replace('uraian = "Kepala Dinas menandatangani"',
                        'uraian = "Kepala Dinas menandatangani"\nakhir = true')
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    svc = load_service_file(path)
    assert [st.no for st in svc.steps if st.end] == [3]


def test_a_service_may_have_no_persyaratan(tmp_path):
    text = BASE.replace('[[persyaratan]]\nid = "ktp"\nteks = "Fotokopi KTP"\n', "")
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    assert load_service_file(path).persyaratan == ()


# --- Loader: errors ------------------------------------------------------------------------------

@pytest.mark.parametrize(("branch", "expected"), [
    ('[keputusan.cabang_tidak]\ntindakan = "ulangi"',
     ("uji.toml: keputusan[1].cabang_tidak.tindakan: tindakan 'ulangi' tidak dikenal "
     "(pilih: lanjut, kembali, tolak, selesai, tunggu_berkas)")),
    ('[keputusan.cabang_tidak]\ntindakan = "kembali"',
     ("uji.toml: keputusan[1].cabang_tidak.ke_langkah: wajib diisi untuk tindakan 'kembali' "
     "(langkah yang diulang)")),
    ('[keputusan.cabang_tidak]\ntindakan = "kembali"\nke_langkah = 3',
     ("uji.toml: keputusan[1].cabang_tidak.ke_langkah: tindakan 'kembali' harus ke langkah 2 "
     "atau sebelumnya (setelah_langkah = 2), bukan ke langkah 3")),
    ('[keputusan.cabang_tidak]\ntindakan = "kembali"\nke_langkah = 9',
     "uji.toml: keputusan[1].cabang_tidak.ke_langkah: langkah 9 tidak ada (langkah 1-4)"),
    ('[keputusan.cabang_ya]\ntindakan = "lanjut"\nke_langkah = 2',
     ("uji.toml: keputusan[1].cabang_ya.ke_langkah: tindakan 'lanjut' harus ke langkah sesudah "
     "langkah 2 (setelah_langkah = 2), bukan ke langkah 2")),
    ('[keputusan.cabang_tidak]\ntindakan = "tolak"\nke_langkah = 1',
     ("uji.toml: keputusan[1].cabang_tidak.ke_langkah: tindakan 'tolak' tidak memakai "
     "ke_langkah (hapus kunci ini)")),
    ('[keputusan.cabang_ya]\ntindakan = "selesai"\nke_langkah = 4',
     ("uji.toml: keputusan[1].cabang_ya.ke_langkah: tindakan 'selesai' tidak memakai "
     "ke_langkah (hapus kunci ini)")),
    ('[keputusan.cabang_tidak]\ntindakan = "tunggu_berkas"',
     ("uji.toml: keputusan[1].cabang_tidak.tindakan: tindakan 'tunggu_berkas' hanya untuk "
     "keputusan jenis 'kelengkapan' (jenis keputusan ini 'syarat')")),
    ('[keputusan.cabang_tidak]\ntindakan = "tolak"\njeda = true',
     ("uji.toml: keputusan[1].cabang_tidak.jeda: jeda hanya untuk tindakan 'kembali' atau "
     "'tunggu_berkas' (tindakan ini 'tolak')")),
    ('[keputusan.cabang_tidak]\ntindakan = "tolak"\nlangkah = 1',
     ("uji.toml: keputusan[1].cabang_tidak.langkah: kunci 'langkah' tidak dikenal "
     "(maksud Anda 'ke_langkah'?)")),
    ('[keputusan.cabang_tidak]\ntindakan = "kembali"\nke_langkah = "satu"',
     "uji.toml: keputusan[1].cabang_tidak.ke_langkah: harus berupa bilangan bulat, bukan teks"),
])
def test_bad_branches_are_reported_in_indonesian(tmp_path, branch, expected):
    errors = _errors(_write(tmp_path, _decision("syarat", 2, branch)))
    assert expected in errors, errors


def test_decision_after_a_missing_or_end_step(tmp_path):
    errors = _errors(_write(tmp_path, _decision("syarat", 7)))
    assert "uji.toml: keputusan[1].setelah_langkah: langkah 7 tidak ada (langkah 1-4)" in errors
    text = BASE.replace('uraian = "Petugas memeriksa berkas"',
                        'uraian = "Petugas memeriksa berkas"\nakhir = true') + _decision()
    path = tmp_path / "akhir.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    assert any(e.startswith("akhir.toml: keputusan[1].setelah_langkah: langkah 2 bertanda akhir")
               for e in info.value.errors), info.value.errors


def test_back_step_and_branch_must_agree(tmp_path):
    errors = _errors(_write(tmp_path, _decision("syarat", 2, '''kembali_ke_langkah = 1
[keputusan.cabang_tidak]
tindakan = "kembali"
ke_langkah = 2
''')))
    assert any(e.startswith("uji.toml: keputusan[1].kembali_ke_langkah: kembali_ke_langkah = 1 "
                            "berbeda dengan cabang_tidak.ke_langkah = 2") for e in errors), errors


def test_persyaratan_that_reads_as_a_fact_is_refused(tmp_path):
    path = _write(tmp_path, '''
[[persyaratan]]
id = "bukan_pns"
teks = "Bukan PNS, Anggota TNI/Polri"

[[persyaratan]]
id = "usia"
teks = "Berusia 60 tahun ke atas"
''')
    errors = _errors(path)
    assert ("uji.toml: persyaratan[2].teks: 'Bukan PNS, Anggota TNI/Polri' adalah fakta yang "
            "diperiksa petugas, bukan dokumen yang dibawa pemohon; pindahkan ke [[kriteria]] "
            "(slip kekurangan hanya memuat dokumen)") in errors
    assert any(e.startswith("uji.toml: persyaratan[3].teks: 'Berusia 60 tahun") for e in errors)
    assert len(errors) == 2  # "Fotokopi KTP" is a document


@pytest.mark.parametrize(("roles", "expected"), [
    ('[[peran]]\nid = "sepupu"\nnama = "Sepupu"',
     "uji.toml: peran[1].id: peran 'sepupu' tidak dikenal (pilih: " + ", ".join(ROLE_KINDS) + ")"),
    ('[[peran]]\nid = "anggota"\nnama = "Anggota"\n\n[[peran]]\nid = "anggota"\nnama = "Lagi"',
     "uji.toml: peran[2].id: peran 'anggota' sudah dipakai di peran[1].id"),
    ('[[peran]]\nid = "anggota"\nnama = "Anggota"\nmin = 5\nmaks = 3',
     "uji.toml: peran[1].min: min 5 lebih besar dari maks 3"),
    ('[[peran]]\nid = "anggota"\nnama = "Anggota"\nnik_wajib = "ya"',
     "uji.toml: peran[1].nik_wajib: harus berupa true/false, bukan teks"),
    ('[[peran]]\nid = "anggota"',
     "uji.toml: peran[1].nama: wajib diisi"),
])
def test_bad_roles_are_reported(tmp_path, roles, expected):
    errors = _errors(_write(tmp_path, "\n" + roles + "\n"))
    assert expected in errors, errors


def test_roles_are_read_with_defaults(tmp_path):
    svc = load_service_file(_write(tmp_path, '''
[[peran]]
id = "anak"
nama = "Anak (bayi)"
maks = 3
nik_wajib = false

[[peran]]
id = "ketua"
nama = "Ketua"
min = 1
maks = 1
'''))
    anak, ketua = svc.roles
    assert (anak.id, anak.label, anak.min, anak.max, anak.nik_required) == (
        "anak", "Anak (bayi)", 0, 3, False)
    assert (ketua.min, ketua.max, ketua.nik_required) == (1, 1, True)
    assert svc.role("ketua") is ketua and svc.role("wali") is None


def test_kategori_question_must_name_a_known_group(tmp_path):
    errors = _errors(_write(tmp_path, '''
[[kondisi]]
id = "kategori_lansia"
pertanyaan = "Lanjut usia?"
kelompok = "Lansia"
'''))
    assert any(e.startswith("uji.toml: kondisi[1].kelompok: kelompok 'Lansia' tidak dipakai")
               for e in errors), errors


# --- The built-in catalog ------------------------------------------------------------------------

def test_every_decision_has_both_branches_with_existing_targets(catalog):
    for svc in catalog:
        numbers = {st.no for st in svc.steps}
        for d in svc.decisions:
            assert d.after_step in numbers, (svc.code, d.id)
            for outcome in (True, False):
                branch = d.branch(outcome)
                assert (d.yes_branch, d.no_branch)[not outcome] is branch, (svc.code, d.id)
                assert branch.action in BRANCH_ACTIONS
                assert branch.label == (d.yes if outcome else d.no)
                if branch.action == "kembali":
                    assert branch.to_step in numbers and branch.to_step <= d.after_step
                elif branch.action == "lanjut":
                    assert branch.to_step is None or (
                        branch.to_step in numbers and branch.to_step > d.after_step)
                else:
                    assert branch.to_step is None
                if branch.action == "tunggu_berkas":
                    assert d.kind == "kelengkapan"
            assert d.branch(False).text, (svc.code, d.id)  # what happens, in words


def test_jamkesda_valid_goes_to_6_and_ends_kendala_goes_to_7(catalog):
    svc = catalog.get("JAMKESDA")
    (d,) = svc.decisions
    assert d.after_step == 5
    assert (d.branch(True).action, d.branch(True).to_step) == ("lanjut", 6)
    assert (d.branch(False).action, d.branch(False).to_step) == ("lanjut", 7)
    assert "BPJS Kesehatan" in d.branch(False).text
    assert [st.no for st in svc.steps if st.end] == [6]
    assert svc.steps[-1].no == 7


@pytest.mark.parametrize(("code", "action", "to_step", "pause"), [
    ("REK-LKS", "tunggu_berkas", None, True),
    ("REK-PUB", "tunggu_berkas", None, True),
    ("WRSE-KKR", "kembali", 1, True),
    ("KUKAR-IDAMAN", "kembali", 1, False),
    ("PERMAKANAN", "kembali", 2, False),
    ("VETERAN", "tolak", None, False),
    ("KUBE", "tolak", None, False),
    ("UEP-KRSE", "tolak", None, False),
])
def test_negative_branches_follow_the_documents(catalog, code, action, to_step, pause):
    d = catalog.get(code).decisions[-1]
    no = d.branch(False)
    assert (no.action, no.to_step, no.pause) == (action, to_step, pause)


def test_veteran_refusal_is_dikeluarkan_dari_data(catalog):
    assert catalog.get("VETERAN").decisions[0].branch(False).text == "Dikeluarkan dari Data"


def test_permakanan_memenuhi_syarat_ends_the_case(catalog):
    d = catalog.get("PERMAKANAN").decisions[0]
    assert d.branch(True).action == "selesai"
    assert "periode berikutnya" in d.branch(True).text


def test_wrse_magetan_has_both_kelayakan_decisions(catalog):
    svc = catalog.get("WRSE-MGT")
    assert [(d.after_step, d.kind, d.branch(False).action) for d in svc.decisions] == [
        (3, "kelayakan", "tolak"), (6, "kelayakan", "tolak")]


_FACT_START = ("bukan", "terdaftar", "terdata", "berdomisili", "berusia", "usia", "penduduk",
               "masuk dalam", "tidak ", "mengalami", "berpenghasilan", "perempuan", "istri",
               "kedua orangtua", "menempuh")


def test_persyaratan_are_documents_not_facts(catalog):
    for svc in catalog:
        for it in svc.persyaratan:
            assert not it.text.lower().startswith(_FACT_START), (svc.code, it.id, it.text)


def test_facts_moved_to_criteria_keep_the_documents_words(catalog):
    alat = catalog.get("ALAT-BANTU")
    assert alat.persyaratan == ()
    assert any(cr.text.startswith("Bukan PNS, Anggota TNI/Polri") for cr in alat.kriteria)
    assert catalog.get("SEMBAKO").persyaratan == ()
    assert {cr.kind for cr in catalog.get("SEMBAKO").kriteria} == {"dtks", "lainnya"}
    assert "penduduk" not in {it.id for it in catalog.get("VETERAN").persyaratan}
    assert "dtks" not in {it.id for it in catalog.get("UEP-KRSE").persyaratan}
    assert "sekretariat_kegiatan" not in {it.id for it in catalog.get("REK-LKS").persyaratan}
    sandang = catalog.get("SANDANG")
    assert [it.id for it in sandang.persyaratan] == ["daftar_kebutuhan"]


def test_document_items_keep_their_ids(catalog):
    """Cases store item ids: items that stay documents keep them."""
    assert [it.id for it in catalog.get("REK-PUB").persyaratan] == [
        "akta", "terdaftar", "kegiatan_1_tahun", "susunan_panitia", "alamat_panitia",
        "program_panitia"]
    assert [it.id for it in catalog.get("VETERAN").persyaratan] == ["kartu_veteran", "buku_nikah"]
    assert [it.id for it in catalog.get("UEP-KRSE").persyaratan] == [
        "ktp", "kk", "proposal", "profil_uep", "rab", "lainnya"]


def test_every_condition_is_used(catalog):
    """A question at the counter either makes a bersyarat item required or chooses a category
    of criteria."""
    for svc in catalog:
        used = {it.condition_id for it in svc.persyaratan if it.kind == "bersyarat"}
        groups = {cr.group for cr in svc.kriteria if cr.group}
        for cond in svc.conditions:
            assert cond.id in used or cond.group in groups, (svc.code, cond.id)


def test_roles_are_valid(catalog):
    for svc in catalog:
        ids = [ro.id for ro in svc.roles]
        assert len(ids) == len(set(ids)), svc.code
        for ro in svc.roles:
            assert ro.id in ROLE_KINDS and ro.label
            assert ro.max is None or ro.min <= ro.max


def test_roles_from_the_documents(catalog):
    kube = catalog.get("KUBE")
    officers = {ro.id: (ro.min, ro.max) for ro in kube.roles}
    assert officers["ketua"] == officers["sekretaris"] == officers["bendahara"] == (1, 1)
    # "Total anggota kelompok minimal 10 orang", the three officers included
    assert officers["anggota"][0] + 3 == kube.criterion("jumlah_anggota").min
    lks = {ro.id: ro for ro in catalog.get("REK-LKS").roles}
    assert {"ketua", "sekretaris", "bendahara", "pengurus"} <= set(lks)
    assert lks["ketua"].nik_required and not lks["pengurus"].nik_required
    assert catalog.get("JAMKESDA").role("orang_tua") is not None
    assert catalog.get("ALAT-BANTU").role("orang_tua") is not None
    assert catalog.get("KUKAR-IDAMAN").role("wali") is not None
    assert catalog.get("VETERAN").role("ahli_waris") is not None
    assert catalog.get("REK-PUB").role("pengurus").min == 0  # the susunan panitia is a document
    for code in ("BENCANA", "SEMBAKO", "UEP-KRSE", "WRSE-KKR", "SANDANG"):
        assert catalog.get(code).roles == (), code


def test_builtin_files_keep_edits_above_the_standar_table():
    """Another section ([standar]) closes each file; branch tables must not fall into it."""
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        if "\n[standar]" in text:
            tail = text.split("\n[standar]", 1)[1]
            assert "[keputusan" not in tail and "[[peran]]" not in tail, path.name
