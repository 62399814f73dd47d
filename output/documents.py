"""The desk's printed documents: ticket, slip, receipt, letter and surat keterangan.

Inputs are plain frozen dataclasses and keyword arguments; every string is
user data and is printed literally (no markup). Each `render_*` function
writes one PDF atomically and returns its path. The letterhead, the signer
and the verification block live in output.letterparts (re-exported here);
berita acara and lembar disposisi in output.naskah.
"""

from __future__ import annotations

import os
from datetime import date as date_type
from datetime import datetime
from pathlib import Path

from fpdf.enums import Align, XPos, YPos

from output.letterparts import (
    DRAFT_MARK,
    QR_SIZE,
    VERIFICATION_PATH,
    VERIFICATION_QUERY,
    Kop,
    Signatory,
    document_footer,
    draw_verification,
    signature_after,
    signature_heading,
    titled_document,
)

# (the helpers marked F401 keep their old private names here for callers of this module)
from output.letterparts import draw_kop as _draw_kop
from output.letterparts import draw_mark as _draw_mark
from output.letterparts import kop_lines as _kop_lines  # noqa: F401
from output.letterparts import office_name as _office_name  # noqa: F401
from output.letterparts import place_date as _place_date
from output.letterparts import qr_svg as _qr_svg
from output.letterparts import section_label as _section_label
from output.letterparts import verification_target as _verification_target  # noqa: F401
from output.letterparts import with_comma as _with_comma  # noqa: F401
from output.pdf import (
    FONT,
    DeskPDF,
    clean,
    clean_line,
    paper,
    write_pdf,
)
from output.ticket import TicketSlip, render_ticket_pdf, zone_label
from output.words import format_tanggal

__all__ = [
    "QR_SIZE",
    "VERIFICATION_PATH",
    "VERIFICATION_QUERY",
    "Kop",
    "Signatory",
    "render_keterangan",
    "render_letter",
    "render_receipt",
    "render_slip",
    "render_ticket",
    "signature_heading",
]

PathLike = str | os.PathLike[str]


def _draw_verification(pdf: DeskPDF, kop: Kop, code: str, *, x: float, w: float,
                       bottom: float) -> None:
    """output.letterparts.draw_verification with this module's QR encoder (looked up when drawing,
    so a test replacing ``documents._qr_svg`` sees every QR code a document prints)."""
    draw_verification(pdf, kop, code, x=x, w=w, bottom=bottom, qr=_qr_svg)



# ------------------------------------------------------------------- ticket
def render_ticket(path: PathLike, *, kop: Kop, code: str, service_name: str,
                  issued_at: datetime, waiting_ahead: int,
                  priority: bool = False) -> Path:
    """Render a queue ticket for an 80 mm thermal roll (compatibility wrapper).

    New code builds an `output.ticket.TicketSlip` and calls
    `output.ticket.render_ticket_pdf`, which also knows 58 mm paper, the
    estimated wait and the priority reason.

    Args:
        path: Where to write the PDF.
        kop: The office letterhead (names and address).
        code: The ticket code, e.g. "H-001".
        service_name: The service.
        issued_at: When the ticket was taken (office local time); an aware
            datetime also prints its zone (WIB, WITA, WIT).
        waiting_ahead: How many people are ahead.
        priority: Print the "Antrean Prioritas" box.

    Returns:
        The path written.
    """
    slip = TicketSlip(
        pemerintah=kop.pemerintah, dinas=kop.dinas, alamat=kop.alamat, code=code,
        service_name=service_name, issued_at=issued_at, tz_label=zone_label(issued_at),
        waiting_ahead=waiting_ahead, estimated_wait_min=None,
        priority_label="Antrean Prioritas" if priority else "",
    )
    return render_ticket_pdf(path, slip, width_mm=80)


#: The built-in texts of the slip and the receipt (forms/katalog/_dokumen.toml holds the same).
SLIP_INTRO = "Berkas permohonan layanan berikut belum dapat diproses karena persyaratan belum lengkap."
RECEIPT_INTRO = "Telah diterima berkas permohonan layanan dengan keterangan sebagai berikut:"
RECEIPT_CLOSING = ("Simpan tanda terima ini. Tunjukkan tanda terima ini saat menanyakan perkembangan "
                   "berkas atau mengambil hasil layanan.")


