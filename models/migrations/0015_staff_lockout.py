# Staff accounts (issue 11): wrong passwords in a row are counted and the account is locked for a
# while after too many (models.staff.MAX_FAILED_LOGINS, LOCKOUT).
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff", "failed_logins", IntegerField(default=0)),
        migrator.add_column("staff", "locked_until", DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("staff", "locked_until"),
        migrator.drop_column("staff", "failed_logins"),
    )
