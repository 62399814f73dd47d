"""Every document kind of every service renders from a case and reads back as an office would
sign it: number, names, dates (in words in a berita acara), amounts with terbilang, the signer
with its a.n. chain; a KONSEP before its step; the NIK full or masked as the office says; the
office's own templates and officials."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from casesteps import until_issuable
from desk.config import ConfigError, load_config
from forms.catalog import HEAD_OF_OFFICE
from forms.doctypes import DOCUMENT_KINDS
from forms.loader import CatalogError, load_catalog
from models.dto import ApplicantInput, DeskError
from models.settings import Official
from models.tables import AuditLog, Document
from output.words import format_rupiah, format_tanggal, tanggal_terbilang

CATALOG = load_catalog(())
PERSON = {"nik": "6403055507900002", "name": "Siti Aminah", "address": "Jl. Mawar 3", "desa": "Timbau",
          "kecamatan": "Tenggarong", "kabupaten": "Kutai Kartanegara", "phone": "081234567890"}


def text_of(path: str) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def applicant_for(svc, **extra) -> ApplicantInput:
    if svc.applicant_kind == "organisasi":
        extra.setdefault("org_name", "Yayasan Peduli Sesama")
    if svc.applicant_kind == "kelompok":
        extra.setdefault("org_name", "KUBE Mawar")
        extra.setdefault("member_count", 10)
    return ApplicantInput(kind=svc.applicant_kind, **{**PERSON, **extra})


def lengkap(desk, session, code: str, **extra):
    svc = desk.catalog.get(code)
    case = desk.open_case(session, code, applicant_for(svc, **extra))
    for line in case.checklist:
        if line.required:
            desk.set_item(session, case.id, line.item_id, True)
    result = desk.decide(session, case.id, reason="diperiksa dalam uji")
    assert result.lengkap
    return result.case


def documents():
    out = []
    for svc in CATALOG:
        for spec in ((svc.letter,) if svc.letter else ()) + svc.documents:
            if spec.template != "tanda_terima":
                out.append(pytest.param(svc.code, spec.document_kind, id=f"{svc.code}-{spec.document_kind}"))
    return out


def expected_signer(desk, spec) -> tuple[str, list[str]]:
    """The signer's name and the heading lines the letter must print above it."""
    s = desk.settings
    if spec.signer.jabatan == HEAD_OF_OFFICE:
        name, own = s.kepala_nama, s.kepala_jabatan.split("\n")[0]
    else:
        official = next(o for o in s.officials if o.jabatan == spec.signer.jabatan)
        name, own = official.nama, official.jabatan
    heading = []
    if spec.signer.on_behalf:
        heading.append("a.n. " + s.kepala_jabatan.split("\n")[0])
    return name, [*heading, own]


@pytest.mark.parametrize(("code", "kind"), documents())
def test_every_document_of_every_service_renders_from_a_case(desk_service, session, clock, code, kind):
    svc = desk_service.catalog.get(code)
    spec = svc.document(kind)
    case = lengkap(desk_service, session, code)
    until_issuable(desk_service, session, case.id, kind)
    doc = desk_service.print_product(session, case.id, kind)
    text = text_of(doc.path)
    assert "KONSEP" not in text
    detail = desk_service.case(session, case.id, record_view=False)
    a = detail.applicant
    assert (a.org_name or a.name) in text
    name, heading = expected_signer(desk_service, spec)
    assert name in text
    position = 0
    for line in heading:  # a.n. KEPALA DINAS ... then the signer's own jabatan, in that order
        found = text.find(line, position)
        assert found >= 0, (line, text[-600:])
        position = found
    if DOCUMENT_KINDS[kind].numbered:
        assert doc.number.startswith(spec.klasifikasi + "/") and doc.number in text
        assert doc.verification_code and doc.verification_code in text
    layout = DOCUMENT_KINDS[kind].layout
    if layout == "berita_acara":  # the date in words in the opening
        assert f"Pada hari ini {tanggal_terbilang(clock().date())}" in text
    else:
        assert format_tanggal(clock().date()) in text
    if kind == "ba_serah_terima" and svc.benefit_rupiah:
        assert format_rupiah(svc.benefit_rupiah) in text  # "Rp 900.000,- (sembilan ratus ribu rupiah)"
    if kind == "disposisi":
        assert "LEMBAR DISPOSISI" in text and detail.register_no in text
    # the NIK as the kind's default says: in full to a recipient who must identify the person
    if DOCUMENT_KINDS[kind].full_nik:
        assert PERSON["nik"] in text
    else:
        assert PERSON["nik"] not in text


