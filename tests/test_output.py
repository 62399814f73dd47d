"""Printed documents (output.documents, output.pdf), read back with pypdf."""

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from output import documents
from output.documents import (
    Kop,
    Signatory,
    render_letter,
    render_receipt,
    render_slip,
    render_ticket,
)
from output.pdf import DeskPDF, write_pdf

KOP = Kop(
    pemerintah="PEMERINTAH KABUPATEN KUTAI KARTANEGARA",
    dinas="DINAS SOSIAL",
    alamat="Jalan Wolter Monginsidi No. 1, Tenggarong",
    telepon="(0541) 661234",
    email="dinsos@kukarkab.go.id",
    website="dinsos.kukarkab.go.id",
    kode_pos="75511",
    kota="Tenggarong",
)
SIGNATORY = Signatory(
    jabatan="Kepala Dinas Sosial",
    nama="Dr. H. Ahmad Fauzi, S.Sos., M.Si.",
    pangkat="Pembina Utama Muda (IV/c)",
    nip="197001011995031001",
)
APPLICANT = [
    ("Nama", "Ni Luh Putu Śrī"),
    ("Nama wali", "Nguyễn Văn An"),
    ("Nama panggilan", "[b]Siti[/] **tebal**"),
    ("Alamat", "a [/x] b, <b>Gg.</b> [/usr/local] No. 7"),
    ("NIK", "3273********0002"),
]
MISSING = ["Fotokopi KTP pemohon", "Surat keterangan tidak mampu dari kelurahan"]
RECEIVED = ["Fotokopi Kartu Keluarga", "Pas foto 3x4 berwarna"]
DAY = date(2024, 5, 22)
PARAGRAPH = (
    "Berdasarkan hasil verifikasi, yang bersangkutan di bawah ini memenuhi syarat "
    "sebagai penerima bantuan sosial sebesar Rp 900.000,- (sembilan ratus ribu rupiah)."
)


def text_of(path: Path) -> str:
    """All pages' text with whitespace runs collapsed to one space."""
    reader = PdfReader(path)
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def squashed(path: Path) -> str:
    """All pages' text without any whitespace (for text wrapped mid-word)."""
    return "".join(text_of(path).split())


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def embedded_fonts(path: Path) -> set[str]:
    """Base names of the fonts embedded (with a FontFile2) in the PDF."""
    names = set()
    for page in PdfReader(path).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            if "/FontFile2" in descendant["/FontDescriptor"].get_object():
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def slip(path: Path, **overrides) -> Path:
    args = dict(
        kop=KOP, service_name="Santunan Kukar Idaman", applicant=APPLICANT,
        missing=MISSING, notes=["", "Asli, bercap kelurahan"], date=DAY,
        officer="Rina Marlina", reference="BRK-2024-0012 / H-001",
        return_note="Silakan lengkapi berkas di atas dan kembali ke loket dengan "
                    "menunjukkan slip ini. Nomor berkas: BRK-2024-0012.",
    )
    args.update(overrides)
    return render_slip(path, **args)


def receipt(path: Path, **overrides) -> Path:
    args = dict(
        kop=KOP, service_name="Santunan Kukar Idaman", register_no="REG/2024/05/0042",
        applicant=APPLICANT, received=RECEIVED, date=DAY,
        due_text="29 Mei 2024 (5 hari kerja)", officer="Rina Marlina",
    )
    args.update(overrides)
    return render_receipt(path, **args)


def letter(path: Path, **overrides) -> Path:
    args = dict(
        kop=KOP, signatory=SIGNATORY, number="400.9.12/0123/Dinsos/2024", date=DAY,
        sifat="Biasa", lampiran="-", hal="Rekomendasi Penerima Bantuan WRSE",
        addressee="Kepala Desa Sukamaju", title="SURAT REKOMENDASI",
        blocks=[PARAGRAPH, APPLICANT], closing="Demikian untuk dipergunakan "
        "sebagaimana mestinya.", tembusan=["Bupati Kutai Kartanegara", "Arsip"],
        verification_code="7KQ2-M9XD",
    )
    args.update(overrides)
    return render_letter(path, **args)


# ------------------------------------------------------------------- ticket
def test_ticket(tmp_path: Path) -> None:
    path = render_ticket(tmp_path / "t.pdf", kop=KOP, code="H-001",
                         service_name="Santunan Kukar Idaman",
                         issued_at=datetime(2024, 5, 22, 10, 5), waiting_ahead=3,
                         priority=True)
    text = text_of(path)
    for part in ("DINAS SOSIAL", "H-001", "Santunan Kukar Idaman", "22 Mei 2024",
                 "10.05", "Antrean di depan Anda: 3", "Prioritas",
                 "Mohon menunggu nomor Anda dipanggil"):
        assert part in text
    box = PdfReader(path).pages[0].mediabox
    assert float(box.width) == pytest.approx(80 / 25.4 * 72, abs=0.5)
    assert float(box.height) >= 110 / 25.4 * 72 - 0.5


