"""The parts the desk's letters and naskah dinas share: the letterhead (Kop), who signs
(Signatory) and how the heading above a signature reads, the copy/draft mark, the place-and-date
line and the verification QR block.

output.documents re-exports Kop, Signatory and the verification constants; the renderers of
output.documents and output.naskah draw with these helpers. Every string is user data and is
printed literally.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date as date_type

import segno
from fpdf.enums import Align, XPos, YPos

from output.pdf import FONT, DeskPDF, clean, clean_line, paper
from output.words import format_tanggal

__all__ = [
    "DRAFT_FOOTER",
    "DRAFT_MARK",
    "QR_SIZE",
    "VERIFICATION_PATH",
    "VERIFICATION_QUERY",
    "Kop",
    "Signatory",
    "document_footer",
    "draw_kop",
    "draw_mark",
    "draw_verification",
    "kop_lines",
    "office_name",
    "place_date",
    "qr_svg",
    "section_label",
    "signature_after",
    "signature_heading",
    "verification_target",
    "with_comma",
]

#: What a letter's QR code holds: the office's verification page with the code (issue 9);
#: the models pass the full URL (their url_verifikasi setting), a bare code gets the kop's website.
VERIFICATION_PATH = "/verifikasi"
VERIFICATION_QUERY = "?kode="
QR_SIZE = 24.0  # mm

#: The mark and the watermark of a draft (konsep), and its footer instead of the number.
DRAFT_MARK = "KONSEP"
DRAFT_FOOTER = "KONSEP - belum ditandatangani, tidak berlaku sebagai surat resmi"


@dataclass(frozen=True)
class Kop:
    """The office letterhead.

    Attributes:
        pemerintah: E.g. "PEMERINTAH KABUPATEN KUTAI KARTANEGARA".
        dinas: E.g. "DINAS SOSIAL".
        alamat: Street address.
        telepon: Phone number(s).
        email: E-mail address (printed as "Pos-el").
        website: Web address (printed as "Laman").
        kode_pos: Postal code.
        kota: The place printed before dates, e.g. "Tenggarong".
    """

    pemerintah: str
    dinas: str
    alamat: str
    telepon: str = ""
    email: str = ""
    website: str = ""
    kode_pos: str = ""
    kota: str = ""
    #: Path of the lambang image (PNG/JPEG) at the left of the kop ("" = none).
    lambang: str = ""
    #: Paper: "A4" or "F4".
    kertas: str = "A4"


@dataclass(frozen=True)
class Signatory:
    """The official who signs a letter.

    Attributes:
        jabatan: Position, e.g. "Kepala Dinas Sosial" (may hold "\\n").
        nama: Full name with titles.
        pangkat: Rank, e.g. "Pembina Utama Muda (IV/c)".
        nip: Civil-service number, printed as "NIP. ...".
        on_behalf: The "atas nama" chain, outermost first: each entry a jabatan as printed (may
            hold "\\n"), e.g. ("KEPALA DINAS SOSIAL\\nKABUPATEN KUTAI KARTANEGARA", "Sekretaris").
            The first is printed after "a.n.", a second level adds "u.b." above the signer.
        status: "Plt." or "Plh." for an acting official, printed before the signer's own jabatan.
    """

    jabatan: str
    nama: str
    pangkat: str = ""
    nip: str = ""
    on_behalf: tuple[str, ...] = ()
    status: str = ""


def _lines(text: str) -> list[str]:
    """The non-empty lines of a (multi-line) jabatan."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


def signature_heading(s: Signatory) -> list[str]:
    """The lines printed above the signature space, as Tata Naskah Dinas draws them.

    Without ``on_behalf``: the jabatan's lines with a comma after the last
    (["KEPALA DINAS SOSIAL", "KABUPATEN KUTAI KARTANEGARA,"]). With it: "a.n. " before the first
    line of the outermost entry, the further entries, "u.b." when there are two levels or more,
    then the signer's own jabatan with the comma. ``status`` ("Plt.", "Plh.") prefixes the
    signer's own jabatan.

    Args:
        s: Who signs.

    Returns:
        The lines, already cleaned (none for a signatory without any jabatan).
    """
    out: list[str] = []
    chain = [lines for lines in (_lines(entry) for entry in s.on_behalf) if lines]
    for level, lines in enumerate(chain):
        if level == 0:
            lines = [f"a.n. {lines[0]}", *lines[1:]]
        out += lines
    if len(chain) > 1:
        out.append("u.b.")
    own = _lines(s.jabatan)
    status = clean_line(s.status)
    if own and status:
        own[0] = f"{status} {own[0]}"
    out += own
    if out:
        out[-1] = with_comma(out[-1])
    return out


