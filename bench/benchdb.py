"""What the bench scripts share: the database a bench runs on, timing, percentiles."""

from __future__ import annotations

import math
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote


@contextmanager
def fresh_database(url: str, tmp: Path) -> Iterator[str]:
    """Yield the URL to run on: a new SQLite file (no URL), the given SQLite file, or a fresh
    schema on the given PostgreSQL server (dropped afterwards)."""
    if not url:
        yield f"sqlite:///{tmp / 'desk.db'}"
        return
    if not url.startswith(("postgres://", "postgresql://")):
        yield url
        return
    import psycopg2

    schema = "bench_" + uuid.uuid4().hex[:10]
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote('-csearch_path=' + schema)}"
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()


def timed(fn, runs: int = 20) -> float:
    """Median milliseconds of ``fn()`` over ``runs`` calls."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


def walk_to_issue(service, session, case_id: int, finish=None) -> None:
    """Finish a lengkap case's back-office steps until its product letter may be issued (the
    rekomendasi: after step 3), as the bidang would; ``finish`` wraps each finish_step call
    (a bench timing it), default a plain call."""
    from models.issuing import gate, product_kind

    detail = service.case(session, case_id, record_view=False)
    svc = service.catalog.get(detail.service.code)
    spec = svc.document(product_kind(svc))
    finish = finish or (lambda *args, **kwargs: service.finish_step(*args, **kwargs))
    while spec is not None and gate(detail, spec) and detail.current_step is not None:
        running = detail.current_step
        detail = finish(session, case_id, outcome=True if running.decision_question else None,
                        step_no=running.no)
