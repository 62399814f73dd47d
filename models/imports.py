"""Imports of beneficiary lists (daftar penerima) for services that start from data: every row is
checked, and the list is imported whole or not at all.

A list (CSV or XLSX, read by :mod:`forms.importrows`) is checked row by row with the counter's
rules (NIK incl. birth date and sex, NKK, required fields), for NIKs that appear twice, and for
NIKs that already have an open case of the service. When any row is bad nothing is written and
the report names every bad row. Otherwise one transaction records the applicants (upserted on the
same key as intake), opens one case per row with its register number (a block of numbers
allocated in one statement), starts its first SOP step, and records one audit row and one event.
Writes go in chunks of :data:`CHUNK` rows (``insert_many``), not a statement per row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import EXCLUDED, fn

from forms.importrows import (
    Beneficiary,
    TableError,
    check_rows,
    read_table,
    starts_from_data,
)
from forms.validators import name_key
from models import events, stepstats, steps
from models.dto import DeskError, SessionInfo
from models.kernel import Context, Tx, to_storage
from models.permissions import Permission, require
from models.readmodel import CaseRecord, snapshot_of
from models.tables import Applicant, Case, StepRun, database

#: Rows per INSERT statement (well within SQLite's and PostgreSQL's parameter limits).
CHUNK = 500

#: Statuses of a case that is over (a NIK with such a case may be imported again).
CLOSED = ("selesai", "ditolak", "batal")

_BLOCK = ("INSERT INTO sequence (scope, period, value) VALUES ({p}, {p}, {p}) "
          "ON CONFLICT (scope, period) DO UPDATE SET value = sequence.value + {p} RETURNING value")


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did.

    Attributes:
        service_code / service_name: The service.
        file_name: The list's file name.
        rows: Data rows read.
        problems: Spreadsheet row number -> Indonesian messages (the header row is row 1).
        file_errors: What made the whole file unreadable (no header, a column missing ...).
        ignored_columns: Headers that name no known column (left out).
        imported: Cases opened (0 on a trial, or when any row is bad).
        trial: Only checked (``--uji``).
        first_register / last_register: The register numbers given.
    """

    service_code: str
    service_name: str
    file_name: str
    rows: int = 0
    problems: dict[int, tuple[str, ...]] = field(default_factory=dict)
    file_errors: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    imported: int = 0
    trial: bool = False
    first_register: str = ""
    last_register: str = ""

    @property
    def ok(self) -> bool:
        """No bad row and a readable file."""
        return not self.problems and not self.file_errors


class _Rejected(Exception):
    """Raised inside the transaction when the database shows a bad row found too late."""

    def __init__(self, problems: dict[int, list[str]]):
        super().__init__("rows rejected")
        self.problems = problems


def importable_services(ctx: Context) -> list[str]:
    """Codes of the services of this office that accept an imported list."""
    return [s.code for s in ctx.offered() if starts_from_data(s)]


def _service(ctx: Context, service_code: str):
    svc = ctx.catalog_service((service_code or "").strip().upper())
    if not starts_from_data(svc):
        codes = ", ".join(importable_services(ctx)) or "tidak ada"
        raise DeskError(f"Layanan {svc.short_name} ({svc.code}) dimulai dari permohonan di loket, bukan dari "
                        f"data penerima; daftar tidak dapat diimpor. Layanan yang menerima impor: {codes}.")
    if svc.applicant_kind != "perorangan":
        raise DeskError(f"Impor hanya untuk layanan dengan pemohon perorangan; {svc.code} untuk "
                        f"{svc.applicant_kind}.")
    return svc


