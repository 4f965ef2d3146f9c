"""``doudi payments …`` (contracts/casework.md, the monthly payment roster):

* ``run --month YYYY-MM [--region CODE]`` — build the month's entitlement lines, arrears of retroactive
  parameter changes and rosters for the region subtree (default the province); idempotent; prints its
  progress, the rosters, and as last line ``lines: N`` (the lines written);
* ``export --month YYYY-MM --out FILE.csv [--region CODE]`` — one row per roster line of the month
  (roster_id, month, household_key, person_key, programme, line, rule, amount, case_id); the same
  month exported again gives the same file; last line ``lines: N``.

Exit 2 for bad input (Chinese message on stderr), 3 when a roster changed state during the run.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from doudi.payments import export, run_actions
from doudi.payments.base import PaymentsConflict, PaymentsError, parse_month
from doudi.payments.models import Roster

ACTOR = "command"


class Command(BaseCommand):
    help = "月度发放：生成花名册（run）与导出发放明细（export）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        run = sub.add_parser("run", help="生成当月发放明细与花名册")
        run.add_argument("--month", required=True)
        run.add_argument("--region", default=None)
        out = sub.add_parser("export", help="导出当月发放明细（CSV）")
        out.add_argument("--month", required=True)
        out.add_argument("--out", required=True)
        out.add_argument("--region", default=None)

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
            if options["what"] == "run":
                self._run(month, options["region"])
            else:
                self._export(month, options["region"], options["out"])
        except PaymentsConflict as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except PaymentsError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _run(self, month, region):
        start = time.perf_counter()
        result = run_actions.run_month(actor=ACTOR, month=month, region_code=region, progress=self._say)
        for roster in Roster.unscoped.filter(pk__in=result.rosters).order_by(
            "region_code", "programme", "kind", "seq"
        ):
            self._say(
                f"花名册 {roster.pk}\t{roster.region_code}\t{roster.programme}\t{roster.get_kind_display()}"
                f"\t{roster.get_state_display()}\t{roster.lines} 条\t{roster.amount} 元"
            )
        self._say(
            f"发放明细 {result.lines} 条，补发 {result.arrears_lines} 条（其中与上次相同未重写 {result.unchanged} 条），"
            f"暂缓 {result.held} 条，"
            f"已在锁定花名册上 {result.skipped} 条，金额 {result.amount} 元，用时 {time.perf_counter() - start:.1f} 秒"
        )
        self._say(f"lines: {result.total_lines}")

    def _export(self, month, region, out):
        start = time.perf_counter()
        table = export.export_table(month, region)
        rows = export.write_csv(table, out)
        run_actions.record_export(actor=ACTOR, month=month, region_code=region, rows=rows, out=out)
        self._say(f"已导出 {out}，用时 {time.perf_counter() - start:.1f} 秒")
        self._say(f"lines: {rows}")
