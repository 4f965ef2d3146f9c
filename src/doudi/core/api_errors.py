"""One error shape for the JSON API (and the policy CLI): ``{"error": "中文说明", "path": "a.b[1].c"}``.

Validation errors are 422 with the first problem in ``error``/``path`` and every problem in
``errors``; other refusals carry ``error`` only (401, 403, 404). ``format_loc`` and ``zh_message``
turn a pydantic error into that shape for callers outside the API too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

NOT_FOUND = "记录不存在"
BAD_JSON = "请求体不是有效的 JSON"
PARAM_SOURCES = frozenset({"query", "path", "header", "cookie", "body", "form", "file"})


class ApiInputError(Exception):
    """Input refused by a handler after parsing (e.g. a required either/or pair); answered with 422."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def format_loc(loc: Sequence[Any]) -> str:
    """``("household", "members", 1, "birth_date")`` → ``household.members[1].birth_date``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _choices(ctx: dict) -> str:
    expected = str(ctx.get("expected", ""))
    return expected.replace("'", "").replace(" or ", "、").replace(", ", "、")


def zh_message(err: dict) -> str:
    """A Chinese sentence for one pydantic error dict (``type``, ``msg``, ``ctx``)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # our validators raise ValueError with a Chinese message
    messages = {
        "missing": "缺少必填项",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "decimal_parsing": "应为数字",
        "bool_parsing": "应为 true 或 false",
        "string_type": "应为文本",
        "date_parsing": "日期格式应为 YYYY-MM-DD",
        "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
        "date_type": "日期格式应为 YYYY-MM-DD",
        "json_invalid": "JSON 格式错误",
        "list_type": "应为列表",
        "dict_type": "应为对象",
        "model_type": "应为对象",
        "extra_forbidden": "不允许的字段",
    }
    if kind in messages:
        return messages[kind]
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{'或等于' if kind == 'less_than' else ''} {ctx.get('le', ctx.get('lt'))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{'或等于' if kind == 'greater_than' else ''} {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("enum", "literal_error"):
        return f"取值无效，可选值：{_choices(ctx)}"
    if kind == "string_too_long":
        return f"长度不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return f"长度不能少于 {ctx.get('min_length')} 个字符"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    return f"参数无效（{err.get('msg', kind)}）"


def error_items(errors: Iterable[dict]) -> list[dict]:
    return [{"error": zh_message(e), "path": format_loc(e.get("loc", ()))} for e in errors]


def error_body(errors: Iterable[dict]) -> dict:
    items = error_items(errors)
    first = items[0] if items else {"error": "参数无效", "path": ""}
    return {"error": first["error"], "path": first["path"], "errors": items}


def ninja_loc(model, loc: tuple) -> tuple:
    """A pydantic location inside one ninja parameter model, without the source (query/body…) and,
    for a single body schema, without the parameter's own name — the path a client recognises."""
    loc = tuple(model.__ninja_flatten_map_reverse__.get(loc, loc))
    if model.__ninja_param_source__ == "body" and len(model.model_fields) == 1 and loc:
        loc = loc[1:]
    return loc


class ChineseErrorsAPI(NinjaAPI):
    """NinjaAPI whose validation errors keep client-facing paths (see ``ninja_loc``)."""

    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        errors: list[dict] = []
        for context in error_contexts:
            for e in context.pydantic_validation_error.errors(include_url=False):
                e = dict(e)
                e.pop("input", None)
                e["loc"] = ninja_loc(context.model, tuple(e["loc"]))
                if "ctx" in e:
                    e["ctx"] = {k: str(v) if isinstance(v, Exception) else v for k, v in e["ctx"].items()}
                errors.append(e)
        return ValidationError(errors)


def install(api: NinjaAPI) -> None:
    """Register the handlers producing the shape above."""

    def respond(request: HttpRequest, body: dict, status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, error_body(exc.errors), 422)

    def on_input(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, {"error": exc.message, "path": exc.path}, 422)

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        message = exc.message
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            return respond(request, {"error": BAD_JSON, "path": ""}, 422)  # malformed JSON is bad input too
        if isinstance(exc, AuthenticationError) and message == "Unauthorized":
            from doudi.core.api_auth import UNAUTHENTICATED

            message = UNAUTHENTICATED
        response = respond(request, {"error": message}, exc.status_code)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, {"error": NOT_FOUND}, 404)

    def on_permission(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, {"error": str(exc) or "无权执行此操作"}, 403)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(ApiInputError, on_input)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionError, on_permission)
