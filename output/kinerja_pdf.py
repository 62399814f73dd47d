"""The monthly (or any period's) PDF "LAPORAN KINERJA PELAYANAN" of an office.

A4 (or F4) portrait: the office's kop, the title, the office and the period; a summary (cases and
steps done and how many within their mutu baku, what runs now and is late, the queue when
printed); a chart of the steps finished per day (or month); an overview table of the services;
then per service that did or runs anything (the others are named under the overview) its table
of steps (the whole case against the jangka waktu last) and one chart:
a bar per step of the share of its mutu baku the median run used, the 90th percentile behind
it, and a vertical line at 100% ("mutu baku"); the staff table when the reader may see it;
"Halaman n dari N" and "Dicetak pada ..." on every page. Charts are drawn with fpdf2's rect and
line (no plotting library). A service's heading never stays alone at the bottom of a page: the
heading, the table's header and its first rows start on one page, and a whole section moves to
the next page when it fits there but not here.

The dashboard is read by attribute (see output.kinerja); every text is printed literally.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from output.kinerja import (CASE_LABEL, TITLE, Dashboard, angka, durasi, periode, persen,
                            role_label, step_label)
from output.letterparts import Kop, draw_kop, section_label
from output.pdf import FONT, DeskPDF, clean_line, paper, write_pdf
from output.words import BULAN, format_tanggal_waktu

__all__ = ["CHART_LABEL", "build_performance_pdf", "write_performance_pdf"]

#: The label of the 100% line of every service's chart.
CHART_LABEL = "mutu baku (100%)"

_SIZE = 7.5  # pt, table text
_LINE_H = 3.5  # mm
_PAD = 1.0  # mm above and below a row's text
_BAR_H = 3.4  # mm, one bar of a service's chart
_ROW_H = 5.2  # mm, one row of a service's chart

_GREEN = (46, 125, 50)
_AMBER = (230, 145, 0)
_RED = (198, 40, 40)
_P90 = (205, 205, 205)
_GRID = (215, 215, 215)
_MUTED = 95


@dataclass(frozen=True)
class _Col:
    header: str
    width: float
    align: str = "R"


# -------------------------------------------------------------------------------- tables

class _ReportPDF(DeskPDF):
    """DeskPDF with a simple table (rows never split; the header repeats on a new page) and the
    charts of the report."""

    def _lines(self, w: float, text: str, style: str = "", size: float = _SIZE) -> list[str]:
        self.set_font(FONT, style, size)
        lines = self.multi_cell(w - 1.6, _LINE_H, clean_line(text), dry_run=True,
                                output=MethodReturnValue.LINES)
        return [str(line) for line in lines] or [""]

    def row_height(self, cols: Sequence[_Col], values: Sequence[str], style: str = "",
                   max_lines: int = 3) -> float:
        count = max(min(len(self._lines(c.width, v, style)), max_lines) for c, v in zip(cols, values))
        return count * _LINE_H + 2 * _PAD

    def table_row(self, cols: Sequence[_Col], values: Sequence[str], *, style: str = "",
                  fill: int | None = None, max_lines: int = 3,
                  header: tuple[Sequence[_Col], Sequence[str]] | None = None) -> None:
        """One row: each cell wraps (at most ``max_lines`` lines, the last shortened with "…");
        a row that does not fit starts a new page, under ``header`` again."""
        height = self.row_height(cols, values, style, max_lines)
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
            if header is not None:
                self.table_row(*header, style="B", fill=235)
        x, top = self.l_margin, self.get_y()
        if fill is not None:
            self.set_fill_color(fill)
            self.rect(x, top, sum(c.width for c in cols), height, style="F")
        self.set_draw_color(150)
        self.set_line_width(0.15)
        for col, value in zip(cols, values):
            lines = self._lines(col.width, value, style)
            if len(lines) > max_lines:
                lines = lines[:max_lines]
                lines[-1] = lines[-1].rstrip()[:-1].rstrip() + "…"
            self.set_font(FONT, style, _SIZE)
            y = top + _PAD
            for line in lines:
                self.set_xy(x + 0.8, y)
                self.cell(col.width - 1.6, _LINE_H, line, align=col.align)
                y += _LINE_H
            self.rect(x, top, col.width, height)
            x += col.width
        self.set_draw_color(0)
        self.set_xy(self.l_margin, top + height)

    def columns(self, cols: Sequence[_Col], flex: int, rows: Sequence[Sequence[str]] = ()) -> list[_Col]:
        """``cols`` across the page: each column wide enough for the longest word of its header
        and of its cells in ``rows`` (bold, up to 40 mm), column ``flex`` (width 0) taking the
        rest."""
        self.set_font(FONT, "B", _SIZE)
        out = []
        for i, col in enumerate(cols):
            words = col.header.split() + [w for row in rows for w in clean_line(row[i]).split()]
            widest = max(self.get_string_width(word) for word in words) + 2 * self.c_margin + 2.0
            out.append(col if i == flex else _Col(col.header, min(max(col.width, widest), 40.0), col.align))
        rest = self.content_width - sum(c.width for i, c in enumerate(out) if i != flex)
        out[flex] = _Col(cols[flex].header, rest, cols[flex].align)
        return out

    def table(self, cols: Sequence[_Col], rows: Sequence[Sequence[str]],
              styles: Sequence[str] | None = None) -> None:
        """A header row and ``rows`` (each ``styles[i]``: "" or "B" for a total row)."""
        header = (cols, [c.header for c in cols])
        self.table_row(*header, style="B", fill=235)
        for i, row in enumerate(rows):
            style = styles[i] if styles else ""
            self.table_row(cols, row, style=style, fill=245 if style else None, header=header)

    def small(self, text: str, *, size: float = 8.5, style: str = "", color: int = 0,
              gap: float = 0.5, align: str = "L") -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(color)
        self.multi_cell(self.content_width, size * 0.45, clean_line(text), align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(gap)


# -------------------------------------------------------------------------------- content

def _ratio(within: int, with_standard: int) -> float | None:
    return within / with_standard if with_standard else None


def _summary(dashboard: Dashboard) -> list[tuple[str, str]]:
    cases = [s.case for s in dashboard.services]
    steps = [t for s in dashboard.services for t in s.steps]

    def done_line(rows: Sequence[Any], what: str) -> str:
        done = sum(r.done for r in rows)
        within = sum(r.within for r in rows)
        standard = sum(r.with_standard for r in rows)
        if not standard:
            return angka(done)
        return (f"{angka(done)}; tepat {what}: {angka(within)} dari {angka(standard)} "
                f"({persen(_ratio(within, standard))})")

    def now_line(rows: Sequence[Any]) -> str:
        return (f"{angka(sum(r.open_now for r in rows))}, terlambat "
                f"{angka(sum(r.overdue_now for r in rows))}")

    q = dashboard.queue
    wait = durasi(q.median_wait_seconds) if q.median_wait_seconds is not None else "-"
    queue = (f"{angka(q.waiting)} menunggu; {angka(q.issued)} tiket diambil, {angka(q.served)} "
             f"dilayani; median waktu tunggu {wait}; loket buka {q.counters_open} dari {q.counters}")
    return [
        ("Berkas selesai", done_line(cases, "jangka waktu")),
        ("Langkah SOP selesai", done_line(steps, "mutu baku")),
        ("Berkas dalam proses saat ini", now_line(cases)),
        ("Langkah berjalan saat ini", now_line(steps)),
        ("Antrean hari ini", queue),
    ]


def _step_cells(no: str, timing: Any) -> list[str]:
    return [no, step_label(timing), timing.waktu_label or "-", angka(timing.done),
            persen(timing.within_ratio), durasi(timing.median_seconds), durasi(timing.p90_seconds),
            angka(timing.open_now), angka(timing.overdue_now)]


def _step_cols(pdf: _ReportPDF) -> list[_Col]:
    return pdf.columns([_Col("No", 7, "C"), _Col("Uraian langkah", 0, "L"), _Col("Mutu baku", 18, "L"),
                        _Col("Selesai", 12), _Col("Tepat waktu", 14), _Col("Median", 18),
                        _Col("P90", 18), _Col("Terbuka", 12), _Col("Terlambat", 12)], 1)


def _service_rows(service: Any) -> tuple[list[list[str]], list[str]]:
    rows = [_step_cells(str(step.step_no), step) for step in service.steps]
    case = _step_cells("", service.case)
    case[1] = f"Seluruh berkas ({CASE_LABEL.lower()})"
    return rows + [case], [""] * len(rows) + ["B"]


# -------------------------------------------------------------------------------- charts

def _share_color(share: float, warn: float) -> tuple[int, int, int]:
    if share > 1.0:
        return _RED
    return _AMBER if share >= warn else _GREEN


def _chart_rows(service: Any) -> list[tuple[str, Any]]:
    rows = [(f"{step.step_no}. {step_label(step)}", step) for step in service.steps]
    rows.append(("Seluruh berkas", service.case))
    return rows


_CHART_FRAME = 21.0  # mm above and below a service chart's rows (title, label, axis, legend)


def _chart_row_h(pdf: DeskPDF, service: Any) -> float:
    """A chart row's height: :data:`_ROW_H`, less when a very long SOP would not fit one page."""
    usable = pdf.page_break_trigger - pdf.t_margin - _CHART_FRAME
    return min(_ROW_H, usable / len(_chart_rows(service)))


