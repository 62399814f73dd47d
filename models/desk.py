"""The domain facade: what the screens and the command line call.

A thin layer over the capability modules (queue, intake, cases, steps, documents, search,
reports, staff, office), which all stand on :mod:`models.kernel`. Every call takes the session
first and checks a permission in the domain; calls that are anonymous by nature take a machine
principal from :meth:`DeskService.principal` ("kiosk", "papan", "publik", "sistem").
Every change is one committed transaction; results are plain dataclasses from
:mod:`models.dto`; user-facing errors are :class:`models.dto.DeskError` in Indonesian.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from forms.catalog import Catalog
from models import (
    cases,
    counterops,
    documents,
    events,
    intake,
    issuing,
    notices,
    office,
    outcomes,
    queue,
    queueboard,
    search,
    staff,
    steps,
    verification,
)
from models import db as dbmod
from models.casedto import DocumentChoice
from models.dto import (
    ApplicantInfo,
    ApplicantInput,
    CaseDetail,
    CaseSummary,
    CounterInfo,
    DecisionResult,
    DocumentInfo,
    ItemSaved,
    SessionInfo,
    TicketInfo,
    VerifiedLetter,
)
from models.kernel import Context
from models.deskcalendar import CalendarMixin
from models.deskreports import ReportsMixin
from models.deskaudit import AuditMixin
from models.deskstaff import StaffAdminMixin
from models.officedto import OfficeInfo
from models.permissions import machine_session
from models.queuedto import BoardState, QueueLineInfo
from models.settings import OfficeSettings


class DeskService(ReportsMixin, CalendarMixin, StaffAdminMixin, AuditMixin):
    """The desk's domain services over one database, one catalog and one office.

    Args:
        db_url: Database URL (``sqlite:////path`` or ``postgresql://...``).
        catalog: The service catalog.
        settings: The office's settings.
        output_dir: Where PDFs are written.
        clock: Returns the current aware time (tests pass a fixed clock).
    """

    def __init__(self, db_url: str, *, catalog: Catalog, settings: OfficeSettings | None = None,
                 output_dir: Path, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db_url = db_url
        self.ctx = Context(dbmod.make_database(db_url), catalog, settings or OfficeSettings(), Path(output_dir),
                           clock)
        self.office: OfficeInfo | None = None

    @property
    def db(self):
        """The (pooled) database."""
        return self.ctx.db

    @property
    def catalog(self) -> Catalog:
        """The service catalog."""
        return self.ctx.catalog

    @property
    def settings(self) -> OfficeSettings:
        """The office settings."""
        return self.ctx.settings

    @settings.setter
    def settings(self, value: OfficeSettings) -> None:
        self.ctx.settings = value
        self.ctx.tz = ZoneInfo(value.timezone)

    @property
    def office_id(self) -> int:
        """The office's row id (after :meth:`open`)."""
        return self.ctx.office_id

    # -- set-up (the process starting: anonymous by nature) ----------------------------------------

    def open(self) -> list[str]:
        """Connect, apply pending migrations, sync the office and the catalog, prune old events.

        Returns:
            Names of the migrations applied now.
        """
        dbmod.bind(self.ctx.db)
        with self.ctx.connection():
            applied = dbmod.migrate(self.ctx.db)
            dbmod.ensure_name_index(self.ctx.db)
            dbmod.optimize(self.ctx.db)
        office.open_office(self.ctx)
        events.prune(self.ctx)
        self.office = office.office_info(self.ctx)
        return applied

    def warm_up(self, *, calendar_and_pdf: bool = True) -> None:
        """Render letters a killed desk numbered but never rendered, and (``calendar_and_pdf``)
        load what the first decision and the first PDF would otherwise wait for: the holiday
        calendar and fpdf2 with its fonts, 50 MiB (the kiosk at start, a desk at its first case)."""
        if calendar_and_pdf:
            steps.prepare(self.ctx)
            documents.warm()
        issuing.recover_letters(self.ctx)

    def principal(self, role: str) -> SessionInfo:
        """A machine principal for calls anonymous by nature: "kiosk" (ticket machine), "papan"
        (waiting-room board), "publik" (letter verification), "sistem" (command line)."""
        return machine_session(role, self.ctx.office_id, self.ctx.settings.name, self.ctx.settings.timezone)

    def office_info(self) -> OfficeInfo:
        """The office, its loket and services (reference data, read again)."""
        self.office = office.office_info(self.ctx)
        return self.office

    def office_name(self) -> str:
        """The office's name."""
        return self.ctx.settings.name

    def counters(self) -> list[CounterInfo]:
        """The office's active loket."""
        return list(self.office_info().counters)

    def now(self) -> dt.datetime:
        """The current time in the office's time zone."""
        return self.ctx.now()

    def event_feed(self, after: int | None = None) -> events.EventFeed:
        """A feed of events committed by any desk of this office (see models.events)."""
        return events.EventFeed(self.ctx, after)

    # -- staff and sessions -----------------------------------------------------------------------

    def add_staff(self, session: SessionInfo, username: str, full_name: str, password: str,
                  role: str = "petugas", nip: str = "") -> int:
        """Create a staff account of this office (or reset its password)."""
        return staff.add_staff(self.ctx, session, username, full_name, password, role, nip)

    def login(self, username: str, password: str, counter_no: int | None) -> SessionInfo:
        """Check credentials and open a session at a loket (the credentials are the permission)."""
        return staff.login(self.ctx, username, password, counter_no)

    def logout(self, session: SessionInfo) -> None:
        """Record that the staff member signed out."""
        staff.logout(self.ctx, session)

    def staff_count(self, session: SessionInfo) -> int:
        """Number of staff accounts of the office."""
        return staff.staff_count(self.ctx, session)

    def all_counters(self, session: SessionInfo) -> list[CounterInfo]:
        """Every loket of the office, closed ones too."""
        return office.all_counters(self.ctx, session)

    def rename_counter(self, session: SessionInfo, number: int, name: str = "", active: bool | None = None,
                       lines: str | None = None) -> CounterInfo:
        """Name a loket, open or close it, set the queue lines it calls from (office settings)."""
        return office.rename_counter(self.ctx, session, number, name, active, lines)

    # -- queue ------------------------------------------------------------------------------------

    def issue_ticket(self, session: SessionInfo, service_code: str, priority: bool = False,
                     priority_kind: str = "") -> TicketInfo:
        """Issue the next ticket of the day for a service (priority_kind: lansia, disabilitas,
        hamil, anak)."""
        return queue.issue_ticket(self.ctx, session, service_code, priority, priority_kind)

    def print_ticket(self, session: SessionInfo, ticket_id: int) -> DocumentInfo:
        """Render the ticket PDF, record it, print it."""
        return documents.print_ticket(self.ctx, session, ticket_id)

    def queue(self, session: SessionInfo) -> list[TicketInfo]:
        """This loket's tickets, then the waiting ones in the order it would call them."""
        return queue.queue(self.ctx, session)

    def queue_lines(self, session: SessionInfo) -> list[QueueLineInfo]:
        """The office's queue lines with waiting counts and the wait for a ticket taken now."""
        return queueboard.queue_lines(self.ctx, session)

    def board_state(self, session: SessionInfo) -> BoardState:
        """What the waiting-room board shows now."""
        return queueboard.board_state(self.ctx, session)

    def call_next(self, session: SessionInfo) -> TicketInfo | None:
        """Call the next waiting ticket to the session's loket (None when nobody waits)."""
        return queue.call_next(self.ctx, session)

    def find_ticket(self, session: SessionInfo, typed: str) -> TicketInfo:
        """Today's ticket with a typed number ("A-12", "a12", "12")."""
        return queue.find_ticket(self.ctx, session, typed)

    def call_ticket(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Call one ticket to this loket (out of turn, a parked one back, a returning one)."""
        return queue.call_ticket(self.ctx, session, ticket_id)

    def recall(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Call the same ticket again."""
        return counterops.recall(self.ctx, session, ticket_id)

    def skip_ticket(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Mark a called ticket tidak hadir."""
        return counterops.skip_ticket(self.ctx, session, ticket_id)

    def finish_ticket(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Finish the ticket being served."""
        return counterops.finish_ticket(self.ctx, session, ticket_id)

    def start_serving(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """The called applicant is at the loket: serving starts."""
        return counterops.start_serving(self.ctx, session, ticket_id)

    def park_ticket(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Park (tunda) the ticket at this loket."""
        return counterops.park_ticket(self.ctx, session, ticket_id)

    def transfer_ticket(self, session: SessionInfo, ticket_id: int, *, service_code: str = "",
                        counter_no: int | None = None, reason: str = "") -> TicketInfo:
        """Transfer a ticket to another service's line and/or to one loket (keeps its number)."""
        return counterops.transfer_ticket(self.ctx, session, ticket_id, service_code=service_code,
                                          counter_no=counter_no, reason=reason)

    # -- cases ------------------------------------------------------------------------------------

    def find_applicant(self, session: SessionInfo, nik: str) -> ApplicantInfo | None:
        """The applicant last recorded with this NIK (the look-up is audited)."""
        return intake.find_applicant(self.ctx, session, nik)

    def open_case(self, session: SessionInfo, service_code: str, applicant: ApplicantInput,
                  ticket_id: int | None = None) -> CaseDetail:
        """Record the applicant and open a case; a called ticket is now served."""
        return intake.open_case(self.ctx, session, service_code, applicant, ticket_id)

    def update_applicant(self, session: SessionInfo, case_id: int, applicant: ApplicantInput) -> CaseDetail:
        """Correct the applicant's data of a case (NIK locked; earlier cases untouched)."""
        return intake.update_applicant(self.ctx, session, case_id, applicant)

    def case(self, session: SessionInfo, case_id: int, *, record_view: bool = True) -> CaseDetail:
        """Everything about a case; opening it is audited unless ``record_view`` is False."""
        return cases.case(self.ctx, session, case_id, record_view=record_view)

    def set_item(self, session: SessionInfo, case_id: int, item_id: str, received: bool) -> ItemSaved:
        """Mark a persyaratan item received (or not); returns the committed answer."""
        return cases.set_item(self.ctx, session, case_id, item_id, received)

    def set_note(self, session: SessionInfo, case_id: int, item_id: str, note: str) -> ItemSaved:
        """Attach a note to a persyaratan item; returns the committed answer."""
        return cases.set_note(self.ctx, session, case_id, item_id, note)

    def set_condition(self, session: SessionInfo, case_id: int, condition_id: str, value: bool) -> CaseDetail:
        """Answer a condition question of the service."""
        return cases.set_condition(self.ctx, session, case_id, condition_id, value)

    def decide(self, session: SessionInfo, case_id: int, reason: str = "") -> DecisionResult:
        """Decide lengkap / tidak lengkap (register number and first step, or a slip); going on
        with doubtful criteria needs a reason."""
        return cases.decide(self.ctx, session, case_id, reason)

    def finish_step(self, session: SessionInfo, case_id: int, outcome: bool | None = None,
                    step_no: int | None = None, reason: str = "") -> CaseDetail:
        """End the running SOP step and go where the catalog's branch says."""
        return steps.finish_step(self.ctx, session, case_id, outcome, step_no, reason)

    def resume_case(self, session: SessionInfo, case_id: int) -> CaseDetail:
        """The applicant returned with the fix: the step the case went back to runs again."""
        return outcomes.resume_case(self.ctx, session, case_id)

    def refuse_case(self, session: SessionInfo, case_id: int, reason: str) -> CaseDetail:
        """End a case in verification as ditolak (criteria not met), with the reason."""
        return outcomes.refuse_case(self.ctx, session, case_id, reason)

    def reopen_case(self, session: SessionInfo, case_id: int, reason: str) -> CaseDetail:
        """A supervisor takes back an ended case, with a reason."""
        return outcomes.reopen_case(self.ctx, session, case_id, reason)

    def search(self, session: SessionInfo, query: str, limit: int = 50, *, record: bool = True) -> list[CaseSummary]:
        """Find cases by NIK, number, register or part of a name."""
        return search.search(self.ctx, session, query, limit, record=record)

    # -- documents --------------------------------------------------------------------------------

    def print_product(self, session: SessionInfo, case_id: int, kind: str | None = None) -> DocumentInfo:
        """Print the case's product (its letter: a KONSEP until it may be issued; or a tanda terima)
        or, with ``kind``, another of its documents (surat pengantar, disposisi, berita acara)."""
        return issuing.print_document(self.ctx, session, case_id, kind)

    def case_documents(self, session: SessionInfo, case_id: int) -> tuple[DocumentChoice, ...]:
        """The documents the case's service prints, with whether each can be issued now."""
        return issuing.case_documents(self.ctx, session, case_id)

    def print_notice(self, session: SessionInfo, case_id: int) -> DocumentInfo:
        """Print the surat pemberitahuan of a refused case (numbered once)."""
        return notices.print_notice(self.ctx, session, case_id)

    def verify_letter(self, session: SessionInfo, code: str) -> VerifiedLetter | None:
        """Check a letter by its verification code or QR URL (None: tidak dikenal)."""
        return verification.verify_letter(self.ctx, session, code)

    def verify_file(self, session: SessionInfo, path: str) -> VerifiedLetter | None:
        """Check a letter's PDF against what the office registered (None: tidak dikenal)."""
        return verification.verify_file(self.ctx, session, path)

    # -- reports: models.deskreports.ReportsMixin (counts, figures, dashboard, deadlines) ---------

    def close(self) -> None:
        """Close every pooled connection (end of the process or of a test)."""
        with contextlib.suppress(Exception):
            self.ctx.db.close_all()

    # -- registers and imports (issue 8) ----------------------------------------------------------
    def register_rows(self, session: SessionInfo, service_code: str | None, since: dt.date,
                      until: dt.date) -> list:
        """The register of a period (cases that got a register number), of one service or all."""
        from models import registers

        return registers.register_rows(self.ctx, session, service_code, since, until)

    def export_register(self, session: SessionInfo, service_code: str | None, since: dt.date, until: dt.date,
                        path: str | Path, fmt: str = "xlsx"):
        """Write the register of a period as CSV or XLSX (recorded in the audit trail)."""
        from models import registers

        return registers.export_register(self.ctx, session, service_code, since, until, path, fmt)

    def import_file(self, session: SessionInfo, service_code: str, path: str | Path, *, trial: bool = False):
        """Check a beneficiary list (CSV/XLSX) and import it whole, or report every bad row."""
        from models import imports

        return imports.import_file(self.ctx, session, service_code, path, trial=trial)

    # -- people in a case (issue 8) ---------------------------------------------------------------

    def case_people(self, session: SessionInfo, case_id: int):
        """The people of a case (roles, organisation, what is still missing)."""
        from models import persons

        return persons.case_people(self.ctx, session, case_id)

    def add_person(self, session: SessionInfo, case_id: int, person):
        """Record a person of a case in a role of its service (PersonInput)."""
        from models import persons

        return persons.add_person(self.ctx, session, case_id, person)

    def change_person(self, session: SessionInfo, case_id: int, person_id: int, person):
        """Correct a person of a case."""
        from models import persons

        return persons.change_person(self.ctx, session, case_id, person_id, person)

    def remove_person(self, session: SessionInfo, case_id: int, person_id: int):
        """Remove a person from a case."""
        from models import persons

        return persons.remove_person(self.ctx, session, case_id, person_id)

    def set_organisation(self, session: SessionInfo, case_id: int, organisation):
        """Record the organisation data of a case (OrganisationInput)."""
        from models import persons

        return persons.set_organisation(self.ctx, session, case_id, organisation)
