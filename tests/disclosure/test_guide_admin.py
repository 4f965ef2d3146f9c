"""Office guides (R-PUB1): a county officer edits the county's and its townships' guides, audited with a
Chinese action name, shown on the public page at once; another county, a township caseworker or a
village is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doudi.core.audit_labels import action_label
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, PROVINCE, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db

FORM = {
    "assistance": "最低生活保障、特困供养",
    "eligibility": "人均收入低于低保标准",
    "materials": "户口簿、身份证",
    "steps": "申请、受理、核对、公示、确认",
    "place": "进学街道便民服务中心一楼3号窗口",
    "hours": "工作日 8:30—17:00",
    "phone": "0433-1234567",
    "complaint_phone": "0433-7654321",
    "complaint_address": "延吉市光明街100号民政局",
}


def test_a_county_officer_edits_a_township_guide_and_the_public_sees_it(client, make_user):
    officer = make_user("county_officer", YANJI)
    client.force_login(officer)
    assert client.get(reverse("disclosure:index")).status_code == 200
    assert client.get(reverse("disclosure:guide", args=[YANJI_T1])).status_code == 200
    r = client.post(reverse("disclosure:guide", args=[YANJI_T1]), FORM)
    assert r.status_code == 302
    with all_regions():
        ev = AuditEvent.unscoped.get(action="disclosure.guide_save")
    assert ev.region_code == YANJI_T1 and ev.after["place"] == FORM["place"] and ev.actor == officer
    assert action_label(ev.action) == "修改办事指南"
    client.logout()
    html = client.get(reverse("disclosure_public:region", args=[YANJI_T1])).content.decode()
    assert FORM["place"] in html and "0433-7654321" in html


def test_a_township_without_its_own_contacts_shows_the_countys(client, make_user):
    client.force_login(make_user("county_officer", YANJI))
    client.post(reverse("disclosure:guide", args=[YANJI]), {**FORM, "complaint_phone": "0433-1111111"})
    client.logout()
    html = client.get(reverse("disclosure_public:region", args=[YANJI_T1])).content.decode()
    assert "0433-1111111" in html


@pytest.mark.parametrize("code", [NANGUAN, NANGUAN_T1, PROVINCE, YANJI_T1[:9] + "001"])
def test_outside_the_officers_county_is_404(client, make_user, code):
    client.force_login(make_user("county_officer", YANJI))
    assert client.get(reverse("disclosure:guide", args=[code])).status_code == 404
    assert client.post(reverse("disclosure:guide", args=[code]), FORM).status_code == 404
    assert client.post(reverse("disclosure:publish", args=[code])).status_code == 404
    with all_regions():
        assert not AuditEvent.unscoped.filter(action="disclosure.guide_save").exists()


@pytest.mark.parametrize("role,region", [("township_caseworker", YANJI_T1), ("city_officer", "222400000000")])
def test_other_roles_may_not_edit(client, make_user, role, region):
    client.force_login(make_user(role, region))
    assert client.get(reverse("disclosure:index")).status_code == 403
    assert client.post(reverse("disclosure:guide", args=[YANJI_T1]), FORM).status_code == 403


def test_the_administrator_edits_anywhere(client, make_user):
    client.force_login(make_user("administrator", PROVINCE))
    assert client.post(reverse("disclosure:guide", args=[NANGUAN_T1]), FORM).status_code == 302


def test_the_county_officer_publishes_from_the_page(client, make_user, world):
    import datetime as dt

    world.case([("李春花", dt.date(1970, 1, 1))], amount=500)
    client.force_login(make_user("county_officer", YANJI))
    r = client.post(reverse("disclosure:publish", args=[YANJI]), follow=True)
    assert "已发布2026年11月救助对象名单" in r.content.decode()
    with all_regions():
        ev = AuditEvent.unscoped.get(action="disclosure.publish")
    assert action_label(ev.action) == "发布救助对象名单"
