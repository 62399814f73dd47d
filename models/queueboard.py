"""What the waiting-room board and the kiosk read: the latest call per loket, the last calls,
and each line's waiting count and estimated wait.

A board reads this once at start and again after each ticket event (models.events), in three
queries, so many boards cost the database little.
"""

from __future__ import annotations

from peewee import fn

from models.dto import SessionInfo
from models.kernel import Context
from models.permissions import Permission
from models.queuedto import BoardCall, BoardState, QueueLineInfo
from models.queuelines import line_rates, lines
from models.settings import tz_label
from models.tables import Counter, Ticket


def queue_lines(ctx: Context, session: SessionInfo) -> list[QueueLineInfo]:
    """The office's lines with how many wait now and the wait for a ticket taken now."""
    return ctx.read(session, Permission.QUEUE_VIEW, lambda: _lines(ctx))


def _lines(ctx: Context) -> list[QueueLineInfo]:
    today = ctx.today()
    counts = dict(Ticket.select(Ticket.line, fn.COUNT(Ticket.id))
                  .where((Ticket.office == ctx.office_id) & (Ticket.day == today) & (Ticket.status == "menunggu"))
                  .group_by(Ticket.line).tuples())
    rates = line_rates(ctx, today, ctx.utc())
    result = []
    for line in lines(ctx):
        waiting = counts.get(line.prefix, 0)
        rate = rates.get(line.prefix)
        # a ticket taken now waits behind everyone waiting in the lines its loket call from
        ahead = sum(counts.get(p, 0) for p in rate.pool) if rate and rate.pool else waiting
        result.append(QueueLineInfo(prefix=line.prefix, name=line.name, services=line.services,
                                    waiting=waiting, wait_minutes=rate.wait_minutes(ahead) if rate else None,
                                    ahead=ahead))
    return result


def board_state(ctx: Context, session: SessionInfo) -> BoardState:
    """The board's picture now."""

    def body() -> BoardState:
        today = ctx.today()
        counters = list(Counter.select(Counter.id, Counter.number, Counter.name)
                        .where((Counter.office == ctx.office_id) & Counter.active).order_by(Counter.number).tuples())
        rows = (Ticket.select(Ticket.id, Ticket.code, Ticket.counter, Ticket.service, Ticket.called_at,
                              Ticket.status)
                .where((Ticket.office == ctx.office_id) & (Ticket.day == today)
                       & Ticket.called_at.is_null(False) & Ticket.counter.is_null(False)
                       # a ticket transferred back to waiting is no longer that loket's call
                       & (Ticket.status != "menunggu"))
                .order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(60).tuples())
        names = {cid: (number, name) for cid, number, name in counters}
        calls: list[BoardCall] = []
        for ticket_id, code, counter_id, service_id, called_at, status in rows:
            if counter_id not in names:
                continue
            number, name = names[counter_id]
            svc = ctx.service_by_row(service_id)
            calls.append(BoardCall(ticket_id=ticket_id, code=code, counter_no=number,
                                   counter_name=name or f"Loket {number}",
                                   service_name=svc.short_name if svc else "",
                                   called_at=ctx.local(called_at), status=status))
        latest: dict[int, BoardCall] = {}
        for call in calls:
            latest.setdefault(call.counter_no, call)
        settings = ctx.settings
        text = settings.queue.running_text or (
            f"Selamat datang di {settings.name}. Silakan ambil nomor antrean dan tunggu nomor Anda "
            "dipanggil. Layanan ini GRATIS, tidak dipungut biaya.")
        return BoardState(
            office_name=settings.name, tz_label=tz_label(settings.timezone), now=ctx.now(),
            counters=tuple((number, name or f"Loket {number}", latest.get(number)) for _, number, name in counters),
            recent=tuple(calls[:max(1, settings.queue.board_recent)]), lines=tuple(_lines(ctx)),
            running_text=text)

    return ctx.read(session, Permission.QUEUE_VIEW, body)
