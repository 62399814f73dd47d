"""Reading the audit trail back (UU 27/2022): who did what to whose data, and when.

Supervisors, administrators and pimpinan (:attr:`Permission.AUDIT_VIEW`) and the command line
read the trail of an office by person (NIK), by staff member, by case (register number or berkas
number), by period, or any of these together, newest first, a page at a time (keyset paging on
``(at, id)``: the next page starts below the last row shown, whatever was added since).

A person is found through their records: the trail holds masked NIKs only, so a NIK is resolved
to the applicant records with it, their cases, the cases naming the person among their people,
and those cases' tickets and documents; the rows about any of these match. The indexes that keep
this fast at millions of rows: ``(office_id, at)`` (migration 0006), ``(entity, entity_id, at)``
and ``(staff_id, at)`` (migration 0016).

Reading the trail is itself recorded (``lihat_audit`` with the filter), once per query, not per
page. :func:`reveal_nik` hands out a case's full NIK and records that it did (``lihat_nik``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from peewee import Expression

from forms.validators import mask_nik
from models.audit import ENTITY_LABELS, TRAIL_VIEW, action_label, record_nik_view
from models.dto import DeskError, SessionInfo, ValidationError
from models.kernel import Context, Tx, to_storage
from models.office import offices
from models.permissions import MACHINE_ROLES, Permission, PermissionDenied, require
from models.tables import (
    Applicant,
    AuditLog,
    Case,
    CasePerson,
    Document,
    Office,
    Staff,
    Ticket,
)

#: Rows a page holds at most.
MAX_LIMIT = 5000

#: Ids per IN list of a look-up (well within both databases' parameter limits).
_CHUNK = 500


@dataclass(frozen=True)
class AuditQuery:
    """What to look for in the trail; empty fields do not narrow it.

    Attributes:
        nik: A person's NIK (16 digits; spaces and dots are ignored).
        petugas: A staff member's username.
        berkas: A case's register number, or its berkas number.
        dari / sampai: The first and the last day (office time).
        office_id: The office whose trail is read (None: the desk's own).
    """

    nik: str = ""
    petugas: str = ""
    berkas: str = ""
    dari: dt.date | None = None
    sampai: dt.date | None = None
    office_id: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One row of the trail as people read it.

    Attributes:
        id: The row's id.
        at: When (office time).
        staff_name / username: Who ("" username for the kiosk or the command line).
        action / action_label: The action's code and its Indonesian name.
        entity / entity_id: The record's kind and id.
        what: The record as named on screen ("Berkas REK/2026/00001", "Tiket A-003").
        detail: The row's detail as text (NIKs in it are masked).
    """

    id: int
    at: dt.datetime
    staff_name: str
    username: str
    action: str
    action_label: str
    entity: str
    entity_id: int | None
    what: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail, newest first.

    Attributes:
        entries: The rows.
        office_id / office_name: The office read.
        more: Whether older rows follow.
        cursor: Pass as ``after`` for the next page (None when nothing follows).
    """

    entries: tuple[AuditEntry, ...]
    office_id: int
    office_name: str
    more: bool
    cursor: tuple[dt.datetime, int] | None


def clean_nik(nik: str) -> str:
    """The NIK as stored (spaces, dots and dashes dropped).

    Raises:
        ValidationError: not 16 digits (field ``nik``).
    """
    digits = re.sub(r"[\s.\-]", "", nik or "")
    if not re.fullmatch(r"\d{16}", digits):
        raise ValidationError({"nik": "NIK harus 16 angka."})
    return digits


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _about(records: dict[str, set[int]]) -> Expression | None:
    """Rows about any of ``records`` (entity -> ids); None when there are none."""
    clause = None
    for entity, ids in records.items():
        for chunk in _chunks(sorted(ids)):
            term = (AuditLog.entity == entity) & AuditLog.entity_id.in_(chunk)
            clause = term if clause is None else clause | term
    return clause


def _with_tickets_and_documents(records: dict[str, set[int]]) -> dict[str, set[int]]:
    """``records`` with the tickets and the documents of its cases."""
    cases = sorted(records.get("case", ()))
    tickets: set[int] = set()
    documents: set[int] = set()
    for chunk in _chunks(cases):
        tickets |= {t for (t,) in Case.select(Case.ticket).where(Case.id.in_(chunk) & Case.ticket.is_null(False))
                    .tuples()}
        documents |= {d for (d,) in Document.select(Document.id).where(Document.case.in_(chunk)).tuples()}
    return {**records, "ticket": tickets, "document": documents}


def _person_records(office_id: int, nik: str) -> dict[str, set[int]]:
    """The records about the person with ``nik``: their applicant records, the office's cases
    they applied in or are named in, and those cases' tickets and documents."""
    applicants = {a for (a,) in Applicant.select(Applicant.id).where(Applicant.nik == nik).tuples()}
    cases = {c for (c,) in CasePerson.select(CasePerson.case).where(CasePerson.nik == nik).tuples()}
    if applicants:
        cases |= {c for (c,) in Case.select(Case.id).where(Case.applicant.in_(sorted(applicants))
                                                           & (Case.office == office_id)).tuples()}
    return _with_tickets_and_documents({"applicant": applicants, "case": cases})


def _case_records(office_id: int, berkas: str) -> dict[str, set[int]]:
    """The records of the office's case with a register number (or berkas number) ``berkas``.

    Raises:
        ValidationError: no such case (field ``berkas``).
    """
    typed = berkas.strip()
    case_id = (Case.select(Case.id).where((Case.office == office_id) & (Case.register_no == typed)).scalar())
    if case_id is None and typed.isdigit():
        case_id = Case.select(Case.id).where((Case.office == office_id) & (Case.id == int(typed))).scalar()
    if case_id is None:
        raise ValidationError({"berkas": f"Berkas '{typed}' tidak ada di kantor ini (nomor register atau "
                                         "nomor berkas)."})
    return _with_tickets_and_documents({"case": {case_id}})


def _office(ctx: Context, session: SessionInfo, office_id: int | None) -> tuple[int, str, Any]:
    """(id, name, time zone) of the office whose trail is read, after checking the session may
    read it: its own, or one of those it may choose (:func:`models.office.offices`: supervisors
    and pimpinan of a main office)."""
    if office_id is None or office_id == ctx.office_id:
        return ctx.office_id, ctx.settings.name, ctx.tz
    if session.role != "sistem" and office_id not in {o.id for o in offices(ctx, session)}:
        raise PermissionDenied("Jejak audit kantor lain hanya untuk supervisor dan pimpinan kantor induk.")
    row = ctx.read(session, Permission.AUDIT_VIEW, lambda: Office.get_or_none(Office.id == office_id))
    if row is None:
        raise DeskError("Kantor itu tidak ada di basis data ini.")
    return row.id, row.name, ZoneInfo(row.timezone)


def _bounds(query: AuditQuery, tz: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    if query.dari and query.sampai and query.sampai < query.dari:
        raise ValidationError({"sampai": "Tanggal akhir sebelum tanggal awal."})
    start = to_storage(dt.datetime.combine(query.dari, dt.time(), tzinfo=tz)) if query.dari else None
    end = (to_storage(dt.datetime.combine(query.sampai + dt.timedelta(days=1), dt.time(), tzinfo=tz))
           if query.sampai else None)
    return start, end


def _detail_text(detail: str) -> str:
    """A row's JSON detail as "key: value, ..." (lists joined, yes/no for flags)."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return str(data)

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "ya" if v else "tidak"
        if isinstance(v, list):
            return ", ".join(value(x) for x in v) or "-"
        return str(v)

    return "; ".join(f"{k}: {value(v)}" for k, v in data.items() if v is not None and v != "")


def _names(rows: list[AuditLog]) -> dict[tuple[str, int], str]:
    """How the records of a page are named: (entity, id) -> number or code (one query per kind)."""
    wanted: dict[str, set[int]] = {}
    for r in rows:
        if r.entity_id is not None:
            wanted.setdefault(r.entity, set()).add(r.entity_id)
    names: dict[tuple[str, int], str] = {}
    lookups = {
        "case": lambda ids: ((i, reg or f"nomor {i}") for i, reg in
                             Case.select(Case.id, Case.register_no).where(Case.id.in_(ids)).tuples()),
        "ticket": lambda ids: ((i, f"{code} ({day:%d-%m-%Y})" if isinstance(day, dt.date) else f"{code} ({day})")
                               for i, code, day in
                               Ticket.select(Ticket.id, Ticket.code, Ticket.day).where(Ticket.id.in_(ids)).tuples()),
        "document": lambda ids: ((i, number or title) for i, number, title in
                                 Document.select(Document.id, Document.number, Document.title)
                                 .where(Document.id.in_(ids)).tuples()),
        "applicant": lambda ids: ((i, f"NIK {mask_nik(nik)}") for i, nik in
                                  Applicant.select(Applicant.id, Applicant.nik).where(Applicant.id.in_(ids)).tuples()),
        "staff": lambda ids: ((i, u) for i, u in
                              Staff.select(Staff.id, Staff.username).where(Staff.id.in_(ids)).tuples()),
    }
    for entity, ids in wanted.items():
        if entity in lookups:
            for chunk in _chunks(sorted(ids)):
                names.update({(entity, i): name for i, name in lookups[entity](chunk)})
    return names


def _what(row: AuditLog, names: dict[tuple[str, int], str], detail: dict[str, Any]) -> str:
    label = ENTITY_LABELS.get(row.entity, row.entity)
    if row.entity_id is None:
        return label
    if row.entity == "counter" and detail.get("loket") is not None:
        return f"{label} {detail['loket']}"
    if row.entity == "service" and detail.get("layanan"):
        return f"{label} {detail['layanan']}"
    return f"{label} {names.get((row.entity, row.entity_id), f'#{row.entity_id}')}"


def _entries(ctx: Context, rows: list[AuditLog], tz: Any) -> tuple[AuditEntry, ...]:
    names = _names(rows)
    staff_ids = sorted({r.staff_id for r in rows if r.staff_id is not None})
    staff: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(staff_ids):
        staff.update({i: (name, user) for i, name, user in
                      Staff.select(Staff.id, Staff.full_name, Staff.username).where(Staff.id.in_(chunk)).tuples()})
    entries = []
    for r in rows:
        try:
            detail = json.loads(r.detail) if r.detail else {}
        except ValueError:
            detail = {}
        detail = detail if isinstance(detail, dict) else {}
        if r.staff_id is not None:
            name, user = staff.get(r.staff_id, (f"petugas #{r.staff_id}", ""))
        else:  # the kiosk, the board, the public check or the command line
            name, user = MACHINE_ROLES.get(detail.get("oleh", ""), "Mesin/sistem"), ""
        at = r.at if isinstance(r.at, dt.datetime) else dt.datetime.fromisoformat(str(r.at))
        entries.append(AuditEntry(
            id=r.id, at=at.replace(tzinfo=dt.UTC).astimezone(tz), staff_name=name, username=user,
            action=r.action, action_label=action_label(r.action, r.entity),
            entity=r.entity, entity_id=r.entity_id, what=_what(r, names, detail),
            detail=_detail_text(r.detail),
        ))
    return tuple(entries)


def _described(query: AuditQuery, office_name: str, session: SessionInfo) -> dict[str, Any]:
    """The filter as the ``lihat_audit`` row records it (the NIK masked)."""
    described: dict[str, Any] = {
        "nik": mask_nik(query.nik) if query.nik else None, "petugas": query.petugas or None,
        "berkas": query.berkas or None, "dari": query.dari.isoformat() if query.dari else None,
        "sampai": query.sampai.isoformat() if query.sampai else None, "kantor": office_name,
    }
    if session.staff_id is None:
        described["oleh"] = session.role  # the command line (sistem) names itself
    return {k: v for k, v in described.items() if v is not None}


def audit_trail(ctx: Context, session: SessionInfo, query: AuditQuery, *, limit: int = 50,
                after: tuple[dt.datetime, int] | None = None, record: bool = True) -> AuditPage:
    """A page of the office's audit trail matching ``query``, newest first.

    Args:
        query: The filter.
        limit: Rows per page (1 to :data:`MAX_LIMIT`).
        after: The ``cursor`` of the page before (None: the newest rows).
        record: Record the query in the trail (``lihat_audit``); False for the next pages of a
            query already recorded.

    Raises:
        PermissionDenied: without audit.view, or another office the session may not read.
        ValidationError: a bad NIK, an unknown staff member or case, a period ending before it
            starts (``errors`` by field: nik, petugas, berkas, sampai).
    """
    require(session, Permission.AUDIT_VIEW)
    limit = max(1, min(int(limit), MAX_LIMIT))
    nik = clean_nik(query.nik) if query.nik.strip() else ""
    query = AuditQuery(nik=nik, petugas=query.petugas.strip().lower(), berkas=query.berkas.strip(),
                       dari=query.dari, sampai=query.sampai, office_id=query.office_id)
    office_id, office_name, tz = _office(ctx, session, query.office_id)
    start, end = _bounds(query, tz)

    def body() -> AuditPage:
        where = AuditLog.office_id == office_id
        if query.petugas:
            staff_id = Staff.select(Staff.id).where(Staff.username == query.petugas).scalar()
            if staff_id is None:
                raise ValidationError({"petugas": f"Petugas '{query.petugas}' tidak dikenal."})
            where &= AuditLog.staff == staff_id
        for records in ((_person_records(office_id, nik),) if nik else ()) + (
                (_case_records(office_id, query.berkas),) if query.berkas else ()):
            about = _about(records)
            if about is None:
                return AuditPage(entries=(), office_id=office_id, office_name=office_name, more=False, cursor=None)
            where &= about
        if start is not None:
            where &= AuditLog.at >= start
        if end is not None:
            where &= AuditLog.at < end
        if after is not None:
            at, row_id = after
            # "at <= ..." bounds the index range; the rest breaks ties between rows of one moment
            where &= (AuditLog.at <= at) & ((AuditLog.at < at) | (AuditLog.id < row_id))
        rows = list(AuditLog.select().where(where).order_by(AuditLog.at.desc(), AuditLog.id.desc())
                    .limit(limit + 1))
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if rows else None
        return AuditPage(entries=_entries(ctx, rows, tz), office_id=office_id, office_name=office_name,
                         more=more, cursor=(last.at, last.id) if more and last is not None else None)

    page = ctx.read(session, Permission.AUDIT_VIEW, body)
    if record:  # read outside the write lock, recorded once read
        described = _described(query, office_name, session)
        ctx.write(session, Permission.AUDIT_VIEW, lambda tx: tx.audit(TRAIL_VIEW, "audit", None, **described))
    return page


def reveal_nik(ctx: Context, session: SessionInfo, case_id: int, *, person_id: int | None = None,
               context: str = "tampilkan NIK") -> str:
    """The full NIK of a case's applicant (or, with ``person_id``, of one of its people), and a
    ``lihat_nik`` row saying who saw it, where (``context``), in the same transaction.

    Returns:
        The NIK ("" when the person has none; nothing is recorded then).

    Raises:
        DeskError: no such case in this office, or no such person in the case.
    """

    def body(tx: Tx) -> str:
        if person_id is not None:
            found = (CasePerson.select(CasePerson.nik).join(Case)
                     .where((CasePerson.id == person_id) & (CasePerson.case == case_id)
                            & (Case.office == ctx.office_id)).tuples().first())
            if found is None:
                raise DeskError("Orang itu tidak ada lagi dalam berkas ini.")
            nik = found[0] or ""
            record_nik_view(tx, "case", case_id, nik, context, orang=person_id)
            return nik
        row = (Case.select(Case.applicant_data, Applicant.nik).join(Applicant)
               .where((Case.id == case_id) & (Case.office == ctx.office_id)).tuples().first())
        if row is None:
            raise DeskError("Berkas tidak ditemukan di kantor ini.")
        snapshot, stored = row
        try:
            nik = (json.loads(snapshot).get("nik") if snapshot else None) or stored
        except ValueError:
            nik = stored
        record_nik_view(tx, "case", case_id, nik, context)
        return nik

    return ctx.write(session, Permission.CASE_VIEW, body)
