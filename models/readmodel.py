"""The read model: cases and tickets as the screens show them, read with explicit joins.

A case is two round trips: its row (with the applicant and the ticket code, locked when a write
asks) and one "bundle" of its checklist answers, step runs and documents. Writes build what they
return from what they already hold; nothing is re-read through lazy foreign keys.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from peewee import JOIN, fn

from forms.catalog import Service as CatalogService
from forms.eligibility import assess, check_eligibility, member_warnings, region_kind
from forms.people import MEMBER_ROLES, organisation_problems
from forms.validators import age_on, mask_nik
from models.casedto import CriterionLine
from models.dto import (
    CASE_STATUSES,
    TICKET_STATUSES,
    ApplicantInfo,
    CaseDetail,
    ChecklistLine,
    ConditionLine,
    DeskError,
    DocumentInfo,
    StepLine,
    TicketInfo,
)
from models.kernel import Context
from models.office import service_info
from models.persons import people_columns, people_fields, people_problems
from models.tables import Applicant, Case, Counter, Staff, Ticket
from models.worktime import WorkCalendar

#: Applicant fields each case keeps as entered for it (Case.applicant_data).
SNAPSHOT_FIELDS = ("kind", "nik", "name", "sex", "birth_date", "address", "desa", "kecamatan",
                   "kabupaten", "phone", "org_name")


@dataclass
class CaseRecord:
    """A case row with what the screens need from its applicant and ticket."""

    row: Case
    applicant: Applicant
    ticket_code: str = ""
    answers: dict[str, tuple[bool, str]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    documents: list[DocumentInfo] = field(default_factory=list)


# -- applicants ------------------------------------------------------------------------------------

def snapshot_of(fields: dict[str, Any]) -> str:
    """The JSON a case keeps of its applicant (Case.applicant_data)."""
    data = {k: fields.get(k) for k in SNAPSHOT_FIELDS}
    birth = data["birth_date"]
    data["birth_date"] = birth.isoformat() if isinstance(birth, dt.date) else (birth or None)
    return json.dumps(data, ensure_ascii=False)


def applicant_info(ctx: Context, a: Applicant, snapshot: str = "") -> ApplicantInfo:
    """The applicant as the screens need it; with a case's ``snapshot``, as entered for it."""
    data = {name: getattr(a, name) for name in SNAPSHOT_FIELDS}
    if snapshot:
        stored = json.loads(snapshot)
        data.update({k: v for k, v in stored.items() if k in data})
    birth = data["birth_date"]
    if isinstance(birth, str):
        birth = dt.date.fromisoformat(birth) if birth else None
    return ApplicantInfo(
        id=a.id, kind=data["kind"], nik=data["nik"], nik_masked=mask_nik(data["nik"]),
        name=data["name"], sex=data["sex"] or "", birth_date=birth,
        age=age_on(birth, ctx.today()) if birth else None,
        address=data["address"] or "", desa=data["desa"] or "", kecamatan=data["kecamatan"] or "",
        kabupaten=data["kabupaten"] or "", phone=data["phone"] or "", org_name=data["org_name"] or "",
    )


# -- tickets ---------------------------------------------------------------------------------------

def ticket_infos(ctx: Context, where: Any, order: Any = None) -> list[TicketInfo]:
    """Tickets matching ``where`` (one query: loket, staff and case joined in)."""
    case_id = (Case.select(fn.MIN(Case.id)).where(Case.ticket == Ticket.id))
    target = Counter.alias("target")
    query = (Ticket.select(Ticket.id, Ticket.code, Ticket.number, Ticket.service, Ticket.status,
                           Ticket.priority, Ticket.issued_at, Ticket.called_at, Ticket.line,
                           Ticket.priority_kind, Ticket.call_count, Ticket.first_called_at,
                           Ticket.served_at, Counter.number.alias("counter_no"),
                           target.number.alias("target_counter_no"),
                           Staff.full_name.alias("staff_name"), case_id.alias("case_id"))
             .join(Counter, JOIN.LEFT_OUTER, on=(Ticket.counter == Counter.id))
             .join(target, JOIN.LEFT_OUTER, on=(Ticket.target_counter == target.id), src=Ticket)
             .join(Staff, JOIN.LEFT_OUTER, on=(Ticket.staff == Staff.id), src=Ticket)
             .where(where))
    if order is not None:
        query = query.order_by(*order)
    return [ticket_info(ctx, r) for r in query.dicts()]


