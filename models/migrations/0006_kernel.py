# The domain kernel (issue 6): an outbox of events, audit rows and services per office, indexes
# for the hot paths at 250,000 cases, and name search that ignores case and diacritics.
import re
import unicodedata

from peewee import *

#: Letters NFKD does not take apart.
_FOLD = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ı": "i", "ð": "d", "þ": "th", "æ": "ae",
                       "œ": "oe"})


def _name_key(*parts):
    """A frozen copy of models.search.name_key (migrations do not import the application)."""
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _sql(db, sql, params=()):
    return db.execute_sql(sql.replace("?", db.param), params)


def _unique_index_on(db, table, columns):
    for index in db.get_indexes(table):
        if index.unique and index.columns == list(columns):
            return index.name
    return None


def _services_per_office(migrator, db):
    migrator.migrate(migrator.add_column("service", "office_id", IntegerField(null=True)))
    offices = [row[0] for row in _sql(db, "SELECT id FROM office ORDER BY id").fetchall()]
    if offices:
        _sql(db, "UPDATE service SET office_id = ?", (offices[0],))
    for office in offices[1:]:
        used = _sql(db, "SELECT service_id FROM ticket WHERE office_id = ? UNION "
                        "SELECT service_id FROM service_case WHERE office_id = ?",
                    (office, office)).fetchall()
        for (service_id,) in used:
            new_id = _sql(
                db, "INSERT INTO service (office_id, code, name, prefix, active, catalog_hash, "
                    "updated_at) SELECT ?, code, name, prefix, active, catalog_hash, updated_at "
                    "FROM service WHERE id = ? RETURNING id", (office, service_id)).fetchone()[0]
            for table in ("ticket", "service_case"):
                _sql(db, f"UPDATE {table} SET service_id = ? WHERE office_id = ? AND service_id = ?",
                     (new_id, office, service_id))
    old = _unique_index_on(db, "service", ["code"])
    operations = [migrator.drop_index("service", old)] if old else []
    migrator.migrate(*operations, migrator.add_index("service", ("office_id", "code"), True))


def _applicants(migrator, db):
    migrator.migrate(migrator.add_column("applicant", "name_key", TextField(default="")))
    rows = _sql(db, "SELECT id, name, org_name FROM applicant").fetchall()
    for applicant_id, name, org_name in rows:
        _sql(db, "UPDATE applicant SET name_key = ? WHERE id = ?", (_name_key(name, org_name), applicant_id))
    # one record per person and organisation: merge duplicates a race may have left
    groups = _sql(db, "SELECT nik, kind, org_name FROM applicant GROUP BY nik, kind, org_name "
                      "HAVING COUNT(*) > 1").fetchall()
    for nik, kind, org_name in groups:
        ids = [row[0] for row in _sql(
            db, "SELECT id FROM applicant WHERE nik = ? AND kind = ? AND org_name = ? "
                "ORDER BY updated_at DESC, id DESC", (nik, kind, org_name)).fetchall()]
        keep, others = ids[0], ids[1:]
        marks = ", ".join("?" for _ in others)
        _sql(db, f"UPDATE service_case SET applicant_id = ? WHERE applicant_id IN ({marks})", (keep, *others))
        _sql(db, f"DELETE FROM applicant WHERE id IN ({marks})", tuple(others))
    migrator.migrate(migrator.add_index("applicant", ("nik", "kind", "org_name"), True))


def _cases_and_steps(migrator, db):
    migrator.migrate(
        migrator.add_column("service_case", "register_seq", IntegerField(null=True)),
        migrator.add_column("step_run", "office_id", IntegerField(null=True)),
        migrator.add_column("step_run", "service_id", IntegerField(null=True)),
        migrator.add_column("ticket", "served_at", DateTimeField(null=True)),
        migrator.add_column("audit_log", "office_id", IntegerField(null=True)),
    )
    # register_seq of existing cases is filled when their office's desk opens: only the office's
    # register_pattern tells which part of the register number is the number
    _sql(db, "UPDATE step_run SET office_id = (SELECT c.office_id FROM service_case c WHERE c.id = step_run.case_id), "
             "service_id = (SELECT c.service_id FROM service_case c WHERE c.id = step_run.case_id)")
    _sql(db, "UPDATE audit_log SET office_id = (SELECT s.office_id FROM staff s WHERE s.id = audit_log.staff_id) "
             "WHERE staff_id IS NOT NULL")
    offices = _sql(db, "SELECT id FROM office").fetchall()
    if len(offices) == 1:
        _sql(db, "UPDATE audit_log SET office_id = ? WHERE office_id IS NULL", (offices[0][0],))
    migrator.migrate(
        migrator.add_index("service_case", ("office_id", "register_seq"), False),
        migrator.add_index("service_case", ("office_id", "updated_at"), False),
        migrator.add_index("step_run", ("service_id", "started_at"), False),
        migrator.add_index("ticket", ("office_id", "day", "status", "priority", "id"), False),
        migrator.add_index("ticket", ("counter_id", "status"), False),
        migrator.add_index("audit_log", ("office_id", "at"), False),
    )
    # one numbered letter per case and kind: two desks printing it at once cannot both number it
    db.execute_sql("CREATE UNIQUE INDEX document_case_letter ON document (case_id, kind) "
                   "WHERE number IS NOT NULL")


