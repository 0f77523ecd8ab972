"""PostgreSQL only: a title-only tsvector with its own RUM index, used to rank broad queries
(more matches than the engine counts) without scoring every match of the full text."""

from django.db import migrations


def upgrade(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import UPGRADE_SQL

    for sql in UPGRADE_SQL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_pg_search_table")]
    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
