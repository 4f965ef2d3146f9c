"""``doudi exchange import --dataset TYPE --provider NAME --as-of DATE FILE`` (exchange contract).

Prints one line per outcome — rows read, loaded, rejected, rejected by reason (and the identity
number status of the loaded rows) — then ``batch: ID`` as the LAST line. Exit 0 when the file was
readable, even with rejected rows, and when the same file was already received (the earlier batch is
named); exit 2 for an unknown dataset type or provider, or a file that cannot be read or lacks a
required column (the failed batch, if one was recorded, is still named on the last line). A progress
bar goes to standard error on a terminal.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from doudi import datasets
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.exchange import actions, intake


class _Bar:
    """tqdm over the stages of the load (0–100 %), only on a terminal."""

    def __init__(self, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=100,
                unit="%",
                desc="部门数据导入",
                file=sys.stderr,
                bar_format="{l_bar}{bar}| {elapsed}",
            )

    def __call__(self, fraction: float, stage: str) -> None:
        if self.bar is not None:
            self.bar.set_description(stage)
            self.bar.update(max(0, int(fraction * 100) - self.bar.n))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = "部门数据交换：import 导入一个部门数据文件（CSV/XLSX/Parquet）为一个批次"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", help="数据文件（CSV、XLSX 或 Parquet）")
        parser.add_argument("--dataset", required=True, help="数据类型：" + ", ".join(datasets.DATASETS))
        parser.add_argument(
            "--provider", required=True, help="报送部门（部门代码或中文名称，如 hrss / 人社）"
        )
        parser.add_argument("--as-of", dest="as_of", required=True, help="数据截至日期 YYYY-MM-DD")
        parser.add_argument("--workers", type=int, default=None, help="计算盲索引的进程数（默认：全部CPU）")

    def handle(self, *args, **options):
        ds = datasets.get(options["dataset"])
        if ds is None:
            raise CommandError(
                f"未知的数据类型：{options['dataset']}（可选：{', '.join(datasets.DATASETS)}）", returncode=2
            )
        provider = datasets.department_code(options["provider"])
        if provider is None:
            raise CommandError(f"未知的报送部门：{options['provider']}", returncode=2)
        as_of = date_option(options["as_of"])
        bar = _Bar(sys.stderr.isatty())
        try:
            with all_regions():
                receipt = actions.import_file(
                    actor="command", path=options["file"], dataset=ds.key, provider=provider, as_of=as_of,
                    progress=bar, workers=options["workers"],
                )  # fmt: skip
        except intake.IntakeFileError as exc:
            bar.close()
            if getattr(exc, "batch_id", None):
                self.stdout.write(f"batch: {exc.batch_id}")
            raise CommandError(f"文件被拒绝：{exc}", returncode=2) from exc
        except actions.ExchangeError as exc:
            bar.close()
            raise CommandError(str(exc), returncode=2) from exc
        bar.close()
        out = self.stdout.write
        b = receipt.batch
        if not receipt.created:
            when = b.loaded_at or b.created_at
            out(
                f"already received: 该文件已于 {when:%Y-%m-%d %H:%M} 报送（批次 {b.pk}，{b.get_status_display()}），未重复导入"
            )
            out(f"batch: {b.pk}")
            return
        out(f"rows read: {b.rows_read}")
        out(f"loaded: {b.rows_loaded}")
        out(f"rejected: {b.rows_rejected}")
        for reason, n in b.rejected_by_reason.items():
            out(f"rejected {reason}: {n}")
        for status, n in sorted(b.summary.get("id_status", {}).items()):
            out(f"id {status}: {n}")
        if b.summary.get("extra_columns"):
            out("extra columns kept: " + ", ".join(b.summary["extra_columns"]))
        out(f"batch: {b.pk}")
