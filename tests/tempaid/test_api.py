"""The API round trip of "a fire victim from another province is paid temporary assistance the same day
and the file is completed afterwards"; scope (404 outside the region), 409 on a wrong step, 422 on bad input."""

from __future__ import annotations

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from doudi.payments.models import RosterLine
from doudi.tempaid import fund_actions
from tests.conftest import YANJI_T1
from tests.payments.test_api import call  # noqa: F401  (fixture)
from tests.tempaid.conftest import OUTSIDER_ID

pytestmark = pytest.mark.django_db


def test_fire_victim_paid_first_then_completed_through_the_api(world, call):  # noqa: F811
    w = world
    today = timezone.localdate()
    if today.year != 2026:
        with all_regions():
            fund_actions.allocate(
                actor=w.staff["county"], township=YANJI_T1, year=today.year, amount=5000, on=today
            )
    t = call(w.staff["township"])
    r = t.post("/api/v1/tempaid/cases", {
        "aid_type": "emergency", "event": "租住房屋失火", "event_date": today.isoformat(),
        "applicant_name": "赵立新", "id_number": OUTSIDER_ID, "hukou_place": "河北省石家庄市", "degree": 2,
    })  # fmt: skip
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["region_code"] == YANJI_T1 and OUTSIDER_ID not in str(case)
    cid = case["id"]
    assert (
        t.post(f"/api/v1/tempaid/cases/{cid}/events", {"event": "approve", "amount": 2000}).status_code == 409
    )
    assert (
        t.post(f"/api/v1/tempaid/cases/{cid}/events", {"event": "pay_first", "amount": 5000}).status_code
        == 422
    )
    r = t.post(f"/api/v1/tempaid/cases/{cid}/events", {"event": "pay_first", "amount": 800})
    assert (
        r.status_code == 200
        and r.json()["state"] == "paid_first"
        and r.json()["paid_first_on"] == today.isoformat()
    )
    assert r.json()["deadline"]["what"] == "补办手续"
    for kind in ("statement", "verify", "investigate"):
        r = t.post(f"/api/v1/tempaid/cases/{cid}/events", {"event": kind, "note": "已核实"})
        assert r.status_code == 200
    assert r.json()["state"] == "ready"
    r = t.post(f"/api/v1/tempaid/cases/{cid}/events", {"event": "approve", "amount": 2000})
    assert r.json()["state"] == "approved" and r.json()["authority"] == "township"
    with all_regions():
        lines = sorted(RosterLine.unscoped.filter(payee_key=f"t{cid}").values_list("status", "amount"))
    assert lines == [("due", 1200), ("paid", 800)]
    other = call(w.staff["other_county"])
    assert other.get(f"/api/v1/tempaid/cases/{cid}").status_code == 404
    assert other.get("/api/v1/tempaid/cases?show=all").json()["count"] == 0
    funds = call(w.staff["county"]).get("/api/v1/tempaid/funds").json()
    assert any(f["region_code"] == YANJI_T1 for f in funds)


def test_deliberation_through_the_api_and_refusals(world, call):  # noqa: F811
    from doudi.tempaid import actions
    from tests.tempaid.conftest import DAY, S, apply_fire

    w = world
    case = apply_fire(w, degree=3)
    with all_regions():
        for kind in ("verify", "investigate"):
            actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已核实", on=DAY)
    county, township = call(w.staff["county"]), call(w.staff["township"])
    body = {"held_on": DAY.isoformat(), "participants": "副县长、民政局长", "departments": "民政、医保",
            "decision": "pay", "amount": 15 * S, "payer": "县财政临时救助资金"}  # fmt: skip
    assert township.post(f"/api/v1/tempaid/cases/{case.pk}/deliberations", body).status_code == 403
    r = county.post(f"/api/v1/tempaid/cases/{case.pk}/deliberations", {**body, "participants": ""})
    assert r.status_code == 422 and r.json()["path"] == "participants"
    r = county.post(f"/api/v1/tempaid/cases/{case.pk}/deliberations", body)
    assert r.status_code == 201 and r.json()["state"] == "deliberation"
    assert r.json()["deliberations"][0]["payer"] == "县财政临时救助资金"
    r = township.post(f"/api/v1/tempaid/cases/{case.pk}/events", {"event": "approve", "amount": 15 * S})
    assert r.status_code == 422 and r.json()["path"] == "amount"
    r = county.post(f"/api/v1/tempaid/cases/{case.pk}/events", {"event": "approve", "amount": 15 * S})
    assert r.status_code == 200 and r.json()["authority"] == "deliberation"
    assert (
        call(w.staff["other_county"]).post(f"/api/v1/tempaid/cases/{case.pk}/deliberations", body).status_code
        == 404
    )


def test_fund_and_emergency_endpoints(world, call):  # noqa: F811
    from tests.conftest import YANBIAN, YANJI_T2

    w = world
    county = call(w.staff["county"])
    assert (
        call(w.staff["township"])
        .post("/api/v1/tempaid/funds", {"township": YANJI_T2, "year": 2026})
        .status_code
        == 403
    )
    r = county.post("/api/v1/tempaid/funds", {"township": YANJI_T2, "year": 2026, "amount": 3000})
    assert r.status_code == 201 and r.json()["balance"] == 3000
    r = call(w.staff["other_county"]).post(
        "/api/v1/tempaid/funds", {"township": YANJI_T2, "year": 2026, "amount": 1}
    )
    assert r.status_code == 422
    fund = w.fund.pk
    r = call(w.staff["township"]).post(f"/api/v1/tempaid/funds/{fund}/reconciliations", {"month": "2026-01"})
    assert r.status_code == 201 and r.json()["closing"] == 5000 and r.json()["matches"]
    assert (
        call(w.staff["township"])
        .post(f"/api/v1/tempaid/funds/{fund}/reconciliations", {"month": "2026-01"})
        .status_code
        == 409
    )
    detail = call(w.staff["township"]).get(f"/api/v1/tempaid/funds/{fund}").json()
    assert detail["months"][0]["reconciled"] and detail["ledger"][0]["kind"] == "allocation"
    body = {"region_code": YANBIAN, "title": "疫情", "document": "延州发〔2026〕1号", "starts_on": "2026-12-01",
            "ends_on": "2026-12-31"}  # fmt: skip
    assert county.post("/api/v1/tempaid/emergencies", body).status_code == 403
    assert call(w.staff["city"]).post("/api/v1/tempaid/emergencies", body).status_code == 201
    assert [e["title"] for e in call(w.staff["township"]).get("/api/v1/tempaid/emergencies").json()] == [
        "疫情"
    ]
    assert call(w.staff["other_township"]).get("/api/v1/tempaid/emergencies").json() == []
