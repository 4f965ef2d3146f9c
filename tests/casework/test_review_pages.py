# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""Pages of the case's life: the work list with deadlines, the case page with its forms, a change
reported on a phone by the grid worker, a review decided by the county, a termination put to notice;
outside the scope 404, a township deciding 403, a fixable refusal on its form (422)."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.casework.models import Case, CaseReview
from doudi.core.scoping import all_regions
from tests.casework.life_helpers import D, case, set_income  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(staff):
    out = {}
    for who in staff:
        c = Client()
        c.force_login(staff[who])
        out[who] = c
    return out


def _review(case):
    with all_regions():
        return CaseReview.unscoped.get(case=case, state__in=("open", "visit", "in_notice"))


def test_change_reported_by_the_grid_worker_then_decided_by_the_county(case, clients, family):
    grid, township, county = clients["grid"], clients["township"], clients["county"]
    page = grid.get(f"/casework/cases/{case.pk}/change/")
    assert page.status_code == 200 and "登记家庭变化" in page.content.decode()
    r = grid.post(
        f"/casework/cases/{case.pk}/change/",
        {
            "trigger": "grid",
            "change_type": "income",
            "detail": "儿子外出务工",
            "on": "2026-12-01",
            "state": "active",
        },
    )
    assert r.status_code == 302
    review = _review(case)
    assert review.trigger == "grid"
    listing = township.get("/casework/cases/").content.decode()
    assert "变化复核" in listing and f"档案{case.pk}" in listing and review.due.isoformat() in listing
    page = township.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "办结时限" in page and "作出复核决定" not in page  # the township does not decide here
    r = township.post(
        f"/casework/reviews/{review.pk}/events/decide/",
        {"outcome": "unchanged", "on": "2026-12-02", "state": "open"},
    )
    assert r.status_code == 403
    set_income(family[0], 6000, D(2026, 12, 1))
    page = county.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "作出复核决定" in page
    r = county.post(
        f"/casework/reviews/{review.pk}/events/decide/",
        {"outcome": "adjust", "on": "2026-12-02", "state": "open", "reasons": "务工收入"},
    )
    assert r.status_code == 302
    with all_regions():
        assert Case.unscoped.get(pk=case.pk).state == "adjusted"
    page = county.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "调整金额" in page and "2027年1月" in page and "调整通知书" in page


def test_termination_to_notice_and_a_fixable_refusal(case, clients, family):
    county = clients["county"]
    county.post(
        f"/casework/cases/{case.pk}/events/change/",
        {
            "trigger": "family",
            "change_type": "income",
            "detail": "收入大增",
            "on": "2026-12-01",
            "state": "active",
        },
    )
    review = _review(case)
    r = county.post(
        f"/casework/reviews/{review.pk}/events/decide/",
        {"outcome": "terminate", "on": "2026-12-02", "state": "open"},
    )
    assert r.status_code == 422 and "终止救助须写明理由" in r.content.decode()
    set_income(family[0], 120000, D(2026, 12, 1))
    r = county.post(
        f"/casework/reviews/{review.pk}/events/decide/",
        {"outcome": "terminate", "on": "2026-12-02", "state": "open", "reasons": "收入超过标准"},
    )
    assert r.status_code == 302 and _review(case).state == "in_notice"
    listing = county.get("/casework/cases/").content.decode()
    assert "终止公示中" in listing and "2026-12-09" in listing


def test_outside_the_scope_is_404(case, clients):
    other = clients["other_township"]
    assert other.get(f"/casework/cases/{case.pk}/").status_code == 404
    assert other.get(f"/casework/cases/{case.pk}/change/").status_code == 404
    assert (
        other.post(f"/casework/cases/{case.pk}/events/suspend/", {"cause": "bank_failure"}).status_code == 404
    )


def test_work_list_links_to_the_cases(case, clients):
    page = clients["township"].get("/casework/").content.decode()
    assert "/casework/cases/" in page
