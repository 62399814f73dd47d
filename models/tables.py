"""peewee tables of the desk.

The models are bound to :data:`database`, a :class:`peewee.DatabaseProxy` initialised at start-up
by :func:`models.db.open_database`; nothing connects at import. All datetimes are stored as naive
UTC; the domain services convert them to the office's time zone. Schema changes go through
numbered migrations in ``models/migrations`` (see README).
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

#: The database every table is bound to (initialised by models.db.open_database).
database = DatabaseProxy()


def utcnow() -> dt.datetime:
    """Return the current time as naive UTC (the storage convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    """Base of all tables."""

    class Meta:
        database = database
        legacy_table_names = False


class Office(BaseModel):
    """A Dinas Sosial office (kantor) running the desk."""

    id = AutoField()
    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=200)
    kabupaten = CharField(max_length=120, default="")
    timezone = CharField(max_length=60, default="Asia/Jakarta")
    created_at = DateTimeField(default=utcnow)


class Counter(BaseModel):
    """A loket of an office."""

    id = AutoField()
    office = ForeignKeyField(Office, backref="counters", on_delete="CASCADE")
    number = IntegerField()
    name = CharField(max_length=80, default="")
    active = BooleanField(default=True)
    #: The queue lines (prefixes, comma-separated) this loket calls from; "" = every line.
    lines = CharField(max_length=60, default="")
    #: Priority tickets called in a row at this loket (the office's interleave rule).
    priority_run = IntegerField(default=0)

    class Meta:
        indexes = ((("office", "number"), True),)


class Staff(BaseModel):
    """An operator or supervisor who logs in."""

    id = AutoField()
    office = ForeignKeyField(Office, backref="staff", on_delete="CASCADE")
    username = CharField(max_length=60, unique=True)
    full_name = CharField(max_length=120)
    role = CharField(max_length=20, default="petugas")  # petugas, supervisor, admin
    nip = CharField(max_length=30, default="")
    password_hash = CharField(max_length=200)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    failed_logins = IntegerField(default=0)  # wrong passwords in a row (migration 0015)
    locked_until = DateTimeField(null=True)  # sign-in refused until then (lockout)


class Service(BaseModel):
    """A jenis layanan as offered by one office; the definition lives in the catalog files.

    Each office keeps its own rows (unique per office and code): one office's catalog sync
    never overwrites another's on a shared central database.
    """

    id = AutoField()
    # A plain column in the database (added by migration 0006; SQLite cannot add a foreign-key
    # constraint to an existing table); offices are never deleted.
    office = ForeignKeyField(Office, backref="services", null=True)
    code = CharField(max_length=40)
    name = CharField(max_length=300)
    prefix = CharField(max_length=4)
    active = BooleanField(default=True)
    catalog_hash = CharField(max_length=64, default="")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("office", "code"), True),)


class Sequence(BaseModel):
    """Counters for tickets, register and letter numbers, allocated atomically."""

    scope = CharField(max_length=120)
    period = CharField(max_length=20)
    value = IntegerField(default=0)

    class Meta:
        primary_key = False
        indexes = ((("scope", "period"), True),)


class Ticket(BaseModel):
    """A walk-in queue ticket."""

    id = AutoField()
    office = ForeignKeyField(Office, backref="tickets", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="tickets")
    day = DateField()
    number = IntegerField()
    code = CharField(max_length=12)
    priority = BooleanField(default=False)
    status = CharField(max_length=16, default="menunggu", index=True)
    issued_at = DateTimeField(default=utcnow)
    called_at = DateTimeField(null=True)
    call_count = IntegerField(default=0)
    counter = ForeignKeyField(Counter, null=True, backref="tickets")
    staff = ForeignKeyField(Staff, null=True, backref="tickets")
    finished_at = DateTimeField(null=True)
    #: When the applicant reached the loket and serving began (walk time = served - called).
    served_at = DateTimeField(null=True)
    #: The queue line (prefix) the ticket waits in; a transfer moves it, its code stays.
    line = CharField(max_length=4, default="")
    #: Why it is a priority ticket: lansia, disabilitas, hamil, anak ("" = normal).
    priority_kind = CharField(max_length=16, default="")
    #: The first call (waiting time = first_called - issued); called_at is the latest call.
    first_called_at = DateTimeField(null=True)
    #: Parked (ditunda) since; seconds spent parked are left out of the service time.
    parked_at = DateTimeField(null=True)
    parked_seconds = IntegerField(default=0)
    #: A ticket transferred to one loket waits for that loket only.
    target_counter = ForeignKeyField(Counter, null=True, backref="transferred", lazy_load=False)
    transfer_count = IntegerField(default=0)

    class Meta:
        indexes = (
            (("office", "day", "code"), True),
            # the waiting line of a day, in call order (call next, queue refresh)
            (("office", "day", "status", "priority", "id"), False),
            # what is called to / served at one loket now
            (("counter", "status"), False),
            # queue statistics of a period
            (("office", "issued_at"), False),
        )


