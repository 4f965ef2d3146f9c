"""Spot-check endpoints of ``/api/v1/spotchecks`` (seed §18). Scoped: a round or item outside the caller's region
subtree is 404; a step the item's state does not allow, or invalid input, 422; a caller who may not act 403 —
``{"error": 中文, "path": field}``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.core.api_auth import api_auth, auth_user, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.spotchecks import actions, queries, rules
from doudi.spotchecks.actions import SpotCheckError
from doudi.spotchecks.models import Item, Round

router = Router(tags=["抽查核查"], auth=api_auth("spotchecks.read"))
NOT_FOUND = {"error": "抽查不存在，或不在您的管辖范围内", "path": None}


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FindingIn(Schema):
    result: str = Field(
        ..., description="核查结论：" + "、".join(f"{k} {v}" for k, v in rules.RESULTS.items())
    )
    category: str = Field(
        "", description="问题类别：" + "、".join(f"{k} {v}" for k, v in rules.CATEGORIES.items())
    )
    note: str = ""


def round_out(r: Round, counts: dict) -> dict:
    return {
        "id": r.pk, "region_code": r.region_code, "level": r.level, "level_label": r.level_label,
        "year": r.year, "quarter": r.quarter, "period_label": r.period_label, "kinds": r.kinds,
        "shares": r.shares, "min_count": r.min_count, "seed": r.seed, "population": r.population,
        "drawn_on": r.drawn_on, "drawn_by": r.drawn_by_label, "state": r.state, "state_label": r.state_label,
        "items": counts.get("total", 0), "open": counts.get("open", 0), "overdue": counts.get("overdue", 0),
    }  # fmt: skip


def item_out(i: Item) -> dict:
    dl = queries.deadline(i)
    return {
        "id": i.pk, "round_id": i.round_id, "kind": i.kind, "kind_label": i.kind_label,
        "subject_id": i.subject_id, "subject_ref": i.subject_ref, "region_code": i.region_code,
        "assigned_to": i.assigned_to_id, "due": i.due, "state": i.state, "state_label": i.state_label,
        "result": i.result, "result_label": i.result_label, "category": i.category,
        "category_label": i.category_label, "note": i.note, "checked_on": i.checked_on,
        "correction_due": i.correction_due, "correction": i.correction, "corrected_on": i.corrected_on,
        "deadline": {"label": dl["label"], "due": dl["due"], "overdue": dl["overdue"]},
    }  # fmt: skip


@router.get("/spotchecks", response=dict, summary="抽查批次列表")
def list_rounds(request: HttpRequest, limit: int = 50, offset: int = 0):
    qs = queries.rounds(auth_user(request))
    page = list(qs[max(offset, 0) : max(offset, 0) + min(max(limit, 1), 200)])
    counts = queries.round_counts([r.pk for r in page])
    return {"count": qs.count(), "results": [round_out(r, counts.get(r.pk, {})) for r in page]}


@router.get("/spotchecks/{round_id}/items", response={200: dict, 404: ErrorOut}, summary="抽查事项（含期限）")
def list_items(request: HttpRequest, round_id: int):
    try:
        rnd = queries.get_round(auth_user(request), round_id)
    except Round.DoesNotExist:
        return Status(404, NOT_FOUND)
    summary = queries.summary(auth_user(request), round_pk=rnd.pk)[0]
    return {"round": round_out(rnd, queries.round_counts([rnd.pk]).get(rnd.pk, {})), "summary": summary,
            "results": [item_out(i) for i in queries.items(rnd)]}  # fmt: skip


@router.post("/spotchecks/items/{item_id}/finding", response={200: dict, **ERRORS}, summary="登记核查结论")
def finding(request: HttpRequest, item_id: int, body: FindingIn):
    user = require_capability(request, "spotchecks.write")
    try:
        item = queries.get_item(user, item_id)
    except (Item.DoesNotExist, Round.DoesNotExist):
        return Status(404, NOT_FOUND)
    try:
        item = actions.record_finding(actor=user, item=item, result=body.result, category=body.category,
                                      note=body.note)  # fmt: skip
    except PermissionError as exc:
        return Status(403, {"error": str(exc), "path": None})
    except SpotCheckError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    return item_out(item)
