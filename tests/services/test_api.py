"""The API: order, accept, visit, confirm, settle; scope (404 outside, provider sees its own orders only),
409 on a wrong step, 422 on bad input."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.payments.test_api import call  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_round_trip_and_scope(world, call):  # noqa: F811
    w = world
    today = timezone.localdate()
    t = call(w.staff["township"])
    assert [i["name"] for i in t.get("/api/v1/services/catalogue").json()["items"]] == ["上门探访与陪伴", "心理疏导",
                                                                                       "生活照料"]  # fmt: skip
    body = {"person_id": w.persons["adult"].pk, "service_type_id": w.types["care"].pk,
            "provider_id": w.providers[0].pk, "starts_on": today.isoformat(),
            "ends_on": (today + timezone.timedelta(days=30)).isoformat(), "visits_per_period": 1}  # fmt: skip
    r = t.post("/api/v1/services/orders", body)
    assert r.status_code == 422 and "不符合条件" in r.json()["error"]
    r = t.post("/api/v1/services/orders", {**body, "person_id": w.persons["tekun"].pk})
    assert r.status_code == 201, r.json()
    oid = r.json()["id"]
    assert r.json()["deadline"]["label"] == "接单期限"
    p1, p2 = call(w.staff["p1"]), call(w.staff["p2"])
    assert p2.get(f"/api/v1/services/orders/{oid}").status_code == 404
    assert p2.get("/api/v1/services/orders").json()["count"] == 0
    assert p1.get("/api/v1/services/orders").json()["count"] == 1
    assert call(w.staff["other_county"]).get(f"/api/v1/services/orders/{oid}").status_code == 404
    assert p2.post(f"/api/v1/services/orders/{oid}/events", {"event": "accept"}).status_code == 404
    r = p1.post(f"/api/v1/services/orders/{oid}/events", {"event": "accept"})
    assert r.status_code == 200 and r.json()["state"] == "accepted" and r.json()["plans"]
    assert p1.post(f"/api/v1/services/orders/{oid}/events", {"event": "accept"}).status_code == 409
    r = p1.post(f"/api/v1/services/orders/{oid}/visits", {"visited_on": today.isoformat(), "minutes": 60,
                                                          "worker": "韩秀兰"})  # fmt: skip
    assert r.status_code == 201 and r.json()["quantity"] == "1"
    vid = r.json()["id"]
    assert p1.post(f"/api/v1/services/visits/{vid}/events", {"event": "confirm"}).status_code == 403
    r = t.post(f"/api/v1/services/visits/{vid}/events", {"event": "confirm", "family_confirmer": "本人",
                                                         "method": "phone"})  # fmt: skip
    assert r.status_code == 200 and r.json()["state_label"] == "已确认"
    county = call(w.staff["county"])
    assert (
        t.post("/api/v1/services/settlements", {"contract_id": w.contracts[0].pk, "month": "x"}).status_code
        == 403
    )
    assert county.post("/api/v1/services/settlements", {"contract_id": w.contracts[0].pk,
                                                        "month": "2026-13"}).status_code == 422  # fmt: skip
    r = county.post(
        "/api/v1/services/settlements", {"contract_id": w.contracts[0].pk, "month": f"{today:%Y-%m}"}
    )
    assert r.status_code == 201 and r.json()["total"] == "32.50" and r.json()["lines"][0]["visits"] == 1
    sid = r.json()["id"]
    assert call(w.staff["other_county"]).get(f"/api/v1/services/settlements/{sid}").status_code == 404
    assert county.post(f"/api/v1/services/settlements/{sid}/confirm", {}).status_code == 409  # month not over
