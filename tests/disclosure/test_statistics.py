"""Aggregate figures with small cells suppressed (R-PUB6, ``disclosure.min_cell``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doudi.core.scoping import all_regions
from doudi.disclosure import publish_actions
from doudi.disclosure.suppress import suppress_table
from tests.conftest import YANJI, YANJI_T1, YANJI_T2

KEYS = ["households.DIBAO", "amount.DIBAO", "confirmed"]
DEP = {"amount.DIBAO": "households.DIBAO"}


def test_a_small_count_and_its_amount_are_hidden():
    t = suppress_table(
        {"a": {"households.DIBAO": 3, "amount.DIBAO": 1500}, "b": {"households.DIBAO": 12, "amount.DIBAO": 6000},
         "c": {"households.DIBAO": 20, "amount.DIBAO": 9000}},
        KEYS, DEP, 5,
    )  # fmt: skip
    assert t["cells"]["a"]["households.DIBAO"] is None and t["cells"]["a"]["amount.DIBAO"] is None
    # a lone hidden cell next to a shown total: the next smallest is hidden too (no subtraction)
    assert t["cells"]["b"]["households.DIBAO"] is None and t["cells"]["b"]["amount.DIBAO"] is None
    assert t["cells"]["c"]["households.DIBAO"] == 20
    assert t["total"]["households.DIBAO"] == 35


def test_zero_and_threshold_values_are_shown_and_a_small_total_is_hidden():
    t = suppress_table(
        {"a": {"households.DIBAO": 0, "confirmed": 5}, "b": {"households.DIBAO": 2}}, KEYS, DEP, 5
    )
    assert t["cells"]["a"]["households.DIBAO"] == 0 and t["cells"]["a"]["confirmed"] == 5
    assert t["cells"]["b"]["households.DIBAO"] is None
    assert t["total"]["households.DIBAO"] is None and t["total"]["amount.DIBAO"] is None


def test_the_threshold_is_the_parameter():
    values = {"a": {"households.DIBAO": 6}, "b": {"households.DIBAO": 7}}
    assert suppress_table(values, KEYS, DEP, 5)["cells"]["a"]["households.DIBAO"] == 6
    assert suppress_table(values, KEYS, DEP, 10)["cells"]["a"]["households.DIBAO"] is None


@pytest.mark.django_db
def test_the_page_hides_a_township_with_few_recipients(client, world):
    for i in range(6):
        world.case([(f"李{i}花", dt.date(1970, 1, 1))], amount=100)
    world.case([("张单独", dt.date(1970, 1, 1))], region=YANJI_T2, amount=777)
    with all_regions():
        publish_actions.publish_month(actor="test", county_code=YANJI, on=dt.date(2026, 12, 7))
    r = client.get(reverse("disclosure_public:statistics", args=[YANJI]))
    html = r.content.decode()
    assert r.status_code == 200 and "*" in html and "777" not in html
    api = client.get(f"/api/v1/public/regions/{YANJI}/statistics").json()
    rows = {row["name"]: row["cells"] for row in api["rows"]}
    assert rows["北山街道"]["低保户数"] is None and rows["北山街道"]["低保金（元）"] is None
    assert rows["进学街道"]["低保户数"] is None  # the complement: one hidden cell alone would be subtracted
    assert api["total"]["低保户数"] == 7
    township = client.get(f"/api/v1/public/regions/{YANJI_T1}/statistics").json()
    assert [row["name"] for row in township["rows"]] == ["进学街道"]
