"""The facade's read side for supervisors: counts, figures per staff member and per step, queue
statistics, the dashboard, the lists of steps due soon and overdue, and rebuilding the step
summaries. A mixin of :class:`models.desk.DeskService` (which holds ``self.ctx``); every method
only delegates to a capability module, session first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models import queuestats, reports
from models.dashdto import Dashboard, DeadlineList, OfficeChoice
from models.dto import SessionInfo
from models.kernel import Context
from models.officedto import StaffFigures, StepFigures
from models.queuedto import QueueStats


class ReportsMixin:
    """Reports, the dashboard and the deadline lists (``self.ctx`` is the desk's Context)."""

    ctx: Context

    def counts(self, session: SessionInfo) -> dict[str, int]:
        """Row counts of the office."""
        return reports.counts(self.ctx, session)

    def staff_figures(self, session: SessionInfo, since: dt.date, until: dt.date,
                      office_id: int | None = None) -> list[StaffFigures]:
        """What each staff member of an office (default: the session's) did in a period
        (supervisors)."""
        return reports.staff_figures(self.ctx, session, since, until, office_id)

    def step_figures(self, session: SessionInfo, since: dt.date, until: dt.date,
                     office_id: int | None = None) -> list[StepFigures]:
        """Step timing per service and step of an office in a period."""
        return reports.step_figures(self.ctx, session, since, until, office_id)

    def queue_stats(self, session: SessionInfo, since: dt.date, until: dt.date,
                    office_id: int | None = None) -> QueueStats:
        """Queue statistics of an office (default: the session's) for its local days [since,
        until]: per line, loket, hour of day."""
        return queuestats.queue_stats(self.ctx, session, since, until, office_id)

    def dashboard(self, session: SessionInfo, since: dt.date, until: dt.date,
                  office_id: int | None = None) -> Dashboard:
        """The supervisors' dashboard of an office (default: the session's) for the office-local
        days [since, until]: step timing per service and step, per day, the queue now, staff."""
        from models import dashboard

        return dashboard.dashboard(self.ctx, session, since, until, office_id)

    def export_performance(self, session: SessionInfo, since: dt.date, until: dt.date, fmt: str = "pdf",
                           office_id: int | None = None, path: str | Path | None = None) -> Path:
        """Write the Laporan Kinerja Pelayanan of an office for [since, until]: ``fmt`` "pdf"
        (the report), "csv" or "xlsx" (its tables); default path under the output dir's
        ``laporan/``. Recorded in the audit trail; returns the file's path."""
        from models import kinerja

        return kinerja.export_performance(self.ctx, session, since, until, fmt, office_id, path)

    def offices(self, session: SessionInfo) -> list[OfficeChoice]:
        """The offices on this database the session may look at, its own first: every office
        for supervisors and pimpinan of a main office, else its own (models.office)."""
        from models import office

        return office.offices(self.ctx, session)

    def deadlines(self, session: SessionInfo, role: str = "", bidang: str = "",
                  office_id: int | None = None) -> DeadlineList:
        """Running steps and cases of an office (default: the session's) near (segera jatuh
        tempo) or past (terlambat) their due time, most urgent first; ``role`` filters by the
        step's pelaksana, ``bidang`` by the service's."""
        from models import deadlines

        return deadlines.deadlines(self.ctx, session, role, bidang, office_id)

    def rebuild_stats(self, session: SessionInfo) -> int:
        """Recompute the office's step-timing summaries from its step runs and cases.

        Returns:
            Number of ended step runs and finished cases counted.
        """
        from models import stepstats

        return stepstats.rebuild(self.ctx, session)
