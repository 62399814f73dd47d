"""Schema upgrades: an older database is upgraded in place without losing data."""

from __future__ import annotations

from playhouse.migrations import Runner

from models import db as dbmod


def test_database_at_first_migration_upgrades_and_keeps_its_rows(db_url):
    db = dbmod.make_database(db_url)
    dbmod.bind(db)
    with db.connection_context():
        Runner(db, str(dbmod.MIGRATIONS_DIR)).up(target="0001_initial")
        db.execute_sql("INSERT INTO office (code, name, kabupaten, timezone, created_at) "
                       "VALUES ('LAMA', 'Kantor Lama', 'Magetan', 'Asia/Jakarta', '2025-01-02 03:04:05')")
        assert "0002_case_verify_started_at" in dbmod.pending_migrations(db)
        applied = dbmod.migrate(db)
        assert applied[:4] == ["0002_case_verify_started_at", "0003_case_outcome",
                               "0004_numbers_per_office", "0005_case_applicant_data"]
        unique = {tuple(i.columns) for t in ("service_case", "document")
                  for i in db.get_indexes(t) if i.unique}
        assert ("office_id", "register_no") in unique and ("office_id", "number") in unique
        assert ("register_no",) not in unique and ("number",) not in unique
        assert dbmod.pending_migrations(db) == []
        columns = {c.name for c in db.get_columns("service_case")}
        assert {"verify_started_at", "outcome"} <= columns
        assert db.execute_sql("SELECT name FROM office WHERE code = 'LAMA'").fetchone()[0] == "Kantor Lama"
        assert dbmod.migrate(db) == []  # idempotent
