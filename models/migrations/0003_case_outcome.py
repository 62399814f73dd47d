# Generated from a schema diff on 2026-11-23 19:50.
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('service_case', 'outcome', TextField(default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('service_case', 'outcome'))
