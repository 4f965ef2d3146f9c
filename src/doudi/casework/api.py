"""Casework endpoints of ``/api/v1`` (contracts/casework.md): applications, their events (with a past
``on`` date for paper files), authorizations and the commitment, cases. Scoped: outside the caller's
subtree is 404; an event the state does not allow, or a stale ``version``, is 409; invalid input is
422 — both ``{"error": 中文, "path": field}``. Every write is audited by the action it calls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from doudi.casework import dispatch, household_data, intake_actions, queries, serialize
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.models import Application
from doudi.core.api_auth import CAPABILITY_LABELS, api_auth, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.registry.queries import get_household
from doudi.registry.window_actions import HouseholdInputError

CAPABILITY_LABELS.setdefault("casework.read", "查看救助申请")
CAPABILITY_LABELS.setdefault("casework.write", "办理救助申请")
router = Router(tags=["救助申请与审核确认"], auth=api_auth("casework.read"))


class ErrorOut(Schema):
    error: str = Field(..., description="中文说明")
    path: str | None = Field(None, description="出错的字段")


ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ConsentIn(Schema):
    given_by: str = Field(..., description="表示同意并签署授权的家庭成员姓名")
    given_on: dt.date | None = Field(None, description="同意的日期")
    method: str = Field("paper", description="paper 纸质签字；electronic 远程电子授权")


class ApplicationIn(Schema):
    household_id: int | None = Field(None, description="已登记家庭的编号（与 household 二选一）")
    household: dict[str, Any] | None = Field(
        None,
        description="新登记家庭（与 household_id 二选一）：region_code、area_type（urban 城市/rural 农村）、"
        "address、members（成员字段同名册接口：name、id_number、relation、sex、birth_date、phone）。"
        "出错时 path 指明成员行，如 household.members[1].id_number",
    )
    channel: Literal["window", "online", "warning", "report", "proactive"] = Field(
        ...,
        description="申请渠道：window 窗口；online 网上；warning 预警转申请；report 报告转申请；"
        "proactive 主动发现。后三者须有 consent（R-W19c）",
    )
    warning_id: int | None = Field(None, description="由预警转申请时的预警编号")
    consent: ConsentIn | None = Field(None, description="由预警、报告或主动发现转申请时家庭的同意（R-W19c）")
    on: dt.date | None = Field(None, description="收到申请的日期，默认今天，不能晚于今天")
    tiers: list[Literal["DIBAO", "TEKUN", "MARGINAL", "RIGID"]] = Field(
        default_factory=list, description="申请的类别，空表示各类（一次申请覆盖各类救助）"
    )
    proxy: str = Field("", max_length=200, description="代为申请的村（居）委会或他人（须委托手续）")
    near_relative: bool = Field(False, description="近亲属备案（R-W4）：确认前须县级入户调查（R-W23）")


EVENTS_DOC = """\
办理申请的一个环节。请求体：`{"event": 事项, "on": "YYYY-MM-DD", "version": 版本号, ...该事项的字段}`。

`on` 是该环节实际发生的日期（纸质材料补录时填写过去的日期），默认今天；不能晚于今天，不能早于上一环节。
`version` 为读取申请时的版本号，可选；与当前版本不一致时返回 409（path 为 version）。
当前状态不允许该事项时返回 409（path 为 event）；字段无效时返回 422（path 为出错字段）；
无权办理该环节（如未经授权的乡镇审核确认，市、省级只读）返回 403；辖区外的申请返回 404。

