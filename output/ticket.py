"""The queue ticket: one `TicketSlip`, printed as a PDF or on an ESC/POS printer.

`TicketSlip` holds everything printed on a ticket as plain values. The
PDF (`render_ticket_pdf`) is made for 58 mm and 80 mm thermal rolls: the
page height grows to fit the text, the big code shrinks to fit the width
and long names wrap. `output.escpos` prints the same slip as text.

Every string in a slip is user data and is printed literally (no markup).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf.enums import Align, XPos, YPos

from output.pdf import (
    FONT,
    TICKET_HEIGHT,
    TICKET_MARGIN,
    DeskPDF,
    clean,
    clean_line,
    write_pdf,
)
from output.words import format_tanggal, format_waktu, hari

__all__ = [
    "TICKET_WIDTHS",
    "TicketSlip",
    "ahead_parts",
    "issued_parts",
    "issued_text",
    "render_ticket_pdf",
    "wait_parts",
    "wait_text",
    "zone_label",
]

TICKET_WIDTHS = (58, 80)  # thermal roll widths in mm
_MARGIN = {58: 3.0, 80: TICKET_MARGIN}  # left, right and top margin in mm
_MIN_HEIGHT = {58: 90.0, 80: TICKET_HEIGHT}  # a ticket is never shorter than this
_SCALE = {58: 0.9, 80: 1.0}  # font sizes relative to the 80 mm ticket
_PROBE_HEIGHT = 2000.0  # mm; the measuring page is tall enough for any slip
_ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class TicketSlip:
    """What a queue ticket shows.

    Attributes:
        pemerintah: E.g. "PEMERINTAH KABUPATEN KUTAI KARTANEGARA".
        dinas: E.g. "DINAS SOSIAL".
        alamat: The office's street address.
        code: The ticket code, e.g. "A-012".
        service_name: The service the ticket is for.
        issued_at: When the ticket was taken, office local time (tz-aware).
        tz_label: "WIB", "WITA" or "WIT" ("" prints no zone).
        waiting_ahead: How many people are ahead.
        estimated_wait_min: Estimated wait in minutes; None when unknown
            (the line is then left out).
        priority_label: E.g. "Prioritas: Lansia"; "" for an ordinary ticket.
        line_name: The queue line's name; may be "".
        free_text: Printed bold in a box, e.g. "Layanan ini GRATIS"; "" for none.
        footer: The last line(s) of the ticket.
    """

    pemerintah: str
    dinas: str
    alamat: str
    code: str
    service_name: str
    issued_at: datetime
    tz_label: str
    waiting_ahead: int
    estimated_wait_min: int | None
    priority_label: str = ""
    line_name: str = ""
    free_text: str = "Layanan ini GRATIS"
    footer: str = "Mohon menunggu nomor Anda dipanggil"


def zone_label(dt: datetime) -> str:
    """Name the Indonesian time zone of an aware datetime.

    Args:
        dt: A datetime.

    Returns:
        "WIB" (UTC+7), "WITA" (UTC+8), "WIT" (UTC+9), or "" for a naive
        datetime or any other offset.
    """
    offset = dt.utcoffset()
    if offset is None or offset.total_seconds() % 3600:
        return ""
    return _ZONES.get(int(offset.total_seconds() // 3600), "")


def issued_parts(slip: TicketSlip) -> tuple[str, str]:
    """The issue date and time, split where a narrow ticket breaks the line.

    Args:
        slip: The ticket.

    Returns:
        E.g. ("Kamis, 3 Desember 2026", "pukul 10.15 WITA").
    """
    at = slip.issued_at
    zone = clean_line(slip.tz_label)
    time_text = f"pukul {format_waktu(at)}" + (f" {zone}" if zone else "")
    return f"{hari(at)}, {format_tanggal(at)}", time_text


def issued_text(slip: TicketSlip) -> str:
    """The issue time as printed on one line.

    Args:
        slip: The ticket.

    Returns:
        E.g. "Kamis, 3 Desember 2026 pukul 10.15 WITA".
    """
    return " ".join(issued_parts(slip))


def ahead_parts(waiting_ahead: int) -> tuple[str, str]:
    """The number of people ahead, split like `issued_parts`.

    Args:
        waiting_ahead: How many people are ahead (negative counts as 0).

    Returns:
        E.g. ("Antrean di depan Anda:", "4").
    """
    return "Antrean di depan Anda:", str(max(0, int(waiting_ahead)))


def wait_parts(minutes: int | None) -> tuple[str, str]:
    """The estimated wait, split like `issued_parts`.

    Args:
        minutes: Estimated wait in minutes, or None when unknown.

    Returns:
        ("", "") when unknown, else e.g. ("Perkiraan waktu tunggu:", "± 25 menit"),
        (..., "sekitar 1 jam 10 menit") or (..., "segera").
    """
    if minutes is None:
        return "", ""
    head = "Perkiraan waktu tunggu:"
    minutes = int(minutes)
    if minutes <= 0:
        return head, "segera"
    if minutes < 60:
        return head, f"± {minutes} menit"
    jam, menit = divmod(minutes, 60)
    return head, f"sekitar {jam} jam" + (f" {menit} menit" if menit else "")


def wait_text(minutes: int | None) -> str:
    """The estimated wait as printed on one line.

    Args:
        minutes: Estimated wait in minutes, or None when unknown.

    Returns:
        "" when unknown, else e.g. "Perkiraan waktu tunggu: ± 25 menit".
    """
    return " ".join(part for part in wait_parts(minutes) if part)


# ---------------------------------------------------------------- drawing
def _draw(pdf: DeskPDF, slip: TicketSlip, scale: float) -> float:
    """Draw the ticket on the current page, starting at the top margin.

    Args:
        pdf: A ticket-sized document with a page added.
        slip: The ticket.
        scale: Font size factor for the roll width.

    Returns:
        The y position after the last line, in mm.
    """
    w = pdf.content_width
    x = pdf.l_margin

    def line(text: str, size: float, style: str = "", gap: float = 0.0) -> None:
        """Print centered text, wrapped to the width (skipped when empty)."""
        text = clean(text).strip()
        if not text:
            return
        size *= scale
        pdf.set_font(FONT, style, size)
        pdf.set_x(x)
        pdf.multi_cell(w, size * 0.45, text, align=Align.C,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    def pair(parts: tuple[str, str], size: float, style: str = "", gap: float = 0.0) -> None:
        """Print "head tail" on one line, or head and tail on two when too wide."""
        head, tail = (clean_line(part) for part in parts)
        pdf.set_font(FONT, style, size * scale)
        joined = f"{head} {tail}".strip()
        fits = pdf.get_string_width(joined) <= w - 2 * pdf.c_margin
        line(joined if fits else f"{head}\n{tail}", size, style, gap)

    def dashed(gap: float = 2.0) -> None:
        """Draw a dashed tear line with `gap` mm above and below."""
        pdf.ln(gap)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.set_line_width(0.2)
        pdf.line(x, pdf.get_y(), x + w, pdf.get_y())
        pdf.set_dash_pattern()
        pdf.ln(gap)

    pdf.set_y(pdf.t_margin + 1)
    line(clean_line(slip.pemerintah), 7.5, "B", 0.3)
    line(clean_line(slip.dinas), 11, "B", 0.3)
    line(clean_line(slip.alamat), 6.5)
    dashed()
    line("NOMOR ANTREAN", 9, "", 0.5)
    _big_code(pdf, clean_line(slip.code) or "-", 44 * scale)
    label = clean_line(slip.priority_label)
    if label:
        _inverted_box(pdf, label, 10 * scale)
    line(clean_line(slip.service_name), 10.5, "B", 0.5)
    line(clean_line(slip.line_name), 8.5, "", 0.5)
    pdf.ln(0.5)
    pair(issued_parts(slip), 8.5, "", 1.0)
    pair(ahead_parts(slip.waiting_ahead), 10, "B", 0.5)
    pair(wait_parts(slip.estimated_wait_min), 9)
    free = clean(slip.free_text).strip()
    if free:
        pdf.ln(2.5)
        _framed_box(pdf, free, 12 * scale)
    dashed()
    line(slip.footer, 8.5)
    return pdf.get_y()


def _big_code(pdf: DeskPDF, code: str, size: float) -> None:
    """Print the ticket code as large as the width allows (wrapped only below 8 pt)."""
    w = pdf.content_width
    pdf.set_font(FONT, "B", size)
    room = w - 2 * pdf.c_margin
    wide = pdf.get_string_width(code)
    if wide > room:  # text width grows linearly with the font size
        size = max(8.0, int(size * room / wide * 4) / 4)
        pdf.set_font(FONT, "B", size)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(w, size * 0.42, code, align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _inverted_box(pdf: DeskPDF, text: str, size: float) -> None:
    """Print white-on-black bold text in a centred box as wide as the text."""
    w = pdf.content_width
    pdf.set_font(FONT, "B", size)
    box_w = min(w, pdf.get_string_width(text) + 8)
    pdf.set_fill_color(0)
    pdf.set_text_color(255)
    pdf.set_x(pdf.l_margin + (w - box_w) / 2)
    pdf.multi_cell(box_w, size * 0.6, text, align=Align.C, fill=True,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(1.5)


def _framed_box(pdf: DeskPDF, text: str, size: float) -> None:
    """Print bold centred text inside a thick frame spanning the width."""
    w, x = pdf.content_width, pdf.l_margin
    pad = 1.6
    line_h = size * 0.5
    pdf.set_font(FONT, "B", size)
    inner_w = w - 2 * pad
    height = pdf.text_height(inner_w, text, line_h) + 2 * pad
    top = pdf.get_y()
    pdf.set_line_width(0.6)
    pdf.rect(x + 0.3, top, w - 0.6, height)
    pdf.set_line_width(0.2)
    pdf.set_xy(x + pad, top + pad)
    pdf.multi_cell(inner_w, line_h, text, align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height)


# ---------------------------------------------------------------- render
def render_ticket_pdf(path: PathLike, slip: TicketSlip, *, width_mm: int = 80) -> Path:
    """Render a queue ticket for a 58 mm or 80 mm thermal roll.

    The page is as tall as the ticket needs (at least 90 mm on 58 mm
    paper and 110 mm on 80 mm paper). The layout is drawn twice: once on
    a cheap copy of the document with a very tall page to measure it,
    then on a page of the measured height.

    Args:
        path: Where to write the PDF.
        slip: What the ticket shows.
        width_mm: The roll width, 58 or 80.

    Returns:
        The path written.

    Raises:
        ValueError: For any other width.
    """
    if width_mm not in TICKET_WIDTHS:
        raise ValueError(f"Lebar kertas tiket harus 58 atau 80 mm, bukan {width_mm!r}.")
    margin, scale = _MARGIN[width_mm], _SCALE[width_mm]
    pdf = DeskPDF.ticket(width=float(width_mm), margin=margin,
                         title=f"Tiket {clean_line(slip.code)}")
    probe = copy.deepcopy(pdf)  # far cheaper than loading the fonts again
    probe.add_page(format=(float(width_mm), _PROBE_HEIGHT))
    needed = _draw(probe, slip, scale) + margin
    pdf.add_page(format=(float(width_mm), max(_MIN_HEIGHT[width_mm], needed)))
    _draw(pdf, slip, scale)
    return write_pdf(pdf, path)
