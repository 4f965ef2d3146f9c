"""The shared error shape ``{"error": "中文说明", "path": "a.b[1].c"}`` (also used by the policy API)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.testing import TestClient

from doudi.core import api_errors
from doudi.core.api_errors import error_body, format_loc, zh_message


def test_format_loc():
    assert format_loc(("household", "members", 1, "birth_date")) == "household.members[1].birth_date"
    assert format_loc(("as_of",)) == "as_of"
    assert format_loc((0, "x")) == "[0].x"
    assert format_loc(()) == ""


def test_zh_messages():
    assert zh_message({"type": "missing"}) == "缺少必填项"
    assert zh_message({"type": "less_than_equal", "ctx": {"le": 200}}) == "不能大于 200"
    assert (
        zh_message({"type": "enum", "ctx": {"expected": "'urban' or 'rural'"}})
        == "取值无效，可选值：urban、rural"
    )
    assert zh_message({"type": "value_error", "ctx": {"error": "日期不对"}}) == "日期不对"
    assert zh_message({"type": "something_new", "msg": "odd"}).startswith("参数无效")
    assert error_body([]) == {"error": "参数无效", "path": "", "errors": []}


class MemberIn(Schema):
    name: str
    birth_date: dt.date


class HouseholdIn(Schema):
    members: list[MemberIn]


class AssessmentIn(Schema):
    as_of: dt.date
    household: HouseholdIn


def _client() -> TestClient:
    api = api_errors.ChineseErrorsAPI(urls_namespace="errors-test")
    api_errors.install(api)
    router = Router()

    @router.post("/assess")
    def assess(request, payload: AssessmentIn):
        return {"ok": True}

    api.add_router("/", router)
    return TestClient(api)


def test_body_errors_have_paths_without_the_parameter_name():
    body = {
        "as_of": "2025-08-01",
        "household": {
            "members": [{"name": "a", "birth_date": "1950-01-01"}, {"name": "b", "birth_date": "bad"}]
        },
    }
    response = _client().post("/assess", json=body)
    assert response.status_code == 422
    data = response.json()
    assert data["path"] == "household.members[1].birth_date"
    assert data["error"] == "日期格式应为 YYYY-MM-DD"


def test_missing_body_field_and_bad_json():
    client = _client()
    data = client.post("/assess", json={"as_of": "2025-08-01"}).json()
    assert data == {
        "error": "缺少必填项",
        "path": "household",
        "errors": [{"error": "缺少必填项", "path": "household"}],
    }
    bad = client.post("/assess", data="{not json", content_type="application/json")
    assert bad.status_code == 422
    assert bad.json() == {"error": "请求体不是有效的 JSON", "path": ""}
