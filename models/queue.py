"""The walk-in queue (mesin antrean): tickets, calls, recalls, tidak hadir, serving, finishing.

Ticket numbers run per office, day (office time zone) and prefix. Calling claims a ticket with
one conditional update, so two loket calling at once never get the same ticket (PostgreSQL skips
a row another loket is claiming). A petugas acts on the tickets called to their own loket; a
role with queue management (supervisor) may act on any loket's ticket.
"""

from __future__ import annotations

from typing import Any

from models import events, numbering
from models.dto import DeskError, SessionInfo, TicketInfo
from models.kernel import Context, Tx
from models.permissions import Permission, PermissionDenied, allowed
from models.readmodel import ticket_info, ticket_infos
from models.tables import Ticket

_TICKET_COLUMNS = "id, code, number, service_id, status, priority, issued_at, called_at, counter_id"

_CLAIM = (
    "UPDATE ticket SET status = 'dipanggil', counter_id = {p}, staff_id = {p}, called_at = {p}, "
    "call_count = call_count + 1 WHERE status = 'menunggu' AND id = ("
    "SELECT id FROM ticket WHERE office_id = {p} AND day = {p} AND status = 'menunggu' "
    "ORDER BY priority DESC, id LIMIT 1{skip}) RETURNING " + _TICKET_COLUMNS
)

_RELEASE = (
    "UPDATE ticket SET status = CASE WHEN status = 'dipanggil' THEN 'lewat' ELSE 'selesai' END, "
    "finished_at = {p} WHERE counter_id = {p} AND status IN ('dipanggil', 'dilayani') "
    "RETURNING id, code, status"
)


def _row(values: tuple) -> dict[str, Any]:
    keys = [k.strip() for k in _TICKET_COLUMNS.split(",")]
    row = dict(zip(keys, values))
    row["service"] = row.pop("service_id")
    return row


def issue_ticket(ctx: Context, session: SessionInfo, service_code: str, priority: bool = False) -> TicketInfo:
    """Issue the next ticket of the day for a service (a counter or the kiosk).

    The number is allocated atomically per office, day and prefix.
    """
    svc = ctx.catalog_service(service_code)
    service_id = ctx.service_id(svc.code)

    def body(tx: Tx) -> TicketInfo:
        day = tx.local_now.date()
        number = numbering.allocate(f"tiket:{ctx.office_id}:{svc.queue_prefix}", day.isoformat())
        code = f"{svc.queue_prefix}-{number:03d}"
        ticket_id = Ticket.insert(office=ctx.office_id, service=service_id, day=day, number=number,
                                  code=code, priority=bool(priority), issued_at=tx.now).execute()
        tx.audit("ambil_tiket", "ticket", ticket_id, kode=code)
        tx.emit(events.TICKET_ISSUED, ticket_id, kode=code, layanan=svc.code, prioritas=bool(priority))
        return ticket_info(ctx, {"id": ticket_id, "code": code, "number": number, "service": service_id,
                                 "status": "menunggu", "priority": bool(priority), "issued_at": tx.now})

    return ctx.write(session, Permission.QUEUE_ISSUE, body)


def queue(ctx: Context, session: SessionInfo) -> list[TicketInfo]:
    """Today's waiting tickets, plus the ones called to or served at this loket, in call order."""

    def body() -> list[TicketInfo]:
        mine = Ticket.status.in_(["dipanggil", "dilayani"]) & (Ticket.counter == session.counter_id)
        tickets = ticket_infos(ctx, (Ticket.office == ctx.office_id) & (Ticket.day == ctx.today())
                               & ((Ticket.status == "menunggu") | mine))
        active = sorted((t for t in tickets if t.status != "menunggu"), key=lambda t: t.id)
        waiting = sorted((t for t in tickets if t.status == "menunggu"), key=lambda t: (not t.priority, t.id))
        return active + waiting

    return ctx.read(session, Permission.QUEUE_VIEW, body)


def waiting_ahead(ctx: Context, ticket_id: int) -> tuple[dict[str, Any], int]:
    """A ticket's row and how many waiting tickets are called before it (priority first).
    Runs on the caller's connection (see models.documents.print_ticket)."""
    t = Ticket.select().where((Ticket.id == ticket_id) & (Ticket.office == ctx.office_id)).dicts().first()
    if t is None:
        raise DeskError("Tiket tidak ditemukan.")
    before = ((Ticket.priority & (Ticket.id < t["id"])) if t["priority"]
              else (Ticket.priority | (Ticket.id < t["id"])))
    ahead = (Ticket.select().where((Ticket.office == ctx.office_id) & (Ticket.day == t["day"])
                                   & (Ticket.status == "menunggu") & (Ticket.id != t["id"]) & before)
             .count())
    return t, ahead


