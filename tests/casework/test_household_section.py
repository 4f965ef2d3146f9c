"""The registry's household page shows the household's casework (through ``registry.hooks``, so the
registry knows nothing of casework): its applications with their state, its cases, and the button that
opens a new application."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from doudi.casework import states
from doudi.registry import hooks

pytestmark = pytest.mark.django_db
D = dt.date


def page(client, user, household) -> str:
    client.force_login(user)
    r = client.get(reverse("registry:household", args=[household.pk]))
    assert r.status_code == 200
    return r.content.decode()


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_the_section_is_registered_through_the_registry_hook():
    assert "casework" in hooks._sections
    assert hooks._sections["casework"].template == "casework/household/section.html"


def test_no_application_yet_offers_to_open_one(client, walk, staff):
    html = page(client, staff["township"], walk.household)
    assert 'id="household-casework"' in html and "没有救助申请记录" in html and "尚未认定为救助对象" in html
    new = _url("casework:new")
    target = f"{new}?household={walk.household.pk}" if new else reverse("casework:worklist")
    assert f'href="{target}"' in html and "启动救助申请" in html
    # a grid worker reads casework but does not open applications
    assert "启动救助申请" not in page(client, staff["grid"], walk.household)


def test_applications_and_the_confirmed_case_are_listed(client, walk, staff):
    app = walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    html = page(client, staff["township"], walk.household)
    assert app.number in html and states.STATES["confirmed"] in html and "2026-11-02" in html
    detail = _url("casework:detail", app.pk) or reverse("casework:worklist")
    assert f'href="{detail}"' in html
    # the case: tier, state, since, amount, review class
    assert "低保" in html and "在保" in html and "2026-11-13" in html and str(app.proposed_total) in html
    assert "A类" in html
    # nothing is open any more: a new application may be opened
    assert "启动救助申请" in html


def test_an_open_application_hides_the_button(client, walk, staff):
    app = walk.authorize(walk.open())
    html = page(client, staff["county"], walk.household)
    assert app.number in html and states.STATES[app.state] in html and "启动救助申请" not in html


def test_a_user_without_casework_reading_gets_no_section(rf, walk, staff, monkeypatch):
    from doudi.core.scoping import using_scope
    from tests.conftest import YANJI_T1

    user = staff["township"]
    request = rf.get("/")
    request.user = user

    def sections() -> list[str]:
        with using_scope(YANJI_T1):
            return hooks.household_sections(request, walk.household, D(2026, 11, 2))

    assert any('id="household-casework"' in h for h in sections())
    monkeypatch.setattr(type(user), "can", lambda self, cap: cap != "casework.read")
    assert not any('id="household-casework"' in h for h in sections())
