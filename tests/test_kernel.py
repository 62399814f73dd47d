"""The domain kernel: permissions checked in the domain, the statement budget of a counter
action, pooled connections, and what a write transaction may not contain."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.desk import DeskService
from models.dto import ApplicantInput, DeskError, SessionInfo
from models.permissions import ROLE_PERMISSIONS, Permission, PermissionDenied
from casesteps import until_issuable

ROOT = Path(__file__).resolve().parent.parent

ORG = ApplicantInput(
    kind="organisasi", nik="6403051507800003", name="Budi Santoso", address="Jl. Mulawarman No. 12",
    desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara", phone="081234567890",
    org_name="Yayasan Peduli Sesama",
)

#: Statements each call of the counter action may send (README "Statement budget").
BUDGET = {"issue_ticket": 4, "call_next": 5, "open_case": 6, "set_item": 2, "decide": 9,
          "print_product": 7}  # (7: whether a letter may be issued yet reads the case's step runs;
#                               9: decide counts the counter steps in the dashboard's summaries)
#: The whole action: ticket, call, open case, 6 ticks, decide, letter.
ACTION_BUDGET = 42  # (print_product reads step runs, decide counts the steps: see BUDGET)


def _sign_in(desk: DeskService, username: str, password: str, counter: int | None) -> SessionInfo:
    return desk.login(username, password, counter)


# -- permissions ------------------------------------------------------------------------------------

def test_a_petugas_cannot_change_office_settings_but_an_admin_can(desk_service, session):
    with pytest.raises(PermissionDenied, match="petugas tidak berwenang mengubah pengaturan kantor"):
        desk_service.rename_counter(session, 1, "Loket Prioritas")
    admin = _sign_in(desk_service, "admin", "admin12345", None)
    assert desk_service.rename_counter(admin, 1, "Loket Prioritas").name == "Loket Prioritas"
    assert desk_service.counters()[0].name == "Loket Prioritas"


def test_a_petugas_cannot_end_another_lokets_ticket_a_supervisor_can(desk_service, session):
    kiosk = desk_service.principal("kiosk")
    desk_service.issue_ticket(kiosk, "REK-PUB")
    desk_service.issue_ticket(kiosk, "REK-PUB")
    other = _sign_in(desk_service, "petugas2", "petugas123", 2)
    at_two = desk_service.call_next(other)
    for end in (desk_service.skip_ticket, desk_service.finish_ticket, desk_service.recall):
        with pytest.raises(PermissionDenied, match="loket lain"):
            end(session, at_two.id)
    supervisor = _sign_in(desk_service, "supervisor", "supervisor123", 1)
    ended = desk_service.skip_ticket(supervisor, at_two.id)
    assert ended.status == "lewat"
    # and at their own loket a petugas ends their own ticket
    mine = desk_service.call_next(session)
    assert desk_service.finish_ticket(session, mine.id).status == "selesai"


def test_a_petugas_cannot_read_per_staff_figures_a_supervisor_can(desk_service, session, clock):
    desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    desk_service.call_next(session)
    today = clock().date()
    with pytest.raises(PermissionDenied, match="angka per petugas"):
        desk_service.staff_figures(session, today, today)
    supervisor = _sign_in(desk_service, "supervisor", "supervisor123", None)
    figures = {f.username: f for f in desk_service.staff_figures(supervisor, today, today)}
    assert figures["petugas"].tickets_called == 1
    assert figures["petugas2"].tickets_called == 0


def test_machine_principals_do_only_what_they_are_for(desk_service):
    kiosk, board, public = (desk_service.principal(r) for r in ("kiosk", "papan", "publik"))
    ticket = desk_service.issue_ticket(kiosk, "REK-PUB")
    assert ticket.code == "H-001"
    with pytest.raises(PermissionDenied):
        desk_service.open_case(kiosk, "REK-PUB", ORG)
    with pytest.raises(PermissionDenied):
        desk_service.search(public, "Budi")
    with pytest.raises(PermissionDenied):
        desk_service.issue_ticket(board, "REK-PUB")
    assert desk_service.queue(board)[0].code == "H-001"
    assert desk_service.verify_letter(public, "ABCD-EFGH") is None


def test_no_session_is_no_permission(desk_service):
    with pytest.raises(PermissionDenied, match="Masuk dulu"):
        desk_service.issue_ticket(None, "REK-PUB")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        desk_service.case(None, 1)  # type: ignore[arg-type]


def test_a_session_of_another_office_is_refused(desk_service, session):
    import dataclasses

    stranger = dataclasses.replace(session, office_id=session.office_id + 99)
    with pytest.raises(DeskError, match="kantor lain"):
        desk_service.issue_ticket(stranger, "REK-PUB")


def test_every_public_domain_call_takes_the_session_first():
    """Calls anonymous by nature are the process starting (open ...) and signing in; every
    other public call takes the session as its first argument."""
    anonymous = {"open", "warm_up", "principal", "office_info", "office_name", "counters", "now",
                 "event_feed", "login", "close"}
    for name, member in inspect.getmembers(DeskService, inspect.isfunction):
        if name.startswith("_") or name in anonymous:
            continue
        params = list(inspect.signature(member).parameters)
        assert params[:2] == ["self", "session"], f"{name}{params}"


def test_the_role_table_names_each_role_and_admin_holds_everything():
    assert set(ROLE_PERMISSIONS) >= {"petugas", "supervisor", "admin", "verifikator", "pekerja_sosial",
                                     "kepala_bidang", "kepala_dinas", "kiosk", "papan", "publik", "sistem"}
    assert ROLE_PERMISSIONS["admin"] == frozenset(Permission)
    assert Permission.OFFICE_SETTINGS not in ROLE_PERMISSIONS["petugas"]
    assert Permission.REPORT_STAFF not in ROLE_PERMISSIONS["petugas"]
    assert Permission.QUEUE_MANAGE in ROLE_PERMISSIONS["supervisor"]


# -- the statement budget and connections -----------------------------------------------------------

def _counter_action(desk: DeskService, session: SessionInfo) -> dict[str, int]:
    """Ticket, call, open case, 6 ticks, decide, letter; statements per call."""
    spent: dict[str, int] = {}

    def measure(name: str, call):
        before = desk.ctx.statements
        result = call()
        spent[name] = spent.get(name, 0) + desk.ctx.statements - before
        return result

    ticket = measure("issue_ticket", lambda: desk.issue_ticket(session, "REK-PUB"))
    called = measure("call_next", lambda: desk.call_next(session))
    assert called.id == ticket.id
    case = measure("open_case", lambda: desk.open_case(session, "REK-PUB", ORG, ticket_id=ticket.id))
    required = [line for line in case.checklist if line.required]
    assert len(required) == 6
    for line in required:
        measure("set_item", lambda line=line: desk.set_item(session, case.id, line.item_id, True))
    decided = measure("decide", lambda: desk.decide(session, case.id))
    assert decided.lengkap and decided.case.register_no
    until_issuable(desk, session, case.id)  # (the back office's steps: not a counter action)
    letter = measure("print_product", lambda: desk.print_product(session, case.id))
    assert letter.number and Path(letter.path).exists()
    return spent


def test_a_counter_action_stays_within_its_statement_budget(desk_service, session):
    desk_service.warm_up()
    _counter_action(desk_service, session)  # the first one also fills the pool and caches
    spent = _counter_action(desk_service, session)
    per_call = {name: BUDGET[name] * (6 if name == "set_item" else 1) for name in BUDGET}
    over = {name: (spent[name], per_call[name]) for name in spent if spent[name] > per_call[name]}
    assert not over, f"over budget (spent, budget): {over}"
    assert sum(spent.values()) <= ACTION_BUDGET, spent


def test_calls_reuse_pooled_connections(desk_service, session):
    _counter_action(desk_service, session)
    opened = desk_service.db.opened
    _counter_action(desk_service, session)
    desk_service.search(session, "Yayasan")
    assert desk_service.db.opened == opened  # not one new connection for a whole action


def test_a_burst_of_workers_leaves_two_connections_idle(desk_service, session):
    """Workers borrowing at once get a connection each; given back, all but POOL_IDLE close
    (each of 50 branch desks would otherwise keep up to POOL_SIZE open on the server)."""
    import threading

    from models.db import POOL_IDLE

    db = desk_service.db
    together = threading.Barrier(6)

    def borrow() -> None:
        with db.connection_context():
            together.wait(10)
            db.execute_sql("SELECT 1")

    workers = [threading.Thread(target=borrow) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(db._connections) == POOL_IDLE == 2 and not db._in_use
    opened = db.opened
    desk_service.search(session, "Yayasan")
    assert db.opened == opened  # an idle one is lent again


def test_the_case_read_is_two_statements_without_lazy_loads(desk_service, session):
    case = desk_service.open_case(session, "REK-PUB", ORG)
    before = desk_service.ctx.statements
    detail = desk_service.case(session, case.id, record_view=False)
    assert desk_service.ctx.statements - before == 2
    assert detail.applicant.org_name == "Yayasan Peduli Sesama"


# -- what a write transaction may not contain ---------------------------------------------------------

_PROBE = r"""
import json, sys, pickle
import models.kernel as kernel
from desk.wiring import make_service
from models.dto import ApplicantInput