| event | 字段 | 允许的状态 |
|---|---|---|
| `accept` 受理 | —（须授权书、承诺书齐全） | submitted |
| `return` 一次性告知补正 | `missing`：补正材料列表 | submitted |
| `resubmit` 补正后重新提交 | — | returned |
| `withdraw` 撤回 | `reason` | confirmed 之前的任何状态 |
| `record_verification` 登记核对结果 | `result`：pass 或 fail；可选 `items`（核对明细）、`reasons` | accepted、verifying、investigating、rechecking |
| `run_verification` 系统核对 | — | accepted、verifying、investigating、rechecking |
| `request_recheck` 申请复查 | `evidence` | verified_fail |
| `record_investigation` 登记入户调查 | `investigators`：不少于2人；`findings`；可选 `level`（township/county/cross_region）、`method`（home/video/phone）、`members_present`、`living_conditions`、`income_answers`、`housing_rating`（poor/fair/good）、`labour_capacity`（{成员编号: full/partial/none}）、`adl`（{成员编号: [未能自理的项目]}）、`members_signed`、`refusal_to_sign` | accepted、verifying、verified_pass、investigating |
| `propose` 提出初审意见 | 可选 `note`（综合评分与收入核算不一致时必填，R-W23a） | assessed |
| `start_notice` 开始公示 | —（R-PUB3 免于公示的直接进入 awaiting_confirmation） | prelim_opinion |
| `object` 登记公示异议 | `text` | in_notice |
| `end_notice` 公示期满 | —（公示期未满返回 409） | in_notice |
| `reinvestigate` 异议重新调查 | 可选 `note` | notice_objected |
| `start_appraisal` 组织民主评议 | — | notice_objected |
| `record_appraisal` 登记民主评议 | `minutes`、`participants`（不少于3人）、`result` | appraisal |
| `confirm` 审核确认 | — | awaiting_confirmation |
| `refuse` 不予确认 | `reasons`：理由列表；可选 `urgent`（有急难情形转临时救助） | verified_fail、prelim_opinion、awaiting_confirmation |
| `return_to_township` 退回乡镇 | `reasons` | awaiting_confirmation |

返回办理后的申请（同“救助申请详情”）。
"""


class EventIn(Schema):
    """Every event's fields (see the description of the endpoint); those an event does not use are
    ignored."""

    event: str = Field(
        ...,
        description="办理事项：accept、return、resubmit、withdraw、record_verification、run_verification、"
        "request_recheck、record_investigation、propose、start_notice、object、end_notice、reinvestigate、"
        "start_appraisal、record_appraisal、confirm、refuse、return_to_township",
    )
    on: dt.date | None = Field(None, description="该环节发生的日期（纸质材料补录时填写），默认今天")
    version: int | None = Field(None, description="读取时的版本号；与当前不一致时返回 409")
    missing: list[str] | None = Field(None, description="return：补正材料（一次性告知）")
    reason: str | None = Field(None, description="withdraw：撤回原因")
    result: str | None = Field(
        None, description="record_verification：pass 或 fail；record_appraisal：评议结果"
    )
    items: list[dict[str, Any]] | None = Field(None, description="record_verification：核对明细（按人按项）")
    reasons: list[str] | str | None = Field(None, description="refuse、return_to_township：理由")
    evidence: str | None = Field(None, description="request_recheck：申请人提供的证据说明")
    investigators: list[str] | None = Field(None, description="record_investigation：调查人员，不少于2人")
    findings: str | None = Field(None, description="record_investigation：调查结论")
    level: Literal["township", "county", "cross_region"] | None = Field(
        None,
        description="record_investigation：township 乡镇；county 县级入户（R-W23）；cross_region 异地协查",
    )
    method: Literal["home", "video", "phone"] | None = Field(
        None, description="record_investigation：home 入户；video 视频；phone 电话（紧急状态下）"
    )
    members_present: list[str] | None = Field(None, description="record_investigation：在场成员")
    living_conditions: str | None = Field(None, description="record_investigation：吃穿住用情况")
    income_answers: str | None = Field(None, description="record_investigation：收入和财产情况的答复")
    housing_rating: Literal["poor", "fair", "good"] | None = Field(
        None, description="record_investigation：住房条件（poor 差、fair 一般、good 较好）"
    )
    labour_capacity: dict[str, Literal["full", "partial", "none"]] | None = Field(
        None, description="record_investigation：{成员编号: full 完全、partial 部分、none 无劳动能力}"
    )
    adl: dict[str, list[str]] | None = Field(
        None,
        description="生活自理能力评估（R-T5）：{成员编号: [未能自理的项目]}，项目为 eating 进食、dressing 穿衣、"
        "transfer 上下床、toileting 如厕、walking 室内行走、bathing 洗澡",
    )
    members_signed: bool | None = Field(None, description="record_investigation：在场成员已签字（默认是）")
    refusal_to_sign: str | None = Field(None, description="record_investigation：成员拒绝签字的情况")
    note: str | None = Field(None, description="propose：说明理由（R-W23a）；reinvestigate：说明")
    text: str | None = Field(None, description="object：异议内容")
    minutes: str | None = Field(None, description="record_appraisal：评议纪要")
    participants: list[str] | None = Field(None, description="record_appraisal：参加人员，不少于3人")
    urgent: bool | None = Field(None, description="refuse：有急难情形，转临时救助（R-W26）")


class AuthorizationIn(Schema):
    person_id: int = Field(..., description="签署授权书的人员编号（本户共同生活的成年成员或法定赡养义务人）")
    method: str = Field(..., description="paper 纸质签字（扫描件）；electronic 远程电子授权（人脸核验）")
    signed_on: dt.date | None = Field(None, description="签署日期，默认今天，不能晚于今天")
    guardian: bool = Field(False, description="由监护人代签")


class CommitmentIn(Schema):
    on: dt.date | None = Field(None, description="签署承诺书的日期，默认今天，不能晚于今天")
    method: Literal["paper", "electronic"] = Field("paper", description="paper 纸质；electronic 电子")


def _not_future(day: dt.date | None, path: str, what: str) -> None:
    if day and day > timezone.localdate():
        raise ApiInputError(f"{what}不能晚于今天", path)


def _run[T](fn: Callable[[], T], conflict_path: Callable[[], str]) -> T | Status:
    """Run a write in one transaction; casework refusals in the contract's shape (409 state or
    version, 422 input with the field's path)."""
    try:
        with transaction.atomic():
            return fn()
    except CaseworkConflict as exc:
        return Status(409, {"error": str(exc), "path": exc.path or conflict_path()})
    except CaseworkError as exc:
        raise ApiInputError(str(exc), exc.path or "") from None
    except HouseholdInputError as exc:  # a new household's registration (paths inside ``household``)
        raise ApiInputError(
            exc.problems[0][1] if exc.problems else str(exc), f"household.{exc.path}".rstrip(".")
        ) from None


