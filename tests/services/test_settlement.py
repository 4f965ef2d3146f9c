"""The monthly settlement: the total equals the confirmed visits × contracted price (random visits), unpaid
visits apart, idempotent re-runs of a draft, confirmation after the month, and nothing changes after it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from doudi.core.scoping import all_regions
from tests.services.conftest import accepted

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 2)


def _orders(world):
    from doudi.services import actions

    a = accepted(world, on=NOV)  # 生活照料, 32.50 元/小时
    b = accepted(world, person="pupil", service="visit", on=NOV)  # 上门探访与陪伴, 38 元/次
    with all_regions():
        c = actions.accept(actor=world.staff["p2"], order=_raw(world), on=NOV)  # another provider's contract
    return a, b, c


def _raw(world):
    from tests.services.conftest import order_for

    return order_for(world, person="adult", service="talk", provider=1, on=NOV)


def _random_visits(seed: int) -> list[tuple[int, int, int, str]]:
    rnd = random.Random(seed)
    states = ["confirmed", "recorded", "disputed"]
    return [(rnd.randint(0, 1), rnd.randint(0, 27), rnd.randint(5, 300), rnd.choice(states))
            for _ in range(rnd.randint(0, 25))]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_total_is_confirmed_quantity_times_price(world, seed):
    """Random visits (order, day, minutes, state): the settlement pays exactly the confirmed ones."""
    from doudi.services import actions, rules, settlement_actions

    visits = _random_visits(seed)
    a, b, c = _orders(world)
    expected = Decimal(0)
    unpaid = 0
    with all_regions():
        for which, day, minutes, state in visits:
            o = (a, b)[which]
            v = actions.record_visit(actor=world.staff["p1"], order=o, visited_on=NOV + dt.timedelta(days=day),
                                     minutes=minutes, worker="护理员", on=dt.date(2026, 12, 7))  # fmt: skip
            if state == "confirmed":
                actions.confirm_visit(
                    actor=world.staff["township"], visit=v, family_confirmer="本人", method="phone"
                )
                expected += rules.quantity(o.service_type.unit, minutes) * o.unit_price
            elif state == "disputed":
                actions.dispute_visit(actor=world.staff["township"], visit=v, reason="不符")
                unpaid += 1
            else:
                unpaid += 1
        v = actions.record_visit(actor=world.staff["p2"], order=c, visited_on=NOV, minutes=60, worker="社工",
                                 on=dt.date(2026, 12, 7))  # fmt: skip
        actions.confirm_visit(actor=world.staff["township"], visit=v, family_confirmer="本人", method="phone")
        s = settlement_actions.settle(actor=world.staff["county"], contract=world.contracts[0], month=NOV)
        other = settlement_actions.settle(actor=world.staff["county"], contract=world.contracts[1], month=NOV)
    assert s.total == expected.quantize(Decimal("0.01"))  # prices and half hours: exact in fen
    assert s.unpaid_visits == unpaid
    assert s.visits == sum(1 for *_, state in visits if state == "confirmed")
    with all_regions():
        assert sum(line.amount for line in s.lines.all()) == s.total
    assert other.total == Decimal("75.00") and other.visits == 1  # the other provider's contract apart


def test_rerun_is_idempotent_and_confirm_freezes(world):
    from doudi.services import actions, settlement_actions
    from doudi.services.base import ServicesConflict
    from doudi.services.models import Settlement, SettlementLine

    a = accepted(world, on=NOV)
    county = world.staff["county"]
    with all_regions():
        v = actions.record_visit(actor=world.staff["p1"], order=a, visited_on=NOV, minutes=120, worker="韩",
                                 on=dt.date(2026, 12, 7))  # fmt: skip
        actions.confirm_visit(
            actor=world.staff["township"], visit=v, family_confirmer="本人", method="present"
        )
        s1 = settlement_actions.settle(actor=county, contract=world.contracts[0], month=NOV)
        s2 = settlement_actions.settle(actor=county, contract=world.contracts[0], month=NOV)
        assert s1.pk == s2.pk and s2.total == Decimal("65.00")
        assert Settlement.unscoped.count() == 1 and SettlementLine.unscoped.count() == 1
        with pytest.raises(ServicesConflict, match="月份结束后"):
            settlement_actions.confirm(actor=county, settlement=s2, on=dt.date(2026, 11, 30))
        s = settlement_actions.confirm(actor=county, settlement=s2, on=dt.date(2026, 12, 1))
        assert s.state == "confirmed"
        with pytest.raises(ServicesConflict, match="已确认"):
            settlement_actions.settle(actor=county, contract=world.contracts[0], month=NOV)
        with pytest.raises(ServicesConflict, match="已确认结算"):
            actions.record_visit(actor=world.staff["p1"], order=a, visited_on=NOV + dt.timedelta(days=1),
                                 minutes=60, worker="韩", on=dt.date(2026, 12, 7))  # fmt: skip


def test_only_the_county_settles(world):
    from doudi.services import settlement_actions
    from doudi.services.base import ServicesError

    with all_regions():
        for who in ("township", "other_county", "city"):
            with pytest.raises(ServicesError, match="无权结算"):
                settlement_actions.settle(actor=world.staff[who], contract=world.contracts[0], month=NOV)


def test_export_has_chinese_headers_and_masked_names(world):
    import io

    import openpyxl

    from doudi.services import actions, excel, settlement_actions

    a = accepted(world, on=NOV)
    with all_regions():
        v = actions.record_visit(actor=world.staff["p1"], order=a, visited_on=NOV, minutes=60, worker="韩秀兰",
                                 on=dt.date(2026, 12, 7))  # fmt: skip
        actions.confirm_visit(
            actor=world.staff["township"], visit=v, family_confirmer="金小明", method="phone"
        )
        s = settlement_actions.settle(actor=world.staff["county"], contract=world.contracts[0], month=NOV)
        data, n = excel.settlement_book(s)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    assert rows[0][:4] == ["类别", "服务日期", "工单编号", "服务对象"]
    text = repr(rows)
    assert "金*福" in text and "金永福" not in text and "金*明" in text
    assert "confirmed" not in text and "已确认" in text
