# Register and letter numbers are unique per office, not across a shared database: two offices
# on one central server each keep their own agenda (REK-PUB/2026/00001 in both is fine).
from peewee import *


def _unique_index_on(db, table, column):
    """The name of the one-column unique index on ``table.column`` (names differ by backend)."""
    for index in db.get_indexes(table):
        if index.unique and index.columns == [column]:
            return index.name
    raise RuntimeError(f"no unique index on {table}.{column}")


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("service_case", _unique_index_on(db, "service_case", "register_no")),
        migrator.add_index("service_case", ("office_id", "register_no"), True),
        # A plain column (SQLite cannot add a foreign-key constraint to an existing table);
        # the model declares the relation. Offices are never deleted.
        migrator.add_column("document", "office_id", IntegerField(null=True)),
    )
    db.execute_sql(
        "UPDATE document SET office_id = (SELECT c.office_id FROM service_case c "
        "WHERE c.id = document.case_id) WHERE case_id IS NOT NULL")
    db.execute_sql(
        "UPDATE document SET office_id = (SELECT t.office_id FROM ticket t "
        "WHERE t.id = document.ticket_id) WHERE office_id IS NULL AND ticket_id IS NOT NULL")
    migrator.migrate(
        migrator.drop_index("document", _unique_index_on(db, "document", "number")),
        migrator.add_index("document", ("office_id", "number"), True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("document", "document_office_id_number"),
        migrator.add_index("document", ("number",), True),
        migrator.drop_column("document", "office_id"),
        migrator.drop_index("service_case", "service_case_office_id_register_no"),
        migrator.add_index("service_case", ("register_no",), True),
    )
