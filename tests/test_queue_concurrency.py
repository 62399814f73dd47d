"""Sixteen loket at once on one database: each desk process issues, calls, transfers some and
finishes; afterwards no number was given twice, no ticket was at two loket at once, and no
ticket or call was lost."""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from desk.wiring import make_service
from models.tables import AuditLog, Ticket

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 16
SECONDS = 3.0

_LOKET = r"""
import json, pickle, random, sys, time
from desk.wiring import make_service
config, no, seconds = pickle.loads(bytes.fromhex(sys.argv[1]))
service = make_service(config)
service.open()
session = service.login(f"loket{no:02d}", "loket12345", no)
kiosk = service.principal("kiosk")
rng = random.Random(no)
codes = ("REK-PUB", "REK-LKS", "VETERAN")
log = {"issued": [], "calls": [], "transfers": 0, "errors": []}
print("ready", flush=True)
sys.stdin.readline()  # every loket starts together
end = time.time() + seconds
while time.time() < end:
    try:
        log["issued"].append(service.issue_ticket(kiosk, rng.choice(codes), priority=rng.random() < 0.2).id)
        begin = time.time()
        ticket = service.call_next(session)
        got = time.time()
        if ticket is None:
            continue
        call = {"id": ticket.id, "code": ticket.code, "got": got, "begin": begin}
        log["calls"].append(call)
        call["release"] = time.time()
        roll = rng.random()
        if roll < 0.15:
            service.transfer_ticket(session, ticket.id, service_code=rng.choice(codes))
            log["transfers"] += 1
        elif roll < 0.25:
            service.transfer_ticket(session, ticket.id, counter_no=rng.choice([n for n in range(1, 17) if n != no]))
            log["transfers"] += 1
        else:
            service.start_serving(session, ticket.id)
            service.finish_ticket(session, ticket.id)
    except Exception as exc:  # noqa: BLE001 - reported, the test fails on any
        log["errors"].append(f"{type(exc).__name__}: {exc}")
print(json.dumps(log))
"""


def test_sixteen_loket_never_share_a_ticket_or_a_number(config, desk_service):
    config = dataclasses.replace(config, office=dataclasses.replace(config.office, counters=PROCESSES))
    service = make_service(config)
    service.open()  # adds the loket 4..16
    system = service.principal("sistem")
    for no in range(1, PROCESSES + 1):
        service.add_staff(system, f"loket{no:02d}", f"Petugas Loket {no}", "loket12345")
    procs = [subprocess.Popen([sys.executable, "-c", _LOKET, pickle.dumps((config, no, SECONDS)).hex()],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for no in range(1, PROCESSES + 1)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-2000:]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    logs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        logs.append(json.loads(out.strip().splitlines()[-1]))
    assert [e for log in logs for e in log["errors"]] == []
    with service.db.connection_context():
        tickets = {t.id: t for t in Ticket.select()}
        calls_recorded = defaultdict(int)
        for row in AuditLog.select().where((AuditLog.entity == "ticket") & (AuditLog.action == "panggil")):
            calls_recorded[row.entity_id] += 1
    service.close()

    issued = [i for log in logs for i in log["issued"]]
    assert len(issued) > 100  # the processes really worked at once
    assert set(issued) <= set(tickets)  # no ticket lost
    codes = [(t.day, t.code) for t in tickets.values()]
    assert len(codes) == len(set(codes))  # no number twice a day
    calls = defaultdict(list)
    for no, log in enumerate(logs, 1):
        for call in log["calls"]:
            calls[call["id"]].append((call["got"], call["release"], no))
    # every call a loket got back is recorded, and a ticket is called once per wait
    assert {i: len(c) for i, c in calls.items()} == {i: n for i, n in calls_recorded.items() if n}
    assert all(len(c) <= tickets[i].transfer_count + 1 for i, c in calls.items())
    # no two loket held the same ticket at once: a later call came back only after the earlier
    # holder started handing it on
    for held in calls.values():
        held.sort()
        for (_, released, _), (got, _, _) in itertools.pairwise(held):
            assert got > released
    transferred = sum(log["transfers"] for log in logs)
    assert transferred > 0
    assert sum(t.transfer_count for t in tickets.values()) == transferred
