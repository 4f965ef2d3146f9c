"""``doudi reassess --region CODE --as-of DATE``: batch reassessment of a region, synchronously.

Runs the same job as the background task (``policy.tasks.execute``) with a progress bar, stores the run
(``PolicyRun``, results in ``DATA_DIR/store/policy/<id>/results.parquet``) and prints the transition
matrix (current category → assessed category) with the movers per county. Exit 1 when the run fails.
"""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from doudi.core.commands import date_option
from doudi.core.scoping import using_scope
from doudi.policy import batch, run_actions, tasks
from doudi.policy.models import PolicyRun

ACTOR = "doudi reassess"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool = False) -> str:
    space = " " * max(width - _width(text), 0)
    return text + space if left else space + text


def matrix_text(summary: dict, part: dict | None = None) -> str:
    """The (from → to) matrix as aligned text (Chinese characters are two columns wide)."""
    part = part or summary
    width = 14
    head = [_pad("原类别＼测算", width, left=True)]
    head += [_pad(batch.TIER_ZH[t], width) for t in batch.TIERS] + [_pad("合计", width)]
    lines = ["".join(head)]
    for row in batch.matrix_rows(part.get("matrix", {})):
        cells = [_pad(str(n), width) for n in row["cells"]]
        lines.append(_pad(row["label"], width, left=True) + "".join(cells) + _pad(str(row["total"]), width))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "批量复核测算：按测算日的登记信息和参数重新测算辖区全部在册家庭，输出类别迁移矩阵"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码（6、9或12位），测算其下全部家庭")
        parser.add_argument("--as-of", required=True, help="测算日期 YYYY-MM-DD")
        parser.add_argument("--chunk-size", type=int, default=None, help="每批读取的户数（默认 20000）")
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        as_of = date_option(options["as_of"])
        region = options["region"].strip()
        with using_scope(region):
            try:
                run = run_actions.create_run(
                    actor=ACTOR, kind=PolicyRun.Kind.REASSESSMENT, region_code=region, as_of=as_of
                )
            except run_actions.RunError as exc:
                raise CommandError(str(exc), returncode=2) from None
        bar = None if options["quiet"] else tqdm(total=0, unit="户", desc="测算", file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        run = tasks.execute(run, actor=ACTOR, progress=progress, chunk_size=options["chunk_size"])
        if bar is not None:
            bar.close()
        if run.status != PolicyRun.Status.DONE:
            raise CommandError(f"测算失败：{run.error}", returncode=1)
        s = run.summary
        out = self.stdout
        out.write(
            f"批量复核测算第{run.pk}号：{s['households']} 户，已测算 {s['assessed']} 户，类别变动 {s['movers']} 户"
        )
        for reason, n in s.get("skipped_by_reason", {}).items():
            out.write(f"  无法测算：{reason} {n} 户")
        out.write(f"测算月度待遇合计：{s['monthly_total']} 元")
        out.write("")
        out.write(matrix_text(s))
        counties = batch.by_level(s, "county")
        if counties:
            out.write("")
            out.write("分县（市、区）：")
            for r in counties:
                out.write(
                    f"  {r['code']} {r['name']}：{r['assessed']} 户，变动 {r['movers']} 户，月度待遇 {r['monthly_total']} 元"
                )
        out.write("")
        out.write(f"结果文件：{batch.results_path(run.pk)}")
