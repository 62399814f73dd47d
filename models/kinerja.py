"""Exports of the supervisors' dashboard figures: the "Laporan Kinerja Pelayanan" of an office
for a period as a PDF (kop, summary, a table and a chart per service), or its tables as CSV or
XLSX.

The figures are the dashboard's (:func:`models.dashboard.dashboard`, the same call the screen
makes), so a file reads back with what the screen shows. Writing the file happens outside any
transaction; the export is then recorded in the audit trail (who, which office and period, which
format and file), the way a register export is, and a file whose export could not be recorded is
not left behind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models import dashboard as dashboards
from models.dto import DeskError, SessionInfo
from models.kernel import Context
from models.lettertext import kop
from models.permissions import Permission, require

#: Formats of the report.
FORMATS = ("pdf", "csv", "xlsx")


def file_name(office_code: str, since: dt.date, until: dt.date, fmt: str) -> str:
    """``kinerja-KUKAR-2026-11-01-2026-11-30.pdf``."""
    office = "".join(c if c.isalnum() or c in "-_" else "-" for c in office_code.strip()) or "kantor"
    return f"kinerja-{office}-{since.isoformat()}-{until.isoformat()}.{fmt}"


def export_performance(ctx: Context, session: SessionInfo, since: dt.date, until: dt.date, fmt: str,
                       office_id: int | None = None, path: str | Path | None = None) -> Path:
    """Write the Laporan Kinerja Pelayanan of an office for the office-local days [since, until].

    Args:
        ctx: The desk's context.
        session: Who exports (needs :attr:`Permission.REPORT_OFFICE`; the staff figures are in
            the file only when the role may see them).
        since / until: The period (office-local days, both included).
        fmt: ``"pdf"`` (the report), ``"csv"`` (the table per service and step) or ``"xlsx"``
            (that table, the counts per day and the staff figures, a sheet each).
        office_id: The office reported on (default: the session's).
        path: The file to write; default ``<output dir>/laporan/kinerja-KODE-DARI-SAMPAI.ext``.

    Returns:
        The path of the written file.

    Raises:
        DeskError: an unknown format, a period that ends before it starts, a file that cannot
            be written; PermissionDenied for a role without the permission.
    """
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise DeskError(f"Format '{fmt}' tidak dikenal; pilih pdf, csv atau xlsx.")
    if until < since:
        raise DeskError("Tanggal akhir periode sebelum tanggal awalnya.")
    require(session, Permission.REPORT_OFFICE)
    board = dashboards.dashboard(ctx, session, since, until, office_id)
    target = Path(path) if path is not None else (
        ctx.output_dir / "laporan" / file_name(board.office_code, since, until, fmt))
    try:
        if fmt == "pdf":
            from output.kinerja_pdf import write_performance_pdf

            written = write_performance_pdf(board, target, kop(ctx), printed_at=ctx.now())
        else:
            from output.kinerja import write_performance_table

            written = write_performance_table(board, target, fmt)
    except OSError as exc:
        raise DeskError(f"Berkas {target} tidak dapat ditulis: {exc.strerror or exc}.") from None
    try:
        ctx.write(session, Permission.REPORT_OFFICE, lambda tx: tx.audit(
            "ekspor_kinerja", "laporan", None, kantor=board.office_code, dari=since.isoformat(),
            sampai=until.isoformat(), format=fmt, berkas=str(written)))
    except BaseException:
        Path(written).unlink(missing_ok=True)  # an export that is not recorded is not left behind
        raise
    return Path(written)