@router.post(
    "/applications",
    response={201: dict, **ERRORS},
    summary="新建救助申请（一次申请覆盖各类救助）",
    description="登记一份新申请，状态为 submitted（已提交待受理）。家庭为已登记家庭（household_id）"
    "或随申请登记的新家庭（household）。`on` 为收到申请的日期（纸质申请补录时填写），不能晚于今天。"
    "同一家庭已有办理中的申请时返回 409；预警、报告、主动发现转申请须附家庭同意（consent）。",
)
def create_application(request: HttpRequest, body: ApplicationIn):
    user = require_capability(request, "casework.write")
    _not_future(body.on, "on", "申请日期")
    if (body.household_id is None) == (body.household is None):
        raise ApiInputError("请提供 household_id 或 household 其中之一", "household_id")
    kw: dict[str, Any] = {
        "channel": body.channel,
        "on": body.on,
        "warning_id": body.warning_id,
        "consent": body.consent.model_dump(exclude_none=True) if body.consent else None,
        "tiers": body.tiers,
        "proxy": body.proxy,
        "near_relative": body.near_relative,
    }
    if body.household_id is not None:
        household = get_household(body.household_id)  # 404 outside the scope
        result = _run(
            lambda: intake_actions.open_application(actor=user, household=household, **kw),
            lambda: "household_id",
        )
    else:
        result = _run(
            lambda: intake_actions.open_for_new_household(actor=user, household=body.household or {}, **kw),
            lambda: "household",
        )
    if isinstance(result, Status):
        return result
    return Status(201, serialize.application(result))


@router.get(
    "/applications",
    response=dict,
    summary="救助申请列表（本辖区）",
    description="本辖区的申请，新申请在前；可按 state 筛选。返回 count 和 items（简要信息）。",
)
def list_applications(request: HttpRequest, state: str = "", limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 500))
    qs = queries.applications().order_by("-pk")
    if state:
        qs = qs.filter(state=state)
    total = qs.count()
    return {"count": total, "items": [serialize.application_brief(a) for a in qs[offset : offset + limit]]}


@router.get(
    "/applications/{application_id}",
    response={200: dict, 404: ErrorOut},
    summary="救助申请详情（状态、办理记录、时限、初审意见、文书）",
    description="id、household_id、state、channel、received_on、accepted_on、history（state、on、actor、rule）、"
    "deadlines（rule、what、due、done_on）、proposal（household_category、monthly_total、decision_id）、"
    "letters（kind、issued_on、url：文书PDF地址），以及 version（办理时用于并发检查）等。身份证号不出现在答复中。",
)
def get_application(request: HttpRequest, application_id: int):
    return serialize.application(queries.get_application(application_id))