def test_before_its_step_a_letter_prints_only_as_a_konsep(desk_service, session):
    case = lengkap(desk_service, session, "REK-PUB")
    draft = desk_service.print_product(session, case.id)
    text = text_of(draft.path)
    assert draft.number == "" and draft.verification_code == "" and "KONSEP" in draft.title
    assert "KONSEP" in text and "400.9.7/" not in text and "Kode verifikasi" not in text
    assert "belum ditandatangani" in text  # the footer says it is not a signed letter
    rows = list(Document.select().where(Document.case == case.id))
    assert [r.number for r in rows] == [None]  # recorded (who printed what), never numbered
    choices = {c.kind: c for c in desk_service.case_documents(session, case.id)}
    assert choices["rekomendasi"].state == "konsep" and "langkah 3" in choices["rekomendasi"].note
    assert choices["disposisi"].state == "siap"

    until_issuable(desk_service, session, case.id)
    letter = desk_service.print_product(session, case.id)
    assert letter.number == "400.9.7/0001/Dinsos/2026"  # the draft took no number
    choices = {c.kind: c for c in desk_service.case_documents(session, case.id)}
    assert choices["rekomendasi"].state == "terbit" and letter.number in choices["rekomendasi"].note


def test_a_surat_pengantar_is_issued_only_on_the_path_that_sends_it(desk_service, session):
    """JAMKESDA: the letter to BPJS is step 7's work (data that could not be matched); on the
    matched path (step 6, the end) step 7 is skipped and the letter stays a KONSEP."""
    matched = lengkap(desk_service, session, "JAMKESDA")
    for _ in range(10):  # the data match: "valid dan padan" at every decision
        running = desk_service.case(session, matched.id, record_view=False).current_step
        if running is None:
            break
        desk_service.finish_step(session, matched.id, outcome=True if running.decision_question else None,
                                 step_no=running.no)
    choices = {c.kind: c for c in desk_service.case_documents(session, matched.id)}
    assert choices["surat_pengantar"].state == "konsep"
    assert choices["surat_pengantar"].note == "langkah 7 dilewati pada jalur berkas ini"
    assert desk_service.print_product(session, matched.id, "surat_pengantar").number == ""

    unmatched = lengkap(desk_service, session, "JAMKESDA")
    until_issuable(desk_service, session, unmatched.id, "surat_pengantar")
    letter = desk_service.print_product(session, unmatched.id, "surat_pengantar")
    text = text_of(letter.path)
    assert letter.number.startswith("400.9.11/") and "BPJS Kesehatan" in text
    assert "a.n. KEPALA DINAS SOSIAL" in text and "Kepala Bidang Perlindungan dan Jaminan Sosial" in text


