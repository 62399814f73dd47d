"""Documents: tickets, kekurangan-berkas slips, tanda terima and letters; their numbers, files
and verification codes.

Rendering (fpdf2) and printing never run inside a transaction. A letter is numbered and recorded
in one transaction, rendered, then marked rendered (its path) in a second one, which also tells
other desks it exists. A desk killed in between leaves a numbered letter without its PDF: it is
rendered again, idempotently (same number, code and date), by the next print of that case or by
the next desk that opens (:func:`recover_letters`); no screen lists it until then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from peewee import IntegrityError

from models import events, numbering, printing
from models.dto import (
    CaseDetail,
    ChecklistLine,
    DeskError,
    DocumentInfo,
    SessionInfo,
)
from models.kernel import Context, Tx
from models.permissions import Permission, machine_session
from models.persons import letter_values
from models.queue import waiting_ahead
from models.readmodel import case_detail, load_bundle, load_case, ticket_info
from models.settings import PRIORITY_KINDS, tz_label
from models.tables import Case, Document
from models.verification import installation_secret, verification_seal, verification_url
from output.words import format_tanggal

log = logging.getLogger(__name__)

_ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _docs():
    """The PDF module, imported on first use (fpdf2 takes ~0.4 s to import; start-up needs none)."""
    from output import documents

    return documents


def warm() -> None:
    """Import the PDF machinery and parse its fonts now (a desk does this in the background after
    start-up, so the first document printed does not wait for it)."""
    _docs()
    from output.pdf import warm_fonts

    warm_fonts()


def kop(ctx: Context) -> Any:
    """The office's letterhead."""
    s = ctx.settings
    return _docs().Kop(pemerintah=s.pemerintah, dinas=s.dinas, alamat=s.alamat, telepon=s.telepon,
                       email=s.email, website=s.website, kode_pos=s.kode_pos, kota=s.kota,
                       lambang=s.lambang, kertas=s.kertas)


def doc_path(ctx: Context, kind: str, name: str, day: dt.date) -> Path:
    """Where a document is written: ``<dokumen>/<year>/<month>/<kind>/<kind>-<office>-<name>.pdf``
    (the office code keeps two offices sharing a data folder apart)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{kind}-{ctx.settings.code}-{name}.pdf")
    return ctx.output_dir / str(day.year) / f"{day.month:02d}" / kind / safe


def applicant_lines(detail: CaseDetail) -> list[tuple[str, str]]:
    """The applicant's identity table on slips, receipts and letters."""
    a = detail.applicant
    lines: list[tuple[str, str]] = []
    if a.org_name:
        lines.append(("Lembaga/kelompok", a.org_name))
        lines.append(("Penanggung jawab", a.name))
    else:
        lines.append(("Nama", a.name))
    lines.append(("NIK", a.nik_masked))
    address = ", ".join(p for p in (a.address, a.desa, f"Kec. {a.kecamatan}" if a.kecamatan else "",
                                    a.kabupaten) if p)
    lines.append(("Alamat", address))
    if a.phone:
        lines.append(("Telepon", a.phone))
    if detail.member_count:
        lines.append(("Jumlah anggota", f"{detail.member_count} orang"))
    return lines


def _record(ctx: Context, session: SessionInfo, *, kind: str, title: str, path: Path,
            case_id: int | None = None, ticket_id: int | None = None, audit: dict | None = None,
            permission: Permission = Permission.DOCUMENT_PRINT, send: bool = True) -> DocumentInfo:
    """Record a rendered document (its PDF is on disk already), then print it (``send``)."""

    def body(tx: Tx) -> DocumentInfo:
        doc_id = Document.insert(office=ctx.office_id, case=case_id, ticket=ticket_id, kind=kind, title=title,
                                 path=str(path), created_by=tx.staff_id, created_at=tx.now).execute()
        if audit is not None:
            tx.audit("cetak", "document", doc_id, jenis=kind, **audit)
        if case_id is not None:
            tx.emit(events.DOCUMENT_ISSUED, doc_id, berkas=case_id, jenis=kind)
        return DocumentInfo(id=doc_id, kind=kind, title=title, path=str(path), created_at=tx.local_now,
                            case_id=case_id)

    document = ctx.write(session, permission, body)
    return printing.send(ctx.settings, document) if send else document


