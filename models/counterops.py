"""Counter operations on the ticket at a loket: recall, tidak hadir, start serving, finish,
park (tunda) and transfer.

Each is one transaction with its audit row and event, and timestamps what it changes, so a
ticket's waiting time (issued -> first call), walk time (called -> serving) and service time
(serving -> finished, parked time left out) are known. A petugas acts on the tickets of their
own loket; a role with queue management (supervisor) on any loket's.
"""

from __future__ import annotations

from models import events
from models.dto import DeskError, SessionInfo, TicketInfo
from models.kernel import Context, Tx
from models.permissions import Permission, PermissionDenied, allowed
from models.queuelines import line_of
from models.readmodel import ticket_info
from models.tables import Counter, Ticket

_AT_COUNTER = ("dipanggil", "dilayani")


def _called(ctx: Context, session: SessionInfo, ticket_id: int, what: str,
            statuses: tuple[str, ...] = _AT_COUNTER) -> Ticket:
    """A ticket called to or served at a loket, which ``session`` may act on."""
    query = Ticket.select().where((Ticket.id == ticket_id) & (Ticket.office == ctx.office_id))
    if ctx.postgres:  # another desk serving or ending it at the same moment waits for this one
        query = query.for_update()
    t = query.first()
    if t is None or t.status not in statuses:
        raise DeskError("Tiket ini tidak sedang dipanggil atau dilayani.")
    if t.counter_id != session.counter_id and not allowed(session, Permission.QUEUE_MANAGE):
        raise PermissionDenied(f"Tiket {t.code} dipanggil ke loket lain; hanya supervisor yang "
                               f"dapat {what} tiket loket lain.")
    return t


def _loket(session: SessionInfo, t: Ticket) -> int | None:
    return session.counter_no if t.counter_id == session.counter_id else None


def _info(ctx: Context, session: SessionInfo, t: Ticket, **changes) -> TicketInfo:
    return ticket_info(ctx, {**t.__data__, **changes}, counter_no=_loket(session, t),
                       staff_name=session.full_name)


def recall(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Call the same ticket again (ulang panggil); the board announces it again. The returned
    ``call_count`` tells the counter when to offer tidak hadir (``recall_limit``)."""

    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, "memanggil ulang")
        Ticket.update(called_at=tx.now, call_count=Ticket.call_count + 1).where(Ticket.id == t.id).execute()
        tx.audit("panggil_ulang", "ticket", t.id, panggilan=t.call_count + 1)
        tx.emit(events.TICKET_RECALLED, t.id, kode=t.code, loket=_loket(session, t))
        return _info(ctx, session, t, called_at=tx.now, call_count=t.call_count + 1)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def skip_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Mark a called ticket as tidak hadir (it can be called back by its number today)."""
    return _end(ctx, session, ticket_id, "lewat", "tidak_hadir", events.TICKET_SKIPPED,
                "menandai tidak hadir", ("dipanggil", "dilayani", "ditunda"))


def finish_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Finish a ticket being served (the applicant leaves the loket)."""
    return _end(ctx, session, ticket_id, "selesai", "selesai", events.TICKET_FINISHED,
                "menyelesaikan", ("dipanggil", "dilayani", "ditunda"))


def _end(ctx: Context, session: SessionInfo, ticket_id: int, status: str, action: str, kind: str,
         what: str, statuses: tuple[str, ...]) -> TicketInfo:
    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, what, statuses)
        parked = _parked_seconds(t, tx)
        Ticket.update(status=status, finished_at=tx.now, parked_at=None,
                      parked_seconds=Ticket.parked_seconds + parked).where(Ticket.id == t.id).execute()
        tx.audit(action, "ticket", t.id)
        tx.emit(kind, t.id, kode=t.code, loket=_loket(session, t))
        return _info(ctx, session, t, status=status)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def _parked_seconds(t: Ticket, tx: Tx) -> int:
    if t.status != "ditunda" or t.parked_at is None:
        return 0
    return max(0, int((tx.now - t.parked_at).total_seconds()))


def start_serving(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """The called applicant is at the loket: serving starts (walk time ends). Serving an
    already served ticket changes nothing."""

    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, "melayani")
        if t.status == "dilayani":
            return _info(ctx, session, t)
        served = t.served_at or tx.now  # a resumed ticket keeps when its service began
        Ticket.update(status="dilayani", served_at=served).where(Ticket.id == t.id).execute()
        tx.audit("layani", "ticket", t.id)
        tx.emit(events.TICKET_SERVING, t.id, kode=t.code, loket=_loket(session, t))
        return _info(ctx, session, t, status="dilayani", served_at=served)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def park_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Park (tunda) the ticket at this loket: the applicant steps away (a photocopy, a missing
    paper) and the loket calls others; it is resumed from the counter's list by calling it."""

    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, "menunda")
        Ticket.update(status="ditunda", parked_at=tx.now).where(Ticket.id == t.id).execute()
        tx.audit("tunda", "ticket", t.id)
        tx.emit(events.TICKET_PARKED, t.id, kode=t.code, loket=_loket(session, t))
        return _info(ctx, session, t, status="ditunda")

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def transfer_ticket(ctx: Context, session: SessionInfo, ticket_id: int, *, service_code: str = "",
                    counter_no: int | None = None, reason: str = "") -> TicketInfo:
    """Transfer a ticket at this loket to another service's line and/or to one loket. It waits
    again with its own number (code) and its place by the time it was taken, so it is called
    before those who came later; a ticket sent to a loket is called there first.

    Raises:
        DeskError: nothing to transfer to, unknown service or loket, or a closed loket.
    """
    if not service_code and counter_no is None:
        raise DeskError("Pilih layanan atau loket tujuan pengalihan.")
    svc = ctx.catalog_service(service_code) if service_code else None
    line = line_of(ctx, svc.code) if svc else None
    reason = " ".join((reason or "").split())[:200]

    def body(tx: Tx) -> TicketInfo:
        t = _called(ctx, session, ticket_id, "mengalihkan", ("dipanggil", "dilayani", "ditunda"))
        changes: dict = {"status": "menunggu", "transfer_count": t.transfer_count + 1,
                         "parked_at": None, "parked_seconds": t.parked_seconds + _parked_seconds(t, tx)}
        target = None
        if counter_no is not None:
            target = Counter.get_or_none((Counter.office == ctx.office_id) & (Counter.number == counter_no))
            if target is None or not target.active:
                raise DeskError(f"Loket {counter_no} tidak ada atau sedang tutup.")
            if target.id == t.counter_id and svc is None:
                raise DeskError("Tiket sudah di loket ini; pilih loket lain atau layanan lain.")
            changes["target_counter"] = target.id
        if svc is not None:
            changes["service"] = ctx.service_id(svc.code)
            changes["line"] = line.prefix
        Ticket.update(**changes).where(Ticket.id == t.id).execute()
        tx.audit("alihkan", "ticket", t.id, layanan=svc.code if svc else None, loket=counter_no,
                 alasan=reason or None)
        tx.emit(events.TICKET_TRANSFERRED, t.id, kode=t.code, dari=_loket(session, t),
                loket=counter_no, jalur=changes.get("line", t.line))
        data = {**t.__data__, **changes, "service": changes.get("service", t.service_id),
                "target_counter_no": counter_no}
        return ticket_info(ctx, data, counter_no=_loket(session, t))

    return ctx.write(session, Permission.QUEUE_SERVE, body)
