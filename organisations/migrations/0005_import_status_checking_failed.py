# Large import files are checked by a task ("checking"), and one it refuses is "failed".

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_import_files_private_storage"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
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
