"""Charity endpoints. Authenticated, scoped (``/api/v1/charity/…``): staff list and read needs of their region;
a charity browses the needs library of its service area (anonymised fields only), claims, pledges and records
deliveries; the township confirms or returns a delivery. Outside the scope or the service area: 404; a state
that does not allow the step: 409; invalid input: 422. Public (``/api/v1/public/needs…``, no authentication,
``Cache-Control: public``): the open needs and the year's fulfilled needs by county, anonymised."""

from __future__ import annotations

import datetime as dt
import mimetypes
from decimal import Decimal
from typing import Any

from django.core.paginator import EmptyPage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from doudi.charity import claim_actions, queries, rules
from doudi.charity.base import CharityConflict, CharityError, charity_of
from doudi.charity.models import Claim, Delivery, Need
from doudi.core.api_auth import api_auth, auth_user, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.core.http import private

router = Router(tags=["慈善帮扶"])
MAX_AGE = 300


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = None


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PublicNeedOut(Schema):
    number: str = Field(..., description="需求编号（随机，不含任何个人信息）")
    county: str = Field(..., description="县（市、区）")
    category: str
    title: str
    story: str = Field(..., description="经乡镇（街道）审核的公开说明")
    unit: str
    target: Decimal
    claimed: Decimal
    remaining: Decimal
    fulfilled: Decimal
    due_on: dt.date
    state: str
    published_on: dt.date | None


class PublicPageOut(Schema):
    items: list[PublicNeedOut]
    page: int
    pages: int
    total: int


class FulfilledRegionOut(Schema):
    county: str
    needs: int
    money: Decimal = Field(..., description="资金帮扶金额（元）")
    goods_needs: int = Field(..., description="物资帮扶需求数")


class FulfilledOut(Schema):
    year: int
    regions: list[FulfilledRegionOut]
    total_needs: int
    total_money: Decimal


class ClaimIn(Schema):
    amount: Decimal = Field(..., description="认领金额（元）或数量")


class ClaimOut(Schema):
    id: int
    need: str = Field(..., description="需求编号")
    amount: Decimal
    state: str
    state_label: str
    locked_until: dt.date | None = Field(None, description="锁定（认领）或交付（认捐）截止日期")


class DeliveryIn(Schema):
    kind: str = Field(
        ..., description="帮扶形式：" + "、".join(f"{k} {v}" for k, v in rules.DELIVERY_KINDS.items())
    )
    amount: Decimal
    description: str
    delivered_on: dt.date


class StaffNeedOut(Schema):
    id: int
    number: str
    household_key: str
    category: str
    title: str
    state: str
    state_label: str
    unit: str
    target: Decimal
    claimed: Decimal
    fulfilled: Decimal
    due_on: dt.date
    consent: bool


class ReasonIn(Schema):
    reason: str = ""


def _public(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=MAX_AGE)


def _page_number(page: int) -> int:
    if page < 1 or page > 999999:
        raise HttpError(404, "页码不存在")
    return page


# --- public ---------------------------------------------------------------------------------------------


@router.get("/public/needs", response=PublicPageOut, auth=None, summary="慈善帮扶需求（公开、匿名）")
def public_needs(
    request: HttpRequest, response: HttpResponse, county: str = "", category: str = "", page: int = 1
):
    _public(response)
    if category and category not in rules.CATEGORIES:
        raise ApiInputError(
            "类别无效：" + "、".join(f"{k} {v}" for k, v in rules.CATEGORIES.items()), "category"
        )
    if county and not (county.isdigit() and len(county) == 12):
        raise ApiInputError("县（市、区）应为12位区划代码", "county")
    try:
        return queries.page_of(queries.public_open(county=county, category=category), _page_number(page))
    except EmptyPage:
        raise HttpError(404, "页码不存在") from None


