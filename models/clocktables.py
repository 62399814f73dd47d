"""Tables of the working calendar and the step-timing summaries (migration 0013): days the
office entered as closed, and the figures the supervisors' dashboard reads.
"""

from __future__ import annotations

from peewee import AutoField, BigIntegerField, CharField, DateField, DateTimeField, IntegerField

from models.tables import BaseModel, utcnow


class OfficeClosure(BaseModel):
    """A day the office entered as closed (besides weekends and holidays): no clock runs then
    (migration 0013; models.worktime)."""

    id = AutoField()
    office_id = IntegerField()
    day = DateField()
    reason = CharField(max_length=200, default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "office_closure"
        indexes = ((("office_id", "day"), True),)


class StepStat(BaseModel):
    """Step-timing figures kept up to date in the transaction that finishes a step (migration
    0013; models.stepstats): per office, period (day, month, year), service and step, or per
    staff member, a histogram of durations (kind "d", seconds) and of the share of the mutu
    baku used (kind "s", per mille), so a dashboard over years reads a few thousand rows.

    ``service_id`` and ``step_no`` are 0 on staff rows; ``staff_id`` is 0 on the others;
    ``step_no`` 0 with a service is the whole case against the service's jangka waktu.
    """

    id = AutoField()
    office_id = IntegerField()
    #: "d" (day), "m" (month) or "y" (year); ``period`` is the first day of it, office-local.
    grain = CharField(max_length=1)
    period = DateField()
    service_id = IntegerField(default=0)
    step_no = IntegerField(default=0)
    staff_id = IntegerField(default=0)
    kind = CharField(max_length=1)
    bucket = IntegerField()
    #: Runs in the bucket, those that ended within their mutu baku, and their summed seconds.
    n = IntegerField(default=0)
    within = IntegerField(default=0)
    seconds = BigIntegerField(default=0)

    class Meta:
        table_name = "step_stat"
        indexes = (
            (("office_id", "grain", "period", "service_id", "step_no", "staff_id", "kind", "bucket"), True),
        )