def print_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> DocumentInfo:
    """Render the ticket for the office's thermal paper (58 or 80 mm), record it, print it
    (ESC/POS printer, ticket command or print_command)."""
    from output.ticket import TicketSlip, render_ticket_pdf

    row, ahead, wait = ctx.read(session, Permission.QUEUE_ISSUE, lambda: waiting_ahead(ctx, ticket_id))
    info = ticket_info(ctx, row)
    day = info.issued_at.date()
    s = ctx.settings
    slip = TicketSlip(
        pemerintah=s.pemerintah, dinas=s.dinas, alamat=s.alamat, code=row["code"],
        service_name=info.service_name, issued_at=info.issued_at, tz_label=tz_label(s.timezone),
        waiting_ahead=ahead, estimated_wait_min=wait,
        priority_label=(f"Prioritas: {PRIORITY_KINDS[info.priority_kind]}" if info.priority_kind in PRIORITY_KINDS
                        else "Antrean Prioritas" if info.priority else ""))
    path = doc_path(ctx, "tiket", f"{day.isoformat()}-{row['code']}", day)
    render_ticket_pdf(path, slip, width_mm=s.ticket_width)
    document = _record(ctx, session, kind="tiket", title=f"Tiket {row['code']}", path=path,
                       ticket_id=ticket_id, permission=Permission.QUEUE_ISSUE, send=False)
    return printing.send_ticket(s, document, slip)


def render_slip(ctx: Context, session: SessionInfo, detail: CaseDetail,
                missing: tuple[ChecklistLine, ...]) -> DocumentInfo:
    """The daftar kekurangan berkas of a case found tidak lengkap (after the decision committed)."""
    now = ctx.now()
    path = doc_path(ctx, "slip", f"berkas{detail.id}-{now.date().isoformat()}-{now.strftime('%H%M%S')}", now.date())
    _docs().render_slip(
        path, kop=kop(ctx), service_name=detail.service.name, applicant=applicant_lines(detail),
        missing=[m.text for m in missing], notes=[m.note for m in missing], date=now.date(),
        officer=session.full_name, reference=str(detail.id),
        return_note=(f"Silakan lengkapi berkas di atas dan kembali ke loket dengan menunjukkan slip ini. "
                     f"Sebutkan nomor berkas {detail.id} atau NIK Anda kepada petugas."),
    )
    return _record(ctx, session, kind="slip", title="Slip kekurangan berkas", path=path, case_id=detail.id,
                   audit={"berkas": detail.id})


def print_product(ctx: Context, session: SessionInfo, case_id: int) -> DocumentInfo:
    """Print the service's product: its letter, or a tanda terima berkas.

    A letter gets its number (per office and year) and a verification code the first time;
    printing again reprints the same number with the case's current data.
    """
    def read() -> tuple[Any, CaseDetail, bool]:
        svc_kind = (Document.select(Document.id)  # the current (not void) letter, latest version
                    .where((Document.case == Case.id) & Document.number.is_null(False)
                           & (Document.kind != "pemberitahuan") & Document.voided_at.is_null())
                    .order_by(Document.version.desc()).limit(1))
        record = load_case(ctx, case_id, extra={"letter_id": svc_kind})
        svc = ctx.service_by_row(record.row.service_id)
        receipt = svc is not None and (svc.letter is None or svc.letter.template == "tanda_terima")
        if receipt:
            load_bundle(ctx, record)  # the receipt lists the documents received
        return record, case_detail(ctx, record), receipt

    record, detail, receipt = ctx.read(session, Permission.DOCUMENT_PRINT, read)
    if detail.status == "ditolak":
        raise DeskError("Permohonan ini ditolak: yang dicetak adalah surat pemberitahuan penolakan.")
    if detail.status not in ("diproses", "selesai"):
        raise DeskError("Surat hanya dapat dicetak untuk berkas yang sudah lengkap "
                        f"(status berkas ini: {detail.status_label}).")
    if receipt:
        return _print_receipt(ctx, session, detail)
    svc = ctx.catalog.get(detail.service.code)
    letter_id = getattr(record.row, "letter_id", None)
    digest = letter_digest(ctx, detail, svc)
    if letter_id:
        doc = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: Document.get_by_id(letter_id))
        if doc.path and doc.data_hash and doc.data_hash != digest:  # corrected after issue
            return _issue_letter(ctx, session, detail, svc, digest, replaces=doc)
        return _render_recorded(ctx, session, detail, svc, doc, reprint=bool(doc.path))
    return _issue_letter(ctx, session, detail, svc, digest)


