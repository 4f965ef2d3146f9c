"""Payments endpoints of ``/api/v1`` (CASEWORK §7): rosters, their lines and steps, accounts, and a
household's payments (R-PAY11). Scoped: outside the caller's subtree is 404; a step the roster's state
does not allow, or a stale ``version``, is 409; invalid input 422 — ``{"error": 中文, "path": field}``.
Reads of a household's payments and of a roster's lines are audited (PAYMENTS_READ)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.casework import queries as casework_queries
from doudi.core.api_auth import CAPABILITY_LABELS, api_auth, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.payments import queries, read_actions, roster_actions, serialize
from doudi.payments.base import PaymentsConflict, PaymentsError
from doudi.registry.queries import get_household

CAPABILITY_LABELS.setdefault("payments.read", "查看救助金发放")
CAPABILITY_LABELS.setdefault("payments.write", "办理救助金发放")
CAPABILITY_LABELS.setdefault("payments.approve", "审批救助金发放")
router = Router(tags=["救助金发放"], auth=api_auth("payments.read"))


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RosterEventIn(Schema):
    event: Literal["lock", "unlock", "approve", "release", "send", "reconcile", "close"] = Field(
        ...,
        description="lock 锁定（乡镇核对，重新核查资格）；unlock 解锁退回草稿（须 reason）；approve 审批（县级，"
        "锁定人不能审批）；release 拨付；send 报送银行（须 external_ref 和银行文件 checksum）；reconcile 对账；"
        "close 关闭",
    )
    version: int | None = Field(None, description="读取时的版本号；与当前不一致时返回 409")
    reason: str | None = Field(None, description="unlock：解锁原因")
    external_ref: str | None = Field(None, description="send：银行或一卡通平台的批次号")
    checksum: str | None = Field(None, description="send：银行发放文件的校验值（SM3）")


def _user(request: HttpRequest, capability: str = "payments.read"):
    return require_capability(request, capability)


@router.get(
    "/rosters",
    response=dict,
    summary="发放花名册列表",
    description="本辖区的花名册（乡镇可见所属县的花名册），可按 state、month（YYYY-MM）筛选。",
)
def list_rosters(request: HttpRequest, state: str = "", month: str = "", limit: int = 50, offset: int = 0):
    qs = queries.rosters().order_by("-month", "region_code", "programme", "kind", "seq")
    if state:
        qs = qs.filter(state=state)
    if month:
        from doudi.payments.base import parse_month

        try:
            qs = qs.filter(month=parse_month(month))
        except PaymentsError as exc:
            raise ApiInputError(str(exc), "month") from None
    limit = max(1, min(limit, 500))
    return {"count": qs.count(), "items": [serialize.roster(r) for r in qs[offset : offset + limit]]}


@router.get(
    "/rosters/{roster_id}",
    response={200: dict, 404: ErrorOut},
    summary="花名册详情（状态、合计、流转记录）",
)
def get_roster(request: HttpRequest, roster_id: int):
    return serialize.roster_detail(queries.get_roster(roster_id))


@router.get(
    "/rosters/{roster_id}/lines",
    response={200: dict, 404: ErrorOut},
    summary="花名册明细（本辖区家庭）",
    description="明细：月份、类型（base 基本、topup 分类施保、care 护理、single 单人保、arrears 补发、recovery 追回、"
    "oneoff 一次性）、规则、金额、状态及原因、账户（脱敏）、到账日期。可按 status 筛选。记入审计日志。",
)
def roster_lines(request: HttpRequest, roster_id: int, status: str = "", limit: int = 200, offset: int = 0):
    user = _user(request)
    r = queries.get_roster(roster_id)
    qs = queries.roster_lines(r, status)
    limit = max(1, min(limit, 1000))
    read_actions.audit_read(actor=user, region_code=r.region_code, subject_type="roster", subject_id=r.pk)
    return {"count": qs.count(), "items": [serialize.line(x) for x in qs[offset : offset + limit]]}


@router.post(
    "/rosters/{roster_id}/events",
    response={200: dict, **ERRORS},
    summary="花名册流转（锁定、解锁、审批、拨付、报送、对账、关闭）",
)
def roster_event(request: HttpRequest, roster_id: int, body: RosterEventIn):
    user = _user(request, "payments.write" if body.event in ("lock", "unlock") else "payments.approve")
    r = queries.get_roster(roster_id)
    kw: dict[str, Any] = {"actor": user, "roster": r, "expected_version": body.version}
    try:
        if body.event == "unlock":
            r = roster_actions.unlock(reason=body.reason or "", **kw)
        elif body.event == "send":
            r = roster_actions.send(external_ref=body.external_ref or "", checksum=body.checksum or "", **kw)
        else:
            r = roster_actions.STEPS[body.event](**kw)
    except PaymentsConflict as exc:
        return Status(409, {"error": str(exc), "path": exc.path or "event"})
    except PaymentsError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    return Status(200, serialize.roster_detail(r))


@router.get(
    "/households/{household_id}/accounts",
    response={200: list[dict], 404: ErrorOut},
    summary="家庭的收款账户（脱敏）",
)
def household_accounts(request: HttpRequest, household_id: int):
    household = get_household(household_id)
    return [serialize.account(a) for a in queries.household_accounts(household.pk)]


@router.get(
    "/households/{household_id}/payments",
    response={200: dict, 404: ErrorOut},
    summary="救助金查询：家庭每月发放明细（R-PAY11）",
    description="months：每月金额及明细（类型、规则、金额）、状态（paid 已到账、due 待发放、held 暂缓、failed 失败、"
    "returned 已退回、dropped 已剔除）和到账日期；arrears：补发（所补月份、规则、原因）；recovery：追回（原因、"
    "月份、金额、已追回）；accounts：收款账户（脱敏）；next_review：下次复核日期。记入审计日志；辖区外的家庭返回404。",
)
def household_payments(request: HttpRequest, household_id: int):
    user = _user(request)
    household = get_household(household_id)
    reviews = [c.next_review for c in casework_queries.household_cases(household.pk) if c.next_review]
    read_actions.audit_read(
        actor=user, region_code=household.region_code, subject_type="household", subject_id=household.pk
    )
    return serialize.household_payments(household.pk, min(reviews) if reviews else None)


# Recovery (追回, R-PAY8) and one-off payments (一次性发放, R-PAY9). The actions audit every write.


class ClaimIn(Schema):
    case_id: int = Field(..., description="救助案件编号")
    cause: Literal["false_statement", "late_report", "after_death", "staff_error"] = Field(
        ...,
        description="false_statement 虚报冒领；late_report 未及时报告变化；after_death 死亡后发放；staff_error 工作失误",
    )
    months: list[str] = Field(..., description="多发的月份（YYYY-MM）")
    amount: int = Field(..., description="追回金额（元）")
    mode: Literal["offset", "repay", "write_off"] = Field(
        "offset", description="offset 抵扣；repay 退回；write_off 核销"
    )
    note: str = ""


class DecideIn(Schema):
    approve: bool
    note: str = Field(..., description="决定意见")


class RepaymentIn(Schema):
    amount: int
    on: str | None = Field(None, description="退回日期（YYYY-MM-DD）")
    note: str = ""


class OneOffIn(Schema):
    title: str
    rule: str = Field(..., description="依据的文件或规则编号")
    month: str = Field(..., description="发放月份（YYYY-MM）")
    programme: Literal["DIBAO", "TEKUN", "TEMP"]
    amount: int
    per_person: bool = False
    tiers: list[str] = Field(..., description="DIBAO 低保、TEKUN 特困")
    area_type: Literal["", "urban", "rural"] = ""
    region_prefix: str = Field("", description="发放范围（本级辖区内的区划代码前缀）；空为本级全辖区")


def _oneoff(d) -> dict:
    return {
        "id": d.pk,
        "title": d.title,
        "rule": d.rule,
        "month": d.month.strftime("%Y-%m"),
        "programme": d.programme,
        "amount": d.amount,
        "per_person": d.per_person,
        "selection": d.selection,
        "state": d.state,
        "state_label": d.get_state_display(),
        "proposed_by": d.proposed_by_id,
        "approved_by": d.approved_by_id,
        "selected_cases": queries.oneoff_preview(d),
    }


def _claim(c) -> dict:
    return {
        **serialize.claim(c),
        "household_id": c.household_id,
        "region_code": c.region_code,
        "proposed_by": c.proposed_by_id,
        "approved_by": c.approved_by_id,
        "created_on": c.created_on.isoformat(),
    }


def _run(fn, **kw):
    try:
        return fn(**kw)
    except PaymentsConflict as exc:
        return Status(409, {"error": str(exc), "path": exc.path or "state"})
    except PaymentsError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None


@router.get("/payments/recovery", response=dict, summary="追回列表（本辖区）")
def list_claims(request: HttpRequest, state: str = "", limit: int = 100, offset: int = 0):
    qs = queries.claims(state)
    limit = max(1, min(limit, 500))
    return {"count": qs.count(), "items": [_claim(c) for c in qs[offset : offset + limit]]}


@router.post("/payments/recovery", response={201: dict, **ERRORS}, summary="登记追回（乡镇或县级）")
def create_claim(request: HttpRequest, body: ClaimIn):
    from doudi.payments import recovery_actions

    user = _user(request, "payments.write")
    case = queries.get_case(body.case_id)
    out = _run(
        recovery_actions.propose,
        actor=user,
        case=case,
        cause=body.cause,
        months=body.months,
        amount=body.amount,
        mode=body.mode,
        note=body.note,
    )
    return out if isinstance(out, Status) else Status(201, _claim(out))


@router.post(
    "/payments/recovery/{claim_id}/decide",
    response={200: dict, **ERRORS},
    summary="县级决定追回（工作失误、核销；登记人不能决定）",
)
def decide_claim(request: HttpRequest, claim_id: int, body: DecideIn):
    from doudi.payments import recovery_actions

    user = _user(request, "payments.approve")
    claim = queries.get_claim(claim_id)
    out = _run(recovery_actions.decide, actor=user, claim=claim, approve=body.approve, note=body.note)
    return out if isinstance(out, Status) else Status(200, _claim(out))


@router.post("/payments/recovery/{claim_id}/repayments", response={200: dict, **ERRORS}, summary="登记退回")
def repay_claim(request: HttpRequest, claim_id: int, body: RepaymentIn):
    import datetime as dt

    from doudi.payments import recovery_actions

    user = _user(request, "payments.write")
    claim = queries.get_claim(claim_id)
    try:
        on = dt.date.fromisoformat(body.on) if body.on else None
    except ValueError:
        raise ApiInputError("日期格式应为 YYYY-MM-DD", "on") from None
    out = _run(
        recovery_actions.record_repayment, actor=user, claim=claim, amount=body.amount, on=on, note=body.note
    )
    return out if isinstance(out, Status) else Status(200, _claim(out))


@router.get("/payments/oneoff", response=dict, summary="一次性发放决定列表（本辖区）")
def list_oneoffs(request: HttpRequest, limit: int = 100, offset: int = 0):
    qs = queries.oneoffs()
    limit = max(1, min(limit, 500))
    return {"count": qs.count(), "items": [_oneoff(d) for d in qs[offset : offset + limit]]}


@router.post(
    "/payments/oneoff",
    response={201: dict, **ERRORS},
    summary="提出一次性发放决定（县级以上；按条件选择，不逐户录入）",
)
def create_oneoff(request: HttpRequest, body: OneOffIn):
    from doudi.payments import oneoff_actions
    from doudi.payments.base import parse_month

    user = _user(request, "payments.approve")
    try:
        month = parse_month(body.month)
    except PaymentsError as exc:
        raise ApiInputError(str(exc), "month") from None
    out = _run(
        oneoff_actions.propose,
        actor=user,
        title=body.title,
        rule=body.rule,
        month=month,
        programme=body.programme,
        amount=body.amount,
        per_person=body.per_person,
        selection={"tiers": body.tiers, "area_type": body.area_type, "region_prefix": body.region_prefix},
    )
    return out if isinstance(out, Status) else Status(201, _oneoff(out))


@router.post(
    "/payments/oneoff/{decision_id}/approve",
    response={200: dict, **ERRORS},
    summary="审批一次性发放决定（提出人以外的另一人）",
)
def approve_oneoff(request: HttpRequest, decision_id: int):
    from doudi.payments import oneoff_actions

    user = _user(request, "payments.approve")
    d = queries.get_oneoff(decision_id)
    out = _run(oneoff_actions.approve, actor=user, decision=d)
    return out if isinstance(out, Status) else Status(200, _oneoff(out))


@router.post(
    "/payments/oneoff/{decision_id}/apply",
    response={200: dict, **ERRORS},
    summary="生成一次性发放明细（写入当月草稿花名册；重复执行只补充新增案件）",
)
def apply_oneoff(request: HttpRequest, decision_id: int):
    from doudi.payments import oneoff_actions

    user = _user(request, "payments.approve")
    d = queries.get_oneoff(decision_id)
    out = _run(oneoff_actions.apply, actor=user, decision=d)
    if isinstance(out, Status):
        return out
    d.refresh_from_db()
    return Status(200, {**_oneoff(d), "lines": out})