def test_ticket_without_priority_and_long_service_grows(tmp_path: Path) -> None:
    long_name = "Bantuan Sosial Usaha Ekonomi Produktif " * 8
    path = render_ticket(tmp_path / "t.pdf", kop=KOP, code="A-012",
                         service_name=long_name, issued_at=datetime(2024, 5, 22, 8),
                         waiting_ahead=0)
    text = text_of(path)
    assert "A-012" in text and "Prioritas" not in text
    assert pages(path) == 1
    assert float(PdfReader(path).pages[0].mediabox.height) > 110 / 25.4 * 72


# --------------------------------------------------------------------- slip
def test_slip_lists_exactly_the_missing_items(tmp_path: Path) -> None:
    path = slip(tmp_path / "slip.pdf")
    text = text_of(path)
    assert "SURAT KETERANGAN KEKURANGAN BERKAS" in text
    assert "BRK-2024-0012 / H-001" in text
    assert "Santunan Kukar Idaman" in text
    for i, item in enumerate(MISSING, start=1):
        assert f"{i}. {item}" in text
    for item in RECEIVED:
        assert item not in text
    assert "Asli, bercap kelurahan" in text
    assert "kembali ke loket" in text
    assert "Tenggarong, 22 Mei 2024" in text
    assert "Rina Marlina" in text


def test_slip_prints_names_and_markup_literally(tmp_path: Path) -> None:
    path = slip(tmp_path / "slip.pdf")
    text = text_of(path)
    assert "Ni Luh Putu Śrī" in text
    assert "Nguyễn Văn An" in text
    assert "[b]Siti[/] **tebal**" in text
    assert "a [/x] b, <b>Gg.</b> [/usr/local] No. 7" in text
    fonts = embedded_fonts(path)
    assert len(fonts) == 2 and all(n.startswith("DejaVuSans") for n in fonts)


def test_slip_labels_are_never_broken_mid_word(tmp_path: Path) -> None:
    """A label longer than the default column (e.g. "Lembaga/kelompok") widens the column."""
    path = slip(tmp_path / "slip.pdf",
                applicant=[("Lembaga/kelompok", "Yayasan Peduli"), ("Penanggung jawab", "Siti")])
    text = text_of(path)
    assert "Lembaga/kelompok : Yayasan Peduli" in text
    assert "Penanggung jawab : Siti" in text


def test_slip_long_items_wrap_and_add_pages(tmp_path: Path) -> None:
    long_item = "Surat keterangan domisili yang dilegalisir camat " * 6
    unbroken = "X" * 600
    short = slip(tmp_path / "short.pdf")
    many = [f"Dokumen nomor {i} {long_item}" for i in range(40)] + [unbroken]
    long_path = slip(tmp_path / "long.pdf", missing=many, notes=[],
                     applicant=[("Nama", "Ni Luh Putu Śrī " + "Wayan " * 40)])
    assert pages(long_path) > pages(short)
    flat = squashed(long_path)
    assert "Dokumennomor39" in flat
    assert unbroken in flat
    assert f"{len(many)}." in text_of(long_path)


def test_slip_with_nothing_missing_and_empty_fields(tmp_path: Path) -> None:
    empty = Kop(pemerintah="", dinas="", alamat="")
    path = slip(tmp_path / "s.pdf", kop=empty, missing=[], notes=[], applicant=[],
                officer="", reference="", return_note="")
    assert "(tidak ada)" in text_of(path)


# ------------------------------------------------------------------ receipt
def test_receipt(tmp_path: Path) -> None:
    path = receipt(tmp_path / "r.pdf")
    text = text_of(path)
    for part in ("TANDA TERIMA BERKAS", "REG/2024/05/0042", "Santunan Kukar Idaman",
                 "Ni Luh Putu Śrī", "Nguyễn", "Perkiraan selesai",
                 "29 Mei 2024 (5 hari kerja)", "Rina Marlina", "Simpan tanda terima"):
        assert part in text
    for i, item in enumerate(RECEIVED, start=1):
        assert f"{i}. {item}" in text


# ------------------------------------------------------------------- letter
def test_letter_layout_text(tmp_path: Path) -> None:
    path = letter(tmp_path / "l.pdf")
    text = text_of(path)
    for part in ("PEMERINTAH KABUPATEN KUTAI KARTANEGARA", "Tenggarong, 22 Mei 2024",
                 "Nomor : 400.9.12/0123/Dinsos/2024", "Sifat : Biasa",
                 "Lampiran : -", "Hal : Rekomendasi Penerima Bantuan WRSE",
                 "Yth. Kepala Desa Sukamaju", "Tempat", "SURAT REKOMENDASI",
                 "Rp 900.000,- (sembilan ratus ribu rupiah)", "Ni Luh Putu Śrī",
                 "Nguyễn Văn An", "[b]Siti[/]", "Kepala Dinas Sosial,",
                 "Dr. H. Ahmad Fauzi, S.Sos., M.Si.", "Pembina Utama Muda (IV/c)",
                 "NIP. 197001011995031001", "Tembusan:", "1. Bupati Kutai Kartanegara",
                 "2. Arsip", "Kode verifikasi: 7KQ2-M9XD"):
        assert part in text, part
    assert pages(path) == 1
    assert len(embedded_fonts(path)) == 2


