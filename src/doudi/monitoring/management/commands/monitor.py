"""``doudi monitor run [--as-of DATE] [--batch ID …] [--pending]``: the monitoring scan (DOMAIN R-M12).

Without ``--batch``/``--pending`` it is the monthly full scan over every linked batch up to ``--as-of``
(default today); ``--batch ID`` scans after that batch was linked (incremental); ``--pending`` scans each
linked batch no incremental scan has seen yet. Prints, per indicator and level, how many warnings
were raised (new), merged into open ones and left unchanged, then the totals and the potential cases
of proactive discovery. Runs over the whole province. Exit 2 for an unknown or unlinked batch.

Order of commands for a new department batch::

    doudi exchange import --dataset TYPE --provider NAME --as-of DATE FILE   # → batch: ID
    doudi match run --batch ID
    doudi monitor run --batch ID        # or, for everything linked since the last time: --pending
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.monitoring.scans import scan


class Command(BaseCommand):
    help = "动态监测预警：run 运行预警扫描（全量月度扫描，或 --batch 对已比对批次增量扫描）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--as-of", dest="as_of", help="扫描数据日期 YYYY-MM-DD（全量扫描，默认今天）")
        parser.add_argument(
            "--batch", type=int, action="append", dest="batches", help="已比对的批次号（可重复）"
        )
        parser.add_argument("--pending", action="store_true", help="扫描所有已比对、尚未增量扫描的批次")

    def handle(self, *args, **options):
        batches = list(options["batches"] or [])
        if options["as_of"] and (batches or options["pending"]):
            raise CommandError("--as-of 只用于全量扫描；增量扫描使用批次的数据日期", returncode=2)
        with all_regions():
            if options["pending"]:
                batches = sorted(set(batches) | set(scan.pending_batches()))
                if not batches:
                    self.stdout.write("没有待扫描的批次")
                    return
            try:
                if batches:
                    results = [scan.scan_batch(b, actor="command") for b in batches]
                else:
                    as_of = date_option(options["as_of"]) if options["as_of"] else None
                    results = [scan.scan_all(as_of, actor="command")]
            except scan.ScanError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        for result in results:
            self._print(result)

    def _print(self, result: scan.ScanResult) -> None:
        for line in result.report_lines():
            self.stdout.write(line)