class Applicant(BaseModel):
    """A person, or an organisation / group represented by a person."""

    id = AutoField()
    kind = CharField(max_length=16, default="perorangan")
    nik = CharField(max_length=16, index=True)
    name = CharField(max_length=200)
    sex = CharField(max_length=1, default="")
    birth_date = DateField(null=True)
    address = TextField(default="")
    desa = CharField(max_length=120, default="")
    kecamatan = CharField(max_length=120, default="")
    kabupaten = CharField(max_length=120, default="")
    phone = CharField(max_length=20, default="")
    org_name = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    #: name and org_name in lower case without diacritics ("Śrī" -> "sri"), kept on every
    #: write: name search ignores case and accents (SQLite FTS5 trigram / PostgreSQL pg_trgm).
    name_key = TextField(default="")

    class Meta:
        # one record per person (and per organisation they represent): intake upserts on it
        indexes = ((("nik", "kind", "org_name"), True),)


class Case(BaseModel):
    """A permohonan: one applicant's berkas for one service."""

    id = AutoField()
    office = ForeignKeyField(Office, backref="cases", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="cases")
    applicant = ForeignKeyField(Applicant, backref="cases")
    ticket = ForeignKeyField(Ticket, null=True, backref="cases")
    register_no = CharField(max_length=40, null=True)  # unique per office (Meta.indexes)
    #: The number part of the register number (found by "00001" in the search).
    register_seq = IntegerField(null=True)
    status = CharField(max_length=20, default="verifikasi", index=True)
    member_count = IntegerField(null=True)
    conditions = TextField(default="{}")  # JSON: condition id -> bool
    created_by = ForeignKeyField(Staff, backref="cases_created")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    complete_at = DateTimeField(null=True)
    due_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    #: When the current round of berkas verification at the counter began (intake, or the
    #: applicant's return with the missing documents); times the counter steps.
    verify_started_at = DateTimeField(null=True)
    #: Why the case ended as ditolak (tidak memenuhi syarat / tidak layak).
    outcome = TextField(default="")
    #: JSON: the applicant's data as entered for this case (its letters print these, even
    #: after a later visit corrects the applicant's record). Empty for cases made before 0005.
    applicant_data = TextField(default="")
    #: The service clock (jangka waktu) is paused since: the case waits for the applicant to
    #: fix something (a decision sent it back with pause); paused_seconds adds up earlier pauses.
    paused_at = DateTimeField(null=True)
    paused_seconds = IntegerField(default=0)
    #: The step that runs again when the applicant returns (menunggu_perbaikan).
    resume_step = IntegerField(null=True)
    #: Counter verification seconds of earlier sittings (a tidak lengkap case resumed later).
    verify_seconds = IntegerField(default=0)
    #: The officer's reason for going on although criteria were unmet or doubtful.
    decision_note = TextField(default="")

    class Meta:
        table_name = "service_case"  # "case" is an SQL keyword
        indexes = (
            (("office", "register_no"), True),
            (("office", "register_seq"), False),
            (("office", "updated_at"), False),
            # a person's cases, newest first (name search sorts them from the index alone)
            (("applicant", "office", "updated_at"), False),
        )


class ChecklistAnswer(BaseModel):
    """Whether one persyaratan item of a case was received, with a note."""

    id = AutoField()
    case = ForeignKeyField(Case, backref="answers", on_delete="CASCADE")
    item_id = CharField(max_length=80)
    received = BooleanField(default=False)
    note = TextField(default="")
    updated_by = ForeignKeyField(Staff, null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("case", "item_id"), True),)


class StepRun(BaseModel):
    """The timing of one SOP step of a case."""

    id = AutoField()
    case = ForeignKeyField(Case, backref="step_runs", on_delete="CASCADE")
    step_no = IntegerField()
    started_at = DateTimeField()
    due_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)
    started_by = ForeignKeyField(Staff, backref="steps_started")
    ended_by = ForeignKeyField(Staff, null=True, backref="steps_ended")
    #: The case's office and service, kept on the row (migration 0006) so that step-timing
    #: figures per service and step read one table by index.
    office_id = IntegerField(null=True)
    service_id = IntegerField(null=True)
    #: A step a decision sent the case back to runs again: 1, 2, ... (migration 0009).
    round = IntegerField(default=1)
    #: Seconds within started..ended the step did not run (the counter step of a case whose
    #: applicant came back later: time between sittings). Duration = ended - started - paused.
    paused_seconds = IntegerField(default=0)

    class Meta:
        indexes = (
            (("case", "step_no", "round"), True),
            (("service_id", "started_at"), False),
        )


