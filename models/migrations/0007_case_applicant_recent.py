# Search: the cases of the applicants a name matches, newest first, read from one index
# (applicant, office, updated_at) without visiting the case rows: a common name part at 250,000
# cases (thousands of matching cases) is sorted from the index alone.
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index("service_case", ("applicant_id", "office_id", "updated_at"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("service_case", "service_case_applicant_id_office_id_updated_at"))
