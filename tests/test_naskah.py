"""Naskah dinas (output.naskah) and the letters' signers and drafts, read back with pypdf."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from output.documents import Kop, Signatory, render_keterangan, render_letter
from output.letterparts import DRAFT_FOOTER, signature_heading
from output.naskah import Party, render_berita_acara, render_disposisi
from output.words import tanggal_terbilang

KOP = Kop(
    pemerintah="PEMERINTAH KABUPATEN KUTAI KARTANEGARA",
    dinas="DINAS SOSIAL",
    alamat="Jalan Wolter Monginsidi No. 1, Tenggarong",
    telepon="(0541) 661234",
    website="dinsos.kukarkab.go.id",
    kota="Tenggarong",
)
KEPALA = "KEPALA DINAS SOSIAL\nKABUPATEN KUTAI KARTANEGARA"
KABID = "Kepala Bidang Perlindungan dan Jaminan Sosial"
HEAD = Signatory(jabatan=KEPALA, nama="Dr. H. Ahmad Fauzi, S.Sos., M.Si.",
                 pangkat="Pembina Utama Muda (IV/c)", nip="197001011995031001")
ON_BEHALF = Signatory(jabatan=KABID, nama="Hj. Siti Rahmah, S.E., M.M.", pangkat="Pembina (IV/a)",
                      nip="197503152000032004", on_behalf=(KEPALA, "Sekretaris"))
CITIZEN = Signatory(jabatan="", nama="Budi [b]Santoso[/]")
DAY = date(2026, 12, 3)


def page_texts(path: Path) -> list[str]:
    """Each page's text with whitespace runs collapsed to one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def text_of(path: Path) -> str:
    return " ".join(page_texts(path))


def lines_of(path: Path) -> list[str]:
    return [line.strip() for page in PdfReader(path).pages
            for line in page.extract_text().splitlines() if line.strip()]


def berita_acara(path: Path, **overrides) -> Path:
    args = {
        "kop": KOP, "title": "BERITA ACARA SERAH TERIMA BANTUAN", "number": "400.9.11/0456/Dinsos/2026",
        "date": DAY, "place": "Kantor Dinas Sosial Kabupaten Kutai Kartanegara",
        "opening_parties_intro": "kami yang bertanda tangan di bawah ini:",
        "blocks": [[("Nama", "Budi [b]Santoso[/]"), ("NIK", "6403051507800003")],
                   "Selanjutnya disebut PIHAK KEDUA."],
        "closing": "Demikian berita acara ini dibuat dengan sebenarnya.",
        "parties": [Party("PIHAK KEDUA,", CITIZEN), Party("PIHAK PERTAMA,", ON_BEHALF)],
        "known": Party("", HEAD), "verification_code": "7KQ2-M9XD",
    }
    args.update(overrides)
    return render_berita_acara(path, **args)


def disposisi(path: Path, **overrides) -> Path:
    args = {
        "kop": KOP,
        "rows": [("Surat dari", "Kepala Desa Sukamaju"), ("Diterima tanggal", "3 Desember 2026"),
                 ("Nomor surat", "140/123/DS-SKM/XII/2026"), ("Nomor agenda", "0457"),
                 ("Tanggal surat", "1 Desember 2026"),
                 ("Perihal", "Permohonan bantuan sosial bagi korban kebakaran")],
        "sifat": "Segera",
        "forward_to": [("Sekretaris", False), (KABID, True)],
        "instructions": [("Tanggapan dan saran", False), ("Proses lebih lanjut", True), ("Arsip", False)],
        "note": "Segera verifikasi ke lapangan.", "signatory": HEAD, "date": DAY,
    }
    args.update(overrides)
    return render_disposisi(path, **args)


# ------------------------------------------------------------------ words
def test_tanggal_terbilang() -> None:
    assert tanggal_terbilang(date(2026, 12, 3)) == (
        "Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam")
    assert tanggal_terbilang(date(2024, 5, 22)) == (
        "Rabu tanggal dua puluh dua bulan Mei tahun dua ribu dua puluh empat")


# -------------------------------------------------------------- signers
def test_signature_heading_shapes() -> None:
    assert signature_heading(Signatory(jabatan=KEPALA, nama="X")) == [
        "KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA,"]
    assert signature_heading(Signatory(jabatan=KABID, nama="X", on_behalf=(KEPALA,))) == [
        "a.n. KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA", f"{KABID},"]
    assert signature_heading(ON_BEHALF) == [
        "a.n. KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA", "Sekretaris", "u.b.", f"{KABID},"]
    assert signature_heading(Signatory(jabatan=KEPALA, nama="X", status="Plt.")) == [
        "Plt. KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA,"]
    assert signature_heading(Signatory(jabatan=KABID, nama="X", on_behalf=(KEPALA,), status="Plh.")) == [
        "a.n. KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA", f"Plh. {KABID},"]
    assert signature_heading(CITIZEN) == []


