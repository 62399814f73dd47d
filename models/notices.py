"""The surat pemberitahuan: the notice a refused applicant takes home.

A case that ended as ditolak (a decision's negative branch, or criteria not met at the counter)
gets a letter that names the reasons: the officer's reason and the decision it followed (kept in
Case.outcome), and every criterion the desk found unmet. It is numbered from the office's letter
sequence like every other letter, once; printing again reprints the same number and code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models import documents, lettertext, printing, verification
from models.audit import record_nik_view
from models.dto import CaseDetail, DeskError, DocumentInfo, SessionInfo
from models.kernel import Context, Tx
from models.permissions import Permission
from models.readmodel import case_detail, load_bundle, load_case
from models.tables import Case, Document

#: Document kind of the notice (Document.kind).
KIND = "pemberitahuan"
#: Kode klasifikasi of the notice's number when the service's letter names none.
KLASIFIKASI = "400.9"


def reasons(detail: CaseDetail) -> list[str]:
    """Why the case was refused, as the notice lists them: the recorded outcome (the decision's
    branch and the officer's reason), then each criterion found unmet."""
    out: list[str] = []
    outcome = detail.outcome.strip()
    if outcome:
        out.append(outcome)
    for line in detail.criteria:
        if line.status == "tidak_memenuhi" and (line.detail or line.text) not in outcome:
            text = f"{line.text} ({line.detail})" if line.detail and line.detail != line.text else line.text
            if text not in out:
                out.append(text)
    out = [text[:1].upper() + text[1:] for text in out]
    return out or ["Permohonan tidak memenuhi persyaratan layanan."]


def complaint_channels(ctx: Context, svc: Any) -> list[str]:
    """Where the applicant may complain: the service's own channels when its standard is this
    office's; else (a standard adopted from another kabupaten) the national channel and the
    office itself, never another office's telephone numbers."""
    own = " ".join((getattr(svc, "office", "") or "").lower().split())
    if svc is not None and own and own == " ".join(ctx.settings.name.lower().split()):
        channels = [c for c in getattr(svc, "pengaduan", ()) if c.strip()]
        if channels:
            return channels[:4]
    return ["SP4N-LAPOR! (www.lapor.go.id)", f"langsung ke {ctx.settings.name}"]


def print_notice(ctx: Context, session: SessionInfo, case_id: int) -> DocumentInfo:
    """Number (first time), render and print the refusal notice of an ended case.

    Raises:
        DeskError: the case was not refused.
    """
    def read() -> tuple[CaseDetail, Any]:
        record = load_bundle(ctx, load_case(ctx, case_id))
        existing = (Document.select().where((Document.case == case_id) & (Document.kind == KIND))
                    .order_by(Document.id).first())
        return case_detail(ctx, record), existing

    detail, existing = ctx.read(session, Permission.DOCUMENT_PRINT, read)
    if detail.status != "ditolak":
        raise DeskError("Surat pemberitahuan hanya untuk permohonan yang ditolak "
                        f"(status berkas ini: {detail.status_label}).")
    svc = ctx.catalog.services.get(detail.service.code)
    letter = getattr(svc, "letter", None)
    template = ctx.catalog.template(KIND)
    klasifikasi = (letter.klasifikasi if letter is not None and letter.klasifikasi
                   else template.klasifikasi if template is not None and template.klasifikasi else KLASIFIKASI)
    s = ctx.settings
    printed = detail.applicant.nik if lettertext.full_nik(ctx, KIND) else ""  # the NIK it prints in full
    if existing is None:
        secret = verification.installation_secret(ctx)

        def number_it(tx: Tx) -> Document | None:
            # one notice per case: a second desk numbering at the same moment waits on the
            # case row (SQLite serialises writers already), then finds the first one's
            if ctx.postgres:
                Case.select(Case.id).where(Case.id == case_id).for_update().execute()
            if Document.select().where((Document.case == case_id) & (Document.kind == KIND)).exists():
                return None
            day = tx.local_now.date()
            number = documents.allocate_letter_number(ctx, klasifikasi, day)
            code, facts = verification.verification_seal(ctx, secret, detail, kind=KIND, number=number, day=day,
                                                         content=reasons(detail),
                                                         identity=documents.applicant_lines(detail))
            fields = {"office": ctx.office_id, "case": case_id, "kind": KIND, "title": "Surat pemberitahuan",
                          "number": number, "path": "", "verification_code": code, "created_by": tx.staff_id,
                          "created_at": tx.now, "facts": facts}
            doc_id = Document.insert(**fields).execute()
            tx.audit("cetak", "document", doc_id, jenis=KIND, nomor=number)
            record_nik_view(tx, "case", case_id, printed, "cetak dokumen", jenis=KIND, nomor=number)
            return Document(id=doc_id, **fields)

        existing = ctx.write(session, Permission.DOCUMENT_PRINT, number_it)
        first = existing is not None
        if existing is None:
            existing = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: Document.select().where(
                (Document.case == case_id) & (Document.kind == KIND)).order_by(Document.id).first())
    else:
        first = False
    doc = existing
    issued = ctx.local(doc.created_at).date()
    path = (documents.doc_path(ctx, "pemberitahuan", f"berkas{case_id}-{doc.number}", issued)
            if not doc.path else Path(doc.path))
    _render(ctx, detail, path, doc.number, issued, verification.verification_url(ctx, doc.verification_code))

    def body(tx: Tx) -> None:
        if not doc.path:
            Document.update(path=str(path)).where((Document.id == doc.id) & (Document.path == "")).execute()
            tx.emit("document.issued", doc.id, berkas=case_id, jenis=KIND, nomor=doc.number)
        if not first:
            tx.audit("cetak_ulang", "document", doc.id, jenis=KIND, nomor=doc.number)
            record_nik_view(tx, "case", case_id, printed, "cetak ulang dokumen", jenis=KIND, nomor=doc.number)

    ctx.write(session, Permission.DOCUMENT_PRINT, body)
    info = DocumentInfo(id=doc.id, kind=KIND, title="Surat pemberitahuan", path=str(path),
                        created_at=ctx.local(doc.created_at), number=doc.number or "",
                        verification_code=doc.verification_code or "", case_id=case_id)
    return printing.send(s, info)


def _render(ctx: Context, detail: CaseDetail, path: Path, number: str, issued: Any, code: str) -> None:
    """Draw the notice from the office's template (``[pemberitahuan]`` in _dokumen.toml): the
    reasons and the complaint channels are the desk's."""
    spec = ctx.catalog.template(KIND)
    svc = ctx.catalog.services.get(detail.service.code)
    listed = [f"{i}. {text}" for i, text in enumerate(reasons(detail), 1)]
    c = lettertext.content(ctx, detail, spec, svc, tables={"{alasan_penolakan}": listed},
                           values={"kanal_pengaduan": "; ".join(complaint_channels(ctx, svc))})
    documents._docs().render_letter(
        path, kop=documents.kop(ctx), signatory=lettertext.signatory(ctx, spec.signer),
        number=number, date=issued, sifat=spec.sifat, lampiran="-", hal=c.hal, addressee=c.addressee,
        title=spec.title, blocks=c.blocks, closing=c.closing, tembusan=list(spec.tembusan), verification_code=code,
    )
