"""Pages, the Excel export, the API: scoped (404 outside, a county never sees a neighbour), menus per role."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from doudi.core.models import AuditEvent
from doudi.web import nav
from tests.api.conftest import Caller, token_for  # noqa: F401  (fixture)
from tests.conftest import NANGUAN, PROVINCE, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db
RANGE = "from=2025-07-01&to=2026-06-15"


def test_menu_for_officers_and_auditors_only(officers):
    labels = lambda user: [i["label"] for i in nav.entries(user)]  # noqa: E731
    for who in ("township", "county", "city", "province", "auditor"):
        assert "统计分析" in labels(officers[who]), who
    assert "统计分析" not in labels(officers["grid"])


def test_province_page_shows_every_topic_the_children_and_the_map(client, built, officers):
    client.force_login(officers["province"])
    r = client.get(f"/dashboards/?{RANGE}")
    page = r.content.decode()
    assert r.status_code == 200 and "统计分析 · 吉林省" in page and "数据截至" in page
    for title in (
        "救助对象（按类别和城乡）",
        "办理时限（按环节）",
        "预警核查",
        "需求推送与部门答复",
        "投诉举报及办理时限",
    ):
        assert title in page
    assert 'id="dash-map"' in page and 'role="img"' in page and '<th scope="col">' in page
    assert f"?region=220100000000&amp;{RANGE.replace('&', '&amp;')}" in page  # drill link to 长春市
    assert 'id="dashboards-data"' in page and "<script>" not in page  # data by json_script, no inline script


def test_county_totals_never_include_a_neighbour(client, built, officers):
    client.force_login(officers["county"])
    page = client.get(f"/dashboards/?{RANGE}").content.decode()
    assert (
        "统计分析 · " in page and 'data-indicator="paid">800<' in page
    )  # not 1500: 南关区's 700 is left out
    assert 'data-indicator="people">2<' in page
    assert 'id="dash-map"' not in page  # a county has no county map; its townships are in the table
    assert client.get(f"/dashboards/?region={NANGUAN}").status_code == 404
    assert client.get(f"/dashboards/?region={PROVINCE}").status_code == 404
    assert client.get("/dashboards/?region=999999").status_code == 404
    assert client.get(f"/dashboards/export.xlsx?region={NANGUAN}").status_code == 404
    client.force_login(officers["township"])
    assert client.get(f"/dashboards/?region={YANJI}").status_code == 404
    assert client.get(f"/dashboards/?region={YANJI_T1}").status_code == 200


def test_grid_workers_are_refused(client, built, officers):
    client.force_login(officers["grid"])
    assert client.get("/dashboards/").status_code == 403


def test_htmx_date_range_returns_the_figures(client, built, officers):
    client.force_login(officers["county"])
    r = client.get(
        f"/dashboards/?region={YANJI}&from=2026-04-01&to=2026-04-30", headers={"HX-Request": "true"}
    )
    page = r.content.decode()
    assert 'id="dash-body"' in page and 'data-indicator="paid">800<' in page
    r = client.get(f"/dashboards/?region={YANJI}&from=2026-05-01&to=2026-05-31")
    assert 'data-indicator="paid">0<' in r.content.decode()


def test_excel_export_holds_the_figures_shown_and_is_audited(client, built, officers):
    client.force_login(officers["province"])
    r = client.get(f"/dashboards/export.xlsx?region={PROVINCE}&{RANGE}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:3] == ["概况", "救助对象", "救助申请"] and "下级区划" in wb.sheetnames
    about = {row[0]: row[1] for row in wb["概况"].iter_rows(min_row=2, values_only=True)}
    assert about["区划"] == "吉林省" and about["应发金额（元）"] == 1500 and about["在册人数（人）"] == 3
    pay = list(wb["救助金发放"].values)
    assert pay[0][:2] == ("发放月份", "低保") and ("2026-04", 1500, 1500, 1500, 0) in pay
    children = {row[0]: row for row in wb["下级区划"].iter_rows(min_row=2, values_only=True)}
    assert children["长春市"][1] == "220100000000" and children["延边朝鲜族自治州"][2] == 2
    assert AuditEvent.unscoped.filter(action="dashboards.export", subject_id=PROVINCE).count() == 1


def test_api_figures_scoped(client, built, officers, token_for):  # noqa: F811
    me = Caller(client, token_for(officers["county"]))
    got = me.get(f"/api/v1/dashboards/regions/{YANJI}", **{"from": "2025-07-01", "to": "2026-06-15"})
    body = got.json()
    assert got.status_code == 200 and body["indicators"]["paid"] == 800 and body["indicators"]["people"] == 2
    assert {t["key"] for t in body["topics"]} >= {"people", "payments", "complaints"}
    later = me.get(f"/api/v1/dashboards/regions/{YANJI}", **{"from": "2026-05-01", "to": "2026-06-15"}).json()
    assert later["from"] == "2026-05-01" and later["indicators"]["paid"] == 0  # April's payments left out
    assert [c["code"] for c in body["children"]][:2] == ["222401001000", "222401002000"]
    one = me.get(f"/api/v1/dashboards/regions/{YANJI}/topics/complaints", **{"from": "2026-05-01"}).json()
    assert one["topic"]["rows"] == [["服务投诉（态度、拖延）", 0, 0, 1, 0, 1]]
    assert me.get(f"/api/v1/dashboards/regions/{NANGUAN}").status_code == 404
    assert me.get(f"/api/v1/dashboards/regions/{YANJI}/topics/nothing").status_code == 404
    prov = Caller(client, token_for(officers["province"])).get(f"/api/v1/dashboards/regions/{PROVINCE}",
                                                               **{"from": "2025-07-01"}).json()  # fmt: skip
    assert prov["indicators"]["paid"] == 1500 and len(prov["children"]) >= 9
    grid = Caller(client, token_for(officers["grid"]))
    assert grid.get(f"/api/v1/dashboards/regions/{YANJI_T1}").status_code == 403
