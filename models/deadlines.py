"""The lists of steps due soon (segera jatuh tempo) and overdue (terlambat): running SOP steps
whose mutu baku is used up to the office's warning share or past it, and cases in progress whose
jangka waktu is, most urgent first; narrowed by role (the step's pelaksana) and bidang.

The running steps are found through the partial index of open step runs (migration 0013); each
one's share is measured on the office's working calendar (office hours for menit, jam and hari
kerja), so a step due on Monday morning is not late over the weekend.
"""

from __future__ import annotations

import json

from models.dashdto import DeadlineItem, DeadlineList
from models.dto import SessionInfo
from models.kernel import Context
from models.permissions import Permission
from models.tables import Applicant, Case, StepRun

#: What a case's jangka waktu is called in the lists.
CASE_LABEL = "Jangka waktu layanan"
SOON, LATE = "segera", "terlambat"


def _name(snapshot: str, name: str, org_name: str) -> str:
    """The applicant's name as entered for the case (its snapshot), as the screens show it."""
    if snapshot:
        stored = json.loads(snapshot)
        name, org_name = stored.get("name", name), stored.get("org_name", org_name)
    return f"{org_name} (u.p. {name})" if org_name else name


def _matches(value: str, wanted: str) -> bool:
    return " ".join(value.split()).casefold() == " ".join(wanted.split()).casefold()


def deadlines(ctx: Context, session: SessionInfo, role: str = "", bidang: str = "") -> DeadlineList:
    """Running steps and cases in progress of the office at or past the warning share of their
    mutu baku / jangka waktu (``settings.calendar.warn_share``), most urgent first.

    Args:
        role: Only steps whose pelaksana is this role ("Kepala Bidang"); a case's jangka waktu
            belongs to no one role, so it is left out when a role is chosen.
        bidang: Only services of this bidang.

    Returns:
        The list, with the roles and bidang present (before narrowing) as filter choices.
    """
    warn = ctx.settings.calendar.warn_share

    def body() -> DeadlineList:
        moment = ctx.now()
        cal = ctx.calendar
        runs = (StepRun.select(StepRun.case, StepRun.service_id, StepRun.step_no, StepRun.started_at,
                               StepRun.due_at, StepRun.paused_seconds, Case.register_no, Case.applicant_data,
                               Applicant.name, Applicant.org_name)
                .join(Case, on=(StepRun.case == Case.id)).join(Applicant, on=(Case.applicant == Applicant.id))
                .where((StepRun.office_id == ctx.office_id) & StepRun.ended_at.is_null()
                       & StepRun.due_at.is_null(False) & (Case.status == "diproses")).tuples())
        items: list[DeadlineItem] = []
        for case_id, service_id, step_no, started, due, paused, register_no, snapshot, name, org in runs:
            svc = ctx.service_by_row(service_id)
            if svc is None or not any(s.no == step_no for s in svc.steps):
                continue
            step = svc.step(step_no)
            if step.waktu is None:
                continue
            clock = cal.run_clock(ctx.local(started), step.waktu, paused_seconds=int(paused or 0),
                                  due=ctx.local(due))
            share = cal.share(clock, moment)
            if share >= warn or moment > clock.due:
                items.append(DeadlineItem(
                    case_id=case_id, register_no=register_no or "", applicant_name=_name(snapshot, name, org),
                    service_code=svc.code, service_name=svc.short_name or svc.name, bidang=svc.bidang,
                    step_no=step_no, uraian=step.uraian, pelaksana=tuple(step.pelaksana),
                    started_at=ctx.local(started), due_at=clock.due, share=share,
                    state=LATE if moment > clock.due else SOON))
        cases = (Case.select(Case.id, Case.service, Case.complete_at, Case.due_at, Case.register_no,
                             Case.applicant_data, Applicant.name, Applicant.org_name)
                 .join(Applicant, on=(Case.applicant == Applicant.id))
                 .where((Case.office == ctx.office_id) & (Case.status == "diproses") & Case.due_at.is_null(False)
                        & Case.complete_at.is_null(False)).tuples())
        for case_id, service_id, complete, due, register_no, snapshot, name, org in cases:
            svc = ctx.service_by_row(service_id)
            if svc is None or svc.jangka_waktu is None:
                continue
            clock = cal.clock(ctx.local(complete), svc.jangka_waktu, ctx.local(due))
            share = cal.share(clock, moment)
            if share >= warn or moment > clock.due:
                items.append(DeadlineItem(
                    case_id=case_id, register_no=register_no or "", applicant_name=_name(snapshot, name, org),
                    service_code=svc.code, service_name=svc.short_name or svc.name, bidang=svc.bidang,
                    step_no=0, uraian=CASE_LABEL, pelaksana=(), started_at=ctx.local(complete),
                    due_at=clock.due, share=share, state=LATE if moment > clock.due else SOON))
        roles = sorted({p for item in items for p in item.pelaksana}, key=str.casefold)
        fields = sorted({item.bidang for item in items if item.bidang}, key=str.casefold)
        if bidang:
            items = [i for i in items if _matches(i.bidang, bidang)]
        if role:
            items = [i for i in items if any(_matches(p, role) for p in i.pelaksana)]
        items.sort(key=lambda i: (-i.share, i.due_at, i.case_id, i.step_no))
        return DeadlineList(items=tuple(items), computed_at=moment, warn_share=warn, roles=tuple(roles),
                            bidang=tuple(fields), role=role, bidang_filter=bidang)

    return ctx.read(session, Permission.CASE_VIEW, body)
