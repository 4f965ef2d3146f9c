"""The order list's Excel export: the rows of the caller's scope and tab, Chinese headers and states, masked
names and identity numbers, the deadlines (accept-by, next planned visit, missed visits); audited; linked
from the list page; a provider may not export."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from tests.payments.test_pages import login, text
from tests.services.conftest import accepted, order_for

pytestmark = pytest.mark.django_db


def _sheet(response) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return _sheet_bytes(response.content)


def _sheet_bytes(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data)).active
    return [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]


def test_township_exports_its_orders_with_deadlines_masked(world):
    from doudi.core.models import AuditEvent
    from doudi.services.models import PlannedVisit

    w = world
    today = timezone.localdate()
    waiting = order_for(w, person="pupil", service="visit", on=today)
    serving = accepted(w, on=today - timezone.timedelta(days=14))
    with all_regions():
        missed = PlannedVisit.unscoped.filter(order=serving, on__lt=today).count()
        nxt = PlannedVisit.unscoped.filter(order=serving, on__gte=today).order_by("on").first().on
    assert missed >= 2

    rows = _sheet(login(w.staff["township"]).get("/services/orders/export.xlsx?show=all"))
    head, body = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert head[:3] == ["工单编号", "服务对象", "身份证号"] and "接单期限" in head and "下次计划服务" in head
    assert set(body) == {waiting.number, serving.number}
    p = body[waiting.number]
    assert p["状态"] == "待机构接单" and p["接单期限"] == waiting.accept_due.isoformat()
    assert p["服务对象"] == "崔*龙" and p["乡镇（街道）"] == "进学街道"
    s = body[serving.number]
    assert s["状态"] == "服务中" and s["下次计划服务"] == nxt.isoformat() and s["未按期上门（次）"] == missed
    assert s["服务对象"] == "金*福" and s["期限情况"] == f"有{missed}次未按期上门"
    raw = w.persons["tekun"].id_number()
    flat = repr(rows)
    assert raw not in flat and "金永福" not in flat and "placed" not in flat and "accepted" not in flat
    assert s["身份证号"] and s["身份证号"] != raw and "*" in s["身份证号"]
    with all_regions():
        ev = AuditEvent.objects.filter(
            action="services.orders_export", subject_type="service_order", subject_id=""
        ).get()
    assert ev.after["rows"] == 2 and ev.after["list"] == "all"


def test_export_follows_the_scope_tab_and_search(world):
    w = world
    today = timezone.localdate()
    waiting = order_for(w, person="pupil", service="visit", on=today)
    serving = accepted(w, on=today)
    county = login(w.staff["county"])
    assert [r[0] for r in _sheet(county.get("/services/orders/export.xlsx?show=placed"))[1:]] == [
        waiting.number
    ]
    assert [
        r[0] for r in _sheet(county.get(f"/services/orders/export.xlsx?show=all&q={serving.number}"))[1:]
    ] == [serving.number]
    for who in ("township2", "other_county"):
        assert _sheet(login(w.staff[who]).get("/services/orders/export.xlsx?show=all"))[1:] == [], who
    assert login(w.staff["p1"]).get("/services/orders/export.xlsx").status_code == 403


def test_the_list_page_links_the_export(world):
    w = world
    page = login(w.staff["township"]).get("/services/orders/?show=placed").content.decode()
    assert 'id="services-export"' in page and "/services/orders/export.xlsx?show=placed" in page
    assert "导出Excel" in text(login(w.staff["county"]).get("/services/orders/"))
    assert 'id="services-export"' not in login(w.staff["p1"]).get("/services/orders/").content.decode()


def test_the_command_line_writes_the_same_workbook(world, tmp_path):
    from django.core.management import call_command

    w = world
    o = order_for(w, person="pupil", service="visit", on=timezone.localdate())
    out, f = io.StringIO(), tmp_path / "orders.xlsx"
    call_command("services", "orders", "--show", "placed", "--xlsx", str(f), stdout=out)
    assert out.getvalue().strip() == "rows: 1"
    rows = _sheet_bytes(f.read_bytes())
    assert rows[1][0] == o.number and rows[1][1] == "崔*龙" and "待机构接单" in rows[1]
    call_command("services", "orders", "--show", "all", "--as", w.staff["township2"].username, "--xlsx", str(f),
                 stdout=io.StringIO())  # fmt: skip
    assert _sheet_bytes(f.read_bytes())[1:] == []
