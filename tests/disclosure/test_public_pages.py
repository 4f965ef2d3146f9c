"""The public pages and API (CASEWORK §9): no login, masked and exemption-free content, safe to cache (no
cookie, no CSRF token, Cache-Control public), and nothing found by guessing a code or a page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doudi.core.scoping import all_regions
from doudi.disclosure import publish_actions
from tests.conftest import CHANGCHUN, NANGUAN_T1, PROVINCE, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db

ADULT, CHILD = dt.date(1970, 1, 1), dt.date(2015, 6, 1)
VILLAGE = YANJI_T1[:9] + "001"


@pytest.fixture
def published(world):
    world.case([("李春花", ADULT), ("王小", CHILD)], amount=900)
    world.case([("保护乙", ADULT)], amount=500, app={"no_publication": "人身安全保护令"})
    world.case([("孤儿丙", CHILD)], tier="TEKUN", amount=1300)
    with all_regions():
        publish_actions.publish_month(actor="test", county_code=YANJI, on=dt.date(2026, 12, 7))
    return world


def pages(code: str = YANJI) -> list[str]:
    return [
        reverse("disclosure_public:index"),
        reverse("disclosure_public:region", args=[code]),
        reverse("disclosure_public:recipients", args=[code]),
        reverse("disclosure_public:statistics", args=[code]),
    ]


def assert_cacheable(r) -> None:
    assert r.status_code == 200, r.content[:300]
    assert "public" in r["Cache-Control"] and "max-age=" in r["Cache-Control"]
    assert "private" not in r["Cache-Control"]
    assert not r.cookies, r.cookies  # no Set-Cookie at all
    assert "Cookie" not in r.get("Vary", "")
    assert b"csrfmiddlewaretoken" not in r.content


def test_the_pages_open_without_login_and_are_cacheable(client, published):
    for url in [*pages(YANJI), *pages(YANJI_T1)[1:]]:
        assert_cacheable(client.get(url))


def test_a_logged_in_visitor_gets_the_same_page_without_a_cookie(client, published, make_user):
    anonymous = client.get(reverse("disclosure_public:recipients", args=[YANJI])).content
    user = make_user("county_officer", YANJI, username="yanji-officer")
    client.force_login(user)
    r = client.get(reverse("disclosure_public:recipients", args=[YANJI]))
    assert_cacheable(r)
    assert r.content == anonymous and b"yanji-officer" not in r.content


def test_the_recipient_list_is_masked_and_leaves_out_the_exempt(client, published):
    html = client.get(reverse("disclosure_public:recipients", args=[YANJI])).content.decode()
    assert "李*花" in html and "900" in html and "进学街道" in html
    for secret in ("李春花", "保*乙", "保护乙", "孤*丙", "孤儿丙"):
        assert secret not in html
    township = client.get(reverse("disclosure_public:recipients", args=[YANJI_T1])).content.decode()
    assert "李*花" in township


def test_the_region_page_shows_the_guide_standards_and_complaint_contacts(client, published):
    html = client.get(reverse("disclosure_public:region", args=[YANJI_T1])).content.decode()
    assert "办事指南" in html and "投诉举报电话" in html and "延吉市民政局" in html
    assert "最低生活保障标准" in html and "特困人员基本生活标准" in html
    assert "2026年11月" in html  # the published month


@pytest.mark.parametrize(
    "code",
    [PROVINCE, CHANGCHUN, VILLAGE, "110101000000", "2224010010", "22240100100x", "999999999999", "1"],
)
def test_anything_but_a_jilin_county_or_township_is_404(client, regions, code):
    for name in ("region", "recipients", "statistics"):
        r = client.get(reverse(f"disclosure_public:{name}", args=[code]))
        assert r.status_code == 404
        assert not r.cookies


def test_pages_out_of_range_are_404(client, published):
    url = reverse("disclosure_public:recipients", args=[YANJI])
    assert client.get(url + "?page=1").status_code == 200
    for page in ("0", "2", "999", "abc", "-1", "1e3"):
        assert client.get(f"{url}?page={page}").status_code == 404


def test_a_county_without_a_published_list_says_so(client, published):
    r = client.get(reverse("disclosure_public:recipients", args=[NANGUAN_T1]))
    assert r.status_code == 200 and "尚未发布" in r.content.decode()


def test_no_id_of_a_case_household_or_person_appears(client, published):
    from doudi.casework.models import Case
    from doudi.registry.models import Household

    with all_regions():
        keys = list(Household.unscoped.values_list("household_key", flat=True))
        case_ids = list(Case.unscoped.values_list("pk", flat=True))
    api = client.get(f"/api/v1/public/regions/{YANJI}/recipients").json()
    assert set(api["rows"][0]) == {"name", "place", "programme", "household_size", "amount"}
    html = client.get(reverse("disclosure_public:recipients", args=[YANJI])).content.decode()
    assert not any(k in html for k in keys)
    assert all(f"/{pk}/" not in html for pk in case_ids)


def test_the_public_api_needs_no_token_and_says_cacheable(client, published):
    for path in ("guide", "standards", "notices", "recipients", "statistics"):
        r = client.get(f"/api/v1/public/regions/{YANJI_T1}/{path}")
        assert r.status_code == 200, (path, r.content[:300])
        assert "public" in r["Cache-Control"] and not r.cookies
    rows = client.get(f"/api/v1/public/regions/{YANJI}/recipients").json()["rows"]
    assert [(x["name"], x["household_size"], x["amount"]) for x in rows] == [("李*花", 2, 900)]
    assert client.get("/api/v1/public/counties").status_code == 200


def test_the_public_api_is_404_on_guessing(client, published):
    for code in (VILLAGE, PROVINCE, "110101000000", "abc"):
        assert client.get(f"/api/v1/public/regions/{code}/recipients").status_code == 404
    assert client.get(f"/api/v1/public/regions/{YANJI}/recipients?page=5").status_code == 404
