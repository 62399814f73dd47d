"""The walk-in queue (mesin antrean): issuing, the counter's list, calling.

Ticket numbers run per office, day (office time zone) and queue line (see models.queuelines).
Calling claims a ticket with one conditional update, so two loket calling at once never get the
same ticket (PostgreSQL skips a row another loket is claiming). A petugas acts on the tickets
called to their own loket; a role with queue management (supervisor) may act on any loket's
ticket. The other counter operations (recall, park, transfer, ...) are in models.counterops.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from models import events, numbering
from models.dto import DeskError, SessionInfo, TicketInfo
from models.kernel import Context, Tx
from models.permissions import Permission, PermissionDenied, allowed
from models.queuelines import call_order, counter_lines, line_of, line_rates, positions
from models.readmodel import ticket_info, ticket_infos
from models.settings import PRIORITY_KINDS
from models.tables import Counter, Ticket

_TICKET_COLUMNS = ("id, code, number, service_id, status, priority, issued_at, called_at, counter_id, "
                   "line, priority_kind, call_count, first_called_at, served_at")

_CALLED = ("status = 'dipanggil', counter_id = {p}, staff_id = {p}, called_at = {p}, "
           "first_called_at = COALESCE(first_called_at, {p}), call_count = call_count + 1, "
           "target_counter_id = NULL")

#: Claim the next ticket for a loket in one statement. The loket's lines (its ``lines`` column,
#: "" = all) and its interleave state (``priority_run`` against the office's limit) are read
#: inside it; RETURNING hands back the run so the state is written only when it changes.
_CLAIM = (
    "UPDATE ticket SET " + _CALLED + " WHERE status = 'menunggu' AND id = ("
    "SELECT id FROM ticket WHERE office_id = {p} AND day = {p} AND status = 'menunggu' "
    "AND (target_counter_id = {p} OR (target_counter_id IS NULL AND ("
    "(SELECT lines FROM counter WHERE id = {p}) = '' "
    "OR ',' || (SELECT lines FROM counter WHERE id = {p}) || ',' LIKE {p} || line || {p}))) "
    "ORDER BY CASE WHEN target_counter_id IS NULL THEN 1 ELSE 0 END, "
    "CASE WHEN priority THEN (CASE WHEN {p} > 0 AND (SELECT priority_run FROM counter WHERE id = {p}) >= {p} "
    "THEN 2 ELSE 0 END) ELSE 1 END, id "
    "LIMIT 1{skip}) RETURNING " + _TICKET_COLUMNS + ", (SELECT priority_run FROM counter WHERE id = {p})"
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


def issue_ticket(ctx: Context, session: SessionInfo, service_code: str, priority: bool = False,
                 priority_kind: str = "") -> TicketInfo:
    """Issue the next ticket of the day for a service (a counter or the kiosk).

    The number is allocated atomically per office, day and queue line.

    Args:
        priority_kind: lansia, disabilitas, hamil or anak (makes the ticket a priority ticket).

    Raises:
        DeskError: unknown service or priority group.
    """
    svc = ctx.catalog_service(service_code)
    service_id = ctx.service_id(svc.code)
    if priority_kind and priority_kind not in PRIORITY_KINDS:
        raise DeskError(f"Golongan prioritas '{priority_kind}' tidak dikenal "
                        f"(pilihan: {', '.join(PRIORITY_KINDS)}).")
    priority = bool(priority or priority_kind)
    line = line_of(ctx, svc.code)

    def body(tx: Tx) -> TicketInfo:
        day = tx.local_now.date()
        number = numbering.allocate(f"tiket:{ctx.office_id}:{line.prefix}", day.isoformat())
        code = f"{line.prefix}-{number:03d}"
        ticket_id = Ticket.insert(office=ctx.office_id, service=service_id, day=day, number=number,
                                  code=code, priority=priority, priority_kind=priority_kind,
                                  line=line.prefix, issued_at=tx.now).execute()
        tx.audit("ambil_tiket", "ticket", ticket_id, kode=code, prioritas=priority_kind or priority)
        tx.emit(events.TICKET_ISSUED, ticket_id, kode=code, layanan=svc.code, jalur=line.prefix,
                prioritas=priority)
        return ticket_info(ctx, {"id": ticket_id, "code": code, "number": number, "service": service_id,
                                 "status": "menunggu", "priority": priority, "issued_at": tx.now,
                                 "line": line.prefix, "priority_kind": priority_kind})

    return ctx.write(session, Permission.QUEUE_ISSUE, body)


def queue(ctx: Context, session: SessionInfo) -> list[TicketInfo]:
    """The counter's list: tickets called to, served at or parked at this loket, then today's
    waiting tickets of the lines this loket calls from, in the order it would call them, each
    with the people before it and its estimated wait."""

    def body() -> list[TicketInfo]:
        serves: tuple[str, ...] = ()
        run = 0
        if session.counter_id is not None:
            row = Counter.select(Counter.lines, Counter.priority_run).where(Counter.id == session.counter_id).first()
            if row is not None:
                serves, run = counter_lines(row.lines), row.priority_run
        mine = (Ticket.status.in_(["dipanggil", "dilayani", "ditunda"])
                & (Ticket.counter == session.counter_id))
        waiting = (Ticket.status == "menunggu") & (Ticket.target_counter.is_null()
                                                   | (Ticket.target_counter == session.counter_id))
        if serves:
            waiting &= Ticket.line.in_(serves) | (Ticket.target_counter == session.counter_id)
        today = ctx.today()
        tickets = ticket_infos(ctx, (Ticket.office == ctx.office_id) & (Ticket.day == today) & (waiting | mine))
        rates = line_rates(ctx, today, ctx.utc())
        queued = [t for t in tickets if t.status == "menunggu"]
        rows = [{"id": t.id, "line": t.line, "priority": t.priority} for t in queued]
        pooled = positions(ctx, rows, rates)  # a loket serving several lines calls across them
        here = [t.id for t in queued if t.target_counter_no is not None]
        order = here + call_order([(t.id, t.priority) for t in queued if t.target_counter_no is None],
                                  run, ctx.settings.queue.priority_run)
        by_id = {t.id: t for t in queued}
        active = sorted((t for t in tickets if t.status != "menunggu"),
                        key=lambda t: (t.status == "ditunda", t.id))
        result = list(active)
        for ticket_id in order:
            t = by_id[ticket_id]
            rate = rates.get(t.line)
            before = pooled.get(t.id, 0)  # the wait counts the lines sharing its loket too
            result.append(_with_estimate(t, before, rate.wait_minutes(before) if rate else None))
        return result

    return ctx.read(session, Permission.QUEUE_VIEW, body)


def _with_estimate(t: TicketInfo, ahead: int, minutes: int | None) -> TicketInfo:
    return replace(t, ahead=ahead, wait_minutes=minutes)


def waiting_ahead(ctx: Context, ticket_id: int) -> tuple[dict[str, Any], int, int | None]:
    """A ticket's row, how many waiting tickets are called before it (of its line and of the
    lines that share its loket: the citizen counts everyone called first), and its estimated
    wait in minutes. Runs on the caller's connection (models.documents.print_ticket)."""
    t = Ticket.select().where((Ticket.id == ticket_id) & (Ticket.office == ctx.office_id)).dicts().first()
    if t is None:
        raise DeskError("Tiket tidak ditemukan.")
    if t["status"] != "menunggu":
        return t, 0, None
    rates = line_rates(ctx, t["day"], ctx.utc())
    rate = rates.get(t["line"])
    rows = list(Ticket.select(Ticket.id, Ticket.line, Ticket.priority)
                .where((Ticket.office == ctx.office_id) & (Ticket.day == t["day"])
                       & (Ticket.status == "menunggu") & Ticket.target_counter.is_null()
                       & Ticket.line.in_(rate.pool if rate and rate.pool else (t["line"],))).dicts())
    before = positions(ctx, rows, rates).get(t["id"], 0)
    return t, before, rate.wait_minutes(before) if rate else None


