"""``doudi registry import FILE [--as-of YYYY-MM-DD]``: load the legacy roster (exchange contract).

Prints one line per outcome, the rejected rows by reason, the first errors with their line numbers,
and ends with ``persons: N``. Exit 0 when the file was readable (even with rejected rows), exit 2
when it is unreadable or lacks a required column.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.registry.roster import RosterFileError, import_roster

ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = "救助对象名册：import 导入名册文件（CSV/XLSX/Parquet）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", help="名册文件（CSV、XLSX 或 Parquet）")
        parser.add_argument("--as-of", dest="as_of", help="变更生效日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, **options):
        as_of = date_option(options["as_of"]) if options.get("as_of") else None
        try:
            with all_regions():
                report = import_roster(
                    options["file"], actor="command", as_of=as_of, progress=sys.stderr.isatty()
                )
        except RosterFileError as exc:
            raise CommandError(f"名册文件被拒绝：{exc}", returncode=2) from exc
        out = self.stdout.write
        out(f"batch: {report.batch_id}")
        out(f"rows read: {report.rows_read}")
        out(f"created: {report.created}")
        out(f"changed: {report.changed}")
        out(f"unchanged: {report.unchanged}")
        out(f"rejected: {report.rejected}")
        for reason, n in report.rejected_by_reason.items():
            out(f"rejected {reason}: {n}")
        if report.households_created or report.households_moved:
            out(f"households created: {report.households_created}")
            out(f"households moved: {report.households_moved}")
        for status, n in sorted(report.id_status.items()):
            out(f"id {status}: {n}")
        if report.identity_conflicts:
            out(f"identity conflicts: {report.identity_conflicts}")
        if report.extra_columns:
            out("extra columns kept: " + ", ".join(report.extra_columns))
        for e in report.errors[:ERRORS_SHOWN]:
            column = f" [{e['column']}]" if e["column"] else ""
            out(f"第 {e['line']} 行{column} {e['reason']}")
        if len(report.errors) > ERRORS_SHOWN:
            out(f"……更多错误见导入批次 {report.batch_id}（共 {report.rejected} 行被拒绝）")
        out(f"persons: {report.persons_total}")
