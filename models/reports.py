"""The read side for supervisors and the command line: counts now, figures per staff member,
step timing per service and step. Every query reads an index of its table by office and time.
"""

from __future__ import annotations

import datetime as dt

from peewee import Case as SqlCase
from peewee import fn

from models.dto import SessionInfo
from models.kernel import Context
from models.office import check_office, office_scope
from models.officedto import StaffFigures, StepFigures
from models.permissions import Permission
from models.tables import AuditLog, Case, Document, Staff, StepRun, Ticket

#: Audit actions counted per staff member, and the figure they count toward.
_STAFF_ACTIONS = {
    "panggil": "tickets_called",
    "buka_berkas": "cases_opened",
    "lengkap": "decisions",
    "tidak_lengkap": "decisions",
    "selesai_langkah": "steps_finished",
    "cetak": "documents",
}


def counts(ctx: Context, session: SessionInfo) -> dict[str, int]:
    """Row counts of the office (for `desk status`)."""

    def body() -> dict[str, int]:
        office = Case.office == ctx.office_id
        return {
            "tiket_hari_ini": Ticket.select().where((Ticket.office == ctx.office_id) & (Ticket.day == ctx.today())).count(),
            "berkas": Case.select().where(office).count(),
            "menunggu_berkas": Case.select().where(office & (Case.status == "menunggu_berkas")).count(),
            "diproses": Case.select().where(office & (Case.status == "diproses")).count(),
            "petugas": Staff.select().where(Staff.office == ctx.office_id).count(),
            "dokumen": Document.select().where(Document.office == ctx.office_id).count(),
        }

    return ctx.read(session, Permission.REPORT_OFFICE, body)


def staff_figures(ctx: Context, session: SessionInfo, since: dt.date, until: dt.date,
                  office_id: int | None = None) -> list[StaffFigures]:
    """What each staff member of an office (default: the session's) did in its local days
    [since, until] (supervisors and above only)."""
    target = check_office(ctx, session, office_id)

    def body() -> list[StaffFigures]:
        start, end = office_scope(ctx, target).day_bounds(since, until)
        rows = (AuditLog.select(AuditLog.staff, AuditLog.action, fn.COUNT(AuditLog.id))
                .where((AuditLog.office_id == target) & (AuditLog.at >= start) & (AuditLog.at < end)
                       & AuditLog.staff.is_null(False) & AuditLog.action.in_(list(_STAFF_ACTIONS)))
                .group_by(AuditLog.staff, AuditLog.action).tuples())
        figures: dict[int, dict[str, int]] = {}
        for staff_id, action, count in rows:
            key = _STAFF_ACTIONS[action]
            figures.setdefault(staff_id, {}).setdefault(key, 0)
            figures[staff_id][key] += count
        people = (Staff.select(Staff.id, Staff.username, Staff.full_name)
                  .where(Staff.office == target).order_by(Staff.full_name))
        return [
            StaffFigures(staff_id=p.id, username=p.username, full_name=p.full_name,
                         **{k: figures.get(p.id, {}).get(k, 0) for k in set(_STAFF_ACTIONS.values())})
            for p in people
        ]

    return ctx.read(session, Permission.REPORT_STAFF, body)


def step_figures(ctx: Context, session: SessionInfo, since: dt.date, until: dt.date,
                 office_id: int | None = None) -> list[StepFigures]:
    """Per service and SOP step of an office (default: the session's): runs started in its
    local days [since, until], done, running, mean duration of the done ones, and how many of
    those with a mutu baku ended within it."""
    target = check_office(ctx, session, office_id)
    if ctx.postgres:
        seconds = fn.date_part("epoch", StepRun.ended_at - StepRun.started_at)
    else:
        seconds = (fn.julianday(StepRun.ended_at) - fn.julianday(StepRun.started_at)) * 86400

    def body() -> list[StepFigures]:
        out: list[StepFigures] = []
        scope = office_scope(ctx, target)
        start, end = scope.day_bounds(since, until)
        ids = sorted(scope.service_codes)
        if not ids:
            return out
        in_time = SqlCase(None, [((StepRun.ended_at.is_null(False)) & (StepRun.due_at.is_null(False))
                                  & (StepRun.ended_at <= StepRun.due_at), 1)], 0)
        has_due = SqlCase(None, [((StepRun.ended_at.is_null(False)) & (StepRun.due_at.is_null(False)), 1)], 0)
        rows = (StepRun.select(StepRun.service_id, StepRun.step_no, fn.COUNT(StepRun.id),
                               fn.COUNT(StepRun.ended_at), fn.AVG(seconds), fn.SUM(in_time), fn.SUM(has_due))
                .where(StepRun.service_id.in_(ids) & (StepRun.started_at >= start) & (StepRun.started_at < end))
                .group_by(StepRun.service_id, StepRun.step_no)
                .order_by(StepRun.service_id, StepRun.step_no).tuples())
        for service_id, step_no, started, done, mean, in_standard, with_standard in rows:
            out.append(StepFigures(
                service_code=scope.service_codes.get(service_id, "?"), step_no=step_no, started=started, done=done,
                running=started - done, mean_seconds=float(mean) if mean is not None else None,
                within_standard=int(in_standard or 0), with_standard=int(with_standard or 0)))
        return out

    return ctx.read(session, Permission.REPORT_OFFICE, body)
