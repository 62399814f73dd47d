"""Plain data the domain services return to the screens and the CLI.

Screens never see peewee rows: every service function returns these frozen dataclasses.
Datetimes are timezone-aware and already in the office's local time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from models.errors import AuthError, DeskError, ValidationError  # noqa: F401 - re-exported

if TYPE_CHECKING:  # (parts of a case: models.casedto)
    from models.casedto import CriterionLine, OrganisationInfo, PersonLine

#: Case statuses and their Indonesian labels, in the order a case moves through them.
CASE_STATUSES: dict[str, str] = {
    "verifikasi": "Verifikasi berkas",
    "menunggu_berkas": "Menunggu kelengkapan berkas",
    "menunggu_perbaikan": "Menunggu perbaikan dari pemohon",
    "diproses": "Diproses",
    "selesai": "Selesai",
    "ditolak": "Ditolak",
    "batal": "Dibatalkan",
}

#: Ticket statuses and their Indonesian labels.
TICKET_STATUSES: dict[str, str] = {
    "menunggu": "Menunggu",
    "dipanggil": "Dipanggil",
    "dilayani": "Dilayani",
    "selesai": "Selesai",
    "lewat": "Tidak hadir",
    "ditunda": "Ditunda",
}


@dataclass(frozen=True)
class SessionInfo:
    """Who is logged in, at which office and loket; or, with ``staff_id`` None, a machine
    principal for calls that are anonymous by nature (kiosk, board, public, command line)."""

    staff_id: int | None
    username: str
    full_name: str
    role: str
    office_id: int
    office_name: str
    tz: str
    counter_id: int | None = None
    counter_no: int | None = None
    counter_name: str = ""


@dataclass(frozen=True)
class CounterInfo:
    """A loket of the office."""

    id: int
    number: int
    name: str
    #: Closed loket cannot be chosen at sign-in.
    active: bool = True
    #: Queue lines (prefixes) it calls from; empty = every line.
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeskEvent:
    """A change committed by some desk (see models.events for the kinds)."""

    id: int
    kind: str
    entity_id: int | None
    staff_id: int | None
    at: dt.datetime
    payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceInfo:
    """A jenis layanan as the screens need it (the full definition stays in the catalog)."""

    code: str
    name: str
    short_name: str
    prefix: str
    applicant_kind: str
    jangka_waktu: str
    has_letter: bool
    letter_title: str = ""


@dataclass(frozen=True)
class TicketInfo:
    """A queue ticket."""

    id: int
    code: str
    number: int
    service_code: str
    service_name: str
    status: str
    status_label: str
    priority: bool
    issued_at: dt.datetime
    called_at: dt.datetime | None = None
    counter_no: int | None = None
    staff_name: str = ""
    case_id: int | None = None
    #: The queue line (prefix) it waits in; a transferred ticket keeps its code.
    line: str = ""
    #: lansia, disabilitas, hamil, anak ("" = normal or unspecified priority).
    priority_kind: str = ""
    call_count: int = 0
    first_called_at: dt.datetime | None = None
    served_at: dt.datetime | None = None
    #: Transferred to this loket only.
    target_counter_no: int | None = None
    #: People called before it and the estimated wait in minutes (waiting tickets only).
    ahead: int | None = None
    wait_minutes: int | None = None


@dataclass(frozen=True)
class ApplicantInput:
    """What the operator typed at intake. Strings as typed; the service validates them.

    For ``organisasi``/``kelompok`` applicants ``org_name`` is the lembaga or kelompok and the
    person fields describe its penanggung jawab / ketua.
    """

    kind: str = "perorangan"
    nik: str = ""
    name: str = ""
    sex: str = ""
    birth_date: str = ""
    address: str = ""
    desa: str = ""
    kecamatan: str = ""
    kabupaten: str = ""
    phone: str = ""
    org_name: str = ""
    member_count: str = ""


@dataclass(frozen=True)
class ApplicantInfo:
    """A stored applicant."""

    id: int
    kind: str
    nik: str
    nik_masked: str
    name: str
    sex: str
    birth_date: dt.date | None
    age: int | None
    address: str
    desa: str
    kecamatan: str
    kabupaten: str
    phone: str
    org_name: str = ""

    @property
    def display_name(self) -> str:
        """The name to show: the organisation's, with its contact person, or the person's."""
        if self.org_name:
            return f"{self.org_name} (u.p. {self.name})"
        return self.name


@dataclass(frozen=True)
class ChecklistLine:
    """One persyaratan of a case, with the operator's answer."""

    item_id: str
    text: str
    kind: str
    required: bool
    received: bool
    note: str = ""
    condition: str = ""
    per_member: bool = False
    group: str = ""


@dataclass(frozen=True)
class ConditionLine:
    """A condition question of a case, with the operator's answer."""

    id: str
    question: str
    value: bool


