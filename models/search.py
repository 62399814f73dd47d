"""Finding a case again: by NIK, berkas number, register number (or its number part), or a part
of the applicant's or organisation's name, ignoring case and diacritics ("sri" finds "Śrī").

Every kind of look-up reads an index: NIK and register numbers exactly, the register's number
part by its own column, names through a trigram index over a normalised copy of the name
(SQLite FTS5, PostgreSQL pg_trgm). Name parts need at least three letters.
"""

from __future__ import annotations

import re

from peewee import SQL, Desc, NodeList

from forms.validators import mask_nik, name_key
from models.dto import CASE_STATUSES, CaseSummary, DeskError, SessionInfo
from models.kernel import Context
from models.permissions import Permission
from models.readmodel import applicant_info
from models.tables import Applicant, Case

#: Shortest name part searched (the trigram indexes need three letters).
MIN_NAME = 3

#: Applicants a name part must match to count as common (see search()).
COMMON_NAME = 2000


def _name_ids(ctx: Context, words: list[str]):
    """A subquery of applicant ids whose name key contains every word."""
    long_words = [w for w in words if len(w) >= MIN_NAME]
    query = Applicant.select(Applicant.id)
    if not ctx.postgres and _has_fts(ctx):
        match = " AND ".join('"' + w.replace('"', "") + '"' for w in long_words)
        query = query.where(Applicant.id.in_(SQL("(SELECT rowid FROM applicant_name_fts WHERE "
                                                  "applicant_name_fts MATCH ?)", (match,))))
        words = [w for w in words if len(w) < MIN_NAME]
    for word in words:
        query = query.where(Applicant.name_key.contains(word))
    return query


def _has_fts(ctx: Context) -> bool:
    """Whether this SQLite database has the FTS5 name index (an SQLite built without FTS5 has
    none: names are then found by scanning)."""
    if ctx.fts is None:
        ctx.fts = bool(ctx.db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'applicant_name_fts'").fetchone())
    return ctx.fts


def search(ctx: Context, session: SessionInfo, query: str, limit: int = 50, *,
           record: bool = True) -> list[CaseSummary]:
    """Find cases of this office (the search is recorded in the audit trail, NIKs masked).

    Args:
        ctx: The desk's context.
        session: Who searches.
        query: What the operator typed: a NIK, "berkas 12", "No. 12", a register number,
            "00001" (a register's number part), or part of a name.
        limit: Most rows returned (newest activity first).
        record: Record the look-up in the audit trail; False when a screen refreshes results
            the operator already saw.

    Raises:
        DeskError: a name part shorter than three letters.
    """
    q = (query or "").strip()
    if not q:
        return []
    # "NIK 6403 ...", "berkas 12", "no. 12": the words the slip and the screens use
    bare = re.sub(r"(?i)^(nik|berkas|nomor berkas|no\.?)\b", "", q).strip()
    digits = re.sub(r"[\s.:]", "", bare)
    words = name_key(q).split()
    by_name = not digits.isdigit() and "/" not in q
    if by_name and not any(len(w) >= MIN_NAME for w in words):
        raise DeskError(f"Ketik paling sedikit {MIN_NAME} huruf dari nama, atau NIK / nomor berkas.")
    office = Case.office == ctx.office_id

    def body() -> list[CaseSummary]:
        conditions = [Case.register_no == q.upper()]
        if digits.isdigit():
            conditions.append(Case.applicant.in_(Applicant.select(Applicant.id).where(Applicant.nik == digits)))
            if digits.startswith("0") and len(digits) >= 3:
                conditions.append(Case.register_seq == int(digits))  # "00001" of REK-LKS/2026/00001
            elif len(digits) <= 9:
                conditions.append(Case.id == int(digits))
        orders = [_newest_first(ctx)] * len(conditions)
        if by_name:
            names = _name_ids(ctx, words)
            conditions.append(Case.applicant.in_(names))
            # a name part thousands of people share ("sri"): the newest cases of the office in
            # date order soon show 50 of theirs; a rarer name: its few cases, sorted
            common = names.limit(COMMON_NAME).count() >= COMMON_NAME
            orders.append(Case.updated_at.desc() if common else _newest_first(ctx))
        found: dict[int, CaseSummary] = {}
        for condition, order in zip(conditions, orders, strict=True):  # each one an index look-up
            # the newest cases first, then their applicants: a common name part matches
            # thousands of cases, and only those shown are joined
            newest = Case.select(Case.id).where(office & condition).order_by(order).limit(limit)
            rows = (Case.select(Case.id, Case.register_no, Case.service, Case.status, Case.updated_at,
                                Case.applicant_data, Applicant)
                    .join(Applicant)
                    .where(Case.id.in_(newest)).order_by(Case.updated_at.desc()))
            for r in rows:
                if r.id not in found:
                    found[r.id] = _summary(ctx, r)
        return sorted(found.values(), key=lambda c: c.updated_at, reverse=True)[:limit]

    results = ctx.read(session, Permission.CASE_VIEW, body)
    if record:  # read outside the write lock; the look-up is recorded, NIKs masked
        ctx.write(session, Permission.CASE_VIEW, lambda tx: tx.audit("cari", "case", None, kueri=q[:60]))
    return results


def _newest_first(ctx: Context):
    """ORDER BY updated_at DESC, written so that no index can supply the order (SQLite:
    ``+updated_at``; PostgreSQL: ``updated_at + interval '0'``). The planner then finds the
    matching cases through the selective condition (NIK, register number, name: an index each)
    and sorts those, instead of walking every case of the office in date order looking for
    matches, which it may pick when it misjudges how many a name matches."""
    if ctx.postgres:
        return Desc(Case.updated_at + SQL("INTERVAL '0 seconds'"))
    return Desc(NodeList((SQL("+"), Case.updated_at), glue=""))


def _summary(ctx: Context, r: Case) -> CaseSummary:
    svc = ctx.service_by_row(r.service_id)
    applicant = applicant_info(ctx, r.applicant, r.applicant_data)
    return CaseSummary(
        id=r.id, register_no=r.register_no or "", service_code=svc.code if svc else "",
        service_name=svc.short_name if svc else "", applicant_name=applicant.display_name,
        nik_masked=mask_nik(r.applicant.nik), status=r.status,
        status_label=CASE_STATUSES.get(r.status, r.status), updated_at=ctx.local(r.updated_at),
    )