def _chart_height(pdf: DeskPDF, service: Any) -> float:
    return _CHART_FRAME + len(_chart_rows(service)) * _chart_row_h(pdf, service)


def _scale_top(shares: Sequence[float]) -> tuple[float, float]:
    """The share at the right end of the axis and the step between its ticks."""
    top = max([1.5, *shares])
    top = min(top, 3.0)
    step = 0.25 if top <= 1.5 else (0.5 if top <= 2.0 else 1.0)
    return (int(top / step + 0.999) * step), step


def _fit(pdf: DeskPDF, text: str, width: float) -> str:
    text = clean_line(text)
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw_share_chart(pdf: _ReportPDF, service: Any, warn: float) -> None:
    """Bars per step: the median run's share of its mutu baku (coloured by how much it used),
    the 90th percentile behind it (grey), a dashed line at 100% labelled "mutu baku"."""
    rows = _chart_rows(service)
    row_h = _chart_row_h(pdf, service)
    bar_h = min(_BAR_H, row_h * 0.7)
    pdf.ensure_space(_chart_height(pdf, service))
    x0, w = pdf.l_margin, pdf.content_width
    label_w, value_w = 44.0, 34.0
    plot_x, plot_w = x0 + label_w, w - label_w - value_w
    shares = [s for _l, t in rows for s in (t.median_share, t.p90_share) if s is not None]
    top, tick = _scale_top(shares)
    scale = plot_w / top
    pdf.set_font(FONT, "B", 8)
    pdf.set_x(x0)
    pdf.cell(w, 4.5, "Bagian mutu baku yang terpakai per langkah (median dan P90)")
    y0 = pdf.get_y() + 10.0
    height = len(rows) * row_h
    # grid and ticks
    pdf.set_font(FONT, "", 6.5)
    pdf.set_line_width(0.1)
    value = 0.0
    while value <= top + 1e-9:
        x = plot_x + value * scale
        pdf.set_draw_color(*_GRID)
        pdf.line(x, y0, x, y0 + height)
        pdf.set_text_color(_MUTED)
        pdf.set_xy(x - 8, y0 + height + 0.5)
        pdf.cell(16, 3, persen(value, 0), align=Align.C)
        value += tick
    pdf.set_text_color(0)
    # bars
    for i, (label, timing) in enumerate(rows):
        y = y0 + i * row_h
        text_y = y + (row_h - 3.2) / 2
        pdf.set_font(FONT, "B" if timing.step_no == 0 else "", 7)
        pdf.set_xy(x0, text_y)
        pdf.cell(label_w - 2, 3.2, _fit(pdf, label, label_w - 2.5))
        bar_y = y + (row_h - bar_h) / 2
        if timing.p90_share is not None:
            pdf.set_fill_color(*_P90)
            pdf.rect(plot_x, bar_y, min(timing.p90_share, top) * scale, bar_h, style="F")
        if timing.median_share is not None:
            pdf.set_fill_color(*_share_color(timing.median_share, warn))
            pdf.rect(plot_x, bar_y + bar_h * 0.2, min(timing.median_share, top) * scale, bar_h * 0.6,
                     style="F")
        if max(timing.median_share or 0, timing.p90_share or 0) > top:
            pdf.set_font(FONT, "B", 7)
            pdf.set_xy(plot_x + plot_w + 0.2, text_y)
            pdf.cell(3, 3.2, "»")
        pdf.set_font(FONT, "", 6.5)
        pdf.set_xy(plot_x + plot_w + 3.2, text_y)
        if timing.median_share is None:
            text = "tanpa mutu baku" if not timing.waktu_label else "belum ada yang selesai"
        else:
            text = f"{persen(timing.median_share)} · P90 {persen(timing.p90_share)}"
        pdf.set_text_color(_MUTED if timing.median_share is None else 0)
        pdf.cell(value_w - 3.2, 3.2, text)
        pdf.set_text_color(0)
    # the mutu baku line
    x = plot_x + scale
    pdf.set_draw_color(*_RED)
    pdf.set_line_width(0.35)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(x, y0 - 1.5, x, y0 + height)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    pdf.set_font(FONT, "B", 6.5)
    pdf.set_text_color(*_RED)
    pdf.set_xy(x - 20, y0 - 5.0)
    pdf.cell(40, 3, CHART_LABEL, align=Align.C)
    pdf.set_text_color(0)
    pdf.set_line_width(0.15)
    pdf.line(plot_x, y0 + height, plot_x + plot_w, y0 + height)
    warn_text = persen(warn, 0)
    _legend(pdf, y0 + height + 4.5, [(_GREEN, f"median < {warn_text}"), (_AMBER, f"median ≥ {warn_text}"),
                                     (_RED, "median > 100%"), (_P90, "P90")])
    pdf.set_xy(x0, y0 + height + 9.5)


