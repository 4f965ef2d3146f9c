"""``doudi init``: prepare or upgrade the database and the data directory, and queue the recurring jobs
of the monitoring loop when none is waiting. Idempotent."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from doudi.core.scoping import all_regions
from doudi.policy import params_store
from doudi.regions.actions import load_divisions


class Command(BaseCommand):
    help = "准备或升级数据库与数据目录（可重复执行）"

    def handle(self, *args, **options):
        for sub in ("store", "exports", "keys"):
            (settings.DATA_DIR / sub).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        with all_regions():
            added = load_divisions(actor="doudi init")
            params_store.load_baseline(actor="doudi init")
        scheduled = _schedule_recurring_jobs()
        db = settings.DATABASES["default"]
        self.stdout.write(f"data directory: {settings.DATA_DIR}")
        self.stdout.write(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
        self.stdout.write(f"regions added: {added}")
        if scheduled:
            self.stdout.write(f"scheduled: {', '.join(scheduled)}")
        self.stdout.write("ready")


def _schedule_recurring_jobs() -> list[str]:
    """The monitoring loop's daily and monthly jobs wait on the task queue (see monitoring.schedule)."""
    if not apps.is_installed("doudi.monitoring"):
        return []
    from doudi.monitoring.schedule import ensure_scheduled

    return ensure_scheduled()
