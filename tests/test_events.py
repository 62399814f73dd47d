"""Events between processes: a change committed by one desk process reaches another at once,
in order, with nothing skipped; old events are pruned."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
import time
from pathlib import Path

from models import events
from models.tables import Event

ROOT = Path(__file__).resolve().parent.parent

_OTHER_DESK = r"""
import pickle, sys
from desk.wiring import make_service
service = make_service(pickle.loads(bytes.fromhex(sys.argv[1])))
service.open()
session = service.login("petugas2", "petugas123", 2)
kiosk = service.principal("kiosk")
for _ in range(int(sys.argv[2])):
    service.issue_ticket(kiosk, "REK-PUB")
called = service.call_next(session)
print(called.code)
"""


def _collect(feed: events.EventFeed, want: int, seconds: float) -> list:
    got: list = []
    deadline = time.monotonic() + seconds
    while len(got) < want and time.monotonic() < deadline:
        got += feed.wait(0.2)
    return got


def test_another_process_sees_every_event_in_order(config, desk_service):
    """Another desk process issues 30 tickets and calls one; this process's feed receives all
    31 events in commit order (the waiting-room board follows calls this way)."""
    feed = desk_service.event_feed()
    assert feed.wait(0.1) == []  # connected, positioned after what is already there
    subprocess.run([sys.executable, "-c", _OTHER_DESK, pickle.dumps(config).hex(), "30"], cwd=ROOT,
                   check=True, timeout=120, capture_output=True)
    got = _collect(feed, 31, 10)
    feed.close()
    assert [e.kind for e in got] == ["ticket.issued"] * 30 + ["ticket.called"]
    assert [e.payload["kode"] for e in got[:30]] == [f"H-{n:03d}" for n in range(1, 31)]
    assert got[-1].payload == {"kode": "H-001", "loket": 2, "jalur": "H"}
    assert [e.id for e in got] == sorted(e.id for e in got)


def test_an_event_arrives_within_a_moment(config, desk_service, session):
    """The delay from commit to delivery is well under the board's 250 ms (a generous bound
    here: the bench measures the percentiles)."""
    feed = desk_service.event_feed()
    feed.wait(0.05)
    start = time.monotonic()
    desk_service.issue_ticket(session, "REK-PUB")
    got = _collect(feed, 1, 5)
    elapsed = time.monotonic() - start
    feed.close()
    assert [e.kind for e in got] == ["ticket.issued"]
    assert elapsed < 1.0


def test_events_of_other_offices_are_not_delivered(config, desk_service, session):
    import dataclasses

    from desk.wiring import make_service

    other = make_service(dataclasses.replace(
        config, office=dataclasses.replace(config.office, code="MAGETAN", name="Dinsos Magetan")))
    other.open()
    feed = desk_service.event_feed()
    feed.wait(0.05)
    other.issue_ticket(other.principal("kiosk"), "REK-PUB")
    desk_service.issue_ticket(session, "REK-LKS")
    got = _collect(feed, 1, 5)
    assert feed.wait(0.3) == []
    feed.close()
    other.close()
    assert [(e.kind, e.payload["kode"]) for e in got] == [("ticket.issued", "G-001")]


def test_a_feed_interrupted_returns_at_once(desk_service):
    feed = desk_service.event_feed()
    feed.wait(0.05)
    feed.interrupt()
    start = time.monotonic()
    assert feed.wait(5) == []
    assert time.monotonic() - start < 0.5
    feed.close()


def test_old_events_are_pruned(desk_service, session, clock):
    desk_service.issue_ticket(session, "REK-PUB")
    clock.advance(days=events.KEEP_DAYS + 1)
    desk_service.issue_ticket(session, "REK-PUB")
    with desk_service.db.connection_context():
        assert Event.select().count() == 2
    assert events.prune(desk_service.ctx) == 1
    with desk_service.db.connection_context():
        left = list(Event.select())
    assert len(left) == 1
    assert left[0].at > (clock() - dt.timedelta(days=1)).astimezone(dt.timezone.utc).replace(tzinfo=None)


_WRITER = r"""
import pickle, sys
from desk.wiring import make_service
service = make_service(pickle.loads(bytes.fromhex(sys.argv[1])))
service.open()
kiosk = service.principal("kiosk")
for _ in range(int(sys.argv[3])):
    service.issue_ticket(kiosk, sys.argv[2])
"""


def test_no_event_is_lost_when_several_desks_commit_at_once(config, desk_service):
    """Three desk processes issue tickets as fast as they can while another office's desk
    does too: every event of this office is delivered exactly once."""
    import dataclasses

    from desk.wiring import make_service

    branch = dataclasses.replace(config, office=dataclasses.replace(config.office, code="MAGETAN"))
    make_service(branch).open()
    feed = desk_service.event_feed()
    feed.wait(0.05)
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, pickle.dumps(c).hex(), code, "80"], cwd=ROOT)
               for c, code in ((config, "REK-PUB"), (config, "REK-LKS"), (config, "VETERAN"),
                               (branch, "REK-PUB"))]
    got: list = []
    while any(w.poll() is None for w in writers):
        got += feed.wait(0.05)
    got += _collect(feed, 240 - len(got), 5)
    feed.close()
    assert all(w.returncode == 0 for w in writers)
    codes = [e.payload["kode"] for e in got]
    assert len(codes) == len(set(codes)) == 240
    assert {c[0] for c in codes} == {"H", "G", "I"}
