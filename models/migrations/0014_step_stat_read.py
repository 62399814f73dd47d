# Supervisors (issue 10): the dashboard reads the step summaries by kind and period. A covering
# index, ordered as the reads are (office, kind, grain, period) and holding every column they
# sum, lets each read scan only its own rows and never visit the table: a dashboard over five
# years reads some 200,000 summary rows in a fraction of a second. (The unique index of
# migration 0013 stays: it is the key the upserts of models.stepstats update by.)

_COLUMNS = "office_id, kind, grain, period, service_id, step_no, staff_id, bucket, n, within, seconds"


def up(migrator, db):
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS step_stat_read ON step_stat ({_COLUMNS})")


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS step_stat_read")