def _print_receipt(ctx: Context, session: SessionInfo, detail: CaseDetail) -> DocumentInfo:
    today = ctx.today()
    path = doc_path(ctx, "tanda-terima", detail.register_no, today)
    due_text = "-"
    if detail.due_at:
        due_text = f"{format_tanggal(detail.due_at.date())} ({detail.service.jangka_waktu})"
    _docs().render_receipt(
        path, kop=kop(ctx), service_name=detail.service.name, register_no=detail.register_no,
        applicant=applicant_lines(detail), received=[line.text for line in detail.checklist if line.received],
        date=today, due_text=due_text, officer=session.full_name,
    )
    return _record(ctx, session, kind="tanda_terima", title="Tanda terima berkas", path=path, case_id=detail.id,
                   audit={"berkas": detail.id})


def allocate_letter_number(ctx: Context, klasifikasi: str, day: dt.date) -> str:
    """The next number of the office's letter sequence (per year), formatted by the office's
    pattern (inside the numbering transaction: every letter kind shares the sequence)."""
    s = ctx.settings
    seq = numbering.allocate(f"surat:{ctx.office_id}", str(day.year))
    return s.letter_number_pattern.format(klasifikasi=klasifikasi, nomor=seq, unit=s.unit_code,
                                          tahun=day.year, bulan_romawi=_ROMAN[day.month])


def _issue_letter(ctx: Context, session: SessionInfo, detail: CaseDetail, svc: Any, digest: str = "",
                  replaces: Document | None = None) -> DocumentInfo:
    """Number and record the letter (one transaction), then render it and mark it rendered
    (a second one, with the event that tells other desks it exists).

    With ``replaces`` (a letter whose data changed after issue) the new letter is its next
    version under a new number, and the old one is void from now on, in the same transaction;
    its number is never used again."""
    letter = svc.letter
    secret = installation_secret(ctx)

    def number_it(tx: Tx) -> Document:
        day = tx.local_now.date()
        number = allocate_letter_number(ctx, letter.klasifikasi, day)
        code, facts = verification_seal(ctx, secret, detail, kind=letter.template, number=number, day=day,
                                        content=digest or letter_digest(ctx, detail, svc),
                                        identity=applicant_lines(detail))
        fields = dict(office=ctx.office_id, case=detail.id, kind=letter.template, title=letter.hal, number=number,
                      path="", verification_code=code, created_by=tx.staff_id, created_at=tx.now,
                      data_hash=digest, facts=facts)
        if replaces is not None:
            reason = f"Diganti perubahan ke-{replaces.version + 1} (data surat diubah setelah terbit)"
            voided = (Document.update(voided_at=tx.now, void_reason=reason)
                      .where((Document.id == replaces.id) & Document.voided_at.is_null()).execute())
            if not voided:
                raise DeskError("Surat ini baru saja diperbarui di loket lain; cetak lagi untuk melihatnya.")
            fields.update(version=replaces.version + 1, replaces_id=replaces.id)
            tx.audit("batal", "document", replaces.id, nomor=replaces.number, alasan=reason)
        doc_id = Document.insert(**fields).execute()
        tx.audit("cetak", "document", doc_id, jenis=letter.template, nomor=number,
                 **({"mengganti": replaces.number} if replaces is not None else {}))
        return Document(id=doc_id, **fields)

    try:
        doc = ctx.write(session, Permission.DOCUMENT_PRINT, number_it)
    except IntegrityError:  # numbered at another desk at the same moment: that letter stands
        letter_id = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: _existing_letter(detail.id))
        if letter_id is None:
            raise
        doc = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: Document.get_by_id(letter_id))
        return _render_recorded(ctx, session, detail, svc, doc, reprint=True)
    return _render_recorded(ctx, session, detail, svc, doc, reprint=False)


