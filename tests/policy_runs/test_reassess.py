"""Batch reassessment: a background run over a scope writes one result row per household, a transition
report that matches it, correct movers with their reasons, and stays inside the user's scope."""

from __future__ import annotations

import datetime as dt
from io import BytesIO, StringIO

import pyarrow.compute as pc
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.policy import batch, service, tasks
from doudi.policy.models import PolicyRun
from doudi.registry import actions
from tests.policy_runs.conftest import AS_OF, demo_households, outsiders
from tests.web.conftest import assert_csp_clean

pytestmark = pytest.mark.django_db
PROVINCE = "220000000000"
JINXUE = "222401001000"


def _run(region: str = PROVINCE, as_of: dt.date = AS_OF, actor="test") -> PolicyRun:
    run = tasks.start_reassessment(actor=actor, region_code=region, as_of=as_of)
    assert run.status == PolicyRun.Status.DONE, run.error
    return run


def _results(run: PolicyRun) -> list[dict]:
    return batch.read_results(batch.results_path(run.pk)).to_pylist()


def test_a_background_run_writes_results_and_a_matching_summary(demo):
    run = _run()
    every = _results(run)
    s = run.summary
    # the temporary-assistance outsiders have no member on AS_OF: listed, skipped with the reason
    n = 40 + outsiders()
    assert len(every) == n == s["households"] == run.progress_done == run.progress_total
    rows = [r for r in every if r["skip_reason"] is None]
    assert len(rows) == 40 == s["assessed"] and s["skipped"] == outsiders()
    assert set(batch.RESULT_SCHEMA.names) == set(rows[0])
    # the matrix and the costs add up to the per-household rows
    cells: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["current_category"] or "NONE", r["assessed_category"] or "NONE")
        cells[key] = cells.get(key, 0) + 1
        assert r["moved"] == (key[0] != key[1])
        assert bool(r["reason_zh"]) == r["moved"]
    assert {(a, b): n for a, row in s["matrix"].items() for b, n in row.items()} == cells
    assert s["movers"] == sum(r["moved"] for r in rows)
    assert s["monthly_total"] == sum(r["monthly_total"] for r in rows)
    counties = batch.by_level(s, "county")
    townships = batch.by_level(s, "township")
    assert sum(c["assessed"] for c in counties) == sum(t["assessed"] for t in townships) == 40
    assert {t["code"] for t in townships} == {r["township_code"] for r in rows}
    with all_regions():
        assert AuditEvent.objects.filter(action="policy.reassessment_finish", subject_id=str(run.pk)).exists()


def test_single_and_batch_paths_agree_on_every_demo_household(demo):
    rows = {r["household_id"]: r for r in _results(_run())}
    with all_regions():
        for h in demo_households():
            _, result = service.assess_household(h, AS_OF)
            r = rows[h.pk]
            assert (r["assessed_category"], r["monthly_total"], str(r["per_capita_monthly_income"])) == (
                result["household_category"],
                result["monthly_total"],
                result["per_capita_monthly_income"],
            ), h.household_key
            passed = {c["rule"] for c in result["criteria"] if c["member"] is None and c["passed"]}
            failed = {c["rule"] for c in result["criteria"] if c["member"] is None and not c["passed"]}
            key = {"R-T4", "R-A1", "R-D1", "R-M1", "R-R1"}
            assert set(filter(None, r["passed_criteria"].split(","))) == passed & key
            assert set(filter(None, r["failed_criteria"].split(","))) == failed & key


def test_an_income_change_moves_the_household_with_its_reason(demo):
    day = AS_OF + dt.timedelta(days=3)
    first = _run(as_of=day)
    stable = next(r for r in _results(first) if r["current_category"] == r["assessed_category"] == "DIBAO")
    with all_regions():
        household = next(h for h in demo_households() if h.pk == stable["household_id"])
        actions.record_household_fact(
            actor="test", household=household, kind="income", value={"total": 900000, "months": 12},
            valid_from=day, source="department",
        )  # fmt: skip
    second = _run(as_of=day)
    before = {r["household_id"] for r in _results(first) if r["moved"]}
    after = {r["household_id"]: r for r in _results(second) if r["moved"]}
    assert set(after) == before | {household.pk}
    moved = after[household.pk]
    assert (moved["current_category"], moved["assessed_category"]) == ("DIBAO", None)
    assert moved["reason_zh"].startswith("人均月收入") and "R-D1 不满足" in moved["reason_zh"]
    assert "R-R1 不满足" in moved["reason_zh"] and "R-D1" in moved["failed_criteria"]
    assert (
        second.summary["matrix"]["DIBAO"].get("NONE", 0)
        == first.summary["matrix"]["DIBAO"].get("NONE", 0) + 1
    )
    # the day before the new income the household is assessed on the old one
    earlier = {r["household_id"]: r for r in _results(_run(as_of=day - dt.timedelta(days=1)))}
    assert earlier[household.pk]["assessed_category"] == "DIBAO"


