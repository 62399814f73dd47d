# Issued documents are immutable (issue 9): a letter whose data changed after issue gets a new
# version with a new number and the old one is recorded as void with its reason; the hash of
# what a letter printed tells a plain reprint (SALINAN) from a change.
from peewee import *


def up(migrator, db):
    migrator.migrate(
        # (defaults in the database too: rows written by plain SQL get them)
        migrator.add_column("document", "version", IntegerField(default=1, constraints=[SQL("DEFAULT 1")])),
        migrator.add_column("document", "replaces_id", IntegerField(null=True)),
        migrator.add_column("document", "voided_at", DateTimeField(null=True)),
        migrator.add_column("document", "void_reason", TextField(default="", constraints=[SQL("DEFAULT ''")])),
        migrator.add_column("document", "data_hash",
                            CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])),
    )
    # one CURRENT numbered letter per case and kind (a void version stays beside its successor)
    db.execute_sql("DROP INDEX IF EXISTS document_case_letter")
    db.execute_sql("CREATE UNIQUE INDEX document_case_letter ON document (case_id, kind) "
                   "WHERE number IS NOT NULL AND voided_at IS NULL")


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS document_case_letter")
    db.execute_sql("CREATE UNIQUE INDEX document_case_letter ON document (case_id, kind) "
                   "WHERE number IS NOT NULL")
    migrator.migrate(*(migrator.drop_column("document", c) for c in (
        "version", "replaces_id", "voided_at", "void_reason", "data_hash")))
