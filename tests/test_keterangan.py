"""A surat keterangan is laid out as the norms draw it, not as a letter."""

from __future__ import annotations

from pypdf import PdfReader

from models.dto import ApplicantInput


def test_kube_keterangan_has_title_number_signer_and_no_addressee(desk_service, session):
    case = desk_service.open_case(session, "KUBE", ApplicantInput(
        kind="kelompok", nik="3520011203850001", name="Sutrisno", address="Dsn. Krajan", desa="Sukowidi",
        kecamatan="Kartoharjo", kabupaten="Magetan", org_name="KUBE Maju [b]Bersama[/]", member_count="10"))
    for line in case.checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    case = desk_service.decide(session, case.id, reason="anggota tercatat pada berkas").case
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
