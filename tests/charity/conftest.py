"""Charity fixtures: the shared households (H-YJ1 in 进学街道 with 金明哲 and 朴英子, H-YJ2 in 北山街道, H-NG1 in
南岭街道), staff of 进学街道, 延吉市 and 南关区, and three charities: one serving the province, one serving only
延吉市, one serving only 南关区, each with a user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, PROVINCE, YANJI, YANJI_T1, YANJI_T2

STORY = "家中一名成员患慢性病需长期服药，医保报销后自付药费仍较高，希望资助半年药费。"


@pytest.fixture
def people(make_user, households):
    return {
        "township": make_user("township_caseworker", YANJI_T1, username="t-jinxue"),
        "grid": make_user("grid_worker", YANJI_T1, username="g-jinxue"),
        "county": make_user("county_officer", YANJI, username="c-yanji"),
        "nanguan_town": make_user("township_caseworker", NANGUAN_T1, username="t-nanling"),
        "beishan": make_user("township_caseworker", YANJI_T2, username="t-beishan"),
        "province": make_user("province_officer", PROVINCE, username="p-jilin"),
        "auditor": make_user("auditor", PROVINCE, username="a-jilin"),
        "ch_prov": make_user("charity", PROVINCE, username="ch-prov"),
        "ch_yanji": make_user("charity", PROVINCE, username="ch-yanji"),
        "ch_nanguan": make_user("charity", PROVINCE, username="ch-nanguan"),
    }


@pytest.fixture
def charities(people):
    from doudi.charity import actions

    out = {}
    with all_regions():
        for key, actor, area, code in (
            ("prov", people["province"], PROVINCE, "51220000MJ0000001X"),
            ("yanji", people["county"], YANJI, "51222401MJ00000021"),
            ("nanguan", people["province"], NANGUAN, "51220102MJ00000031"),
        ):
            c = actions.register_charity(actor=actor, name=f"测试慈善会{key}", credit_code=code, authority="民政部门",
                                         service_area=[area], contact_name="联系人", contact_phone="0431-1234567")  # fmt: skip
            actions.add_member(actor=actor, charity=c, user=people[f"ch_{key}"])
            out[key] = c
    return out


@pytest.fixture
def make_need(people, households):
    """``make_need(state="published", target=..., household="H-YJ1")`` through the actions."""
    from doudi.charity import actions

    def make(state: str = "published", *, target="1000", household: str = "H-YJ1", story: str = STORY,
             measure: str = "money", due_days: int = 30, category: str = "medical"):  # fmt: skip
        hh = households[household]
        town = {"H-YJ1": people["township"], "H-YJ2": people["beishan"], "H-NG1": people["nanguan_town"]}[
            household
        ]
        with all_regions():
            need = actions.create_need(
                actor=town, household=hh, category=category,
                title="慢性病长期用药费用", description="金明哲患糖尿病，需长期用药，家住进学街道。", measure=measure,
                target=target, unit="元" if measure == "money" else "件",
                due_on=timezone.localdate() + dt.timedelta(days=due_days), public_story=story,
            )  # fmt: skip
            if state == "draft":
                return need
            need = actions.record_consent(
                actor=town, need=need, by="金明哲", on=timezone.localdate(), method="paper"
            )
            need = actions.submit(actor=town, need=need)
            if state == "pending":
                return need
            return actions.approve(actor=town, need=need)

    return make


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def money(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"))