def test_the_office_sets_whether_a_kind_prints_the_nik_in_full(desk_service, session):
    case = lengkap(desk_service, session, "REK-PUB")
    until_issuable(desk_service, session, case.id)
    full = desk_service.print_product(session, case.id)
    assert PERSON["nik"] in text_of(full.path)
    audit = AuditLog.select().where((AuditLog.action == "cetak") & (AuditLog.entity == "document")
                                    & (AuditLog.entity_id == full.id)).get()
    assert '"nik": "lengkap"' in audit.detail or "'nik': 'lengkap'" in audit.detail  # the full NIK was printed

    desk_service.settings = dataclasses.replace(desk_service.settings, nik_documents=(("rekomendasi", "samar"),))
    other = lengkap(desk_service, session, "REK-PUB", org_name="Yayasan Kedua")
    until_issuable(desk_service, session, other.id)
    masked = text_of(desk_service.print_product(session, other.id).path)
    assert PERSON["nik"] not in masked and "6403********0002" in masked
    # a reprint of the first letter under the new setting is a SALINAN, not a new version
    again = desk_service.print_product(session, case.id)
    assert again.number == full.number and "Salinan" in again.title


def test_a_signer_the_office_has_not_named_blocks_the_number_but_not_the_konsep(desk_service, session):
    desk_service.settings = dataclasses.replace(desk_service.settings, officials=())
    case = lengkap(desk_service, session, "JAMKESDA")
    until_issuable(desk_service, session, case.id, "surat_pengantar")
    with pytest.raises(DeskError, match="Kepala Bidang Perlindungan dan Jaminan Sosial.*pejabat"):
        desk_service.print_product(session, case.id, "surat_pengantar")
    assert not Document.select().where(Document.number.is_null(False)).exists()  # no number spent


def test_an_acting_official_signs_as_plt(desk_service, session):
    desk_service.settings = dataclasses.replace(desk_service.settings, officials=(
        Official("Kepala Bidang Perlindungan dan Jaminan Sosial", "Dr. [b]Andi[/] Wijaya, M.Si.", "Pembina",
                 "19800101 200501 1 001", "Plt."),))
    case = lengkap(desk_service, session, "JAMKESDA")
    until_issuable(desk_service, session, case.id, "surat_pengantar")
    text = text_of(desk_service.print_product(session, case.id, "surat_pengantar").path)
    assert "Plt. Kepala Bidang Perlindungan dan Jaminan Sosial" in text
    assert "Dr. [b]Andi[/] Wijaya, M.Si." in text and "NIP. 19800101 200501 1 001" in text


