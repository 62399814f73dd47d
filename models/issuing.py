"""Issuing a case's documents: the product letter and the service's other documents.

A document may be issued once the step its catalog entry names is done (``setelah_langkah``) or
running (``pada_langkah``); before that it prints only as a KONSEP: no number, no verification
code, marked on every page. A numbered kind is numbered and recorded in one transaction,
rendered, then marked rendered (its path) in a second one, which also tells other desks it
exists. A desk killed in between leaves a numbered document without its PDF: it is rendered
again, idempotently (same number, code and date), by the next print of that case or by the next
desk that opens (:func:`recover_letters`). A reprint is a SALINAN of the same number; data
corrected after issue gives a new version under a new number and voids the old one.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from peewee import IntegrityError

from forms.catalog import Letter
from forms.doctypes import DOCUMENT_KINDS
from models import events, lettertext, printing
from models.audit import record_nik_view
from models.casedto import DocumentChoice
from models.documents import _print_receipt, _record, allocate_letter_number, doc_path
from models.dto import CaseDetail, DeskError, DocumentInfo, SessionInfo
from models.kernel import Context, Tx
from models.permissions import Permission, machine_session
from models.readmodel import case_detail, load_bundle, load_case
from models.tables import Case, Document
from models.verification import installation_secret, verification_seal, verification_url

log = logging.getLogger(__name__)

#: What a KONSEP prints where the number goes.
DRAFT_NUMBER = "...../...../...../....."


def product_kind(svc: Any) -> str:
    """The kind of the service's product: its letter's, or the tanda terima berkas."""
    letter = getattr(svc, "letter", None)
    return letter.document_kind if letter is not None and letter.template != "tanda_terima" else "tanda_terima"


def gate(detail: CaseDetail, spec: Letter) -> str:
    """Why ``spec`` cannot be issued for the case yet ("" = it can)."""
    no = spec.after_step or spec.at_step
    step = next((s for s in detail.steps if s.no == no), None) if no else None
    if step is None:
        return ""
    if step.status == "selesai" or (spec.at_step and step.status == "berjalan"):
        return ""
    if step.status == "dilewati" or (step.status == "belum" and detail.current_step is None):
        return f"langkah {no} dilewati pada jalur berkas ini"
    return (f"terbit setelah langkah {no} selesai" if spec.after_step
            else f"terbit saat langkah {no} dimulai")


def _read(ctx: Context, session: SessionInfo, case_id: int, kind: str | None = None) -> tuple[CaseDetail, int | None]:
    """The case with its steps and checklist, and its valid numbered document of ``kind`` (None:
    of its product letter's kinds), read in the same round trip."""
    kinds = [kind] if kind else ["rekomendasi", "surat_keterangan"]
    current = (Document.select(Document.id)
               .where((Document.case == Case.id) & Document.kind.in_(kinds) & Document.number.is_null(False)
                      & Document.voided_at.is_null())
               .order_by(Document.version.desc()).limit(1))

    def read() -> tuple[CaseDetail, int | None]:
        record = load_bundle(ctx, load_case(ctx, case_id, extra={"current_id": current}))
        return case_detail(ctx, record), getattr(record.row, "current_id", None)

    return ctx.read(session, Permission.DOCUMENT_PRINT, read)


def case_documents(ctx: Context, session: SessionInfo, case_id: int) -> tuple[DocumentChoice, ...]:
    """The documents the case's service prints, each with whether it can be issued now."""
    detail, _ = _read(ctx, session, case_id)
    svc = ctx.catalog.services.get(detail.service.code)
    if svc is None:
        return ()
    issued = {d.kind: d for d in detail.documents if d.number and d.voided_at is None}
    out = []
    open_case = detail.status in ("diproses", "selesai")
    specs = [s for s in ((svc.letter,) if svc.letter else ()) + svc.documents if s.template != "tanda_terima"]
    for spec in specs:
        kind = spec.document_kind
        why = "berkas belum lengkap" if not open_case else gate(detail, spec)
        doc = issued.get(kind)
        state = "terbit" if doc else ("konsep" if why else "siap")
        out.append(DocumentChoice(kind=kind, label=DOCUMENT_KINDS[kind].label if kind in DOCUMENT_KINDS else kind,
                                  state=state, note=(f"Nomor {doc.number}" if doc else why)))
    if product_kind(svc) == "tanda_terima" or svc.documents:
        out.append(DocumentChoice(kind="tanda_terima", label="Tanda terima berkas",
                                  state="siap" if open_case else "konsep",
                                  note="" if open_case else "berkas belum lengkap"))
    return tuple(out)


def print_document(ctx: Context, session: SessionInfo, case_id: int, kind: str | None = None) -> DocumentInfo:
    """Print one of the case's documents (``kind``; None = the service's product).

    Raises:
        DeskError: the case is refused or not yet complete, or the service has no such document.
    """
    detail, current_id = _read(ctx, session, case_id, kind)
    svc = ctx.catalog.get(detail.service.code)
    kind = kind or product_kind(svc)
    if detail.status == "ditolak":
        raise DeskError("Permohonan ini ditolak: yang dicetak adalah surat pemberitahuan penolakan.")
    if detail.status not in ("diproses", "selesai"):
        raise DeskError("Surat hanya dapat dicetak untuk berkas yang sudah lengkap "
                        f"(status berkas ini: {detail.status_label}).")
    if kind == "tanda_terima":
        return _print_receipt(ctx, session, detail)
    spec = svc.document(kind)
    if spec is None:
        raise DeskError(f"Layanan {svc.short_name or svc.name} tidak menerbitkan dokumen '{kind}'.")
    why = gate(detail, spec)
    if why:
        return _draft(ctx, session, detail, spec, svc, why)
    if not DOCUMENT_KINDS.get(kind, DOCUMENT_KINDS["rekomendasi"]).numbered:
        return _unnumbered(ctx, session, detail, spec, svc)
    digest = lettertext.digest(ctx, detail, spec, svc)
    if current_id:
        doc = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: Document.get_by_id(current_id))
        if doc.path and doc.data_hash and doc.data_hash != digest:  # corrected after issue
            return _issue(ctx, session, detail, spec, svc, digest, replaces=doc)
        return _render_recorded(ctx, session, detail, spec, svc, doc, reprint=bool(doc.path))
    return _issue(ctx, session, detail, spec, svc, digest)


