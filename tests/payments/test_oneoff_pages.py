"""One-off pages and API (R-PAY9): the list per role, the county's form with a selection within its
region, the preview count of the selected cases before approval, the two-person rule visible and
enforced, "apply" writing the lines on the draft roster, scope 404, the API round trip."""

from __future__ import annotations

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.payments.models import OneOffDecision, RosterLine
from tests.payments import bank_fixtures
from tests.payments.test_api import call  # noqa: F401  (fixture)
from tests.payments.test_pages import login, text

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
FORM = {
    "title": "2027年春节一次性生活补贴",
    "rule": "延市民发〔2026〕12号",
    "month": "2026-12",
    "programme": "DIBAO",
    "amount": "200",
    "per_person": "0",
    "tiers": ["DIBAO"],
    "area_type": "",
    "region_prefix": "",
}


@pytest.mark.parametrize("who", ["township", "county", "city", "province", "auditor"])
def test_list_renders_for_each_role(world, who):
    login(world.staff["county"]).post("/payments/oneoff/new/", FORM)
    c = login(world.staff[who])
    r = c.get("/payments/oneoff/")
    assert r.status_code == 200
    t = text(r)
    assert "一次性发放" in t and "低保" in t and "DIBAO" not in t and "proposed" not in t
    assert ("提出一次性发放决定" in t) == (who == "county")
    assert "/payments/oneoff/" in c.get("/payments/").content.decode()


def test_propose_preview_two_persons_and_apply(world):
    w = world
    county, county2 = login(w.staff["county"]), login(w.staff["county2"])
    form = county.get("/payments/oneoff/new/")
    assert form.status_code == 200 and 'value="222401001"' in form.content.decode()
    bad = county.post("/payments/oneoff/new/", {**FORM, "tiers": []})
    assert bad.status_code == 200 and OneOffDecision.unscoped.count() == 0
    r = county.post("/payments/oneoff/new/", FORM)
    assert r.status_code == 302
    with all_regions():
        d = OneOffDecision.unscoped.get()
    page = county.get(f"/payments/oneoff/{d.pk}/")
    t = text(page)
    assert 'id="preview-count">2<' in page.content.decode()  # the two 延吉 cases, not 南关
    assert "本决定由您提出，须由另一人审批" in t and "审批（同意发放）" not in t
    county.post(f"/payments/oneoff/{d.pk}/steps/approve/")
    d.refresh_from_db()
    assert d.state == "proposed"
    assert "审批（同意发放）" in text(county2.get(f"/payments/oneoff/{d.pk}/"))
    county2.post(f"/payments/oneoff/{d.pk}/steps/approve/")
    d.refresh_from_db()
    assert (d.state, d.approved_by) == ("approved", w.staff["county2"])
    county.post(f"/payments/oneoff/{d.pk}/steps/apply/")
    with all_regions():
        lines = list(RosterLine.unscoped.filter(oneoff=d))
    assert len(lines) == 2 and {x.roster_id for x in lines} == {w.rosters["yanji"].pk}
    assert "已生成 2 条发放明细，共 400 元" in text(county.get(f"/payments/oneoff/{d.pk}/"))
    assert login(w.staff["other_county"]).get(f"/payments/oneoff/{d.pk}/").status_code == 404
    assert login(w.staff["township"]).post(f"/payments/oneoff/{d.pk}/steps/apply/").status_code == 403
    assert login(w.staff["township"]).get("/payments/oneoff/new/").status_code == 403


def test_api_round_trip(world, call):  # noqa: F811
    w = world
    county, county2 = call(w.staff["county"]), call(w.staff["county2"])
    body = {
        "title": "春节补贴",
        "rule": "延市民发〔2026〕12号",
        "month": "2026-12",
        "programme": "DIBAO",
        "amount": 100,
        "per_person": True,
        "tiers": ["DIBAO"],
        "region_prefix": "222401001",
    }
    r = county.post("/api/v1/payments/oneoff", body)
    assert r.status_code == 201 and r.json()["selected_cases"] == 1
    did = r.json()["id"]
    bad = county.post("/api/v1/payments/oneoff", {**body, "region_prefix": "220102"})
    assert bad.status_code == 422 and bad.json()["path"] == "selection.region_prefix"
    assert call(w.staff["township"]).post("/api/v1/payments/oneoff", body).status_code == 403
    assert county.post(f"/api/v1/payments/oneoff/{did}/apply", {}).status_code == 409
    own = county.post(f"/api/v1/payments/oneoff/{did}/approve", {})
    assert own.status_code == 422 and "另一人" in own.json()["error"]
    assert call(w.staff["other_county"]).post(f"/api/v1/payments/oneoff/{did}/approve", {}).status_code == 404
    assert county2.post(f"/api/v1/payments/oneoff/{did}/approve", {}).json()["state"] == "approved"
    done = county2.post(f"/api/v1/payments/oneoff/{did}/apply", {})
    assert done.status_code == 200 and done.json()["lines"] == 1 and done.json()["state"] == "applied"
    assert [i["id"] for i in call(w.staff["township"]).get("/api/v1/payments/oneoff").json()["items"]] == [
        did
    ]
    assert AuditEvent.unscoped.filter(action="payments.oneoff", subject_id=str(did)).count() == 3
