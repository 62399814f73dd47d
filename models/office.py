"""Office set-up: the office row, its loket and its service rows, synced from the settings and
the catalog when a desk opens; loket administration; which offices a supervisor may look at.

Each office on a shared central database keeps its own service rows (unique per office and
code), so one office's catalog sync never overwrites another's.

Who sees which office: every role sees its own office's figures (``report.office``). Roles that
see figures per staff member (``report.staff``: supervisor, kepala bidang, kepala dinas, admin)
at a main office (no ``[kantor] induk``) may also choose any other office on the database; at a
branch office (``induk`` names its main office) they see their own office only. The command
line (``sistem``) sees every office.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from forms.catalog import Service as CatalogService
from models import events, stepstats, worktime
from models.clocktables import OfficeClosure
from models.dashdto import OfficeChoice
from models.dto import CounterInfo, DeskError, ServiceInfo, SessionInfo
from models.kernel import Context, Tx
from models.officedto import OfficeInfo
from models.permissions import Permission, PermissionDenied, allowed
from models.queuelines import counter_lines
from models.queuelines import lines as queue_lines
from models.tables import Case, Counter, Office, Service


def open_office(ctx: Context) -> None:
    """Create or update the office, its loket and service rows; remember their ids in ``ctx``."""
    s = ctx.settings
    with ctx.connection():
        with ctx.db.atomic():
            office = Office.get_or_none(Office.code == s.code)
            if office is None:
                try:
                    with ctx.db.atomic():  # a savepoint: PostgreSQL's transaction survives a clash
                        office = Office.create(code=s.code, name=s.name, kabupaten=s.kabupaten,
                                               timezone=s.timezone)
                except IntegrityError:  # another desk created it at the same moment
                    office = Office.get(Office.code == s.code)
            elif (office.name, office.kabupaten, office.timezone) != (s.name, s.kabupaten, s.timezone):
                office.name, office.kabupaten, office.timezone = s.name, s.kabupaten, s.timezone
                office.save()
            ctx.office_id = office.id
            have = {number for (number,) in Counter.select(Counter.number).where(Counter.office == office.id).tuples()}
            missing = [{"office": office.id, "number": n, "name": f"Loket {n}"}
                       for n in range(1, s.counters + 1) if n not in have]
            if missing:
                Counter.insert_many(missing).on_conflict_ignore().execute()
        with ctx.db.atomic():
            _sync_services(ctx)
        with ctx.db.atomic():
            _fill_register_seq(ctx)
        missing = stepstats.needs_rebuild(ctx)
    if missing:  # a database from before the step summaries (migration 0013): counted once
        stepstats.rebuild(ctx, None, only_if_empty=True)


def register_regex(pattern: str) -> re.Pattern[str]:
    """A regular expression reading a register number written with ``pattern``
    (``{kode}/{tahun}/{nomor:05d}``): its group ``nomor`` is the number part."""
    parts = re.split(r"(\{[a-z_]+(?::[^}]*)?\})", pattern)
    out = []
    for part in parts:
        field = re.fullmatch(r"\{([a-z_]+)(?::[^}]*)?\}", part)
        if field is None:
            out.append(re.escape(part))
        elif field.group(1) == "nomor":
            out.append(r"(?P<nomor>\d+)")
        elif field.group(1) == "tahun":
            out.append(r"\d{4}")
        else:
            out.append(r".+?")
    return re.compile("^" + "".join(out) + "$")


def _fill_register_seq(ctx: Context) -> None:
    """Cases registered before register_seq existed get it from their register number, read
    with this office's pattern (once: new cases store it when they are registered)."""
    rows = (Case.select(Case.id, Case.register_no)
            .where((Case.office == ctx.office_id) & Case.register_seq.is_null() & Case.register_no.is_null(False))
            .tuples())
    regex = register_regex(ctx.settings.register_pattern)
    for case_id, register_no in list(rows):
        match = regex.match(register_no)
        if match:
            Case.update(register_seq=int(match.group("nomor"))).where(Case.id == case_id).execute()


def _sync_services(ctx: Context) -> None:
    rows = {r.code: r for r in Service.select().where(Service.office == ctx.office_id)}
    for svc in ctx.offered():
        digest = hashlib.sha256(repr(svc).encode()).hexdigest()
        row = rows.get(svc.code)
        if row is None:
            Service.insert(office=ctx.office_id, code=svc.code, name=svc.name, prefix=svc.queue_prefix,
                           catalog_hash=digest, updated_at=ctx.utc()).on_conflict_ignore().execute()
        elif row.catalog_hash != digest or row.prefix != svc.queue_prefix or row.name != svc.name:
            (Service.update(name=svc.name, prefix=svc.queue_prefix, catalog_hash=digest, updated_at=ctx.utc())
             .where(Service.id == row.id).execute())
    ids = dict(Service.select(Service.code, Service.id).where(Service.office == ctx.office_id).tuples())
    ctx.service_ids = ids
    ctx.service_codes = {v: k for k, v in ids.items()}


