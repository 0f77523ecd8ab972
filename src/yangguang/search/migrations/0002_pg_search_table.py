"""The PostgreSQL search table with its RUM index — created only on PostgreSQL (SQLite
deployments use the embedded tantivy index). The RUM extension comes from the Debian package
postgresql-<version>-rum (scripts/system-deps.sh installs it)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import CREATE_SQL

    for sql in CREATE_SQL:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import DROP_SQL

    for sql in DROP_SQL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
