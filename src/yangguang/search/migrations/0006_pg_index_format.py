"""PostgreSQL only: the search table records the INDEX_FORMAT its rows were written in (its
comment, backends.base). An empty table — a new installation — is in the current format from
its first row on; a table with rows was written by an earlier version and keeps no comment, so
operators are told to rebuild it once (indexing.rebuild_advice)."""

from django.db import migrations


def mark_empty_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import FORMAT_SQL, TABLE

    with schema_editor.connection.cursor() as cur:
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")  # noqa: S608 — a constant
        if not cur.fetchone()[0]:
            cur.execute(FORMAT_SQL.format(table=TABLE))


class Migration(migrations.Migration):
    dependencies = [("search", "0005_pg_generation")]
    operations = [migrations.RunPython(mark_empty_table, migrations.RunPython.noop)]
