"""A surat keterangan is laid out as the norms draw it, not as a letter."""

from __future__ import annotations

from pypdf import PdfReader

from models.dto import ApplicantInput
from casesteps import until_issuable


def test_kube_keterangan_has_title_number_signer_and_no_addressee(desk_service, session):
    case = desk_service.open_case(session, "KUBE", ApplicantInput(
        kind="kelompok", nik="3520011203850001", name="Sutrisno", address="Dsn. Krajan", desa="Sukowidi",
        kecamatan="Kartoharjo", kabupaten="Magetan", org_name="KUBE Maju [b]Bersama[/]", member_count="10"))
    for line in case.checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    desk_service.decide(session, case.id, reason="anggota tercatat pada berkas")
    case = until_issuable(desk_service, session, case.id)
    doc = desk_service.print_product(session, case.id)
    text = "\n".join(page.extract_text() for page in PdfReader(doc.path).pages)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = lines.index("SURAT KETERANGAN")
    assert lines[title + 1] == f"Nomor: {doc.number}"  # the number right under the title
    assert "Yang bertanda tangan di bawah ini:" in text
    settings = desk_service.settings
    assert settings.kepala_nama in text and settings.kepala_nip in text
    assert "menerangkan bahwa Kelompok Usaha Bersama (KUBE):" in text
    assert "KUBE Maju [b]Bersama[/]" in text and case.register_no in text
    for letter_only in ("Yth.", "Hal :", "Sifat", "Lampiran", "di Tempat", "Tembusan"):
        assert letter_only not in text
    assert not any(line.startswith("Hal") and "Halaman" not in line for line in lines)


def test_the_kop_carries_the_lambang_and_letters_follow_the_office_paper(desk_service, session, tmp_path):
    import dataclasses

    from PIL import Image

    logo = tmp_path / "lambang.png"
    Image.new("RGB", (60, 72), (200, 30, 30)).save(logo)
    desk_service.settings = dataclasses.replace(desk_service.settings, lambang=str(logo), kertas="F4")
    case = desk_service.open_case(session, "REK-PUB", ApplicantInput(
        kind="organisasi", nik="6403051507800003", name="Budi Santoso", address="Jl. A 1", desa="Timbau",
        kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", org_name="Yayasan Peduli Sesama"))
    for line in case.checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    desk_service.decide(session, case.id)
    doc = desk_service.print_product(session, case.id)
    page = PdfReader(doc.path).pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
    assert round(width_mm) == 215 and round(height_mm) == 330  # F4
    assert page.images, "the lambang is on the page"
    assert "PEMERINTAH KABUPATEN KUTAI KARTANEGARA" in page.extract_text()


def test_the_office_paper_and_lambang_are_checked_in_the_configuration(tmp_path):
    import pytest

    from desk.config import ConfigError, load_config

    for line, message in (('kertas = "Letter"', "A4"), ('lambang = "/tidak/ada.png"', "lambang")):
        config = tmp_path / "desk.toml"
        config.write_text(f"[kantor]\n{line}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(config_file=config, data_dir=tmp_path)
