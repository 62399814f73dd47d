# Audit views (issue 11): the audit trail cannot be changed or deleted, not even by a query
# typed past the application: triggers refuse UPDATE and DELETE on audit_log (the application
# itself only ever inserts). TRUNCATE fires no row trigger, and DROP TABLE (SQLite's table
# rebuilds, pg_restore --clean) removes the triggers with the table; the tests empty their
# PostgreSQL schemas with TRUNCATE. Both raise an integrity error (SQLite RAISE(ABORT), a
# PostgreSQL restrict_violation), which peewee reports as IntegrityError.
#
# Reading the trail back (models.auditview) by staff member and by record, newest first, takes
# two more indexes (the office and period one comes from migration 0006).

from peewee import PostgresqlDatabase

_MESSAGE = "jejak audit tidak dapat diubah atau dihapus"

_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
)

# ("%%": the statement goes through psycopg2's parameter formatting; the function says "%")
_POSTGRES = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{_MESSAGE} (%%)', TG_OP USING ERRCODE = 'restrict_violation'; END $$",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)

_INDEXES = (
    "CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_id, at)",
    "CREATE INDEX IF NOT EXISTS audit_log_staff ON audit_log (staff_id, at)",
)


def _postgres(db):
    return isinstance(db, PostgresqlDatabase)


def up(migrator, db):
    for sql in _INDEXES + (_POSTGRES if _postgres(db) else _SQLITE):
        db.execute_sql(sql)


def down(migrator, db):
    if _postgres(db):
        db.execute_sql("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        db.execute_sql("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        db.execute_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
        db.execute_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
    db.execute_sql("DROP INDEX IF EXISTS audit_log_staff")
    db.execute_sql("DROP INDEX IF EXISTS audit_log_entity")
