"""The audit log is append-only in the database too, not only in the model (core.models.AuditEvent
refuses save/update/delete in Python): raw SQL, a shell or another program cannot edit or
delete its rows through the application's database account.

- PostgreSQL: row triggers refuse UPDATE and DELETE. TRUNCATE (a statement, not rows) is not
  refused: Django's test flush uses it, and a database owner can always drop a table anyway.
- SQLite: a trigger refuses UPDATE. DELETE stays possible, because Django's flush between
  transactional tests deletes every row of every table on SQLite.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

MESSAGE = "审计记录只能追加，不可修改或删除 (audit log is append-only)"

PG_CREATE = f"""
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""
SQLITE_CREATE = f"""
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"


def _run(schema_editor: Any, postgres: str, sqlite: str) -> None:
    # One statement for SQLite (a trigger with its body), several for PostgreSQL (allowed
    # without parameters); both inside the migration's transaction.
    sql = {"postgresql": postgres, "sqlite": sqlite}.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, PG_CREATE, SQLITE_CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, PG_DROP, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendaryear_marked_by")]

    operations = [migrations.RunPython(forwards, backwards)]