def test_an_office_changes_a_template_with_its_own_file(tmp_path: Path):
    folder = tmp_path / "katalog"
    folder.mkdir()
    (folder / "_dokumen.toml").write_text(
        '[ba_serah_terima]\npenutup = "Demikian berita acara ini dibuat rangkap 3 (tiga)."\n', encoding="utf-8")
    catalog = load_catalog([folder])
    spec = catalog.get("KUBE").document("ba_serah_terima")
    assert spec.closing == "Demikian berita acara ini dibuat rangkap 3 (tiga)."
    assert spec.title == "BERITA ACARA SERAH TERIMA BANTUAN"  # the keys it did not set stay
    (folder / "_dokumen.toml").write_text('[ba_serah_terima]\nisi = ["{tidak_ada}"]\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="tidak_ada"):
        load_catalog([folder])


@pytest.mark.parametrize(("table", "message"), [
    ('[[dokumen]]\njenis = "surat_cinta"\n', "jenis dokumen 'surat_cinta' tidak dikenal"),
    ('[[dokumen]]\njenis = "disposisi"\nsetelah_langkah = 2\npada_langkah = 3\n', "tidak keduanya"),
    ('[[dokumen]]\njenis = "disposisi"\npada_langkah = 99\n', "langkah 99 tidak ada"),
    ('[[dokumen]]\njenis = "disposisi"\npenandatangan = "Sekretaris"\natas_nama = ["Bupati"]\n',
     "dimulai dari 'Kepala Dinas'"),
    ('[[dokumen]]\njenis = "disposisi"\n\n[[dokumen]]\njenis = "disposisi"\n', "sudah dipakai"),
])
def test_the_loader_says_what_is_wrong_with_a_document_entry(tmp_path: Path, table: str, message: str):
    source = Path(CATALOG.get("REK-PUB").path).read_text(encoding="utf-8")
    head, sep, tail = source.partition("[standar]")
    folder = tmp_path / "katalog"
    folder.mkdir()
    (folder / "rek-pub.toml").write_text(head + table + "\n" + sep + tail, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog([folder])


def test_officials_and_the_nik_setting_are_checked_in_the_configuration(tmp_path: Path):
    def load(text: str):
        path = tmp_path / "desk.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(config_file=path, data_dir=tmp_path)

    office = load('[[pejabat]]\njabatan = "Sekretaris"\nnama = "Budi"\nstatus = "Plh."\n\n'
                  '[nik_dokumen]\nrekomendasi = "samar"\n').office
    assert office.officials == (Official("Sekretaris", "Budi", status="Plh."),)
    assert office.nik_documents == (("rekomendasi", "samar"),)
    with pytest.raises(ConfigError, match="jabatan dan nama wajib"):
        load('[[pejabat]]\njabatan = "Sekretaris"\n')
    with pytest.raises(ConfigError, match="lengkap.*samar"):
        load('[nik_dokumen]\nrekomendasi = "sebagian"\n')
    with pytest.raises(ConfigError, match="jenis dokumen tidak dikenal"):
        load('[nik_dokumen]\nsurat_cinta = "lengkap"\n')


def test_the_office_words_its_notice_receipt_slip_and_ticket_itself(config, clock, tmp_path: Path):
    """The desk's own documents take their text from the templates too: an office's
    _dokumen.toml in its katalog folder changes them without a code change."""
    from desk.wiring import make_service
    from models.demo import prepare_demo

    folder = tmp_path / "katalog-kantor"
    folder.mkdir()
    (folder / "_dokumen.toml").write_text('''
[pemberitahuan]
penutup = "Keberatan dapat disampaikan melalui {kanal_pengaduan} dalam 14 hari."
[tanda_terima]
judul = "BUKTI PENERIMAAN BERKAS"
penutup = "Hasil layanan diambil dengan menunjukkan bukti ini."
[kekurangan_berkas]
isi = ["Mohon maaf, berkas {nama_pemohon} belum lengkap."]
[tiket]
judul = "Gratis, tanpa pungutan"
penutup = "Terima kasih telah menunggu"
''', encoding="utf-8")
    desk = make_service(dataclasses.replace(config, katalog_dirs=(folder,)), clock=clock)
    desk.open()
    prepare_demo(desk, with_samples=False)
    try:
        session = desk.login("petugas", "petugas123", 1)
        ticket = desk.issue_ticket(session, "JAMKESDA")
        printed = desk.print_ticket(session, ticket.id)
        assert "Gratis, tanpa pungutan" in text_of(printed.path) and "Terima kasih telah menunggu" in text_of(printed.path)

        svc = desk.catalog.get("JAMKESDA")
        case = desk.open_case(session, "JAMKESDA", applicant_for(svc))
        slip = desk.decide(session, case.id).document  # nothing ticked: tidak lengkap
        assert slip is not None and "Mohon maaf, berkas Siti Aminah belum lengkap." in text_of(slip.path)

        case = lengkap(desk, session, "ALAT-BANTU")
        receipt = desk.print_product(session, case.id, "tanda_terima")
        text = text_of(receipt.path)
        assert "BUKTI PENERIMAAN BERKAS" in text and "Hasil layanan diambil dengan menunjukkan bukti ini." in text

        refused = desk.open_case(session, "REK-PUB", applicant_for(desk.catalog.get("REK-PUB"),
                                                                      org_name="Yayasan Ditolak"))
        desk.refuse_case(session, refused.id, "Kegiatan pengumpulan tidak untuk kepentingan sosial")
        notice = text_of(desk.print_notice(session, refused.id).path)
        assert "Keberatan dapat disampaikan melalui" in notice and "dalam 14 hari." in notice
        assert "Kegiatan pengumpulan tidak untuk kepentingan sosial" in notice
        assert "Pemberitahuan atas Permohonan" in notice
    finally:
        desk.close()