def ticket_info(ctx: Context, r: dict[str, Any], *, counter_no: int | None = None,
                staff_name: str = "", case_id: int | None = None, ahead: int | None = None,
                wait_minutes: int | None = None) -> TicketInfo:
    """A ticket from a row's values (``service`` is the service row id)."""
    svc = ctx.service_by_row(r["service"])
    status = r["status"]
    return TicketInfo(
        id=r["id"], code=r["code"], number=r["number"], service_code=svc.code if svc else "",
        service_name=svc.short_name if svc else "", status=status,
        status_label=TICKET_STATUSES.get(status, status), priority=bool(r["priority"]),
        issued_at=ctx.local(r["issued_at"]), called_at=ctx.local(r.get("called_at")),
        counter_no=r.get("counter_no", counter_no), staff_name=r.get("staff_name") or staff_name,
        case_id=r.get("case_id", case_id), line=r.get("line") or "",
        priority_kind=r.get("priority_kind") or "", call_count=r.get("call_count") or 0,
        first_called_at=ctx.local(r.get("first_called_at")), served_at=ctx.local(r.get("served_at")),
        target_counter_no=r.get("target_counter_no"), ahead=ahead, wait_minutes=wait_minutes,
    )


# -- cases -----------------------------------------------------------------------------------------

def load_case(ctx: Context, case_id: int, *, lock: bool = False, extra: dict[str, Any] | None = None) -> CaseRecord:
    """A case row of this office with its applicant and ticket code; with ``lock`` (inside a
    write) no other transaction changes the case until this one ends (PostgreSQL: FOR UPDATE;
    SQLite serialises writers already).

    ``extra`` adds named subquery columns read in the same round trip (e.g. printing reads the
    case's existing letter with it); they become attributes of ``record.row``.

    Raises:
        DeskError: no such case in this office.
    """
    extra = {"ticket_code": Ticket.select(Ticket.code).where(Ticket.id == Case.ticket), **people_columns(ctx),
             **(extra or {})}
    columns = [subquery.alias(name) for name, subquery in extra.items()]
    query = (Case.select(Case, Applicant, *columns).join(Applicant)
             .where((Case.id == case_id) & (Case.office == ctx.office_id)))
    if lock and ctx.postgres:
        query = query.for_update(of=Case)
    row = query.first()
    if row is None:
        raise DeskError(f"Berkas nomor {case_id} tidak ditemukan.")
    code = getattr(row, "ticket_code", None) or ""
    return CaseRecord(row=row, applicant=row.applicant, ticket_code=code)


