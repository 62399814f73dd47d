"""The domain facade: everything the screens and the CLI do to the database goes through here.

Every public method is one short transaction (rule 5: a change confirmed on screen is committed),
returns plain dataclasses from :mod:`models.dto`, and raises :class:`models.dto.DeskError` with an
Indonesian message for anything the user must know. Numbers (tickets, registers, letters) come
from :mod:`models.numbering`, allocated inside the same transaction as the row that uses them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from peewee import JOIN, Database, IntegrityError, fn

from forms.catalog import Catalog
from forms.catalog import Service as CatalogService
from forms.eligibility import check_eligibility
from forms.validators import age_on, mask_nik, validate_applicant
from models import db as dbmod
from models import numbering
from models.dto import (
    CASE_STATUSES,
    TICKET_STATUSES,
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
    ServiceInfo,
    SessionInfo,
    StepLine,
    TicketInfo,
    ValidationError,
    VerifiedLetter,
)
from models.settings import OfficeSettings
from models.tables import (
    Applicant,
    AuditLog,
    Case,
    ChecklistAnswer,
    Counter,
    Document,
    Office,
    Service,
    Staff,
    StepRun,
    Ticket,
    utcnow,
)
from models.worktime import due_at
from output.words import format_tanggal

log = logging.getLogger(__name__)

PBKDF2_ROUNDS = 120_000


def _docs():
    """The PDF module, imported on first use (fpdf2 takes ~0.4 s to import; start-up needs none)."""
    from output import documents

    return documents


def hash_password(password: str, *, salt: str | None = None) -> str:
    """Return a salted PBKDF2-SHA256 hash of ``password`` (``pbkdf2$rounds$salt$hex``)."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), PBKDF2_ROUNDS)
    return f"pbkdf2${PBKDF2_ROUNDS}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Return True when ``password`` matches the ``stored`` hash."""
    try:
        _, rounds, salt, hexdigest = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(rounds))
    return hmac.compare_digest(digest.hex(), hexdigest)


def _connected(method: Callable) -> Callable:
    """Open a connection for the call when the calling thread has none, and close it after.

    Textual thread workers come and go; a connection per call keeps PostgreSQL connections from
    piling up and SQLite's per-thread connections from leaking.
    """

    @functools.wraps(method)
    def wrapper(self: DeskService, *args, **kwargs):
        db = self.db
        if db.is_closed():
            db.connect()
            try:
                return method(self, *args, **kwargs)
            finally:
                db.close()
        return method(self, *args, **kwargs)

    return wrapper


