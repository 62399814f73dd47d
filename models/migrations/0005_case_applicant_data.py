# Each case keeps the applicant's data as entered for it: a later visit that corrects the name
# or address updates the applicant, but not what earlier cases (and their letters) say.
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("service_case", "applicant_data", TextField(default="")))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("service_case", "applicant_data"))
