"""Naskah dinas other than letters (Tata Naskah Dinas): the berita acara and the lembar disposisi.

Like output.documents, inputs are keyword arguments and the frozen dataclasses of
output.letterparts (Kop, Signatory) plus `Party`; every string is user data and is printed
literally (no markup). Each `render_*` function writes one PDF atomically and returns its path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date as date_type
from pathlib import Path

from fpdf.enums import Align, XPos, YPos

from output import documents
from output.letterparts import (
    DRAFT_FOOTER,
    DRAFT_MARK,
    QR_SIZE,
    Kop,
    Signatory,
    draw_kop,
    draw_mark,
    draw_verification,
    place_date,
    signature_after,
    signature_heading,
    titled_document,
)
from output.pdf import FONT, DeskPDF, clean, clean_line, paper, write_pdf
from output.words import tanggal_terbilang

__all__ = ["SIFAT", "Party", "render_berita_acara", "render_disposisi"]

PathLike = str | os.PathLike[str]

#: The sifat boxes of a lembar disposisi, in print order.
SIFAT = ("Sangat Segera", "Segera", "Rahasia", "Biasa")
#: The tick printed in a checked box (DejaVu Sans has it).
TICK = "\u2713"
#: Printed where a signer's name is missing.
NO_NAME = "(....................................)"


@dataclass(frozen=True)
class Party:
    """One signer of a berita acara.

    Attributes:
        role: The line printed first, e.g. "PIHAK PERTAMA," or "Petugas Verifikasi,".
        signatory: Who signs; the signature heading follows the role when it has a jabatan.
    """

    role: str
    signatory: Signatory


#: A cell of the disposisi's table: label, value and, for the sifat, its boxes instead.
_Cell = tuple[str, str, "list[tuple[str, bool]] | None"]


@dataclass(frozen=True)
class _Column:
    """One signature block of a row: lines above the space, the name, lines under it."""

    x: float
    w: float
    before: list[str]
    name: str
    after: list[str]


# ---------------------------------------------------------------- signatures
def _party_column(party: Party, x: float, w: float, *, known: bool = False) -> _Column:
    """The block of one party; ``known`` makes it the "Mengetahui," block."""
    s = party.signatory
    role = clean_line(party.role)
    before = [role] if role else []
    if known and not role.lower().startswith("mengetahui"):
        before.insert(0, "Mengetahui,")
    before += signature_heading(s)
    return _Column(x, w, before, clean_line(s.nama) or NO_NAME, signature_after(s))


def _row_parts(pdf: DeskPDF, cols: list[_Column], line_h: float) -> tuple[float, float]:
    """The height of the tallest lines above the space and of the tallest name with its lines."""
    above = below = 0.0
    for col in cols:
        pdf.set_font(FONT, "", 11)
        h_above = sum(pdf.text_height(col.w, line, line_h) for line in col.before)
        h_below = sum(pdf.text_height(col.w, line, line_h) for line in col.after)
        pdf.set_font(FONT, "BU", 11)
        h_below += pdf.text_height(col.w, col.name, line_h)
        above, below = max(above, h_above), max(below, h_below)
    pdf.set_font(FONT, "", 11)
    return above, below


def _row_height(pdf: DeskPDF, cols: list[_Column], space: float, line_h: float = 5.3) -> float:
    """The height of a row of signature blocks."""
    above, below = _row_parts(pdf, cols, line_h)
    return above + space + below


def _signature_row(pdf: DeskPDF, cols: list[_Column], *, space: float = 20,
                   line_h: float = 5.3, keep: float = 0.0) -> None:
    """Print signature blocks side by side, their first lines and their names level; the row
    moves to a new page whole (with ``keep`` mm more of what follows) when it does not fit."""
    above, below = _row_parts(pdf, cols, line_h)
    height = above + space + below
    usable = pdf.bottom_limit - pdf.t_margin
    pdf.ensure_space(height + keep if height + keep <= usable else height)
    top = pdf.get_y()
    for col in cols:
        pdf.set_font(FONT, "", 11)
        pdf.set_y(top)
        for line in col.before:
            pdf.set_x(col.x)
            pdf.multi_cell(col.w, line_h, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(top + above + space)
        pdf.set_x(col.x)
        pdf.set_font(FONT, "BU", 11)
        pdf.multi_cell(col.w, line_h, col.name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 11)
        for line in col.after:
            pdf.set_x(col.x)
            pdf.multi_cell(col.w, line_h, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, top + height)


def _body(pdf: DeskPDF, blocks: list[str | list[tuple[str, str]]]) -> None:
    """Justified paragraphs (str) and indented label/value tables (lists of pairs)."""
    for block in blocks:
        if isinstance(block, str):
            pdf.paragraph(block)
        else:
            pdf.field_rows(list(block), x=pdf.l_margin + 10, label_w=45)


# -------------------------------------------------------------- berita acara
def render_berita_acara(path: PathLike, *, kop: Kop, title: str, number: str, date: date_type,
                        place: str, opening_parties_intro: str,
                        blocks: list[str | list[tuple[str, str]]], closing: str,
                        parties: list[Party], known: Party | None = None,
                        verification_code: str = "", mark: str = "", draft: bool = False) -> Path:
    """Render a berita acara (Tata Naskah Dinas).

    Kop; the title centred, bold and underlined with "Nomor: ..." under it; the opening "Pada hari
    ini <the date in words>, bertempat di <place>, <opening_parties_intro>"; the body; the
    closing; the parties' signature blocks two per row (one party alone signs on the right);
    "Mengetahui," with ``known`` centred under them; the verification QR at the bottom left. No
    place-and-date line: the date is in the opening.

    Args:
        path: Where to write the PDF.
        kop: The office letterhead.
        title: E.g. "BERITA ACARA SERAH TERIMA BANTUAN".
        number: The number printed under the title.
        date: The day the berita acara records.
        place: Where, e.g. "Kantor Dinas Sosial Kabupaten Kutai Kartanegara".
        opening_parties_intro: What ends the opening, e.g. "kami yang bertanda tangan di bawah ini:".
        blocks: The body: a str is a justified paragraph, a list of (label, value) pairs an
            indented table.
        closing: The closing paragraph.
        parties: Who sign, in order (left, right, next row ...).
        known: The official who acknowledges ("Mengetahui,"), or None.
        verification_code: The verification URL or bare code ("" prints none; never on a draft).
        mark: Printed at the top right of the first page (e.g. "SALINAN").
        draft: A konsep: "KONSEP" across every page and as the mark, a footer saying it is not
            signed and no verification block.

    Returns:
        The path written.
    """
    pdf = titled_document(kop, title=title or "BERITA ACARA", number=number, draft=draft, mark=mark)
    opening = [f"Pada hari ini {tanggal_terbilang(date)}"]
    if clean_line(place):
        opening.append(f"bertempat di {clean_line(place)}")
    if clean(opening_parties_intro).strip():
        opening.append(clean(opening_parties_intro).strip())
    pdf.paragraph(", ".join(opening))
    _body(pdf, blocks)

    half = pdf.content_width / 2
    left, right, centre = pdf.l_margin, pdf.l_margin + half, pdf.l_margin + half / 2
    rows: list[list[_Column]] = []
    for i in range(0, len(parties), 2):
        pair = parties[i:i + 2]
        if len(pair) == 2:
            rows.append([_party_column(pair[0], left, half), _party_column(pair[1], right, half)])
        else:
            rows.append([_party_column(pair[0], right if len(parties) == 1 else centre, half)])
    if known is not None:
        rows.append([_party_column(known, centre, half, known=True)])
    code = "" if draft else clean_line(verification_code)
    beside = bool(code) and len(rows) == 1 and len(rows[0]) == 1 and rows[0][0].x == right
    qr_h = QR_SIZE + 6 if code and not beside else 0.0

    # the closing goes over with the first row of signatures, the last row with the QR block
    gap = 6.0
    first = _row_height(pdf, rows[0], 20) + (qr_h if len(rows) == 1 else 0) if rows else 0.0
    pdf.set_font(FONT, "", 11)
    closing_h = pdf.text_height(pdf.content_width, clean(closing), 5.3) + 6 if clean(closing).strip() else 0
    if closing_h + first <= pdf.bottom_limit - pdf.t_margin:
        pdf.ensure_space(closing_h + first)
    pdf.paragraph(closing, gap_after=6)
    for i, cols in enumerate(rows):
        if i:
            pdf.ln(gap)
        _signature_row(pdf, cols, keep=qr_h if i == len(rows) - 1 else 0.0)
    if code:
        end_y = pdf.get_y()
        if beside:
            bottom = max(end_y, pdf.t_margin + QR_SIZE)
        else:
            pdf.ln(6)
            pdf.ensure_space(QR_SIZE)
            bottom = pdf.get_y() + QR_SIZE
        draw_verification(pdf, kop, code, x=pdf.l_margin, w=half + 20 if not beside else half - 4,
                          bottom=bottom, qr=documents._qr_svg)
        pdf.set_y(max(end_y, bottom))
    return write_pdf(pdf, path)


# ----------------------------------------------------------- lembar disposisi
class _Disposisi:
    """Draws a lembar disposisi in one font size (render_disposisi tries smaller ones until the
    sheet fits on one page)."""

    def __init__(self, pdf: DeskPDF, size: float) -> None:
        self.pdf = pdf
        self.size = size
        self.line_h = size * 0.5
        self.pad = 1.6
        self.box = size * 0.33  # side of a checkbox in mm

    # ---- checkboxes
    def _checkbox(self, x: float, y: float, ticked: bool) -> None:
        """A square at (x, y) (top left); the tick glyph inside when ``ticked``."""
        pdf, b = self.pdf, self.box
        pdf.set_line_width(0.25)
        pdf.rect(x, y, b, b)
        if ticked:
            pdf.set_font(FONT, "B", self.size)
            pdf.set_xy(x - 0.5, y + (b - self.line_h) / 2)
            pdf.cell(b + 1, self.line_h, TICK, align=Align.C)

    def checkbox_grid(self, x: float, y: float, w: float, items: list[tuple[str, bool]],
                      draw: bool = True) -> float:
        """Checkboxes with their labels in as many equal columns as fit in ``w`` (all on one
        line when they fit); returns the height used."""
        pdf, gap, step = self.pdf, self.box + 1.4, self.line_h + 0.8
        pdf.set_font(FONT, "", self.size)
        widths = [gap + pdf.get_string_width(text) + 2.5 for text, _ in items]
        if sum(widths) <= w:
            cols, lefts = len(items), [x + sum(widths[:i]) for i in range(len(items))]
        else:
            col_w = max(widths, default=w)
            cols = max(1, min(len(items), int(w // col_w)))
            lefts = [x + (i % cols) * col_w for i in range(len(items))]
        for i, (text, ticked) in enumerate(items):
            cx, cy = lefts[i], y + (i // cols) * step
            if draw:
                self._checkbox(cx, cy + (self.line_h - self.box) / 2, ticked)
                pdf.set_font(FONT, "", self.size)
                pdf.set_xy(cx + gap - pdf.c_margin, cy)
                pdf.cell(min(widths[i] - gap, x + w - cx - gap + pdf.c_margin), self.line_h, text)
        rows = -(-len(items) // cols)
        return max(self.line_h, rows * step - 0.8)

    def checkbox_list(self, x: float, y: float, w: float, items: list[tuple[str, bool]],
                      draw: bool = True) -> float:
        """One checkbox per line, its label wrapping beside it; returns the height used."""
        pdf, gap = self.pdf, self.box + 1.6
        cy = y
        for text, ticked in items:
            pdf.set_font(FONT, "", self.size)
            h = pdf.text_height(w - gap, text, self.line_h)
            if draw:
                self._checkbox(x, cy + (self.line_h - self.box) / 2, ticked)
                pdf.set_font(FONT, "", self.size)
                pdf.set_xy(x + gap, cy)
                pdf.multi_cell(w - gap, self.line_h, text, align=Align.L,
                               new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            cy += h + 1.2
        return cy - y

    # ---- the table of the letter's data
    def field(self, x: float, y: float, w: float, label_w: float, cell: _Cell,
              draw: bool = True) -> float:
        """"label : value" inside a cell (the sifat cell: its checkboxes as the value); returns
        the height used."""
        pdf = self.pdf
        label, value, boxes = cell
        value_x = x + label_w + 3
        value_w = x + w - value_x
        pdf.set_font(FONT, "", self.size)
        h = pdf.text_height(label_w, label, self.line_h)
        if boxes is not None:
            h = max(h, self.checkbox_grid(value_x + 1.5, y, value_w - 1.5, boxes, draw=False))
        else:
            h = max(h, pdf.text_height(value_w, value or "-", self.line_h))
        if draw:
            pdf.set_font(FONT, "", self.size)
            pdf.set_xy(x, y)
            pdf.multi_cell(label_w, self.line_h, label, align=Align.L)
            pdf.set_xy(x + label_w, y)
            pdf.cell(3, self.line_h, ":")
            if boxes is not None:
                self.checkbox_grid(value_x + 1.5, y, value_w - 1.5, boxes)
            else:
                pdf.set_font(FONT, "", self.size)
                pdf.set_xy(value_x, y)
                pdf.multi_cell(value_w, self.line_h, value or "-", align=Align.L)
        return h

    def table(self, rows: list[tuple[str, str]], sifat: str) -> None:
        """The letter's data two per row where they fit, the sifat boxes, then Perihal."""
        pdf, pad = self.pdf, self.pad
        fields = [(clean_line(label), clean(value).strip()) for label, value in rows]
        ticked = clean_line(sifat).lower()
        boxes = [(name, name.lower() == ticked) for name in SIFAT]
        if ticked and not any(t for _, t in boxes):
            boxes.append((clean_line(sifat), True))
        cells: list[_Cell] = [(lb, v, None) for lb, v in fields if lb.lower() != "perihal"]
        cells.append(("Sifat", "", boxes))
        full_w, half = pdf.content_width, pdf.content_width / 2
        inner = half - 2 * pad
        pdf.set_font(FONT, "", self.size)

        def label_width(group: list[_Cell]) -> float:
            widest = max((pdf.get_string_width(c[0]) for c in group), default=0.0)
            return min(widest + 2 * pdf.c_margin + 0.5, inner * 0.4)

        def fits(cell: _Cell) -> bool:
            value_w = inner - label_width(cells) - 3
            return cell[2] is not None or pdf.text_height(value_w, cell[1] or "-", self.line_h) <= 2 * self.line_h

        lines: list[list[_Cell]] = []
        pending = list(cells)
        while pending:
            cell = pending.pop(0)
            if pending and fits(cell) and fits(pending[0]):
                lines.append([cell, pending.pop(0)])
            else:
                lines.append([cell])
        lines += [[(lb, v, None)] for lb, v in fields if lb.lower() == "perihal"]
        # the colons of each column line up; a full-width row follows the left column
        label_ws = [label_width([line[0] for line in lines]),
                    label_width([line[1] for line in lines if len(line) == 2])]
        x0 = pdf.l_margin
        for line in lines:
            w = half if len(line) == 2 else full_w
            h = max(self.field(x0 + i * w + pad, 0, w - 2 * pad, label_ws[i], c, False)
                    for i, c in enumerate(line)) + 2 * pad
            pdf.ensure_space(h)
            top = pdf.get_y()
            for i, c in enumerate(line):
                pdf.set_line_width(0.3)
                pdf.rect(x0 + i * w, top, w, h)
                self.field(x0 + i * w + pad, top + pad, w - 2 * pad, label_ws[i], c)
            pdf.set_xy(x0, top + h)

    def columns(self, forward_to: list[tuple[str, bool]], instructions: list[tuple[str, bool]]) -> None:
        """"Diteruskan kepada:" and "Dengan hormat harap:" side by side, in boxes of one height."""
        pdf, pad = self.pdf, self.pad
        half = pdf.content_width / 2
        parts = [("Diteruskan kepada:", forward_to), ("Dengan hormat harap:", instructions)]
        pdf.set_font(FONT, "B", self.size)
        inner = half - 2 * pad
        h = max(self.line_h + 1.5 + self.checkbox_list(0, 0, inner - pdf.c_margin, items, draw=False)
                for _, items in parts)
        h = max(h + 2 * pad, 6 * self.line_h)
        pdf.ensure_space(h)
        top = pdf.get_y()
        for i, (heading, items) in enumerate(parts):
            x = pdf.l_margin + i * half
            pdf.set_line_width(0.3)
            pdf.rect(x, top, half, h)
            pdf.set_font(FONT, "B", self.size)
            pdf.set_xy(x + pad, top + pad)
            pdf.cell(inner, self.line_h, heading)
            self.checkbox_list(x + pad + pdf.c_margin, top + pad + self.line_h + 1.5,
                               inner - pdf.c_margin, items)
        pdf.set_xy(pdf.l_margin, top + h)

    def catatan(self, note: str, lines: int) -> None:
        """The "Catatan:" box: the note, then dotted lines to write on."""
        pdf, pad = self.pdf, self.pad
        w = pdf.content_width
        text = clean(note).strip()
        pdf.set_font(FONT, "", self.size)
        text_h = pdf.text_height(w - 2 * pad, text, self.line_h) if text else 0.0
        rule = self.line_h + 2.2
        h = 2 * pad + self.line_h + 1 + text_h + lines * rule
        pdf.ensure_space(h)
        top = pdf.get_y()
        pdf.set_line_width(0.3)
        pdf.rect(pdf.l_margin, top, w, h)
        pdf.set_font(FONT, "B", self.size)
        pdf.set_xy(pdf.l_margin + pad, top + pad)
        pdf.cell(w - 2 * pad, self.line_h, "Catatan:")
        y = top + pad + self.line_h + 1
        if text:
            pdf.set_font(FONT, "", self.size)
            pdf.set_xy(pdf.l_margin + pad, y)
            pdf.multi_cell(w - 2 * pad, self.line_h, text, align=Align.L)
            y += text_h
        pdf.set_draw_color(150)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=0.6, gap=0.9)
        for i in range(1, lines + 1):
            ly = y + i * rule - 1.2
            pdf.line(pdf.l_margin + pad + 1, ly, pdf.l_margin + w - pad - 1, ly)
        pdf.set_dash_pattern()
        pdf.set_draw_color(0)
        pdf.set_xy(pdf.l_margin, top + h)


