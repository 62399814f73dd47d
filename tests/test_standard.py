"""The whole Standar Pelayanan: `[standar]` in the catalog, `desk katalog cetak`, the notes.

Done when the printed Standar Pelayanan of each seed service carries every component the seed
gives: every built-in service is printed and its text read back (pdftotext, or pypdf where
poppler is missing).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk.cli_katalog import katalog
from forms.loader import BUILTIN_DIR, CatalogError, load_catalog, load_service_file
from output.standard_pdf import SECTION_A, SECTION_B, category_rows, standard_rows

CATALOG = load_catalog()

#: Every component heading PermenPANRB 15/2014 names, as printed.
HEADINGS = (
    "Persyaratan", "Sistem, Mekanisme dan Prosedur", "Jangka Waktu Pelayanan", "Biaya/Tarif",
    "Produk Pelayanan", "Penanganan Pengaduan, Saran dan Masukan", "Dasar Hukum",
    "Sarana, Prasarana dan/atau Fasilitas", "Kompetensi Pelaksana", "Pengawasan Internal",
    "Jumlah Pelaksana", "Jaminan Pelayanan", "Jaminan Keamanan dan Keselamatan Pelayanan",
    "Evaluasi Kinerja Pelaksana",
)


def _squash(text: str) -> str:
    """Text without any whitespace: wrapped lines and broken words compare equal."""
    return re.sub(r"\s+", "", text).replace("\u2026", "")


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                             capture_output=True, text=True)
        return out.stdout
    pypdf = pytest.importorskip("pypdf", reason="neither pdftotext nor pypdf is available")
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def _phrase(text: str, words: int = 6) -> str:
    """A distinctive phrase of a value: its first words."""
    return " ".join(text.split()[:words])


def _base_file(tmp_path: Path, standar: str) -> Path:
    """The built-in KUBE file with its [standar] replaced by ``standar``."""
    text = (BUILTIN_DIR / "magetan-kube.toml").read_text(encoding="utf-8")
    head = text[: text.index("\n[standar]")]
    head = head[: head.rstrip().rfind("\n# ---")] if "# --- Standar Pelayanan" in head else head
    path = tmp_path / "kube.toml"
    path.write_text(head + "\n" + standar, encoding="utf-8")
    return path


# -- loader ------------------------------------------------------------------------------------

def test_loader_reads_the_standar_table(tmp_path):
    path = _base_file(tmp_path, """
[standar]
keputusan_nomor = "100/1/2024"
keputusan_tanggal = "22 Mei 2024"
sarana_prasarana = ["Meja", "Kursi"]
jumlah_pelaksana = "2 (dua) orang"
pengaduan_kanal = ["Telepon: 123"]
pengaduan_bidang = "Bidang Rehabilitasi Sosial"
catatan = ["Dokumen menulis Habitasi"]