def _events(db):
    class Event(Model):
        office_id = IntegerField()
        at = DateTimeField(index=True)
        kind = CharField(max_length=40)
        entity_id = IntegerField(null=True)
        staff_id = IntegerField(null=True)
        payload = TextField(default="")

        class Meta:
            database = db
            table_name = "event"

    db.create_tables([Event])


def _sqlite_search(db):
    """FTS5 trigram index over applicant.name_key, kept by triggers (substring search by index)."""
    try:
        with db.atomic():  # a savepoint: an SQLite built without FTS5 keeps the plain search
            db.execute_sql("CREATE VIRTUAL TABLE applicant_name_fts USING fts5(name_key, "
                           "content='applicant', content_rowid='id', tokenize='trigram')")
    except OperationalError:
        return
    for sql in (
        "CREATE TRIGGER applicant_name_ai AFTER INSERT ON applicant BEGIN "
        "INSERT INTO applicant_name_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
        "CREATE TRIGGER applicant_name_ad AFTER DELETE ON applicant BEGIN "
        "INSERT INTO applicant_name_fts(applicant_name_fts, rowid, name_key) "
        "VALUES ('delete', old.id, old.name_key); END",
        "CREATE TRIGGER applicant_name_au AFTER UPDATE OF name_key ON applicant BEGIN "
        "INSERT INTO applicant_name_fts(applicant_name_fts, rowid, name_key) "
        "VALUES ('delete', old.id, old.name_key); "
        "INSERT INTO applicant_name_fts(rowid, name_key) VALUES (new.id, new.name_key); END",
        "INSERT INTO applicant_name_fts(applicant_name_fts) VALUES ('rebuild')",
    ):
        db.execute_sql(sql)


def _postgres_search_and_notify(db):
    # pg_trgm: a trigram index makes name_key LIKE '%sri%' an index search. The extension is
    # trusted (a database owner may create it); where it cannot be created, search still works
    # by scanning. One copy per database, kept in public so that every schema can use it.
    try:
        with db.atomic():
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except (ProgrammingError, InternalError, IntegrityError, OperationalError):
        pass
    row = db.execute_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                         "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").fetchone()
    if row is not None:
        db.execute_sql(f'CREATE INDEX applicant_name_key_trgm ON applicant '
                       f'USING gin (name_key "{row[0]}".gin_trgm_ops)')
    # Events become visible in id order: a transaction takes this lock before its events get
    # their ids and keeps it until commit (events are the last rows a transaction writes), so a
    # listener reading "id > last seen" never skips an event committed late with a lower id.
    db.execute_sql("CREATE OR REPLACE FUNCTION desk_event_order() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(1684370283); "
                   "RETURN NULL; END $$")
    db.execute_sql("CREATE TRIGGER event_order BEFORE INSERT ON event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION desk_event_order()")
    # every transaction that writes events wakes the listeners (LISTEN desk_event), at commit
    db.execute_sql("CREATE OR REPLACE FUNCTION desk_event_notify() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('desk_event', ''); "
                   "RETURN NULL; END $$")
    db.execute_sql("CREATE TRIGGER event_notify AFTER INSERT ON event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION desk_event_notify()")


def up(migrator, db):
    _services_per_office(migrator, db)
    _applicants(migrator, db)
    _cases_and_steps(migrator, db)
    _events(db)
    if isinstance(db, PostgresqlDatabase):
        _postgres_search_and_notify(db)
    else:
        _sqlite_search(db)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS event_notify ON event")
        db.execute_sql("DROP TRIGGER IF EXISTS event_order ON event")
        db.execute_sql("DROP FUNCTION IF EXISTS desk_event_notify()")
        db.execute_sql("DROP FUNCTION IF EXISTS desk_event_order()")
        db.execute_sql("DROP INDEX IF EXISTS applicant_name_key_trgm")
    else:
        for name in ("applicant_name_ai", "applicant_name_ad", "applicant_name_au"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        db.execute_sql("DROP TABLE IF EXISTS applicant_name_fts")
    migrator.migrate(migrator.drop_table("event"))
