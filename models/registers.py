"""The register (buku register) of cases: every case that got a register number in a period,
per service or for the whole office, read in one query and exported as CSV or XLSX.

The register is the office's internal record ("Register; Arsip Proposal; Foto Copy Berkas" in
the SOPs): it shows full NIKs. Reading it needs :attr:`Permission.REGISTER_EXPORT` and is recorded
in the audit trail (who, which service and period, how many rows, which file).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN, fn

from models.dto import CASE_STATUSES, DeskError, SessionInfo
from models.audit import record_nik_views
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission
from models.tables import Applicant, Case, Document

#: Formats a register is exported in.
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register (dates are office-local)."""

    register_no: str
    complete_date: dt.date | None
    service_code: str
    service_name: str
    nik: str
    name: str
    address: str
    desa: str
    kecamatan: str
    status: str
    status_label: str
    finished_date: dt.date | None
    outcome: str
    letter_no: str
    case_id: int = 0


@dataclass(frozen=True)
class RegisterExport:
    """A written register file."""

    path: Path
    rows: int
    title: str
    format: str


def _bounds(ctx: Context, since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if until < since:
        raise DeskError("Tanggal akhir periode sebelum tanggal awalnya.")
    start = dt.datetime.combine(since, dt.time(), tzinfo=ctx.tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=ctx.tz)
    return to_storage(start), to_storage(end)


def _read(ctx: Context, service_code: str | None, since: dt.date, until: dt.date) -> list[RegisterRow]:
    """The register lines (one query: the case, its applicant and its letter number)."""
    start, end = _bounds(ctx, since, until)
    letter = (Document.select(fn.MIN(Document.number))
              .where((Document.case == Case.id) & Document.number.is_null(False)))
    where = ((Case.office == ctx.office_id) & Case.register_no.is_null(False)
             & (Case.complete_at >= start) & (Case.complete_at < end))
    if service_code:
        where &= Case.service == ctx.service_id(service_code)
    query = (Case.select(Case.register_no, Case.complete_at, Case.service, Case.status, Case.finished_at,
                         Case.outcome, Case.applicant_data, Applicant.nik, Applicant.name, Applicant.address,
                         Applicant.desa, Applicant.kecamatan, letter.alias("letter_no"), Case.id)
             .join(Applicant, JOIN.INNER, on=(Case.applicant == Applicant.id))
             .where(where)
             .order_by(Case.complete_at, Case.register_seq, Case.id)
             .tuples())
    rows = []
    for (register_no, complete_at, service_id, status, finished_at, outcome, snapshot, nik, name, address,
         desa, kecamatan, letter_no, case_id) in query:
        # the case keeps the applicant's data as entered for it (its letters print these)
        data = json.loads(snapshot) if snapshot else {}
        svc = ctx.service_by_row(service_id)
        complete = ctx.local(complete_at)
        finished = ctx.local(finished_at)
        rows.append(RegisterRow(
            register_no=register_no, complete_date=complete.date() if complete else None,
            service_code=svc.code if svc else ctx.service_codes.get(service_id, ""),
            service_name=svc.short_name if svc else "",
            nik=data.get("nik") or nik, name=data.get("name") or name,
            address=data.get("address") or address or "", desa=data.get("desa") or desa or "",
            kecamatan=data.get("kecamatan") or kecamatan or "",
            status=status, status_label=CASE_STATUSES.get(status, status),
            finished_date=finished.date() if finished else None, outcome=outcome or "",
            letter_no=letter_no or "", case_id=case_id,
        ))
    return rows


def _check_service(ctx: Context, service_code: str | None) -> str | None:
    if not service_code:
        return None
    svc = ctx.catalog_service(service_code.strip().upper())
    ctx.service_id(svc.code)
    return svc.code


def register_rows(ctx: Context, session: SessionInfo, service_code: str | None, since: dt.date,
                  until: dt.date) -> list[RegisterRow]:
    """The cases that got a register number from ``since`` to ``until`` (office-local days), of
    one service or (``None``) of every service, in register order. Recorded in the audit trail.

    Raises:
        DeskError: unknown service, or a period that ends before it starts.
    """
    code = _check_service(ctx, service_code)
    rows = ctx.read(session, Permission.REGISTER_EXPORT, lambda: _read(ctx, code, since, until))

    def record(tx: Tx) -> None:
        tx.audit("lihat_register", "register", None, layanan=code or "semua", dari=since.isoformat(),
                 sampai=until.isoformat(), baris=len(rows))
        _nik_views(tx, rows, "lihat register")

    ctx.write(session, Permission.REGISTER_EXPORT, record)
    return rows


def _nik_views(tx: Tx, rows: list[RegisterRow], context: str) -> None:
    """Every full NIK of the register handed out, one lihat_nik row per case (UU 27/2022)."""
    record_nik_views(tx, (("case", r.case_id, r.nik) for r in rows), context)


#: The register's columns: header, kind, and the RegisterRow attribute.
_COLUMNS = (
    ("Nomor register", "text", "register_no"),
    ("Tanggal lengkap", "date", "complete_date"),
    ("Kode layanan", "text", "service_code"),
    ("Layanan", "text", "service_name"),
    ("NIK", "text", "nik"),
    ("Nama", "text", "name"),
    ("Alamat", "text", "address"),
    ("Desa/Kelurahan", "text", "desa"),
    ("Kecamatan", "text", "kecamatan"),
    ("Status", "text", "status_label"),
    ("Tanggal selesai", "date", "finished_date"),
    ("Hasil", "text", "outcome"),
    ("Nomor surat", "text", "letter_no"),
)


def register_title(ctx: Context, service_code: str | None, since: dt.date, until: dt.date) -> str:
    """``"Register Santunan Veteran 1 Januari 2026 s.d. 31 Desember 2026"``."""
    from output.words import format_tanggal

    name = ctx.catalog.get(service_code).short_name if service_code else "semua layanan"
    period = format_tanggal(since) if since == until else f"{format_tanggal(since)} s.d. {format_tanggal(until)}"
    return f"Register {name} {period}"


def export_register(ctx: Context, session: SessionInfo, service_code: str | None, since: dt.date,
                    until: dt.date, path: str | Path, fmt: str = "xlsx") -> RegisterExport:
    """Write the register of a period to ``path`` as CSV or XLSX and record the export in the
    audit trail (the file holds full NIKs). The file is left in place only when the export is
    recorded.

    Raises:
        DeskError: unknown format or service, a bad period, or a file that cannot be written.
    """
    if fmt not in FORMATS:
        raise DeskError(f"Format '{fmt}' tidak dikenal; pilih csv atau xlsx.")
    code = _check_service(ctx, service_code)
    rows = ctx.read(session, Permission.REGISTER_EXPORT, lambda: _read(ctx, code, since, until))
    from output import tabular

    title = register_title(ctx, code, since, until)
    doc = tabular.TableDoc(
        title=title, office=ctx.settings.name,
        columns=tuple(tabular.Column(header, kind) for header, kind, _ in _COLUMNS),
        rows=[tuple(getattr(r, attr) for _h, _k, attr in _COLUMNS) for r in rows],
    )
    target = Path(path)
    try:
        tabular.write_table(doc, target, fmt)
    except OSError as exc:
        raise DeskError(f"Berkas {target} tidak dapat ditulis: {exc.strerror or exc}.") from None
    def record(tx: Tx) -> None:
        tx.audit("ekspor_register", "register", None, layanan=code or "semua", dari=since.isoformat(),
                 sampai=until.isoformat(), baris=len(rows), format=fmt, berkas=str(target))
        _nik_views(tx, rows, f"ekspor register {fmt}")

    try:
        ctx.write(session, Permission.REGISTER_EXPORT, record)
    except BaseException:
        target.unlink(missing_ok=True)  # an export that is not recorded is not left behind
        raise
    return RegisterExport(path=target, rows=len(rows), title=title, format=fmt)
