"""Snapshot tests of the desk at 80x24 (login, queue with tickets, checklist).

The screens run against a small in-memory stand-in for the facade with a fixed clock, so the
pictures do not change with the time of day or the contents of the catalog. The real facade is
exercised by tests/test_tui_flow.py. Update the baselines with ``pytest --snapshot-update``
after checking the pictures in snapshot_report.html.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

from textual.pilot import Pilot
from tui_helpers import burst

from desk.app import create_app
from models.dto import (
    ApplicantInfo,
    ApplicantInput,
    AuthError,
    CaseDetail,
    CaseSummary,
    ChecklistLine,
    ConditionLine,
    CounterInfo,
    DecisionResult,
    DeskError,
    DocumentInfo,
    ItemSaved,
    ServiceInfo,
    SessionInfo,
    StepLine,
    TicketInfo,
    ValidationError,
)
from models.officedto import OfficeInfo

WITA = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=WITA)

SERVICES = (
    ServiceInfo("REK-PUB", "Penerbitan Rekomendasi Izin Pengumpulan Uang atau Barang",
                "Rekomendasi Pengumpulan Uang/Barang", "H", "organisasi", "2 hari kerja",
                True, "REKOMENDASI"),
    ServiceInfo("REK-LKS", "Penerbitan Rekomendasi Lembaga Kesejahteraan Sosial",
                "Rekomendasi LKS", "G", "organisasi", "3 hari kerja", True, "REKOMENDASI"),
    ServiceInfo("VETERAN", "Santunan Veteran", "Santunan Veteran", "I", "perorangan",
                "14 hari kerja", False),
)

CHECKLIST = (
    ChecklistLine("akta", "Akta Notaris/akta pendirian/anggaran dasar, disertai anggaran rumah "
                  "tangga (azas, sifat dan tujuan; lingkup kegiatan; susunan organisasi; "
                  "sumber-sumber keuangan)", "wajib", True, False),
    ChecklistLine("terdaftar", "Bukti sekurang-kurangnya telah berstatus terdaftar pada "
                  "instansi sosial setempat", "wajib", True, False),
    ChecklistLine("kegiatan", "Bukti telah melaksanakan kegiatan bidang usaha kesejahteraan "
                  "sosial minimal 1 (satu) tahun", "wajib", True, False),
    ChecklistLine("panitia", "Susunan Pengurus / Kepanitiaan", "wajib", True, False),
    ChecklistLine("alamat", "Alamat Kepanitiaan", "wajib", True, False),
    ChecklistLine("program", "Program Kepanitiaan", "wajib", True, False),
    ChecklistLine("kuasa", "Surat kuasa bila diwakilkan", "bersyarat", False, False,
                  condition="diwakilkan"),
)

STEPS = (
    StepLine(1, "Pemohon datang ke ruang pelayanan untuk menyerahkan berkas permohonan",
             "Pemohon", "5 menit", "Berkas diterima", True, "belum", standard_seconds=300),
    StepLine(2, "Petugas melakukan pemeriksaan (verifikasi) berkas permohonan",
             "Petugas Pelayanan", "15 menit", "Berkas lengkap", True, "belum",
             standard_seconds=900),
    StepLine(3, "Berkas lengkap: dilanjutkan proses penerbitan Rekomendasi",
             "Bidang Pemberdayaan Sosial", "2 hari kerja", "Surat Rekomendasi", False, "belum",
             standard_seconds=2 * 86400),
)


class QuietFeed:
    """An event feed on which nothing ever happens."""

    connected = True
    error = ""

    def __init__(self) -> None:
        self._stop = threading.Event()

    def wait(self, timeout: float) -> list:
        self._stop.wait(timeout)
        return []

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def interrupt(self) -> None:
        self._stop.set()

    def close(self) -> None:
        pass


class FakeDesk:
    """An in-memory stand-in for ``models.desk.DeskService`` with a fixed clock."""

    def __init__(self) -> None:
        self.tickets: dict[int, TicketInfo] = {}
        self.cases: dict[int, CaseDetail] = {}
        self.applicants: dict[str, ApplicantInfo] = {}
        self.counter = {"H": 0, "G": 0, "I": 0}
        self.office: OfficeInfo | None = None
        from models.settings import OfficeSettings

        self.settings = OfficeSettings()

    # set-up
    def open(self) -> None:
        self.office = OfficeInfo(1, self.office_name(), "Kutai Kartanegara", "Asia/Makassar",
                                 tuple(self.counters()), SERVICES)

    def warm_up(self, calendar_and_pdf: bool = True) -> None:
        return None

    def event_feed(self) -> QuietFeed:
        return QuietFeed()

    def office_name(self) -> str:
        return "Dinas Sosial Kabupaten Kutai Kartanegara"

    def counters(self) -> list[CounterInfo]:
        return [CounterInfo(1, 1, "Loket 1"), CounterInfo(2, 2, "Loket 2"),
                CounterInfo(3, 3, "Loket 3")]

    def services(self) -> list[ServiceInfo]:
        return list(SERVICES)

    def now(self) -> dt.datetime:
        return NOW

    def login(self, username: str, password: str, counter_no: int | None) -> SessionInfo:
        if (username, password) != ("petugas", "petugas123"):
            raise AuthError("Nama pengguna atau kata sandi salah.")
        return SessionInfo(1, "petugas", "Rina Wulandari", "petugas", 1, self.office_name(),
                           "Asia/Makassar", counter_no, counter_no, f"Loket {counter_no}")

    # queue
    def _service(self, code: str) -> ServiceInfo:
        return next(s for s in SERVICES if s.code == code)

    def issue_ticket(self, session: SessionInfo | None, service_code: str,
                     priority: bool = False, priority_kind: str = "") -> TicketInfo:
        priority = priority or bool(priority_kind)
        service = self._service(service_code)
        self.counter[service.prefix] += 1
        number = self.counter[service.prefix]
        ticket_id = len(self.tickets) + 1
        ticket = TicketInfo(ticket_id, f"{service.prefix}-{number:03d}", number, service.code,
                            service.short_name, "menunggu", "Menunggu", priority,
                            NOW - dt.timedelta(minutes=30 - ticket_id))
        self.tickets[ticket_id] = ticket
        return ticket

    def print_ticket(self, session: SessionInfo, ticket_id: int) -> DocumentInfo:
        return DocumentInfo(ticket_id, "tiket", "Tiket", f"/tmp/tiket-{ticket_id}.pdf", NOW)

    def queue(self, session: SessionInfo) -> list[TicketInfo]:
        live = [t for t in self.tickets.values()
                if t.status == "menunggu"
                or (t.status in ("dipanggil", "dilayani") and t.counter_no == session.counter_no)]
        return sorted(live, key=lambda t: (not t.priority, t.id))

    def call_next(self, session: SessionInfo) -> TicketInfo | None:
        waiting = [t for t in self.queue(session) if t.status == "menunggu"]
        if not waiting:
            return None
        ticket = dataclasses.replace(waiting[0], status="dipanggil", status_label="Dipanggil",
                                     called_at=NOW, counter_no=session.counter_no)
        self.tickets[ticket.id] = ticket
        return ticket

    def recall(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        return self.tickets[ticket_id]

    def start_serving(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        ticket = dataclasses.replace(self.tickets[ticket_id], status="dilayani", status_label="Dilayani",
                                     served_at=NOW)
        self.tickets[ticket_id] = ticket
        return ticket

    def skip_ticket(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        ticket = dataclasses.replace(self.tickets[ticket_id], status="lewat",
                                     status_label="Tidak hadir")
        self.tickets[ticket_id] = ticket
        return ticket

    # cases
    def find_applicant(self, session: SessionInfo, nik: str) -> ApplicantInfo | None:
        return self.applicants.get(nik)

    def open_case(self, session: SessionInfo, service_code: str, applicant: ApplicantInput,
                  ticket_id: int | None = None) -> CaseDetail:
        errors = {}
        if not (len(applicant.nik) == 16 and applicant.nik.isdigit()):
            errors["nik"] = "NIK harus 16 angka."
        if not applicant.name:
            errors["name"] = "Nama wajib diisi."
        if errors:
            raise ValidationError(errors)
        info = ApplicantInfo(1, applicant.kind, applicant.nik, applicant.nik[:4] + "*" * 8
                             + applicant.nik[-4:], applicant.name, applicant.sex or "L", None,
                             None, applicant.address, applicant.desa, applicant.kecamatan,
                             applicant.kabupaten, applicant.phone, applicant.org_name)
        self.applicants[applicant.nik] = info
        code = ""
        if ticket_id is not None:
            ticket = dataclasses.replace(self.tickets[ticket_id], status="dilayani",
                                         status_label="Dilayani")
            self.tickets[ticket_id] = ticket
            code = ticket.code
        case = CaseDetail(len(self.cases) + 1, "verifikasi", "Verifikasi berkas",
                          self._service(service_code), info, NOW, ticket_code=code,
                          checklist=CHECKLIST, steps=STEPS,
                          conditions=(ConditionLine("diwakilkan", "Pengajuan diwakilkan?",
                                                    False),),
                          warnings=("Lembaga belum tercatat dalam daftar LKS terdaftar.",))
        self.cases[case.id] = case
        return case

    def case(self, session: SessionInfo, case_id: int, *, record_view: bool = True) -> CaseDetail:
        return self.cases[case_id]

    def set_item(self, session, case_id: int, item_id: str, received: bool) -> ItemSaved:
        case = self.cases[case_id]
        lines = tuple(dataclasses.replace(line, received=received)
                      if line.item_id == item_id else line for line in case.checklist)
        self.cases[case_id] = dataclasses.replace(case, checklist=lines)
        line = next(line for line in lines if line.item_id == item_id)
        return ItemSaved(case_id, item_id, line.received, line.note, case.status)

    def set_note(self, session, case_id: int, item_id: str, note: str) -> ItemSaved:
        case = self.cases[case_id]
        lines = tuple(dataclasses.replace(line, note=note)
                      if line.item_id == item_id else line for line in case.checklist)
        self.cases[case_id] = dataclasses.replace(case, checklist=lines)
        line = next(line for line in lines if line.item_id == item_id)
        return ItemSaved(case_id, item_id, line.received, line.note, case.status)

    def set_condition(self, session, case_id: int, condition_id: str,
                      value: bool) -> CaseDetail:
        case = self.cases[case_id]
        conditions = tuple(dataclasses.replace(c, value=value) if c.id == condition_id else c
                           for c in case.conditions)
        lines = tuple(dataclasses.replace(line, required=value)
                      if line.condition == condition_id else line for line in case.checklist)
        self.cases[case_id] = dataclasses.replace(case, conditions=conditions, checklist=lines)
        return self.cases[case_id]

    def decide(self, session, case_id: int) -> DecisionResult:
        case = self.cases[case_id]
        if case.missing:
            case = dataclasses.replace(case, status="menunggu_berkas",
                                       status_label="Menunggu kelengkapan berkas")
            self.cases[case_id] = case
            doc = DocumentInfo(1, "slip", "Slip kekurangan berkas", "/tmp/slip.pdf", NOW)
            return DecisionResult(False, case, doc, case.missing)
        steps = list(case.steps)
        steps[0] = dataclasses.replace(steps[0], status="selesai", started_at=NOW,
                                       ended_at=NOW)
        steps[1] = dataclasses.replace(steps[1], status="berjalan",
                                       started_at=NOW - dt.timedelta(minutes=3, seconds=12),
                                       due_at=NOW + dt.timedelta(minutes=12))
        case = dataclasses.replace(case, status="diproses", status_label="Diproses",
                                   register_no="400.9.7/0001/Dinsos/2026", steps=tuple(steps),
                                   due_at=NOW + dt.timedelta(days=2))
        self.cases[case_id] = case
        return DecisionResult(True, case)

    def finish_step(self, session, case_id: int, outcome: bool | None = None) -> CaseDetail:
        case = self.cases[case_id]
        steps = list(case.steps)
        for index, step in enumerate(steps):
            if step.status == "berjalan":
                steps[index] = dataclasses.replace(step, status="selesai", ended_at=NOW)
                if index + 1 < len(steps):
                    steps[index + 1] = dataclasses.replace(
                        steps[index + 1], status="berjalan", started_at=NOW,
                        due_at=NOW + dt.timedelta(days=2))
                break
        status = "diproses" if any(s.status != "selesai" for s in steps) else "selesai"
        case = dataclasses.replace(case, steps=tuple(steps), status=status,
                                   status_label=status.capitalize())
        self.cases[case_id] = case
        return case

    def print_product(self, session, case_id: int) -> DocumentInfo:
        case = self.cases[case_id]
        if case.status not in ("diproses", "selesai"):
            raise DeskError("Berkas belum lengkap.")
        doc = DocumentInfo(2, "surat", "Surat Rekomendasi", "/tmp/surat.pdf", NOW,
                           number="400.9.7/0001/Dinsos/2026")
        self.cases[case_id] = dataclasses.replace(case, documents=case.documents + (doc,))
        return doc

    def search(self, session: SessionInfo, query: str, limit: int = 50, *,
               record: bool = True) -> list[CaseSummary]:
        return [CaseSummary(c.id, c.register_no, c.service.code, c.service.name,
                            c.applicant.display_name, c.applicant.nik_masked, c.status,
                            c.status_label, NOW)
                for c in self.cases.values()
                if query in c.applicant.nik or query.lower() in c.applicant.name.lower()]


async def settle(pilot: Pilot) -> None:
    """Wait for the workers and the screen to settle."""
    for _ in range(3):
        # the event listener runs all session; an empty list would mean "all workers"
        busy = [w for w in pilot.app.workers if w.group != "events"]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
        await pilot.pause()


async def quiet(pilot: Pilot) -> None:
    """Settle and clear the toasts, so the picture shows only the screen."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def login(pilot: Pilot) -> None:
    """Sign in as the demo petugas at loket 1."""
    await settle(pilot)
    await pilot.click("#username")
    await burst(pilot, [*"petugas", "enter", *"petugas123", "enter"])
    await settle(pilot)