inside = []
found = {"imports": [], "render": [], "print": []}
real_write = kernel.Context.write

def write(self, session, permission, body):
    def watched(tx):
        before = set(sys.modules)
        inside.append(True)
        try:
            return body(tx)
        finally:
            inside.pop()
            found["imports"] += sorted(set(sys.modules) - before)
    return real_write(self, session, permission, watched)

kernel.Context.write = write
import output.documents as docs
for name in ("render_letter", "render_slip", "render_receipt", "render_ticket"):
    real = getattr(docs, name)
    def wrapped(*a, _real=real, _name=name, **k):
        if inside:
            found["render"].append(_name)
        return _real(*a, **k)
    setattr(docs, name, wrapped)
import models.printing as printing
real_send = printing.send
def send(*a, **k):
    if inside:
        found["print"].append("send")
    return real_send(*a, **k)
printing.send = send

config = pickle.loads(bytes.fromhex(sys.argv[1]))
service = make_service(config)
service.open()
session = service.login("petugas", "petugas123", 1)
ticket = service.issue_ticket(session, "REK-PUB")
service.print_ticket(session, ticket.id)
service.call_next(session)
org = ApplicantInput(kind="organisasi", nik="6403051507800003", name="Budi", address="Jl. A",
                     desa="Timbau", kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
                     org_name="Yayasan A")
