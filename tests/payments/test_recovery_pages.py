"""Recovery pages and API (R-PAY8): the list per role, a claim proposed from the household page, the
county's decision by another person (the proposer sees the two-person rule), repayments, scope 404, no
raw codes on the pages; the API round trip with 201/200/409/422/404 and the audit."""

from __future__ import annotations

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.payments.models import RecoveryClaim
from tests.payments import bank_fixtures
from tests.payments.test_api import call  # noqa: F401  (fixture)
from tests.payments.test_pages import login, text

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
RAW = ("late_report", "staff_error", "proposed", "write_off", "offset", "DIBAO")


def _propose(c, hh, case, **kw):
    data = {
        "case": case.pk,
        "cause": "late_report",
        "months": "2026-09，2026-10",
        "amount": "800",
        "mode": "repay",
    }
    data.update(kw)
    return c.post(f"/payments/households/{hh.pk}/recovery/", data)


@pytest.mark.parametrize("who", ["township", "county", "city", "province", "auditor"])
def test_list_renders_for_each_role_without_raw_codes(world, who):
    w = world
    _propose(login(w.staff["township"]), w.households["H-YJ1"], w.cases["H-YJ1"])
    r = login(w.staff[who]).get("/payments/recovery/")
    assert r.status_code == 200
    t = text(r)
    assert "追回多发款" in t and "未及时报告变化" in t and "2026-09、2026-10" in t
    assert not any(code in t for code in RAW)
    assert "/payments/recovery/" in login(w.staff[who]).get("/payments/").content.decode()


def test_township_proposes_from_the_household_page_and_records_a_repayment(world):
    w = world
    hh = w.households["H-YJ1"]
    c = login(w.staff["township"])
    assert f"/payments/households/{hh.pk}/recovery/" in c.get(f"/households/{hh.pk}/").content.decode()
    assert "格式应为" in text(_propose(c, hh, w.cases["H-YJ1"], months="2026-13"))
    ok = _propose(c, hh, w.cases["H-YJ1"])
    assert ok.status_code == 302
    with all_regions():
        claim = RecoveryClaim.unscoped.get()
    assert (claim.state, claim.months, claim.amount) == ("open", ["2026-09", "2026-10"], 800)
    assert f"/payments/recovery/{claim.pk}/" in c.get(f"/households/{hh.pk}/").content.decode()
    page = text(c.get(f"/payments/recovery/{claim.pk}/"))
    assert "登记退回" in page and "从以后发放中抵扣" not in page
    c.post(f"/payments/recovery/{claim.pk}/repayments/", {"amount": "900"})
    claim.refresh_from_db()
    assert claim.recovered == 0  # more than is left: refused
    c.post(f"/payments/recovery/{claim.pk}/repayments/", {"amount": "800", "note": "收据001"})
    claim.refresh_from_db()
    assert (claim.recovered, claim.state) == (800, "settled")
    assert AuditEvent.unscoped.filter(action="payments.recovery", subject_id=str(claim.pk)).count() == 2


def test_staff_error_two_person_rule_and_scope(world):
    w = world
    hh = w.households["H-YJ1"]
    county, county2 = login(w.staff["county"]), login(w.staff["county2"])
    _propose(county, hh, w.cases["H-YJ1"], cause="staff_error", mode="write_off")
    with all_regions():
        claim = RecoveryClaim.unscoped.get()
    assert claim.state == "proposed"
    own = text(county.get(f"/payments/recovery/{claim.pk}/"))
    assert "须由县级民政部门的另一名工作人员决定" in own and "提交决定" not in own
    county.post(f"/payments/recovery/{claim.pk}/decide/", {"approve": "1", "note": "同意"})
    claim.refresh_from_db()
    assert claim.state == "proposed"  # the proposer cannot decide
    assert "提交决定" in text(county2.get(f"/payments/recovery/{claim.pk}/"))
    assert "提交决定" not in text(login(w.staff["township"]).get(f"/payments/recovery/{claim.pk}/"))
    county2.post(f"/payments/recovery/{claim.pk}/decide/", {"approve": "1", "note": "家庭无过错，核销"})
    claim.refresh_from_db()
    assert (claim.state, claim.approved_by) == ("written_off", w.staff["county2"])
    for who in ("other_county", "other_township", "township2"):
        assert login(w.staff[who]).get(f"/payments/recovery/{claim.pk}/").status_code == 404, who
    assert login(w.staff["other_township"]).get(f"/payments/households/{hh.pk}/recovery/").status_code == 404
    assert login(w.staff["city"]).get(f"/payments/households/{hh.pk}/recovery/").status_code == 403


def test_api_round_trip(world, call):  # noqa: F811
    w = world
    town, county, county2 = call(w.staff["township"]), call(w.staff["county"]), call(w.staff["county2"])
    body = {"case_id": w.cases["H-YJ1"].pk, "cause": "staff_error", "months": ["2026-10"], "amount": 300}
    r = town.post("/api/v1/payments/recovery", body)
    assert r.status_code == 201 and r.json()["state"] == "proposed"
    cid = r.json()["id"]
    bad = town.post("/api/v1/payments/recovery", {**body, "amount": 0})
    assert bad.status_code == 422 and bad.json()["path"] == "amount" and bad.json()["error"]
    assert call(w.staff["other_township"]).post("/api/v1/payments/recovery", body).status_code == 404
    assert (
        town.post(f"/api/v1/payments/recovery/{cid}/decide", {"approve": True, "note": "x"}).status_code
        == 403
    )
    ok = county2.post(f"/api/v1/payments/recovery/{cid}/decide", {"approve": True, "note": "核实后同意追回"})
    assert ok.status_code == 200 and ok.json()["state"] == "open"
    again = county.post(f"/api/v1/payments/recovery/{cid}/decide", {"approve": True, "note": "同意"})
    assert again.status_code == 409 and again.json()["path"] == "state"
    paid = town.post(f"/api/v1/payments/recovery/{cid}/repayments", {"amount": 100, "on": "2026-12-05"})
    assert paid.status_code == 200 and paid.json()["recovered"] == 100
    assert [i["id"] for i in town.get("/api/v1/payments/recovery").json()["items"]] == [cid]
    assert call(w.staff["township2"]).get("/api/v1/payments/recovery").json()["count"] == 0
    nb = call(w.staff["other_county"])
    assert nb.post(f"/api/v1/payments/recovery/{cid}/repayments", {"amount": 1}).status_code == 404
    assert AuditEvent.unscoped.filter(action="payments.recovery", subject_id=str(cid)).count() == 3