def load_bundle(ctx: Context, record: CaseRecord) -> CaseRecord:
    """Fill in a case's answers, step runs and documents (one query: three parts in columns of
    one shape, ``kind, s1..s5, n, t1..t3``)."""
    p = ctx.db.param
    sql = (
        "SELECT 'a', a.item_id, a.note, NULL, NULL, NULL, CAST(a.received AS INTEGER), NULL, NULL, NULL "
        f"FROM checklist_answer a WHERE a.case_id = {p} "
        "UNION ALL "
        "SELECT 's', s1.full_name, s2.full_name, CAST(r.round AS VARCHAR(12)), "
        "CAST(r.paused_seconds AS VARCHAR(12)), NULL, r.step_no, r.started_at, r.due_at, r.ended_at "
        "FROM step_run r LEFT JOIN staff s1 ON s1.id = r.started_by_id "
        "LEFT JOIN staff s2 ON s2.id = r.ended_by_id "
        f"WHERE r.case_id = {p} "
        "UNION ALL "
        "SELECT 'd', d.kind, d.title, d.path, d.number, d.verification_code, d.id, d.created_at, d.voided_at, NULL "
        f"FROM document d WHERE d.case_id = {p} AND d.path <> ''"
    )
    case_id = record.row.id
    answers: dict[str, tuple[bool, str]] = {}
    runs: list[dict[str, Any]] = []
    docs: list[DocumentInfo] = []
    for kind, s1, s2, s3, s4, s5, n, t1, t2, t3 in ctx.db.execute_sql(sql, (case_id, case_id, case_id)):
        if kind == "a":
            answers[s1] = (bool(n), s2 or "")
        elif kind == "s":
            runs.append({"step_no": n, "started_by": s1 or "", "ended_by": s2 or "",
                         "started_at": ctx.local(t1), "due_at": ctx.local(t2), "ended_at": ctx.local(t3),
                         "round": int(s3 or 1), "paused_seconds": int(s4 or 0)})
        else:
            docs.append(DocumentInfo(id=n, kind=s1, title=s2, path=s3, created_at=ctx.local(t1),
                                     number=s4 or "", verification_code=s5 or "", case_id=case_id,
                                     voided_at=ctx.local(t2)))
    record.answers = answers
    record.runs = runs
    record.documents = sorted(docs, key=lambda d: d.id)
    return record


def case_detail(ctx: Context, record: CaseRecord) -> CaseDetail:
    """Everything the screens show about a case, from a loaded record."""
    row = record.row
    svc = ctx.service_by_row(row.service_id)
    if svc is None:
        raise DeskError("Layanan berkas ini tidak ada lagi di katalog kantor.")
    conditions = json.loads(row.conditions or "{}")
    required_ids = {it.id for it in svc.required_items(conditions)}
    checklist = tuple(
        ChecklistLine(
            item_id=it.id, text=it.text, kind=it.kind, required=it.id in required_ids,
            received=record.answers.get(it.id, (False, ""))[0],
            note=record.answers.get(it.id, (False, ""))[1],
            condition=it.condition, per_member=it.per_member, group=it.group,
        )
        for it in svc.persyaratan
    )
    applicant = applicant_info(ctx, record.applicant, row.applicant_data)
    chosen = {it.group for it in svc.persyaratan if it.group and it.applies(conditions)}
    chosen |= {c.group for c in svc.conditions if getattr(c, "group", "") and conditions.get(c.id)}
    region = region_kind(ctx.settings.name, ctx.settings.kabupaten)
    facts = {"age": applicant.age, "sex": applicant.sex, "kabupaten": applicant.kabupaten,
             "member_count": row.member_count, "chosen_groups": chosen, "region": region}
    warnings = tuple(check_eligibility(svc, **facts))
    people = people_fields(ctx, svc, row)
    criteria = tuple(CriterionLine(id=c.criterion.id, text=c.criterion.text, status=c.status,
                                   detail=c.detail, group=c.criterion.group)
                     for c in assess(svc, **facts))
    # persons the service needs but the case lacks (a role under its minimum, a group under its
    # size) count as unmet criteria: going on needs the officer's reason; organisation data its
    # documents name is listed for the officer to check
    criteria += tuple(CriterionLine(id=f"orang:{i}", text=problem, status="tidak_memenuhi", detail=problem)
                      for i, problem in enumerate(people_problems(svc, people["people"], False,
                                                                  row.member_count), 1))
    criteria += tuple(CriterionLine(id=f"lembaga:{i}", text=problem, detail=problem if unmet else "",
                                    status="tidak_memenuhi" if unmet else "diperiksa_petugas")
                      for i, (problem, unmet) in enumerate(organisation_problems(svc, people["organisation"]), 1))
    criteria += tuple(CriterionLine(id=f"anggota:{i}", text=problem, status="tidak_memenuhi", detail=problem)
                      for i, problem in enumerate(member_warnings(
                          svc, [(p.name, p.age) for p in people["people"] if p.role in MEMBER_ROLES]), 1))
    return CaseDetail(
        id=row.id, status=row.status, status_label=CASE_STATUSES.get(row.status, row.status),
        service=service_info(svc), applicant=applicant, created_at=ctx.local(row.created_at),
        register_no=row.register_no or "", ticket_code=record.ticket_code, member_count=row.member_count,
        outcome=row.outcome or "", complete_at=ctx.local(row.complete_at), due_at=ctx.local(row.due_at),
        checklist=checklist,
        conditions=tuple(ConditionLine(id=c.id, question=c.question, value=bool(conditions.get(c.id, False)))
                         for c in svc.conditions),
        steps=step_lines(svc, record.runs, ctx.calendar if record.runs else None,
                         ctx.settings.calendar.warn_share), documents=tuple(record.documents), warnings=warnings,
        criteria=criteria, decision_note=row.decision_note or "",
        resume_step=row.resume_step, paused_at=ctx.local(row.paused_at),
        **people,
    )


