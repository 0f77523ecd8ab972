# Link the annual report to its publication with a real foreign key (was a bare id).

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    AnnualReport = apps.get_model("reports", "AnnualReport")
    Publication = apps.get_model("disclosure", "Publication")
    for report in AnnualReport.objects.exclude(publication_id_ref=None):
        if Publication.objects.filter(pk=report.publication_id_ref).exists():
            AnnualReport.objects.filter(pk=report.pk).update(
                publication_id=report.publication_id_ref
            )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_seed_themes"),
        ("reports", "0002_publication_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="annualreport",
            name="publication",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="annual_reports",
                to="disclosure.publication",
                verbose_name="公开信息",
            ),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
        migrations.RemoveField(model_name="annualreport", name="publication_id_ref"),
    ]