def _current(case_id: int, kind: str) -> int | None:
    """The case's valid (not void) numbered document of ``kind``, latest version."""
    return (Document.select(Document.id)
            .where((Document.case == case_id) & (Document.kind == kind) & Document.number.is_null(False)
                   & Document.voided_at.is_null())
            .order_by(Document.version.desc()).scalar())


def _title(spec: Letter) -> str:
    label = DOCUMENT_KINDS[spec.document_kind].label if spec.document_kind in DOCUMENT_KINDS else ""
    return spec.hal if spec.layout_is_letter else (spec.title.capitalize() if spec.title else label)


def _audit_nik(ctx: Context, spec: Letter) -> dict:
    return {"nik": "lengkap" if lettertext.full_nik(ctx, spec.document_kind) else "samar"}


def _printed_nik(ctx: Context, detail: CaseDetail, kind: str) -> str:
    """The NIK a document of ``kind`` prints in full ("" when it prints it masked)."""
    return detail.applicant.nik if lettertext.full_nik(ctx, kind) else ""


def _draft(ctx: Context, session: SessionInfo, detail: CaseDetail, spec: Letter, svc: Any, why: str) -> DocumentInfo:
    """A KONSEP: the document as it will read, without number or verification, marked as such."""
    now = ctx.now()
    path = doc_path(ctx, "konsep", f"{spec.document_kind}-berkas{detail.id}-{now.strftime('%Y%m%d-%H%M%S')}",
                    now.date())
    lettertext.render(ctx, detail, spec, svc, path, number=DRAFT_NUMBER, issued=now.date(), code="",
                      officer=session.full_name, draft=True)
    info = _record(ctx, session, kind=spec.document_kind, title=f"KONSEP {_title(spec)} ({why})", path=path,
                   case_id=detail.id, audit={"berkas": detail.id, "konsep": True, **_audit_nik(ctx, spec)},
                   full_nik_printed=_printed_nik(ctx, detail, spec.document_kind))
    return info


def _unnumbered(ctx: Context, session: SessionInfo, detail: CaseDetail, spec: Letter, svc: Any) -> DocumentInfo:
    """A document without a number of its own (lembar disposisi): rendered and recorded each time."""
    now = ctx.now()
    path = doc_path(ctx, spec.document_kind, f"{detail.register_no or detail.id}-{now.strftime('%Y%m%d-%H%M%S')}",
                    now.date())
    lettertext.render(ctx, detail, spec, svc, path, number="", issued=now.date(), code="",
                      officer=session.full_name)
    return _record(ctx, session, kind=spec.document_kind, title=_title(spec), path=path, case_id=detail.id,
                   audit={"berkas": detail.id, **_audit_nik(ctx, spec)},
                   full_nik_printed=_printed_nik(ctx, detail, spec.document_kind))


