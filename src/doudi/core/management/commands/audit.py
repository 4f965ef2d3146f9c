"""``doudi audit verify``: walk the hash chain and report the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.core.audit import verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"audit chain ok: {report.checked} events")
            return
        where = f"event {report.broken_at}" if report.broken_at else "chain head"
        raise CommandError(
            f"audit chain broken at {where} after {report.checked} good events: {report.reason}"
        )