# --------------------------------------------------------------------- slip
def render_slip(path: PathLike, *, kop: Kop,
                title: str = "SURAT KETERANGAN KEKURANGAN BERKAS",
                service_name: str, applicant: list[tuple[str, str]],
                missing: list[str], notes: list[str], date: date_type,
                officer: str, reference: str, return_note: str,
                intro: str = SLIP_INTRO) -> Path:
    """Render the slip listing the documents an applicant still has to bring.

    Args:
        path: Where to write the PDF.
        kop: The office letterhead.
        title: The heading.
        service_name: The service applied for.
        applicant: (label, value) rows, e.g. [("Nama", "..."), ("NIK", "...")].
        missing: The missing requirements, one numbered line each.
        notes: Optional note per missing item (same index; "" for none);
            notes beyond the missing items print as general notes.
        date: The slip's date.
        officer: The desk officer's name.
        reference: Case or ticket reference, e.g. "BRK-2024-0012 / H-001".
        return_note: The instruction to come back (a default is used if "").

    Returns:
        The path written.
    """
    pdf = DeskPDF(footer_text=f"Nomor berkas: {clean_line(reference)}",
                  title=title or "Surat Keterangan Kekurangan Berkas", format=paper(kop.kertas))
    pdf.add_page()
    _draw_kop(pdf, kop)
    pdf.heading(title or "SURAT KETERANGAN KEKURANGAN BERKAS")
    if clean_line(reference):
        pdf.paragraph(f"Nomor berkas: {clean_line(reference)}", size=10, line_h=5,
                      align=Align.C, gap_after=4)
    else:
        pdf.ln(3)
    for paragraph in intro.split("\n"):
        pdf.paragraph(paragraph)
    pdf.field_rows([("Layanan", service_name), *applicant], x=pdf.l_margin + 5,
                   label_w=40)
    _section_label(pdf, "Persyaratan yang belum dipenuhi:")
    items = list(missing) or ["(tidak ada)"]
    notes = list(notes or [])
    pdf.numbered_list(items, x=pdf.l_margin + 5, notes=notes[:len(items)],
                      note_prefix="Keterangan: ")
    extra = [n for n in notes[len(items):] if clean(n).strip()]
    if extra:
        _section_label(pdf, "Catatan:")
        pdf.numbered_list(extra, x=pdf.l_margin + 5, marker="-")
    note = clean(return_note).strip()
    if not note:
        note = ("Silakan lengkapi berkas di atas dan kembali ke loket dengan "
                "menunjukkan slip ini.")
        if clean_line(reference):
            note += f" Nomor berkas: {clean_line(reference)}."
    pdf.ln(1)
    pdf.paragraph(note, style="B", gap_after=6)
    pdf.signature_block([_place_date(kop, date), "Petugas Loket,"], officer, [])
    return write_pdf(pdf, path)


# ------------------------------------------------------------------ receipt
def render_receipt(path: PathLike, *, kop: Kop, service_name: str, register_no: str,
                   applicant: list[tuple[str, str]], received: list[str],
                   date: date_type, due_text: str, officer: str, title: str = "TANDA TERIMA BERKAS",
                   intro: str = RECEIPT_INTRO, closing: str = RECEIPT_CLOSING) -> Path:
    """Render the receipt ("TANDA TERIMA BERKAS") for a complete file (``title``, ``intro`` and
    ``closing`` from the office's template; paragraphs split on newlines).

    Args:
        path: Where to write the PDF.
        kop: The office letterhead.
        service_name: The service applied for.
        register_no: The register number of the file.
        applicant: (label, value) rows, e.g. [("Nama", "..."), ("NIK", "...")].
        received: The documents received, one numbered line each.
        date: The date the file was received.
        due_text: Expected completion, e.g. "29 Mei 2024 (5 hari kerja)".
        officer: The receiving officer's name.

    Returns:
        The path written.
    """
    pdf = DeskPDF(footer_text=f"Nomor register: {clean_line(register_no)}",
                  title=clean_line(title).title() or "Tanda Terima Berkas", format=paper(kop.kertas))
    pdf.add_page()
    _draw_kop(pdf, kop)
    pdf.heading(title or "TANDA TERIMA BERKAS")
    if clean_line(register_no):
        pdf.paragraph(f"Nomor register: {clean_line(register_no)}", size=10,
                      line_h=5, align=Align.C, gap_after=4)
    else:
        pdf.ln(3)
    for paragraph in intro.split("\n"):
        pdf.paragraph(paragraph)
    pdf.field_rows([("Nomor register", register_no), ("Layanan", service_name),
                    *applicant, ("Tanggal diterima", format_tanggal(date))],
                   x=pdf.l_margin + 5, label_w=40)
    _section_label(pdf, "Berkas yang diterima:")
    pdf.numbered_list(list(received) or ["(tidak ada)"], x=pdf.l_margin + 5)
    pdf.field_rows([("Perkiraan selesai", due_text)], x=pdf.l_margin + 5, label_w=40,
                   bold_values=True)
    pdf.paragraph(closing, size=10, line_h=5, gap_after=6)
    pdf.signature_block([_place_date(kop, date), "Petugas Penerima,"], officer, [])
    return write_pdf(pdf, path)