def test_letter_has_qr_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payloads: list[str] = []
    real = documents._qr_svg

    def spy(payload: str):
        payloads.append(payload)
        return real(payload)

    monkeypatch.setattr(documents, "_qr_svg", spy)
    with_qr = letter(tmp_path / "l.pdf")  # a bare code: checked on the kop's website
    assert payloads == ["https://dinsos.kukarkab.go.id/verifikasi?kode=7KQ2-M9XD"]
    url = "https://dinsos.kukarkab.go.id/cek?kode=7KQ2-M9XD-4B"  # the office's verification URL
    assert "Kode verifikasi: 7KQ2-M9XD-4B" in text_of(letter(tmp_path / "u.pdf", verification_code=url))
    assert payloads[-1] == url
    no_qr = letter(tmp_path / "n.pdf", verification_code="")
    assert len(payloads) == 2
    assert "Kode verifikasi" not in text_of(no_qr)

    def stream(path: Path) -> bytes:
        return PdfReader(path).pages[0].get_contents().get_data()

    # fpdf2 draws the SVG QR code as vector paths in the page content.
    assert len(stream(with_qr)) > len(stream(no_qr)) + 1000


def test_letter_long_content_adds_pages(tmp_path: Path) -> None:
    short = letter(tmp_path / "short.pdf")
    long_path = letter(
        tmp_path / "long.pdf",
        hal="Rekomendasi " * 30,
        addressee="Kepala Desa Sukamaju\nKecamatan Tenggarong\ndi Tenggarong",
        blocks=[PARAGRAPH * 4, [("Nama", "Nguyễn " * 60)], "Y" * 500] * 5,
        signatory=Signatory(jabatan="Plt. Kepala Dinas Sosial " * 5, nama="A" * 200),
        tembusan=[f"Tembusan nomor {i}" for i in range(30)],
    )
    assert pages(long_path) > pages(short)
    text = text_of(long_path)
    assert "Tembusan nomor 29" in text
    assert "di Tenggarong" in text
    assert "Y" * 500 in squashed(long_path)


# ------------------------------------------------------------------ pdf base
def test_write_pdf_is_atomic_and_creates_dirs(tmp_path: Path) -> None:
    pdf = DeskPDF()
    pdf.add_page()
    pdf.paragraph("Halo")
    target = tmp_path / "a" / "b" / "doc.pdf"
    out = write_pdf(pdf, target)
    assert out == target.resolve() and out.read_bytes().startswith(b"%PDF")
    target.write_bytes(b"old")
    write_pdf(pdf, target)
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in target.parent.iterdir()) == ["doc.pdf"]


def test_output_does_not_import_ui_or_database() -> None:
    code = (
        "import sys, output.documents, output.pdf, output.words\n"
        "bad = [m for m in ('textual', 'rich', 'peewee', 'models', 'desk', 'screens')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, cwd=root, check=True)
    assert result.stdout.strip() == ""


# ------------------------------------- many documents in one process (fonts parsed once, shared)
NAMES = ["Śrī Ñgurah", "Nguyễn Văn Ánh", "Σωκράτης Фёдор", "Budi Santoso"]


def _named_letter(path: Path, name: str) -> Path:
    return letter(path, addressee=name, blocks=[PARAGRAPH, [("Nama", name), ("NIK", "3273********0002")]])


def test_letters_one_after_another_each_print_their_own_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fonts are parsed once per process and shared by the documents: every letter still
    prints its own names, the first (before anything is shared) as the later ones, and a letter
    carries nothing of the one printed before it."""
    from output import fontcache

    monkeypatch.setattr(fontcache, "_SHARED", {})  # as in a fresh process
    paths = [_named_letter(tmp_path / f"{i}.pdf", name) for i, name in enumerate(NAMES * 3)]
    for path, name in zip(paths, NAMES * 3):
        text = text_of(path)
        assert f"Yth. {name}" in text and f"Nama : {name}" in text
        assert [other for other in NAMES if other != name and other in text] == []
        assert len(embedded_fonts(path)) == 2
    for first, later in zip(paths, paths[len(NAMES) * 2:]):
        assert text_of(first) == text_of(later)


def test_letters_print_while_the_fonts_warm_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A desk warms the fonts in a worker after its start; letters printed by other workers at
    the same moment are whole."""
    from concurrent.futures import ThreadPoolExecutor

    from output import fontcache
    from output.pdf import warm_fonts

    monkeypatch.setattr(fontcache, "_SHARED", {})
    with ThreadPoolExecutor(3) as pool:
        warming = pool.submit(warm_fonts)
        printed = [pool.submit(_named_letter, tmp_path / f"{i}.pdf", name)
                   for i, name in enumerate(NAMES * 2)]
        warming.result()
        for future, name in zip(printed, NAMES * 2):
            assert f"Nama : {name}" in text_of(future.result())
