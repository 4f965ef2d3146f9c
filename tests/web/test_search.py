"""Household search: by name, by identity number through the blind index, never outside scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import NANGUAN, NANGUAN_T1, PROVINCE, YANJI, YANJI_T1, YANJI_T2

from .conftest import JIN_ID15, JIN_ID18, assert_csp_clean

pytestmark = pytest.mark.django_db


def _keys(response) -> list[str]:
    return [r.household.household_key for r in response.context["rows"]]


@pytest.fixture
def county(login, make_user, households):
    return login(make_user("county_officer", YANJI))


def test_default_lists_every_household_in_scope_only(county):
    response = county.get(reverse("registry:search"))
    assert response.status_code == 200
    assert _keys(response) == ["H-YJ1", "H-YJ2"]
    html = response.content.decode()
    assert "H-NG1" not in html and "王建国" not in html
    assert_csp_clean(response)


def test_row_shows_head_masked_id_region_area_and_category(county):
    response = county.get(reverse("registry:search"), {"name": "金明哲"})
    html = response.content.decode()
    assert _keys(response) == ["H-YJ1"]
    assert "222401********" + JIN_ID18[-4:] in html
    assert JIN_ID18 not in html
    assert "进学街道" in html and "城市" in html and "低保" in html


def test_search_by_name(county):
    assert _keys(county.get(reverse("registry:search"), {"name": "李春花"})) == ["H-YJ2"]
    assert _keys(county.get(reverse("registry:search"), {"name": "李春"})) == ["H-YJ2"]  # the beginning


def test_search_by_full_and_legacy_identity_number(county):
    assert len(JIN_ID15) == 15
    assert _keys(county.post(reverse("registry:search"), {"id_number": JIN_ID18})) == ["H-YJ1"]
    assert _keys(county.post(reverse("registry:search"), {"id_number": JIN_ID15})) == ["H-YJ1"]
    wrong_check = JIN_ID18[:-1] + ("1" if JIN_ID18[-1] != "1" else "2")
    assert _keys(county.post(reverse("registry:search"), {"id_number": wrong_check})) == []


def test_name_of_a_household_in_another_county_finds_nothing(county):
    response = county.get(reverse("registry:search"), {"name": "王建国"})
    assert _keys(response) == []
    assert "没有符合条件的家庭" in response.content.decode()


def test_region_outside_scope_is_refused(county):
    response = county.get(reverse("registry:search"), {"region": NANGUAN_T1})
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "所选区划不在您的辖区内" in html and "H-NG1" not in html


def test_region_select_lists_only_regions_in_scope(county):
    form = county.get(reverse("registry:search")).context["form"]
    codes = [c for c, _ in form.fields["region"].choices if c]
    assert YANJI in codes and YANJI_T1 in codes and YANJI_T2 in codes
    assert all(c.startswith("222401") for c in codes)
    assert NANGUAN not in codes


def test_region_filter_narrows_to_a_township(county):
    assert _keys(county.get(reverse("registry:search"), {"region": YANJI_T2})) == ["H-YJ2"]


def test_province_user_finds_all_and_filters(login, make_user, households):
    client = login(make_user("province_officer", PROVINCE))
    assert _keys(client.get(reverse("registry:search"))) == ["H-NG1", "H-YJ1", "H-YJ2"]
    assert _keys(client.get(reverse("registry:search"), {"region": NANGUAN})) == ["H-NG1"]
    assert _keys(client.get(reverse("registry:search"), {"category": "TEKUN"})) == []
    assert _keys(client.get(reverse("registry:search"), {"category": "DIBAO", "area_type": "rural"})) == []


def test_htmx_request_gets_the_results_partial(county):
    response = county.get(reverse("registry:search"), {"name": "金明哲"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="results-table"' in html and "H-YJ1" in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_grid_worker_in_township_sees_only_the_township(login, make_user, households):
    client = login(make_user("grid_worker", YANJI_T1))
    assert _keys(client.get(reverse("registry:search"))) == ["H-YJ1"]
    assert _keys(client.get(reverse("registry:search"), {"name": "李春花"})) == []


def test_query_count_does_not_grow_with_the_page(county, households):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from doudi.core.scoping import all_regions
    from doudi.registry import actions

    with CaptureQueriesContext(connection) as small:
        county.get(reverse("registry:search"))
    with all_regions():
        for i in range(6):
            hh = actions.create_household(
                actor="test",
                household_key=f"H-X{i}",
                region_code=YANJI_T1,
                area_type="rural",
                since=dt.date(2024, 1, 1),
            )
            actions.add_person_to_household(
                actor="test",
                household=hh,
                person_key=f"P-X{i}",
                name=f"测试{i}",
                id_number=None,
                relation="head",
                since=dt.date(2024, 1, 1),
            )
    with CaptureQueriesContext(connection) as large:
        response = county.get(reverse("registry:search"))
    assert len(response.context["rows"]) == 8
    assert len(large.captured_queries) == len(small.captured_queries)


# --- partial names and household keys (issue 9, item 8) ---------------------------------------------


def test_partial_name_in_a_county_matches_the_given_name(county):
    assert _keys(county.get(reverse("registry:search"), {"name": "明哲"})) == ["H-YJ1"]
    assert _keys(county.get(reverse("registry:search"), {"name": "英"})) == [
        "H-YJ1"
    ]  # a member, not the head
    assert _keys(county.get(reverse("registry:search"), {"name": "金"})) == ["H-YJ1"]


def test_partial_name_never_reaches_another_county(county):
    assert _keys(county.get(reverse("registry:search"), {"name": "建国"})) == []
    assert _keys(county.get(reverse("registry:search"), {"name": "王"})) == []


def test_province_matches_name_beginnings_and_substring_once_a_county_is_chosen(login, make_user, households):
    c = login(make_user("province_officer", PROVINCE))
    assert _keys(c.get(reverse("registry:search"), {"name": "王建"})) == ["H-NG1"]
    assert _keys(c.get(reverse("registry:search"), {"name": "建国"})) == []  # province-wide: beginnings only
    assert _keys(c.get(reverse("registry:search"), {"name": "建国", "region": NANGUAN})) == ["H-NG1"]


def test_household_key_prefix_and_fragment(county):
    assert _keys(county.get(reverse("registry:search"), {"household_key": "H-YJ"})) == ["H-YJ1", "H-YJ2"]
    assert _keys(county.get(reverse("registry:search"), {"household_key": "H-YJ2"})) == ["H-YJ2"]
    assert _keys(county.get(reverse("registry:search"), {"household_key": "YJ1"})) == ["H-YJ1"]
    assert _keys(county.get(reverse("registry:search"), {"household_key": "H-NG"})) == []


def test_township_worker_partial_search_stays_in_the_township(login, make_user, households):
    c = login(make_user("township_caseworker", YANJI_T1))
    assert _keys(c.get(reverse("registry:search"), {"household_key": "H-"})) == ["H-YJ1"]
    assert _keys(c.get(reverse("registry:search"), {"name": "春花"})) == []
