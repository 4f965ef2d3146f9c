"""Pages, the year-end report (Excel and PDF, audited), the API and the command: scoped (404 outside), menus
per role."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from doudi.web import nav
from tests.api.conftest import Caller, token_for  # noqa: F401  (fixture)
from tests.conftest import NANGUAN, YANBIAN, YANJI
from tests.evaluation.conftest import run
from tests.letters.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_menu_for_officers_and_auditors_only(people):
    labels = lambda user: [i["label"] for i in nav.entries(user)]  # noqa: E731
    for who in ("county", "city", "province", "auditor"):
        assert "绩效评价" in labels(people[who]), who
    assert "绩效评价" not in labels(people["township"])


def test_province_starts_a_run_and_sees_every_county(client, world, people):
    client.force_login(people["province"])
    page = client.get("/evaluation/").content.decode()
    assert "开始计算" in page and "尚未开展绩效评价" in page
    r = client.post("/evaluation/start/", {"year": 2025, "level": "county"})
    assert r.status_code == 302
    detail = client.get(r["Location"]).content.decode()
    assert "2025年度社会救助工作绩效评价" in detail and "延吉市" in detail and "南关区" in detail
    assert "第1名 / 2" in detail and "evaluation-chart-data" in detail and "<script>" not in detail
    unranked = detail.split('id="evaluation-unranked"')[1].split("</p>")[0]
    assert "宽城区" in unranked and "延吉市" not in unranked
    assert client.post("/evaluation/start/", {"year": 1900, "level": "county"}).status_code == 422


def test_county_sees_its_own_row_and_rank_only(client, world, people):
    r = run()
    client.force_login(people["county"])
    assert "开始计算" not in client.get("/evaluation/").content.decode()
    assert client.post("/evaluation/start/", {"year": 2025, "level": "county"}).status_code == 403
    client.force_login(people["auditor"])
    assert client.post("/evaluation/start/", {"year": 2025, "level": "county"}).status_code == 403
    client.force_login(people["county"])
    detail = client.get(f"/evaluation/{r.pk}/").content.decode()
    assert "延吉市" in detail and "第2名 / 2" in detail and "南关区" not in detail and "100.00" not in detail
    own = client.get(f"/evaluation/{r.pk}/{YANJI}/").content.decode()
    assert (
        "52.50" in own and "共2个县（市、区）参评" in own and "投诉举报按时办结率" in own and "66.67%" in own
    )
    assert client.get(f"/evaluation/{r.pk}/{NANGUAN}/").status_code == 404
    assert client.get(f"/evaluation/{r.pk + 1}/").status_code == 404
    client.force_login(people["city"])  # 延边州: its counties
    assert client.get(f"/evaluation/{r.pk}/{YANJI}/").status_code == 200
    assert client.get(f"/evaluation/{r.pk}/{NANGUAN}/").status_code == 404
    city_run = run("city")
    assert client.get(f"/evaluation/{city_run.pk}/{YANBIAN}/").status_code == 200


def test_excel_and_pdf_reports_are_chinese_scoped_and_audited(client, world, people):
    from openpyxl import load_workbook

    from doudi.core.models import AuditEvent

    r = run()
    client.force_login(people["province"])
    got = client.get(f"/evaluation/{r.pk}/report.xlsx")
    rows = list(load_workbook(io.BytesIO(got.content)).active.values)
    assert rows[0][:7] == ("全省排名", "参评数", "地区", "所属市（州）", "全市排名", "市内参评数", "得分")
    by_name = {row[2]: row for row in rows[1:]}
    yj = by_name["延吉市"]
    assert yj[0] == 2 and yj[3] == "延边朝鲜族自治州" and yj[6] == "52.50"
    col = rows[0].index("投诉举报按时办结率：按时办结的投诉举报")
    assert yj[col : col + 3] == (2, 3, "66.67%")
    assert by_name["南关区"][col + 2] == "不适用"
    pdf = client.get(f"/evaluation/{r.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert (
        "2025年度社会救助工作绩效评价" in text
        and "延吉市" in text
        and "52.50" in text
        and "抽查问题发生率" in text
    )
    assert AuditEvent.unscoped.filter(action="evaluation.export", subject_id=str(r.pk)).count() == 2
    client.force_login(people["county"])
    rows = list(
        load_workbook(io.BytesIO(client.get(f"/evaluation/{r.pk}/report.xlsx").content)).active.values
    )
    assert [row[2] for row in rows[1:]] == ["延吉市"]
    assert "南关区" not in pdf_text(client.get(f"/evaluation/{r.pk}/report.pdf").content)


def test_api_scoped(client, world, people, token_for):  # noqa: F811
    prov = Caller(client, token_for(people["province"]))
    started = prov.post("/api/v1/evaluation/runs", {"year": 2025, "level": "county"})
    assert started.status_code == 201
    run_id = started.json()["id"]
    assert prov.post("/api/v1/evaluation/runs", {"year": 2025, "level": "village"}).status_code == 422
    listed = prov.get("/api/v1/evaluation/runs").json()
    assert listed["count"] == 1 and listed["results"][0]["weights"]["warning_on_time"] == "0.20"
    got = prov.get(f"/api/v1/evaluation/runs/{run_id}").json()
    assert [r["name"] for r in got["results"][:2]] == ["南关区", "延吉市"]
    ind = prov.get("/api/v1/evaluation/indicators", year=2025).json()
    assert len(ind["results"]) == 8 and ind["results"][0]["name"] == "申请按时办结率"
    me = Caller(client, token_for(people["county"]))
    assert me.post("/api/v1/evaluation/runs", {"year": 2025}).status_code == 403
    mine = me.get(f"/api/v1/evaluation/runs/{run_id}").json()
    assert [r["region_code"] for r in mine["results"]] == [YANJI] and mine["results"][0]["rank"] == 2
    one = me.get(f"/api/v1/evaluation/runs/{run_id}/regions/{YANJI}").json()
    complaints = next(b for b in one["breakdown"] if b["key"] == "complaint_on_time")
    assert (complaints["numerator"], complaints["denominator"], complaints["share"]) == (2, 3, "0.6667")
    assert me.get(f"/api/v1/evaluation/runs/{run_id}/regions/{NANGUAN}").status_code == 404
    assert me.get(f"/api/v1/evaluation/runs/{run_id + 9}").status_code == 404
    assert Caller(client, token_for(people["township"])).get("/api/v1/evaluation/runs").status_code == 403


def test_command_runs_and_exports(world, tmp_path):
    from doudi.core.models import AuditEvent

    out = io.StringIO()
    call_command("evaluation", "run", "--year", "2025", "--date", "2026-01-20", stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    assert int(lines["regions"]) > 50 and len(lines["fingerprint"]) == 64
    again = io.StringIO()
    call_command("evaluation", "run", "--year", "2025", "--date", "2026-01-20", stdout=again)
    assert (
        dict(line.split(": ", 1) for line in again.getvalue().splitlines())["fingerprint"]
        == lines["fingerprint"]
    )
    target = tmp_path / "report.pdf"
    call_command(
        "evaluation",
        "export",
        "--year",
        "2025",
        "--format",
        "pdf",
        "--out",
        str(target),
        stdout=io.StringIO(),
    )
    assert "延吉市" in pdf_text(target.read_bytes())
    ev = AuditEvent.unscoped.filter(action="evaluation.export").get()
    assert ev.actor_label == "doudi evaluation" and ev.after["format"] == "pdf"
    with pytest.raises(Exception, match="绩效评价结果不存在"):
        call_command("evaluation", "export", "--year", "2024", "--out", str(tmp_path / "x.xlsx"))
