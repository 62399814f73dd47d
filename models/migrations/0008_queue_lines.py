# The complete queue (issue 7): queue lines per office, priority groups and the interleave rule,
# first call / parking / transfer times per ticket, and which lines each loket calls from.
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("ticket", "line", CharField(max_length=4, default="")),
        migrator.add_column("ticket", "priority_kind", CharField(max_length=16, default="")),
        migrator.add_column("ticket", "first_called_at", DateTimeField(null=True)),
        migrator.add_column("ticket", "parked_at", DateTimeField(null=True)),
        migrator.add_column("ticket", "parked_seconds", IntegerField(default=0)),
        # a plain column (SQLite cannot add a foreign-key constraint to an existing table)
        migrator.add_column("ticket", "target_counter_id", IntegerField(null=True)),
        migrator.add_column("ticket", "transfer_count", IntegerField(default=0)),
        migrator.add_column("counter", "lines", CharField(max_length=60, default="")),
        migrator.add_column("counter", "priority_run", IntegerField(default=0)),
    )
    p = db.param
    # tickets issued before the upgrade wait in the line of their code's prefix
    tickets = db.execute_sql("SELECT id, code, called_at FROM ticket").fetchall()
    for ticket_id, code, called_at in tickets:
        db.execute_sql(f"UPDATE ticket SET line = {p}, first_called_at = {p} WHERE id = {p}",
                       ((code or "").split("-")[0][:4], called_at, ticket_id))
    # queue statistics read finished tickets of a period per office
    migrator.migrate(migrator.add_index("ticket", ("office_id", "issued_at"), False))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("ticket", "ticket_office_id_issued_at"),
        *(migrator.drop_column("ticket", c) for c in (
            "line", "priority_kind", "first_called_at", "parked_at", "parked_seconds",
            "target_counter_id", "transfer_count")),
        migrator.drop_column("counter", "lines"),
        migrator.drop_column("counter", "priority_run"),
    )
