"""Stored decisions on registry households: the snapshot with provenance (defaults named), sealed
sensitive values, parameters and rule-set version stored; replay from the stored snapshot and
parameters only; the CLI; the household page section and the decision page, scoped by region."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from doudi.core import crypto
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, using_scope
from doudi.policy import actions, service
from doudi.policy.models import Decision
from doudi.policy.snapshot import DEFAULT_NOTE, contract_input_for
from tests.policy_django.conftest import AS_OF, YANJI_T1

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(assessed_household, users):
    with using_scope(YANJI_T1):
        return actions.take_decision(actor=users["township"], household=assessed_household, as_of=AS_OF)


def test_snapshot_and_provenance(assessed_household):
    with using_scope(YANJI_T1):
        data, provenance = contract_input_for(assessed_household, AS_OF)
    hh = data["household"]
    assert (data["region"], data["area_type"], hh["income_total"], hh["income_months"]) == (
        YANJI_T1,
        "urban",
        9600,
        12,
    )
    head, spouse = hh["members"]
    assert head["id"] == "P-YJ1-1" and head["disability"] == {"kind": "physical", "grade": 2}
    assert head["birth_date"] == "1950-03-01" and "id_number" not in head
    assert spouse["has_capable_supporter"] is True and spouse["adl_failed"] == 0  # contract defaults
    by = {(p["member"], p["input"]): p for p in provenance}
    income = by[(None, "household.income_total")]
    assert (
        income["kind"] == "income"
        and income["source"] == "self_declared"
        and income["source_ref"] == "申报-1"
    )
    assert income["valid_from"] == "2024-01-01" and income["fact_id"]
    assert by[("P-YJ1-1", "disability")]["source_ref"] == "残联-7"
    assumed = by[("P-YJ1-2", "has_capable_supporter")]
    assert assumed["fact_id"] is None and assumed["note"] == DEFAULT_NOTE and assumed["default"] is True
    assert by[(None, "household.rigid_expenditure_12m")]["note"] == DEFAULT_NOTE


def test_no_income_means_no_decision(households, store, users):
    with using_scope(YANJI_T1), pytest.raises(actions.PolicyError, match="未登记家庭收入"):
        actions.take_decision(actor=users["township"], household=households["H-YJ1"], as_of=AS_OF)
    assert Decision.unscoped.count() == 0


def test_take_decision_stores_everything(decision, assessed_household):
    data = decision.input_data()
    result = decision.result_data()
    assert result == service.assess_contract(data)
    assert result["household_category"] == "DIBAO" and decision.household_category == "DIBAO"
    assert result["per_capita_monthly_income"] == "400.00"  # 9600 / 12 / 2
    assert (
        decision.monthly_total == result["monthly_total"]
        and decision.rule_set_version == result["rule_set_version"]
    )
    stored = {row["key"]: row for row in decision.parameters}
    assert stored["dibao_standard.urban"] == {
        "key": "dibao_standard.urban", "value": "760", "unit": "yuan/month", "effective_from": "2025-07-01",
        "effective_to": None, "source": stored["dibao_standard.urban"]["source"], "region_code": "222401000000",
        "area_type": None, "unverified": False,
    }  # fmt: skip
    assert stored["topup.minor"]["unverified"] is True
    assert {p["input"] for p in decision.provenance} >= {"household.income_total", "disability"}
    # sensitive values are sealed: not in the clear columns
    assert "9600" not in json.dumps(decision.input_snapshot) and "criteria" not in decision.result
    assert b"9600" not in bytes(decision.input_enc)
    assert crypto.decrypt_json(decision.input_enc)["provenance"] == decision.provenance
    event = AuditEvent.unscoped.filter(action="policy.decision").get()
    assert event.after["decision"] == decision.pk and event.subject_id == str(assessed_household.pk)


def test_only_registry_writers_decide(assessed_household, users):
    with using_scope(YANJI_T1), pytest.raises(PermissionError):
        actions.take_decision(actor=users["grid"], household=assessed_household, as_of=AS_OF)


def test_replay_after_a_parameter_change(decision, change_standard):
    fresh_before = service.assess_contract(decision.input_data())
    assert fresh_before == decision.result_data()
    change_standard("900", AS_OF)  # retroactive to the decision's own date
    fresh = service.assess_contract(decision.input_data())
    assert fresh != decision.result_data() and fresh["benefits"][0]["monthly"] == (900 - 400) * 2
    assert actions.replay_decision(decision) == decision.result_data()
    outcome = service.replay(decision)
    assert outcome.identical and outcome.diff() == ""


def _decisions(*args):
    out = io.StringIO()
    try:
        call_command("decisions", *args, stdout=out)
        return 0, out.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue()


def test_decisions_command(decision, change_standard):
    change_standard("900", AS_OF)
    code, out = _decisions("replay", str(decision.pk))
    assert code == 0 and "identical: yes" in out
    code, out = _decisions("show", str(decision.pk))
    shown = json.loads(out)
    assert (
        code == 0 and shown["result"] == decision.result_data() and shown["provenance"] == decision.provenance
    )
    assert shown["parameters"] == decision.parameters
    # a stored result that no longer matches its inputs is reported with a diff
    tampered = decision.result_data() | {"monthly_total": 1}
    with all_regions():
        Decision.unscoped.filter(pk=decision.pk).update(result_enc=crypto.encrypt_json(tampered))
    code, out = _decisions("replay", str(decision.pk))
    assert code == 1 and "identical: no" in out and '-  "monthly_total": 1' in out
    assert AuditEvent.unscoped.filter(action="policy.decision_view").count() == 3
    with pytest.raises(Exception, match="不存在"):
        call_command("decisions", "show", "999999")


# --- pages ---------------------------------------------------------------------------------------


def test_household_page_section_and_take(client, assessed_household, users):
    client.force_login(users["township"])
    page = client.get(f"/households/{assessed_household.pk}/").content.decode()
    assert f"/policy/households/{assessed_household.pk}/assessment/" in page and "分层分类认定" in page
    url = f"/policy/households/{assessed_household.pk}/assessment/"
    section = client.get(url, {"as_of": "2025-08-01"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="decide-form"' in section and "还没有保存的认定结果" in section
    response = client.post(url, {"as_of": "2025-08-01"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    d = Decision.unscoped.get()
    assert response.status_code == 200 and "低保家庭" in body
    assert "R-B1" in body and "低保差额补助" in body and "R-D1" in body and "符合" in body
    assert "人均月收入 400.00 元" in body  # the criterion's Chinese detail
    assert "未核实" in body  # unverified parameters flagged
    assumed = body.split('id="assumed"', 1)[1].split("</div>", 1)[0]  # assumed inputs, by member
    assert f"朴英子（配偶）：赡养抚养扶养 — {DEFAULT_NOTE}" in assumed
    assert f"/policy/decisions/{d.pk}/" in body
    bad = client.post(url, {"as_of": "2025-02-30"}, headers={"HX-Request": "true"}).content.decode()
    assert "日期" in bad and Decision.unscoped.count() == 1
    # without htmx: redirect to the decision page
    response = client.post(url, {"as_of": "2025-08-01"})
    assert response.status_code == 302 and response.url.startswith("/policy/decisions/")


def test_decision_page_details_scope_and_roles(client, decision, users):
    url = f"/policy/decisions/{decision.pk}/"
    client.force_login(users["township"])
    page = client.get(url).content.decode()
    assert "逐条认定依据" in page and "认定所用数据及来源" in page and "残联-7" in page
    assert AuditEvent.unscoped.filter(action="policy.decision_view", subject_id=str(decision.pk)).exists()
    client.force_login(users["grid"])  # may read the registry, not sensitive details, not decide
    page = client.get(url).content.decode()
    assert "低保家庭" in page and "逐条认定依据" not in page and "400.00" not in page
    hh = decision.household_id
    assert client.post(f"/policy/households/{hh}/assessment/", {"as_of": "2025-08-01"}).status_code == 403
    assert 'id="decide-form"' not in client.get(f"/policy/households/{hh}/assessment/").content.decode()
    client.force_login(users["township2"])  # another township of the same county
    assert client.get(url).status_code == 404
    assert client.get(f"/policy/households/{hh}/assessment/").status_code == 404
    client.force_login(users["county_nanguan"])
    assert client.get(url).status_code == 404
    client.force_login(users["county"])
    assert client.get(url).status_code == 200
