"""The public needs page and API (no login, cacheable): open needs anonymised, filters by county and category,
pagination, the year's fulfilled needs by county with totals; nothing that identifies a person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from doudi.charity import claim_actions
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, YANJI

pytestmark = pytest.mark.django_db
SECRETS = ("金明哲", "朴英子", "糖尿病", "进学", "南岭", "H-YJ1", "H-NG1", "222401195")


def _fulfil(need, people):
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount=need.target)
        d = claim_actions.record_delivery(actor=people["ch_prov"], claim=c, kind="money", amount=need.target,
                                          description="转账", delivered_on=timezone.localdate())  # fmt: skip
        town = people["township"] if need.region_code.startswith("222401") else people["nanguan_town"]
        claim_actions.confirm_delivery(actor=town, delivery=d)


def test_public_page_lists_open_needs_anonymised_and_filters(make_need, people, charities):
    a, b = make_need(target="1000"), make_need(household="H-NG1", target="500", category="living")
    draft, done = make_need("draft"), make_need(target="200")
    _fulfil(done, people)
    client = Client()
    response = client.get("/public/needs/")
    html = response.content.decode()
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert a.public_number in html and b.public_number in html
    assert draft.public_number not in html and done.public_number not in html
    assert "延吉市" in html and "南关区" in html
    for s in SECRETS:
        assert s not in html, s
    html = client.get("/public/needs/", {"county": NANGUAN}).content.decode()
    assert b.public_number in html and a.public_number not in html
    html = client.get("/public/needs/", {"category": "medical"}).content.decode()
    assert a.public_number in html and b.public_number not in html
    assert client.get("/public/needs/", {"page": "9"}).status_code == 404
    assert client.get("/public/needs/", {"category": "<script>"}).status_code == 404
    assert "Set-Cookie" not in response


def test_public_pagination(make_need):
    for _ in range(23):
        make_need(target="10")
    client = Client()
    assert "第 1/2 页" in client.get("/public/needs/").content.decode()
    assert "第 2/2 页" in client.get("/public/needs/", {"page": "2"}).content.decode()


def test_fulfilled_by_region_with_totals(make_need, people, charities):
    _fulfil(make_need(target="600"), people)
    _fulfil(make_need(target="400"), people)
    _fulfil(make_need(household="H-NG1", target="250"), people)
    year = timezone.localdate().year
    html = Client().get("/public/needs/fulfilled/", {"year": str(year)}).content.decode()
    assert "延吉市" in html and "1000.00" in html and "1250.00" in html and "南关区" in html
    assert "没有已完成" in Client().get("/public/needs/fulfilled/", {"year": "2001"}).content.decode()
    assert Client().get("/public/needs/fulfilled/", {"year": "abc"}).status_code == 404


def test_public_api_needs_and_fulfilled(make_need, people, charities):
    a = make_need(target="1000")
    make_need(household="H-NG1", target="500")
    _fulfil(make_need(target="300"), people)
    client = Client()
    response = client.get("/api/v1/public/needs", {"county": YANJI})
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    body = response.json()
    assert body["total"] == 1 and body["items"][0]["number"] == a.public_number
    item = body["items"][0]
    assert set(item) == {"number", "county", "category", "title", "story", "unit", "target", "claimed", "remaining",
                         "fulfilled", "due_on", "state", "published_on"}  # fmt: skip
    assert item["county"] == "延吉市" and item["category"] == "医疗费用"
    assert not any(s in response.content.decode() for s in SECRETS)
    got = client.get("/api/v1/public/needs/fulfilled", {"year": timezone.localdate().year}).json()
    assert got["total_needs"] == 1 and got["regions"][0]["county"] == "延吉市"
    assert client.get("/api/v1/public/needs", {"category": "x"}).status_code == 422


def test_disclosure_index_links_to_the_needs(regions):
    html = Client().get("/public/").content.decode()
    assert "/public/needs/" in html
