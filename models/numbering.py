"""Atomic number allocation (tickets, register numbers, letter numbers).

``allocate`` must run inside the caller's transaction (``db.atomic()``), together with the insert
that uses the number. SQLite transactions are ``BEGIN IMMEDIATE`` (one writer at a time);
on PostgreSQL the UPDATE takes a row lock held until commit, so a second allocator waits and then
sees the incremented value. Either way no two processes get the same number.
"""

from __future__ import annotations

from models.tables import Sequence


def allocate(scope: str, period: str) -> int:
    """Return the next number of ``scope`` in ``period`` (1, 2, 3 ...).

    Args:
        scope: What is numbered, e.g. ``"tiket:1:H"`` or ``"surat:1"``.
        period: The period numbers restart in, e.g. ``"2026-11-23"`` or ``"2026"``.
    """
    Sequence.insert(scope=scope, period=period, value=0).on_conflict_ignore().execute()
    (Sequence.update(value=Sequence.value + 1)
     .where((Sequence.scope == scope) & (Sequence.period == period))
     .execute())
    return (Sequence.select(Sequence.value)
            .where((Sequence.scope == scope) & (Sequence.period == period))
            .scalar())
