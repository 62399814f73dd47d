"""Numbers are allocated atomically: concurrent processes never get duplicates."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from desk.config import Config
from desk.wiring import make_service


def _issue(args):
    config, count = args
    service = make_service(config)
    service.open()
    return [service.issue_ticket(service.principal("kiosk"), "REK-PUB").code for _ in range(count)]


def test_concurrent_processes_get_distinct_ticket_numbers(config: Config, desk_service):
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.map(_issue, [(config, 15)] * 4)
    codes = [c for batch in results for c in batch]
    assert len(codes) == 60
    assert len(set(codes)) == 60, "duplicate ticket numbers under concurrency"
    assert sorted(codes) == [f"H-{n:03d}" for n in range(1, 61)]


def _open(config):
    service = make_service(config)
    return service.open()


@pytest.mark.empty_db
def test_desks_starting_together_on_a_new_database_all_start(config: Config):
    """Four desks opening a database nobody has set up: one applies the migrations, the
    others wait for it and find the schema current; none fails."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        applied = pool.map(_open, [config] * 4)
    with_work = [names for names in applied if names]
    assert len(with_work) == 1, applied
    assert with_work[0][0].startswith("0001")
    service = make_service(config)
    service.open()
    assert len(service.counters()) >= 1


def _decide_and_print(config):
    from models.dto import ApplicantInput

    service = make_service(config)
    service.open()
    service.add_staff(service.principal("sistem"), "petugas_mgt", "Sri Wahyuni", "rahasia123")
    session = service.login("petugas_mgt", "rahasia123", 1)
    applicant = ApplicantInput(kind="organisasi", nik="3520014507800002", name="Sri Wahyuni",
                               address="Jl. Pahlawan 1", desa="Candirejo", kecamatan="Magetan",
                               kabupaten="Magetan", org_name="Yayasan Sejahtera")
    case = service.open_case(session, "REK-PUB", applicant)
    for line in case.checklist:
        if line.required:
            service.set_item(session, case.id, line.item_id, True)
    decided = service.decide(session, case.id)
    letter = service.print_product(session, case.id)
    return decided.case.register_no, letter.number


def test_two_offices_on_one_database_each_keep_their_own_numbers(config: Config, desk_service):
    """A central server shared by two kantor: each starts its register and letters at 1."""
    import dataclasses

    from models.dto import ApplicantInput

    session = desk_service.login("petugas", "petugas123", 1)
    applicant = ApplicantInput(kind="organisasi", nik="6403051507800003", name="Budi Santoso",
                               address="Jl. Mulawarman 12", desa="Timbau",
                               kecamatan="Tenggarong", kabupaten="Kutai Kartanegara",
                               org_name="Yayasan Peduli")
    case = desk_service.open_case(session, "REK-PUB", applicant)
    for line in case.checklist:
        if line.required:
            desk_service.set_item(session, case.id, line.item_id, True)
    ours = desk_service.decide(session, case.id).case.register_no
    our_letter = desk_service.print_product(session, case.id).number
    other = dataclasses.replace(
        config, office=dataclasses.replace(config.office, code="MAGETAN",
                                           name="Dinas Sosial Kabupaten Magetan"))
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        theirs, their_letter = pool.apply(_decide_and_print, (other,))
    assert ours == theirs == "REK-PUB/2026/00001"
    assert our_letter == their_letter


def test_a_desk_opens_while_another_holds_the_write_lock(config: Config, desk_service):
    """Refreshing the planner's statistics at open writes to the database: while another
    desk holds the write lock past the busy timeout the statistics wait, the desk opens."""
    import sqlite3

    from models import db as dbmod

    if not config.db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    path = config.db_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    database = dbmod.make_database(config.db_url)
    try:
        database.connect()
        database.execute_sql("PRAGMA busy_timeout = 50")
        dbmod.optimize(database)  # "database is locked" before the fix
    finally:
        database.close()
        holder.rollback()
        holder.close()
