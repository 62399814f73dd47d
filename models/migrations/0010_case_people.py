# People in a case (issue 8): persons in the roles a service takes (anak, orang tua / wali,
# anggota, ketua / sekretaris / bendahara, pengurus ...) and the organisation data of a case
# (akta notaris, pengesahan, NPWP, sekretariat). Frozen copies of the tables as they are now.
from peewee import *


def _tables(db):
    class Case(Model):
        class Meta:
            database = db
            table_name = "service_case"

    class CasePerson(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE")
        role = CharField(max_length=20)
        position = IntegerField(default=1)
        nik = CharField(max_length=16, null=True, index=True)
        name = CharField(max_length=200)
        sex = CharField(max_length=1, default="")
        birth_date = DateField(null=True)
        address = TextField(default="")
        phone = CharField(max_length=20, default="")
        note = CharField(max_length=120, default="")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "case_person"
            indexes = ((("case", "nik"), True),)

    class CaseOrganisation(Model):
        case = ForeignKeyField(Case, on_delete="CASCADE", unique=True)
        name = CharField(max_length=200, default="")
        akta_no = CharField(max_length=80, default="")
        akta_date = DateField(null=True)
        pengesahan_no = CharField(max_length=80, default="")
        npwp = CharField(max_length=16, default="")
        address = TextField(default="")
        since = CharField(max_length=10, default="")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "case_organisation"

    return [CasePerson, CaseOrganisation]


def up(migrator, db):
    db.create_tables(_tables(db))


def down(migrator, db):
    db.drop_tables(list(reversed(_tables(db))))