@dataclass(frozen=True)
class StepLine:
    """One SOP step of a case and its timing against the mutu baku."""

    no: int
    uraian: str
    pelaksana: str
    waktu_label: str
    output: str
    loket: bool
    status: str  # "belum", "berjalan", "selesai"
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    standard_seconds: int | None = None
    started_by: str = ""
    ended_by: str = ""
    #: A memenuhi-syarat / kelayakan decision that ends this step ("" when none): finishing the
    #: step needs an outcome (decision_yes / decision_no).
    decision_question: str = ""
    decision_yes: str = ""
    decision_no: str = ""
    #: What each outcome does: (action, target step, the document's words, pause), action one
    #: of lanjut / kembali / tolak / selesai (forms.catalog.Branch); empty without a decision.
    decision_yes_action: tuple[str, int | None, str, bool] = ("lanjut", None, "", False)
    decision_no_action: tuple[str, int | None, str, bool] = ("tolak", None, "", False)
    #: The step ran more than once (a decision sent the case back to it): the latest run shows.
    round: int = 1
    #: Seconds within started..ended the step did not run (time between counter sittings).
    paused_seconds: int = 0
    #: Its clock against the mutu baku under the office's calendar (a models.worktime.Clock).
    clock: Any = field(default=None, compare=False, repr=False)
    #: The running step's timer turns to the warning colour at this share ([kalender]).
    warn_share: float = 0.8

    def share(self, now: dt.datetime) -> float | None:
        """The share of the mutu baku used by ``now`` (or the step's end): 0 at the start, 1 at
        the due time; None without a mutu baku waktu. Without a clock: wall-clock time."""
        if self.started_at is None or (self.clock is None and not self.standard_seconds):
            return None
        if self.clock is not None:
            return self.clock.share(self.ended_at or now)
        return self.elapsed_seconds(now) / self.standard_seconds

    def elapsed_seconds(self, now: dt.datetime) -> int:
        """Seconds the step has run (until ``now`` while it runs), pauses left out."""
        if self.started_at is None:
            return 0
        end = self.ended_at or now
        return max(0, int((end - self.started_at).total_seconds()) - self.paused_seconds)

    def overdue(self, now: dt.datetime) -> bool:
        """True when the step ended, or is still running, past its due time."""
        if self.due_at is None or self.started_at is None:
            return False
        return (self.ended_at or now) > self.due_at


@dataclass(frozen=True)
class DocumentInfo:
    """A document the desk produced (PDF on disk)."""

    id: int
    kind: str
    title: str
    path: str
    created_at: dt.datetime
    number: str = ""
    verification_code: str = ""
    #: Sent to the printer (settings.print_command) without error.
    printed: bool = False
    #: Why printing failed (Indonesian), when a print command is configured and failed.
    print_error: str = ""
    #: The case the document belongs to (None for tickets).
    case_id: int | None = None
    #: Void since (a later version replaced it), else None.
    voided_at: dt.datetime | None = None


@dataclass(frozen=True)
class VerifiedLetter:
    """What `desk verifikasi` tells about a letter's verification code."""

    number: str
    title: str
    issued_at: dt.datetime
    register_no: str
    service_name: str
    applicant_name: str
    status_label: str


@dataclass(frozen=True)
class CaseDetail:
    """Everything the screens show about one case (berkas / permohonan)."""

    id: int
    status: str
    status_label: str
    service: ServiceInfo
    applicant: ApplicantInfo
    created_at: dt.datetime
    register_no: str = ""
    ticket_code: str = ""
    member_count: int | None = None
    complete_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    checklist: tuple[ChecklistLine, ...] = ()
    conditions: tuple[ConditionLine, ...] = ()
    steps: tuple[StepLine, ...] = ()
    documents: tuple[DocumentInfo, ...] = ()
    warnings: tuple[str, ...] = ()
    #: Why the case ended as ditolak (the flowchart's negative branch), else "".
    outcome: str = ""
    #: The service's criteria as checked for this applicant (the lengkap dialog lists them).
    criteria: tuple[CriterionLine, ...] = ()
    #: The officer's reason for going on although criteria were unmet or doubtful.
    decision_note: str = ""
    #: menunggu_perbaikan: the step that runs again when the applicant returns, and why.
    resume_step: int | None = None
    paused_at: dt.datetime | None = None
    #: The other people of the case in their roles, and its organisation data (models.persons).
    people: tuple[PersonLine, ...] = ()
    organisation: OrganisationInfo | None = None

    @property
    def missing(self) -> tuple[ChecklistLine, ...]:
        """Required items not yet received."""
        return tuple(line for line in self.checklist if line.required and not line.received)

    @property
    def current_step(self) -> StepLine | None:
        """The running step, if any."""
        for step in self.steps:
            if step.status == "berjalan":
                return step
        return None

    def with_item(self, saved: ItemSaved) -> CaseDetail:
        """This case with one committed checklist answer applied."""
        lines = tuple(
            replace(line, received=saved.received, note=saved.note) if line.item_id == saved.item_id else line
            for line in self.checklist
        )
        status = saved.case_status
        return replace(self, checklist=lines, status=status,
                       status_label=CASE_STATUSES.get(status, status))


@dataclass(frozen=True)
class ItemSaved:
    """A persyaratan answer as committed (what the checklist row shows after a tick or a note)."""

    case_id: int
    item_id: str
    received: bool
    note: str
    #: The case's status afterwards ("verifikasi": a waiting case resumes at its first change).
    case_status: str


@dataclass(frozen=True)
class CaseSummary:
    """A line of a search result."""

    id: int
    register_no: str
    service_code: str
    service_name: str
    applicant_name: str
    nik_masked: str
    status: str
    status_label: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class DecisionResult:
    """The outcome of the lengkap / tidak lengkap decision."""

    lengkap: bool
    case: CaseDetail
    document: DocumentInfo | None = None
    missing: tuple[ChecklistLine, ...] = field(default=())
