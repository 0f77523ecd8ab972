"""PostgreSQL only: the write stamp of the search table (a one-row table set from a sequence by
every index write), so every app process can cache engine results until the index changes."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import GENERATION_SQL

    for sql in GENERATION_SQL:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import GENERATION_DROP_SQL

    for sql in GENERATION_DROP_SQL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_pg_sample_date_lz4")]
    operations = [migrations.RunPython(create, drop)]