@router.get("/public/needs/fulfilled", response=FulfilledOut, auth=None, summary="年度已完成的帮扶（按县）")
def public_fulfilled(request: HttpRequest, response: HttpResponse, year: int | None = None):
    from django.utils import timezone

    _public(response)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ApiInputError("年份无效", "year")
    return queries.fulfilled_by_region(year)


# --- authenticated --------------------------------------------------------------------------------------


@router.get("/charity/needs", response={200: list[PublicNeedOut] | list[StaffNeedOut], **ERRORS},
            auth=api_auth(), summary="帮扶需求：工作人员为本辖区需求，慈善组织为服务区域内发布中的需求（匿名）")  # fmt: skip
def needs(request: HttpRequest, county: str = "", category: str = "", min_amount: Decimal | None = None,
          max_amount: Decimal | None = None, due_before: dt.date | None = None, page: int = 1, show: str = "live"):  # fmt: skip
    user = auth_user(request)
    if user.can("charity.claim"):
        charity = charity_of(user)
        if charity is None:
            return Status(403, {"error": "账号未关联有效的慈善组织"})
        qs = queries.library(charity, county=county, category=category, min_amount=min_amount,
                             max_amount=max_amount, due_before=due_before)  # fmt: skip
        try:
            return queries.page_of(qs, _page_number(page))["items"]
        except EmptyPage:
            return Status(404, {"error": "页码不存在"})
    require_capability(request, "charity.read")
    qs = queries.staff_needs(show if show in queries.STAFF_FILTERS else "live", category=category)
    start = (_page_number(page) - 1) * queries.PAGE_SIZE
    return [_staff(n) for n in qs[start : start + queries.PAGE_SIZE]]


def _staff(n: Need) -> dict:
    return {"id": n.pk, "number": n.public_number, "household_key": n.household.household_key,
            "category": n.category_label, "title": n.title, "state": n.state, "state_label": n.state_label,
            "unit": n.unit, "target": n.target, "claimed": n.claimed, "fulfilled": n.fulfilled, "due_on": n.due_on,
            "consent": n.has_consent}  # fmt: skip


def _charity_or_403(request):
    user = require_capability(request, "charity.claim")
    charity = charity_of(user)
    if charity is None:
        raise HttpError(403, "账号未关联有效的慈善组织")
    return user, charity


def _claim_out(c: Claim) -> dict:
    return {"id": c.pk, "need": c.need.public_number, "amount": c.amount, "state": c.state,
            "state_label": c.state_label, "locked_until": c.locked_until}  # fmt: skip


@router.post("/charity/needs/{number}/claims", response={201: ClaimOut, **ERRORS}, auth=api_auth(),
             summary="认领帮扶需求（全部或部分）")  # fmt: skip
def claim_need(request: HttpRequest, number: str, data: ClaimIn):
    user, charity = _charity_or_403(request)
    try:
        n = queries.charity_need(charity, number)
        c = claim_actions.claim(actor=user, need=n, amount=data.amount)
    except Need.DoesNotExist:
        return Status(404, {"error": "帮扶需求不存在，或不在本组织服务区域内"})
    except CharityConflict as exc:
        return Status(409, {"error": str(exc)})
    except CharityError as exc:
        raise ApiInputError(str(exc), exc.path or "amount") from None
    return Status(201, _claim_out(c))


@router.get(
    "/charity/claims", response={200: list[ClaimOut], **ERRORS}, auth=api_auth(), summary="本组织的认领"
)
def my_claims(request: HttpRequest, show: str = "open"):
    _, charity = _charity_or_403(request)
    return [_claim_out(c) for c in queries.my_claims(charity, "all" if show == "all" else "open")[:500]]


def _my_claim(charity, pk: int) -> Claim:
    try:
        return queries.my_claim(charity, pk)
    except Claim.DoesNotExist:
        raise HttpError(404, "认领记录不存在") from None


