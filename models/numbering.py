"""Atomic number allocation (tickets, register numbers, letter numbers).

``allocate`` must run inside the caller's transaction, together with the insert that uses the
number. It is one statement: an upsert that creates the counter at 1 or increments it, returning
the new value. SQLite transactions are ``BEGIN IMMEDIATE`` (one writer at a time); on PostgreSQL
the upsert takes a row lock held until commit, so a second allocator waits and then sees the
incremented value. Either way no two processes get the same number, and a rolled-back
transaction gives its number back.
"""

from __future__ import annotations

from models.tables import database

_UPSERT = ("INSERT INTO sequence (scope, period, value) VALUES ({p}, {p}, 1) "
           "ON CONFLICT (scope, period) DO UPDATE SET value = sequence.value + 1 RETURNING value")


def allocate(scope: str, period: str) -> int:
    """Return the next number of ``scope`` in ``period`` (1, 2, 3 ...).

    Args:
        scope: What is numbered, e.g. ``"tiket:1:H"`` or ``"surat:1"``.
        period: The period numbers restart in, e.g. ``"2026-11-23"`` or ``"2026"``.
    """
    sql = _UPSERT.format(p=database.param)
    return database.execute_sql(sql, (scope, period)).fetchone()[0]


def peek(scope: str, period: str) -> int:
    """The number ``allocate`` would return now (another desk may take it first)."""
    sql = "SELECT value FROM sequence WHERE scope = {p} AND period = {p}".format(p=database.param)
    row = database.execute_sql(sql, (scope, period)).fetchone()
    return (row[0] if row else 0) + 1
