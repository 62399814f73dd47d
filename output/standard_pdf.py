"""The public Standar Pelayanan of one service, as the PDF an office must display.

A4 portrait: the issuing office's name as heading, the service's name, the decree that set the
standard, then a table of the components PermenPANRB 15/2014 names, numbered as it lists them:

A. Penyampaian pelayanan (service delivery): 1 persyaratan, 2 sistem/mekanisme/prosedur (the SOP
   steps), 3 jangka waktu, 4 biaya/tarif, 5 produk, 6 penanganan pengaduan, saran dan masukan;
B. Pengelolaan pelayanan (manufacturing): 1 dasar hukum, 2 sarana prasarana, 3 kompetensi
   pelaksana, 4 pengawasan internal, 5 jumlah pelaksana, 6 jaminan pelayanan, 7 jaminan keamanan
   dan keselamatan, 8 evaluasi kinerja pelaksana;

plus a table of categories (jangka waktu and amounts) where the standard has them, and
"Halaman n dari N" on every page. Table rows break across pages line by line: long cells wrap
and never overflow.

:func:`standard_rows` returns the table as plain data (used by the tests and by ``desk katalog
lihat``); :func:`build_standard_pdf` lays it out; :func:`write_standard_pdf` saves it.

This module never imports textual, rich or forms (it reads a service by attribute). All text is
printed literally (no markup).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from output.pdf import FONT, DeskPDF, clean, clean_line, write_pdf

#: A forms.catalog.Service, a forms.standard.Standard and a forms.standard.Category, read by
#: attribute: output/ and forms/ are sibling layers and never import each other.
Service = Any
Standard = Any
Category = Any

__all__ = [
    "SECTION_A",
    "SECTION_B",
    "Para",
    "Row",
    "build_standard_pdf",
    "category_rows",
    "standard_rows",
    "write_standard_pdf",
]

SECTION_A = "PENYAMPAIAN PELAYANAN (SERVICE DELIVERY)"
SECTION_B = "PENGELOLAAN PELAYANAN (MANUFACTURING)"

#: Printed for a component the document does not give.
MISSING = "-"

_SIZE = 9.5  # pt, table text
_LINE_H = 4.4  # mm
_PAD = 1.3  # mm above and below a row's text
_COL_NO = 10.0
_COL_LABEL = 44.0


@dataclass(frozen=True)
class Para:
    """One paragraph of a table cell.

    Attributes:
        text: The text (printed literally, wrapped to the cell).
        marker: Item number ("1.") printed in a hanging column, or "" for a plain paragraph.
        bold: Print in bold.
    """

    text: str
    marker: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Row:
    """One component of the standard.

    Attributes:
        section: ``"A"`` (service delivery) or ``"B"`` (manufacturing).
        no: The component's number within its section.
        label: The component's name, e.g. "Jangka Waktu Pelayanan".
        paras: Its content.
    """

    section: str
    no: int
    label: str
    paras: tuple[Para, ...]

    def text(self) -> str:
        """The content as plain text, one paragraph a line."""
        return "\n".join(f"{p.marker} {p.text}".strip() for p in self.paras)


# ------------------------------------------------------------------------------------------
# Content
# ------------------------------------------------------------------------------------------

def _rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _items(texts: Sequence[str]) -> list[Para]:
    """Number a list; a single item, or an item ending in ':' (a lead-in), is not numbered."""
    texts = [clean(t).strip() for t in texts if clean(t).strip()]
    if not texts:
        return [Para(MISSING)]
    numbered = [t for t in texts if not t.endswith(":")]
    if len(numbered) <= 1:
        return [Para(t) for t in texts]
    out, n = [], 0
    for t in texts:
        if t.endswith(":"):
            out.append(Para(t))
        else:
            n += 1
            out.append(Para(t, marker=f"{n}."))
    return out


def _grouped(entries: Sequence[tuple[str, str]]) -> list[Para]:
    """Number ``(group, text)`` entries, with a bold heading where the group changes."""
    out: list[Para] = []
    group = None
    for n, (grp, text) in enumerate(entries, start=1):
        if grp and grp != group:
            out.append(Para(f"{grp}:", bold=True))
        group = grp or None
        out.append(Para(text, marker=f"{n}."))
    return out


def _persyaratan(service: Service) -> list[Para]:
    """The documents to bring and the conditions to meet (kriteria), as the document lists them.

    The catalog keeps documents (``persyaratan``) apart from facts the officer verifies
    (``kriteria``); the standard's Persyaratan holds both.
    """
    docs = [(it.group, it.text) for it in service.persyaratan]
    seen = {t.strip().lower() for _g, t in docs}
    facts = [(cr.group, cr.text) for cr in service.kriteria if cr.text.strip().lower() not in seen]
    if docs and facts:
        return ([Para("Ketentuan yang harus dipenuhi:", bold=True)] + _grouped(facts)
                + [Para("Dokumen yang dilampirkan:", bold=True)] + _grouped(docs))
    return _grouped(facts or docs) or [Para(MISSING)]


def _category_amount(c: Category) -> str:
    if c.amount_rupiah is None:
        return ""
    text = _rupiah(c.amount_rupiah)
    if c.period and c.period != "sekali":
        text += f" per {c.period}"
    elif c.period == "sekali":
        text += " (sekali)"
    if c.count and c.period and c.period not in ("sekali",) and c.count > 1:
        text += f" selama {c.count} {c.period}"
    return text


def _jangka_waktu(service: Service, std: Standard | None) -> list[Para]:
    out: list[Para] = []
    jw = service.jangka_waktu
    if jw is not None:
        out.append(Para(jw.text or jw.label()))
        sejak = service.jangka_waktu_sejak
        if sejak and sejak.lower() not in (jw.text or "").lower():
            out.append(Para(f"Dihitung sejak {sejak}."))
    cats = [c for c in (std.categories if std else ()) if c.jangka_waktu is not None]
    for c in cats:
        assert c.jangka_waktu is not None
        out.append(Para(f"{c.name}: {c.jangka_waktu.text or c.jangka_waktu.label()}"))
    return out or [Para(MISSING)]


def _biaya(service: Service) -> list[Para]:
    text = service.biaya or ("Gratis" if service.biaya_rupiah == 0 else "")
    if service.biaya_rupiah and _rupiah(service.biaya_rupiah) not in text:
        text = f"{text} ({_rupiah(service.biaya_rupiah)})".strip()
    return [Para(text or MISSING)]


def _produk(service: Service, std: Standard | None) -> list[Para]:
    out = [Para(service.produk)] if service.produk else []
    if service.benefit_rupiah:
        times = f" selama {service.benefit_count} {service.benefit_period}" \
            if service.benefit_count else ""
        amount = f"Besaran: {_rupiah(service.benefit_rupiah)} per {service.benefit_period}{times}"
        if _rupiah(service.benefit_rupiah).replace(" ", "") not in service.produk.replace(" ", ""):
            out.append(Para(amount))
    for c in (std.categories if std else ()):
        amount = _category_amount(c)
        if amount:
            out.append(Para(f"{c.name}: {amount}"))
    return out or [Para(MISSING)]


def _pengaduan(service: Service, std: Standard | None) -> list[Para]:
    channels = list(std.complaint_channels) if std and std.complaint_channels else list(
        service.pengaduan)
    unit = std.complaint_unit if std else ""
    if unit:
        channels = [c for c in channels if unit.lower() not in c.lower()]
    out: list[Para] = []
    if channels:
        out.append(Para("Pengaduan, saran dan masukan dapat disampaikan melalui:"))
        out.extend(_items(channels) if len(channels) > 1 else [Para(channels[0], marker="1.")])
    if unit:
        out.append(Para(f"Tindak lanjut penanganan pengaduan melalui {unit}."))
    return out or [Para(MISSING)]


def standard_rows(service: Service) -> list[Row]:
    """Return the components of ``service``'s Standar Pelayanan, in PermenPANRB 15/2014 order.

    Args:
        service: The service; its ``standard`` (``[standar]``) may be None, then the components
            only it holds print as "-".
    """
    std = service.standard
    steps = [st.uraian for st in service.steps]

    def from_std(attr: str) -> list[Para]:
        return _items(getattr(std, attr)) if std is not None else [Para(MISSING)]

    a = [
        ("Persyaratan", _persyaratan(service)),
        ("Sistem, Mekanisme dan Prosedur", _items(steps) if len(steps) > 1 else
         [Para(s, marker="1.") for s in steps] or [Para(MISSING)]),
        ("Jangka Waktu Pelayanan", _jangka_waktu(service, std)),
        ("Biaya/Tarif", _biaya(service)),
        ("Produk Pelayanan", _produk(service, std)),
        ("Penanganan Pengaduan, Saran dan Masukan", _pengaduan(service, std)),
    ]
    b = [
        ("Dasar Hukum", _items(service.dasar_hukum)),
        ("Sarana, Prasarana dan/atau Fasilitas", from_std("sarana_prasarana")),
        ("Kompetensi Pelaksana", from_std("kompetensi_pelaksana")),
        ("Pengawasan Internal", from_std("pengawasan_internal")),
        ("Jumlah Pelaksana", from_std("jumlah_pelaksana")),
        ("Jaminan Pelayanan", from_std("jaminan_pelayanan")),
        ("Jaminan Keamanan dan Keselamatan Pelayanan", from_std("jaminan_keamanan")),
        ("Evaluasi Kinerja Pelaksana", from_std("evaluasi_kinerja")),
    ]
    rows = [Row("A", i, label, tuple(paras)) for i, (label, paras) in enumerate(a, start=1)]
    rows += [Row("B", i, label, tuple(paras)) for i, (label, paras) in enumerate(b, start=1)]
    return rows


def category_rows(service: Service) -> list[tuple[str, str, str, str]]:
    """Return ``(kategori, jangka waktu, besaran, keterangan)`` per category ([] when none)."""
    std = service.standard
    out = []
    for c in (std.categories if std else ()):
        jw = ""
        if c.jangka_waktu is not None:
            jw = c.jangka_waktu.text or c.jangka_waktu.label()
        out.append((c.name, jw or MISSING, _category_amount(c) or MISSING, c.text or MISSING))
    return out


# ------------------------------------------------------------------------------------------
# Layout
# ------------------------------------------------------------------------------------------

class _StandardPDF(DeskPDF):
    """DeskPDF with a table that breaks rows across pages line by line."""

    repeat_header: list[tuple[float, float, list[Para]]] | None = None

    def _split(self, w: float, para: Para, size: float) -> list[str]:
        self.set_font(FONT, "B" if para.bold else "", size)
        text = clean(para.text).strip() or MISSING
        lines = self.multi_cell(w, _LINE_H, text, dry_run=True, output=MethodReturnValue.LINES)
        return [str(line) for line in lines] or [""]

    def _cell_lines(self, w: float, paras: Sequence[Para], size: float):
        """Lines of one cell: (marker, marker_w, text, bold) per printed line."""
        self.set_font(FONT, "", size)
        markers = [p.marker for p in paras if p.marker]
        marker_w = (max(self.get_string_width(m) for m in markers) + 2.6) if markers else 0.0
        out = []
        for p in paras:
            indent = marker_w if p.marker else 0.0
            for i, line in enumerate(self._split(w - indent, p, size)):
                out.append((p.marker if i == 0 else "", indent, line, p.bold))
        return out

    def _borders(self, cells, top: float, bottom: float) -> None:
        self.set_draw_color(0)
        self.set_line_width(0.2)
        left = cells[0][0]
        right = cells[-1][0] + cells[-1][1]
        self.line(left, top, right, top)
        self.line(left, bottom, right, bottom)
        for x, _w, _p in cells:
            self.line(x, top, x, bottom)
        self.line(right, top, right, bottom)

    def table_row(self, cells: list[tuple[float, float, list[Para]]], *, size: float = _SIZE,
                  fill: int | None = None, min_lines: int = 3) -> None:
        """Draw one row; ``cells`` are (x, width, paragraphs). Breaks pages between lines.

        On each page a row's cells are written column by column, so that text extraction
        (screen readers, copy and paste) reads a cell's text whole, not interleaved.
        """
        columns = [self._cell_lines(w, paras, size) for _x, w, paras in cells]
        count = max((len(c) for c in columns), default=1) or 1
        bottom = self.page_break_trigger
        need = min(count, min_lines) * _LINE_H + 2 * _PAD
        if self.get_y() + need > bottom:
            self._new_table_page()
        start = 0
        first = True
        while start < count:
            top = self.get_y()
            fit = max(1, int((bottom - top - 2 * _PAD) // _LINE_H))
            end = min(count, start + fit)
            # widow control: never leave a single line of a row alone on the next page
            if first and count - end == 1 and end - start - 1 >= min(count, min_lines):
                end -= 1
            first = False
            if fill is not None:
                self._fill(cells, top, end - start)
            for (x, w, _p), lines in zip(cells, columns):
                y = top + _PAD
                for marker, indent, text, bold in lines[start:end]:
                    self.set_font(FONT, "B" if bold else "", size)
                    if marker:
                        self.set_xy(x, y)
                        self.cell(indent, _LINE_H, marker)
                    self.set_xy(x + indent, y)
                    self.cell(w - indent, _LINE_H, text)
                    y += _LINE_H
            y = top + _PAD + (end - start) * _LINE_H + _PAD
            self._borders(cells, top, y)
            self.set_xy(self.l_margin, y)
            start = end
            if start < count:
                self._new_table_page()

    def _fill(self, cells, top: float, lines: int) -> None:
        left = cells[0][0]
        right = cells[-1][0] + cells[-1][1]
        height = min(lines * _LINE_H + 2 * _PAD, self.page_break_trigger - top)
        self.set_fill_color(225)
        self.rect(left, top, right - left, height, style="F")

    def _new_table_page(self) -> None:
        self.add_page()
        if self.repeat_header:
            self.table_row(self.repeat_header, fill=1)


def _office_heading(service: Service, office_name: str | None) -> str:
    return clean_line(office_name or service.office).upper()


def build_standard_pdf(service: Service, *, office_name: str | None = None) -> DeskPDF:
    """Lay out the Standar Pelayanan of ``service``.

    Args:
        service: The service (with its ``standard`` from ``[standar]``, if any).
        office_name: Heading instead of ``service.office`` (the issuing office).

    Returns:
        The finished document (not yet written).
    """
    pdf = _StandardPDF(
        footer_text=f"Standar Pelayanan: {service.name}",
        title=f"Standar Pelayanan - {service.name}",
    )
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    w = pdf.content_width
    x0 = pdf.l_margin

    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(w, 6.2, "STANDAR PELAYANAN", align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(w, 6.2, _office_heading(service, office_name), align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(w, 5.4, f"Jenis Pelayanan: {clean_line(service.name)}", align=Align.C,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    std = service.standard
    decree = std.decree_label() if std else ""
    pdf.set_font(FONT, "", 9.5)
    if decree:
        pdf.ln(0.8)
        pdf.multi_cell(w, 4.6, f"Lampiran Keputusan {decree}", align=Align.C,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if service.bidang:
        pdf.multi_cell(w, 4.6, f"Unit pelaksana: {clean_line(service.bidang)}", align=Align.C,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y() + 2
    pdf.set_line_width(0.6)
    pdf.line(x0, y, x0 + w, y)
    pdf.set_line_width(0.2)
    pdf.set_xy(x0, y + 3)

    col_no, col_label = _COL_NO, _COL_LABEL
    col_text = w - col_no - col_label
    geometry = (x0, x0 + col_no, x0 + col_no + col_label)

    def cells(no: list[Para], label: list[Para], text: list[Para]):
        return [(geometry[0], col_no, no), (geometry[1], col_label, label),
                (geometry[2], col_text, text)]

    header = cells([Para("No", bold=True)], [Para("Komponen", bold=True)],
                   [Para("Uraian", bold=True)])
    pdf.repeat_header = header
    pdf.table_row(header, fill=1)
    section = ""
    for row in standard_rows(service):
        if row.section != section:
            section = row.section
            title = SECTION_A if section == "A" else SECTION_B
            pdf.table_row([(x0, w, [Para(f"{section}. {title}", bold=True)])], fill=1)
        pdf.table_row(cells([Para(f"{row.no}.")], [Para(row.label, bold=True)], list(row.paras)))
    pdf.repeat_header = None

    cats = category_rows(service)
    if cats:
        pdf.ln(5)
        pdf.ensure_space(30)
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(w, 5.4, "Rincian per Kategori", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        widths = (10.0, 44.0, 34.0, 34.0)
        widths = (*widths, w - sum(widths))
        xs = [x0]
        for wd in widths[:-1]:
            xs.append(xs[-1] + wd)

        def crow(values: Sequence[str], bold: bool = False):
            return [(x, wd, [Para(v, bold=bold)]) for x, wd, v in zip(xs, widths, values)]

        cat_header = crow(("No", "Kategori", "Jangka Waktu", "Besaran", "Keterangan"), bold=True)
        pdf.repeat_header = cat_header
        pdf.table_row(cat_header, fill=1)
        for i, (name, jw, amount, text) in enumerate(cats, start=1):
            pdf.table_row(crow((f"{i}.", name, jw, amount, text)))
        pdf.repeat_header = None

    pdf.set_font(FONT, "", 8)
    pdf.ln(4)
    pdf.set_text_color(90)
    pdf.multi_cell(w, 3.8, f"Sumber: {clean_line(service.source)}", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.set_text_color(0)
    return pdf


def default_file_name(service: Service) -> str:
    """Return e.g. ``standar-pelayanan-KUBE.pdf``."""
    return f"standar-pelayanan-{service.code}.pdf"


def write_standard_pdf(service: Service, path: str | os.PathLike[str], *,
                       office_name: str | None = None) -> Path:
    """Build and write the Standar Pelayanan PDF of ``service`` atomically.

    Returns:
        The absolute path written.
    """
    return write_pdf(build_standard_pdf(service, office_name=office_name), path)