def test_letter_prints_the_on_behalf_heading_in_order(tmp_path: Path) -> None:
    path = render_letter(
        tmp_path / "l.pdf", kop=KOP, signatory=ON_BEHALF, number="400.9.12/0123/Dinsos/2026",
        date=DAY, sifat="Biasa", lampiran="-", hal="Rekomendasi", addressee="Kepala Desa Sukamaju",
        title="", blocks=["Isi surat."], closing="Demikian.", tembusan=[], verification_code="7KQ2")
    lines = lines_of(path)
    start = lines.index("a.n. KEPALA DINAS SOSIAL")
    assert lines[start:start + 4] == ["a.n. KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA",
                                      "Sekretaris", "u.b."]
    assert lines.index(ON_BEHALF.nama) > start + 4
    assert "Kode verifikasi: 7KQ2" in text_of(path)


# ---------------------------------------------------------------- drafts
def test_letter_and_keterangan_drafts_carry_konsep_and_no_verification(tmp_path: Path) -> None:
    letter = render_letter(
        tmp_path / "l.pdf", kop=KOP, signatory=HEAD, number="400.9.12/…/Dinsos/2026", date=DAY,
        sifat="Biasa", lampiran="-", hal="Rekomendasi", addressee="Kepala Desa Sukamaju", title="",
        blocks=["Isi surat. " * 400], closing="Demikian.", tembusan=["Arsip"],
        verification_code="7KQ2-M9XD", draft=True)
    keterangan = render_keterangan(
        tmp_path / "k.pdf", kop=KOP, signatory=HEAD, number="…/…/…", date=DAY,
        title="SURAT KETERANGAN", blocks=["Isi."], closing="Demikian.", verification_code="7KQ2-M9XD",
        draft=True)
    for path, number in ((letter, "400.9.12/…/Dinsos/2026"), (keterangan, "…/…/…")):
        pages = page_texts(path)
        assert number in pages[0]
        for text in pages:  # the watermark and the footer on every page
            assert text.count("KONSEP") >= 2, text
            assert DRAFT_FOOTER in text
            assert "Kode verifikasi" not in text and "7KQ2-M9XD" not in text
            assert "Nomor: " + number not in text.split(DRAFT_FOOTER)[-1]
    assert len(page_texts(letter)) > 1


def test_a_final_letter_has_no_konsep(tmp_path: Path) -> None:
    path = render_keterangan(
        tmp_path / "k.pdf", kop=KOP, signatory=HEAD, number="400.9/1/Dinsos/2026", date=DAY,
        title="SURAT KETERANGAN", blocks=["Isi."], closing="Demikian.", verification_code="7KQ2-M9XD")
    text = text_of(path)
    assert "KONSEP" not in text and "Kode verifikasi: 7KQ2-M9XD" in text
    assert "Nomor: 400.9/1/Dinsos/2026" in text


# ---------------------------------------------------------- berita acara
def test_berita_acara_layout(tmp_path: Path) -> None:
    path = berita_acara(tmp_path / "ba.pdf")
    lines = lines_of(path)
    text = text_of(path)
    title = lines.index("BERITA ACARA SERAH TERIMA BANTUAN")
    assert lines[title + 1] == "Nomor: 400.9.11/0456/Dinsos/2026"
    assert ("Pada hari ini Kamis tanggal tiga bulan Desember tahun dua ribu dua puluh enam, "
            "bertempat di Kantor Dinas Sosial Kabupaten Kutai Kartanegara, kami yang bertanda "
            "tangan di bawah ini:") in text
    for part in ("PIHAK KEDUA,", "PIHAK PERTAMA,", "Budi [b]Santoso[/]", ON_BEHALF.nama,
                 "NIP. 197503152000032004", "Mengetahui,", HEAD.nama, "NIP. 197001011995031001",
                 "Demikian berita acara ini dibuat dengan sebenarnya.", "Kode verifikasi: 7KQ2-M9XD"):
        assert part in text, part
    # the a.n. / u.b. heading in order, above the signer's name; "Mengetahui" after the parties
    an = lines.index("a.n. KEPALA DINAS SOSIAL")
    ub = lines.index("u.b.")
    assert an < lines.index("Sekretaris") < ub < lines.index(ON_BEHALF.nama)
    assert lines.index("Mengetahui,") > lines.index(ON_BEHALF.nama)
    assert lines.index("Mengetahui,") < lines.index(HEAD.nama)
    # no place-and-date line above the signatures: the date is in the opening
    assert "Tenggarong, 3 Desember 2026" not in text
    assert "KONSEP" not in text


