"""When an inquiry was closed or marked spam: retention counts from then.

Rows that are already closed or spam get their arrival time, the best that is known
about them; so for those, purge_inquiries behaves as it did before this migration.
"""

from django.db import migrations, models


def backfill_closed_at(apps, schema_editor):
    Inquiry = apps.get_model("contact", "Inquiry")
    Inquiry.objects.filter(status__in=["closed", "spam"], closed_at__isnull=True).update(
        closed_at=models.F("created")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0002_inquiry_reviewers_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="inquiry",
            name="closed_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                editable=False,
                null=True,
                verbose_name="closed or marked spam",
            ),
        ),
        migrations.RunPython(backfill_closed_at, migrations.RunPython.noop, elidable=True),
    ]
