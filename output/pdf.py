"""A small fpdf2 base for the desk's documents.

`DeskPDF` registers the bundled DejaVu fonts (regular and bold; parsed once
per process and shared by the documents, see output.fontcache) so every
name prints, sets the page geometry and offers a few layout helpers that
all documents share: the letterhead (kop), labelled rows, numbered lists,
signature blocks and a page-number footer. `write_pdf` saves atomically.

All text passed to these helpers is user data and is printed literally:
markdown and HTML are never enabled.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from fpdf.linearization import LinearizedOutputProducer
from fpdf.output import OutputProducer

from output.fontcache import SharedFont, shared_font

__all__ = [
    "A4_HEIGHT",
    "A4_WIDTH",
    "FONT",
    "FONT_DIR",
    "MARGIN_BOTTOM",
    "MARGIN_SIDE",
    "MARGIN_TOP",
    "TICKET_HEIGHT",
    "TICKET_MARGIN",
    "TICKET_WIDTH",
    "DeskPDF",
    "clean",
    "clean_line",
    "paper",
    "warm_fonts",
    "write_pdf",
]

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"
#: The font file of each style of FONT.
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

A4_WIDTH = 210.0
A4_HEIGHT = 297.0
MARGIN_SIDE = 20.0  # left and right, mm
MARGIN_TOP = 15.0
MARGIN_BOTTOM = 16.0  # leaves room for the page-number footer

TICKET_WIDTH = 80.0  # thermal roll
TICKET_HEIGHT = 110.0  # minimum; a ticket grows when its text needs more room
TICKET_MARGIN = 4.0

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")


def clean(text: object) -> str:
    """Make user text safe to print while keeping it literal.

    Normalises to NFC (so "e" + combining marks becomes one glyph DejaVu
    has), turns tabs into spaces, CRLF into LF and drops other control
    characters. Markup such as "[b]" or "**" is left untouched.

    Args:
        text: Any value; None prints as "".

    Returns:
        The cleaned text (newlines kept).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text))
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    s = s.replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROL.sub("", s)


def clean_line(text: object) -> str:
    """Clean user text for a single line (newlines become spaces).

    Args:
        text: Any value.

    Returns:
        One line of text with runs of whitespace collapsed.
    """
    return " ".join(clean(text).split())


