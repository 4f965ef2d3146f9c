"""The supervision figures show the charity's work (R-S1): the dashboards' charity topic counts the published
needs by category and how far they got, with the money the township confirmed received."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions, user_scope, using_scope
from tests.conftest import YANJI

pytestmark = pytest.mark.django_db


def test_the_charity_topic_counts_needs_by_progress_and_the_money_received(make_need, people, charities):
    from doudi.charity import claim_actions
    from doudi.dashboards import actions as dashboards
    from doudi.dashboards import queries

    today = timezone.localdate()
    done, open_, _draft = make_need(target="800"), make_need(target="500"), make_need("draft")
    make_need(target="300", category="education")
    with all_regions():
        claim = claim_actions.claim(actor=people["ch_prov"], need=done, amount="800")
        delivery = claim_actions.record_delivery(actor=people["ch_prov"], claim=claim, kind="money", amount="800",
                                                 description="转账", delivered_on=today)  # fmt: skip
        claim_actions.confirm_delivery(actor=people["township"], delivery=delivery)
        claim_actions.claim(actor=people["ch_yanji"], need=open_, amount="200")
        dashboards.refresh(today=today)
    county = people["county"]
    with using_scope(user_scope(county)):
        topic = queries.overview(county, YANJI, today - dt.timedelta(days=31), today).topics["charity"]
    rows = {r[0]: r for r in topic.rows}
    head = topic.head
    medical = rows["医疗费用"]
    # the draft was never published: not counted
    assert [medical[head.index(h)] for h in ("待认领", "认领中", "已完成", "发布需求")] == [0, 1, 1, 2]
    assert medical[head.index("已到位资金（元）")] == 800
    assert rows["助学"][head.index("待认领")] == 1
    assert topic.total[-1] == 800
