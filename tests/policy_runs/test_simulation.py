"""What-if simulation (R-S3): raising the standard moves MARGINAL households into DIBAO and costs more;
every summary number equals a household-by-household recomputation with ``assess``."""

from __future__ import annotations

import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from doudi.core.scoping import all_regions, using_scope
from doudi.policy import batch, params_store, service, simulation
from doudi.policy.models import PolicyRun
from doudi.policy.snapshot import contract_input_for
from tests.policy_runs.conftest import AS_OF, demo_households
from tests.web.conftest import assert_csp_clean

pytestmark = pytest.mark.django_db
PROVINCE = "220000000000"


def _recompute(factor: Decimal) -> dict:
    """Per household through the single path: tiers, movers and cost before/after a standard × factor."""
    before, after, matrix = Counter(), Counter(), Counter()
    cost = {"before": 0, "after": 0}
    for h in demo_households():
        data, _ = contract_input_for(h, AS_OF)
        s = params_store.provider(data["region"].ljust(12, "0"), data["area_type"], AS_OF).dibao_standard
        new = (s * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        a = service.assess_contract(data)
        b = service.assess_contract({**data, "parameters": {"dibao_standard": new}})
        x, y = a["household_category"] or "NONE", b["household_category"] or "NONE"
        before[x] += 1
        after[y] += 1
        matrix[(x, y)] += 1
        cost["before"] += a["monthly_total"]
        cost["after"] += b["monthly_total"]
    return {"before": before, "after": after, "matrix": matrix, "cost": cost}


def test_raising_the_standard_moves_marginal_households_into_dibao_and_costs_more(demo):
    with using_scope(PROVINCE):
        result = simulation.simulate(
            region_code=PROVINCE, changes={"key": "dibao_standard", "factor": "2"}, as_of=AS_OF
        )
    s = result.summary
    assert s["matrix"]["MARGINAL"].get("DIBAO", 0) > 0
    assert s["cost"]["after"] > s["cost"]["before"] and s["cost"]["delta"] > 0
    assert s["after"]["DIBAO"] > s["before"]["DIBAO"]
    with all_regions():
        expected = _recompute(Decimal("2"))
    assert Counter(s["before"]) == expected["before"] and Counter(s["after"]) == expected["after"]
    matrix = Counter({(a, b): n for a, row in s["matrix"].items() for b, n in row.items()})
    assert matrix == expected["matrix"]
    assert s["movers"] == sum(n for (a, b), n in expected["matrix"].items() if a != b)
    assert (s["cost"]["before"], s["cost"]["after"]) == (
        expected["cost"]["before"],
        expected["cost"]["after"],
    )
    # by county and by township the parts add up to the whole
    for level in ("county", "township"):
        parts = batch.by_level(s, level)
        assert sum(p["cost"]["delta"] for p in parts) == s["cost"]["delta"]
        assert sum(p["movers"] for p in parts) == s["movers"]
    # per-household rows agree with the summary, and the run is stored
    rows = result.rows.to_pylist()
    assert sum(r["monthly_total_after"] - r["monthly_total_before"] for r in rows) == s["cost"]["delta"]
    assert all(r["reason_zh"] for r in rows if r["moved"])
    run = PolicyRun.unscoped.get(pk=result.run_id)
    assert run.kind == PolicyRun.Kind.SIMULATION and run.status == PolicyRun.Status.DONE
    assert run.summary == json.loads(json.dumps(s)) and batch.results_path(run.pk).exists()


def test_value_changes_and_proposal_rows(demo):
    with using_scope("222401000000"):
        flat = simulation.simulate(
            region_code="222401", changes={"dibao_standard_urban": "800"}, as_of=AS_OF, record=False
        )
        row = simulation.simulate(
            region_code="222401",
            changes=[{"key": "dibao_standard.urban", "value": "800", "region_code": "222401000000",
                      "area_type": None, "effective_from": "2025-08-01", "effective_to": None,
                      "unit": "yuan/month", "source": "测试", "unverified": False}],
            as_of=AS_OF, record=False,
        )  # fmt: skip
        later = simulation.simulate(
            region_code="222401",
            changes=[{"key": "dibao_standard.urban", "value": "800", "region_code": "222401000000",
                      "effective_from": "2025-09-01"}],
            as_of=AS_OF, record=False,
        )  # fmt: skip
    assert flat.summary["matrix"] == row.summary["matrix"] and flat.summary["cost"] == row.summary["cost"]
    changed = {
        (p["region_code"], p["area_type"]): (p["before"], p["after"]) for p in row.summary["parameters"]
    }
    assert changed and all(v == ("760", "800") for (_, area), v in changed.items() if area == "urban")
    assert all(area == "urban" for _, area in changed)  # rural households keep their own standard
    assert later.summary["movers"] == 0 and later.summary["parameters"] == []
    assert later.summary["cost"]["delta"] == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "no_such_key", "value": "1"}, "未知参数"),
        ({"key": "dibao_standard.urban", "value": "800", "factor": "1.1"}, "二者选一"),
        ({"key": "dibao_standard.urban", "factor": "0"}, "调整比例"),
        ({"key": "review_interval_months.stable", "value": "6"}, "不影响"),
        ({"key": "dibao_standard.urban", "value": "-1"}, "不小于 0"),
        ([], "至少需要一项"),
    ],
)
def test_bad_changes_are_refused_in_chinese(demo, changes, message):
    with using_scope(PROVINCE), pytest.raises(simulation.SimulationError, match=message):
        simulation.simulate(region_code=PROVINCE, changes=changes, as_of=AS_OF, record=False)