def signature_after(s: Signatory) -> list[str]:
    """The lines under the signer's name: pangkat and "NIP. ..." (when given)."""
    after = [clean_line(s.pangkat)]
    if clean_line(s.nip):
        after.append(f"NIP. {clean_line(s.nip)}")
    return [line for line in after if line]


def document_footer(number: str, draft: bool) -> str:
    """The small footer of a numbered document: "Nomor: ..." or, on a draft, DRAFT_FOOTER."""
    if draft:
        return DRAFT_FOOTER
    return f"Nomor: {clean_line(number)}" if clean_line(number) else ""


# ------------------------------------------------------------------ helpers
def kop_lines(kop: Kop) -> list[str]:
    """Build the small address and contact lines of the kop.

    Args:
        kop: The letterhead.

    Returns:
        Up to two lines: address (with postal code) and contacts.
    """
    address = clean_line(kop.alamat)
    if clean_line(kop.kode_pos):
        address = f"{address}, Kode Pos {clean_line(kop.kode_pos)}".lstrip(", ")
    contacts = []
    if clean_line(kop.telepon):
        contacts.append(f"Telepon {clean_line(kop.telepon)}")
    if clean_line(kop.email):
        contacts.append(f"Pos-el {clean_line(kop.email)}")
    if clean_line(kop.website):
        contacts.append(f"Laman {clean_line(kop.website)}")
    return [line for line in (address, ", ".join(contacts)) if line]


def draw_kop(pdf: DeskPDF, kop: Kop) -> None:
    """Draw the letterhead of `kop` at the top of the current page.

    Args:
        pdf: The document.
        kop: The letterhead.
    """
    pdf.letterhead(kop.pemerintah, kop.dinas, kop_lines(kop), logo=kop.lambang)


def draw_mark(pdf: DeskPDF, mark: str) -> None:
    """A copy's mark ("SALINAN", "KONSEP") at the top right of the page, above the kop."""
    text = clean_line(mark)
    if not text:
        return
    y = pdf.get_y()
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(170, 0, 0)
    pdf.set_xy(pdf.l_margin, max(4.0, pdf.t_margin - 8))
    pdf.cell(pdf.content_width, 6, text, align=Align.R)
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(pdf.l_margin, y)


def place_date(kop: Kop, d: date_type) -> str:
    """Return "Tenggarong, 22 Mei 2024" (or only the date without kota).

    Args:
        kop: The letterhead (its kota is used).
        d: The date.

    Returns:
        The place-and-date line.
    """
    kota = clean_line(kop.kota)
    return f"{kota}, {format_tanggal(d)}" if kota else format_tanggal(d)


