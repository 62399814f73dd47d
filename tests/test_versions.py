"""Issued letters are immutable: a reprint is a SALINAN with the same number; data corrected
after issue gives a new version under a new number and the old letter is void."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from models.dto import ApplicantInput
from casesteps import until_issuable

ORG = {"kind": "organisasi", "nik": "6403051507800003", "name": "Budi Santoso", "address": "Jl. Mulawarman No. 12",
       "desa": "Timbau", "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara", "phone": "081234567890",
       "org_name": "Yayasan Peduli Sesama"}


def text_of(path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def lengkap(desk, session):
    case = desk.open_case(session, "REK-PUB", ApplicantInput(**ORG))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    desk.decide(session, case.id)
    return until_issuable(desk, session, case.id)


def test_reprint_is_a_salinan_and_the_issued_file_stays(desk_service, session):
    case = lengkap(desk_service, session)
    first = desk_service.print_product(session, case.id)
    issued = Path(first.path).read_bytes()
    again = desk_service.print_product(session, case.id)
    assert again.number == first.number and again.verification_code == first.verification_code
    assert again.path != first.path and "SALINAN" in text_of(again.path)
    assert "SALINAN" not in text_of(first.path)
    assert Path(first.path).read_bytes() == issued  # the issued letter is never rewritten


def test_a_correction_after_issue_gives_a_new_version_and_voids_the_old(desk_service, session):
    case = lengkap(desk_service, session)
    first = desk_service.print_product(session, case.id)
    desk_service.update_applicant(session, case.id, ApplicantInput(**{**ORG, "org_name": "Yayasan Peduli Sesama Jaya"}))
    second = desk_service.print_product(session, case.id)
    assert second.number != first.number  # a new number; the void one is never used again
    text = text_of(second.path)
    assert "Yayasan Peduli Sesama Jaya" in text
    assert f"perubahan atas surat Nomor {first.number}" in " ".join(text.split())
    assert "Yayasan Peduli Sesama Jaya" not in text_of(first.path)  # the old file is as issued
    docs = {d.number: d for d in desk_service.case(session, case.id).documents if d.number}
    assert docs[first.number].voided_at is not None and docs[second.number].voided_at is None
    third = desk_service.print_product(session, case.id)  # printing again: a copy of version 2
    assert third.number == second.number and "SALINAN" in text_of(third.path)


def test_the_tembusan_never_stands_alone_on_a_page(desk_service, session):
    """A new version is a paragraph longer: what no longer fits goes over together (closing,
    signature, tembusan), never the tembusan alone; a plain letter stays on one page."""
    case = lengkap(desk_service, session)
    first = desk_service.print_product(session, case.id)
    assert len(PdfReader(first.path).pages) == 1
    desk_service.update_applicant(session, case.id, ApplicantInput(**{**ORG, "org_name": "Yayasan Peduli Sesama Jaya"}))
    second = desk_service.print_product(session, case.id)
    signer = desk_service.settings.kepala_nama
    for page in PdfReader(second.path).pages:
        text = page.extract_text()
        if "Tembusan" in text:
            assert signer in text and "Demikian" in text
        if signer in text:
            assert "Demikian" in text  # the signature block is not alone either
