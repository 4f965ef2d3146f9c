"""``doudi spotchecks …``: spot checks from the command line (seed §18).

* ``draw --region CODE [--year Y] [--quarter 0-4] [--kinds case,refusal,warning] [--share 0.05] [--min N]
  [--seed S] [--date YYYY-MM-DD]`` — draw a round in the region (a county, city or the province) as the
  system; prints ``round: ID``, ``seed: S`` and ``drawn: N``. The same seed draws the same sample.

Exit 2 for bad input (Chinese message on stderr).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.spotchecks import actions, queries, rules


class Command(BaseCommand):
    help = "抽查核查：按比例抽取样本"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        dr = sub.add_parser("draw", help="在县、市或省范围内抽取抽查样本")
        dr.add_argument("--region", required=True)
        dr.add_argument("--year", type=int, default=None)
        dr.add_argument("--quarter", type=int, default=0)
        dr.add_argument("--kinds", default=",".join(rules.KINDS))
        dr.add_argument("--share", type=float, default=None)
        dr.add_argument("--min", dest="min_count", type=int, default=None)
        dr.add_argument("--seed", type=int, default=None)
        dr.add_argument("--date", type=date_option, default=None)

    def handle(self, *args, **o):
        kinds = [k.strip() for k in o["kinds"].split(",") if k.strip()]
        if unknown := [k for k in kinds if k not in rules.KINDS]:
            raise CommandError(f"未知的抽查类别：{'、'.join(unknown)}", returncode=2)
        on = o.get("date") or timezone.localdate()
        try:
            with all_regions():
                rnd = actions.draw_round(
                    actor=actions.COMMAND, region_code=o["region"], year=o["year"] or on.year,
                    quarter=o["quarter"], kinds=kinds, share=o["share"], min_count=o["min_count"],
                    seed=o["seed"], on=on,
                )  # fmt: skip
                n = queries.items(rnd).count()
        except actions.SpotCheckError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"round: {rnd.pk}\nseed: {rnd.seed}\ndrawn: {n}")