def _existing_letter(case_id: int) -> int | None:
    return (Document.select(Document.id)
            .where((Document.case == case_id) & Document.number.is_null(False)
                   & (Document.kind != "pemberitahuan") & Document.voided_at.is_null())
            .order_by(Document.version.desc()).scalar())


def _render_recorded(ctx: Context, session: SessionInfo, detail: CaseDetail, svc: Any, doc: Document, *,
                     reprint: bool) -> DocumentInfo:
    """Render a numbered letter; the first time (its path still empty) record where it is and
    announce it. Rendering again gives the same number, code and date with the case's data."""
    issued = ctx.local(doc.created_at).date()
    first = not doc.path
    path = doc_path(ctx, "surat", f"{detail.register_no}-{doc.number}", issued) if first else Path(doc.path)
    if reprint and not first:  # the issued file stays as it was; the copy says SALINAN
        path = path.with_name(f"{path.stem}-salinan.pdf")
    replaced = None
    if doc.replaces_id:
        replaced = ctx.read(session, Permission.DOCUMENT_PRINT,
                            lambda: Document.get_or_none(Document.id == doc.replaces_id))
    _render_letter(ctx, detail, svc, path, doc.number, issued, verification_url(ctx, doc.verification_code),
                   mark="SALINAN" if reprint and not first else "",
                   replaces=(replaced.number, ctx.local(replaced.created_at).date()) if replaced else None)

    def body(tx: Tx) -> None:
        if first and Document.update(path=str(path)).where((Document.id == doc.id) & (Document.path == "")).execute():
            tx.emit(events.DOCUMENT_ISSUED, doc.id, berkas=detail.id, jenis=doc.kind, nomor=doc.number)
        if reprint:
            tx.audit("cetak_ulang", "document", doc.id, jenis=doc.kind, nomor=doc.number)

    ctx.write(session, Permission.DOCUMENT_PRINT, body)
    title = f"Salinan {doc.title}" if reprint and not first else doc.title
    info = DocumentInfo(id=doc.id, kind=doc.kind, title=title, path=str(path),
                        created_at=ctx.local(doc.created_at), number=doc.number or "",
                        verification_code=doc.verification_code or "", case_id=detail.id)
    return printing.send(ctx.settings, info)


#: Seconds a numbered letter may wait for its PDF before a desk opening renders it (a desk
#: killed between numbering and rendering leaves one; a live desk renders within a second).
RECOVER_AFTER = 60


def recover_letters(ctx: Context, older_than: float = RECOVER_AFTER) -> int:
    """Render numbered letters whose PDF was never written (their desk died in between).

    Returns:
        How many were rendered.
    """
    system = machine_session("sistem", ctx.office_id, ctx.settings.name, ctx.settings.timezone)
    cutoff = ctx.utc() - dt.timedelta(seconds=older_than)
    pending = ctx.read(system, Permission.DOCUMENT_PRINT, lambda: list(
        Document.select().where((Document.office == ctx.office_id) & Document.number.is_null(False)
                                & (Document.path == "") & (Document.created_at <= cutoff))))
    done = 0
    for doc in pending:
        try:
            detail = ctx.read(system, Permission.CASE_VIEW, lambda: case_detail(ctx, load_case(ctx, doc.case_id)))
            svc = ctx.catalog.services.get(detail.service.code)
            if svc is None or svc.letter is None:
                raise DeskError(f"layanan {detail.service.code} tidak punya surat di katalog")
            _render_recorded(ctx, system, detail, svc, doc, reprint=False)
            done += 1
        except Exception as exc:  # noqa: BLE001 - one letter must not stop the others, nor the desk
            log.warning("letter %s could not be rendered again: %s", doc.number, exc)
    return done


