"""The assessment contract's three entry points over the database parameter store: ``doudi assess``
(file and stdin; invalid input exits 2 with a JSON error and writes nothing), ``POST
/api/v1/assessments`` (same result; 422 with the same error shape; 401 without auth) and
``doudi.policy.assess`` (uses approved parameters when Django is ready)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from doudi.policy import service
from doudi.policy.rules import AssessmentInputError
from tests.policy_django.conftest import SIMPLE_INPUT, as_json, table_counts

pytestmark = pytest.mark.django_db

BAD_BIRTH = copy.deepcopy(SIMPLE_INPUT)
BAD_BIRTH["household"]["members"].append({"id": "m2", "birth_date": "1990-02-30"})


def _run(*args, stdin: str | None = None):
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    try:
        call_command("assess", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def test_cli_file_prints_the_result(store, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(SIMPLE_INPUT, ensure_ascii=False), "utf-8")
    code, out, err = _run(str(path))
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result == service.assess_contract(SIMPLE_INPUT)
    assert result["household_category"] == "DIBAO" and result["monthly_total"] == 412
    assert '  "household_category"' in out  # indented
    assert "低保" in out  # UTF-8, not \\u escapes


def test_cli_reads_standard_input(store):
    code, out, _ = _run("-", stdin=json.dumps(SIMPLE_INPUT))
    assert code == 0
    assert json.loads(out)["per_capita_monthly_income"] == "500.00"


def test_cli_invalid_input_exits_2_with_json_error_and_writes_nothing(store, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD_BIRTH), "utf-8")
    before = table_counts()
    code, out, err = _run(str(path))
    assert code == 2 and out == ""
    error = json.loads(err)
    assert error["path"] == "household.members[1].birth_date" and error["error"]
    code, _, err = _run("-", stdin="{not json")
    assert code == 2 and json.loads(err)["path"] == ""
    code, _, err = _run(str(tmp_path / "missing.json"))
    assert code == 2 and "无法读取" in json.loads(err)["error"]
    assert table_counts() == before  # no rows anywhere, not even an audit event


def test_cli_unknown_region_is_invalid(store):
    data = copy.deepcopy(SIMPLE_INPUT)
    data["region"] = "222499"  # well-formed, not a region
    code, _, err = _run("-", stdin=json.dumps(data))
    assert code == 2 and json.loads(err) == {"error": "未知的行政区划代码 222499", "path": "region"}


def test_cli_as_a_real_process(tmp_path):
    """The console command itself: exit codes, stdout/stderr, stdin (a fresh SQLite data directory)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DOUDI_DATA_DIR"] = str(tmp_path / "data")
    doudi = [sys.executable, "-m", "doudi"]
    subprocess.run([*doudi, "init"], env=env, check=True, capture_output=True)
    ok = subprocess.run(
        [*doudi, "assess", "-"], env=env, input=json.dumps(SIMPLE_INPUT).encode(), capture_output=True
    )
    assert ok.returncode == 0, ok.stderr.decode()
    assert json.loads(ok.stdout.decode("utf-8"))["monthly_total"] == 412
    bad = subprocess.run(
        [*doudi, "assess", "-"], env=env, input=json.dumps(BAD_BIRTH).encode(), capture_output=True
    )
    assert bad.returncode == 2 and bad.stdout == b""
    assert json.loads(bad.stderr.decode("utf-8"))["path"] == "household.members[1].birth_date"


# --- HTTP ----------------------------------------------------------------------------------------


@pytest.fixture
def api(client, users):
    from doudi.accounts.actions import create_token
    from doudi.core.scoping import all_regions

    with all_regions():
        token = create_token(actor="test", user=users["grid"], name="test")

    def post(body, *, auth: bool = True, raw: bytes | None = None):
        headers = {"Authorization": f"Bearer {token}"} if auth else {}
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False)
        return client.post("/api/v1/assessments", data, content_type="application/json", headers=headers)

    return post