@router.post(
    "/charity/claims/{pk}/pledge", response={200: ClaimOut, **ERRORS}, auth=api_auth(), summary="认捐"
)
def pledge(request: HttpRequest, pk: int):
    user, charity = _charity_or_403(request)
    try:
        return _claim_out(claim_actions.pledge(actor=user, claim=_my_claim(charity, pk)))
    except CharityConflict as exc:
        return Status(409, {"error": str(exc)})


@router.post("/charity/claims/{pk}/deliveries", response={201: dict, **ERRORS}, auth=api_auth(),
             summary="登记交付（凭证文件随后上传到 /charity/deliveries/{id}/evidence）")  # fmt: skip
def deliver(request: HttpRequest, pk: int, data: DeliveryIn):
    user, charity = _charity_or_403(request)
    try:
        d = claim_actions.record_delivery(actor=user, claim=_my_claim(charity, pk), kind=data.kind,
                                          amount=data.amount, description=data.description,
                                          delivered_on=data.delivered_on)  # fmt: skip
    except CharityConflict as exc:
        return Status(409, {"error": str(exc)})
    except CharityError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    return Status(201, {"id": d.pk, "state": d.state, "state_label": d.state_label})


class EvidenceOut(Schema):
    id: int
    evidence_name: str = Field(..., description="上传时的文件名")
    state: str
    state_label: str


# registered before ``/charity/deliveries/{pk}/{step}`` so that ``evidence`` is not taken for a step
@router.post("/charity/deliveries/{pk}/evidence", response={200: EvidenceOut, **ERRORS}, auth=api_auth(),
             summary="上传交付凭证（multipart 字段 file；JPG、PNG、WebP 或 PDF，5 MB以内；待确认的交付可替换）")  # fmt: skip
def upload_evidence(request: HttpRequest, pk: int, file: File[UploadedFile]):
    user, charity = _charity_or_403(request)
    try:
        d = claim_actions.attach_evidence(
            actor=user, delivery=queries.my_delivery(charity, pk), evidence=file
        )
    except Delivery.DoesNotExist:
        return Status(404, {"error": "交付记录不存在"})
    except CharityConflict as exc:
        return Status(409, {"error": str(exc)})
    except CharityError as exc:
        raise ApiInputError(str(exc), "file") from None
    return {"id": d.pk, "evidence_name": d.evidence_name, "state": d.state, "state_label": d.state_label}


@router.get("/charity/deliveries/{pk}/evidence", response={404: ErrorOut}, auth=api_auth(),
            summary="交付凭证文件（本辖区工作人员或登记该交付的慈善组织）")  # fmt: skip
def evidence_file(request: HttpRequest, pk: int):
    user = auth_user(request)
    d = queries.evidence_for(user, pk, charity_of(user))
    if d is None or not d.evidence:
        return Status(404, {"error": "文件不存在"})
    content_type = mimetypes.guess_type(d.evidence.name or "")[0] or "application/octet-stream"
    response = FileResponse(d.evidence.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return private(response, htmx=False)


@router.post("/charity/deliveries/{pk}/{step}", response={200: dict, **ERRORS}, auth=api_auth("charity.confirm"),
             summary="乡镇（街道）确认收到（confirm）或退回（reject）")  # fmt: skip
def delivery_step(request: HttpRequest, pk: int, step: str, data: Query[ReasonIn]):
    user = auth_user(request)
    try:
        d = queries.get_delivery(pk)
        if step == "confirm":
            d = claim_actions.confirm_delivery(actor=user, delivery=d)
        elif step == "reject":
            d = claim_actions.reject_delivery(actor=user, delivery=d, reason=data.reason)
        else:
            return Status(404, {"error": "未知的办理事项"})
    except Delivery.DoesNotExist:
        return Status(404, {"error": "交付记录不存在"})
    except CharityConflict as exc:
        return Status(409, {"error": str(exc)})
    except CharityError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    except PermissionError as exc:
        return Status(403, {"error": str(exc)})
    return {"id": d.pk, "state": d.state, "state_label": d.state_label}
