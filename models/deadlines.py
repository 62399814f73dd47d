"""The lists of steps due soon (segera jatuh tempo) and overdue (terlambat): running SOP steps
whose mutu baku is used up to the office's warning share or past it, and cases in progress whose
jangka waktu is, most urgent first; narrowed by role (the step's pelaksana) and bidang.

The running steps are found through the partial index of open step runs (migration 0013); each
one's share is measured on the office's working calendar (office hours for menit, jam and hari
kerja), so a step due on Monday morning is not late over the weekend.

A supervisor of a main office may read another office's list (models.office.check_office): its
times are in that office's time zone, measured on its calendar (models.office.OfficeScope); a
service of that office's own catalog folder, unknown to this desk, is measured in wall-clock time
from its start to the due time that office's desk stored.
"""

from __future__ import annotations

import datetime as dt
import json

from models import worktime
from models.dashdto import DeadlineItem, DeadlineList
from models.dto import SessionInfo
from models.kernel import Context
from models.office import OfficeScope, check_office, office_scope
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


def _wall_clock(start: dt.datetime, due: dt.datetime) -> worktime.Clock:
    """A clock from ``start`` to a stored due time, measured in wall-clock time (a service whose
    definition this desk does not have)."""
    return worktime.Clock(start=start, due=due, amount=max(0.0, (due - start).total_seconds()), working=False)


def deadlines(ctx: Context, session: SessionInfo, role: str = "", bidang: str = "",
              office_id: int | None = None) -> DeadlineList:
    """Running steps and cases in progress of an office (default: the session's) at or past the
    warning share of their mutu baku / jangka waktu (``settings.calendar.warn_share``), most
    urgent first.

    Args:
        role: Only steps whose pelaksana is this role ("Kepala Bidang"); a case's jangka waktu
            belongs to no one role, so it is left out when a role is chosen.
        bidang: Only services of this bidang.
        office_id: Another office on the database (supervisors of a main office).

    Returns:
        The list, with the roles and bidang present (before narrowing) as filter choices.

    Raises:
        PermissionDenied: another office the session may not look at.
    """
    warn = ctx.settings.calendar.warn_share
    target = check_office(ctx, session, office_id)

    def body() -> DeadlineList:
        scope: OfficeScope = office_scope(ctx, target)
        moment = scope.now(ctx)
        cal = scope.calendar
        runs = (StepRun.select(StepRun.case, StepRun.service_id, StepRun.step_no, StepRun.started_at,
                               StepRun.due_at, StepRun.paused_seconds, Case.register_no, Case.applicant_data,
                               Applicant.name, Applicant.org_name)
                .join(Case, on=(StepRun.case == Case.id)).join(Applicant, on=(Case.applicant == Applicant.id))
                .where((StepRun.office_id == target) & StepRun.ended_at.is_null()
                       & StepRun.due_at.is_null(False) & (Case.status == "diproses")).tuples())
        items: list[DeadlineItem] = []
        for case_id, service_id, step_no, started, due, paused, register_no, snapshot, name, org in runs:
            svc = scope.services.get(service_id)
            if svc is None and not scope.own and service_id in scope.service_names:
                # a service of the other office's own catalog folder: its stored due time
                begun = scope.local(started) + dt.timedelta(seconds=int(paused or 0))
                clock = _wall_clock(begun, scope.local(due))
                share = clock.share(moment)
                if share >= warn or moment > clock.due:
                    items.append(_unknown_item(scope, service_id, case_id, step_no, register_no,
                                               _name(snapshot, name, org), scope.local(started), clock, share,
                                               moment))
                continue
            if svc is None or not any(s.no == step_no for s in svc.steps):
                continue
            step = svc.step(step_no)
            if step.waktu is None:
                continue
            clock = cal.run_clock(scope.local(started), step.waktu, paused_seconds=int(paused or 0),
                                  due=scope.local(due))
            share = cal.share(clock, moment)
            if share >= warn or moment > clock.due:
                items.append(DeadlineItem(
                    case_id=case_id, register_no=register_no or "", applicant_name=_name(snapshot, name, org),
                    service_code=svc.code, service_name=svc.short_name or svc.name, bidang=svc.bidang,
                    step_no=step_no, uraian=step.uraian, pelaksana=tuple(step.pelaksana),
                    started_at=scope.local(started), due_at=clock.due, share=share,
                    state=LATE if moment > clock.due else SOON))
        cases = (Case.select(Case.id, Case.service, Case.complete_at, Case.due_at, Case.register_no,
                             Case.applicant_data, Applicant.name, Applicant.org_name)
                 .join(Applicant, on=(Case.applicant == Applicant.id))
                 .where((Case.office == target) & (Case.status == "diproses") & Case.due_at.is_null(False)
                        & Case.complete_at.is_null(False)).tuples())
        for case_id, service_id, complete, due, register_no, snapshot, name, org in cases:
            svc = scope.services.get(service_id)
            if svc is None and not scope.own and service_id in scope.service_names:
                clock = _wall_clock(scope.local(complete), scope.local(due))
                share = clock.share(moment)
                if share >= warn or moment > clock.due:
                    items.append(_unknown_item(scope, service_id, case_id, 0, register_no,
                                               _name(snapshot, name, org), scope.local(complete), clock, share,
                                               moment))
                continue
            if svc is None or svc.jangka_waktu is None:
                continue
            clock = cal.clock(scope.local(complete), svc.jangka_waktu, scope.local(due))
            share = cal.share(clock, moment)
            if share >= warn or moment > clock.due:
                items.append(DeadlineItem(
                    case_id=case_id, register_no=register_no or "", applicant_name=_name(snapshot, name, org),
                    service_code=svc.code, service_name=svc.short_name or svc.name, bidang=svc.bidang,
                    step_no=0, uraian=CASE_LABEL, pelaksana=(), started_at=scope.local(complete),
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


def _unknown_item(scope: OfficeScope, service_id: int, case_id: int, step_no: int, register_no: str | None,
                  name: str, started: dt.datetime, clock: worktime.Clock, share: float,
                  moment: dt.datetime) -> DeadlineItem:
    """An item of another office's service this desk's catalog does not have."""
    service_name = scope.service_names.get(service_id, "")
    return DeadlineItem(
        case_id=case_id, register_no=register_no or "", applicant_name=name,
        service_code=scope.service_codes.get(service_id, ""),
        service_name=service_name, bidang="", step_no=step_no,
        uraian=CASE_LABEL if step_no == 0 else "(uraian ada di katalog kantor itu)", pelaksana=(),
        started_at=started, due_at=clock.due, share=share, state=LATE if moment > clock.due else SOON)