def _issue(ctx: Context, session: SessionInfo, detail: CaseDetail, spec: Letter, svc: Any, digest: str,
           replaces: Document | None = None) -> DocumentInfo:
    """Number and record the document (one transaction), then render it and mark it rendered.

    With ``replaces`` (a document whose data changed after issue) the new one is its next version
    under a new number, and the old one is void from now on, in the same transaction; its number
    is never used again."""
    lettertext.signatory(ctx, spec.signer)  # no number for a letter nobody can sign
    secret = installation_secret(ctx)
    kind = spec.document_kind

    def number_it(tx: Tx) -> Document:
        day = tx.local_now.date()
        number = allocate_letter_number(ctx, spec.klasifikasi, day)
        code, facts = verification_seal(ctx, secret, detail, kind=kind, number=number, day=day, content=digest,
                                        identity=lettertext.applicant_lines(
                                            detail, full=lettertext.full_nik(ctx, kind)))
        fields = dict(office=ctx.office_id, case=detail.id, kind=kind, title=_title(spec), number=number,
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
        tx.audit("cetak", "document", doc_id, jenis=kind, nomor=number, **_audit_nik(ctx, spec),
                 **({"mengganti": replaces.number} if replaces is not None else {}))
        record_nik_view(tx, "case", detail.id, _printed_nik(ctx, detail, kind), "cetak dokumen", jenis=kind,
                        nomor=number)
        return Document(id=doc_id, **fields)

    try:
        doc = ctx.write(session, Permission.DOCUMENT_PRINT, number_it)
    except IntegrityError:  # numbered at another desk at the same moment: that document stands
        doc_id = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: _current(detail.id, kind))
        if doc_id is None:
            raise
        doc = ctx.read(session, Permission.DOCUMENT_PRINT, lambda: Document.get_by_id(doc_id))
        return _render_recorded(ctx, session, detail, spec, svc, doc, reprint=True)
    return _render_recorded(ctx, session, detail, spec, svc, doc, reprint=False)


def _render_recorded(ctx: Context, session: SessionInfo, detail: CaseDetail, spec: Letter, svc: Any,
                     doc: Document, *, reprint: bool, send: bool = True) -> DocumentInfo:
    """Render a numbered document; the first time (its path still empty) record where it is and
    announce it. Rendering again gives the same number, code and date with the case's data."""
    issued = ctx.local(doc.created_at).date()
    first = not doc.path
    folder = "surat" if spec.layout_is_letter else spec.document_kind
    path = doc_path(ctx, folder, f"{detail.register_no}-{doc.number}", issued) if first else Path(doc.path)
    if reprint and not first:  # the issued file stays as it was; the copy says SALINAN
        path = path.with_name(f"{path.stem}-salinan.pdf")
    replaced = None
    if doc.replaces_id:
        replaced = ctx.read(session, Permission.DOCUMENT_PRINT,
                            lambda: Document.get_or_none(Document.id == doc.replaces_id))
    lettertext.render(ctx, detail, spec, svc, path, number=doc.number, issued=issued,
                      code=verification_url(ctx, doc.verification_code), officer=session.full_name,
                      mark="SALINAN" if reprint and not first else "",
                      replaces=(replaced.number, ctx.local(replaced.created_at).date()) if replaced else None)

    def body(tx: Tx) -> None:
        if first and Document.update(path=str(path)).where((Document.id == doc.id) & (Document.path == "")).execute():
            tx.emit(events.DOCUMENT_ISSUED, doc.id, berkas=detail.id, jenis=doc.kind, nomor=doc.number)
        if reprint:
            tx.audit("cetak_ulang", "document", doc.id, jenis=doc.kind, nomor=doc.number)
            record_nik_view(tx, "case", detail.id, _printed_nik(ctx, detail, doc.kind), "cetak ulang dokumen",
                            jenis=doc.kind, nomor=doc.number)

    ctx.write(session, Permission.DOCUMENT_PRINT, body)
    title = f"Salinan {doc.title}" if reprint and not first else doc.title
    info = DocumentInfo(id=doc.id, kind=doc.kind, title=title, path=str(path),
                        created_at=ctx.local(doc.created_at), number=doc.number or "",
                        verification_code=doc.verification_code or "", case_id=detail.id)
    return printing.send(ctx.settings, info) if send else info


#: Seconds a numbered document may wait for its PDF before a desk opening renders it (a desk
#: killed between numbering and rendering leaves one; a live desk renders within a second).
RECOVER_AFTER = 60


def recover_letters(ctx: Context, older_than: float = RECOVER_AFTER) -> int:
    """Render numbered documents whose PDF was never written (their desk died in between); a
    refusal notice is rendered by its next print.

    Returns:
        How many were rendered.
    """
    system = machine_session("sistem", ctx.office_id, ctx.settings.name, ctx.settings.timezone)
    cutoff = ctx.utc() - dt.timedelta(seconds=older_than)
    pending = ctx.read(system, Permission.DOCUMENT_PRINT, lambda: list(
        Document.select().where((Document.office == ctx.office_id) & Document.number.is_null(False)
                                & (Document.path == "") & (Document.created_at <= cutoff)
                                & (Document.kind != "pemberitahuan"))))
    done = 0
    for doc in pending:
        try:
            detail, _ = _read(ctx, system, doc.case_id)
            svc = ctx.catalog.services.get(detail.service.code)
            spec = svc.document(doc.kind) if svc is not None else None
            if spec is None:
                raise DeskError(f"layanan {detail.service.code} tidak punya dokumen '{doc.kind}' di katalog")
            _render_recorded(ctx, system, detail, spec, svc, doc, reprint=False, send=False)
            done += 1
        except Exception as exc:  # noqa: BLE001 - one document must not stop the others, nor the desk
            log.warning("document %s could not be rendered again: %s", doc.number, exc)
    return done
