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
