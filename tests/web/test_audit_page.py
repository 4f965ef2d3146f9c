"""The audit log page: auditors and administrators only, and only their region subtree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import NANGUAN, YANJI, YANJI_T1

from .conftest import assert_csp_clean

pytestmark = pytest.mark.django_db


def _events(response):
    return [r["event"] for r in response.context["rows"]]


def test_auditor_sees_events_of_the_subtree_only(login, make_user, households, person):
    revealer = make_user("township_caseworker", YANJI_T1)
    login(revealer).post(reverse("registry:reveal_id", args=[person("P-YJ1-1").pk]))
    login(make_user("township_caseworker", "220102001000")).post(
        reverse("registry:reveal_id", args=[person("P-NG1-1").pk])
    )
    response = login(make_user("auditor", YANJI)).get(reverse("web:audit"))
    assert response.status_code == 200
    events = _events(response)
    assert events and all(e.region_code.startswith("222401") for e in events)
    assert events == sorted(events, key=lambda e: -e.id)  # newest first
    reveal = [e for e in events if e.action == "registry.reveal_id"]
    assert len(reveal) == 1 and reveal[0].actor == revealer
    html = response.content.decode()
    assert "查看完整身份证号" in html and revealer.username in html
    assert_csp_clean(response)


def test_filter_by_action(login, make_user, households):
    client = login(make_user("auditor", YANJI))
    response = client.get(reverse("web:audit"), {"action": "registry.household_create"})
    events = _events(response)
    assert len(events) == 2 and {e.action for e in events} == {"registry.household_create"}


def test_other_region_auditor_does_not_see_yanji(login, make_user, households):
    response = login(make_user("auditor", NANGUAN)).get(reverse("web:audit"))
    assert all(e.region_code.startswith("220102") for e in _events(response))
    assert "H-YJ1" not in response.content.decode()


def test_audit_page_and_nav_only_for_audit_roles(login, make_user, households):
    officer = login(make_user("county_officer", YANJI))
    assert officer.get(reverse("web:audit")).status_code == 403
    assert "审计日志" not in officer.get("/").content.decode()
    admin = login(make_user("administrator", YANJI))
    assert admin.get(reverse("web:audit")).status_code == 200
    assert "审计日志" in admin.get("/").content.decode()