def test_berita_acara_draft_has_watermark_and_no_verification(tmp_path: Path) -> None:
    path = berita_acara(tmp_path / "ba.pdf", draft=True, number="…/…/Dinsos/2026")
    pages = page_texts(path)
    assert "Nomor: …/…/Dinsos/2026" in pages[0]
    for text in pages:
        assert text.count("KONSEP") >= 2 and DRAFT_FOOTER in text
        assert "Kode verifikasi" not in text


def test_berita_acara_with_one_party_and_no_known(tmp_path: Path) -> None:
    path = berita_acara(tmp_path / "ba.pdf", parties=[Party("Petugas Verifikasi,", HEAD)], known=None)
    text = text_of(path)
    assert "Petugas Verifikasi, KEPALA DINAS SOSIAL KABUPATEN KUTAI KARTANEGARA," in text
    assert "Mengetahui" not in text and "Kode verifikasi: 7KQ2-M9XD" in text
    assert len(page_texts(path)) == 1


@pytest.mark.parametrize("paragraphs", range(4, 64, 2))
def test_berita_acara_signature_blocks_are_never_split(tmp_path: Path, paragraphs: int) -> None:
    # one line each: the signature rows meet the page end at every height over three pages
    body = [f"Butir {i}: bantuan diserahkan dalam keadaan baik." for i in range(paragraphs)]
    path = berita_acara(tmp_path / "ba.pdf", blocks=body)
    pages = page_texts(path)
    holding = [i for i, text in enumerate(pages) if ON_BEHALF.nama in text]
    assert len(holding) == 1
    page = pages[holding[0]]
    for line in ("PIHAK PERTAMA,", "a.n. KEPALA DINAS SOSIAL", "u.b.", f"{KABID},",
                 "NIP. 197503152000032004", "PIHAK KEDUA,", "Budi [b]Santoso[/]"):
        assert line in page, (paragraphs, line)
    known = [i for i, text in enumerate(pages) if HEAD.nama in text]
    assert len(known) == 1 and "Mengetahui," in pages[known[0]]
    assert "NIP. 197001011995031001" in pages[known[0]]
    assert pages[-1].count("Kode verifikasi: 7KQ2-M9XD") == 1


# ------------------------------------------------------------- disposisi
def test_disposisi_ticks_what_was_chosen(tmp_path: Path) -> None:
    path = disposisi(tmp_path / "d.pdf")
    pages = page_texts(path)
    assert len(pages) == 1
    text = pages[0]
    assert "LEMBAR DISPOSISI" in text
    for part in ("Surat dari", "Kepala Desa Sukamaju", "Nomor agenda", "0457",
                 "140/123/DS-SKM/XII/2026", "Perihal", "Permohonan bantuan sosial bagi korban kebakaran",
                 "Diteruskan kepada:", "Dengan hormat harap:", "Catatan:", "Segera verifikasi ke lapangan.",
                 "Tenggarong, 3 Desember 2026", "KEPALA DINAS SOSIAL", HEAD.nama, "NIP. 197001011995031001"):
        assert part in text, part
    assert re.search(r"✓\s*Proses lebih lanjut", text)
    assert re.search(r"✓\s*Kepala Bidang Perlindungan", text)
    assert re.search(r"✓\s*Segera", text)
    for unticked in ("Tanggapan dan saran", "Arsip", "Sekretaris", "Sangat Segera", "Rahasia", "Biasa"):
        assert not re.search(rf"✓\s*{unticked}", text), unticked
    assert text.count("✓") == 3
    assert "Kode verifikasi" not in text and "KONSEP" not in text


@pytest.mark.parametrize("kertas", ["A4", "F4"])
def test_disposisi_fits_one_page_even_when_long(tmp_path: Path, kertas: str) -> None:
    import dataclasses

    kop = dataclasses.replace(KOP, kertas=kertas)
    path = disposisi(
        tmp_path / "d.pdf", kop=kop, sifat="Penting",
        forward_to=[(f"Kepala Seksi Urusan Nomor {i} Bidang Perlindungan", i == 3) for i in range(12)],
        instructions=[(f"Petunjuk nomor {i}", i == 5) for i in range(12)],
        note="Catatan panjang. " * 30)
    pages = page_texts(path)
    assert len(pages) == 1
    assert re.search(r"✓\s*Penting", pages[0]) and re.search(r"✓\s*Petunjuk nomor 5", pages[0])
    assert HEAD.nama in pages[0]
