"""``doudi deadlines [--date YYYY-MM-DD]``: the daily deadline job of the warning loop (R-M13, R-M14).

Notifies whoever holds an open warning whose verification deadline is today or the next working day,
then escalates every open warning past its deadline one level up. Both steps are idempotent for a
day, so running it more than once (cron every hour, a retry after a failure) changes nothing more.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from doudi.core.commands import date_option
from doudi.core.workdays import calendar_warning
from doudi.monitoring.loop import deadline_actions


class Command(BaseCommand):
    help = "预警核查期限：提醒临近期限的预警，逾期预警逐级升级（每天运行一次，可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            today = date_option(options["date"])
        note = calendar_warning(today.year)
        if note:
            self.stderr.write(f"注意：{note}")
        notified = deadline_actions.notify_approaching_deadlines(today=today)
        escalated = deadline_actions.escalate_overdue(today=today)
        self.stdout.write(f"{today:%Y-%m-%d}：临近期限提醒 {notified} 条，逾期升级 {escalated} 条")
