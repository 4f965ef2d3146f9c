"""``doudi evaluation …``: the performance evaluation from the command line (R-S2).

* ``run --year YYYY [--level county|city] [--date YYYY-MM-DD]`` — evaluate every county (or city) of the
  province as the command; prints ``run: ID``, ``regions: N``, ``seconds: S`` and ``fingerprint: …``.
* ``export (--run ID | --year YYYY [--level county|city]) [--format xlsx|pdf] --out FILE`` — the year-end
  report of a run (by default the current run of the year and level), province-wide, audited.

Exit 2 for bad input (Chinese message on stderr).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.evaluation import actions, queries, report
from doudi.evaluation.models import LEVELS, Run

PROVINCE = "220000000000"


class Command(BaseCommand):
    help = "绩效评价：计算年度得分和排名，导出年度报告"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        run = sub.add_parser("run", help="计算全省各县（市、区）或各市（州）的年度绩效评价")
        run.add_argument("--year", type=int, required=True)
        run.add_argument("--level", choices=list(LEVELS), default="county")
        run.add_argument("--date", type=date_option, default=None)
        ex = sub.add_parser("export", help="导出年度绩效评价报告（Excel 或 PDF）")
        ex.add_argument("--run", type=int, default=None)
        ex.add_argument("--year", type=int, default=None)
        ex.add_argument("--level", choices=list(LEVELS), default="county")
        ex.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx")
        ex.add_argument("--out", required=True)

    def handle(self, *args, **o):
        with all_regions():
            if o["what"] == "run":
                self._run(o)
            else:
                self._export(o)

    def _run(self, o) -> None:
        began = time.monotonic()
        try:
            run = actions.run_evaluation(
                year=o["year"], level=o["level"], actor=actions.COMMAND, on=o["date"]
            )
        except actions.EvaluationError as exc:
            raise CommandError(str(exc), returncode=2) from None
        took = time.monotonic() - began
        self.stdout.write(
            f"run: {run.pk}\nregions: {run.regions}\nseconds: {took:.1f}\nfingerprint: {run.fingerprint}"
        )

    def _export(self, o) -> None:
        run: Run | None = None
        try:
            if o["run"] is not None:
                run = queries.get_run(o["run"])
            elif o["year"] is not None:
                run = queries.runs(o["year"]).filter(level=o["level"], state="current").first()
            else:
                raise CommandError("请指定 --run 或 --year", returncode=2)
        except Run.DoesNotExist:
            run = None
        if run is None:
            raise CommandError("绩效评价结果不存在", returncode=2)
        data, n = report.pdf(run) if o["format"] == "pdf" else report.xlsx(run)
        Path(o["out"]).write_bytes(data)
        actions.record_export(actor=actions.COMMAND, run=run, fmt=o["format"], rows=n, region_code=PROVINCE)
        self.stdout.write(f"run: {run.pk}\nrows: {n}\nfile: {o['out']}")
