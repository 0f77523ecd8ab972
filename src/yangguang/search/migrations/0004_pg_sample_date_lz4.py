"""PostgreSQL only: the indexes the 1 M-document query plan needs — a date index in the order
the result tiers are read (published_on DESC NULLS LAST, key; replaces the plain one), a GIN index
over a fixed 1/64 sample of the rows (estimates and facet samples for common words), and lz4
compression for the TOASTed text and tsvector (faster to detoast while walking the date index).
Existing values keep their compression until the next `rebuild_search_index`."""

from django.db import migrations


def upgrade(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from yangguang.search.backends.postgres_backend import UPGRADE_0004_SQL

    for sql in UPGRADE_0004_SQL:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_pg_title_tsv")]
    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
