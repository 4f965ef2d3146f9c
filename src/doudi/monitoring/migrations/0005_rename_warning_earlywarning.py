"""``Warning`` → ``EarlyWarning`` (the old name shadowed Python's built-in). The table keeps its name
``monitoring_warning``: pinned first, then the model renamed, so the database does not change."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_merge_h1_h6"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelTable(name="warning", table="monitoring_warning"),
        migrations.RenameModel(old_name="Warning", new_name="EarlyWarning"),
    ]
