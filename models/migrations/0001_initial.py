"""Initial schema of desk (frozen copy of models/tables.py at the time).

Datetime defaults (utcnow) are applied by the application models, not by the database.
Generated with `python -m playhouse.migrations ... initial` on 2026-11-23 19:15.
"""
from peewee import *  # noqa: F403


def up(migrator, db):
    class Applicant(Model):
        kind = CharField(max_length=16, default='perorangan')
        nik = CharField(index=True, max_length=16)
        name = CharField(max_length=200)
        sex = CharField(max_length=1, default='')
        birth_date = DateField(null=True)
        address = TextField(default='')
        desa = CharField(max_length=120, default='')
        kecamatan = CharField(max_length=120, default='')
        kabupaten = CharField(max_length=120, default='')
        phone = CharField(max_length=20, default='')
        org_name = CharField(max_length=200, default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'applicant'
    db.create_tables([Applicant])

    class Office(Model):
        code = CharField(unique=True, max_length=40)
        name = CharField(max_length=200)
        kabupaten = CharField(max_length=120, default='')
        timezone = CharField(max_length=60, default='Asia/Jakarta')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'office'
    db.create_tables([Office])

    class Staff(Model):
        office = ForeignKeyField(Office, on_delete='CASCADE')
        username = CharField(unique=True, max_length=60)
        full_name = CharField(max_length=120)
        role = CharField(max_length=20, default='petugas')
        nip = CharField(max_length=30, default='')
        password_hash = CharField(max_length=200)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'staff'
    db.create_tables([Staff])

    class AuditLog(Model):
        at = DateTimeField(index=True)
        staff = ForeignKeyField(Staff, null=True)
        action = CharField(max_length=40)
        entity = CharField(max_length=40)
        entity_id = IntegerField(null=True)
        detail = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])

    class Service(Model):
        code = CharField(unique=True, max_length=40)
        name = CharField(max_length=300)
        prefix = CharField(max_length=4)
        active = BooleanField(default=True)
        catalog_hash = CharField(max_length=64, default='')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'service'
    db.create_tables([Service])

    class Counter(Model):
        office = ForeignKeyField(Office, on_delete='CASCADE')
        number = IntegerField()
        name = CharField(max_length=80, default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'counter'
            indexes = ((('office', 'number'), True),)
    db.create_tables([Counter])

    class Ticket(Model):
        office = ForeignKeyField(Office, on_delete='CASCADE')
        service = ForeignKeyField(Service)
        day = DateField()
        number = IntegerField()
        code = CharField(max_length=12)
        priority = BooleanField(default=False)
        status = CharField(index=True, max_length=16, default='menunggu')
        issued_at = DateTimeField()
        called_at = DateTimeField(null=True)
        call_count = IntegerField(default=0)
        counter = ForeignKeyField(Counter, null=True)
        staff = ForeignKeyField(Staff, null=True)
        finished_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'ticket'
            indexes = ((('office', 'day', 'code'), True),)
    db.create_tables([Ticket])

    class Case(Model):
        office = ForeignKeyField(Office, on_delete='CASCADE')
        service = ForeignKeyField(Service)
        applicant = ForeignKeyField(Applicant)
        ticket = ForeignKeyField(Ticket, null=True)
        register_no = CharField(unique=True, null=True, max_length=40)
        status = CharField(index=True, max_length=20, default='verifikasi')
        member_count = IntegerField(null=True)
        conditions = TextField(default='{}')
        created_by = ForeignKeyField(Staff)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        complete_at = DateTimeField(null=True)
        due_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'service_case'
    db.create_tables([Case])

    class ChecklistAnswer(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        item_id = CharField(max_length=80)
        received = BooleanField(default=False)
        note = TextField(default='')
        updated_by = ForeignKeyField(Staff, null=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'checklist_answer'
            indexes = ((('case', 'item_id'), True),)
    db.create_tables([ChecklistAnswer])

    class Document(Model):
        case = ForeignKeyField(Case, null=True, on_delete='CASCADE')
        ticket = ForeignKeyField(Ticket, null=True)
        kind = CharField(max_length=30)
        title = CharField(max_length=200)
        number = CharField(unique=True, null=True, max_length=80)
        path = TextField()
        verification_code = CharField(index=True, max_length=20, default='')
        created_by = ForeignKeyField(Staff, null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'document'
    db.create_tables([Document])

    class Sequence(Model):
        scope = CharField(max_length=120)
        period = CharField(max_length=20)
        value = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'sequence'
            primary_key = False
            indexes = ((('scope', 'period'), True),)
    db.create_tables([Sequence])

    class StepRun(Model):
        case = ForeignKeyField(Case, on_delete='CASCADE')
        step_no = IntegerField()
        started_at = DateTimeField()
        due_at = DateTimeField(null=True)
        ended_at = DateTimeField(null=True)
        started_by = ForeignKeyField(Staff)
        ended_by = ForeignKeyField(Staff, null=True)
        class Meta:
            database = db
            table_name = 'step_run'
            indexes = ((('case', 'step_no'), True),)
    db.create_tables([StepRun])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('step_run'))
    migrator.migrate(migrator.drop_table('sequence'))
    migrator.migrate(migrator.drop_table('document'))
    migrator.migrate(migrator.drop_table('checklist_answer'))
    migrator.migrate(migrator.drop_table('service_case'))
    migrator.migrate(migrator.drop_table('ticket'))
    migrator.migrate(migrator.drop_table('counter'))
    migrator.migrate(migrator.drop_table('service'))
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('staff'))
    migrator.migrate(migrator.drop_table('office'))
    migrator.migrate(migrator.drop_table('applicant'))
