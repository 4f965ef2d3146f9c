"""Excel export: scoped rows, masked numbers only, one audit event per export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from doudi.core.models import AuditEvent
from tests.conftest import PROVINCE, YANJI

from .conftest import JIN_ID18

pytestmark = pytest.mark.django_db


def _sheet_rows(response) -> list[list]:
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in wb["家庭查询结果"].iter_rows(values_only=True)]


def test_export_contains_only_scoped_rows_and_is_audited(login, make_user, households):
    user = make_user("county_officer", YANJI)
    client = login(user)
    response = client.post(reverse("registry:export"), {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="households-')
    rows = _sheet_rows(response)
    assert rows[0][:3] == ["户编号", "户主姓名", "户主身份证号（脱敏）"]
    assert [r[0] for r in rows[1:]] == ["H-YJ1", "H-YJ2"]
    assert rows[1][1] == "金明哲" and rows[1][2] == "222401********" + JIN_ID18[-4:]
    assert rows[1][4] == "城市" and rows[1][5] == "低保对象"
    flat = " ".join(str(c) for r in rows for c in r)
    assert JIN_ID18 not in flat and "H-NG1" not in flat and "王建国" not in flat
    event = AuditEvent.unscoped.get(action="registry.export")
    assert event.actor == user and event.region_code == YANJI
    assert event.after["count"] == 2


def test_export_follows_the_filters(login, make_user, households):
    client = login(make_user("province_officer", PROVINCE))
    response = client.post(reverse("registry:export"), {"id_number": JIN_ID18})
    assert [r[0] for r in _sheet_rows(response)[1:]] == ["H-YJ1"]
    event = AuditEvent.unscoped.get(action="registry.export")
    assert event.after == {"filters": {}, "by_id_number": True, "count": 1}
    assert JIN_ID18 not in str(event.after)  # the searched number is not written to the log


def test_export_is_post_only_and_needs_registry_read(login, make_user, households):
    client = login(make_user("county_officer", YANJI))
    assert client.get(reverse("registry:export")).status_code == 405
    charity = login(make_user("charity", YANJI))
    assert charity.post(reverse("registry:export"), {}).status_code == 403
    assert not AuditEvent.unscoped.filter(action="registry.export").exists()


def test_search_page_offers_export_with_current_filters(login, make_user, households):
    html = login(make_user("county_officer", YANJI)).get(reverse("registry:search"), {"name": "金明哲"})
    page = html.content.decode()
    assert "导出Excel" in page and 'name="name" value="金明哲"' in page