def _legend(pdf: DeskPDF, y: float, items: Sequence[tuple[tuple[int, int, int], str]]) -> None:
    x = pdf.l_margin + 44.0
    pdf.set_font(FONT, "", 6.5)
    for color, text in items:
        pdf.set_fill_color(*color)
        pdf.rect(x, y + 0.6, 3, 2.2, style="F")
        pdf.set_xy(x + 3.8, y)
        width = pdf.get_string_width(text) + 1
        pdf.cell(width, 3.4, text)
        x += 3.8 + width + 4


def _day_label(day: dt.date, per_month: bool) -> str:
    return f"{BULAN[day.month - 1][:3]} {day.year % 100:02d}" if per_month else str(day.day)


def _draw_day_chart(pdf: _ReportPDF, dashboard: Dashboard) -> None:
    """Steps finished per day (or month): within their mutu baku (green), late (red), without
    a mutu baku (grey), stacked."""
    days = list(dashboard.per_day)
    height = 38.0
    pdf.ensure_space(height + 20)
    unit = "bulan" if dashboard.per_month else "hari"
    section_label(pdf, f"Langkah SOP selesai per {unit}")
    x0, w = pdf.l_margin + 10.0, pdf.content_width - 10.0
    y0 = pdf.get_y() + 1.0
    peak = max([d.done for d in days] + [1])
    tick = next(t for t in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000,
                            20_000, 50_000, 100_000) + (10 ** 9,) if peak / t <= 5)
    top = int(peak / tick + 0.999) * tick
    scale = height / top
    pdf.set_font(FONT, "", 6.5)
    pdf.set_line_width(0.1)
    for value in range(0, top + 1, tick):
        y = y0 + height - value * scale
        pdf.set_draw_color(*_GRID)
        pdf.line(x0, y, x0 + w, y)
        pdf.set_text_color(_MUTED)
        pdf.set_xy(x0 - 11, y - 1.5)
        pdf.cell(10, 3, angka(value), align=Align.R)
    if days:
        slot = w / len(days)
        every = max(1, int(len(days) / (w / 7.5) + 0.999))
        for i, d in enumerate(days):
            x = x0 + i * slot + slot * 0.15
            bar_w = slot * 0.7
            base = y0 + height
            parts = ((d.within, _GREEN), (d.with_standard - d.within, _RED),
                     (d.done - d.with_standard, _P90))
            for count, color in parts:
                if count <= 0:
                    continue
                pdf.set_fill_color(*color)
                pdf.rect(x, base - count * scale, bar_w, count * scale, style="F")
                base -= count * scale
            if i % every == 0:
                pdf.set_xy(x0 + i * slot - 3, y0 + height + 0.5)
                pdf.cell(slot + 6, 3, _day_label(d.day, dashboard.per_month), align=Align.C)
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.15)
    pdf.line(x0, y0 + height, x0 + w, y0 + height)
    _legend(pdf, y0 + height + 5, [(_GREEN, "tepat mutu baku"), (_RED, "melewati mutu baku"),
                                   (_P90, "tanpa mutu baku")])
    pdf.set_xy(pdf.l_margin, y0 + height + 11)


