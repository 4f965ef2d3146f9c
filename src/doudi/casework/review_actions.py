"""From acceptance to the file at the confirming authority (CASEWORK R-W20–R-W23b, R-PUB2, R-PUB3,
R-G3): verification and recheck, investigation (township, cross-region, the county's own visit),
the quantitative review, the township's preliminary opinion, the public notice and its objections."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from doudi.casework import clock, household_data, paperwork, params, publicity, scoring, states, verification
from doudi.casework.base import (
    CaseworkConflict,
    CaseworkError,
    audit_application,
    check_date,
    close_deadline,
    locked,
    may,
    move,
    open_deadline,
    refresh_total,
)
from doudi.casework.models import (
    Application,
    Investigation,
    InvestigationPhoto,
    Notice,
    Objection,
    Pause,
    Step,
    VerificationReport,
)
from doudi.core.audit_actions import AuditAction
from doudi.policy.actions import PolicyError, take_decision
from doudi.registry.actions import record_person_fact
from doudi.registry.models import PersonFactKind, Source

LABOUR_VALUES = {"full": "完全劳动能力", "partial": "部分劳动能力", "none": "无劳动能力"}
HOUSING_VALUES = {"poor": "差", "fair": "一般", "good": "较好"}
# R-T5: the six activities of daily living (a failed one counts toward the TEKUN care level)
ADL_ACTIVITIES = {
    "eating": "进食",
    "dressing": "穿衣",
    "transfer": "上下床",
    "toileting": "如厕",
    "walking": "室内行走",
    "bathing": "洗澡",
}


# --- verification (核对, R-W20/R-W21) ------------------------------------------------------------------


@transaction.atomic
def request_verification(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    app, step = move(actor, application, "request_verification", on=on, expected_version=expected_version)
    app.verification_requested_on = step.on
    app.save(update_fields=["verification_requested_on", "updated_at"])
    open_deadline(app, clock.VERIFY, step.on)
    return app


def _store_report(
    actor, app: Application, on: dt.date, result: str, rows: list, reasons: list, source: str
) -> VerificationReport:
    version = (VerificationReport.unscoped.filter(application=app).count()) + 1
    auth_ids = list(app.authorizations.filter(revoked_on__isnull=True).values_list("pk", flat=True))
    return VerificationReport.unscoped.create(
        application=app,
        region_code=app.region_code,
        version=version,
        as_of=on,
        result=result,
        rows=rows,
        reasons=reasons,
        source=source,
        authorization_ids=auth_ids,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _after_verification(actor, app: Application, report: VerificationReport, on: dt.date) -> Application:
    """Record the result on the application: close the start deadline, end a recheck pause, tell the
    applicant of a failure (R-W20), and move the track."""
    close_deadline(app, clock.VERIFY.key, on)
    ended = Pause.unscoped.filter(application=app, reason=Pause.Reason.RECHECK, end_on__isnull=True).update(
        end_on=on
    )
    app, step = move(
        actor,
        app,
        "record_verification",
        on=on,
        result=report.result,
        data={"report": report.pk, "version": report.version, "result": report.result},
    )
    app.verification_result = report.result
    app.save(update_fields=["verification_result", "updated_at"])
    if ended:
        refresh_total(app, on)
    if report.result == "fail":
        until = on + dt.timedelta(
            days=params.days("recheck_request_days", region_code=app.region_code, on=on)
        )
        paperwork.issue(
            "verification_result",
            app,
            actor=actor,
            on=on,
            extra={"report": report, "recheck_until": until, "recheck_days": (until - on).days},
        )
    if app.state == "assessed":
        _score(app, on)
    audit_application(
        actor,
        app,
        AuditAction.CASEWORK_VERIFY,
        {"report": report.pk, "result": report.result, "version": report.version},
    )
    return app


@transaction.atomic
def run_verification(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> VerificationReport:
    """核对 from the department data Doudi holds (R-W20): every must-verify item of every member and
    legal supporter against the linked batches as of ``on``; the 核对报告 is a new version each time."""
    app = locked(application, expected_version)
    if not may(actor, "record_verification", app):
        raise PermissionError("您无权办理此环节")
    if app.state not in ("accepted", "verifying", "investigating", "rechecking"):
        raise CaseworkConflict("当前环节不能发起核对")
    on = check_date(on, app)
    if not app.authorizations.filter(revoked_on__isnull=True).exists():
        raise CaseworkError("没有有效的授权书，不能核对（R-W19a）")
    result, rows, reasons = verification.verify(app, on)
    report = _store_report(actor, app, on, result, rows, reasons, "system")
    _after_verification(actor, app, report, on)
    return report


@transaction.atomic
def record_verification(
    *,
    actor,
    application: Application,
    result: str,
    items: list | None = None,
    reasons: list | None = None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> VerificationReport:
    """A verification result received on paper (the contract's ``record_verification``)."""
    if result not in ("pass", "fail"):
        raise CaseworkError("核对结果应为“通过”或“未通过”", "result")
    app = locked(application, expected_version)
    on = check_date(on, app)
    rows = [dict(r) for r in (items or []) if isinstance(r, dict)]
    report = _store_report(actor, app, on, result, rows, [str(r) for r in (reasons or [])], "manual")
    _after_verification(actor, app, report, on)
    return report


@transaction.atomic
def request_recheck(
    *,
    actor,
    application: Application,
    evidence: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    """复查 (R-W20): the applicant objects with evidence within ``recheck_request_days``; the clock pauses
    (R-W14 b) until the new report."""
    evidence = (evidence or "").strip()
    if not evidence:
        raise CaseworkError("申请复查须附申请人提供的证据说明", "evidence")
    failed_on = (
        Step.unscoped.filter(application=application, event="record_verification")
        .order_by("-pk")
        .values_list("on", flat=True)
        .first()
    )
    on_ = on or timezone.localdate()
    limit = params.days("recheck_request_days", region_code=application.region_code, on=failed_on)
    if failed_on and (on_ - failed_on).days > limit:
        raise CaseworkError(f"已超过复查申请期限（核对结果告知后{limit}日内）", "on")
    app, step = move(
        actor, application, "request_recheck", on=on, note=evidence, expected_version=expected_version
    )
    Pause.unscoped.create(
        application=app,
        region_code=app.region_code,
        reason=Pause.Reason.RECHECK,
        note=evidence[:300],
        start_on=step.on,
    )
    Objection.unscoped.create(
        application=app,
        region_code=app.region_code,
        kind="verification",
        text=evidence,
        received_on=step.on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    return app


# --- investigation (调查, R-W22/R-W23) -----------------------------------------------------------------


def _clean_investigators(names) -> list[str]:
    out = list(dict.fromkeys(str(n).strip() for n in (names or []) if str(n).strip()))
    if len(out) < 2:
        raise CaseworkError("入户调查须有两名以上调查人员（R-W22）", "investigators")
    return out


@transaction.atomic
def record_investigation(
    *,
    actor,
    application: Application,
    investigators: list[str],
    findings: str,
    on: dt.date | None = None,
    level: str = "township",
    method: str = "home",
    members_present: list[str] | None = None,
    living_conditions: str = "",
    income_answers: str = "",
    housing_rating: str = "",
    labour_capacity: dict | None = None,
    members_signed: bool = True,
    refusal_to_sign: str = "",
    photos: list | None = None,
    adl: dict | None = None,
    expected_version: int | None = None,
) -> Investigation:
    """The home-visit record (R-W22): ≥ 2 investigators, both sides sign or a refusal is recorded,
    labour capacity per member becomes a dated fact with source 入户调查. A county visit (R-W23) on a
    file past the township's stages is recorded without moving it."""
    names = _clean_investigators(investigators)
    findings = (findings or "").strip()
    if not findings:
        raise CaseworkError("请填写调查结论", "findings")
    if not members_signed and not (refusal_to_sign or "").strip():
        raise CaseworkError("家庭成员未签字的，须记录拒绝签字的情况", "refusal_to_sign")
    if housing_rating and housing_rating not in HOUSING_VALUES:
        raise CaseworkError("住房条件应为差、一般或较好", "housing_rating")
    if method not in ("home", "video", "phone"):
        raise CaseworkError("调查方式应为入户、视频或电话", "method")
    if level not in ("township", "county", "cross_region"):
        raise CaseworkError("调查层级无效", "level")
    app = locked(application, expected_version)
    on = check_date(on, app)
    people = {p.pk: p for p in household_data.members(app.household_id, on)}
    capacity = {}
    for key, val in (labour_capacity or {}).items():
        pid = int(key) if str(key).strip().isdecimal() else 0  # a name or a stray key is no member
        if pid not in people:
            raise CaseworkError("劳动能力只能登记本户成员", "labour_capacity")
        if val not in LABOUR_VALUES:
            raise CaseworkError("劳动能力应为完全、部分或无劳动能力", "labour_capacity")
        capacity[str(pid)] = val
    activities: dict[str, list[str]] = {}
    for key, failed in (adl or {}).items():
        pid = int(key)
        if pid not in people:
            raise CaseworkError("生活自理能力只能登记本户成员", "adl")
        names = [str(a) for a in (failed or [])]
        if any(a not in ADL_ACTIVITIES for a in names):
            raise CaseworkError("生活自理能力评估项目应为进食、穿衣、上下床、如厕、室内行走、洗澡", "adl")
        activities[str(pid)] = sorted(set(names), key=list(ADL_ACTIVITIES).index)
    moves = app.state in (
        "accepted",
        "verifying",
        "verified_pass",
        "investigating",
        "reinvestigating",
        "returned_to_township",
    )
    county_only = level == "county" and not moves
    if county_only and getattr(actor, "role", "") != "county_officer":
        raise PermissionError("县级入户调查须由县级民政人员登记")
    if not moves and not county_only:
        raise CaseworkConflict("当前环节不能登记入户调查")
    inv = Investigation.unscoped.create(
        application=app,
        region_code=app.region_code,
        level=level,
        visited_on=on,
        method=method,
        investigators=names,
        members_present=[str(m) for m in (members_present or [])],
        living_conditions=living_conditions,
        income_answers=income_answers,
        housing_rating=housing_rating,
        labour_capacity=capacity,
        findings=findings,
        members_signed=members_signed,
        refusal_to_sign=refusal_to_sign,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    for photo in photos or []:
        InvestigationPhoto.unscoped.create(
            investigation=inv,
            region_code=app.region_code,
            file=photo["file"],
            sha256=photo["sha256"],
            taken_at=photo.get("taken_at", ""),
            place=photo.get("place", ""),
        )
    updated: list[dict] = []
    for member, val in capacity.items():
        fact = record_person_fact(
            actor=actor,
            person=people[int(member)],
            kind=PersonFactKind.LABOUR_CAPACITY,
            value=val,
            valid_from=on,
            source=Source.HOME_VISIT,
            source_ref=f"investigation:{inv.pk}",
        )
        updated.append({"person": int(member), "kind": "labour_capacity", "fact": fact.pk})
    for (
        member,
        failed,
    ) in activities.items():  # R-T5: the six-activity assessment decides the TEKUN care level
        fact = record_person_fact(
            actor=actor, person=people[int(member)], kind=PersonFactKind.ADL,
            value={"failed": len(failed), "activities": failed},
            valid_from=on, source=Source.HOME_VISIT, source_ref=f"investigation:{inv.pk}",
        )  # fmt: skip
        updated.append({"person": int(member), "kind": "adl", "fact": fact.pk})
    inv.updated_facts = updated
    inv.save(update_fields=["updated_facts"])
    if level == "county":
        app.county_visit_done = True
        app.save(update_fields=["county_visit_done", "updated_at"])
    if moves:
        close_deadline(app, clock.INVESTIGATE.key, on)
        app, _ = move(
            actor, app, "record_investigation", on=on, data={"investigation": inv.pk, "level": level}
        )
        app.investigation_done = True
        app.save(update_fields=["investigation_done", "updated_at"])
        if app.state == "assessed":
            _score(app, on)
    else:
        Step.unscoped.create(
            application=app,
            region_code=app.region_code,
            event="county_visit",
            from_state=app.state,
            to_state=app.state,
            on=on,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "label", str(actor)),
            role=getattr(actor, "role", ""),
            level="county",
            rule="R-W23",
            data={"investigation": inv.pk},
        )
    audit_application(
        actor,
        app,
        AuditAction.CASEWORK_INVESTIGATE,
        {"investigation": inv.pk, "level": level, "investigators": len(names)},
    )
    return inv


# --- quantitative review and the preliminary opinion (R-W23a, R-W23b) ---------------------------------


def _score(app: Application, on: dt.date, assessment: dict | None = None) -> dict:
    inputs = verification.review_inputs(app, on, assessment)
    weights = {
        key: Decimal(params.value(f"review.weight.{key}", region_code=app.region_code, on=on))
        for key, _ in scoring.ITEMS
    }
    pass_mark = Decimal(params.value("review.pass_mark", region_code=app.region_code, on=on))
    app.review = scoring.score(inputs, weights, pass_mark)
    app.save(update_fields=["review", "updated_at"])
    return app.review


@transaction.atomic
def propose(
    *,
    actor,
    application: Application,
    note: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    """初审意见: the assessment engine on the household's facts as of ``on`` (a stored decision), the
    quantitative review beside it; where the two disagree a written reason is required (R-W23a)."""
    app = locked(application, expected_version)
    on = check_date(on, app)
    try:
        decision = take_decision(actor=actor, household=app.household, as_of=on)
    except (PolicyError, PermissionError) as exc:
        raise CaseworkError(f"无法测算：{exc}") from None
    review = _score(app, on, decision.result_data())
    note = (note or "").strip()
    if review["needs_reason"] and not note:
        raise CaseworkError("综合量化评审结果与收入核算结果不一致，须书面说明理由（R-W23a）", "note")
    app.proposal = decision
    app.proposed_category = decision.household_category or ""
    app.proposed_total = decision.monthly_total
    app.proposal_note = note
    if decision.household_category == "TEKUN":
        levels = [m.get("care_level") for m in decision.result.get("members", []) if m.get("care_level")]
        app.tekun_care = {
            **app.tekun_care,
            "care_level": levels[0] if levels else "",
            "support_form": app.tekun_care.get("support_form") or "dispersed",
        }
    app.save(
        update_fields=[
            "proposal",
            "proposed_category",
            "proposed_total",
            "proposal_note",
            "tekun_care",
            "updated_at",
        ]
    )
    app, _ = move(
        actor,
        app,
        "propose",
        on=on,
        note=note,
        data={
            "decision": decision.pk,
            "category": app.proposed_category,
            "monthly_total": app.proposed_total,
            "score": review["total"],
        },
    )
    audit_application(
        actor, app, AuditAction.CASEWORK_PROPOSE, {"decision": decision.pk, "category": app.proposed_category}
    )
    return app


# --- public notice (R-PUB2, R-PUB3) and objections (R-G3) ----------------------------------------------


def exemption(app: Application, on: dt.date) -> str:
    """Why the notice is skipped (R-PUB3), or ""."""
    if app.hiv_flag:
        return "按吉林省规定由县级直接认定，不公示"
    if app.no_publication:
        return app.no_publication
    if app.proposed_category == "TEKUN" and publicity.applicant_is_minor(app, on):
        return "未成年人不公示"
    return ""


def _to_authority(app: Application, on: dt.date) -> None:
    delegated = params.delegated(app.region_code, on)
    open_deadline(app, clock.CONFIRM, on, level="township" if delegated else "county")


@transaction.atomic
def start_notice(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    app = locked(application, expected_version)
    on = check_date(on, app)
    reason = exemption(app, on)
    if reason and not app.no_publication:
        app.no_publication = reason
        app.save(update_fields=["no_publication", "updated_at"])
    app, step = move(actor, app, "start_notice", on=on, note=reason, expected_version=None)
    if app.state == "in_notice":
        n = params.days("notice.days", region_code=app.region_code, on=on)
        day_type = str(params.value("notice.day_type", region_code=app.region_code, on=on))
        end = clock.notice_end(on, n, day_type)
        content = publicity.notice_content(app, on, end)
        notice = Notice.unscoped.create(
            application=app,
            region_code=app.region_code,
            round=app.notices.count() + 1,
            start_on=on,
            end_on=end,
            content=content,
            public_key=secrets.token_urlsafe(18),
        )
        paperwork.issue("notice", app, actor=actor, on=on, extra={"notice": notice})
        audit_application(
            actor, app, AuditAction.CASEWORK_NOTICE, {"notice": notice.pk, "start": on, "end": end}
        )
    else:
        _to_authority(app, step.on)
    return app


def current_notice(app: Application) -> Notice | None:
    return Notice.unscoped.filter(application=app, ended_on__isnull=True).order_by("-pk").first()


@transaction.atomic
def object_to_notice(
    *,
    actor,
    application: Application,
    text: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Objection:
    """An objection stops confirmation (R-G3): re-investigation or appraisal and a new notice; a
    complaint before confirmation also requires the county's own visit (R-W23)."""
    text = (text or "").strip()
    if not text:
        raise CaseworkError("请填写异议内容", "text")
    notice = current_notice(application)
    app, step = move(actor, application, "object", on=on, note=text[:300], expected_version=expected_version)
    if notice is not None:
        notice.ended_on = step.on
        notice.save(update_fields=["ended_on"])
    app.complaint_before_confirmation = True
    app.save(update_fields=["complaint_before_confirmation", "updated_at"])
    return Objection.unscoped.create(
        application=app,
        notice=notice,
        region_code=app.region_code,
        kind="notice",
        text=text,
        received_on=step.on,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def end_notice(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    notice = current_notice(application)
    on_ = on or timezone.localdate()
    if notice is not None and on_ <= notice.end_on:
        raise CaseworkConflict(f"公示期未满（公示至{notice.end_on:%Y年%m月%d日}24时）")
    app, step = move(actor, application, "end_notice", on=on, expected_version=expected_version)
    if notice is not None:
        notice.ended_on = step.on
        notice.save(update_fields=["ended_on"])
    refresh_total(app, step.on)  # the notice's days leave the limit where ``deadline.excludes_notice``
    _to_authority(app, step.on)
    return app


@transaction.atomic
def reinvestigate(
    *,
    actor,
    application: Application,
    on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Application:
    app, _ = move(actor, application, "reinvestigate", on=on, note=note, expected_version=expected_version)
    return app


@transaction.atomic
def start_appraisal(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    app, _ = move(actor, application, "start_appraisal", on=on, expected_version=expected_version)
    return app


@transaction.atomic
def record_appraisal(
    *,
    actor,
    application: Application,
    minutes: str,
    participants: list[str],
    result: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    """民主评议 after an objection (R-W7 as amended): minutes, participants and the outcome."""
    minutes = (minutes or "").strip()
    people = [str(p).strip() for p in participants or [] if str(p).strip()]
    if not minutes or len(people) < 3:
        raise CaseworkError("民主评议须记录评议纪要和不少于三名参加人员", "minutes")
    app, step = move(
        actor,
        application,
        "record_appraisal",
        on=on,
        note=minutes[:2000],
        data={"participants": people, "result": (result or "")[:200]},
        expected_version=expected_version,
    )
    _score(app, step.on)
    return app


@transaction.atomic
def note_complaint(*, actor, application: Application, note: str = "") -> Application:
    """A complaint or report received before confirmation (R-G3): the county's own home visit is then
    required before confirming (R-W23). Nothing changes once the application is decided."""
    app = Application.unscoped.select_for_update().get(pk=application.pk)
    if app.state in states.TERMINAL or app.complaint_before_confirmation:
        return app
    app.complaint_before_confirmation = True
    app.save(update_fields=["complaint_before_confirmation", "updated_at"])
    audit_application(
        actor, app, AuditAction.CASEWORK_MOVE, {"complaint_before_confirmation": True, "note": note[:200]}
    )
    return app
