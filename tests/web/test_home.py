"""Home page counts follow the user's region subtree (R-S1, R-S5)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import NANGUAN, YANJI, YANJI_T1

from .conftest import assert_csp_clean

pytestmark = pytest.mark.django_db


def _dibao(response) -> dict:
    return next(r for r in response.context["rows"] if r["category"] == "DIBAO")


def test_county_user_counts_both_townships(login, make_user, households):
    response = login(make_user("county_officer", YANJI)).get("/")
    assert response.status_code == 200
    assert response.context["counts"]["totals"] == {"households": 2, "persons": 3}
    dibao = _dibao(response)
    assert (dibao["urban_households"], dibao["urban_persons"], dibao["rural_persons"]) == (2, 3, 0)
    html = response.content.decode()
    assert "延吉市" in html and "县级民政" in html
    assert '<span class="tile-value" id="total-households">2</span>' in html
    chart = json.loads(
        html.split('id="category-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["categories"][1] == "特困" and chart["categories"][0] == "低保"
    assert chart["series"][0]["data"][0] == 2  # urban households in 低保
    assert chart["series"][2]["data"][0] == 3  # urban persons in 低保
    assert_csp_clean(response)


def test_township_user_counts_only_its_township(login, make_user, households):
    response = login(make_user("township_caseworker", YANJI_T1)).get("/")
    assert response.context["counts"]["totals"] == {"households": 1, "persons": 2}
    assert (_dibao(response)["urban_households"], _dibao(response)["urban_persons"]) == (1, 2)
    assert "进学街道" in response.content.decode()


def test_other_county_sees_its_own_numbers(login, make_user, households):
    response = login(make_user("county_officer", NANGUAN)).get("/")
    assert response.context["counts"]["totals"] == {"households": 1, "persons": 1}


def test_empty_region_shows_empty_state(login, make_user, regions):
    response = login(make_user("county_officer", YANJI)).get("/")
    assert "目前没有在册的低收入人口" in response.content.decode()
    assert "category-chart-data" not in response.content.decode()