def _current_version(pk: int) -> int | None:
    return queries.applications().filter(pk=pk).values_list("version", flat=True).first()


def _signatories(app: Application) -> list:
    """Who signs an authorization (R-W19a): the members and the legal supporters living apart."""
    people = household_data.members(app.household_id, app.received_on)
    return people + household_data.supporters([p.pk for p in people], app.received_on)


@router.post(
    "/applications/{application_id}/events",
    response={200: dict, **ERRORS},
    summary="办理救助申请的一个环节（受理、核对、调查、初审、公示、确认等）",
    description=EVENTS_DOC,
)
def post_event(request: HttpRequest, application_id: int, body: EventIn):
    user = require_capability(request, "casework.read")  # who may do which event: base.may (else 403)
    app = queries.get_application(application_id)
    _not_future(body.on, "on", "办理日期")
    fields = body.model_dump(exclude={"event", "on", "version"}, exclude_none=True)

    def conflict_path() -> str:
        stale = body.version is not None and _current_version(app.pk) != body.version
        return "version" if stale else "event"

    result = _run(
        lambda: dispatch.apply(
            user, app, body.event, on=body.on, fields=fields, expected_version=body.version
        ),
        conflict_path,
    )
    if isinstance(result, Status):
        return result
    return Status(200, serialize.application(result))


@router.post(
    "/applications/{application_id}/authorizations",
    response={201: dict, **ERRORS},
    summary="登记授权书（家庭经济状况核对授权）",
    description="登记本户共同生活的成年成员或法定赡养（抚养、扶养）义务人签署的授权书（R-W19a），"
    "纸质签字或远程电子授权。授权书和承诺书齐全后申请才能受理。返回授权书和办理后的申请。",
)
def post_authorization(request: HttpRequest, application_id: int, body: AuthorizationIn):
    user = require_capability(request, "casework.write")
    app = queries.get_application(application_id)
    _not_future(body.signed_on, "signed_on", "签署日期")
    person = next((p for p in _signatories(app) if p.pk == body.person_id), None)
    if person is None:
        raise ApiInputError("该人员不是本户共同生活的成年成员或法定赡养（抚养、扶养）义务人", "person_id")
    result = _run(
        lambda: intake_actions.record_authorization(
            actor=user,
            application=app,
            person=person,
            method=body.method,
            signed_on=body.signed_on,
            guardian=body.guardian,
        ),
        lambda: "application_id",
    )
    if isinstance(result, Status):
        return result
    return Status(
        201,
        {
            "id": result.pk,
            "person_id": result.person_id,
            "role": result.role,
            "method": result.method,
            "signed_on": result.signed_on.isoformat(),
            "application": serialize.application(queries.get_application(app.pk)),
        },
    )


@router.post(
    "/applications/{application_id}/commitment",
    response={200: dict, **ERRORS},
    summary="登记承诺书",
    description="登记申请家庭签署的承诺书（R-W19）。`on` 为签署日期，默认今天，不能晚于今天。返回办理后的申请。",
)
def post_commitment(request: HttpRequest, application_id: int, body: CommitmentIn):
    user = require_capability(request, "casework.write")
    app = queries.get_application(application_id)
    _not_future(body.on, "on", "签署日期")
    result = _run(
        lambda: intake_actions.record_commitment(actor=user, application=app, on=body.on, method=body.method),
        lambda: "application_id",
    )
    if isinstance(result, Status):
        return result
    return Status(200, serialize.application(queries.get_application(app.pk)))


@router.get(
    "/households/{household_id}/cases",
    response={200: list[dict], 404: ErrorOut},
    summary="家庭的救助档案",
    description="家庭各类救助的档案：id、tier、state（active、under_review、grace、suspended、terminated 等）、"
    "since、until、monthly_total、review_class、next_review、decision_id。辖区外的家庭返回404。",
)
def household_cases(request: HttpRequest, household_id: int):
    household = get_household(household_id)
    return [serialize.case(c) for c in queries.household_cases(household.pk)]