def render_disposisi(path: PathLike, *, kop: Kop, rows: list[tuple[str, str]], sifat: str,
                     forward_to: list[tuple[str, bool]], instructions: list[tuple[str, bool]],
                     note: str, signatory: Signatory, date: date_type | None,
                     draft: bool = False) -> Path:
    """Render a lembar disposisi on one page.

    Kop; "LEMBAR DISPOSISI"; a bordered table of the incoming letter's data two per row where
    they fit (with the sifat boxes, the one equal to ``sifat`` ticked) and "Perihal" full width;
    "Diteruskan kepada:" and "Dengan hormat harap:" with a checkbox per entry side by side; the
    "Catatan:" box with lines to write on; the signature block on the right (no QR, no number).
    Long entries make the font smaller until the sheet fits on one page.

    Args:
        path: Where to write the PDF.
        kop: The office letterhead (kop.kota before the date).
        rows: (label, value) pairs, e.g. ("Surat dari", ...), ("Diterima tanggal", ...),
            ("Nomor surat", ...), ("Nomor agenda", ...), ("Tanggal surat", ...), ("Perihal", ...).
        sifat: "Sangat Segera", "Segera", "Rahasia" or "Biasa" (another text gets a box of its own).
        forward_to: (who, ticked) per box under "Diteruskan kepada:".
        instructions: (instruction, ticked) per box under "Dengan hormat harap:".
        note: The disposisi's note ("" leaves only lines to write on).
        signatory: Who disposes.
        date: The date above the signature (None prints none).
        draft: "KONSEP" across the page and a footer saying it is not signed.

    Returns:
        The path written.
    """
    forward = [(clean_line(t), bool(v)) for t, v in forward_to if clean_line(t)]
    asks = [(clean_line(t), bool(v)) for t, v in instructions if clean_line(t)]
    for size, note_lines in ((10.0, 4), (9.0, 3), (8.0, 2), (7.0, 1)):
        pdf = DeskPDF(footer_text=DRAFT_FOOTER if draft else "", title="Lembar Disposisi",
                      format=paper(kop.kertas), watermark=DRAFT_MARK if draft else "")
        pdf.add_page()
        draw_mark(pdf, DRAFT_MARK if draft else "")
        draw_kop(pdf, kop)
        pdf.heading("LEMBAR DISPOSISI", size=13, underline=False, gap_after=3)
        sheet = _Disposisi(pdf, size)
        sheet.table(rows, sifat)
        sheet.columns(forward, asks)
        sheet.catatan(note, note_lines)
        pdf.ln(5)
        before = [place_date(kop, date)] if date is not None else []
        pdf.signature_block([*before, *signature_heading(signatory)], signatory.nama,
                            signature_after(signatory), x=pdf.l_margin + pdf.content_width / 2,
                            w=pdf.content_width / 2, space=18, size=min(11.0, size + 1),
                            line_h=min(5.3, size * 0.5 + 0.3))
        if pdf.pages_count == 1:
            break
    return write_pdf(pdf, path)
