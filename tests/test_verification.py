"""Real verification of issued letters (issue 9): the code is an HMAC of the letter's registered
facts keyed by the installation's secret; the QR code holds the office's verification URL;
`desk verifikasi` tells asli, diubah and tidak dikenal by code, URL or PDF file."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from desk.cli import cli
from desk.config import Config
from desk.wiring import make_service
from models import documents, verification
from models.dto import ApplicantInput
from models.tables import Document, InstallationSecret
from casesteps import until_issuable

ORG = {"kind": "organisasi", "nik": "6403051507800003", "name": "Budi Santoso", "address": "Jl. Mulawarman No. 12",
       "desa": "Timbau", "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara", "phone": "081234567890",
       "org_name": "Yayasan Peduli Sesama"}
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$")
FACTS = {"v": 1, "kantor": "DINSOS-KKR", "jenis": "rekomendasi", "nomor": "400.9.7/0001/Dinsos/2026",
         "tanggal": "2026-11-23", "register": "REK-PUB/2026/00001", "nama": "Budi Santoso",
         "lembaga": "Yayasan Peduli Sesama", "nik": "6403********0003", "isi": "ab" * 32}


def text_of(path: str | Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def run(args):
    return CliRunner().invoke(cli, args, obj={}, prog_name="desk", catch_exceptions=False)


@pytest.fixture
def base_args(tmp_path, db_url):
    """The command line on the test database (the demo office, like desk_service)."""
    return ["--db", db_url, "--data-dir", str(tmp_path)]


@pytest.fixture
def public(desk_service):
    return desk_service.principal("publik")


def issue_letter(desk, session):
    case = desk.open_case(session, "REK-PUB", ApplicantInput(**ORG))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    desk.decide(session, case.id)
    until_issuable(desk, session, case.id)
    return case, desk.print_product(session, case.id)


def forged_copy(desk, case_id, letter, path: Path, **applicant) -> Path:
    """The letter rendered again by the same renderer with the same code and QR, but with other
    applicant data (what someone editing the issued PDF would produce)."""
    from output import documents as out

    ctx = desk.ctx
    number = applicant.pop("number", letter.number)
    detail = desk.case(desk.principal("sistem"), case_id, record_view=False)
    detail = dataclasses.replace(detail, applicant=dataclasses.replace(detail.applicant, **applicant))
    s = ctx.settings
    return out.render_letter(
        path, kop=documents.kop(ctx), signatory=out.Signatory(jabatan=s.kepala_jabatan, nama=s.kepala_nama,
                                                              pangkat=s.kepala_pangkat, nip=s.kepala_nip),
        number=number, date=letter.created_at.date(), sifat="Biasa",
        lampiran="-", hal=letter.title, addressee="Bupati Kutai Kartanegara", title="REKOMENDASI",
        blocks=["Memberikan rekomendasi kepada:", documents.applicant_lines(detail, full=True)],  # (as issued)
        closing="Demikian rekomendasi ini dibuat.", tembusan=[],
        verification_code=verification.verification_url(ctx, letter.verification_code))


# -- the code -----------------------------------------------------------------------------------

def test_the_code_is_the_same_for_the_same_facts_and_changes_with_any_fact():
    secret = bytes(range(32))
    code = verification.verification_code(secret, FACTS)
    assert CODE.match(code) and verification.verification_code(secret, dict(FACTS)) == code
    for key, value in FACTS.items():
        changed = {**FACTS, key: value + 1 if isinstance(value, int) else value + "x"}
        assert verification.verification_code(secret, changed) != code, key
    assert verification.verification_code(bytes(32), FACTS) != code  # another installation's secret


def test_typed_and_scanned_codes_are_read_as_stored():
    assert verification.parse_code("7kq2m9xd4b") == "7KQ2-M9XD-4B"
    assert verification.parse_code(" 7KQ2 - M9XD - 4B ") == "7KQ2-M9XD-4B"
    assert verification.parse_code("7KQ2-M9XD-4B".replace("0", "O")) == "7KQ2-M9XD-4B"
    assert verification.parse_code("1OIL-0000-00") == "1011-0000-00"  # O, I, L typed for 0, 1
    assert verification.parse_code("https://dinsos.kukarkab.go.id/verifikasi?kode=7KQ2-M9XD-4B") == "7KQ2-M9XD-4B"
    assert verification.parse_code("https://x.go.id/cek?lang=id&kode=7kq2m9xd4b") == "7KQ2-M9XD-4B"
    assert verification.parse_code("DESK-VERIFIKASI:GCRX-EQUJ") == "GCRX-EQUJ"  # an old QR code
    assert verification.parse_code("gcrxequj") == "GCRX-EQUJ"


def test_installations_have_their_own_secret_and_desks_on_one_database_share_it(desk_service, session, config,
                                                                                  tmp_path):
    _, letter = issue_letter(desk_service, session)
    assert CODE.match(letter.verification_code)
    other = make_service(Config(data_dir=tmp_path / "lain", db_url=f"sqlite:///{tmp_path / 'lain.db'}",
                                office=config.office, output_dir=tmp_path / "lain" / "dokumen"))
    other.open()
    try:  # another installation: another secret; this office's letter is unknown there
        assert verification.installation_secret(other.ctx) != verification.installation_secret(desk_service.ctx)
        assert other.verify_letter(other.principal("publik"), letter.verification_code) is None
    finally:
        other.close()
    second_desk = make_service(config)
    second_desk.open()
    try:  # another desk on the same database: the same secret, the letter verifies
        assert verification.installation_secret(second_desk.ctx) == verification.installation_secret(desk_service.ctx)
        assert second_desk.verify_letter(second_desk.principal("publik"), letter.verification_code).verdict == "asli"
    finally:
        second_desk.close()


def _make_secret(args):
    config, barrier = args
    service = make_service(config)
    service.open()
    barrier.wait(timeout=60)
    return verification.installation_secret(service.ctx).hex()


def test_desks_making_the_secret_at_the_same_moment_end_with_one(config: Config, desk_service):
    with desk_service.ctx.connection():
        assert InstallationSecret.select().count() == 0  # nothing printed yet: no secret
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(4)
        with ctx.Pool(4) as pool:
            made = pool.map(_make_secret, [(config, barrier)] * 4)
    assert len(set(made)) == 1 and len(made[0]) == 64
    with desk_service.ctx.connection():
        assert InstallationSecret.select().count() == 1
    assert verification.installation_secret(desk_service.ctx).hex() == made[0]


# -- the QR code ----------------------------------------------------------------------------------

def test_the_qr_code_holds_the_offices_verification_url(desk_service, session, monkeypatch):
    from output import documents as out

    payloads: list[str] = []
    real = out._qr_svg
    monkeypatch.setattr(out, "_qr_svg", lambda payload: payloads.append(payload) or real(payload))
    _, letter = issue_letter(desk_service, session)
    assert payloads == [f"https://dinsos.kukarkab.go.id/verifikasi?kode={letter.verification_code}"]
    text = " ".join(text_of(letter.path).split())
    assert f"Kode verifikasi: {letter.verification_code}" in text
    assert "dinsos.kukarkab.go.id/verifikasi" in text

    desk_service.ctx.settings = dataclasses.replace(desk_service.ctx.settings,
                                                    url_verifikasi="https://sso.kukarkab.go.id/cek-surat")
    _, other = issue_letter(desk_service, session)
    assert payloads[-1] == f"https://sso.kukarkab.go.id/cek-surat?kode={other.verification_code}"
    assert desk_service.verify_letter(desk_service.principal("publik"), payloads[-1]).number == other.number


def test_the_verification_url_is_an_office_setting(tmp_path):
    from desk.config import ConfigError, load_config

    toml = tmp_path / "desk.toml"
    toml.write_text('[kantor]\nurl_verifikasi = "https://dinsos.magetan.go.id/cek"\n', encoding="utf-8")
    assert load_config(config_file=toml, data_dir=tmp_path).office.url_verifikasi == "https://dinsos.magetan.go.id/cek"
    toml.write_text('[kantor]\nurl_verifikasi = "dinsos magetan"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="url_verifikasi"):
        load_config(config_file=toml, data_dir=tmp_path)


# -- verifying ------------------------------------------------------------------------------------

def test_a_printed_letter_verifies_asli_by_code_url_and_file(desk_service, session, public, base_args):
    _, letter = issue_letter(desk_service, session)
    code = letter.verification_code
    url = verification.verification_url(desk_service.ctx, code)
    for given in (code, code.lower().replace("-", ""), url):
        verified = desk_service.verify_letter(public, given)
        assert verified.verdict == "asli" and not verified.legacy, given
        assert verified.number == letter.number and verified.applicant_name == "Yayasan Peduli Sesama (u.p. Budi Santoso)"
    by_file = desk_service.verify_file(public, letter.path)
    assert by_file.verdict == "asli" and by_file.number == letter.number and by_file.differences == ()
    assert by_file.nik == "6403********0003"

    for given in (code, url, letter.path):
        out = run([*base_args, "verifikasi", given])
        assert out.exit_code == 0, out.output
        assert "Surat ASLI" in out.output and letter.number in out.output and "Yayasan Peduli Sesama" in out.output


def test_a_copy_of_the_pdf_with_another_name_or_number_says_diubah(desk_service, session, public, base_args,
                                                                   tmp_path):
    case, letter = issue_letter(desk_service, session)
    same = forged_copy(desk_service, case.id, letter, tmp_path / "sama.pdf")
    assert desk_service.verify_file(public, same).verdict == "asli"  # the same facts, whatever the layout

    renamed = forged_copy(desk_service, case.id, letter, tmp_path / "nama.pdf", name="Budi Santoso Wijaya")
    assert letter.verification_code in " ".join(text_of(renamed).split())
    verdict = desk_service.verify_file(public, renamed)
    assert verdict.verdict == "diubah" and verdict.number == letter.number
    assert any("Budi Santoso Wijaya" in d and "(Budi Santoso)" in d for d in verdict.differences), verdict.differences
    out = run([*base_args, "verifikasi", str(renamed)])
    assert out.exit_code == 1 and "DIUBAH" in out.output and "Budi Santoso Wijaya" in out.output

    org = forged_copy(desk_service, case.id, letter, tmp_path / "lembaga.pdf", org_name="Yayasan Lain")
    assert any("Yayasan Lain" in d for d in desk_service.verify_file(public, org).differences)
    nik = forged_copy(desk_service, case.id, letter, tmp_path / "nik.pdf", nik="6403051507800009")
    assert desk_service.verify_file(public, nik).verdict == "diubah"

    renumbered = forged_copy(desk_service, case.id, letter, tmp_path / "nomor.pdf", number="400.9.7/0099/Dinsos/2026")
    assert desk_service.verify_file(public, renumbered).verdict == "diubah"


def test_a_known_number_under_a_false_code_says_diubah(desk_service, session, public, tmp_path):
    case, letter = issue_letter(desk_service, session)
    fake = dataclasses.replace(letter, verification_code="ABCD-EFGH-JK")
    forged = forged_copy(desk_service, case.id, fake, tmp_path / "kode.pdf")
    verdict = desk_service.verify_file(public, forged)
    assert verdict.verdict == "diubah" and verdict.number == letter.number
    assert any("ABCD-EFGH-JK" in d for d in verdict.differences)


def test_unknown_codes_and_files_say_tidak_dikenal(desk_service, session, public, base_args, tmp_path):
    case, letter = issue_letter(desk_service, session)
    assert desk_service.verify_letter(public, "ZZZZ-ZZZZ-ZZ") is None
    assert desk_service.verify_letter(public, "https://dinsos.kukarkab.go.id/verifikasi?kode=ZZZZ-ZZZZ-ZZ") is None
    stranger = dataclasses.replace(letter, verification_code="ZZZZ-ZZZZ-ZZ")
    unknown = forged_copy(desk_service, case.id, stranger, tmp_path / "asing.pdf", number="999/0001/Lain/2026")
    assert desk_service.verify_file(public, unknown) is None
    out = run([*base_args, "verifikasi", "ZZZZ-ZZZZ-ZZ"])
    assert out.exit_code == 1 and "TIDAK DIKENAL" in out.output
    out = run([*base_args, "verifikasi", str(unknown)])
    assert out.exit_code == 1 and "TIDAK DIKENAL" in out.output
    not_pdf = tmp_path / "bukan.pdf"
    not_pdf.write_text("bukan pdf", encoding="utf-8")
    out = run([*base_args, "verifikasi", str(not_pdf)])
    assert out.exit_code == 1 and "tidak dapat dibaca sebagai PDF" in out.output and "Traceback" not in out.output
    out = run([*base_args, "verifikasi", str(tmp_path / "tidak-ada.pdf")])
    assert out.exit_code == 1 and "tidak ditemukan" in out.output


def test_a_registered_row_changed_behind_the_desk_no_longer_verifies(desk_service, session, public):
    _, letter = issue_letter(desk_service, session)
    with desk_service.ctx.connection():
        doc = Document.get(Document.verification_code == letter.verification_code)
        facts = json.loads(doc.facts)
        assert facts["nomor"] == letter.number and facts["nama"] == "Budi Santoso"
        facts["nama"] = "Orang Lain"
        Document.update(facts=json.dumps(facts)).where(Document.id == doc.id).execute()
    verified = desk_service.verify_letter(public, letter.verification_code)
    assert verified.verdict == "diubah" and "tidak cocok" in verified.differences[0]


def test_a_letter_with_an_old_random_code_still_verifies_by_look_up(desk_service, session, public, base_args):
    _, letter = issue_letter(desk_service, session)
    with desk_service.ctx.connection():
        Document.update(verification_code="GCRX-EQUJ", facts="").where(
            Document.verification_code == letter.verification_code).execute()
    verified = desk_service.verify_letter(public, "DESK-VERIFIKASI:gcrx-equj")
    assert verified.verdict == "asli" and verified.legacy and verified.number == letter.number
    out = run([*base_args, "verifikasi", "GCRXEQUJ"])
    assert out.exit_code == 0 and "kode lama" in out.output


def test_a_replaced_letter_says_which_version_is_valid(desk_service, session, public, base_args):
    case, first = issue_letter(desk_service, session)
    desk_service.update_applicant(session, case.id, ApplicantInput(**{**ORG, "org_name": "Yayasan Peduli Sesama Jaya"}))
    second = desk_service.print_product(session, case.id)
    assert second.number != first.number and second.verification_code != first.verification_code
    old = desk_service.verify_letter(public, first.verification_code)
    assert old.verdict == "asli" and old.voided_at is not None
    assert (old.current_number, old.current_code) == (second.number, second.verification_code)
    assert desk_service.verify_file(public, first.path).current_number == second.number
    new = desk_service.verify_letter(public, second.verification_code)
    assert new.voided_at is None and new.version == 2 and new.current_number == ""
    assert desk_service.verify_file(public, second.path).verdict == "asli"
    out = run([*base_args, "verifikasi", first.verification_code])
    assert out.exit_code == 1 and "TIDAK BERLAKU" in out.output and second.number in out.output


def test_a_refusal_notice_verifies_too(desk_service, session, public):
    case = desk_service.open_case(session, "JAMKESDA", ApplicantInput(
        kind="perorangan", nik="6403055507900002", name="Siti Aminah", address="Jl. Mawar 3", desa="Timbau",
        kecamatan="Tenggarong", kabupaten="Samarinda"))
    desk_service.refuse_case(session, case.id, "Bukan penduduk Kutai Kartanegara")
    notice = desk_service.print_notice(session, case.id)
    assert CODE.match(notice.verification_code)
    verified = desk_service.verify_file(public, notice.path)
    assert verified.verdict == "asli", verified.differences
    assert verified.kind == "pemberitahuan" and verified.number == notice.number
