"""The database a bench runs on (shared by the bench scripts)."""

from __future__ import annotations

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
