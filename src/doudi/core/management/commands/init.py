"""``doudi init``: prepare or upgrade the database and the data directory, then run the init steps the
apps registered (``core.init_steps``: divisions, baseline parameters, the monitoring loop's recurring
jobs). Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from doudi.core import init_steps
from doudi.core.scoping import all_regions


class Command(BaseCommand):
    help = "准备或升级数据库与数据目录（可重复执行）"

    def handle(self, *args, **options):
        for sub in ("store", "exports", "keys"):
            (settings.DATA_DIR / sub).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        with all_regions():
            lines = init_steps.run_all(actor="doudi init")
        db = settings.DATABASES["default"]
        self.stdout.write(f"data directory: {settings.DATA_DIR}")
        self.stdout.write(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("ready")
