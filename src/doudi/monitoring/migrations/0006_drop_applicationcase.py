"""The warning loop's queued applications are casework applications now (casework 0002)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_rename_warning_earlywarning"),
        ("casework", "0002_warning_applications"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ApplicationCase",
        ),
    ]
