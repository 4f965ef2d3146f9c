"""Accounts of every manager role and the people they manage (regions from tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import NANGUAN, NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1


@pytest.fixture
def people(make_user):
    """username → user, spread over the tree: a province administrator, officers of 延边州, 延吉市
    and 南关区, and staff under them."""
    spec = [
        ("admin", "administrator", PROVINCE, ""),
        ("yj-admin", "administrator", YANJI, ""),
        ("yb-city", "city_officer", YANBIAN, ""),
        ("yj-county", "county_officer", YANJI, ""),
        ("yj-county2", "county_officer", YANJI, ""),
        ("yj-auditor", "auditor", YANJI, ""),
        ("yj-town", "township_caseworker", YANJI_T1, ""),
        ("yj-grid", "grid_worker", YANJI_T1, ""),
        ("yj-health", "department_user", YANJI, "health"),
        ("ng-county", "county_officer", NANGUAN, ""),
        ("ng-town", "township_caseworker", NANGUAN_T1, ""),
        ("prov", "province_officer", PROVINCE, ""),
        ("charity", "charity", YANJI, ""),
    ]
    return {
        name: make_user(role, region, department=dept, username=name) for name, role, region, dept in spec
    }


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