def call_next(ctx: Context, session: SessionInfo) -> TicketInfo | None:
    """Call the next waiting ticket to the session's loket: one transferred to this loket
    first, then from the lines it serves, priority interleaved by the office's rule.

    A ticket still only called (not served) at this loket is marked tidak hadir; one being
    served is finished.

    Returns:
        The called ticket, or None when nobody is waiting.
    """
    limit = ctx.settings.queue.priority_run
    # NO KEY UPDATE: a ticket whose PDF is being recorded (a foreign-key share lock) is not skipped
    claim = _CLAIM.format(p=ctx.db.param, skip=" FOR NO KEY UPDATE SKIP LOCKED" if ctx.postgres else "")

    def body(tx: Tx) -> TicketInfo | None:
        if session.counter_id is None:
            raise DeskError("Pilih loket saat masuk untuk memanggil antrean.")
        _release(ctx, tx, session)
        cid = session.counter_id
        params = [cid, session.staff_id, tx.now, tx.now, ctx.office_id, tx.local_now.date(), cid, cid, cid,
                  "%,", ",%", limit, cid, limit, cid]
        row = ctx.db.execute_sql(claim, params).fetchone()
        if row is None:
            return None
        ticket, run = _row(row[:-1]), row[-1] or 0
        new_run = run + 1 if ticket["priority"] else 0
        if new_run != run:
            Counter.update(priority_run=new_run).where(Counter.id == cid).execute()
        tx.audit("panggil", "ticket", ticket["id"], loket=session.counter_no)
        tx.emit(events.TICKET_CALLED, ticket["id"], kode=ticket["code"], loket=session.counter_no,
                jalur=ticket["line"])
        return ticket_info(ctx, ticket, counter_no=session.counter_no, staff_name=session.full_name)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