[[standar.kategori]]
nama = "Lanjut Usia Telantar"
jangka_waktu = { nilai = 12, satuan = "bulan", teks = "12 (dua belas) bulan" }
rupiah = 200000
periode = "bulan"
kali = 12
""")
    std = load_service_file(path).standard
    assert std is not None
    assert std.decree_number == "100/1/2024"
    assert std.decree_date == dt.date(2024, 5, 22) and std.decree_date_text == "22 Mei 2024"
    assert std.sarana_prasarana == ("Meja", "Kursi")
    assert std.jumlah_pelaksana == ("2 (dua) orang",)
    assert std.complaint_unit == "Bidang Rehabilitasi Sosial"
    assert std.notes == ("Dokumen menulis Habitasi",)
    cat = std.categories[0]
    assert (cat.name, cat.amount_rupiah, cat.period, cat.count) == (
        "Lanjut Usia Telantar", 200000, "bulan", 12)
    assert cat.jangka_waktu is not None and cat.jangka_waktu.label() == "12 bulan"


def test_loader_accepts_a_toml_date_and_a_file_without_standar(tmp_path):
    path = _base_file(tmp_path, "[standar]\nkeputusan_tanggal = 2023-06-05\n")
    std = load_service_file(path).standard
    assert std is not None and std.decree_date == dt.date(2023, 6, 5)
    assert std.decree_date_text == "5 Juni 2023"
    bare = _base_file(tmp_path, "")
    assert load_service_file(bare).standard is None


@pytest.mark.parametrize(
    ("standar", "expected"),
    [
        ("[standar]\nsarana = [\"Meja\"]\n",
         "kube.toml: standar.sarana: kunci 'sarana' tidak dikenal"),
        ("[standar]\njumlah_pelaksana = 2\n",
         "kube.toml: standar.jumlah_pelaksana: harus berupa daftar teks, bukan bilangan bulat"),
        ("[standar]\nkeputusan_tanggal = \"31 Februari 2024\"\n",
         "kube.toml: standar.keputusan_tanggal: tanggal '31 Februari 2024' tidak valid"),
        ("[standar]\n[[standar.kategori]]\nnama = \"A\"\nrupiah = 1000\n",
         "kube.toml: standar.kategori[1].periode: wajib diisi bila rupiah diisi"),
        ('[standar]\n[[standar.kategori]]\nnama = "A"\njangka_waktu = { nilai = 1, satuan = "minggu" }\n',
         "kube.toml: standar.kategori[1].jangka_waktu.satuan: satuan 'minggu' tidak dikenal"),
        ("[standar]\n[[standar.kategori]]\nteks = \"tanpa nama\"\n",
         "kube.toml: standar.kategori[1].nama: wajib diisi"),
        ("[standar]\ncatatan = [\"a\"]\nbiaya = \"Gratis\"\n",
         "kube.toml: standar.biaya: kunci 'biaya' masuk ke tabel [standar]"),
        ("[[standar]]\ncatatan = [\"a\"]\n",
         "kube.toml: standar: harus berupa tabel, bukan daftar"),
    ],
)
def test_loader_rejects_bad_standar_with_a_clear_message(tmp_path, standar, expected):
    path = _base_file(tmp_path, standar)
    with pytest.raises(CatalogError) as info:
        load_service_file(path)
    assert any(e.startswith(expected) for e in info.value.errors), info.value.errors


def test_every_builtin_service_has_its_standard():
    for s in CATALOG:
        std = s.standard
        assert std is not None, s.code
        assert std.decree_number, s.code
        for attr in ("sarana_prasarana", "kompetensi_pelaksana", "jumlah_pelaksana",
                     "pengawasan_internal", "jaminan_pelayanan", "jaminan_keamanan",
                     "evaluasi_kinerja"):
            assert getattr(std, attr), (s.code, attr)
    idaman = CATALOG.get("KUKAR-IDAMAN").standard
    assert [c.amount_rupiah for c in idaman.categories] == [200000, 200000, 200000, 2000000]
    assert CATALOG.get("JAMKESDA").standard.complaint_unit == "Bidang Perlindungan dan Jaminan Sosial"


def test_document_inconsistencies_are_notes_in_the_catalog():
    def notes(code: str) -> str:
        return " ".join(CATALOG.get(code).standard.notes)

    assert "Habitasi" in notes("ALAT-BANTU") and "Habilitasi" in notes("ALAT-BANTU")
    assert "Tahun 2004" in notes("JAMKESDA") and "Tahun 2014" in notes("JAMKESDA")
    assert "72/SK.BUP/HK/2023" in notes("VETERAN")
    assert "51.856" in notes("KUBE") and "Sekadau" in notes("KUBE")


# -- the printed standard ---------------------------------------------------------------------

def test_rows_follow_permenpanrb_numbering():
    rows = standard_rows(CATALOG.get("KUBE"))
    assert [(r.section, r.no) for r in rows][:7] == [
        ("A", 1), ("A", 2), ("A", 3), ("A", 4), ("A", 5), ("A", 6), ("B", 1)]
    assert tuple(r.label for r in rows) == (*HEADINGS[:6], *HEADINGS[6:])
    assert rows[0].label == "Persyaratan" and rows[6].label == "Dasar Hukum"


class _Printed(dict):
    """code -> the text of its PDF printed with `desk katalog cetak` (printed on first use)."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def __missing__(self, code: str) -> str:
        target = self.folder / f"{code}.pdf"
        result = CliRunner().invoke(katalog, ["cetak", code.lower(), "-o", str(target)], obj={})
        assert result.exit_code == 0, result.output
        assert str(target) in result.output
        self[code] = _pdf_text(target)
        return self[code]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, str]:
    """Built-in services printed with `desk katalog cetak`, as extracted text."""
    return _Printed(tmp_path_factory.mktemp("standar"))


@pytest.mark.parametrize("code", [s.code for s in CATALOG])
def test_printed_standard_carries_every_component(printed, code):
    service = CATALOG.get(code)
    text = _squash(printed[code])
    assert _squash("STANDAR PELAYANAN") in text
    assert _squash(service.office.upper()) in text
    assert _squash(service.name) in text
    assert _squash(service.standard.decree_number) in text
    assert _squash(SECTION_A) in text and _squash(SECTION_B) in text
    for heading in HEADINGS:
        assert _squash(heading) in text, (code, heading)
    for row in standard_rows(service):
        for para in row.paras:
            assert _squash(_phrase(para.text)) in text, (code, row.label, para.text)
    std = service.standard
    values = [
        *std.sarana_prasarana, *std.kompetensi_pelaksana, *std.jumlah_pelaksana,
        *std.pengawasan_internal, *std.jaminan_pelayanan, *std.jaminan_keamanan,
        *std.evaluasi_kinerja, *std.complaint_channels, *service.dasar_hukum,
        *(it.text for it in service.persyaratan), *(st.uraian for st in service.steps),
    ]
    for value in values:
        assert _squash(_phrase(value)) in text, (code, value)
    if std.complaint_unit:
        assert _squash(std.complaint_unit) in text
    if service.jangka_waktu is not None:
        assert _squash(_phrase(service.jangka_waktu.text or service.jangka_waktu.label())) in text
    assert re.search(r"Halaman\s*1\s*dari\s*\d", printed[code])