# -------------------------------------------------------------------------------- sections

def active(service: Any) -> bool:
    """Whether a service did anything in the period or has anything running now."""
    return any(t.done or t.open_now for t in (service.case, *service.steps))


def _overview(pdf: _ReportPDF, dashboard: Dashboard) -> None:
    rows = [[s.code, s.name, angka(s.case.done), persen(s.case.within_ratio), durasi(s.case.median_seconds),
             durasi(s.case.p90_seconds), angka(s.case.open_now), angka(s.case.overdue_now)]
            for s in dashboard.services]
    cols = pdf.columns([_Col("Kode", 14, "L"), _Col("Layanan", 0, "L"), _Col("Berkas selesai", 13),
                        _Col("Tepat jangka waktu", 14), _Col("Median", 16), _Col("P90", 16),
                        _Col("Dalam proses", 13), _Col("Terlambat", 13)], 1, [r[:1] + [""] * 7 for r in rows])
    pdf.ensure_space(5 + 3 * (_LINE_H * 2 + 2 * _PAD))
    section_label(pdf, "Rekap per layanan (jangka waktu layanan)")
    pdf.table(cols, rows)
    idle = [s.code for s in dashboard.services if not active(s)]
    if idle:
        pdf.ln(1.5)
        pdf.small(f"Tanpa langkah selesai dalam periode ini dan tanpa berkas berjalan (tidak dirinci di "
                  f"bawah): {', '.join(idle)}.", size=8, color=_MUTED)
    pdf.ln(5)


