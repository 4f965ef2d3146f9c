"""The authenticated charity API: a charity lists the library of its service area (anonymised), claims (409 when
nothing is left, 404 outside its area), pledges and records a delivery; the township confirms; staff list their
region's needs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from doudi.charity.models import Delivery

pytestmark = pytest.mark.django_db


def _token(user) -> dict:
    from doudi.accounts.actions import create_token
    from doudi.core.scoping import all_regions

    with all_regions():
        raw = create_token(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {raw if isinstance(raw, str) else raw[1]}"}


def test_charity_api_flow(make_need, people, charities):
    need = make_need(target="1000")
    far = make_need(household="H-NG1")
    c = Client()
    h = _token(people["ch_yanji"])
    listed = c.get("/api/v1/charity/needs", headers=h).json()
    assert [n["number"] for n in listed] == [need.public_number] and "household_key" not in listed[0]
    r = c.post(f"/api/v1/charity/needs/{far.public_number}/claims", {"amount": "10"}, content_type="application/json",
               headers=h)  # fmt: skip
    assert r.status_code == 404
    r = c.post(f"/api/v1/charity/needs/{need.public_number}/claims", {"amount": "1000"},
               content_type="application/json", headers=h)  # fmt: skip
    assert r.status_code == 201 and r.json()["state"] == "locked" and r.json()["locked_until"]
    claim_id = r.json()["id"]
    r = c.post(f"/api/v1/charity/needs/{need.public_number}/claims", {"amount": "1"},
               content_type="application/json", headers=_token(people["ch_prov"]))  # fmt: skip
    assert r.status_code == 409
    assert c.post(f"/api/v1/charity/claims/{claim_id}/pledge", headers=h).json()["state"] == "pledged"
    r = c.post(f"/api/v1/charity/claims/{claim_id}/deliveries", {"kind": "money", "amount": "1000",
               "description": "转账", "delivered_on": timezone.localdate().isoformat()},
               content_type="application/json", headers=h)  # fmt: skip
    assert r.status_code == 201
    d = Delivery.unscoped.get()
    assert c.post(f"/api/v1/charity/deliveries/{d.pk}/confirm", headers=h).status_code == 403
    assert (
        c.post(
            f"/api/v1/charity/deliveries/{d.pk}/confirm", headers=_token(people["nanguan_town"])
        ).status_code
        == 404
    )
    r = c.post(f"/api/v1/charity/deliveries/{d.pk}/confirm", headers=_token(people["township"]))
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    staff = c.get("/api/v1/charity/needs", {"show": "completed"}, headers=_token(people["county"])).json()
    assert [n["number"] for n in staff] == [need.public_number]
