"""Ordering, accepting, visiting, confirming and completing an order, with the refusals and the chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.scoping import all_regions
from tests.services.conftest import DAY, accepted, order_for

pytestmark = pytest.mark.django_db


def test_order_for_an_eligible_person_and_the_chain(world):
    from doudi.monitoring.models import ChainEvent

    o = order_for(world)
    assert o.state == "placed" and o.unit_price == Decimal("32.50")
    assert o.eligibility == "分散供养特困人员、独居老人"
    assert o.region_code == "222401001000" and o.number.startswith("FW222401001")
    assert o.accept_due == dt.date(2026, 12, 10)  # three working days
    with all_regions():
        ev = ChainEvent.unscoped.get(household_id=o.household_id, kind="service")
    assert "生活照料" in ev.summary and o.number in ev.summary


def test_an_ineligible_person_is_refused_in_chinese(world):
    from doudi.services.base import ServicesError

    with pytest.raises(ServicesError, match="服务对象为分散供养特困人员、独居老人，该人员不符合条件"):
        order_for(world, person="adult")
    with pytest.raises(ServicesError, match="不在低收入人口名单内"):
        order_for(world, person="none")
    assert (
        order_for(world, person="adult", service="talk").state == "placed"
    )  # open to every low-income person
    assert order_for(world, person="pupil", service="visit").eligibility == "未成年人"


def test_a_contract_must_cover_the_township_the_type_and_the_period(world):
    from doudi.services.base import ServicesError

    with pytest.raises(ServicesError, match="不在您的辖区内"):
        order_for(world, person="t2")  # the township orders only for its own people
    with pytest.raises(ServicesError, match="没有覆盖本乡镇"):
        order_for(world, person="t2", actor=world.staff["township2"])  # no contract covers 北山街道
    with pytest.raises(ServicesError, match="超出合同有效期"):
        order_for(world, ends_on=dt.date(2028, 3, 1))
    with pytest.raises(ServicesError, match="没有覆盖本乡镇"):
        order_for(world, on=dt.date(2028, 2, 1))  # the contract has ended


def test_origin_from_a_warning_must_belong_to_the_household(world):
    from doudi.services.base import ServicesError

    with pytest.raises(ServicesError, match="来源的预警"):
        order_for(world, origin="warning", origin_id=999999)


def test_accept_plans_visit_then_confirm_and_complete(world):
    from doudi.monitoring.models import ChainEvent
    from doudi.services import actions
    from doudi.services.models import PlannedVisit

    o = accepted(world)
    assert o.state == "accepted"
    with all_regions():
        plans = sorted(PlannedVisit.unscoped.filter(order=o).values_list("on", flat=True))
        assert plans[:2] == [dt.date(2026, 12, 7), dt.date(2026, 12, 10)]
        v = actions.record_visit(actor=world.staff["p1"], order=o, visited_on=DAY, minutes=95, worker="韩秀兰",
                                 notes="助浴、整理房间", on=DAY)  # fmt: skip
        assert v.quantity == Decimal("1.5") and v.state == "recorded"
        v = actions.confirm_visit(actor=world.staff["grid"], visit=v, family_confirmer="本人", method="home")
        assert v.state == "confirmed" and v.confirmed_by == world.staff["grid"]
        o = actions.complete(actor=world.staff["township"], order=o, satisfaction="satisfied", on=DAY)
        assert o.state == "completed"
        assert not PlannedVisit.unscoped.filter(order=o, on__gt=DAY).exists()
        summaries = list(ChainEvent.unscoped.filter(household_id=o.household_id, kind="service")
                         .order_by("pk").values_list("summary", flat=True))  # fmt: skip
    assert len(summaries) == 2 and "已确认服务1次，满意" in summaries[1]


def test_decline_needs_a_reason_and_only_the_order_provider_acts(world):
    from doudi.services import actions
    from doudi.services.base import ServicesConflict, ServicesError

    o = order_for(world)
    with all_regions():
        with pytest.raises(ServicesError, match="不属于您所在的服务机构"):
            actions.accept(actor=world.staff["p2"], order=o)
        with pytest.raises(ServicesError, match="理由"):
            actions.decline(actor=world.staff["p1"], order=o, reason=" ")
        o = actions.decline(actor=world.staff["p1"], order=o, reason="本周护理员不足")
        assert o.state == "declined"
        with pytest.raises(ServicesConflict):
            actions.accept(actor=world.staff["p1"], order=o)


def test_visit_refusals_and_dispute(world):
    from doudi.services import actions
    from doudi.services.base import ServicesConflict, ServicesError

    o = accepted(world)
    with all_regions():
        with pytest.raises(ServicesError, match="不晚于今天"):
            actions.record_visit(actor=world.staff["p1"], order=o, visited_on=DAY + dt.timedelta(days=1),
                                 minutes=60, worker="韩", on=DAY)  # fmt: skip
        with pytest.raises(ServicesError, match="照片"):
            actions.record_visit(actor=world.staff["p1"], order=o, visited_on=DAY, minutes=60, worker="韩",
                                 photo=b"not an image", on=DAY)  # fmt: skip
        v = actions.record_visit(actor=world.staff["p1"], order=o, visited_on=DAY, minutes=60, worker="韩",
                                 photo=b"\x89PNG\r\n\x1a\n" + b"0" * 100, on=DAY)  # fmt: skip
        assert v.photo.name.endswith(".png")
        with pytest.raises(ServicesError, match="无权"):
            actions.confirm_visit(
                actor=world.staff["township2"], visit=v, family_confirmer="本人", method="phone"
            )
        with pytest.raises(ServicesError, match="确认人"):
            actions.confirm_visit(actor=world.staff["township"], visit=v, family_confirmer="", method="phone")
        v = actions.dispute_visit(actor=world.staff["township"], visit=v, reason="当天无人上门")
        assert v.state == "disputed"
        with pytest.raises(ServicesConflict):
            actions.dispute_visit(actor=world.staff["township"], visit=v, reason="again")


def test_order_from_a_warning_records_its_origin(world):
    from django.test import Client
    from django.utils import timezone

    from doudi.monitoring.loop import warning_actions

    w = world
    tekun = w.persons["tekun"]
    with all_regions():
        warning = warning_actions.raise_warning(
            actor="scan", household=tekun.household, indicator="W-ILL", level="orange", raised_on=DAY,
            evidence=[{"source": "医保", "batch_id": 1, "record_id": "r1", "detail": "自付医疗费用高"}],
        )  # fmt: skip
    c = Client()
    c.force_login(w.staff["township"])
    page = c.get(f"/services/orders/new/?warning={warning.pk}").content.decode()
    assert "预警处置" in page and tekun.name in page and f"person={tekun.pk}&amp;warning={warning.pk}" in page
    o = order_for(w, origin="warning", origin_id=warning.pk, on=timezone.localdate())
    assert (o.origin, o.origin_id) == ("warning", warning.pk)
    assert c.get(f"/services/orders/{o.pk}/").content.decode().count("预警处置") == 1