def test_login_screen(snap_compare) -> None:
    """The login form at 80x24."""
    assert snap_compare(create_app(FakeDesk()), terminal_size=(80, 24), run_before=settle)


def test_queue_with_tickets(snap_compare) -> None:
    """The queue after three tickets (one priority) and a call."""
    desk = FakeDesk()
    desk.issue_ticket(None, "REK-PUB")
    desk.issue_ticket(None, "REK-LKS")
    desk.issue_ticket(None, "VETERAN", priority=True)
    desk.issue_ticket(None, "REK-PUB")

    async def run_before(pilot: Pilot) -> None:
        await login(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("down")
        await quiet(pilot)

    assert snap_compare(create_app(desk), terminal_size=(80, 24), run_before=run_before)


def test_checklist(snap_compare) -> None:
    """The checklist of a new REK-PUB case, with two items ticked."""
    desk = FakeDesk()
    desk.issue_ticket(None, "REK-PUB")

    async def run_before(pilot: Pilot) -> None:
        await login(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await burst(pilot, [*"Yayasan Harapan Bangsa", "enter", *"6402041507800001", "enter",
                            *"Budi Santoso", "enter"])
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("space", "down", "space", "down")
        await quiet(pilot)

    assert snap_compare(create_app(desk), terminal_size=(80, 24), run_before=run_before)


def test_fake_matches_facade_signatures() -> None:
    """The stand-in offers every facade method the screens call."""
    names = {"open", "warm_up", "event_feed", "office_name", "counters", "login", "issue_ticket",
             "print_ticket", "queue", "call_next", "recall", "skip_ticket", "start_serving", "find_applicant",
             "open_case", "case", "set_item", "set_note", "set_condition", "decide",
             "finish_step", "print_product", "search", "now"}
    from models.desk import DeskService

    for name in names:
        assert hasattr(FakeDesk, name)
        assert hasattr(DeskService, name), name


