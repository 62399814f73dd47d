"""Documents: tickets, kekurangan-berkas slips and tanda terima; where documents are written and
recorded; the office's letter number sequence. Letters and the other documents of a case are
issued by models.issuing (their text: models.lettertext).

Rendering (fpdf2) and printing never run inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

from models import events, numbering, printing
from models.audit import record_nik_view
from models.dto import (
    CaseDetail,
    ChecklistLine,
    DocumentInfo,
    SessionInfo,
)
from models.kernel import Context, Tx
from models.lettertext import applicant_lines, content, full_nik, kop
from models.permissions import Permission
from models.queue import waiting_ahead
from models.readmodel import ticket_info
from models.settings import PRIORITY_KINDS, tz_label
from models.tables import Document
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


def doc_path(ctx: Context, kind: str, name: str, day: dt.date) -> Path:
    """Where a document is written: ``<dokumen>/<year>/<month>/<kind>/<kind>-<office>-<name>.pdf``
    (the office code keeps two offices sharing a data folder apart)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{kind}-{ctx.settings.code}-{name}.pdf")
    return ctx.output_dir / str(day.year) / f"{day.month:02d}" / kind / safe


def _record(ctx: Context, session: SessionInfo, *, kind: str, title: str, path: Path,
            case_id: int | None = None, ticket_id: int | None = None, audit: dict | None = None,
            permission: Permission = Permission.DOCUMENT_PRINT, send: bool = True,
            full_nik_printed: str = "") -> DocumentInfo:
    """Record a rendered document (its PDF is on disk already), then print it (``send``); a
    document printing a full NIK (``full_nik_printed``) records that view too (lihat_nik)."""

    def body(tx: Tx) -> DocumentInfo:
        doc_id = Document.insert(office=ctx.office_id, case=case_id, ticket=ticket_id, kind=kind, title=title,
                                 path=str(path), created_by=tx.staff_id, created_at=tx.now).execute()
        if audit is not None:
            tx.audit("cetak", "document", doc_id, jenis=kind, **audit)
        if case_id is not None:
            record_nik_view(tx, "case", case_id, full_nik_printed, "cetak dokumen", jenis=kind, dokumen=doc_id)
        if case_id is not None:
            tx.emit(events.DOCUMENT_ISSUED, doc_id, berkas=case_id, jenis=kind)
        return DocumentInfo(id=doc_id, kind=kind, title=title, path=str(path), created_at=tx.local_now,
                            case_id=case_id)

    document = ctx.write(session, permission, body)
    return printing.send(ctx.settings, document) if send else document


def _ticket_texts(ctx: Context) -> dict[str, str]:
    """The ticket's boxed line ("Layanan ini GRATIS") and last line, from the office's template."""
    spec = ctx.catalog.template("tiket")
    return {"free_text": spec.title, "footer": spec.closing} if spec is not None else {}


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
                        else "Antrean Prioritas" if info.priority else ""),
        **_ticket_texts(ctx))
    path = doc_path(ctx, "tiket", f"{day.isoformat()}-{row['code']}", day)
    render_ticket_pdf(path, slip, width_mm=s.ticket_width)
    document = _record(ctx, session, kind="tiket", title=f"Tiket {row['code']}", path=path,
                       ticket_id=ticket_id, permission=Permission.QUEUE_ISSUE, send=False)
    return printing.send_ticket(s, document, slip)


def _texts(ctx: Context, detail: CaseDetail, kind: str) -> tuple[str, str, str]:
    """Title, opening paragraphs (one per line) and closing of one of the desk's own documents,
    from the office's template (``_dokumen.toml``) filled with the case's data."""
    spec = ctx.catalog.template(kind)
    if spec is None:
        return "", "", ""
    c = content(ctx, detail, spec, ctx.catalog.services.get(detail.service.code))
    return spec.title, "\n".join(b for b in c.blocks if isinstance(b, str)), c.closing


def render_slip(ctx: Context, session: SessionInfo, detail: CaseDetail,
                missing: tuple[ChecklistLine, ...]) -> DocumentInfo:
    """The daftar kekurangan berkas of a case found tidak lengkap (after the decision committed)."""
    now = ctx.now()
    path = doc_path(ctx, "slip", f"berkas{detail.id}-{now.date().isoformat()}-{now.strftime('%H%M%S')}", now.date())
    title, intro, closing = _texts(ctx, detail, "kekurangan_berkas")
    _docs().render_slip(
        path, kop=kop(ctx), title=title, intro=intro, service_name=detail.service.name,
        applicant=applicant_lines(detail, full=full_nik(ctx, "kekurangan_berkas")),
        missing=[m.text for m in missing], notes=[m.note for m in missing], date=now.date(),
        officer=session.full_name, reference=str(detail.id), return_note=closing,
    )
    return _record(ctx, session, kind="slip", title="Slip kekurangan berkas", path=path, case_id=detail.id,
                   audit={"berkas": detail.id},
                   full_nik_printed=detail.applicant.nik if full_nik(ctx, "kekurangan_berkas") else "")


def _print_receipt(ctx: Context, session: SessionInfo, detail: CaseDetail) -> DocumentInfo:
    today = ctx.today()
    path = doc_path(ctx, "tanda-terima", detail.register_no, today)
    due_text = "-"
    if detail.due_at:
        due_text = f"{format_tanggal(detail.due_at.date())} ({detail.service.jangka_waktu})"
    title, intro, closing = _texts(ctx, detail, "tanda_terima")
    _docs().render_receipt(
        path, kop=kop(ctx), service_name=detail.service.name, register_no=detail.register_no,
        applicant=applicant_lines(detail, full=full_nik(ctx, "tanda_terima")),
        received=[line.text for line in detail.checklist if line.received],
        date=today, due_text=due_text, officer=session.full_name, title=title, intro=intro, closing=closing,
    )
    return _record(ctx, session, kind="tanda_terima", title="Tanda terima berkas", path=path, case_id=detail.id,
                   audit={"berkas": detail.id},
                   full_nik_printed=detail.applicant.nik if full_nik(ctx, "tanda_terima") else "")


def allocate_letter_number(ctx: Context, klasifikasi: str, day: dt.date) -> str:
    """The next number of the office's letter sequence (per year), formatted by the office's
    pattern (inside the numbering transaction: every letter kind shares the sequence)."""
    s = ctx.settings
    seq = numbering.allocate(f"surat:{ctx.office_id}", str(day.year))
    return s.letter_number_pattern.format(klasifikasi=klasifikasi, nomor=seq, unit=s.unit_code,
                                          tahun=day.year, bulan_romawi=_ROMAN[day.month])
