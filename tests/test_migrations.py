"""Schema upgrades: an older database is upgraded in place without losing data."""

from __future__ import annotations

import json

import pytest

from playhouse.migrations import Runner

from models import db as dbmod


#: every test here starts from a database without schema
pytestmark = pytest.mark.empty_db


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


def test_upgrade_keeps_every_case_with_its_answers_steps_and_documents(db_url):
    """A database from the first release with a case in progress: upgrading to the current
    schema keeps the case, its checklist answers, step runs, documents and audit rows (SQLite
    rebuilds tables for some column changes; nothing may cascade away)."""
    db = dbmod.make_database(db_url)
    dbmod.bind(db)
    now = "'2025-01-02 03:04:05'"
    with db.connection_context():
        Runner(db, str(dbmod.MIGRATIONS_DIR)).up(target="0001_initial")
        for sql in (
            f"INSERT INTO office (code, name, kabupaten, timezone, created_at) VALUES ('LAMA', 'Kantor Lama', 'Magetan', 'Asia/Jakarta', {now})",
            f"INSERT INTO staff (office_id, username, full_name, role, nip, password_hash, active, created_at) VALUES (1, 'rina', 'Rina', 'petugas', '', 'x', TRUE, {now})",
            f"INSERT INTO service (code, name, prefix, active, catalog_hash, updated_at) VALUES ('REK-PUB', 'Rekomendasi', 'H', TRUE, '', {now})",
            f"INSERT INTO applicant (kind, nik, name, sex, address, desa, kecamatan, kabupaten, phone, org_name, created_at, updated_at) VALUES ('perorangan', '3520014507800002', 'Sri', 'P', '', '', '', '', '', '', {now}, {now})",
            f"INSERT INTO service_case (office_id, service_id, applicant_id, register_no, status, conditions, created_by_id, created_at, updated_at) VALUES (1, 1, 1, 'REK-PUB/2025/00001', 'diproses', '{{}}', 1, {now}, {now})",
            f"INSERT INTO checklist_answer (case_id, item_id, received, note, updated_at) VALUES (1, 'akta', TRUE, 'asli', {now})",
            f"INSERT INTO step_run (case_id, step_no, started_at, started_by_id) VALUES (1, 3, {now}, 1)",
            f"INSERT INTO document (case_id, kind, title, number, path, verification_code, created_at) VALUES (1, 'rekomendasi', 'Rekomendasi', '400/0001/2025', '/x.pdf', 'ABCD-EFGH', {now})",
        ):
            db.execute_sql(sql)
        dbmod.migrate(db)
        assert dbmod.pending_migrations(db) == []
        counts = {t: db.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("service_case", "checklist_answer", "step_run", "document")}
        assert counts == {"service_case": 1, "checklist_answer": 1, "step_run": 1, "document": 1}
        row = db.execute_sql("SELECT register_no, status, outcome, applicant_data FROM service_case").fetchone()
        assert row[:3] == ("REK-PUB/2025/00001", "diproses", "")
        kept = json.loads(row[3])  # the case keeps the applicant as they stood at the upgrade
        assert (kept["name"], kept["nik"], kept["kind"]) == ("Sri", "3520014507800002", "perorangan")
        assert db.execute_sql("SELECT office_id, number FROM document").fetchone() == (1, "400/0001/2025")
        if db.for_update is False:  # SQLite: foreign keys are on again afterwards
            assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_an_old_orphan_row_does_not_stop_the_desk(db_url):
    """A database with a stray row that points nowhere still starts (and migrates): only
    what a migration itself breaks stops it."""
    db = dbmod.make_database(db_url)
    dbmod.bind(db)
    with db.connection_context():
        Runner(db, str(dbmod.MIGRATIONS_DIR)).up(target="0003_case_outcome")
        if db.for_update is False:  # SQLite lets a stray row in with foreign keys off
            db.execute_sql("PRAGMA foreign_keys = OFF")
            db.execute_sql("INSERT INTO checklist_answer (case_id, item_id, received, note, updated_at) "
                           "VALUES (999, 'akta', 1, '', '2025-01-01 00:00:00')")
            db.execute_sql("PRAGMA foreign_keys = ON")
        assert dbmod.migrate(db) == ["0004_numbers_per_office", "0005_case_applicant_data", "0006_kernel",
                                     "0007_case_applicant_recent", "0008_queue_lines",
                                     "0009_case_branches", "0010_case_people", "0011_installation_secret",
                                     "0012_document_versions", "0013_step_clocks",
                                     "0014_step_stat_read", "0015_staff_lockout",
                                     "0016_audit_append_only"]
        assert dbmod.migrate(db) == []


def test_an_old_register_number_is_found_by_its_number_part_after_the_upgrade(db_url, tmp_path):
    """register_seq (the "00001" of REK-PUB/2025/00001) is read from old register numbers with
    the office's own pattern when its desk opens after the upgrade."""
    from desk.config import Config
    from desk.wiring import make_service
    from models.settings import OfficeSettings

    db = dbmod.make_database(db_url)
    dbmod.bind(db)
    now = "'2025-01-02 03:04:05'"
    with db.connection_context():
        Runner(db, str(dbmod.MIGRATIONS_DIR)).up(target="0005_case_applicant_data")
        for sql in (
            f"INSERT INTO office (code, name, kabupaten, timezone, created_at) VALUES ('LAMA', 'Kantor Lama', 'Magetan', 'Asia/Jakarta', {now})",
            f"INSERT INTO staff (office_id, username, full_name, role, nip, password_hash, active, created_at) VALUES (1, 'rina', 'Rina', 'petugas', '', 'x', TRUE, {now})",
            f"INSERT INTO service (code, name, prefix, active, catalog_hash, updated_at) VALUES ('VETERAN', 'Santunan', 'I', TRUE, '', {now})",
            f"INSERT INTO applicant (kind, nik, name, sex, address, desa, kecamatan, kabupaten, phone, org_name, created_at, updated_at) VALUES ('perorangan', '3520014507800002', 'Sri', 'P', '', '', '', '', '', '', {now}, {now})",
            f"INSERT INTO service_case (office_id, service_id, applicant_id, register_no, status, conditions, created_by_id, created_at, updated_at, outcome, applicant_data) VALUES (1, 1, 1, '00007/VETERAN/2025', 'selesai', '{{}}', 1, {now}, {now}, '', '')",
        ):
            db.execute_sql(sql)
    office = OfficeSettings(code="LAMA", name="Kantor Lama", kabupaten="Magetan", timezone="Asia/Jakarta",
                            register_pattern="{nomor:05d}/{kode}/{tahun}")
    service = make_service(Config(data_dir=tmp_path, db_url=db_url, office=office, output_dir=tmp_path / "d"))
    service.open()
    system = service.principal("sistem")
    assert [c.register_no for c in service.search(system, "00007")] == ["00007/VETERAN/2025"]
    assert service.search(system, "sri")[0].applicant_name == "Sri"  # name key filled too
    service.close()