def _release(ctx: Context, tx: Tx, session: SessionInfo) -> None:
    """Before a new call: the ticket only called here is tidak hadir, the one served is done."""
    released = ctx.db.execute_sql(_RELEASE.format(p=ctx.db.param), (tx.now, session.counter_id)).fetchall()
    for ticket_id, code, status in released:
        if status == "lewat":
            tx.audit("tidak_hadir", "ticket", ticket_id, sebab="panggilan berikutnya")
            tx.emit(events.TICKET_SKIPPED, ticket_id, kode=code, loket=session.counter_no)
        else:
            tx.audit("selesai", "ticket", ticket_id, sebab="panggilan berikutnya")
            tx.emit(events.TICKET_FINISHED, ticket_id, kode=code, loket=session.counter_no)


_TYPED = re.compile(r"^([A-Z]{1,3})?-?0*(\d{1,5})$")


def find_ticket(ctx: Context, session: SessionInfo, typed: str) -> TicketInfo:
    """Today's ticket with a number as a person types it: "A-012", "a12", "A 12", or "12" when
    only one line has that number.

    Raises:
        DeskError: not a ticket number, none today, or the number is in several lines.
    """
    text = "".join((typed or "").upper().split())
    match = _TYPED.match(text)
    if not match:
        raise DeskError("Ketik nomor tiket, misalnya A-12 atau A12.")
    prefix, number = match.group(1), int(match.group(2))

    def body() -> TicketInfo:
        where = (Ticket.office == ctx.office_id) & (Ticket.day == ctx.today()) & (Ticket.number == number)
        if prefix:
            where &= Ticket.code.startswith(prefix + "-")
        found = ticket_infos(ctx, where)
        if prefix:
            found = [t for t in found if t.code.split("-")[0] == prefix]
        if not found:
            raise DeskError(f"Tiket {typed.strip()} tidak ada hari ini.")
        if len(found) > 1:
            codes = ", ".join(t.code for t in found)
            raise DeskError(f"Nomor {number} ada di beberapa jalur ({codes}); ketik dengan hurufnya.")
        return found[0]

    return ctx.read(session, Permission.QUEUE_VIEW, body)


def call_ticket(ctx: Context, session: SessionInfo, ticket_id: int) -> TicketInfo:
    """Call one ticket to this loket: a waiting one out of turn, a parked one back (resume),
    or one marked tidak hadir who came back. Releases this loket's current ticket like
    :func:`call_next`.

    Raises:
        DeskError: finished, not today's, or being served elsewhere.
        PermissionDenied: parked at another loket (only a supervisor may take it over).
    """
    p = ctx.db.param

    def body(tx: Tx) -> TicketInfo:
        if session.counter_id is None:
            raise DeskError("Pilih loket saat masuk untuk memanggil antrean.")
        query = Ticket.select().where((Ticket.id == ticket_id) & (Ticket.office == ctx.office_id))
        if ctx.postgres:
            query = query.for_update()
        t = query.first()
        if t is None:
            raise DeskError("Tiket tidak ditemukan.")
        if t.day != tx.local_now.date():
            raise DeskError(f"Tiket {t.code} bukan tiket hari ini.")
        if t.status == "selesai":
            raise DeskError(f"Tiket {t.code} sudah selesai dilayani.")
        if t.status in ("dipanggil", "dilayani"):
            where = "loket ini" if t.counter_id == session.counter_id else "loket lain"
            raise DeskError(f"Tiket {t.code} sedang {'dipanggil' if t.status == 'dipanggil' else 'dilayani'} "
                            f"di {where}; gunakan ulang panggil.")
        if (t.status == "ditunda" and t.counter_id != session.counter_id
                and not allowed(session, Permission.QUEUE_MANAGE)):
            raise PermissionDenied(f"Tiket {t.code} ditunda di loket lain; hanya loket itu atau "
                                   "supervisor yang dapat melanjutkannya.")
        _release(ctx, tx, session)
        parked = int((tx.now - t.parked_at).total_seconds()) if t.status == "ditunda" and t.parked_at else 0
        sql = (f"UPDATE ticket SET {_CALLED.format(p=p)}, parked_at = NULL, "
               f"parked_seconds = parked_seconds + {p} WHERE id = {p} RETURNING {_TICKET_COLUMNS}")
        row = ctx.db.execute_sql(sql, (session.counter_id, session.staff_id, tx.now, tx.now, parked,
                                       t.id)).fetchone()
        ticket = _row(row)
        action = {"ditunda": "lanjutkan", "lewat": "panggil_kembali"}.get(t.status, "panggil_nomor")
        tx.audit(action, "ticket", t.id, loket=session.counter_no, status_sebelumnya=t.status)
        tx.emit(events.TICKET_CALLED, t.id, kode=t.code, loket=session.counter_no, jalur=t.line)
        return ticket_info(ctx, ticket, counter_no=session.counter_no, staff_name=session.full_name)

    return ctx.write(session, Permission.QUEUE_SERVE, body)


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
