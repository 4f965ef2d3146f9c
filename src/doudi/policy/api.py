"""``POST /api/v1/assessments``: the assessment contract over HTTP (``contracts/assessment.md``).

The body is read as raw JSON and handed to the same parser as the CLI and ``doudi.policy.assess``, so
the error shape is the contract's ``{"error", "path"}`` (422) and not a schema validator's; the schema
is documented in OpenAPI by hand. Any authenticated user (token or session) may call it: it reads only
the parameter store and the division tree, and writes nothing.
"""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja import Router

from doudi.core.api_auth import api_auth
from doudi.core.api_errors import BAD_JSON, ApiInputError
from doudi.policy.rules import AssessmentInputError
from doudi.policy.service import assess_contract

router = Router(tags=["认定测算"], auth=api_auth())

_MEMBER = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "description": "成员编号（户内唯一）"},
        "id_number": {"type": "string", "description": "身份证号（可选；提供时校验）"},
        "name": {"type": "string"},
        "birth_date": {"type": "string", "format": "date", "description": "无有效身份证号时必填"},
        "relation": {
            "type": "string",
            "enum": ["head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other"],
        },
        "disability": {
            "type": ["object", "null"],
            "properties": {
                "kind": {
                    "type": "string",
                    "enum": ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"],
                },
                "grade": {"type": "integer", "minimum": 1, "maximum": 4},
            },
        },
        "serious_illness": {"type": "boolean", "default": False},
        "employed": {"type": "boolean", "default": False},
        "in_school": {"type": "boolean", "default": False},
        "adl_failed": {"type": "integer", "minimum": 0, "maximum": 6, "default": 0},
        "own_income_monthly": {"type": "number", "minimum": 0, "default": 0},
        "own_assets_ok": {"type": "boolean", "default": True},
        "has_capable_supporter": {"type": "boolean", "default": True},
        "current": {
            "type": "array",
            "items": {"type": "string", "enum": ["DIBAO", "TEKUN", "FPJC", "MARGINAL", "RIGID", "OTHER"]},
            "description": "契约第2版：成员当前已认定的类别（已认定特困的未成年人年满16周岁后继续按特困认定，R-T4）",
        },
    },
    "additionalProperties": False,
}
_MONEY = {"type": "number", "minimum": 0}
REQUEST_SCHEMA = {
    "type": "object",
    "required": ["as_of", "region", "area_type", "household"],
    "properties": {
        "as_of": {"type": "string", "format": "date", "description": "认定日期"},
        "region": {"type": "string", "description": "6位县级或12位区划代码"},
        "area_type": {"type": "string", "enum": ["urban", "rural"]},
        "parameters": {
            "type": "object",
            "description": "仅本次测算使用的参数覆盖（扁平键，如 dibao_standard）；未知键视为输入错误",
        },
        "household": {
            "type": "object",
            "required": ["income_total", "members"],
            "properties": {
                "income_total": _MONEY,
                "income_months": {"type": "integer", "minimum": 1, "default": 12},
                "rigid_expenditure_12m": {
                    "type": "object",
                    "properties": {k: _MONEY for k in ("medical", "education", "housing", "care")},
                },
                "assets": {
                    "type": "object",
                    "properties": {
                        "financial": _MONEY,
                        "vehicles": {"type": "integer", "minimum": 0},
                        "dwellings": {"type": "integer", "minimum": 0},
                        "business": {"type": "boolean"},
                        "nonresidential_property": {"type": "boolean"},
                        "floor_area": {
                            **_MONEY,
                            "description": "全部住房建筑面积（平方米）；住房超过规定套数时按人均面积判断（R-A1）",
                        },
                    },
                },
                "existing": {"type": "array", "items": {"type": "string", "enum": ["FPJC", "OTHER"]}},
                "members": {"type": "array", "minItems": 1, "items": _MEMBER},
            },
        },
    },
    "additionalProperties": False,
}
EXAMPLE = {
    "as_of": "2025-08-01",
    "region": "222401",
    "area_type": "urban",
    "household": {
        "income_total": 6000,
        "income_months": 12,
        "members": [
            {
                "id": "m1",
                "birth_date": "1950-01-01",
                "relation": "head",
                "disability": {"kind": "physical", "grade": 2},
            }
        ],
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "path": {"type": "string"}},
    "required": ["error"],
}
OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": REQUEST_SCHEMA, "example": EXAMPLE}},
    },
    "responses": {
        200: {
            "description": "认定结果（household_category、members、benefits、monthly_total、criteria、"
            "parameters_used、explanation_zh，见认定接口约定）",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        422: {
            "description": "输入无效：error 为中文说明，path 指出出错的字段",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
    },
}


@router.post(
    "/assessments",
    summary="分层分类认定与待遇测算",
    description="按认定接口约定提交一户家庭的情况，返回类别、待遇明细、逐条认定依据和说明。不保存任何数据。",
    openapi_extra=OPENAPI,
)
def create_assessment(request: HttpRequest):
    try:
        data = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiInputError(BAD_JSON, "") from None
    try:
        return assess_contract(data)
    except AssessmentInputError as exc:
        raise ApiInputError(exc.message, exc.path) from None