def service_info(svc: CatalogService) -> ServiceInfo:
    """A catalog service as the screens need it."""
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


def office_info(ctx: Context) -> OfficeInfo:
    """The office, its active loket and its services: reference data every screen may show
    (the login screen lists the loket before anyone signs in)."""

    def body() -> OfficeInfo:
        rows = (Counter.select(Counter.id, Counter.number, Counter.name, Counter.lines)
                .where((Counter.office == ctx.office_id) & Counter.active).order_by(Counter.number))
        return OfficeInfo(
            id=ctx.office_id, name=ctx.settings.name, kabupaten=ctx.settings.kabupaten,
            tz=ctx.settings.timezone,
            counters=tuple(CounterInfo(id=r.id, number=r.number, name=r.name, lines=counter_lines(r.lines))
                           for r in rows),
            services=tuple(service_info(s) for s in ctx.offered()),
        )

    return ctx.read(None, None, body)


def all_counters(ctx: Context, session: SessionInfo) -> list[CounterInfo]:
    """Every loket of the office, closed ones too (office settings)."""

    def body() -> list[CounterInfo]:
        rows = Counter.select().where(Counter.office == ctx.office_id).order_by(Counter.number)
        return [_counter_info(r) for r in rows]

    return ctx.read(session, Permission.OFFICE_SETTINGS, body)


def rename_counter(ctx: Context, session: SessionInfo, number: int, name: str = "",
                   active: bool | None = None, lines: str | None = None) -> CounterInfo:
    """Name a loket (e.g. "Loket Prioritas"), open or close it, and set the queue lines it
    calls from (office settings).

    Args:
        name: The new name ("" keeps the current one).
        lines: Prefixes separated by commas ("A,B"); "" = every line; None keeps them.

    Raises:
        PermissionDenied: for roles without office settings.
        DeskError: unknown loket, a bad name, or an unknown line.
    """
    name = " ".join((name or "").split())
    if len(name) > 80:
        raise DeskError("Nama loket paling banyak 80 karakter.")
    prefixes: tuple[str, ...] | None = None
    if lines is not None:
        prefixes = counter_lines(lines)
        known = {line.prefix for line in queue_lines(ctx)}
        unknown = [p for p in prefixes if p not in known]
        if unknown:
            raise DeskError(f"Jalur antrean {', '.join(unknown)} tidak ada; jalur kantor ini: "
                            f"{', '.join(sorted(known))}.")

    def body(tx: Tx) -> CounterInfo:
        row = Counter.get_or_none((Counter.office == ctx.office_id) & (Counter.number == number))
        if row is None:
            raise DeskError(f"Loket {number} tidak ada di kantor ini.")
        if name:
            row.name = name
        if active is not None:
            row.active = bool(active)
        if prefixes is not None:
            row.lines = ",".join(prefixes)
        row.save()
        tx.audit("ubah", "counter", row.id, loket=number, nama=row.name, aktif=row.active, jalur=row.lines)
        tx.emit(events.COUNTER_CHANGED, row.id, loket=number)
        return _counter_info(row)

    return ctx.write(session, Permission.OFFICE_SETTINGS, body)


def _counter_info(row: Counter) -> CounterInfo:
    return CounterInfo(id=row.id, number=row.number, name=row.name, active=row.active,
                       lines=counter_lines(row.lines))


# -- the office a supervisor looks at ----------------------------------------------------------


def sees_every_office(ctx: Context, session: SessionInfo) -> bool:
    """Whether ``session`` may look at other offices than its own (see the module docstring)."""
    if session.role == "sistem":
        return True
    return allowed(session, Permission.REPORT_STAFF) and not ctx.settings.induk


def offices(ctx: Context, session: SessionInfo) -> list[OfficeChoice]:
    """The offices the session may look at, its own first, then the others by name."""

    def body() -> list[OfficeChoice]:
        query = Office.select(Office.id, Office.code, Office.name, Office.timezone).order_by(Office.name)
        if not sees_every_office(ctx, session):
            query = query.where(Office.id == ctx.office_id)
        rows = [OfficeChoice(id=i, code=c, name=n, timezone=tz) for i, c, n, tz in query.tuples()]
        return sorted(rows, key=lambda o: o.id != ctx.office_id)

    return ctx.read(session, Permission.REPORT_OFFICE, body)