def _chunks(items: list[Any], size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _open_cases(ctx: Context, service_id: int, niks: list[str]) -> dict[str, str]:
    """NIK -> how its open case of the service is named (register number or case number)."""
    found: dict[str, str] = {}
    for chunk in _chunks(niks):
        query = (Case.select(Applicant.nik, Case.register_no, Case.id)
                 .join(Applicant, on=(Case.applicant == Applicant.id))
                 .where((Case.office == ctx.office_id) & (Case.service == service_id)
                        & Applicant.nik.in_(chunk) & Case.status.not_in(CLOSED))
                 .order_by(Case.id).tuples())
        for nik, register_no, case_id in query:
            found.setdefault(nik, f"register {register_no}" if register_no else f"berkas nomor {case_id}")
    return found


def _open_case_problems(ctx: Context, svc, service_id: int, good: list[Beneficiary]) -> dict[int, list[str]]:
    open_ = _open_cases(ctx, service_id, [b.nik for b in good])
    return {b.number: [f"NIK ini masih punya berkas {svc.short_name} yang belum selesai ({open_[b.nik]})."]
            for b in good if b.nik in open_}


def _merge(*parts: dict[int, list[str]]) -> dict[int, tuple[str, ...]]:
    merged: dict[int, list[str]] = {}
    for part in parts:
        for number, messages in part.items():
            merged.setdefault(number, []).extend(messages)
    return {n: tuple(merged[n]) for n in sorted(merged)}


def import_file(ctx: Context, session: SessionInfo, service_code: str, path: str | Path, *,
                trial: bool = False) -> ImportReport:
    """Check a beneficiary list and, when every row is good (and not ``trial``), import it.

    Returns:
        The report: bad rows with their messages (then nothing was imported), or the number of
        cases opened and their register numbers.

    Raises:
        PermissionDenied: the session may not import.
        DeskError: unknown service, or one that does not start from data.
    """
    require(session, Permission.CASE_IMPORT)
    svc = _service(ctx, service_code)
    service_id = ctx.service_id(svc.code)
    path = Path(path)
    report = ImportReport(service_code=svc.code, service_name=svc.short_name, file_name=path.name, trial=trial)
    try:
        table = read_table(path)
    except TableError as exc:
        return _replace(report, file_errors=(str(exc),))
    report = _replace(report, rows=len(table.rows), ignored_columns=table.ignored)
    if not table.rows:
        return _replace(report, file_errors=("Berkas tidak berisi baris data di bawah baris judul kolom.",))
    good, problems = check_rows(table, kind=svc.applicant_kind, today=ctx.today())
    found = ctx.read(session, Permission.CASE_IMPORT, lambda: _open_case_problems(ctx, svc, service_id, good))
    all_problems = _merge(problems, found)
    if all_problems or trial:
        return _replace(report, problems=all_problems)
    if session.staff_id is None:
        raise DeskError("Impor harus dijalankan dengan akun petugas (supervisor): setiap berkas mencatat "
                        "siapa yang membukanya.")

    steps.prepare(ctx)
    columns = set(table.fields)

    def body(tx: Tx) -> tuple[int, str, str]:
        late = _open_case_problems(ctx, svc, service_id, good)  # a desk may have opened one meanwhile
        if late:
            raise _Rejected(late)
        return _write(ctx, tx, svc, service_id, good, columns, path.name)

    try:
        count, first, last = ctx.write(session, Permission.CASE_IMPORT, body)
    except _Rejected as rejected:
        return _replace(report, problems=_merge(rejected.problems))
    return _replace(report, imported=count, first_register=first, last_register=last)


def _replace(report: ImportReport, **changes: Any) -> ImportReport:
    import dataclasses

    return dataclasses.replace(report, **changes)


def _allocate_block(scope: str, period: str, count: int) -> int:
    """Take ``count`` consecutive numbers of ``scope`` in one statement (the same upsert as
    :func:`models.numbering.allocate`, by ``count``); returns the first."""
    sql = _BLOCK.format(p=database.param)
    last = database.execute_sql(sql, (scope, period, count, count)).fetchone()[0]
    return last - count + 1


def _write(ctx: Context, tx: Tx, svc, service_id: int, good: list[Beneficiary], columns: set[str],
           file_name: str) -> tuple[int, str, str]:
    kind = svc.applicant_kind
    # applicants: upserted on intake's key; a column the list does not have, or an empty optional
    # cell, keeps what the person's record holds already
    people = []
    for b in good:
        p = b.person
        people.append({"kind": kind, "nik": b.nik, "org_name": "", "name": p["name"], "sex": p["sex"],
                       "birth_date": p["birth_date"], "address": p["address"], "desa": p["desa"],
                       "kecamatan": p["kecamatan"], "kabupaten": p["kabupaten"], "phone": p["phone"],
                       "name_key": name_key(p["name"], ""), "created_at": tx.now, "updated_at": tx.now})
    update: dict[Any, Any] = {}
    for name in ("name", "sex", "birth_date", "address", "desa", "kecamatan", "name_key", "updated_at"):
        update[getattr(Applicant, name)] = getattr(EXCLUDED, name)
    for name in ("kabupaten", "phone"):
        if name in columns:
            column = getattr(Applicant, name)
            update[column] = fn.COALESCE(fn.NULLIF(getattr(EXCLUDED, name), ""), column)
    applicant_ids: dict[str, int] = {}
    for chunk in _chunks(people):
        rows = (Applicant.insert_many(chunk)
                .on_conflict(conflict_target=[Applicant.nik, Applicant.kind, Applicant.org_name], update=update)
                .returning(Applicant.id, Applicant.nik).tuples().execute())
        applicant_ids.update({nik: applicant_id for applicant_id, nik in rows})

    # register numbers: one block for the whole list
    year = tx.local_now.year
    first_seq = _allocate_block(f"register:{ctx.office_id}", str(year), len(good))
    due = None
    if svc.jangka_waktu is not None:
        due = ctx.calendar.due(tx.local_now, svc.jangka_waktu)
    # the step runs are the same for every case (the first step starts now): made once
    template = CaseRecord(row=Case(id=0, office=ctx.office_id, service=service_id, created_at=tx.now,
                                   verify_started_at=None, verify_seconds=0),
                          applicant=Applicant())
    runs = steps.after_verification(ctx, tx, template, svc)
    running = [r for r in runs if r["ended_at"] is None]
    status = "diproses" if running else "selesai"
    registers: list[str] = []
    cases = []
    for offset, b in enumerate(good):
        seq = first_seq + offset
        register_no = ctx.settings.register_pattern.format(kode=svc.code, tahun=year, nomor=seq)
        registers.append(register_no)
        snapshot = json.loads(snapshot_of({"kind": kind, "nik": b.nik, **b.person, "org_name": ""}))
        if b.nkk:
            snapshot["nkk"] = b.nkk
        cases.append({
            "office": ctx.office_id, "service": service_id, "applicant": applicant_ids[b.nik], "ticket": None,
            "register_no": register_no, "register_seq": seq, "status": status, "member_count": None,
            "conditions": "{}", "created_by": tx.staff_id, "created_at": tx.now, "updated_at": tx.now,
            "complete_at": tx.now, "due_at": to_storage(due) if due else None,
            "finished_at": None if running else tx.now, "outcome": "",
            "applicant_data": json.dumps(snapshot, ensure_ascii=False),
        })
    case_ids: list[int] = []
    for chunk in _chunks(cases):
        rows = Case.insert_many(chunk).returning(Case.id, Case.register_seq).tuples().execute()
        by_seq = {seq: case_id for case_id, seq in rows}
        case_ids.extend(by_seq[c["register_seq"]] for c in chunk)
    if runs:
        step_rows = [{**run, "case": case_id} for case_id in case_ids for run in runs]
        for chunk in _chunks(step_rows):
            StepRun.insert_many(chunk).execute()
    # the steps ended at intake (and the cases, when they ended there) count in the dashboard's
    # summaries: the same for every case, so counted once, len(good) times
    ended = [stepstats.run_of(ctx, r) for r in runs if r["ended_at"] is not None]
    if not running:
        ended.append(stepstats.ended_case(ctx, service_id, tx.now, tx.now, cases[0]["due_at"], 0))
    stepstats.record(ctx, tx, ended, weight=len(good))
    tx.audit("impor", "service", service_id, layanan=svc.code, berkas=file_name, baris=len(good),
             register=f"{registers[0]} s.d. {registers[-1]}")
    tx.emit(events.CASES_IMPORTED, None, layanan=svc.code, jumlah=len(good),
            langkah=running[0]["step_no"] if running else None)
    return len(good), registers[0], registers[-1]


def describe(report: ImportReport) -> list[str]:
    """The report as Indonesian lines (command line and screens)."""
    lines: list[str] = []
    what = f"{report.service_name} ({report.service_code}) dari {report.file_name}"
    if report.file_errors:
        lines.append(f"Impor {what}: berkas tidak dapat diimpor.")
        lines += [f"  {e}" for e in report.file_errors]
        lines.append("Tidak ada yang diimpor.")
        return lines
    lines.append(f"Impor {what}: {report.rows} baris data.")
    if report.ignored_columns:
        lines.append("Kolom yang tidak dikenal (dilewati): " + ", ".join(report.ignored_columns) + ".")
    for number, messages in report.problems.items():
        lines.append(f"Baris {number}: {messages[0]}")
        lines += [f"{'':>{len(str(number)) + 8}}{m}" for m in messages[1:]]
    if report.problems:
        lines.append(f"{len(report.problems)} dari {report.rows} baris bermasalah; TIDAK ADA yang diimpor. "
                     "Perbaiki berkasnya lalu impor lagi.")
    elif report.trial:
        lines.append(f"Uji selesai: {report.rows} baris siap diimpor; tidak ada yang disimpan (--uji).")
    else:
        lines.append(f"{report.imported} berkas dibuka untuk {report.service_name}, register "
                     f"{report.first_register} s.d. {report.last_register}; langkah pertama SOP dimulai.")
    return lines