def office_name(kop: Kop) -> str:
    """Return the office name in title case for running text.

    Args:
        kop: The letterhead.

    Returns:
        E.g. "Dinas Sosial" for "DINAS SOSIAL".
    """
    name = clean_line(kop.dinas) or "Dinas Sosial"
    if not name.isupper():
        return name
    small = {"dan", "atau", "di", "ke", "dari", "untuk", "serta"}
    words = name.lower().split()
    return " ".join(
        w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def with_comma(text: str) -> str:
    """Append the customary comma to a signature heading.

    Args:
        text: E.g. "Kepala Dinas Sosial".

    Returns:
        "Kepala Dinas Sosial," unless it already ends in punctuation.
    """
    text = clean(text).strip()
    return text if not text or text[-1] in ",.:;" else text + ","


def section_label(pdf: DeskPDF, text: str) -> None:
    """Print a bold label line that stays with the content below it.

    Args:
        pdf: The document.
        text: The label.
    """
    pdf.ensure_space(5.5 * 3)
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(pdf.content_width, 5.5, text, align=Align.L,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)
    pdf.ln(1)


def qr_svg(payload: str) -> io.BytesIO:
    """Encode `payload` as a QR code in SVG.

    Args:
        payload: The text to encode.

    Returns:
        An SVG image in memory, ready for `FPDF.image`.
    """
    buf = io.BytesIO()
    segno.make(payload, error="m").save(buf, kind="svg", scale=4, border=2,
                                        omitsize=True)
    buf.seek(0)
    return buf


def draw_verification(pdf: DeskPDF, kop: Kop, code: str, *, x: float, w: float,
                      bottom: float, qr: Callable[[str], io.BytesIO] = qr_svg) -> None:
    """Print the QR code (the verification URL) with the readable code and where to check it
    beside it.

    Args:
        pdf: The document.
        kop: The letterhead (its website when ``code`` is a bare code; office name for the note).
        code: The verification URL, e.g. "https://dinsos.kukarkab.go.id/verifikasi?kode=7KQ2-M9XD-4B",
            or a bare code (already cleaned).
        x: Left edge of the block in mm.
        w: Width available for QR code and text in mm.
        bottom: The y position the block's lower edge aligns to.
        qr: The QR encoder (output.documents passes its own, which tests replace).
    """
    code, url, base = verification_target(kop, code)
    top = bottom - QR_SIZE
    pdf.image(qr(url), x=x, y=top, w=QR_SIZE, h=QR_SIZE)
    text_x = x + QR_SIZE + 3
    text_w = w - QR_SIZE - 3
    lines = [("B", f"Kode verifikasi: {code}")]
    if base:
        lines += [("", "Pindai kode QR ini atau periksa keaslian surat di laman:"),
                  ("", base.split("://", 1)[-1])]
    else:
        lines.append(("", f"Keaslian surat dapat diperiksa di {office_name(kop)}."))
    height = 0.0
    for style, text in lines:
        pdf.set_font(FONT, style, 8.5)
        height += pdf.text_height(text_w, text, 4)
    pdf.set_y(top + max(0.0, (QR_SIZE - height) / 2))
    for style, text in lines:
        pdf.set_font(FONT, style, 8.5)
        pdf.set_x(text_x)
        pdf.multi_cell(text_w, 4, text, align=Align.L,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 11)


def verification_target(kop: Kop, value: str) -> tuple[str, str, str]:
    """The code, the QR payload and the page (without the code) of a verification URL
    ("...?kode=CODE") or of a bare code (checked on the kop's website + "/verifikasi")."""
    for query in (VERIFICATION_QUERY, VERIFICATION_QUERY.replace("?", "&")):
        head, sep, code = value.rpartition(query)
        if sep:
            return code, value, head
    site = clean_line(kop.website).rstrip("/")
    if not site:
        return value, value, ""
    base = (site if "://" in site else f"https://{site}") + VERIFICATION_PATH
    return value, base + VERIFICATION_QUERY + value, base


def titled_document(kop: Kop, *, title: str, number: str, draft: bool, mark: str) -> DeskPDF:
    """Open a document drawn under a centred, underlined title with "Nomor: ..." under it (surat
    keterangan, berita acara): its first page with the mark (SALINAN, KONSEP), the kop and
    the title; a KONSEP carries its watermark on every page. ``number`` "" prints no Nomor line."""
    pdf = DeskPDF(footer_text=document_footer(number, draft), title=title.title(),
                  format=paper(kop.kertas), watermark=DRAFT_MARK if draft else "")
    pdf.add_page()
    draw_mark(pdf, DRAFT_MARK if draft else mark)
    draw_kop(pdf, kop)
    pdf.heading(title, size=12.5, underline=True, gap_after=0.5)
    if clean_line(number):
        pdf.set_font(FONT, "", 11)
        pdf.set_x(pdf.l_margin)
        pdf.cell(pdf.content_width, 5.5, f"Nomor: {clean_line(number)}", align=Align.C,
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)
    return pdf
