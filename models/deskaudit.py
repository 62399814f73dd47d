"""The facade's audit-trail calls: the trail read back by person, staff member, case, period
and office, and a case's full NIK shown on purpose (recorded). A mixin of
:class:`models.desk.DeskService` (which holds ``self.ctx``); every method only delegates to
:mod:`models.auditview`, session first.
"""

from __future__ import annotations

import datetime as dt

from models import auditview
from models.auditview import AuditPage, AuditQuery
from models.dto import SessionInfo
from models.kernel import Context


class AuditMixin:
    """The audit trail (``self.ctx`` is the desk's Context)."""

    ctx: Context

    def audit_trail(self, session: SessionInfo, query: AuditQuery, *, limit: int = 50,
                    after: tuple[dt.datetime, int] | None = None, record: bool = True) -> AuditPage:
        """A page of an office's audit trail matching ``query``, newest first; pass the page's
        ``cursor`` as ``after`` for the next one (with ``record`` False: the query is recorded
        once, as ``lihat_audit``)."""
        return auditview.audit_trail(self.ctx, session, query, limit=limit, after=after, record=record)

    def reveal_nik(self, session: SessionInfo, case_id: int, *, person_id: int | None = None,
                   context: str = "tampilkan NIK") -> str:
        """The full NIK of a case's applicant (or of one of its people), recorded as seen
        (``lihat_nik`` with ``context``)."""
        return auditview.reveal_nik(self.ctx, session, case_id, person_id=person_id, context=context)