def call_next(ctx: Context, session: SessionInfo) -> TicketInfo | None:
    """Call the next waiting ticket to the session's loket.

    A ticket still only called (not served) at this loket is marked tidak hadir; one being
    served is finished.

    Returns:
        The called ticket, or None when nobody is waiting.
    """
    p = ctx.db.param
    # NO KEY UPDATE: a ticket whose PDF is being recorded (a foreign-key share lock) is not skipped
    claim = _CLAIM.format(p=p, skip=" FOR NO KEY UPDATE SKIP LOCKED" if ctx.postgres else "")

    def body(tx: Tx) -> TicketInfo | None:
        if session.counter_id is None:
            raise DeskError("Pilih loket saat masuk untuk memanggil antrean.")
        released = ctx.db.execute_sql(_RELEASE.format(p=p), (tx.now, session.counter_id)).fetchall()
        for ticket_id, code, status in released:
            if status == "lewat":
                tx.audit("tidak_hadir", "ticket", ticket_id, sebab="panggilan berikutnya")
                tx.emit(events.TICKET_SKIPPED, ticket_id, kode=code, loket=session.counter_no)
            else:
                tx.audit("selesai", "ticket", ticket_id, sebab="panggilan berikutnya")
                tx.emit(events.TICKET_FINISHED, ticket_id, kode=code, loket=session.counter_no)
        row = ctx.db.execute_sql(claim, (session.counter_id, session.staff_id, tx.now, ctx.office_id,
                                         tx.local_now.date())).fetchone()
        if row is None:
            return None
        ticket = _row(row)
        tx.audit("panggil", "ticket", ticket["id"], loket=session.counter_no)
        tx.emit(events.TICKET_CALLED, ticket["id"], kode=ticket["code"], loket=session.counter_no)
        return ticket_info(ctx, ticket, counter_no=session.counter_no, staff_name=session.full_name)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def _called(ctx: Context, session: SessionInfo, ticket_id: int, what: str) -> Ticket:
    """A ticket called to or served at a loket, which ``session`` may act on."""
    query = Ticket.select().where((Ticket.id == ticket_id) & (Ticket.office == ctx.office_id))
    if ctx.postgres:  # another desk serving or ending it at the same moment waits for this one
        query = query.for_update()
    t = query.first()
    if t is None or t.status not in ("dipanggil", "dilayani"):
        raise DeskError("Tiket ini tidak sedang dipanggil atau dilayani.")
    if t.counter_id != session.counter_id and not allowed(session, Permission.QUEUE_MANAGE):
        raise PermissionDenied(f"Tiket {t.code} dipanggil ke loket lain; hanya supervisor yang "
                               f"dapat {what} tiket loket lain.")
    return t


def recall(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Call the same ticket again (ulang panggil)."""

    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, "memanggil ulang")
        Ticket.update(called_at=tx.now, call_count=Ticket.call_count + 1).where(Ticket.id == t.id).execute()
        tx.audit("panggil_ulang", "ticket", t.id)
        tx.emit(events.TICKET_RECALLED, t.id, kode=t.code, loket=_loket(session, t))
        return ticket_info(ctx, {**t.__data__, "called_at": tx.now}, counter_no=_loket(session, t),
                           staff_name=session.full_name)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def skip_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Mark a called ticket as tidak hadir."""
    return _end(ctx, session, ticket_id, "lewat", "tidak_hadir", events.TICKET_SKIPPED, "menandai tidak hadir")


def finish_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Finish a ticket being served (the applicant leaves the loket)."""
    return _end(ctx, session, ticket_id, "selesai", "selesai", events.TICKET_FINISHED, "menyelesaikan")


def _end(ctx: Context, session: SessionInfo, ticket_id: int, status: str, action: str, kind: str,
         what: str) -> TicketInfo:
    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, what)
        Ticket.update(status=status, finished_at=tx.now).where(Ticket.id == t.id).execute()
        tx.audit(action, "ticket", t.id)
        tx.emit(kind, t.id, kode=t.code, loket=_loket(session, t))
        return ticket_info(ctx, {**t.__data__, "status": status}, counter_no=_loket(session, t))

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def _loket(session: SessionInfo, t: Ticket) -> int | None:
    return session.counter_no if t.counter_id == session.counter_id else None


def serve_for_case(ctx: Context, tx: Tx, session: SessionInfo, ticket_id: int) -> str:
    """Inside a case's transaction: the ticket called to this loket is now being served.

    Returns:
        The ticket's code.

    Raises:
        DeskError: the ticket is not called to this loket (finished, absent, another loket).
    """
    p = ctx.db.param
    sql = (f"UPDATE ticket SET status = 'dilayani', served_at = COALESCE(served_at, {p}) "
           f"WHERE id = {p} AND office_id = {p} AND status IN ('dipanggil', 'dilayani')")
    params: list[Any] = [tx.now, ticket_id, ctx.office_id]
    if session.counter_id is not None:
        sql += f" AND counter_id = {p}"
        params.append(session.counter_id)
    elif not allowed(session, Permission.QUEUE_MANAGE):
        raise PermissionDenied("Pilih loket saat masuk untuk melayani tiket; tanpa loket hanya "
                               "supervisor yang dapat melayani tiket loket lain.")
    row = ctx.db.execute_sql(sql + " RETURNING code", params).fetchone()
    if row is None:
        code = Ticket.select(Ticket.code).where(Ticket.id == ticket_id).scalar()
        if code is None:
            raise DeskError("Tiket tidak ditemukan.")
        raise DeskError(f"Tiket {code} tidak sedang dipanggil ke loket ini "
                        "(sudah selesai, tidak hadir, atau di loket lain).")
    tx.emit(events.TICKET_SERVING, ticket_id, kode=row[0], loket=session.counter_no)
    return row[0]


def finish_for_case(ctx: Context, tx: Tx, ticket_id: int | None, code: str = "") -> None:
    """Inside a decision's transaction: the case's ticket (if still open) is finished."""
    if not ticket_id:
        return
    done = (Ticket.update(status="selesai", finished_at=tx.now)
            .where((Ticket.id == ticket_id) & Ticket.status.in_(["dipanggil", "dilayani"])).execute())
    if done:
        tx.emit(events.TICKET_FINISHED, ticket_id, kode=code)
