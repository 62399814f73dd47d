"""Office set-up: the office row, its loket and its service rows, synced from the settings and
the catalog when a desk opens; loket administration.

Each office on a shared central database keeps its own service rows (unique per office and
code), so one office's catalog sync never overwrites another's.
"""

from __future__ import annotations

import hashlib
import re

from peewee import IntegrityError

from forms.catalog import Service as CatalogService
from models import events, stepstats
from models.dto import CounterInfo, DeskError, ServiceInfo, SessionInfo
from models.kernel import Context, Tx
from models.officedto import OfficeInfo
from models.permissions import Permission
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