class DeskService:
    """The desk's domain services over one database, one catalog and one office.

    Args:
        db_url: Database URL (``sqlite:////path`` or ``postgresql://...``).
        catalog: The service catalog.
        settings: The office's settings.
        output_dir: Where PDFs are written.
        clock: Returns the current aware time (tests pass a fixed clock).
    """

    def __init__(
        self,
        db_url: str,
        *,
        catalog: Catalog,
        settings: OfficeSettings | None = None,
        output_dir: Path,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.db_url = db_url
        self.catalog = catalog
        self.settings = settings or OfficeSettings()
        self.output_dir = Path(output_dir)
        self.tz = ZoneInfo(self.settings.timezone)
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.db: Database = dbmod.make_database(db_url)
        self._office_id: int | None = None

    # ------------------------------------------------------------------ set-up
    def open(self) -> list[str]:
        """Connect, apply pending migrations, and sync the office and the catalog.

        Returns:
            Names of the migrations applied now.
        """
        dbmod.bind(self.db)
        with self.db.connection_context():
            applied = dbmod.migrate(self.db)
            self._sync_office()
            self._sync_services()
        return applied

    def _sync_office(self) -> None:
        s = self.settings
        with self.db.atomic():
            office = Office.get_or_none(Office.code == s.code)
            if office is None:
                try:
                    with self.db.atomic():  # a savepoint: PostgreSQL's transaction survives a clash
                        office = Office.create(code=s.code, name=s.name, kabupaten=s.kabupaten,
                                               timezone=s.timezone)
                except IntegrityError:  # another desk created it at the same moment
                    office = Office.get(Office.code == s.code)
            elif (office.name, office.kabupaten, office.timezone) != (s.name, s.kabupaten, s.timezone):
                office.name, office.kabupaten, office.timezone = s.name, s.kabupaten, s.timezone
                office.save()
            self._office_id = office.id
            have = {c.number for c in Counter.select().where(Counter.office == office)}
            for number in range(1, s.counters + 1):
                if number not in have:
                    Counter.insert(office=office, number=number, name=f"Loket {number}").on_conflict_ignore().execute()

    def _sync_services(self) -> None:
        with self.db.atomic():
            for svc in self._offered():
                digest = hashlib.sha256(repr(svc).encode()).hexdigest()
                row = Service.get_or_none(Service.code == svc.code)
                if row is None:
                    Service.insert(code=svc.code, name=svc.name, prefix=svc.queue_prefix,
                                   catalog_hash=digest).on_conflict_ignore().execute()
                elif row.catalog_hash != digest or row.prefix != svc.queue_prefix:
                    row.name, row.prefix, row.catalog_hash, row.updated_at = svc.name, svc.queue_prefix, digest, utcnow()
                    row.save()

    def _offered(self) -> list[CatalogService]:
        wanted = {c.upper() for c in self.settings.services}
        return [s for s in self.catalog if not wanted or s.code.upper() in wanted]

    @property
    def office_id(self) -> int:
        """The office's row id (after :meth:`open`)."""
        if self._office_id is None:
            raise DeskError("Basis data belum dibuka.")
        return self._office_id

    # ------------------------------------------------------------------ time
    def now(self) -> dt.datetime:
        """Return the current time in the office's time zone."""
        return self._clock().astimezone(self.tz)

    def _utc(self) -> dt.datetime:
        return self._clock().astimezone(dt.timezone.utc).replace(tzinfo=None)

    def _local(self, stored: dt.datetime | None) -> dt.datetime | None:
        if stored is None:
            return None
        return stored.replace(tzinfo=dt.timezone.utc).astimezone(self.tz)

    def _today(self) -> dt.date:
        return self.now().date()

    # ------------------------------------------------------------------ audit
    def _audit(self, session: SessionInfo | None, action: str, entity: str, entity_id: int | None, **detail) -> None:
        AuditLog.create(
            at=self._utc(),
            staff=session.staff_id if session else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )

    # ------------------------------------------------------------------ staff
    @_connected
    def add_staff(self, username: str, full_name: str, password: str, role: str = "petugas", nip: str = "") -> int:
        """Create a staff account (or reset its password when it exists).

        Returns:
            The staff id.
        """
        username = username.strip().lower()
        full_name, nip = full_name.strip(), re.sub(r"\s", "", nip or "")
        if not full_name or len(full_name) > 120:
            raise DeskError("Nama lengkap wajib diisi, paling banyak 120 karakter.")
        if len(nip) > 30 or (nip and not nip.isdigit()):
            raise DeskError("NIP hanya angka, paling banyak 30 digit.")
        if not re.fullmatch(r"[a-z0-9_.-]{3,60}", username):
            raise DeskError("Nama pengguna 3-60 karakter: huruf kecil, angka, titik, garis bawah atau strip.")
        if len(password) < 6:
            raise DeskError("Kata sandi minimal 6 karakter.")
        if role not in ("petugas", "supervisor", "admin"):
            raise DeskError("Peran harus petugas, supervisor atau admin.")
        with self.db.atomic():
            row = Staff.get_or_none(Staff.username == username)
            if row is None:
                row = Staff.create(office=self.office_id, username=username, full_name=full_name,
                                   role=role, nip=nip, password_hash=hash_password(password))
                self._audit(None, "buat", "staff", row.id, username=username, role=role)
            else:
                row.full_name, row.role, row.nip = full_name, role, nip
                row.password_hash = hash_password(password)
                row.active = True
                row.save()
                self._audit(None, "ubah", "staff", row.id, username=username, role=role)
        return row.id

    @_connected
    def login(self, username: str, password: str, counter_no: int | None) -> SessionInfo:
        """Check credentials and open a session at a loket.

        Raises:
            AuthError: unknown user, wrong password, inactive account or unknown loket.
        """
        row = Staff.get_or_none(Staff.username == username.strip().lower())
        if row is None or not row.active or not check_password(password, row.password_hash):
            raise AuthError("Nama pengguna atau kata sandi salah.")
        office = Office.get_by_id(row.office_id)
        counter = None
        if counter_no is not None:
            counter = Counter.get_or_none((Counter.office == office) & (Counter.number == counter_no) & Counter.active)
            if counter is None:
                raise AuthError(f"Loket {counter_no} tidak ada di kantor ini.")
        session = SessionInfo(
            staff_id=row.id, username=row.username, full_name=row.full_name, role=row.role,
            office_id=office.id, office_name=office.name, tz=office.timezone,
            counter_id=counter.id if counter else None,
            counter_no=counter.number if counter else None,
            counter_name=counter.name if counter else "",
        )
        with self.db.atomic():
            self._audit(session, "masuk", "staff", row.id, loket=counter_no)
        return session

    @_connected
    def logout(self, session: SessionInfo) -> None:
        """Record that the staff member signed out (the audit trail shows who sat at a loket when)."""
        with self.db.atomic():
            self._audit(session, "keluar", "staff", session.staff_id, loket=session.counter_no)

    def office_name(self) -> str:
        """The office's name."""
        return self.settings.name

    @_connected
    def counters(self) -> list[CounterInfo]:
        """The office's active loket."""
        rows = Counter.select().where((Counter.office == self.office_id) & Counter.active).order_by(Counter.number)
        return [CounterInfo(id=r.id, number=r.number, name=r.name) for r in rows]

    # ------------------------------------------------------------------ services
    def _service_info(self, svc: CatalogService) -> ServiceInfo:
        return ServiceInfo(
            code=svc.code,
            name=svc.name,
            short_name=svc.short_name,
            prefix=svc.queue_prefix,
            applicant_kind=svc.applicant_kind,
            jangka_waktu=svc.jangka_waktu.label() if svc.jangka_waktu else "",
            has_letter=svc.letter is not None and svc.letter.template != "tanda_terima",
            letter_title=(svc.letter.title.title() if svc.letter else ""),
        )

    def services(self) -> list[ServiceInfo]:
        """The services this office offers, in catalog order."""
        return [self._service_info(s) for s in self._offered()]

    def _catalog_service(self, code: str) -> CatalogService:
        try:
            svc = self.catalog.get(code)
        except KeyError:
            raise DeskError(f"Layanan '{code}' tidak ada di katalog.") from None
        if svc not in self._offered():
            raise DeskError(f"Layanan '{code}' tidak dilayani di kantor ini.")
        return svc

    def _service_row(self, code: str) -> Service:
        row = Service.get_or_none(Service.code == code)
        if row is None:
            raise DeskError(f"Layanan '{code}' belum terdaftar di basis data; jalankan 'desk init'.")
        return row

    # ------------------------------------------------------------------ queue
    def _ticket_infos(self, where) -> list[TicketInfo]:
        """Tickets matching ``where`` with service, loket, staff and case in two queries."""
        rows = list(
            Ticket.select(Ticket, Service, Counter, Staff)
            .join(Service).switch(Ticket)
            .join(Counter, JOIN.LEFT_OUTER).switch(Ticket)
            .join(Staff, JOIN.LEFT_OUTER)
            .where(where)
        )
        cases: dict[int, int] = {}
        if rows:
            query = Case.select(Case.id, Case.ticket).where(Case.ticket.in_([t.id for t in rows])).order_by(Case.id)
            cases = {ticket_id: case_id for case_id, ticket_id in query.tuples()}
        out = []
        for t in rows:
            svc = self.catalog.services.get(t.service.code)
            out.append(TicketInfo(
                id=t.id, code=t.code, number=t.number, service_code=t.service.code,
                service_name=svc.short_name if svc else t.service.name,
                status=t.status, status_label=TICKET_STATUSES.get(t.status, t.status),
                priority=t.priority, issued_at=self._local(t.issued_at), called_at=self._local(t.called_at),
                counter_no=t.counter.number if t.counter_id else None,
                staff_name=t.staff.full_name if t.staff_id else "", case_id=cases.get(t.id),
            ))
        return out

    def _ticket_info(self, t: Ticket) -> TicketInfo:
        return self._ticket_infos(Ticket.id == t.id)[0]

    @_connected
    def issue_ticket(self, service_code: str, priority: bool = False, session: SessionInfo | None = None) -> TicketInfo:
        """Issue the next ticket of the day for a service.

        The number is allocated atomically per office, day and prefix: two desks issuing at the
        same moment never get the same number.
        """
        svc = self._catalog_service(service_code)
        row = self._service_row(svc.code)
        day = self._today()
        with self.db.atomic():
            number = numbering.allocate(f"tiket:{self.office_id}:{svc.queue_prefix}", day.isoformat())
            ticket = Ticket.create(
                office=self.office_id, service=row, day=day, number=number,
                code=f"{svc.queue_prefix}-{number:03d}", priority=bool(priority),
                issued_at=self._utc(),
            )
            self._audit(session, "ambil_tiket", "ticket", ticket.id, kode=ticket.code)
        return self._ticket_info(ticket)

    @_connected
    def print_ticket(self, ticket_id: int) -> DocumentInfo:
        """Render the ticket as an 80 mm PDF and record it."""
        t = Ticket.get_or_none(Ticket.id == ticket_id)
        if t is None:
            raise DeskError("Tiket tidak ditemukan.")
        # who is called before this ticket: priority tickets first, then by order of issue
        before = ((Ticket.priority & (Ticket.id < t.id)) if t.priority
                  else (Ticket.priority | (Ticket.id < t.id)))
        ahead = (
            Ticket.select()
            .where((Ticket.office == t.office_id) & (Ticket.day == t.day) & (Ticket.status == "menunggu")
                   & (Ticket.id != t.id) & before)
            .count()
        )
        path = self._doc_path("tiket", f"tiket-{t.day.isoformat()}-{t.code}.pdf", t.day)
        info = self._ticket_info(t)
        _docs().render_ticket(path, kop=self._kop(), code=t.code, service_name=info.service_name,
                           issued_at=info.issued_at, waiting_ahead=ahead, priority=t.priority)
        with self.db.atomic():
            doc = Document.create(office=self.office_id, ticket=t, kind="tiket", title=f"Tiket {t.code}", path=str(path), created_at=self._utc())
        return self._issued(doc)

    @_connected
    def queue(self, session: SessionInfo) -> list[TicketInfo]:
        """Today's waiting tickets, plus the ones called to or served at this loket, in call order."""
        day = self._today()
        mine = (Ticket.status.in_(["dipanggil", "dilayani"])) & (Ticket.counter == session.counter_id)
        tickets = self._ticket_infos(
            (Ticket.office == self.office_id) & (Ticket.day == day) & ((Ticket.status == "menunggu") | mine)
        )
        active = [t for t in tickets if t.status != "menunggu"]
        waiting = [t for t in tickets if t.status == "menunggu"]
        waiting.sort(key=lambda t: (not t.priority, t.id))
        return active + waiting

    @_connected
    def call_next(self, session: SessionInfo) -> TicketInfo | None:
        """Call the next waiting ticket to the session's loket.

        A ticket still only called (not served) at this loket is marked tidak hadir; one being
        served is finished. Claiming is a conditional update, so two loket calling at once never
        get the same ticket.

        Returns:
            The called ticket, or None when nobody is waiting.
        """
        if session.counter_id is None:
            raise DeskError("Pilih loket saat masuk untuk memanggil antrean.")
        day = self._today()
        now = self._utc()
        with self.db.atomic():
            here = Ticket.counter == session.counter_id
            unanswered = [t.id for t in Ticket.select(Ticket.id).where(here & (Ticket.status == "dipanggil"))]
            served = [t.id for t in Ticket.select(Ticket.id).where(here & (Ticket.status == "dilayani"))]
            if unanswered:
                (Ticket.update(status="lewat", finished_at=now)
                 .where(Ticket.id.in_(unanswered) & (Ticket.status == "dipanggil")).execute())
            if served:
                (Ticket.update(status="selesai", finished_at=now)
                 .where(Ticket.id.in_(served) & (Ticket.status == "dilayani")).execute())
            for ticket_id in unanswered:
                self._audit(session, "tidak_hadir", "ticket", ticket_id, sebab="panggilan berikutnya")
            for ticket_id in served:
                self._audit(session, "selesai", "ticket", ticket_id, sebab="panggilan berikutnya")
            for _ in range(20):
                candidate = (
                    Ticket.select(Ticket.id)
                    .where((Ticket.office == self.office_id) & (Ticket.day == day) & (Ticket.status == "menunggu"))
                    .order_by(Ticket.priority.desc(), Ticket.id)
                    .first()
                )
                if candidate is None:
                    return None
                claimed = (
                    Ticket.update(status="dipanggil", counter=session.counter_id, staff=session.staff_id,
                                  called_at=now, call_count=Ticket.call_count + 1)
                    .where((Ticket.id == candidate.id) & (Ticket.status == "menunggu"))
                    .execute()
                )
                if claimed:
                    self._audit(session, "panggil", "ticket", candidate.id, loket=session.counter_no)
                    return self._ticket_info(Ticket.get_by_id(candidate.id))
        raise DeskError("Antrean sedang ramai diperebutkan loket lain; coba panggil lagi.")

    @_connected
    def recall(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Call the same ticket again (ulang panggil)."""
        with self.db.atomic():
            t = self._my_ticket(session, ticket_id)
            t.called_at = self._utc()
            t.call_count += 1
            t.save()
            self._audit(session, "panggil_ulang", "ticket", t.id)
        return self._ticket_info(t)

    @_connected
    def skip_ticket(self, session: SessionInfo, ticket_id: int) -> TicketInfo:
        """Mark a called ticket as tidak hadir."""
        with self.db.atomic():
            t = self._my_ticket(session, ticket_id)
            t.status, t.finished_at = "lewat", self._utc()
            t.save()
            self._audit(session, "tidak_hadir", "ticket", t.id)
        return self._ticket_info(t)

    def _my_ticket(self, session: SessionInfo, ticket_id: int) -> Ticket:
        t = Ticket.get_or_none(Ticket.id == ticket_id)
        if t is None or t.counter_id != session.counter_id or t.status not in ("dipanggil", "dilayani"):
            raise DeskError("Tiket ini tidak sedang dipanggil di loket Anda.")
        return t

    # ------------------------------------------------------------------ applicants and cases
    def _applicant_info(self, a: Applicant, snapshot: str = "") -> ApplicantInfo:
        """The applicant as the screens need it; with a case's ``snapshot`` (JSON of
        :data:`_SNAPSHOT_FIELDS`), as entered for that case."""
        data = {name: getattr(a, name) for name in _SNAPSHOT_FIELDS}
        if snapshot:
            stored = json.loads(snapshot)
            data.update({k: v for k, v in stored.items() if k in data})
            if isinstance(data["birth_date"], str):
                data["birth_date"] = dt.date.fromisoformat(data["birth_date"])
        birth = data["birth_date"]
        return ApplicantInfo(
            id=a.id, kind=data["kind"], nik=data["nik"], nik_masked=mask_nik(data["nik"]),
            name=data["name"], sex=data["sex"], birth_date=birth,
            age=age_on(birth, self._today()) if birth else None,
            address=data["address"], desa=data["desa"], kecamatan=data["kecamatan"],
            kabupaten=data["kabupaten"], phone=data["phone"], org_name=data["org_name"],
        )

    @_connected
    def find_applicant(self, nik: str, session: SessionInfo | None = None) -> ApplicantInfo | None:
        """Return the applicant last recorded with this NIK, if any.

        Args:
            nik: The NIK typed at the intake.
            session: Who looks; when given and someone is found, the look-up is recorded in
                the audit trail (personal data shown to an operator).
        """
        nik = re.sub(r"[\s.]", "", nik or "")
        if not nik:
            return None
        row = Applicant.select().where(Applicant.nik == nik).order_by(Applicant.updated_at.desc()).first()
        if row is None:
            return None
        if session is not None:
            with self.db.atomic():
                self._audit(session, "lihat", "applicant", row.id, nik=mask_nik(row.nik))
        return self._applicant_info(row)

    @_connected
    def update_applicant(self, session: SessionInfo, case_id: int,
                         applicant: ApplicantInput) -> CaseDetail:
        """Correct the applicant's data of a case (a typo noticed at the checklist or before
        the letter is printed): this case and the applicant's record change; earlier cases keep
        what they had. The NIK identifies the person and cannot be changed here.

        Raises:
            ValidationError: with a message per field for bad input (or a changed NIK).
            DeskError: when the case is finished (selesai or ditolak).
        """
        data = {k: getattr(applicant, k) for k in ApplicantInput.__dataclass_fields__}
        now = self._utc()
        with self.db.atomic():
            row = self._case_row(case_id, lock=True)
            if row.status in ("selesai", "ditolak"):
                raise DeskError("Berkas sudah selesai; data pemohonnya tidak dapat diubah lagi.")
            svc = self.catalog.get(row.service.code)
            cleaned, errors = validate_applicant(data, kind=svc.applicant_kind, today=self._today())
            current = self._applicant_info(row.applicant, row.applicant_data)
            if not errors.get("nik") and cleaned.get("nik") != current.nik:
                errors["nik"] = ("NIK tidak dapat diubah pada berkas ini; bila NIK salah, buat "
                                 "berkas baru dengan NIK yang benar.")
            if errors:
                raise ValidationError(errors)
            fields = dict(
                name=cleaned["name"], sex=cleaned.get("sex", ""),
                birth_date=cleaned.get("birth_date"), address=cleaned.get("address", ""),
                desa=cleaned.get("desa", ""), kecamatan=cleaned.get("kecamatan", ""),
                kabupaten=cleaned.get("kabupaten", ""), phone=cleaned.get("phone", ""),
                org_name=cleaned.get("org_name", ""),
            )
            # only what was corrected goes to the person's record: the other fields of this
            # (maybe older) case must not undo what a later visit recorded
            changed = sorted(k for k in fields if (getattr(current, k) or "") != (fields[k] or ""))
            if changed:
                (Applicant.update(updated_at=now, **{k: fields[k] for k in changed})
                 .where(Applicant.id == row.applicant_id).execute())
            snapshot = {"kind": current.kind, "nik": current.nik, **fields}
            snapshot["birth_date"] = fields["birth_date"].isoformat() if fields["birth_date"] else None
            row.applicant_data = json.dumps(snapshot, ensure_ascii=False)
            if svc.applicant_kind == "kelompok":
                row.member_count = cleaned.get("member_count")
            row.updated_at = now
            row.save(only=[Case.applicant_data, Case.member_count, Case.updated_at])
            self._audit(session, "ubah_pemohon", "case", row.id, nik=mask_nik(current.nik),
                        kolom=changed)
        return self._detail(case_id)

    @_connected
    def open_case(self, session: SessionInfo, service_code: str, applicant: ApplicantInput,
                  ticket_id: int | None = None) -> CaseDetail:
        """Record the applicant and open a case (berkas) for a service.

        Raises:
            ValidationError: with a message per field for bad input.
        """
        svc = self._catalog_service(service_code)
        data = {k: getattr(applicant, k) for k in ApplicantInput.__dataclass_fields__}
        kind = svc.applicant_kind
        cleaned, errors = validate_applicant(data, kind=kind, today=self._today())
        if errors:
            raise ValidationError(errors)
        row = self._service_row(svc.code)
        now = self._utc()
        with self.db.atomic():
            person = (Applicant.select()
                      .where((Applicant.nik == cleaned["nik"]) & (Applicant.kind == kind)
                             & (Applicant.org_name == cleaned.get("org_name", "")))
                      .first())
            fields = dict(
                kind=kind, nik=cleaned["nik"], name=cleaned["name"], sex=cleaned.get("sex", ""),
                birth_date=cleaned.get("birth_date"), address=cleaned.get("address", ""),
                desa=cleaned.get("desa", ""), kecamatan=cleaned.get("kecamatan", ""),
                kabupaten=cleaned.get("kabupaten", ""), phone=cleaned.get("phone", ""),
                org_name=cleaned.get("org_name", ""), updated_at=now,
            )
            if person is None:
                person = Applicant.create(created_at=now, **fields)
                self._audit(session, "buat", "applicant", person.id, nik=mask_nik(person.nik))
            else:
                Applicant.update(**fields).where(Applicant.id == person.id).execute()
                self._audit(session, "ubah", "applicant", person.id, nik=mask_nik(person.nik))
            ticket = None
            if ticket_id is not None:
                ticket = Ticket.get_or_none(Ticket.id == ticket_id)
                if ticket is None:
                    raise DeskError("Tiket tidak ditemukan.")
                here = Ticket.status.in_(["dipanggil", "dilayani"])
                if session.counter_id is not None:
                    here &= Ticket.counter == session.counter_id
                served = (Ticket.update(status="dilayani")
                          .where((Ticket.id == ticket_id) & here).execute())
                if not served:
                    raise DeskError(f"Tiket {ticket.code} tidak sedang dipanggil ke loket ini "
                                    "(sudah selesai, tidak hadir, atau di loket lain).")
            snapshot = {k: fields[k] for k in _SNAPSHOT_FIELDS}
            snapshot["birth_date"] = fields["birth_date"].isoformat() if fields["birth_date"] else None
            case = Case.create(
                office=self.office_id, service=row, applicant=person, ticket=ticket,
                applicant_data=json.dumps(snapshot, ensure_ascii=False),
                member_count=cleaned.get("member_count"), created_by=session.staff_id,
                created_at=now, updated_at=now, verify_started_at=now,
            )
            ChecklistAnswer.insert_many(
                [{"case": case.id, "item_id": it.id, "received": False, "updated_at": now} for it in svc.persyaratan]
            ).execute()
            self._audit(session, "buka_berkas", "case", case.id, layanan=svc.code,
                        tiket=ticket.code if ticket else None)
        return self._detail(case.id)

    @_connected
    def case(self, case_id: int, session: SessionInfo | None = None) -> CaseDetail:
        """Return everything about a case.

        Args:
            case_id: The case.
            session: Who is looking; when given, the view is recorded in the audit trail (PDP).
        """
        detail = self._detail(case_id)
        if session is not None:
            with self.db.atomic():
                self._audit(session, "lihat", "case", case_id)
        return detail

    def _case_row(self, case_id: int, *, lock: bool = False) -> Case:
        """The case row; with ``lock`` (inside a transaction) no other transaction can change
        it until this one ends (PostgreSQL: SELECT ... FOR UPDATE; SQLite's write transactions
        are serialised already: BEGIN IMMEDIATE)."""
        query = Case.select().where(Case.id == case_id)
        if lock and self.db.for_update:
            query = query.for_update()
        row = query.first()
        if row is None:
            raise DeskError(f"Berkas nomor {case_id} tidak ditemukan.")
        return row

    def _editable(self, session: SessionInfo, case_id: int) -> tuple[Case, CatalogService]:
        """Return a case whose checklist may change; a waiting case is resumed (back to verifikasi)."""
        row = self._case_row(case_id, lock=True)
        if row.status not in ("verifikasi", "menunggu_berkas"):
            raise DeskError("Berkas sudah diputuskan lengkap; daftar persyaratan tidak dapat diubah lagi.")
        if row.status == "menunggu_berkas":
            row.status, row.verify_started_at = "verifikasi", self._utc()
            row.save()
            self._audit(session, "lanjutkan", "case", row.id)
        return row, self.catalog.get(row.service.code)

    @_connected
    def set_item(self, session: SessionInfo, case_id: int, item_id: str, received: bool) -> CaseDetail:
        """Mark a persyaratan item as received (or not)."""
        with self.db.atomic():
            row, svc = self._editable(session, case_id)
            svc.item(item_id)  # KeyError for unknown ids is a programming error
            self._upsert_answer(session, row, item_id, received=bool(received))
            self._audit(session, "centang" if received else "hapus_centang", "case", row.id, item=item_id)
        return self._detail(case_id)

    @_connected
    def set_note(self, session: SessionInfo, case_id: int, item_id: str, note: str) -> CaseDetail:
        """Attach a note to a persyaratan item (e.g. "fotokopi tidak terbaca")."""
        note = (note or "").strip()
        if len(note) > 500:
            raise DeskError("Catatan terlalu panjang (maksimal 500 karakter).")
        with self.db.atomic():
            row, svc = self._editable(session, case_id)
            svc.item(item_id)
            self._upsert_answer(session, row, item_id, note=note)
            self._audit(session, "catatan", "case", row.id, item=item_id)
        return self._detail(case_id)

    def _upsert_answer(self, session: SessionInfo, case: Case, item_id: str, **values) -> None:
        values.update(updated_by=session.staff_id, updated_at=self._utc())
        updated = (ChecklistAnswer.update(**values)
                   .where((ChecklistAnswer.case == case.id) & (ChecklistAnswer.item_id == item_id)).execute())
        if not updated:
            ChecklistAnswer.create(case=case.id, item_id=item_id, **values)
        Case.update(updated_at=self._utc()).where(Case.id == case.id).execute()

    @_connected
    def set_condition(self, session: SessionInfo, case_id: int, condition_id: str, value: bool) -> CaseDetail:
        """Answer one of the service's condition questions (makes bersyarat items required)."""
        with self.db.atomic():
            row, svc = self._editable(session, case_id)
            if condition_id not in {c.id for c in svc.conditions}:
                raise DeskError("Kondisi tidak dikenal untuk layanan ini.")
            answers = json.loads(row.conditions or "{}")
            answers[condition_id] = bool(value)
            row.conditions = json.dumps(answers)
            row.updated_at = self._utc()
            row.save()
            self._audit(session, "kondisi", "case", row.id, kondisi=condition_id, nilai=bool(value))
        return self._detail(case_id)

    @_connected
    def decide(self, session: SessionInfo, case_id: int) -> DecisionResult:
        """Decide lengkap / tidak lengkap from the checklist.

        Lengkap: the case gets its register number, the jangka waktu clock starts, and the first
        SOP step starts. Tidak lengkap: the case waits for documents and a slip listing exactly
        the missing items is printed.
        """
        now = self._utc()
        local_now = self.now()
        # One transaction: the case row is locked, its state and checklist read, and the
        # outcome written; a second operator deciding (or ticking) at the same moment waits and
        # then sees the decided case.
        with self.db.atomic():
            row = self._case_row(case_id, lock=True)
            if row.status not in ("verifikasi", "menunggu_berkas"):
                raise DeskError("Berkas ini sudah diputuskan.")
            detail = self._detail(case_id)
            svc = self.catalog.get(detail.service.code)
            missing = detail.missing
            if missing:
                row.status, row.updated_at = "menunggu_berkas", now
                row.save(only=[Case.status, Case.updated_at])
                self._finish_ticket(case_id, now)
                self._audit(session, "tidak_lengkap", "case", case_id, kurang=[m.item_id for m in missing])
            else:
                year = local_now.year
                number = numbering.allocate(f"register:{self.office_id}", str(year))
                register_no = self.settings.register_pattern.format(kode=svc.code, tahun=year, nomor=number)
                due = None
                if svc.jangka_waktu is not None:
                    due = due_at(local_now, svc.jangka_waktu, self.settings.timezone,
                                 cuti_bersama_libur=self.settings.cuti_bersama_libur)
                row.register_no = register_no
                row.status = "diproses"
                row.complete_at = now
                row.due_at = due.astimezone(dt.timezone.utc).replace(tzinfo=None) if due else None
                row.updated_at = now
                row.save(only=[Case.register_no, Case.status, Case.complete_at, Case.due_at,
                               Case.updated_at])
                self._start_after_verification(session, row, svc, local_now)
                self._finish_ticket(case_id, now)
                self._audit(session, "lengkap", "case", case_id, register=register_no)
        if missing:
            doc = self._render_slip(session, detail)  # the items read in the transaction
            return DecisionResult(lengkap=False, case=self._detail(case_id), document=doc, missing=missing)
        return DecisionResult(lengkap=True, case=self._detail(case_id))

    def _finish_ticket(self, case_id: int, now: dt.datetime) -> None:
        ticket_id = Case.select(Case.ticket).where(Case.id == case_id).scalar()
        if ticket_id:
            (Ticket.update(status="selesai", finished_at=now)
             .where((Ticket.id == ticket_id) & (Ticket.status.in_(["dipanggil", "dilayani"]))).execute())

    def _start_after_verification(self, session: SessionInfo, case: Case, svc: CatalogService,
                                  local_now: dt.datetime) -> None:
        """Record the counter steps up to the lengkap decision and start the next step.

        Where the flowchart has a lengkap / tidak lengkap decision after step N, steps up to N
        happened at the counter: the applicant handed in the berkas (recorded at the moment the
        verification began) and the verification itself (timed from then until now). The first
        step after N starts now. Without such a decision the first step starts now.
        """
        decision = next((d for d in svc.decisions if d.kind == "kelengkapan"), None)
        numbers = [st.no for st in svc.steps]
        if not numbers:
            return
        done = [n for n in numbers if decision is not None and n <= decision.after_step]
        began = (case.verify_started_at or case.created_at).replace(tzinfo=dt.timezone.utc).astimezone(self.tz)
        for index, no in enumerate(done):
            last = index == len(done) - 1
            self._start_step(session, case, svc, no, began, ended_at=local_now if last else began)
        following = [n for n in numbers if n not in done]
        if following:
            self._start_step(session, case, svc, following[0], local_now)
        else:  # the whole procedure ended at the counter
            case.status, case.finished_at = "selesai", local_now.astimezone(dt.timezone.utc).replace(tzinfo=None)
            case.save()

    def _start_step(self, session: SessionInfo, case: Case, svc: CatalogService, step_no: int,
                    local_now: dt.datetime, *, ended_at: dt.datetime | None = None) -> None:
        step = svc.step(step_no)
        due = None
        if step.waktu is not None:
            due = due_at(local_now, step.waktu, self.settings.timezone,
                         cuti_bersama_libur=self.settings.cuti_bersama_libur)
        StepRun.create(
            case=case.id, step_no=step_no,
            started_at=local_now.astimezone(dt.timezone.utc).replace(tzinfo=None),
            due_at=due.astimezone(dt.timezone.utc).replace(tzinfo=None) if due else None,
            started_by=session.staff_id,
            ended_at=ended_at.astimezone(dt.timezone.utc).replace(tzinfo=None) if ended_at else None,
            ended_by=session.staff_id if ended_at else None,
        )

    @_connected
    def finish_step(self, session: SessionInfo, case_id: int, outcome: bool | None = None,
                    step_no: int | None = None) -> CaseDetail:
        """End the running SOP step and start the next one (the last one finishes the case).

        Args:
            session: Who finishes the step.
            case_id: The case.
            outcome: For a step followed by a memenuhi/tidak memenuhi syarat or layak/tidak layak
                decision (StepLine.decision_question): True continues, False ends the case as
                ditolak with the flowchart's negative branch as the reason. Ignored otherwise.
            step_no: The step the operator confirmed; when another one runs (someone else, or
                an earlier press, finished it meanwhile) nothing changes.

        Raises:
            DeskError: when no step runs, the running step is not ``step_no``, or the step
                needs an outcome and none was given.
        """
        with self.db.atomic():
            row = self._case_row(case_id, lock=True)
            if row.status != "diproses":
                raise DeskError("Tidak ada langkah yang sedang berjalan pada berkas ini.")
            svc = self.catalog.get(row.service.code)
            run = (StepRun.select().where((StepRun.case == row.id) & StepRun.ended_at.is_null())
                   .order_by(StepRun.step_no).first())
            if run is None:
                raise DeskError("Tidak ada langkah yang sedang berjalan pada berkas ini.")
            if step_no is not None and run.step_no != step_no:
                raise DeskError(f"Langkah {step_no} sudah diselesaikan; yang berjalan sekarang "
                                f"langkah {run.step_no}. Periksa lagi sebelum melanjutkan.")
            decision = _decision_after(svc, run.step_no)
            if decision is not None and outcome is None:
                raise DeskError(f"Langkah ini diakhiri keputusan '{decision.question}': pilih "
                                f"{decision.yes} atau {decision.no}.")
            local_now = self.now()
            now = self._utc()
            ended = (StepRun.update(ended_at=now, ended_by=session.staff_id)
                     .where((StepRun.id == run.id) & StepRun.ended_at.is_null()).execute())
            if not ended:  # finished by someone else a moment ago (only without a row lock)
                raise DeskError(f"Langkah {run.step_no} baru saja diselesaikan di tempat lain.")
            numbers = [s.no for s in svc.steps]
            position = numbers.index(run.step_no) if run.step_no in numbers else len(numbers) - 1
            if decision is not None and outcome is False:
                row.status, row.finished_at = "ditolak", now
                row.outcome = f"{decision.no}: {decision.on_no}" if decision.on_no else decision.no
            elif position + 1 < len(numbers):
                self._start_step(session, row, svc, numbers[position + 1], local_now)
            else:
                row.status, row.finished_at = "selesai", now
            row.updated_at = now
            row.save()
            detail = {"langkah": run.step_no}
            if decision is not None:
                detail["keputusan"] = decision.yes if outcome else decision.no
            self._audit(session, "selesai_langkah", "case", row.id, **detail)
        return self._detail(case_id)

    # ------------------------------------------------------------------ documents
    def _kop(self):
        s = self.settings
        return _docs().Kop(pemerintah=s.pemerintah, dinas=s.dinas, alamat=s.alamat, telepon=s.telepon,
                        email=s.email, website=s.website, kode_pos=s.kode_pos, kota=s.kota)

    def _doc_path(self, kind: str, filename: str, day: dt.date) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename)
        return self.output_dir / str(day.year) / f"{day.month:02d}" / kind / safe

    def _doc_info(self, d: Document, *, printed: bool = False, print_error: str = "") -> DocumentInfo:
        return DocumentInfo(id=d.id, kind=d.kind, title=d.title, path=d.path, created_at=self._local(d.created_at),
                            number=d.number or "", verification_code=d.verification_code or "",
                            printed=printed, print_error=print_error)

    def _issued(self, d: Document) -> DocumentInfo:
        """Send a freshly rendered document to the printer (if configured) and describe it."""
        command = self.settings.print_command.strip()
        if not command:
            return self._doc_info(d)
        args = shlex.split(command)
        args = [a.replace("{file}", d.path) for a in args] if "{file}" in command else [*args, d.path]
        try:
            result = subprocess.run(args, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return self._doc_info(d, print_error=f"Gagal mencetak ({args[0]}): {exc}")
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            return self._doc_info(d, print_error=f"Gagal mencetak ({args[0]}): {detail[-1] if detail else result.returncode}")
        return self._doc_info(d, printed=True)

    def _applicant_lines(self, detail: CaseDetail) -> list[tuple[str, str]]:
        a = detail.applicant
        lines: list[tuple[str, str]] = []
        if a.org_name:
            lines.append(("Lembaga/kelompok", a.org_name))
            lines.append(("Penanggung jawab", a.name))
        else:
            lines.append(("Nama", a.name))
        lines.append(("NIK", a.nik_masked))
        address = ", ".join(p for p in (a.address, a.desa, f"Kec. {a.kecamatan}" if a.kecamatan else "", a.kabupaten) if p)
        lines.append(("Alamat", address))
        if a.phone:
            lines.append(("Telepon", a.phone))
        if detail.member_count:
            lines.append(("Jumlah anggota", f"{detail.member_count} orang"))
        return lines

    def _staff_name(self, session: SessionInfo) -> str:
        return session.full_name

    def _render_slip(self, session: SessionInfo, detail: CaseDetail) -> DocumentInfo:
        today = self._today()
        stamp = self.now().strftime("%H%M%S")
        path = self._doc_path("slip", f"slip-berkas{detail.id}-{today.isoformat()}-{stamp}.pdf", today)
        notes = [m.note for m in detail.missing]  # notes[i] belongs to missing[i]
        _docs().render_slip(
            path, kop=self._kop(), service_name=detail.service.name,
            applicant=self._applicant_lines(detail), missing=[m.text for m in detail.missing], notes=notes,
            date=today, officer=self._staff_name(session), reference=str(detail.id),
            return_note=(f"Silakan lengkapi berkas di atas dan kembali ke loket dengan menunjukkan slip ini. "
                         f"Sebutkan nomor berkas {detail.id} atau NIK Anda kepada petugas."),
        )
        with self.db.atomic():
            doc = Document.create(office=self.office_id, case=detail.id, kind="slip", title="Slip kekurangan berkas", path=str(path),
                                  created_by=session.staff_id, created_at=self._utc())
            self._audit(session, "cetak", "document", doc.id, jenis="slip", berkas=detail.id)
        return self._issued(doc)

    @_connected
    def print_product(self, session: SessionInfo, case_id: int) -> DocumentInfo:
        """Print the service's product: its letter, or a tanda terima berkas.

        A letter gets its number (atomically, per office and year) and a verification code the
        first time; printing again reprints the same number.
        """
        detail = self._detail(case_id)
        if detail.status not in ("diproses", "selesai"):
            raise DeskError("Surat hanya dapat dicetak untuk berkas yang sudah lengkap.")
        svc = self.catalog.get(detail.service.code)
        if svc.letter is None or svc.letter.template == "tanda_terima":
            return self._render_receipt(session, detail)
        return self._render_letter(session, detail, svc)

    def _render_receipt(self, session: SessionInfo, detail: CaseDetail) -> DocumentInfo:
        today = self._today()
        path = self._doc_path("tanda-terima", f"tanda-terima-{detail.register_no}.pdf", today)
        due_text = "-"
        if detail.due_at:
            due_text = f"{format_tanggal(detail.due_at.date())} ({detail.service.jangka_waktu})"
        _docs().render_receipt(
            path, kop=self._kop(), service_name=detail.service.name, register_no=detail.register_no,
            applicant=self._applicant_lines(detail),
            received=[line.text for line in detail.checklist if line.received],
            date=today, due_text=due_text, officer=self._staff_name(session),
        )
        with self.db.atomic():
            doc = Document.create(office=self.office_id, case=detail.id, kind="tanda_terima", title="Tanda terima berkas", path=str(path),
                                  created_by=session.staff_id, created_at=self._utc())
            self._audit(session, "cetak", "document", doc.id, jenis="tanda_terima", berkas=detail.id)
        return self._issued(doc)

    def _render_letter(self, session: SessionInfo, detail: CaseDetail, svc: CatalogService) -> DocumentInfo:
        letter = svc.letter
        assert letter is not None
        today = self._today()
        with self.db.atomic():
            self._case_row(detail.id, lock=True)  # one letter number per case, even when two print at once
            existing = (Document.select()
                        .where((Document.case == detail.id) & (Document.kind == letter.template)
                               & Document.number.is_null(False))
                        .first())
            if existing is not None:
                number, code = existing.number, existing.verification_code
                issued = self._local(existing.created_at).date()
            else:
                seq = numbering.allocate(f"surat:{self.office_id}", str(today.year))
                number = self.settings.letter_number_pattern.format(
                    klasifikasi=letter.klasifikasi, nomor=seq, unit=self.settings.unit_code, tahun=today.year,
                    bulan_romawi=_ROMAN[today.month],
                )
                code = _verification_code()
                issued = today
                existing = Document.create(office=self.office_id, case=detail.id, kind=letter.template, title=letter.hal, number=number,
                                           path="", verification_code=code, created_by=session.staff_id,
                                           created_at=self._utc())
            self._audit(session, "cetak", "document", existing.id, jenis=letter.template, nomor=number)
        a = detail.applicant
        values = _SafeDict(
            nama_pemohon=a.org_name or a.name,
            alamat_pemohon=", ".join(p for p in (a.address, a.desa, a.kecamatan, a.kabupaten) if p),
            tanggal_lengkap=format_tanggal(detail.complete_at.date()) if detail.complete_at else "-",
            nomor_register=detail.register_no, nama_layanan=detail.service.name,
            kabupaten=self.settings.kabupaten,
        )
        blocks: list = []
        for paragraph in letter.body:
            if paragraph.strip() == "{identitas_pemohon}":
                blocks.append(self._applicant_lines(detail))
            else:
                blocks.append(paragraph.format_map(values))
        path = self._doc_path("surat", f"surat-{detail.register_no}-{existing.id}.pdf", issued)
        s = self.settings
        _docs().render_letter(
            path, kop=self._kop(),
            signatory=_docs().Signatory(jabatan=s.kepala_jabatan, nama=s.kepala_nama, pangkat=s.kepala_pangkat,
                                     nip=s.kepala_nip),
            number=number, date=issued, sifat=letter.sifat, lampiran="-", hal=letter.hal,
            addressee=(letter.addressee or a.org_name or a.name).format_map(values),
            title=letter.title, blocks=blocks, closing=letter.closing, tembusan=list(letter.tembusan),
            verification_code=code,
        )
        with self.db.atomic():
            Document.update(path=str(path)).where(Document.id == existing.id).execute()
        return self._issued(Document.get_by_id(existing.id))

    @_connected
    def verify_letter(self, code: str) -> VerifiedLetter | None:
        """Look up a letter by the verification code printed on it (and in its QR code).

        Args:
            code: The code, e.g. ``"GCRX-EQUJ"`` or the QR content ``"DESK-VERIFIKASI:GCRX-EQUJ"``.

        Returns:
            What the letter says, or None when no letter has this code (not genuine).
        """
        cleaned = code.strip().upper().removeprefix("DESK-VERIFIKASI:").replace(" ", "")
        if len(cleaned) == 8 and "-" not in cleaned:
            cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
        doc = (Document.select().where((Document.verification_code == cleaned) & Document.number.is_null(False))
               .first())
        if doc is None or doc.case_id is None:
            return None
        detail = self._detail(doc.case_id)
        return VerifiedLetter(
            number=doc.number, title=doc.title, issued_at=self._local(doc.created_at),
            register_no=detail.register_no, service_name=detail.service.name,
            applicant_name=detail.applicant.display_name, status_label=detail.status_label,
        )

    # ------------------------------------------------------------------ search
    @_connected
    def search(self, query: str, limit: int = 50, session: SessionInfo | None = None) -> list[CaseSummary]:
        """Find cases by NIK, register number, case number or part of a name.

        Args:
            query: What the operator typed.
            limit: Most rows returned.
            session: Who searches; when given, the search is recorded in the audit trail (the
                query is stored masked when it is a NIK).
        """
        q = (query or "").strip()
        if not q:
            return []
        if session is not None:
            shown = _mask_niks(q)[:60]
            with self.db.atomic():
                self._audit(session, "cari", "case", None, kueri=shown)
        # "NIK 6403 ...", "berkas 12", "no. 12": the words the slip and the screens use
        bare = re.sub(r"(?i)^(nik|berkas|nomor berkas|no\.?)\b", "", q).strip()
        digits = re.sub(r"[\s.:]", "", bare)
        cond = (Case.register_no == q.upper()) | (Applicant.name.contains(q)) | (Applicant.org_name.contains(q))
        if digits.isdigit():
            cond = cond | (Applicant.nik == digits)
            if digits.startswith("0") and len(digits) >= 3:
                # "00001": the number part of a register (REK-LKS/2026/00001)
                cond = cond | Case.register_no.endswith(f"/{digits}")
            elif len(digits) <= 9:
                cond = cond | (Case.id == int(digits))
        rows = (Case.select(Case, Applicant, Service).join(Applicant).switch(Case).join(Service)
                .where((Case.office == self.office_id) & cond)
                .order_by(Case.updated_at.desc()).limit(limit))
        out = []
        for r in rows:
            svc = self.catalog.services.get(r.service.code)
            name = self._applicant_info(r.applicant, r.applicant_data).display_name
            out.append(CaseSummary(
                id=r.id, register_no=r.register_no or "", service_code=r.service.code,
                service_name=svc.short_name if svc else r.service.name, applicant_name=name,
                nik_masked=mask_nik(r.applicant.nik), status=r.status,
                status_label=CASE_STATUSES.get(r.status, r.status), updated_at=self._local(r.updated_at),
            ))
        return out

    # ------------------------------------------------------------------ detail
    def _detail(self, case_id: int) -> CaseDetail:
        row = self._case_row(case_id)
        svc = self.catalog.get(row.service.code)
        conditions = json.loads(row.conditions or "{}")
        answers = {a.item_id: a for a in ChecklistAnswer.select().where(ChecklistAnswer.case == row.id)}
        required_ids = {it.id for it in svc.required_items(conditions)}
        checklist = tuple(
            ChecklistLine(
                item_id=it.id, text=it.text, kind=it.kind, required=it.id in required_ids,
                received=bool(answers[it.id].received) if it.id in answers else False,
                note=answers[it.id].note if it.id in answers else "",
                condition=it.condition, per_member=it.per_member, group=it.group,
            )
            for it in svc.persyaratan
        )
        runs = {r.step_no: r for r in StepRun.select().where(StepRun.case == row.id)}
        staff_names = dict(Staff.select(Staff.id, Staff.full_name).tuples())
        steps = []
        for st in svc.steps:
            run = runs.get(st.no)
            decision = _decision_after(svc, st.no)
            status = "belum" if run is None else ("berjalan" if run.ended_at is None else "selesai")
            started = self._local(run.started_at) if run else None
            due = self._local(run.due_at) if run else None
            steps.append(StepLine(
                no=st.no, uraian=st.uraian, pelaksana=", ".join(st.pelaksana),
                waktu_label=st.waktu.label() if st.waktu else "", output=st.output, loket=st.loket,
                status=status, started_at=started, ended_at=self._local(run.ended_at) if run else None,
                due_at=due,
                standard_seconds=int((due - started).total_seconds()) if (due and started) else None,
                started_by=staff_names.get(run.started_by_id, "") if run else "",
                ended_by=staff_names.get(run.ended_by_id, "") if run and run.ended_by_id else "",
                decision_question=decision.question if decision else "",
                decision_yes=decision.yes if decision else "",
                decision_no=decision.no if decision else "",
            ))
        documents = tuple(self._doc_info(d) for d in
                          Document.select().where((Document.case == row.id) & (Document.path != "")).order_by(Document.id))
        applicant = self._applicant_info(row.applicant, row.applicant_data)
        chosen = {it.group for it in svc.persyaratan if it.group and it.applies(conditions)}
        warnings = tuple(check_eligibility(
            svc, age=applicant.age, sex=applicant.sex, kabupaten=applicant.kabupaten, member_count=row.member_count,
            chosen_groups=chosen,
        ))
        ticket_code = Ticket.select(Ticket.code).where(Ticket.id == row.ticket_id).scalar() if row.ticket_id else ""
        return CaseDetail(
            id=row.id, status=row.status, status_label=CASE_STATUSES.get(row.status, row.status),
            service=self._service_info(svc), applicant=applicant, created_at=self._local(row.created_at),
            register_no=row.register_no or "", ticket_code=ticket_code or "", member_count=row.member_count,
            outcome=row.outcome or "",
            complete_at=self._local(row.complete_at), due_at=self._local(row.due_at), checklist=checklist,
            conditions=tuple(ConditionLine(id=c.id, question=c.question, value=bool(conditions.get(c.id, False)))
                             for c in svc.conditions),
            steps=tuple(steps), documents=documents, warnings=warnings,
        )

    # ------------------------------------------------------------------ reporting helpers for the CLI
    @_connected
    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (for `desk status`)."""
        return {
            "tiket_hari_ini": Ticket.select().where((Ticket.office == self.office_id) & (Ticket.day == self._today())).count(),
            "berkas": Case.select().where(Case.office == self.office_id).count(),
            "menunggu_berkas": Case.select().where((Case.office == self.office_id) & (Case.status == "menunggu_berkas")).count(),
            "diproses": Case.select().where((Case.office == self.office_id) & (Case.status == "diproses")).count(),
            "petugas": Staff.select().where(Staff.office == self.office_id).count(),
            "dokumen": Document.select().where(Document.office == self.office_id).count(),
        }

    @_connected
    def staff_count(self) -> int:
        """Number of staff accounts of the office."""
        return Staff.select(fn.COUNT(Staff.id)).where(Staff.office == self.office_id).scalar() or 0


def _decision_after(svc: CatalogService, step_no: int):
    """The syarat / kelayakan decision that follows ``step_no``, if any (kelengkapan is decided at the counter)."""
    for decision in svc.decisions:
        if decision.after_step == step_no and decision.kind != "kelengkapan":
            return decision
    return None


_ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


#: Applicant fields each case keeps as entered for it (Case.applicant_data).
_SNAPSHOT_FIELDS = ("kind", "nik", "name", "sex", "birth_date", "address", "desa", "kecamatan",
                    "kabupaten", "phone", "org_name")


def _mask_niks(text: str) -> str:
    """``text`` with every NIK in it masked, however it is written ("6403 0515 0780 0003",
    "6403.0515...", "NIK 6403..."): for the audit trail, which must not hold full NIKs."""

    def mask(match: re.Match[str]) -> str:
        return mask_nik(re.sub(r"\D", "", match.group(0)))

    # 16 digits, maybe grouped by spaces, dots or dashes, not part of a longer number
    text = re.sub(r"(?<!\d)\d(?:[\s.\-]?\d){15}(?!\d)", mask, text)
    # any other long run of digits (a KK number typed oddly, a NIK with a digit too many)
    return re.sub(r"\d{10,}", lambda m: m.group(0)[:4] + "*" * (len(m.group(0)) - 8) + m.group(0)[-4:], text)


def _verification_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class _SafeDict(dict):
    """format_map mapping that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def default_output_dir(data_dir: Path) -> Path:
    """Where PDFs go when the settings name no folder."""
    return Path(os.path.expanduser(str(data_dir))) / "dokumen"