def check_office(ctx: Context, session: SessionInfo | None, office_id: int | None) -> int:
    """The office a read is about (None: the session's own), after checking the session may
    look at it.

    Raises:
        PermissionDenied: another office, for a role or an office that sees only its own.
    """
    if office_id is None or office_id == ctx.office_id or session is None:
        return ctx.office_id
    if not sees_every_office(ctx, session):
        if ctx.settings.induk and allowed(session, Permission.REPORT_STAFF):
            raise PermissionDenied("Supervisor kantor cabang hanya dapat melihat angka kantornya sendiri.")
        raise PermissionDenied("Hanya supervisor dan pimpinan kantor induk yang dapat melihat angka kantor lain.")
    return office_id


@dataclass(frozen=True)
class OfficeScope:
    """One office as a supervisor's figures read it: its own day and hours (time zone), its
    working calendar and its services. The desk's own office, or another on the database.

    Another office's working hours are not in the database: its calendar takes this desk's
    ``[kalender]`` hours with that office's time zone and closures. Due times were stored by
    that office's desks, so what is late is late by its own calendar.

    Attributes:
        services: Service row id -> this desk's catalog entry of that code (None when the
            other office offers a service from its own catalog folder that this desk lacks).
        service_codes / service_names: Service row id -> the code and name the office's
            desks stored.
    """

    id: int
    code: str
    name: str
    timezone: str
    own: bool
    calendar: worktime.WorkCalendar = field(repr=False)
    services: dict[int, CatalogService | None] = field(repr=False)
    service_codes: dict[int, str] = field(repr=False)
    service_names: dict[int, str] = field(repr=False)

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone."""
        return self.calendar.tz

    def local(self, stored: dt.datetime | str | None) -> dt.datetime | None:
        """A stored (naive UTC) time in the office's time zone."""
        if stored is None:
            return None
        if isinstance(stored, str):  # SQLite through raw SQL
            stored = dt.datetime.fromisoformat(stored)
        return stored.replace(tzinfo=dt.timezone.utc).astimezone(self.tz)

    def now(self, ctx: Context) -> dt.datetime:
        """The current time in the office's time zone."""
        return ctx.clock().astimezone(self.tz)

    def day_bounds(self, since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Office-local days [since, until] as stored (naive UTC) times [start, end)."""
        start = dt.datetime.combine(since, dt.time(), tzinfo=self.tz)
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=self.tz)
        return (start.astimezone(dt.timezone.utc).replace(tzinfo=None),
                end.astimezone(dt.timezone.utc).replace(tzinfo=None))


def office_scope(ctx: Context, office_id: int) -> OfficeScope:
    """The office ``office_id`` (checked with :func:`check_office`) as its figures read it.
    Inside a read: another office costs three queries (the office, its services, its closures).

    Raises:
        PermissionDenied: no such office on this database.
    """
    if office_id == ctx.office_id:
        s = ctx.settings
        names = {row_id: svc.name for code, row_id in ctx.service_ids.items()
                 if (svc := ctx.catalog.services.get(code)) is not None}
        return OfficeScope(id=ctx.office_id, code=s.code, name=s.name, timezone=s.timezone, own=True,
                           calendar=ctx.calendar,
                           services={i: ctx.service_by_row(i) for i in ctx.service_codes},
                           service_codes=dict(ctx.service_codes), service_names=names)
    office = Office.get_or_none(Office.id == office_id)
    if office is None:
        raise PermissionDenied("Kantor itu tidak ada di basis data ini.")
    rows = list(Service.select(Service.id, Service.code, Service.name).where(Service.office == office_id).tuples())
    closures = [d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for (d,) in
                OfficeClosure.select(OfficeClosure.day).where(OfficeClosure.office_id == office_id).tuples()]
    calendar = worktime.WorkCalendar(office.timezone, ctx.settings.calendar,
                                     cuti_bersama_libur=ctx.settings.cuti_bersama_libur, closures=closures)
    return OfficeScope(id=office.id, code=office.code, name=office.name, timezone=office.timezone, own=False,
                       calendar=calendar,
                       services={i: ctx.catalog.services.get(code) for i, code, _ in rows},
                       service_codes={i: code for i, code, _ in rows},
                       service_names={i: name for i, _, name in rows})