class _SafeDict(dict):
    """format_map mapping that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def letter_digest(ctx: Context, detail: CaseDetail, svc: Any) -> str:
    """SHA-256 of what the case's letter prints (its paragraphs, tables and addressee): equal
    on a plain reprint, different once the data it prints was corrected."""
    blocks, addressee = _letter_content(ctx, detail, svc)
    return hashlib.sha256(json.dumps([blocks, addressee], ensure_ascii=False, default=str).encode()).hexdigest()


def _letter_content(ctx: Context, detail: CaseDetail, svc: Any) -> tuple[list, str]:
    """The letter's body blocks and addressee from the case's data."""
    letter = svc.letter
    a = detail.applicant
    values = _SafeDict(
        nama_pemohon=a.org_name or a.name,
        alamat_pemohon=", ".join(p for p in (a.address, a.desa, a.kecamatan, a.kabupaten) if p),
        tanggal_lengkap=format_tanggal(detail.complete_at.date()) if detail.complete_at else "-",
        nomor_register=detail.register_no, nama_layanan=detail.service.name, kabupaten=ctx.settings.kabupaten,
    )
    values.update(letter_values(detail, format_tanggal))  # the people of the case: {ketua.nama} ...
    s = ctx.settings
    signer = [("Nama", s.kepala_nama), ("NIP", s.kepala_nip), ("Pangkat/Gol.", s.kepala_pangkat),
              ("Jabatan", " ".join(s.kepala_jabatan.split()).title())]
    tables = {"{identitas_pemohon}": applicant_lines(detail), "{identitas_penandatangan}": signer}
    blocks: list = [tables.get(p.strip()) or p.format_map(values) for p in letter.body]
    return blocks, (letter.addressee or a.org_name or a.name).format_map(values)


def _render_letter(ctx: Context, detail: CaseDetail, svc: Any, path: Path, number: str, issued: dt.date,
                   code: str, *, mark: str = "", replaces: tuple[str, dt.date] | None = None) -> None:
    """Render the case's letter; ``mark`` ("SALINAN") is printed on a copy; a new version
    says which letter it replaces."""
    letter = svc.letter
    s = ctx.settings
    blocks, addressee = _letter_content(ctx, detail, svc)
    if replaces is not None:
        blocks.insert(0, f"Surat ini merupakan perubahan atas surat Nomor {replaces[0]} tanggal "
                         f"{format_tanggal(replaces[1])}, yang dengan terbitnya surat ini dinyatakan tidak berlaku.")
    docs = _docs()
    signatory = docs.Signatory(jabatan=s.kepala_jabatan, nama=s.kepala_nama, pangkat=s.kepala_pangkat,
                               nip=s.kepala_nip)
    if letter.template == "surat_keterangan":  # a keterangan is not laid out as a letter
        docs.render_keterangan(path, kop=kop(ctx), signatory=signatory, number=number, date=issued,
                               title=letter.title, blocks=blocks, closing=letter.closing,
                               verification_code=code, mark=mark)
        return
    docs.render_letter(
        path, kop=kop(ctx),
        signatory=signatory,
        number=number, date=issued, sifat=letter.sifat, lampiran="-", hal=letter.hal,
        addressee=addressee,
        title=letter.title, blocks=blocks, closing=letter.closing, tembusan=list(letter.tembusan),
        verification_code=code, mark=mark,
    )
