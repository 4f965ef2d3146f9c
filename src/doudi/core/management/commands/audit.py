"""``doudi audit verify`` walks the hash chain, holds it against the signed anchors outside the
database and reports the first broken link; ``doudi audit checkpoint`` does the same and, when the
chain holds, appends a signed checkpoint of its head (run it daily; ``verify`` also anchors)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.core.audit import checkpoint


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链与链外锚点；checkpoint 校验并写入锚点"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, **options):
        report = checkpoint()
        if report.ok:
            self.stdout.write(f"audit chain ok: {report.checked} events")
            return
        where = f"event {report.broken_at}" if report.broken_at else "chain head"
        raise CommandError(
            f"audit chain broken at {where} after {report.checked} good events: {report.reason}"
        )