def step_lines(svc: CatalogService, runs: list[dict[str, Any]], calendar: WorkCalendar | None = None,
               warn_share: float = 0.8) -> tuple[StepLine, ...]:
    """The service's SOP steps with their runs.

    Args:
        svc: The service.
        runs: The case's step runs (latest round of each step shows).
        calendar: The office's working calendar: each run gets its clock against the step's
            mutu baku (StepLine.share), from its start (and sittings) to its due time as stored.
        warn_share: The share at which a running step's timer turns to the warning colour.
    """
    by_no = {r["step_no"]: r for r in sorted(runs, key=lambda r: (r["step_no"], r.get("round", 1)))}
    reached = max(by_no, default=0)
    lines = []
    for st in svc.steps:
        run = by_no.get(st.no)
        decision = decision_after(svc, st.no)
        started = run["started_at"] if run else None
        ended = run["ended_at"] if run else None
        due = run["due_at"] if run else None
        clock = None
        if calendar is not None and run is not None and st.waktu is not None and started is not None:
            clock = calendar.run_clock(started, st.waktu, paused_seconds=run.get("paused_seconds", 0),
                                       ended=ended, due=due)
        if run is None:  # a later step ran: a branch went past this one
            status = "dilewati" if st.no < reached else "belum"
        else:
            status = "berjalan" if ended is None else "selesai"
        yes = decision.branch(True) if decision else None
        no = decision.branch(False) if decision else None
        lines.append(StepLine(
            no=st.no, uraian=st.uraian, pelaksana=", ".join(st.pelaksana),
            waktu_label=st.waktu.label() if st.waktu else "", output=st.output, loket=st.loket,
            status=status, started_at=started, ended_at=ended, due_at=due,
            standard_seconds=int((due - started).total_seconds()) if (due and started) else None,
            started_by=run["started_by"] if run else "", ended_by=run["ended_by"] if run and ended else "",
            decision_question=decision.question if decision else "",
            decision_yes=decision.yes if decision else "",
            decision_no=decision.no if decision else "",
            decision_yes_action=(yes.action, yes.to_step, yes.text, yes.pause) if yes else ("lanjut", None, "", False),
            decision_no_action=(no.action, no.to_step, no.text, no.pause) if no else ("tolak", None, "", False),
            round=run.get("round", 1) if run else 1, paused_seconds=run.get("paused_seconds", 0) if run else 0,
            clock=clock, warn_share=warn_share,
        ))
    return tuple(lines)


def decision_after(svc: CatalogService, step_no: int):
    """The syarat / kelayakan decision that follows ``step_no``, if any (kelengkapan is decided
    at the counter)."""
    for decision in svc.decisions:
        if decision.after_step == step_no and decision.kind != "kelengkapan":
            return decision
    return None
