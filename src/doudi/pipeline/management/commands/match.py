"""``doudi match run --batch ID | --all-pending [--engine duckdb|spark]`` and
``doudi match export --batch ID --out FILE.csv`` (exchange contract, "Cross-comparison").

``run`` links each batch to the registry (DOMAIN R-M11), with a progress bar on a terminal, marks it
linked and prints the counts by method, then runs the incremental monitoring scan of those batches
(R-M12; ``--no-scan`` leaves it to ``doudi monitor run --pending``): the monthly order after intake,
which is why the command lives in ``pipeline`` (``steps``). ``export`` writes one CSV row per batch
record. Runs over the whole province.
"""

from __future__ import annotations

import logging
import sys

from django.core.management.base import BaseCommand, CommandError

from doudi.core import store
from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import all_regions
from doudi.matching import engine, links_file, model
from doudi.monitoring.scans import scan
from doudi.pipeline import steps

PROVINCE = "220000000000"
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "大数据比对：run 将部门数据批次与低收入人口名册比对；export 导出比对结果（CSV）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run", "export"])
        parser.add_argument("--batch", type=int, action="append", dest="batches", help="批次号（可重复）")
        parser.add_argument("--all-pending", action="store_true", help="比对所有已载入、尚未比对的批次")
        parser.add_argument(
            "--engine", choices=engine.ENGINES, default="duckdb", help="比对引擎（默认 duckdb）"
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=model.DEFAULT_THRESHOLD,
            help="概率匹配的最低匹配概率（默认 0.9）",
        )
        parser.add_argument("--out", help="export：输出的 CSV 文件")
        parser.add_argument(
            "--no-scan",
            action="store_true",
            help="run：比对后不运行监测预警增量扫描（之后用 doudi monitor run --pending）",
        )

    def handle(self, *args, **options):
        with all_regions():
            if options["action"] == "run":
                self._run(options)
            else:
                self._export(options)

    def _run(self, options) -> None:
        ids = options["batches"] or []
        if options["all_pending"]:
            ids = sorted(set(ids) | set(steps.pending_linkage()))
        elif not ids:
            raise CommandError("请用 --batch 指定批次号，或用 --all-pending 比对所有待比对批次", returncode=2)
        if not 0 < options["threshold"] <= 1:
            raise CommandError("--threshold 应在 0 到 1 之间", returncode=2)
        if not ids:
            if options["all_pending"] and not options["no_scan"] and self._scan([]):
                return  # nothing to link, but linked batches whose scan had not completed were scanned
            self.stdout.write("没有待比对的批次")
            return
        try:
            result = steps.link(
                ids, engine=options["engine"], progress=sys.stderr.isatty(), threshold=options["threshold"]
            )
        except links_file.LinkageError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        out = self.stdout.write
        for b, s in result["batches"].items():
            out(f"batch: {b}")
            out(f"records: {s['records']}")
            for m in store.METHODS:
                out(f"{m}: {s[m]}")
            out(f"seconds: {s['seconds']}")
        if not options["no_scan"]:
            self._scan(list(result["batches"]), pending=options["all_pending"])

    def _scan(self, ids: list[int], *, pending: bool = True) -> bool:
        """The incremental monitoring scan of what was just linked (DOMAIN R-M12) — with
        ``--all-pending``, also of batches linked earlier whose scan did not complete (a batch is never
        left half processed: re-running finishes it). False when there was nothing to scan."""
        ids = steps.scannable(ids, pending=pending)  # linked batches of a dataset the scan reads
        if not ids:
            return False
        try:
            result = steps.scan(ids, actor="command")
        except scan.ScanError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except Exception as exc:
            logger.exception("monitoring scan of batches %s failed", ids)
            raise CommandError(
                f"比对已完成，但监测预警扫描未完成（{type(exc).__name__}）：批次 {', '.join(map(str, ids))} 仍待扫描，"
                "排除问题后运行 doudi match run --all-pending 或 doudi monitor run --pending 完成扫描",
                returncode=1,
            ) from exc
        for line in result.report_lines():
            self.stdout.write(line)
        return True

    def _export(self, options) -> None:
        ids = options["batches"] or []
        if len(ids) != 1 or not options.get("out"):
            raise CommandError("用法：doudi match export --batch 批次号 --out 文件.csv", returncode=2)
        try:
            rows = engine.export_csv(ids[0], options["out"])
        except links_file.LinkageError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except OSError as exc:
            raise CommandError(f"无法写入 {options['out']}：{exc}", returncode=2) from exc
        record_read(
            actor="command",
            action=AuditAction.MATCHING_EXPORT,
            region_code=PROVINCE,
            subject_type="batch",
            subject_id=ids[0],
            detail=f"导出批次 {ids[0]} 的比对结果 {rows} 行",
        )
        self.stdout.write(f"rows: {rows}")
        self.stdout.write(f"out: {options['out']}")