def _service_section(pdf: _ReportPDF, number: int, service: Any, warn: float) -> None:
    cols = _step_cols(pdf)
    rows, styles = _service_rows(service)
    heading = f"{number}. {clean_line(service.name)} ({clean_line(service.code)})"
    facts = [p for p in (clean_line(service.bidang),
                         f"Jangka waktu layanan: {clean_line(service.jangka_waktu) or '-'}") if p]
    pdf.set_font(FONT, "B", 10.5)
    head_h = pdf.text_height(pdf.content_width, heading, 5.0) + 5.0
    header_h = pdf.row_height(cols, [c.header for c in cols], "B")
    row_hs = [pdf.row_height(cols, r, s) for r, s in zip(rows, styles)]
    whole = head_h + header_h + sum(row_hs) + 3 + _chart_height(pdf, service)
    usable = pdf.page_break_trigger - pdf.t_margin
    if whole <= usable:
        pdf.ensure_space(whole)  # the section on one page when it can be
    else:  # the heading, the table's header and its first rows together
        pdf.ensure_space(head_h + header_h + sum(row_hs[:3]))
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(pdf.content_width, 5.0, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.small(" · ".join(facts), size=8, color=_MUTED, gap=1.2)
    pdf.table(cols, rows, styles)
    pdf.ln(3)
    _draw_share_chart(pdf, service, warn)
    pdf.ln(4)


def _staff(pdf: _ReportPDF, dashboard: Dashboard) -> None:
    cols = pdf.columns([_Col("No", 8, "C"), _Col("Nama", 0, "L"), _Col("Peran", 28, "L"),
                        _Col("Langkah selesai", 20), _Col("Tepat waktu", 18), _Col("Median", 22)], 1)
    rows = [[str(i), p.full_name, role_label(p.role), angka(p.done),
             persen(_ratio(p.within, p.with_standard)), durasi(p.median_seconds)]
            for i, p in enumerate(dashboard.staff or (), start=1)]
    pdf.ensure_space(5 + 3 * (_LINE_H + 2 * _PAD) + 10)
    section_label(pdf, "Kinerja per petugas")
    if rows:
        pdf.table(cols, rows)
    else:
        pdf.small("Belum ada langkah yang diselesaikan petugas dalam periode ini.", color=_MUTED)


def build_performance_pdf(dashboard: Dashboard, kop: Kop, *,
                          printed_at: dt.datetime | None = None) -> DeskPDF:
    """Lay out the Laporan Kinerja Pelayanan of ``dashboard``.

    Args:
        dashboard: The figures (a models.dashdto.Dashboard, read by attribute).
        kop: The letterhead of the office that prints the report (its ``kertas``: A4 or F4).
        printed_at: When it is printed (office-local); default the dashboard's ``computed_at``.

    Returns:
        The finished document (not yet written).
    """
    printed = printed_at or dashboard.computed_at
    period = periode(dashboard.since, dashboard.until)
    pdf = _ReportPDF(paper(kop.kertas), title=f"{TITLE} {period}",
                     footer_text=f"Dicetak pada {format_tanggal_waktu(printed)} · {TITLE} {period}")
    pdf.add_page()
    draw_kop(pdf, kop)
    pdf.heading(TITLE.upper(), size=13, underline=False, gap_after=0.5)
    pdf.small(clean_line(dashboard.office_name), size=10.5, style="B", align="C", gap=0.3)
    pdf.small(f"Periode: {period}", size=10, align="C", gap=4)
    section_label(pdf, "Ringkasan")
    pdf.field_rows(_summary(dashboard), size=9, line_h=4.4, label_w=50)
    _draw_day_chart(pdf, dashboard)
    if dashboard.services:
        _overview(pdf, dashboard)
        for number, service in enumerate(filter(active, dashboard.services), start=1):
            _service_section(pdf, number, service, dashboard.warn_share)
    else:
        pdf.small("Kantor ini belum menawarkan layanan.", color=_MUTED)
    if dashboard.staff is not None:
        _staff(pdf, dashboard)
    return pdf


def write_performance_pdf(dashboard: Dashboard, path: str | os.PathLike[str], kop: Kop, *,
                          printed_at: dt.datetime | None = None) -> Path:
    """Build and write the report atomically.

    Returns:
        The absolute path written.
    """
    return write_pdf(build_performance_pdf(dashboard, kop, printed_at=printed_at), path)
