# Real verification of issued letters (issue 9): the installation's secret (the key of the
# HMAC verification codes, shared by every desk on the database and carried by a backup) and
# each letter's registered facts (what its code was computed from). Frozen copy of the table.
from peewee import *


def _tables(db):
    class InstallationSecret(Model):
        name = CharField(max_length=40, primary_key=True)
        value = TextField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "installation_secret"

    return [InstallationSecret]


def up(migrator, db):
    db.create_tables(_tables(db))
    # a DEFAULT in the database too: rows inserted by plain SQL (other tools, older desks) get ""
    migrator.migrate(migrator.add_column("document", "facts", TextField(default="", constraints=[SQL("DEFAULT ''")])))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("document", "facts"))
    db.drop_tables(_tables(db))
