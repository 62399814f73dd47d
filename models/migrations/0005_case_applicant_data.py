# Each case keeps the applicant's data as entered for it: a later visit that corrects the name
# or address updates the applicant, but not what earlier cases (and their letters) say.
import json

from peewee import *

_FIELDS = ("kind", "nik", "name", "sex", "birth_date", "address", "desa", "kecamatan",
           "kabupaten", "phone", "org_name")


def up(migrator, db):
    migrator.migrate(migrator.add_column("service_case", "applicant_data", TextField(default="")))
    # Existing cases keep the applicant's data as it stands now (the best record there is).
    rows = db.execute_sql(
        "SELECT c.id, " + ", ".join(f"a.{f}" for f in _FIELDS) +
        " FROM service_case c JOIN applicant a ON a.id = c.applicant_id").fetchall()
    for case_id, *values in rows:
        data = dict(zip(_FIELDS, values))
        birth = data["birth_date"]
        data["birth_date"] = birth.isoformat() if hasattr(birth, "isoformat") else (birth or None)
        db.execute_sql("UPDATE service_case SET applicant_data = %s WHERE id = %s"
                       .replace("%s", db.param),
                       (json.dumps(data, ensure_ascii=False), case_id))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("service_case", "applicant_data"))