class Document(BaseModel):
    """A document the desk produced: ticket, slip, receipt or letter."""

    id = AutoField()
    office = ForeignKeyField(Office, null=True, backref="documents", on_delete="CASCADE")
    case = ForeignKeyField(Case, null=True, backref="documents", on_delete="CASCADE")
    ticket = ForeignKeyField(Ticket, null=True, backref="documents")
    kind = CharField(max_length=30)
    title = CharField(max_length=200)
    number = CharField(max_length=80, null=True)  # unique per office (Meta.indexes)
    path = TextField()
    verification_code = CharField(max_length=20, default="", index=True)
    facts = TextField(default="")  # JSON: the facts verification_code is an HMAC of (models.verification)
    created_by = ForeignKeyField(Staff, null=True)
    created_at = DateTimeField(default=utcnow)
    #: Issued documents are immutable (migration 0012): a letter whose data changed after issue
    #: is replaced by a new version (new number) and this one is void from voided_at, for a reason.
    version = IntegerField(default=1)
    replaces_id = IntegerField(null=True)
    voided_at = DateTimeField(null=True)
    void_reason = TextField(default="")
    #: SHA-256 of what the letter printed (its data): equal on a reprint (SALINAN).
    data_hash = CharField(max_length=64, default="")

    class Meta:
        indexes = ((("office", "number"), True),)


class AuditLog(BaseModel):
    """Who did what to which record, when (PDP: every processing of personal data)."""

    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    staff = ForeignKeyField(Staff, null=True)
    action = CharField(max_length=40)
    entity = CharField(max_length=40)
    entity_id = IntegerField(null=True)
    detail = TextField(default="")
    #: The office the desk ran for (migration 0006).
    office_id = IntegerField(null=True)

    class Meta:
        indexes = ((("office_id", "at"), False),)


class Event(BaseModel):
    """The outbox: one row per change other desks must learn of (a ticket called, a case
    decided ...), written in the transaction of the change. Listeners read it by id; rows
    older than a few days are pruned."""

    id = AutoField()
    office_id = IntegerField()
    at = DateTimeField(index=True)
    kind = CharField(max_length=40)
    entity_id = IntegerField(null=True)
    staff_id = IntegerField(null=True)
    payload = TextField(default="")


# -- people in a case (issue 8; migration 0010) ----------------------------------------------------

class CasePerson(BaseModel):
    """A person of a case besides the pemohon, in a role the service takes (anak, orang tua,
    anggota, ketua ...); kept as entered for this case, like Case.applicant_data."""

    id = AutoField()
    case = ForeignKeyField(Case, backref="persons", on_delete="CASCADE")
    role = CharField(max_length=20)
    #: Order within the role (anggota 1, 2, ...).
    position = IntegerField(default=1)
    #: NULL when the role records no NIK (one NIK appears once per case: Meta.indexes).
    nik = CharField(max_length=16, null=True, index=True)
    name = CharField(max_length=200)
    sex = CharField(max_length=1, default="")
    birth_date = DateField(null=True)
    address = TextField(default="")
    phone = CharField(max_length=20, default="")
    #: Relation to the pemohon or a remark ("anak kandung", "ayah").
    note = CharField(max_length=120, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("case", "nik"), True),)


class CaseOrganisation(BaseModel):
    """The organisation data of a case (one row per case): what its letters print."""

    id = AutoField()
    case = ForeignKeyField(Case, backref="organisation", on_delete="CASCADE", unique=True)
    #: Nama lembaga ("" = the applicant's org_name).
    name = CharField(max_length=200, default="")
    akta_no = CharField(max_length=80, default="")
    akta_date = DateField(null=True)
    #: Nomor SK pengesahan (Kemenkumham).
    pengesahan_no = CharField(max_length=80, default="")
    #: 15 or 16 digits.
    npwp = CharField(max_length=16, default="")
    address = TextField(default="")
    #: Sekretariat there since: "2015" or "2015-03-01".
    since = CharField(max_length=10, default="")
    updated_at = DateTimeField(default=utcnow)


class InstallationSecret(BaseModel):
    """A secret of the installation (hex), made on first use (migration 0011; models.verification)."""

    name = CharField(max_length=40, primary_key=True)
    value = TextField()
    created_at = DateTimeField(default=utcnow)


#: Every table, in dependency order.
ALL_TABLES = [Office, Counter, Staff, Service, Sequence, Ticket, Applicant, Case, ChecklistAnswer, StepRun,
              Document, AuditLog, Event, CasePerson, CaseOrganisation, InstallationSecret]
# (models.clocktables: OfficeClosure and StepStat, migration 0013)
