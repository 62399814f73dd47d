"""The supervisors' dashboard figures as tables: CSV and XLSX exports of the "Laporan Kinerja
Pelayanan", and the Indonesian number, share, duration and period texts the PDF
(output.kinerja_pdf) prints too.

The data is a ``models.dashdto.Dashboard`` read by attribute (output/ never imports models):

- ``office_code``, ``office_name``, ``since``, ``until``, ``computed_at``, ``per_month``,
  ``warn_share``;
- ``services``: each with ``code``, ``name``, ``bidang``, ``jangka_waktu``, ``case`` (the whole
  case against the jangka waktu, step 0) and ``steps``; a step timing has ``step_no``,
  ``uraian``, ``pelaksana``, ``waktu_label``, ``done``, ``with_standard``, ``within``,
  ``within_ratio``, ``median_seconds``, ``p90_seconds``, ``median_share``, ``p90_share``,
  ``open_now``, ``overdue_now``;
- ``per_day``: ``day``, ``done``, ``within``, ``with_standard``;
- ``queue``: ``waiting``, ``issued``, ``served``, ``median_wait_seconds``, ``counters_open``,
  ``counters``;
- ``staff`` (None when the reader may not see figures per staff member): ``full_name``, ``role``,
  ``done``, ``with_standard``, ``within``, ``median_seconds``.

The CSV holds one row per service and step (the service's whole-case row first, as Langkah 0
"Jangka waktu layanan"); numbers are plain (no thousands mark, a dot as decimal mark: any program
reads them), durations in seconds beside the same duration as text. The XLSX holds the same
table as real numbers, a second sheet of counts per day (or month) and, when present, a third
per staff member. This module never imports textual, rich, peewee or models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from output import tabular
from output.words import BULAN, format_ribuan, format_tanggal

#: A models.dashdto.Dashboard (and its parts), read by attribute.
Dashboard = Any
Timing = Any

__all__ = [
    "CASE_LABEL",
    "DAY_COLUMNS",
    "FORMATS",
    "STAFF_COLUMNS",
    "TIMING_COLUMNS",
    "angka",
    "day_rows",
    "durasi",
    "periode",
    "persen",
    "staff_rows",
    "table_docs",
    "timing_rows",
    "title",
    "write_performance_table",
]

#: Formats of the tables (the PDF is output.kinerja_pdf).
FORMATS = ("csv", "xlsx")

#: What a service's whole-case row (step 0) is called.
CASE_LABEL = "Jangka waktu layanan"

#: Title of the report.
TITLE = "Laporan Kinerja Pelayanan"


# ------------------------------------------------------------------------------------------
# Indonesian numbers, shares, durations and periods
# ------------------------------------------------------------------------------------------

def angka(n: int | None) -> str:
    """A count Indonesian style: ``1.234`` (``-`` for None)."""
    return "-" if n is None else format_ribuan(n)


def persen(ratio: float | None, digits: int = 1) -> str:
    """A share as a percentage Indonesian style: 0.875 -> ``87,5%``, 1.0 -> ``100%``.

    Args:
        ratio: The share (1.0 = 100%); None prints as ``-``.
        digits: Decimal places at most (a trailing ``,0`` is dropped).

    Returns:
        The text.
    """
    if ratio is None:
        return "-"
    value = round(ratio * 100, digits)
    whole, _, frac = f"{abs(value):.{digits}f}".partition(".")
    text = format_ribuan(int(whole))
    frac = frac.rstrip("0")
    if frac:
        text += "," + frac
    return ("-" if value < 0 else "") + text + "%"


def durasi(seconds: float | None) -> str:
    """A wall-clock duration in words: ``45 detik``, ``12 menit``, ``2 jam 5 menit``,
    ``3 hari 4 jam`` (two units at most; ``-`` for None)."""
    if seconds is None:
        return "-"
    total = int(round(seconds))
    if total < 60:
        return f"{total} detik"
    minutes = (total + 30) // 60
    if minutes < 60:
        return f"{minutes} menit"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} jam {rest} menit" if rest else f"{hours} jam"
    hours = (minutes + 30) // 60
    days, rest = divmod(hours, 24)
    return f"{format_ribuan(days)} hari {rest} jam" if rest else f"{format_ribuan(days)} hari"


def periode(since: dt.date, until: dt.date) -> str:
    """A period as a report names it: ``1-30 November 2026``, ``5 November 2026``,
    ``1 Oktober - 30 November 2026``, ``1 Desember 2025 - 31 Januari 2026``."""
    if since == until:
        return format_tanggal(since)
    if (since.year, since.month) == (until.year, until.month):
        return f"{since.day}-{format_tanggal(until)}"
    if since.year == until.year:
        return f"{since.day} {BULAN[since.month - 1]} - {format_tanggal(until)}"
    return f"{format_tanggal(since)} - {format_tanggal(until)}"


def title(dashboard: Dashboard) -> str:
    """``"Laporan Kinerja Pelayanan 1-30 November 2026"``."""
    return f"{TITLE} {periode(dashboard.since, dashboard.until)}"


def _pct(ratio: float | None) -> float | None:
    """A share as a number of percent with one decimal (None stays None)."""
    return None if ratio is None else round(ratio * 100, 1)


def _secs(seconds: float | None) -> int | None:
    return None if seconds is None else int(round(seconds))


# ------------------------------------------------------------------------------------------
# Rows
# ------------------------------------------------------------------------------------------

def _number(header: str) -> tabular.Column:
    return tabular.Column(header, "number")


#: One row per service and step.
TIMING_COLUMNS = (
    tabular.Column("Kode layanan"),
    tabular.Column("Layanan"),
    _number("Langkah"),
    tabular.Column("Uraian", width=50),
    tabular.Column("Mutu baku"),
    _number("Selesai"),
    _number("Dengan mutu baku"),
    _number("Tepat waktu"),
    _number("% tepat waktu"),
    _number("Median (detik)"),
    tabular.Column("Median"),
    _number("P90 (detik)"),
    tabular.Column("P90"),
    _number("Median % mutu baku"),
    _number("P90 % mutu baku"),
    _number("Terbuka"),
    _number("Terlambat"),
)


def step_label(timing: Timing) -> str:
    """A step's uraian, or :data:`CASE_LABEL` for a service's whole case (step 0)."""
    if timing.step_no == 0:
        return CASE_LABEL
    return " ".join(str(timing.uraian or "").split())


def timing_row(service: Any, timing: Timing) -> tuple:
    """The values of one row of :data:`TIMING_COLUMNS`."""
    return (
        service.code, service.name, timing.step_no, step_label(timing), timing.waktu_label or "",
        timing.done, timing.with_standard, timing.within, _pct(timing.within_ratio),
        _secs(timing.median_seconds), durasi(timing.median_seconds) if timing.median_seconds is not None else "",
        _secs(timing.p90_seconds), durasi(timing.p90_seconds) if timing.p90_seconds is not None else "",
        _pct(timing.median_share), _pct(timing.p90_share), timing.open_now, timing.overdue_now,
    )


def timing_rows(dashboard: Dashboard) -> list[tuple]:
    """Every service's whole-case row (Langkah 0) followed by its steps, in the dashboard's
    order."""
    rows = []
    for service in dashboard.services:
        rows.append(timing_row(service, service.case))
        rows.extend(timing_row(service, step) for step in service.steps)
    return rows


#: Steps finished per day (or month).
DAY_COLUMNS = (
    tabular.Column("Tanggal", "date"),
    _number("Selesai"),
    _number("Dengan mutu baku"),
    _number("Tepat waktu"),
    _number("% tepat waktu"),
)


def day_rows(dashboard: Dashboard) -> list[tuple]:
    """One row per day (the date) or, for a long period, per month (``"November 2026"``)."""
    rows = []
    for day in dashboard.per_day:
        when: Any = f"{BULAN[day.day.month - 1]} {day.day.year}" if dashboard.per_month else day.day
        ratio = day.within / day.with_standard if day.with_standard else None
        rows.append((when, day.done, day.with_standard, day.within, _pct(ratio)))
    return rows


#: What each staff member finished.
STAFF_COLUMNS = (
    tabular.Column("Nama"),
    tabular.Column("Peran"),
    _number("Langkah selesai"),
    _number("Dengan mutu baku"),
    _number("Tepat waktu"),
    _number("% tepat waktu"),
    _number("Median (detik)"),
    tabular.Column("Median"),
)


def role_label(role: str) -> str:
    """``"kepala_bidang"`` -> ``"Kepala bidang"``."""
    text = str(role or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def staff_rows(dashboard: Dashboard) -> list[tuple]:
    """One row per staff member ([] when the dashboard has no staff figures)."""
    rows = []
    for person in dashboard.staff or ():
        ratio = person.within / person.with_standard if person.with_standard else None
        rows.append((person.full_name, role_label(person.role), person.done, person.with_standard,
                     person.within, _pct(ratio), _secs(person.median_seconds),
                     durasi(person.median_seconds) if person.median_seconds is not None else ""))
    return rows


def table_docs(dashboard: Dashboard) -> list[tabular.TableDoc]:
    """The tables of the export: per service and step, per day (or month), per staff member
    (only when the dashboard has staff figures)."""
    heading = title(dashboard)
    office = dashboard.office_name
    day_columns = DAY_COLUMNS
    if dashboard.per_month:
        day_columns = (tabular.Column("Bulan"), *DAY_COLUMNS[1:])
    docs = [
        tabular.TableDoc(title=heading, office=office, columns=TIMING_COLUMNS,
                         rows=timing_rows(dashboard), sheet_name="Kinerja"),
        tabular.TableDoc(title=f"Langkah selesai per {'bulan' if dashboard.per_month else 'hari'}",
                         office=office, columns=day_columns, rows=day_rows(dashboard),
                         sheet_name="Per bulan" if dashboard.per_month else "Per hari"),
    ]
    if dashboard.staff is not None:
        docs.append(tabular.TableDoc(title="Kinerja per petugas", office=office, columns=STAFF_COLUMNS,
                                     rows=staff_rows(dashboard), sheet_name="Per petugas"))
    return docs


def write_performance_table(dashboard: Dashboard, path: str | Path, fmt: str) -> Path:
    """Write the figures as ``fmt``: CSV (the table per service and step) or XLSX (that table,
    the counts per day and the staff figures, a sheet each).

    Raises:
        ValueError: an unknown format.
        OSError: the file cannot be written (a half-written file never replaces a good one).
    """
    docs: Sequence[tabular.TableDoc] = table_docs(dashboard)
    if fmt == "csv":
        return tabular.write_csv(docs[0], path)
    if fmt == "xlsx":
        return tabular.write_workbook(docs, path)
    raise ValueError(f"unknown format {fmt!r}")