@functools.cache
def _with_shared_fonts(base: type[OutputProducer]) -> type[OutputProducer]:
    """``base`` choosing the font files of a DeskPDF's shared fonts before embedding them."""

    class Producer(base):  # type: ignore[valid-type,misc]
        def _add_fonts(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(self.fpdf, DeskPDF):
                self.fpdf._choose_font_files()
            return super()._add_fonts(*args, **kwargs)

    return Producer


def warm_fonts() -> None:
    """Parse the fonts, build their Latin copies and write one small document (so fontTools'
    table modules are imported) now: the first document of a session then takes as long as any
    other. A desk calls this in a background worker after its login screen shows."""
    for style, name in FONT_FILES.items():
        shared_font(FONT, style, FONT_DIR / name).build(0)
    pdf = DeskPDF(page_numbers=False)
    pdf.add_page()
    pdf.paragraph("Śrī Ñgurah")
    pdf.paragraph("Śrī Ñgurah", style="B")
    pdf.output()


#: Height of the lambang in the kop (mm).
LOGO_MM = 22.0
#: Paper sizes of letters and documents: A4, or F4 (215 x 330 mm) as many offices use.
PAPER: dict[str, str | tuple[float, float]] = {"A4": "A4", "F4": (215.0, 330.0)}


def paper(name: str) -> str | tuple[float, float]:
    """The page format for a paper name ("A4" for anything unknown)."""
    return PAPER.get(name, "A4")


class DeskPDF(FPDF):
    """FPDF with the DejaVu fonts, desk page geometry and layout helpers."""

    def __init__(
        self,
        format: str | tuple[float, float] = "A4",
        *,
        footer_text: str = "",
        page_numbers: bool = True,
        title: str = "",
        watermark: str = "",
    ) -> None:
        """Create a document in portrait orientation.

        Args:
            format: "A4" or a (width, height) tuple in mm.
            footer_text: Small text printed at the bottom left of each page.
            page_numbers: Print "Halaman n dari N" at the bottom right.
            title: Document title for the PDF metadata.
            watermark: Large light-grey text across every page, behind the content (e.g.
                "KONSEP" on a draft); "" for none.
        """
        super().__init__(orientation="P", unit="mm", format=format)
        self.watermark = clean_line(watermark)
        #: fontkey -> the process's parsed font file each of this document's fonts comes from
        self._shared_fonts: dict[str, SharedFont] = {}
        for style, name in FONT_FILES.items():
            self._add_shared_font(style, name)
        self.footer_text = clean_line(footer_text)
        self.page_numbers = page_numbers
        self.set_margins(MARGIN_SIDE, MARGIN_TOP, MARGIN_SIDE)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        self.set_font(FONT, "", 11)
        self.set_creator("desk")
        self.set_author("desk")
        if title:
            self.set_title(clean_line(title))

    def _add_shared_font(self, style: str, file_name: str) -> None:
        """Add FONT's ``style`` from the process's parsed copy (output.fontcache), or with
        fpdf2's add_font when that file cannot be shared."""
        shared = shared_font(FONT, style, FONT_DIR / file_name)
        if not shared.shareable:
            self.add_font(FONT, style, FONT_DIR / file_name)
            return
        fontkey = f"{FONT.lower()}{style}"
        self.fonts[fontkey] = shared.document_font(len(self.fonts) + 1)
        self._shared_fonts[fontkey] = shared

    def output(self, name: str | os.PathLike[str] = "", *, linearize: bool = False,  # type: ignore[override]
               output_producer_class: type[OutputProducer] = OutputProducer) -> bytearray | None:
        """fpdf2's output, which gives each shared font, just before embedding it (the footers
        and page counts printed), the smallest font file holding the document's glyphs."""
        base = LinearizedOutputProducer if linearize else output_producer_class
        return super().output(name, output_producer_class=_with_shared_fonts(base))

    def _choose_font_files(self) -> None:
        """Give each shared font a private TTFont holding the document's glyphs, to subset."""
        for fontkey, shared in self._shared_fonts.items():
            font = self.fonts[fontkey]
            font.ttfont.close()
            font.ttfont = shared.ttfont_for(font.subset.get_all_glyph_names())

    @classmethod
    def ticket(cls, height: float = TICKET_HEIGHT, *, width: float = TICKET_WIDTH,
               margin: float = TICKET_MARGIN, title: str = "") -> DeskPDF:
        """Create a thermal-roll ticket document without footer.

        Args:
            height: Page height in mm (`add_page(format=...)` may override it).
            width: Roll width in mm (80 or 58); margin: side and top margin in mm.
            title: Document title for the PDF metadata.

        Returns:
            A DeskPDF with narrow margins and no automatic page break.
        """
        pdf = cls((width, height), page_numbers=False, title=title)
        pdf.set_margins(margin, margin, margin)
        pdf.set_auto_page_break(False)
        return pdf

    # ----------------------------------------------------------- geometry
    @property
    def content_width(self) -> float:
        """Width between the left and right margins in mm."""
        return self.w - self.l_margin - self.r_margin

    @property
    def bottom_limit(self) -> float:
        """The y position where an automatic page break happens."""
        return self.page_break_trigger

    def ensure_space(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one.

        Blocks taller than a whole page are not moved (they will flow).

        Args:
            height: The height needed in mm.
        """
        usable = self.bottom_limit - self.t_margin
        if self.get_y() + height > self.bottom_limit and height <= usable:
            self.add_page()

    def text_height(self, w: float, text: str, line_h: float) -> float:
        """Measure the height of wrapped text in the current font.

        Args:
            w: Width of the text column in mm.
            text: Text already cleaned.
            line_h: Line height in mm.

        Returns:
            The height multi_cell would use.
        """
        if not text:
            return line_h
        return float(
            self.multi_cell(
                w, line_h, text, dry_run=True, output=MethodReturnValue.HEIGHT
            )
        )

    # -------------------------------------------------------- header, footer
    def header(self) -> None:
        """Draw the watermark (when set) diagonally across the page, before the page's content
        so that the text prints over it."""
        if not self.watermark:
            return
        x, y = self.get_x(), self.get_y()
        size = 110.0 if len(self.watermark) <= 7 else max(40.0, 110.0 * 7 / len(self.watermark))
        self.set_font(FONT, "B", size)
        width = self.get_string_width(self.watermark)
        cx, cy = self.w / 2, self.h / 2
        self.set_text_color(222)
        with self.rotation(55, cx, cy):
            self.text(cx - width / 2, cy + size * 0.35 / 2.83, self.watermark)
        self.set_text_color(0)
        self.set_xy(x, y)

    def footer(self) -> None:
        """Draw the footer text and "Halaman n dari N"."""
        if not self.page_numbers and not self.footer_text:
            return
        self.set_y(-11)
        self.set_x(self.l_margin)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(110)
        if self.footer_text:
            room = self.content_width * 0.7
            text = self.footer_text
            while len(text) > 1 and self.get_string_width(text) > room:
                text = text[:-2] + "…"
            self.cell(room, 4, text, align=Align.L)
        if self.page_numbers:
            self.set_x(self.l_margin)
            self.cell(
                self.content_width, 4,
                f"Halaman {self.page_no()} dari {self.str_alias_nb_pages}",
                align=Align.R,
            )
        self.set_text_color(0)

    # ---------------------------------------------------------- letterhead
    def letterhead(self, pemerintah: str, dinas: str, lines: Sequence[str], logo: str = "") -> None:
        """Draw the kop: the lambang at the left (when given), centered lines and a double rule
        below.

        Args:
            pemerintah: E.g. "PEMERINTAH KABUPATEN KUTAI KARTANEGARA".
            dinas: E.g. "DINAS SOSIAL" (printed bold and larger).
            lines: Address/contact lines printed smaller, in order.
            logo: Path of the lambang image (PNG/JPEG), "" for none.
        """
        x, w = self.l_margin, self.content_width
        if logo:  # the text stays centred on the page; the lambang sits in the left margin band
            self.image(logo, x=x, y=self.t_margin, h=LOGO_MM)
        self.set_xy(x, self.t_margin)
        if clean_line(pemerintah):
            self.set_font(FONT, "B", 13)
            self.multi_cell(w, 6, clean_line(pemerintah), align=Align.C,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if clean_line(dinas):
            self.set_font(FONT, "B", 17)
            self.multi_cell(w, 8, clean_line(dinas), align=Align.C,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 9)
        for line in lines:
            line = clean_line(line)
            if line:
                self.multi_cell(w, 4.3, line, align=Align.C,
                                new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = max(self.get_y(), self.t_margin + LOGO_MM if logo else 0) + 1.5
        self.set_draw_color(0)
        self.set_line_width(0.8)
        self.line(x, y, x + w, y)
        self.set_line_width(0.25)
        self.line(x, y + 1.2, x + w, y + 1.2)
        self.set_line_width(0.2)
        self.set_xy(x, y + 5)
        self.set_font(FONT, "", 11)

    # ------------------------------------------------------------- helpers
    def heading(self, text: str, *, size: float = 12.5, underline: bool = True,
                gap_after: float = 1.0) -> None:
        """Print a centered bold heading.

        Args:
            text: The heading (user text allowed).
            size: Font size in pt.
            underline: Underline the heading.
            gap_after: Space below in mm.
        """
        text = clean_line(text)
        if not text:
            return
        self.set_x(self.l_margin)
        self.set_font(FONT, "BU" if underline else "B", size)
        self.multi_cell(self.content_width, size * 0.5, text, align=Align.C,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 11)
        self.ln(gap_after)

    def paragraph(self, text: str, *, size: float = 11, line_h: float = 5.3,
                  align: Align | str = Align.J, x: float | None = None,
                  w: float | None = None, style: str = "",
                  gap_after: float = 2.5) -> None:
        """Print a wrapped paragraph (newlines in `text` start new lines).

        Args:
            text: The text, printed literally.
            size: Font size in pt.
            line_h: Line height in mm.
            align: Alignment; justified by default.
            x: Left edge in mm (default: left margin).
            w: Width in mm (default: up to the right margin).
            style: Font style ("", "B", "U", "BU").
            gap_after: Space below in mm.
        """
        text = clean(text).strip("\n")
        if not text:
            return
        x = self.l_margin if x is None else x
        w = (self.w - self.r_margin - x) if w is None else w
        self.set_font(FONT, style, size)
        self.set_x(x)
        self.multi_cell(w, line_h, text, align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 11)
        self.ln(gap_after)

    def field_rows(self, rows: Iterable[tuple[str, str]], *, x: float | None = None,
                   label_w: float = 42, size: float = 11, line_h: float = 5.3,
                   gap_after: float = 2.5, bold_values: bool = False) -> None:
        """Print aligned "label : value" rows; long values wrap under themselves.

        Args:
            rows: (label, value) pairs, printed literally.
            x: Left edge in mm (default: left margin).
            label_w: Width of the label column in mm.
            size: Font size in pt.
            line_h: Line height in mm.
            gap_after: Space below the block in mm.
            bold_values: Print values in bold.
        """
        x = self.l_margin if x is None else x
        rows = [(clean(label).strip(), clean(value).strip()) for label, value in rows]
        # widen the label column so that no (short) label breaks mid-word, up to 60 mm
        self.set_font(FONT, "", size)
        widest = max((self.get_string_width(label) for label, _ in rows), default=0.0)
        label_w = max(label_w, min(widest + 2.0, 60.0))
        colon_w = 4.0
        value_x = x + label_w + colon_w
        value_w = self.w - self.r_margin - value_x
        for label, value in rows:
            self.set_font(FONT, "", size)
            h_label = self.text_height(label_w, label, line_h)
            self.set_font(FONT, "B" if bold_values else "", size)
            h_value = self.text_height(value_w, value or "-", line_h)
            self.ensure_space(max(h_label, h_value))
            top, page = self.get_y(), self.page
            self.set_font(FONT, "", size)
            self.set_xy(x, top)
            self.multi_cell(label_w, line_h, label, align=Align.L,
                            new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.cell(colon_w, line_h, ":")
            self.set_font(FONT, "B" if bold_values else "", size)
            self.multi_cell(value_w, line_h, value or "-", align=Align.L,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if self.page == page:
                self.set_y(max(self.get_y(), top + h_label))
        self.set_font(FONT, "", 11)
        self.ln(gap_after)

    def numbered_list(self, items: Sequence[str], *, x: float | None = None,
                      size: float = 11, line_h: float = 5.3,
                      notes: Sequence[str] | None = None, note_prefix: str = "",
                      gap_after: float = 2.5, marker: str = "{n}.",
                      item_gap: float = 0.8) -> None:
        """Print a numbered list; each item starts its own line and wraps.

        Args:
            items: The items, printed literally.
            x: Left edge in mm (default: left margin).
            size: Font size in pt.
            line_h: Line height in mm.
            notes: Optional note per item (same index; "" for none).
            note_prefix: Text printed before each note.
            gap_after: Space below the list in mm.
            marker: Format of the number, with "{n}" for the position.
            item_gap: Extra space between items in mm.
        """
        x = self.l_margin if x is None else x
        self.set_font(FONT, "", size)
        num_w = max(7.0, self.get_string_width(marker.format(n=len(items))) + 2.5)
        text_x = x + num_w
        text_w = self.w - self.r_margin - text_x
        notes = list(notes or [])
        for i, item in enumerate(items):
            item = clean(item).strip() or "-"
            note = clean(notes[i]).strip() if i < len(notes) else ""
            self.set_font(FONT, "", size)
            h = self.text_height(text_w, item, line_h)
            if note:
                self.set_font(FONT, "", size - 1.5)
                h += self.text_height(text_w, note_prefix + note, line_h - 0.8)
            self.ensure_space(min(h, 3 * line_h))
            self.set_font(FONT, "", size)
            self.set_x(x)
            self.cell(num_w, line_h, marker.format(n=i + 1))
            self.multi_cell(text_w, line_h, item, align=Align.L,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if note:
                self.set_font(FONT, "", size - 1.5)
                self.set_text_color(70)
                self.set_x(text_x)
                self.multi_cell(text_w, line_h - 0.8, note_prefix + note,
                                align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.set_text_color(0)
            self.ln(item_gap)
        self.set_font(FONT, "", 11)
        self.ln(gap_after)

    def signature_block(self, lines_before: Sequence[str], name: str,
                        lines_after: Sequence[str], *, x: float | None = None,
                        w: float = 80, space: float = 22, size: float = 11,
                        line_h: float = 5.3, align: Align | str = Align.C) -> None:
        """Print a signature block kept together on one page.

        Args:
            lines_before: Lines above the signature space (place/date, jabatan).
            name: The signer's name, printed bold and underlined.
            lines_after: Lines below the name (pangkat, "NIP. ...").
            x: Left edge in mm (default: right-aligned to the right margin).
            w: Width of the block in mm.
            space: Height of the empty signature space in mm.
            size: Font size in pt.
            line_h: Line height in mm.
            align: Text alignment inside the block.
        """
        x = (self.w - self.r_margin - w) if x is None else x
        before = [clean(s).strip() for s in lines_before if clean(s).strip()]
        after = [clean(s).strip() for s in lines_after if clean(s).strip()]
        name = clean_line(name) or "(....................................)"
        self.set_font(FONT, "", size)
        h = sum(self.text_height(w, s, line_h) for s in before + after)
        self.set_font(FONT, "BU", size)
        h += self.text_height(w, name, line_h) + space
        self.ensure_space(h)
        self.set_font(FONT, "", size)
        for s in before:
            self.set_x(x)
            self.multi_cell(w, line_h, s, align=align,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(space)
        self.set_x(x)
        self.set_font(FONT, "BU", size)
        self.multi_cell(w, line_h, name, align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", size)
        for s in after:
            self.set_x(x)
            self.multi_cell(w, line_h, s, align=align,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 11)


def write_pdf(pdf: FPDF, path: str | os.PathLike[str]) -> Path:
    """Write a PDF atomically (temp file in the same folder, then os.replace).

    Args:
        pdf: The finished document.
        path: Destination file; missing parent folders are created.

    Returns:
        The absolute path written.
    """
    target = Path(path).expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = bytes(pdf.output())
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; PDFs are meant to be shared
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
