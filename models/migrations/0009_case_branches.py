# Decisions follow the catalog (issue 8): a step may run again (kembali), a case may wait for the
# applicant to fix something with its service clock paused, counter time adds up over sittings,
# the officer's reason for going on despite unmet criteria is kept.
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("service_case", "paused_at", DateTimeField(null=True)),
        migrator.add_column("service_case", "paused_seconds", IntegerField(default=0)),
        migrator.add_column("service_case", "resume_step", IntegerField(null=True)),
        migrator.add_column("service_case", "verify_seconds", IntegerField(default=0)),
        migrator.add_column("service_case", "decision_note", TextField(default="")),
        migrator.add_column("step_run", "round", IntegerField(default=1)),
        migrator.add_column("step_run", "paused_seconds", IntegerField(default=0)),
    )
    # a step sent back to runs again: one run per case, step and round
    migrator.migrate(
        migrator.drop_index("step_run", "steprun_case_id_step_no"),
        migrator.add_index("step_run", ("case_id", "step_no", "round"), True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("step_run", "step_run_case_id_step_no_round"),
        migrator.add_index("step_run", ("case_id", "step_no"), True),
        *(migrator.drop_column("service_case", c) for c in (
            "paused_at", "paused_seconds", "resume_step", "verify_seconds", "decision_note")),
        migrator.drop_column("step_run", "round"),
        migrator.drop_column("step_run", "paused_seconds"),
    )
