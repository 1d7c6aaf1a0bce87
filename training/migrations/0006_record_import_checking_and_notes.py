# Large import files are checked by a task ("checking"), and one it refuses is "failed"; the
# notes about a whole file (columns not used) are kept on the batch for the preview.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_import_status_checking_failed"),
        ("training", "0005_applied_requirement_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordimportbatch",
            name="notes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Notes about the whole file, such as ignored columns.",
            ),
        ),
        migrations.AlterField(
            model_name="recordimportbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "Checking the file"),
                    ("uploaded", "Waiting for confirmation"),
                    ("applied", "Imported"),
                    ("failed", "Could not be used"),
                ],
                default="uploaded",
                max_length=20,
            ),
        ),
    ]
