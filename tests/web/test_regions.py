"""Region pages: browsing from the user's own region down, and administrators adding villages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doudi.core.models import AuditEvent
from doudi.regions.models import Region
from tests.conftest import NANGUAN, YANJI, YANJI_T1

from .conftest import assert_csp_clean

pytestmark = pytest.mark.django_db


def test_tree_starts_at_the_users_region(login, make_user):
    response = login(make_user("county_officer", YANJI)).get(reverse("regions:tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "延吉市" in html and "进学街道" in html and "北山街道" in html
    assert "南关区" not in html
    assert "添加村（社区）" not in html
    assert_csp_clean(response)


def test_children_partial_and_scope(login, make_user):
    client = login(make_user("county_officer", YANJI))
    response = client.get(reverse("regions:children", args=[YANJI]))
    assert "进学街道" in response.content.decode() and "<html" not in response.content.decode()
    assert client.get(reverse("regions:children", args=[NANGUAN])).status_code == 404
    assert client.get(reverse("regions:region", args=[NANGUAN])).status_code == 404


def test_admin_adds_a_village_under_a_township(login, make_user):
    admin = make_user("administrator", YANJI)
    client = login(admin)
    page = client.get(reverse("regions:region", args=[YANJI_T1])).content.decode()
    assert "添加村（社区）" in page
    response = client.post(
        reverse("regions:add", args=[YANJI_T1]), {"code": "222401001201", "name": "测试社区"}
    )
    assert response.status_code == 302
    village = Region.objects.get(code="222401001201")
    assert village.level == "village" and village.parent_id == YANJI_T1
    assert AuditEvent.unscoped.filter(action="regions.add", actor=admin, subject_id="222401001201").exists()
    assert "测试社区" in client.get(reverse("regions:region", args=[YANJI_T1])).content.decode()


def test_add_village_shows_chinese_errors(login, make_user):
    client = login(make_user("administrator", YANJI))
    url = reverse("regions:add", args=[YANJI_T1])
    response = client.post(url, {"code": "12345", "name": "测试社区"})
    assert response.status_code == 400 and "区划代码应为12位数字" in response.content.decode()
    response = client.post(url, {"code": "222401002201", "name": "测试社区"})
    assert "区划代码应以上级代码 222401001 开头" in response.content.decode()
    response = client.post(url, {"code": "222401001201", "name": "  "})
    assert "名称" in response.content.decode() and response.status_code == 400
    assert not Region.objects.filter(code__in=["222401002201", "222401001201"]).exists()
    htmx = client.post(url, {"code": "222401001000", "name": "重复"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "<html" not in htmx.content.decode()
    assert "区划代码" in htmx.content.decode() and 'class="form-errors"' in htmx.content.decode()


def test_only_administrators_add_and_only_in_scope(login, make_user):
    officer = login(make_user("county_officer", YANJI))
    assert (
        officer.post(
            reverse("regions:add", args=[YANJI_T1]), {"code": "222401001202", "name": "甲"}
        ).status_code
        == 403
    )
    other_admin = login(make_user("administrator", NANGUAN))
    assert (
        other_admin.post(
            reverse("regions:add", args=[YANJI_T1]), {"code": "222401001202", "name": "甲"}
        ).status_code
        == 404
    )
    assert not Region.objects.filter(code="222401001202").exists()
