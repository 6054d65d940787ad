from django.db import migrations, models

from articles import reformat


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_newest_first_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlepage",
            name="formatted_references",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        # Fills the new field for existing articles once migrate has finished. A change of
        # apa.FORMAT_VERSION gets a migration of its own with just this operation.
        reformat.after_migrate(),
    ]
