# Supervisors (issue 10): days the office entered as closed (the working calendar), step-timing
# summaries kept with the step they count (the dashboard reads them, never the step runs), and
# an index of the step runs still open (due and overdue lists, "open now" per step).
# Frozen copies of the tables.
from peewee import *


def _tables(db):
    class OfficeClosure(Model):
        office_id = IntegerField()
        day = DateField()
        reason = CharField(max_length=200, default="")
        created_by = IntegerField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "office_closure"
            indexes = ((("office_id", "day"), True),)

    class StepStat(Model):
        office_id = IntegerField()
        grain = CharField(max_length=1)
        period = DateField()
        service_id = IntegerField(default=0)
        step_no = IntegerField(default=0)
        staff_id = IntegerField(default=0)
        kind = CharField(max_length=1)
        bucket = IntegerField()
        n = IntegerField(default=0)
        within = IntegerField(default=0)
        seconds = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "step_stat"
            indexes = (
                (("office_id", "grain", "period", "service_id", "step_no", "staff_id", "kind", "bucket"), True),
            )

    return [OfficeClosure, StepStat]


def up(migrator, db):
    db.create_tables(_tables(db))
    db.execute_sql("CREATE INDEX IF NOT EXISTS step_run_open ON step_run (office_id, service_id, step_no, due_at) "
                   "WHERE ended_at IS NULL")


def down(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS step_run_open")
    db.drop_tables(_tables(db))
