# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""The case's life in the API (contracts/casework.md "Cases"): the household's cases in the contract's
shape, a case with its history, a change reported, a review decided; 404 outside the scope, 409 for a
state that does not allow the event, 422 with a path for bad input, 403 for a township deciding."""

from __future__ import annotations

import pytest

from doudi.accounts.actions import create_token
from doudi.core.scoping import all_regions
from tests.api.conftest import Caller, body
from tests.casework.life_helpers import D, case, set_income  # noqa: F401

pytestmark = pytest.mark.django_db
CONTRACT = {
    "id",
    "tier",
    "state",
    "since",
    "until",
    "monthly_total",
    "review_class",
    "next_review",
    "decision_id",
}


@pytest.fixture
def call(client, staff):
    def make(who):
        with all_regions():
            return Caller(client, create_token(actor="test", user=staff[who], name="t"))

    return make


def test_household_cases_in_the_contract_shape(case, call):
    r = call("township").get(f"/api/v1/households/{case.household_id}/cases")
    assert r.status_code == 200
    (row,) = body(r)
    assert set(row) >= CONTRACT
    assert (row["id"], row["tier"], row["state"], row["since"], row["until"]) == (
        case.pk,
        "DIBAO",
        "active",
        "2026-11-13",
        None,
    )
    assert row["monthly_total"] == case.monthly_total and row["review_class"] == "A"
    assert row["next_review"] == "2027-11-13" and row["decision_id"] == case.decision_id
    assert call("other_township").get(f"/api/v1/households/{case.household_id}/cases").status_code == 404


def test_change_then_decision_through_the_api(case, call, family):
    township, county = call("township"), call("county")
    r = township.post(
        f"/api/v1/cases/{case.pk}/reviews",
        {"trigger": "family", "change_type": "income", "detail": "退休金上调", "on": "2026-12-01"},
    )
    assert r.status_code == 201, r.content
    review = body(r)
    assert review["kind"] == "change" and review["state"] == "open" and review["due"]
    r = township.post(
        f"/api/v1/reviews/{review['id']}/events",
        {"event": "decide", "outcome": "unchanged", "on": "2026-12-02"},
    )
    assert r.status_code == 403
    r = county.post(
        f"/api/v1/reviews/{review['id']}/events", {"event": "decide", "outcome": "maybe", "on": "2026-12-02"}
    )
    assert r.status_code == 422 and body(r)["path"] == "outcome"
    set_income(family[0], 6000, D(2026, 12, 1))
    r = county.post(
        f"/api/v1/reviews/{review['id']}/events",
        {"event": "decide", "outcome": "adjust", "on": "2026-12-02", "reasons": ["退休金上调"]},
    )
    assert r.status_code == 200, r.content
    assert body(r)["outcome"] == "adjust" and body(r)["state"] == "decided"
    r = county.post(
        f"/api/v1/reviews/{review['id']}/events",
        {"event": "decide", "outcome": "unchanged", "on": "2026-12-02"},
    )
    assert r.status_code == 409
    detail = body(township.get(f"/api/v1/cases/{case.pk}"))
    assert detail["state"] == "adjusted" and detail["decisions"][0]["kind"] == "adjust"
    assert detail["decisions"][0]["effective_month"] == "2027-01-01"
    assert [lt["kind"] for lt in detail["letters"]] == ["调整通知书"]


def test_outside_the_scope_is_404(case, call):
    other = call("other_township")
    assert other.get(f"/api/v1/cases/{case.pk}").status_code == 404
    r = other.post(f"/api/v1/cases/{case.pk}/reviews", {"trigger": "family"})
    assert r.status_code == 404 and "error" in body(r)


def test_bad_trigger_is_422_with_its_path(case, call):
    r = call("township").post(f"/api/v1/cases/{case.pk}/reviews", {"trigger": "rumour"})
    assert r.status_code == 422 and body(r)["path"] == "trigger"