def test_api_returns_the_cli_result(api, tmp_path):
    response = api(SIMPLE_INPUT)
    assert response.status_code == 200
    path = tmp_path / "in.json"
    path.write_text(json.dumps(SIMPLE_INPUT), "utf-8")
    assert as_json(response) == json.loads(_run(str(path))[1])


def test_api_invalid_input_is_422_with_the_contract_error(api):
    response = api(BAD_BIRTH)
    assert response.status_code == 422
    body = as_json(response)
    assert body["path"] == "household.members[1].birth_date" and body["error"]
    unknown = copy.deepcopy(SIMPLE_INPUT)
    unknown["parameters"] = {"no_such_key": 1}
    assert as_json(api(unknown))["path"] == "parameters.no_such_key"
    malformed = api(None, raw=b"{oops")
    assert malformed.status_code == 422 and as_json(malformed)["path"] == ""


def test_api_needs_authentication(api):
    response = api(SIMPLE_INPUT, auth=False)
    assert response.status_code == 401
    assert "error" in as_json(response)


def test_api_accepts_the_web_session(client, users):
    client.force_login(users["township"])
    client.get("/")  # a session; the test client skips CSRF checks by default
    response = client.post("/api/v1/assessments", json.dumps(SIMPLE_INPUT), content_type="application/json")
    assert response.status_code == 200 and as_json(response)["household_category"] == "DIBAO"


def test_api_documents_the_body(client, users):
    client.force_login(users["township"])
    spec = as_json(client.get("/api/v1/openapi.json"))
    op = spec["paths"]["/api/v1/assessments"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"as_of", "region", "area_type", "household"}
    assert "422" in op["responses"]


# --- Python ------------------------------------------------------------------------------------


def test_python_entry_uses_approved_parameters(change_standard):
    import doudi.policy as policy
    from doudi.policy import rules

    data = copy.deepcopy(SIMPLE_INPUT)
    data["as_of"] = "2025-10-01"
    before = policy.assess(data)
    assert before["parameters_used"][0]["value"] == "760"
    change_standard("800", dt.date(2025, 9, 1))
    after = policy.assess(data)
    used = {p["key"]: p for p in after["parameters_used"]}
    assert used["dibao_standard.urban"]["value"] == "800"
    assert used["dibao_standard.urban"]["effective_from"] == "2025-09-01"
    assert "参数调整申请" in used["dibao_standard.urban"]["source"]
    assert after["benefits"][0]["monthly"] == 300  # (800 − 500) × 1
    assert policy.assess_many([data, SIMPLE_INPUT])[0] == after
    # the shipped baseline (the pure rules' default) is unchanged; the date before the change too
    assert rules.assess(data)["benefits"][0]["monthly"] == 260
    assert policy.assess(SIMPLE_INPUT)["benefits"][0]["monthly"] == 260


def test_python_entry_rejects_unknown_regions_through_the_division_tree(store):
    import doudi.policy as policy

    data = copy.deepcopy(SIMPLE_INPUT)
    data["region"] = "222401999000"
    with pytest.raises(AssessmentInputError) as exc:
        policy.assess(data)
    assert exc.value.as_dict()["path"] == "region"


def test_contract_version_2_member_current_is_accepted(api, tmp_path):
    # Before version 2 ``current`` was refused as an unknown field; a TEKUN minor of 17 keeps TEKUN.
    body = copy.deepcopy(SIMPLE_INPUT)
    body["household"]["members"] = [
        {
            "id": "k",
            "birth_date": "2008-03-01",
            "current": ["TEKUN"],
            "has_capable_supporter": False,
            "in_school": True,
        }
    ]
    body["household"]["income_total"] = 0
    response = api(body)
    assert response.status_code == 200, response.content
    result = as_json(response)
    assert result["contract_version"] == 2
    assert result["members"][0]["categories"] == ["TEKUN"]
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(body), "utf-8")
    code, out, _ = _run(str(path))
    assert code == 0 and json.loads(out) == result
