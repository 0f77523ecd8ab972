"""Seed the State Council's 主题分类 (editable afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from yangguang.disclosure.taxonomy import THEMES

    Theme = apps.get_model("disclosure", "Theme")
    for i, (name, children) in enumerate(THEMES, start=1):
        top, _ = Theme.objects.get_or_create(
            code=f"{i:02d}", defaults={"name": name, "sort": i}
        )
        for j, child in enumerate(children, start=1):
            Theme.objects.get_or_create(
                code=f"{i:02d}{j:02d}", defaults={"name": child, "parent": top, "sort": j}
            )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
