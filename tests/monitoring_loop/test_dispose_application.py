"""The disposition 启动救助申请 on the page: a warning without a household (a potential case from
proactive discovery) links to 登记新家庭 and takes the registered household's key (looked up within the
user's scope); after the disposition the warning shows the application's number with a link."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from doudi.casework.models import Application
from doudi.monitoring.models import Disposition, EarlyWarning

pytestmark = pytest.mark.django_db

CONSENT = {"consent_given_by": "金明哲", "consent_given_on": "2025-06-03", "consent_method": "signed"}


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _without_household(raise_on, loop) -> EarlyWarning:
    w = loop.to("verified", raise_on())
    EarlyWarning.unscoped.filter(pk=w.pk).update(household=None)
    w.refresh_from_db()
    return w


def _detail_url(app: Application) -> str:
    try:
        return reverse("casework:detail", args=[app.pk])
    except NoReverseMatch:
        return reverse("casework:worklist")


def test_a_warning_without_household_links_to_registration(raise_on, loop, staff, as_user):
    w = _without_household(raise_on, loop)
    html = as_user(staff["t1"]).get(f"/monitoring/warnings/{w.pk}/dispose/").content.decode()
    assert reverse("registry:register") in html and "登记新家庭" in html and 'name="household_key"' in html
    # a warning with a household asks for none
    other = loop.to("verified", raise_on(indicator="W-DIS"))
    html = as_user(staff["t1"]).get(f"/monitoring/warnings/{other.pk}/dispose/").content.decode()
    assert 'name="household_key"' not in html


def test_the_registered_household_is_looked_up_within_scope(raise_on, loop, staff, as_user, households):
    w = _without_household(raise_on, loop)
    c = as_user(staff["t1"])
    url = f"/monitoring/warnings/{w.pk}/dispose/"
    # no key: the action refuses (register first); unknown and other townships' keys: not found
    r = c.post(url, {"kind": "application", **CONSENT})
    assert r.status_code == 400 and "请先登记新家庭" in r.content.decode()
    for key in ("H-NOPE", "H-YJ2", "H-NG1"):
        r = c.post(url, {"kind": "application", "household_key": key, **CONSENT})
        assert r.status_code == 400 and "未找到该家庭编号" in r.content.decode(), key
    assert not Application.unscoped.exists() and not Disposition.unscoped.exists()
    r = c.post(url, {"kind": "application", "household_key": "H-YJ1", **CONSENT})
    assert r.status_code == 302
    w.refresh_from_db()
    app = Application.unscoped.get(warning_id=w.pk)
    assert w.household == households["H-YJ1"] and app.household == households["H-YJ1"]
    assert w.status == EarlyWarning.Status.DISPOSED
    # the warning page shows the application's number with its link, and the message names it
    page = c.get(f"/monitoring/warnings/{w.pk}/")
    html = page.content.decode()
    assert app.number in html and f'href="{_detail_url(app)}"' in html
    assert f"已启动救助申请（{app.number}）" in html


def test_a_warning_with_household_opens_its_application(raise_on, loop, staff, as_user, households):
    w = loop.to("verified", raise_on())
    c = as_user(staff["t1"])
    r = c.post(f"/monitoring/warnings/{w.pk}/dispose/", {"kind": "application", **CONSENT})
    assert r.status_code == 302
    app = Application.unscoped.get(warning_id=w.pk)
    assert app.household == households["H-YJ1"]
    assert app.number in c.get(f"/monitoring/warnings/{w.pk}/").content.decode()