def test_a_township_users_run_covers_only_its_households_and_is_hidden_from_others(demo, client):
    jinxue, nanling, yanji = demo["jinxue"], demo["nanling"], demo["yanji"]
    client.force_login(jinxue)
    response = client.post(reverse("policy_runs:reassess"), {"region": JINXUE, "as_of": "2025-08-01"})
    run = PolicyRun.unscoped.get()
    assert response.status_code == 302 and response["Location"] == reverse("policy_runs:run", args=[run.pk])
    assert run.region_code == JINXUE and run.created_by == jinxue and run.status == PolicyRun.Status.DONE
    rows = _results(run)
    with all_regions():
        expected = {h.pk for h in demo_households() if h.region_code.startswith("222401001")}
    assessed = {r["household_id"] for r in rows if r["skip_reason"] is None}  # outsiders listed, skipped
    assert assessed == expected and 0 < len(expected) < 40

    page = client.get(reverse("policy_runs:run", args=[run.pk]))
    assert page.status_code == 200 and "类别迁移矩阵" in page.content.decode()
    assert_csp_clean(page)
    assert client.get(reverse("policy_runs:index")).status_code == 200
    # another township's region cannot be chosen
    bad = client.post(reverse("policy_runs:reassess"), {"region": "220102001000", "as_of": "2025-08-01"})
    assert bad.status_code == 400 and PolicyRun.unscoped.count() == 1

    client.force_login(nanling)
    for name in ("policy_runs:run", "policy_runs:progress"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.post(reverse("policy_runs:export", args=[run.pk])).status_code == 404
    assert f"第{run.pk}号" not in client.get(reverse("policy_runs:index")).content.decode()

    client.force_login(yanji)  # the county above sees its township's run
    assert client.get(reverse("policy_runs:run", args=[run.pk])).status_code == 200


def test_progress_polling_and_the_audited_excel_download(demo, client):
    client.force_login(demo["yanji"])
    run = _run(region="222401000000", actor=demo["yanji"])
    progress = client.get(reverse("policy_runs:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    response = client.post(reverse("policy_runs:export", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["说明", "类别迁移矩阵", "分区划统计", "变动家庭"]
    movers = list(wb["变动家庭"].iter_rows(min_row=2, values_only=True))
    assert len(movers) == run.summary["movers"] + run.summary["skipped"]
    with all_regions():
        event = AuditEvent.objects.get(action="policy.reassessment_export", subject_id=str(run.pk))
    assert event.actor_id == demo["yanji"].pk and event.after["rows"] == len(movers)


def test_a_queued_run_shows_progress_and_polls(demo, client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(demo["yanji"])
    client.post(reverse("policy_runs:reassess"), {"region": "222401000000", "as_of": "2025-08-01"})
    run = PolicyRun.unscoped.get()
    assert run.status == PolicyRun.Status.QUEUED
    html = client.get(reverse("policy_runs:run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "排队中" in html
    response = client.get(reverse("policy_runs:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in response
    # the worker picks it up later
    tasks.reassess_run.call(run.pk)
    run.refresh_from_db()
    assert run.status == PolicyRun.Status.DONE and run.summary["households"] == run.progress_done > 0


def test_a_failing_run_is_marked_failed(demo, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(batch, "reassess", boom)
    run = tasks.start_reassessment(actor="test", region_code=PROVINCE, as_of=AS_OF)
    assert run.status == PolicyRun.Status.FAILED and "磁盘已满" in run.error


def test_the_reassess_command_prints_the_transition_matrix(demo):
    out = StringIO()
    call_command("reassess", "--region", "222401", "--as-of", "2025-08-01", "--quiet", stdout=out)
    text = out.getvalue()
    run = PolicyRun.unscoped.get()
    assert run.kind == PolicyRun.Kind.REASSESSMENT and run.region_code == "222401000000"
    assert "原类别" in text and "延吉市" in text and str(batch.results_path(run.pk)) in text
    assert f"类别变动 {run.summary['movers']} 户" in text
    table = batch.read_results(batch.results_path(run.pk))
    assert pc.all(pc.starts_with(table["region_code"], "222401")).as_py()
