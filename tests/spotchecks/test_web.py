"""Pages, the Excel export, the API and the command: scoped (404 outside), menus per role."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from doudi.web import nav
from tests.api.conftest import Caller, token_for  # noqa: F401  (fixture)
from tests.spotchecks.conftest import draw, items

pytestmark = pytest.mark.django_db


def test_menu_for_officers_and_auditors_only(world, people):
    labels = lambda user: [i["label"] for i in nav.entries(user)]  # noqa: E731
    for who in ("county", "city", "province", "auditor"):
        assert "抽查核查" in labels(people[who]), who
    assert "抽查核查" not in labels(people["township"])


def test_pages_scope_and_finding(client, world, people):
    rnd = draw(people["county"], kinds=["warning"])
    it = items(rnd)[0]
    client.force_login(people["county"])
    page = client.get("/spotchecks/").content.decode()
    assert f"第{rnd.pk}批" in page and "已办结预警" in page
    detail = client.get(f"/spotchecks/{rnd.pk}/").content.decode()
    assert "核查期限" in detail and "剩" in detail and it.subject_ref in detail
    r = client.post(f"/spotchecks/items/{it.pk}/finding/", {"result": "problem", "category": "procedure",
                                                            "note": "未入户调查"})  # fmt: skip
    assert r.status_code == 302
    assert "程序不规范" in client.get(f"/spotchecks/items/{it.pk}/").content.decode()
    bad = client.post(f"/spotchecks/items/{items(rnd)[1].pk}/finding/", {"result": "problem"})
    assert bad.status_code == 422 and "问题类别" in bad.content.decode()
    client.force_login(people["nanguan"])
    assert client.get(f"/spotchecks/{rnd.pk}/").status_code == 404
    assert client.get(f"/spotchecks/items/{it.pk}/").status_code == 404
    assert client.post(f"/spotchecks/items/{it.pk}/correction/", {"correction": "x"}).status_code == 404
    client.force_login(people["auditor"])
    assert client.get(f"/spotchecks/{rnd.pk}/").status_code == 200
    assert client.post(f"/spotchecks/items/{it.pk}/correction/", {"correction": "x"}).status_code == 403


def test_draw_form(client, world, people):
    client.force_login(people["county"])
    assert client.get("/spotchecks/draw/").status_code == 200
    r = client.post("/spotchecks/draw/", {"year": 2026, "quarter": 0, "kinds": ["warning"], "share": "0.1"})
    assert r.status_code == 302
    assert "已抽取 6 件" in client.get(r["Location"]).content.decode()
    client.force_login(people["auditor"])
    assert client.get("/spotchecks/draw/").status_code == 403


def test_export_is_chinese_and_audited(client, world, people):
    from openpyxl import load_workbook

    from doudi.core.models import AuditEvent

    rnd = draw(people["county"], kinds=["warning"])
    client.force_login(people["county"])
    r = client.get(f"/spotchecks/{rnd.pk}/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("抽查对象", "类别", "所在乡镇（街道）") and len(rows) == 4
    assert {row[1] for row in rows[1:]} == {"已办结预警"} and {row[5] for row in rows[1:]} == {"待核查"}
    assert AuditEvent.unscoped.filter(action="spotchecks.export", subject_id=str(rnd.pk)).exists()
    client.force_login(people["nanguan"])
    assert client.get(f"/spotchecks/{rnd.pk}/export.xlsx").status_code == 404


def test_api_scoped(client, world, people, token_for):  # noqa: F811
    rnd = draw(people["county"], kinds=["warning"])
    it = items(rnd)[0]
    me = Caller(client, token_for(people["county"]))
    listed = me.get("/api/v1/spotchecks").json()
    assert listed["count"] == 1 and listed["results"][0]["items"] == 3 and listed["results"][0]["seed"] == 42
    got = me.get(f"/api/v1/spotchecks/{rnd.pk}/items").json()
    assert len(got["results"]) == 3 and got["summary"]["drawn"] == 3
    assert me.post(f"/api/v1/spotchecks/items/{it.pk}/finding", {"result": "bad"}).status_code == 422
    ok = me.post(f"/api/v1/spotchecks/items/{it.pk}/finding", {"result": "ok"})
    assert ok.status_code == 200 and ok.json()["state"] == "no_correction"
    other = Caller(client, token_for(people["nanguan"]))
    assert other.get("/api/v1/spotchecks").json()["count"] == 0
    assert other.get(f"/api/v1/spotchecks/{rnd.pk}/items").status_code == 404
    assert other.post(f"/api/v1/spotchecks/items/{it.pk}/finding", {"result": "ok"}).status_code == 404
    auditor = Caller(client, token_for(people["auditor"]))
    assert auditor.get("/api/v1/spotchecks").json()["count"] == 1
    assert (
        auditor.post(f"/api/v1/spotchecks/items/{items(rnd)[1].pk}/finding", {"result": "ok"}).status_code
        == 403
    )


def test_command_prints_the_count(world, people):
    out = io.StringIO()
    call_command("spotchecks", "draw", "--region", "222401000000", "--share", "0.1", "--kinds", "warning",
                 "--seed", "42", "--date", "2026-12-07", stdout=out)  # fmt: skip
    assert out.getvalue().splitlines()[1:] == ["seed: 42", "drawn: 6"]
