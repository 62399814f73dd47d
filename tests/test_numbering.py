"""Numbers are allocated atomically: concurrent processes never get duplicates."""

from __future__ import annotations

import multiprocessing as mp

from desk.config import Config
from desk.wiring import make_service


def _issue(args):
    config, count = args
    service = make_service(config)
    service.open()
    return [service.issue_ticket("REK-PUB").code for _ in range(count)]


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