# ------------------------------------------------------------------- letter
def _draw_addressee(pdf: DeskPDF, addressee: str) -> None:
    """Print "Yth." with the addressee and "di Tempat" unless a place is given.

    Args:
        pdf: The document.
        addressee: One or more lines; empty prints a dotted placeholder.
    """
    lines = [ln.strip() for ln in clean(addressee).split("\n") if ln.strip()]
    if not lines:
        lines = ["...................................................."]
    last = lines[-1].lower()
    place = not (last == "di" or last.startswith("di ") or "tempat" in last)
    pdf.set_font(FONT, "", 11)
    yth_w = pdf.get_string_width("Yth.") + 2
    x = pdf.l_margin
    pdf.ensure_space(5.5 * min(len(lines), 4))
    pdf.set_x(x)
    pdf.cell(yth_w, 5.5, "Yth.")
    w = min(110.0, pdf.w - pdf.r_margin - x - yth_w)
    rows = [(ln, 0.0) for ln in lines]
    if place:
        rows += [("di", 0.0), ("Tempat", 5.0)]
    for text, indent in rows:
        pdf.set_x(x + yth_w + indent)
        pdf.multi_cell(w - indent, 5.5, text, align=Align.L,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)



def render_letter(path: PathLike, *, kop: Kop, signatory: Signatory, number: str,
                  date: date_type, sifat: str, lampiran: str, hal: str,
                  addressee: str, title: str,
                  blocks: list[str | list[tuple[str, str]]], closing: str,
                  tembusan: list[str], verification_code: str, mark: str = "",
                  draft: bool = False) -> Path:
    """Render an official letter (Tata Naskah Dinas layout).

    Args:
        path: Where to write the PDF.
        kop: The office letterhead; kop.kota is printed before the date.
        signatory: Who signs.
        number: Letter number, e.g. "400.9.12/0123/Dinsos/2024".
        date: The letter's date.
        sifat: E.g. "Biasa".
        lampiran: E.g. "-" or "1 (satu) berkas".
        hal: The subject.
        addressee: "Yth." recipient, one or more lines; "di Tempat" is
            added unless the last line already names the place.
        title: Optional centered title above the body ("" for none).
        blocks: Body: a str is a justified paragraph, a list of
            (label, value) pairs an indented identity table.
        closing: The closing paragraph.
        tembusan: Copy recipients, numbered at the bottom-left ([] for none).
        verification_code: The verification URL ("...?kode=CODE": the QR code holds it, the
            code is printed readable beside it) or a bare code; "" prints none.
        mark: Printed large at the top right of the first page (e.g. "SALINAN" on a copy).
        draft: A konsep: "KONSEP" across every page and as the mark, a footer saying it is not
            signed, the number as given and no verification block.

    Returns:
        The path written.
    """
    pdf = DeskPDF(footer_text=document_footer(number, draft), title=hal or "Surat",
                  format=paper(kop.kertas), watermark=DRAFT_MARK if draft else "")
    pdf.add_page()
    _draw_mark(pdf, DRAFT_MARK if draft else mark)
    _draw_kop(pdf, kop)

    # place and date on the right
    pdf.set_font(FONT, "", 11)
    pdf.set_x(pdf.l_margin)
    pdf.cell(pdf.content_width, 5.5, _place_date(kop, date), align=Align.R,
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)

    # Nomor / Sifat / Lampiran / Hal
    pdf.field_rows([("Nomor", number), ("Sifat", sifat), ("Lampiran", lampiran),
                    ("Hal", hal)], label_w=22, gap_after=5)

    _draw_addressee(pdf, addressee)

    if clean_line(title):
        pdf.heading(title, size=12, gap_after=4)

    for block in blocks:
        if isinstance(block, str):
            pdf.paragraph(block)
        else:
            pdf.field_rows(list(block), x=pdf.l_margin + 10, label_w=45)

    # the closing, the signature and the tembusan stay together: when they do not fit, the
    # closing paragraph goes over with them (no page with only a signature or a tembusan)
    half = pdf.content_width / 2
    heading, after = signature_heading(signatory), signature_after(signatory)
    items = [clean(t).strip() for t in tembusan if clean(t).strip()]
    pdf.set_font(FONT, "", 11)
    closing_h = pdf.text_height(pdf.content_width, clean(closing), 5.3) + 6 if clean(closing).strip() else 0
    signature_h = max(QR_SIZE + 2, sum(pdf.text_height(half, t, 5.3)
                                       for t in [*heading, signatory.nama, *after]) + 20)
    pdf.set_font(FONT, "", 10)
    tembusan_h = (9 + sum(pdf.text_height(pdf.content_width - 8, t, 5) + 0.3 for t in items)) if items else 0
    if tembusan_h < 60:
        pdf.ensure_space(closing_h + signature_h + tembusan_h)
    pdf.paragraph(closing, gap_after=6)

    # signature on the right half, verification QR on the left beside it
    _sign_beside_qr(pdf, kop, heading, signatory.nama, after, "" if draft else verification_code,
                    reserve=QR_SIZE + 2)

    # tembusan at the bottom-left, kept together when it fits on a page
    if items:
        pdf.ln(4)
        pdf.set_font(FONT, "", 10)
        text_w = pdf.content_width - 8
        block = 5 + sum(pdf.text_height(text_w, t, 5) + 0.3 for t in items)
        pdf.ensure_space(block if block < 60 else 15)
        pdf.set_x(pdf.l_margin)
        pdf.cell(pdf.content_width, 5, "Tembusan:", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
        pdf.numbered_list(items, size=10, line_h=5, gap_after=0, item_gap=0.3)

    return write_pdf(pdf, path)


def render_keterangan(path: PathLike, *, kop: Kop, signatory: Signatory, number: str,
                      date: date_type, title: str, blocks: list[str | list[tuple[str, str]]],
                      closing: str, verification_code: str, mark: str = "",
                      draft: bool = False) -> Path:
    """Render a surat keterangan (Tata Naskah Dinas): not laid out as a letter.

    Kop; the title centred and underlined with "Nomor: ..." under it; the body (a str is a
    justified paragraph, a list of (label, value) pairs an identity table: the signer's
    nama / NIP / jabatan, then the person's data); the closing; place and date and the
    signature block on the right, the verification QR on the left. No Yth, no Hal, no tembusan.

    Args:
        path: Where to write the PDF.
        kop: The office letterhead; kop.kota is printed before the date.
        signatory: Who signs.
        number: The number printed under the title.
        date: The date of issue.
        title: E.g. "SURAT KETERANGAN".
        blocks: The body.
        closing: The closing paragraph.
        verification_code: Code printed readable and as a QR code ("" prints none).
        mark: Printed at the top right of the first page (e.g. "SALINAN" on a copy).
        draft: A konsep (see render_letter): watermark, mark, footer, no verification block.

    Returns:
        The path written.
    """
    pdf = titled_document(kop, title=title or "SURAT KETERANGAN", number=number, draft=draft, mark=mark)
    for block in blocks:
        if isinstance(block, str):
            pdf.paragraph(block)
        else:
            pdf.field_rows(list(block), x=pdf.l_margin + 10, label_w=45)
    pdf.paragraph(closing, gap_after=6)

    _sign_beside_qr(pdf, kop, [_place_date(kop, date), *signature_heading(signatory)], signatory.nama,
                    signature_after(signatory), "" if draft else verification_code, reserve=QR_SIZE + 8)
    return write_pdf(pdf, path)


def _sign_beside_qr(pdf: DeskPDF, kop: Kop, before: list[str], name: str, after: list[str], code: str, *,
                    reserve: float) -> None:
    """The signature block on the right half and, when there is a code, the verification QR
    on the left beside it, bottoms aligned."""
    half = pdf.content_width / 2
    pdf.ensure_space(reserve)
    pdf.signature_block(before, name, after, x=pdf.l_margin + half, w=half, space=20)
    end_y = pdf.get_y()
    if clean_line(code):
        _draw_verification(pdf, kop, clean_line(code), x=pdf.l_margin, w=half - 4,
                           bottom=max(end_y, pdf.t_margin + QR_SIZE))
        pdf.set_y(end_y)