case = service.open_case(session, "REK-PUB", org, ticket_id=ticket.id)
service.set_item(session, case.id, case.checklist[0].item_id, True)
service.decide(session, case.id)                      # tidak lengkap: a slip
for line in case.checklist:
    service.set_item(session, case.id, line.item_id, True)
service.decide(session, case.id)                      # lengkap: register, steps, due times
service.print_product(session, case.id)               # a letter
print(json.dumps(found))
"""


def test_no_import_rendering_or_printing_inside_a_write_transaction(config, desk_service):
    """In a fresh process (nothing imported yet), a whole counter action with a slip, a
    decision and a letter: no module is imported, no PDF rendered and nothing printed while
    a write transaction holds its lock."""
    import dataclasses
    import pickle

    config = dataclasses.replace(config, office=dataclasses.replace(config.office, print_command="true"))
    result = subprocess.run([sys.executable, "-c", _PROBE, pickle.dumps(config).hex()], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"imports": [], "render": [], "print": []}


# -- review findings kept as regressions ------------------------------------------------------------

def test_without_a_loket_a_petugas_cannot_serve_another_lokets_ticket(desk_service, session):
    ticket = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    desk_service.call_next(session)  # called to loket 1
    roaming = desk_service.login("petugas2", "petugas123", None)
    with pytest.raises(PermissionDenied, match="Pilih loket"):
        desk_service.open_case(roaming, "REK-PUB", ORG, ticket_id=ticket.id)
    supervisor = desk_service.login("supervisor", "supervisor123", None)
    assert desk_service.open_case(supervisor, "REK-PUB", ORG, ticket_id=ticket.id).ticket_code == ticket.code


def test_event_ids_never_restart_after_a_long_break(desk_service, session, clock):
    """Lebaran: a week without work, every event pruned; a desk left running still sees the
    next ticket (SQLite would otherwise hand out id 1 again)."""
    from models import events

    for _ in range(3):
        desk_service.issue_ticket(session, "REK-PUB")
    feed = desk_service.event_feed()
    feed.wait(0.05)
    clock.advance(days=8)
    events.prune(desk_service.ctx)
    ticket = desk_service.issue_ticket(session, "REK-PUB")
    got = []
    for _ in range(20):
        got += feed.wait(0.1)
        if got:
            break
    feed.close()
    assert [e.payload["kode"] for e in got] == [ticket.code]


@pytest.mark.skipif(not __import__("os").environ.get("DESK_TEST_DB"), reason="PostgreSQL row locks")
def test_a_ticket_whose_pdf_is_being_recorded_is_still_called(desk_service, session, db_url):
    """Recording a ticket's PDF takes a key-share lock on the ticket (the foreign key); calling
    must not skip it for that (FOR NO KEY UPDATE SKIP LOCKED)."""
    import psycopg2
    from urllib.parse import parse_qs, urlparse

    ticket = desk_service.issue_ticket(desk_service.principal("kiosk"), "REK-PUB")
    url = urlparse(db_url)
    options = parse_qs(url.query).get("options", [""])[0]
    conn = psycopg2.connect(host=url.hostname, port=url.port, user=url.username, dbname=url.path[1:],
                            options=options)
    try:
        with conn.cursor() as cur:  # a desk in the middle of recording the ticket's PDF
            cur.execute("INSERT INTO document (office_id, ticket_id, kind, title, path, verification_code, "
                        "created_at) VALUES (%s, %s, 'tiket', 'Tiket', '/x.pdf', '', now())",
                        (desk_service.office_id, ticket.id))
            called = desk_service.call_next(session)
        assert called is not None and called.id == ticket.id
    finally:
        conn.rollback()
        conn.close()