def test_a_region_outside_the_scope_is_refused(demo):
    with using_scope("222401001000"), pytest.raises(simulation.SimulationError, match="管辖范围"):
        simulation.simulate(region_code="220102", changes={"dibao_standard": "900"}, as_of=AS_OF)


def test_the_simulation_page_runs_shows_charts_and_downloads(demo, client):
    client.force_login(demo["yanji"])
    form = client.get(reverse("policy_runs:simulate"))
    assert form.status_code == 200 and "调整方式" in form.content.decode()
    # the date input is prefilled with today in the ISO form a type="date" input accepts
    assert f'value="{timezone.localdate().isoformat()}"' in form.content.decode()
    response = client.post(
        reverse("policy_runs:simulate"),
        {"region": "222401000000", "key": "dibao_standard", "area_type": "", "mode": "percent",
         "amount": "20", "as_of": "2025-08-01"},
    )  # fmt: skip
    run = PolicyRun.unscoped.get(kind=PolicyRun.Kind.SIMULATION)
    assert response.status_code == 302 and response["Location"] == reverse("policy_runs:run", args=[run.pk])
    assert run.changes == [{"key": "dibao_standard.{area_type}", "factor": "1.2"}]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and 'id="run-chart-data"' in html and "policy-runs.js" in html
    assert "低保标准（按家庭城乡类别）上调 20%" in html
    assert_csp_clean(page)
    data = json.loads(
        html.split('id="run-chart-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    )
    assert sum(data["before"]) == sum(data["after"]) == run.summary["assessed"]
    assert sum(data["cost_after"]) == run.summary["cost"]["after"]
    download = client.post(reverse("policy_runs:export", args=[run.pk]))
    wb = load_workbook(BytesIO(download.content))
    assert len(list(wb["变动家庭"].iter_rows(min_row=2))) == run.summary["movers"]
    links = [c.hyperlink for (c,) in wb["变动家庭"].iter_rows(min_row=2, max_col=1)]
    assert links and all(link is not None and "/households/key/?k=" in link.target for link in links)
    # a bad amount re-shows the form with the error
    bad = client.post(
        reverse("policy_runs:simulate"),
        {
            "region": "222401000000",
            "key": "dibao_standard",
            "mode": "value",
            "amount": "-3",
            "as_of": "2025-08-01",
        },
    )
    assert bad.status_code == 400 and "新值不能为负数" in bad.content.decode()


def test_a_region_too_large_for_the_page_is_refused(demo, client, monkeypatch):
    from doudi.policy import views_runs

    monkeypatch.setattr(views_runs, "WEB_SIMULATION_MAX_HOUSEHOLDS", 10)
    client.force_login(demo["province"])
    data = {
        "region": PROVINCE,
        "key": "dibao_standard",
        "mode": "percent",
        "amount": "5",
        "as_of": "2025-08-01",
    }
    response = client.post(reverse("policy_runs:simulate"), data)
    assert response.status_code == 400 and "doudi simulate" in response.content.decode()
    assert not PolicyRun.unscoped.exists()


def test_a_user_without_registry_access_cannot_simulate(demo, client):
    client.force_login(demo["charity"])
    assert client.get(reverse("policy_runs:simulate")).status_code == 403
    assert client.get(reverse("policy_runs:index")).status_code == 403


def test_the_simulate_command_prints_the_summary(demo):
    out = StringIO()
    call_command(
        "simulate",
        "--region",
        "222401",
        "--set",
        "dibao_standard_urban=798",
        "--as-of",
        "2025-08-01",
        stdout=out,
    )
    text = out.getvalue()
    run = PolicyRun.unscoped.get(kind=PolicyRun.Kind.SIMULATION)
    assert "城市低保标准调整为 798" in text and "月度待遇支出" in text and "原类别" in text
    assert f"{run.summary['cost']['before']} 元 → {run.summary['cost']['after']} 元" in text
    out = StringIO()
    call_command(
        "simulate", "--region", "222401", "--factor", "dibao_standard.urban=1.05", "--as-of", "2025-08-01",
        "--json", "--no-record", stdout=out,
    )  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["changes"][0]["factor"] == "1.05" and PolicyRun.unscoped.count() == 1


def test_the_proposal_preview_uses_the_simulation(demo):
    """``simulation.proposal_preview`` (the parameter proposal page) gets this simulation's summary."""
    changes = [
        {"key": "dibao_standard.urban", "region_code": "222401000000", "area_type": None, "value": "900",
         "unit": "yuan/month", "effective_from": "2025-08-01", "effective_to": None, "source": "", "unverified": False},
        {"key": "review_interval_months.stable", "region_code": "222401000000", "area_type": None, "value": "6",
         "unit": "months", "effective_from": "2025-08-01", "effective_to": None, "source": "", "unverified": False},
    ]  # fmt: skip
    with using_scope("222401"):
        preview, note = simulation.proposal_preview("222401000000", changes)
    assert note == "" and preview["as_of"] == "2025-08-01"
    summary = preview["summary"]
    assert summary["kind"] == "simulation" and summary["cost"]["delta"] > 0
    assert {p["after"] for p in summary["parameters"]} == {"900"}
    run = PolicyRun.unscoped.get(pk=preview["run_id"])
    assert run.kind == PolicyRun.Kind.SIMULATION and run.region_code == "222401000000"
