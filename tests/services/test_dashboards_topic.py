"""The supervision figures show the services (R-S1): the dashboards' services topic counts every visit by service
and state, and its amount is what the settlement pays for the confirmed ones."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, user_scope, using_scope
from tests.conftest import YANJI
from tests.services.conftest import accepted

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 2)


def test_the_services_topic_counts_visits_and_the_confirmed_amount(world):
    from doudi.dashboards import actions as dashboards
    from doudi.dashboards import queries
    from doudi.services import actions, settlement_actions

    order = accepted(world, on=NOV)  # 生活照料 at 32.50 元 an hour
    with all_regions():
        visits = [
            actions.record_visit(
                actor=world.staff["p1"],
                order=order,
                visited_on=NOV + dt.timedelta(days=d),
                minutes=minutes,
                worker="护理员",
                on=dt.date(2026, 12, 7),
            )  # fmt: skip
            for d, minutes in ((0, 60), (2, 120), (4, 90), (6, 60))
        ]
        for v in visits[:3]:
            actions.confirm_visit(
                actor=world.staff["township"], visit=v, family_confirmer="本人", method="phone"
            )
        settlement = settlement_actions.settle(
            actor=world.staff["county"], contract=world.contracts[0], month=NOV
        )
        dashboards.refresh(today=dt.date(2026, 12, 7))
    county = world.staff["county"]
    with using_scope(user_scope(county)):
        topic = queries.overview(county, YANJI, NOV, dt.date(2026, 11, 30)).topics["services"]
    row = next(r for r in topic.rows if r[0] == "生活照料")
    head = topic.head
    assert (
        row[head.index("已确认")] == 3 and row[head.index("待确认")] == 1 and row[head.index("服务次数")] == 4
    )
    assert row[head.index("已确认金额（元）")] == round(settlement.total) == 146  # 4.5 h × 32.50
    assert topic.total[-1] == 146
