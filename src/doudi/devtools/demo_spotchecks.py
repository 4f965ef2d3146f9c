"""Demo spot checks (seed §18): one round drawn by 延吉市 (the demo county) over the year with a fixed seed, and
findings on its first items — one without problems, one with a problem corrected, one with a problem awaiting
correction. Idempotent: nothing is added once the county has a round."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from doudi.devtools.demo_casework import _user
from doudi.spotchecks import actions
from doudi.spotchecks.models import Item, Round

YANJI = "222401000000"
SEED = 20261207


def seed_spotchecks(today: dt.date | None = None) -> int:
    """The number of items drawn (0 when the county user is missing or a round exists)."""
    today = today or timezone.localdate()
    county = _user("yanji")
    if county is None:
        return 0
    with all_regions():
        if Round.unscoped.filter(region_code=YANJI).exists():
            return 0
        drawn_on = add_working_days(today, -8)
        rnd = actions.draw_round(actor=county, year=drawn_on.year, seed=SEED, on=drawn_on)
        items = list(Item.unscoped.filter(round=rnd).order_by("pk")[:3])
        for item in items:
            actions.assign(actor=county, item=item, assignee=county, on=drawn_on)
        checked = add_working_days(today, -3)
        if items:
            actions.record_finding(actor=county, item=items[0], result="ok", note="入户核实，家庭情况与档案一致。",
                                   on=checked)  # fmt: skip
        if len(items) > 1:
            actions.record_finding(actor=county, item=items[1], result="problem", category="documents",
                                   note="档案缺少家庭经济状况核对授权书。", on=checked)  # fmt: skip
            actions.record_correction(
                actor=county, item=items[1], correction="已补签授权书并归档。", on=today
            )
        if len(items) > 2:
            actions.record_finding(actor=county, item=items[2], result="problem", category="amount",
                                   note="救助金额按旧标准计算，每月少发20元。", on=checked)  # fmt: skip
        return Item.unscoped.filter(round=rnd).count()
