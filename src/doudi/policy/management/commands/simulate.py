"""``doudi simulate --region CODE --set KEY=VALUE [--factor KEY=1.05] --as-of DATE``: what-if simulation.

``--set`` takes a contract flat key (``dibao_standard_urban=798``) or a canonical key
(``dibao_standard.rural=600``); ``--factor`` multiplies each household's resolved value
(``dibao_standard.urban=1.05`` = +5 %). Prints the summary (tiers before/after, the movers matrix, the
monthly cost before/after/delta, by county); ``--json`` prints the summary JSON instead. The run is
stored as a ``PolicyRun`` (kind simulation) unless ``--no-record``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from doudi.core.commands import date_option
from doudi.core.scoping import using_scope
from doudi.policy import batch, run_actions, simulation
from doudi.policy.management.commands.reassess import matrix_text

ACTOR = "doudi simulate"


def _pairs(values: list[str], what: str) -> list[tuple[str, str]]:
    out = []
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CommandError(f"{what} 应写成 参数=值：{item!r}", returncode=2)
        out.append((key.strip(), value.strip()))
    return out


class Command(BaseCommand):
    help = "政策模拟：模拟参数调整后辖区家庭的类别变动和月度待遇支出变化"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码（6、9或12位）")
        parser.add_argument("--as-of", required=True, help="测算日期 YYYY-MM-DD")
        parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="参数设为新值")
        parser.add_argument(
            "--factor", action="append", default=[], metavar="KEY=FACTOR", help="参数乘以系数"
        )
        parser.add_argument("--area-type", choices=["urban", "rural"], help="只调整城市或农村家庭的参数")
        parser.add_argument("--json", action="store_true", help="输出摘要 JSON")
        parser.add_argument("--no-record", action="store_true", help="不保存测算记录")

    def handle(self, *args, **options):
        as_of = date_option(options["as_of"])
        area = options.get("area_type")
        extra = {"area_type": area} if area else {}
        changes = [{"key": k, "value": v, **extra} for k, v in _pairs(options["set"], "--set")]
        changes += [{"key": k, "factor": v, **extra} for k, v in _pairs(options["factor"], "--factor")]
        if not changes:
            raise CommandError("请用 --set 或 --factor 给出至少一项参数调整", returncode=2)
        region = options["region"].strip()
        with using_scope(region):
            try:
                result = simulation.simulate(
                    region_code=region,
                    changes=changes,
                    as_of=as_of,
                    actor=ACTOR,
                    record=not options["no_record"],
                )
            except (simulation.SimulationError, run_actions.RunError, ValueError) as exc:
                raise CommandError(str(exc), returncode=2) from None
        s = result.summary
        if options["json"]:
            self.stdout.write(json.dumps(s, ensure_ascii=False, indent=2))
            return
        out = self.stdout
        out.write(
            f"政策模拟{f'第{result.run_id}号' if result.run_id else ''}：{s['region_name']}，测算日期 {s['as_of']}"
        )
        for c in s["changes"]:
            out.write(f"  参数调整：{c['label']}")
        out.write(f"家庭 {s['households']} 户，已测算 {s['assessed']} 户，类别变动 {s['movers']} 户")
        for reason, n in s.get("skipped_by_reason", {}).items():
            out.write(f"  无法测算：{reason} {n} 户")
        out.write("各类别户数（调整前 → 调整后）：")
        for t in batch.TIERS:
            before, after = s["before"].get(t, 0), s["after"].get(t, 0)
            if before or after:
                out.write(f"  {batch.TIER_ZH[t]}：{before} → {after}（{after - before:+d}）")
        cost = s["cost"]
        out.write(f"月度待遇支出：{cost['before']} 元 → {cost['after']} 元（{cost['delta']:+d} 元）")
        out.write("")
        out.write(matrix_text(s))
        counties = batch.by_level(s, "county")
        if counties:
            out.write("")
            out.write("分县（市、区）：")
            for r in counties:
                c = r["cost"]
                out.write(
                    f"  {r['code']} {r['name']}：变动 {r['movers']} 户，月度待遇 {c['before']} → {c['after']}（{c['delta']:+d}）元"
                )