def test_kukar_idaman_prints_its_categories(printed):
    text = _squash(printed["KUKAR-IDAMAN"])
    assert _squash("Rincian per Kategori") in text
    for name, jw, amount, _text in category_rows(CATALOG.get("KUKAR-IDAMAN")):
        assert _squash(name) in text and _squash(jw) in text and _squash(amount) in text
    assert _squash("Rp 2.000.000 per tahun") in text
    assert _squash("Rp 200.000 per bulan selama 12 bulan") in text


def test_long_standard_spans_pages_with_page_numbers(tmp_path):
    runner = CliRunner()
    target = tmp_path / "idaman.pdf"
    result = runner.invoke(katalog, ["cetak", "KUKAR-IDAMAN", "-o", str(target)], obj={})
    assert result.exit_code == 0, result.output
    text = _pdf_text(target)
    pages = re.findall(r"Halaman\s*(\d+)\s*dari\s*(\d+)", text)
    assert len(pages) >= 2 and all(total == str(len(pages)) for _n, total in pages)


def test_cetak_default_goes_to_the_document_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DESK_CONFIG", raising=False)
    monkeypatch.setattr("desk.config.default_config_file", lambda: tmp_path / "tidak-ada.toml")
    result = CliRunner().invoke(katalog, ["cetak", "VETERAN"], obj={})
    assert result.exit_code == 0, result.output
    path = tmp_path / "dokumen" / "standar-pelayanan-VETERAN.pdf"
    assert path.is_file() and str(path) in result.output


def test_cetak_unknown_code_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(katalog, ["cetak", "TIDAK-ADA", "-o", str(tmp_path / "x.pdf")],
                                obj={})
    assert result.exit_code != 0
    assert "Layanan 'TIDAK-ADA' tidak ditemukan" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_markup_in_a_standard_prints_literally(tmp_path):
    path = _base_file(tmp_path, '[standar]\nsarana_prasarana = ["[b]Meja[/b] dan a [/x] b"]\n')
    folder = tmp_path / "kantor"
    folder.mkdir()
    path.rename(folder / "kube.toml")
    target = tmp_path / "kube.pdf"
    result = CliRunner().invoke(
        katalog, ["--folder", str(folder), "cetak", "KUBE", "-o", str(target)], obj={})
    assert result.exit_code == 0, result.output
    assert "[b]Meja[/b] dan a [/x] b" in _pdf_text(target)


# -- lihat and periksa ------------------------------------------------------------------------

def test_periksa_lists_the_document_notes_and_exits_0():
    result = CliRunner().invoke(katalog, ["periksa"], obj={})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Catatan dokumen" in out and "bukan kesalahan" in out
    assert "[catatan]" in out
    assert "Habitasi" in out and "72/SK.BUP/HK/2023" in out
    total = sum(len(s.standard.notes) for s in CATALOG)
    assert f"{total} catatan dokumen" in out


def test_lihat_shows_the_new_components():
    result = CliRunner().invoke(katalog, ["lihat", "KUKAR-IDAMAN"], obj={})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Keputusan: Nomor 823/DINSOS/SET.1/05/2024 tanggal 22 Mei 2024" in out
    assert "Kompetensi pelaksana:" in out and "Mampu menganalisa data sekunder" in out
    assert "Ditindaklanjuti oleh: Bidang Perlindungan dan Jaminan Sosial" in out
    assert "Bantuan Pendidikan Anak dari Keluarga Tidak Mampu: jangka waktu" in out
    assert "Rp 2.000.000 per tahun" in out
    assert "Catatan dokumen:" in out


def test_lihat_shows_decision_branches():
    result = CliRunner().invoke(katalog, ["lihat", "REK-PUB"], obj={})
    assert result.exit_code == 0, result.output
    decision = CATALOG.get("REK-PUB").decisions[0]
    if getattr(decision, "no_branch", None) is None:
        pytest.skip("decision branches not in the catalog yet")
    assert f"- {decision.no} ->" in result.output
