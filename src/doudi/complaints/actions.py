"""Every write of complaints (CASEWORK §8): file (staff intake and the public form), the transitions with
their mandatory decision before closing, appeals one level up, the 信访 extension, staff near-relative
declarations, reveal and export. Each validates, writes, appends the history and the audit entry in one
transaction; the daily escalation pass is ``deadline_actions``."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doudi.complaints import params, rules
from doudi.complaints.base import ComplaintConflict, ComplaintError, level, may_handle, recusal_reason
from doudi.complaints.models import Complaint, ComplaintStep, StaffRelation
from doudi.core import crypto, tracking
from doudi.core.audit import actor_name, record_audit, record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.core.workdays import add_working_days
from doudi.regions.queries import find_region
from doudi.registry.identity import encode_identity

PUBLIC_LIMIT_PER_HOUR = 5
PUBLIC = "公众"


class RateLimited(ComplaintError):
    """Too many public submissions from one address in the last hour."""


def client_hash(address: str | None) -> str:
    return crypto.blind_index(f"complaint-client:{address}") if address else ""


def check_digest(code: str, check: str) -> str:
    """The keyed hash of a tracking number and its check field (phone's last 4 digits or a chosen PIN)."""
    return crypto.blind_index(f"complaint-check:{code}:{check}")


def deadlines(ctype: str, region_code: str, received: dt.date, *, xinfang: bool, extended: bool = False):
    """(response due, resolve due, resolve WD): per-type working days (R-G5); a 信访 ticket also carries the
    信访 limits in days, and the stricter applies."""
    resp_wd = params.days(f"grievance.response_wd.{ctype}", region_code=region_code, on=received)
    res_wd = params.days(f"grievance.resolve_wd.{ctype}", region_code=region_code, on=received)
    response, resolve = add_working_days(received, resp_wd), add_working_days(received, res_wd)
    if xinfang:
        accept = received + dt.timedelta(
            days=params.days("xinfang.accept_days", region_code=region_code, on=received)
        )
        days = params.days("xinfang.resolve_days", region_code=region_code, on=received)
        if extended:
            days += params.days("xinfang.extend_days", region_code=region_code, on=received)
            resolve = max(resolve, received + dt.timedelta(days=days))
        response = min(response, accept)
        resolve = min(resolve, received + dt.timedelta(days=days)) if not extended else resolve
    return response, resolve, res_wd


def _label(actor) -> str:
    return actor_name(actor, PUBLIC)


def _step(actor, c: Complaint, event: str, *, before: str, on: dt.date, note: str = "") -> ComplaintStep:
    label = rules.EVENTS[event].label if event in rules.EVENTS else rules.NOTES[event]
    return ComplaintStep.unscoped.create(
        complaint=c,
        region_code=c.region_code,
        event=event,
        label=label,
        from_state=before,
        to_state=c.state,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        note=note[:2000],
    )


def _audit(actor, c: Complaint, action: AuditAction, after: dict, before: dict | None = None) -> None:
    record_audit(
        actor=actor if getattr(actor, "pk", None) else (actor or PUBLIC),
        action=action,
        region_code=c.region_code,
        subject_type="complaint",
        subject_id=c.pk,
        before=before,
        after=after,
    )


def _township(code: str) -> str:
    region = find_region(str(code or "").ljust(12, "0"))
    if region is None or region.level not in ("township", "village"):
        raise ComplaintError("请选择所涉乡镇（街道）", "township")
    return region.code


@transaction.atomic
def file_complaint(
    *,
    actor,
    ctype: str,
    summary: str,
    content: str,
    channel: str = "online",
    township: str = "",
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_id_number: str = "",
    reporter_phone: str = "",
    check_pin: str = "",
    household=None,
    application=None,
    case=None,
    subject_staff=None,
    subject_staff_name: str = "",
    subject_name: str = "",
    xinfang: bool = False,
    appeal_of: Complaint | None = None,
    on: dt.date | None = None,
    client_address: str | None = None,
) -> Complaint:
    """Register a ticket (R-G1, R-G2). ``actor`` None is the public form: the channel is online, a random
    tracking number is issued, at most ``PUBLIC_LIMIT_PER_HOUR`` per address and hour. Staff register what
    arrives by phone, letter, visit, 信访 or a supervisor's referral, within their region."""
    staff = actor if getattr(actor, "pk", None) else None
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ComplaintError("收到日期不能晚于今天", "on")
    if ctype not in rules.TYPES:
        raise ComplaintError("请选择投诉举报类型", "ctype")
    if channel not in rules.CHANNELS:
        raise ComplaintError("请选择来源渠道", "channel")
    summary, content = (summary or "").strip(), (content or "").strip()
    if not summary:
        raise ComplaintError("请填写事由", "summary")
    if len(content) < 5:
        raise ComplaintError("请说明具体情况（至少5个字）", "content")
    if case is not None:
        household = household or case.household
    if application is not None:
        household = household or application.household
    if ctype == "notice_objection" and application is None:
        raise ComplaintError("公示异议须指明所涉的救助申请", "application")
    region_code = household.region_code if household is not None else _township(township)
    if staff is None:
        channel = "notice_board" if ctype == "notice_objection" else "online"
        if client_address and _recent(client_address) >= PUBLIC_LIMIT_PER_HOUR:
            raise RateLimited("提交过于频繁，请一小时后再试")
    else:
        if not staff.can("complaints.file"):
            raise ComplaintError("您的角色不能登记投诉举报", "actor")
        if not (staff.region_id and is_within(region_code, staff.region_id)):
            raise ComplaintError("所涉地区不在您的管辖范围内", "township")
    phone = "".join(ch for ch in (reporter_phone or "") if ch.isdigit())
    if reporter_phone and not 7 <= len(phone) <= 12:
        raise ComplaintError("联系电话格式不正确", "reporter_phone")
    pin = (check_pin or "").strip()
    if staff is None and not phone and not (pin.isdigit() and len(pin) == 4):
        raise ComplaintError("请填写联系电话，或自设4位数字查询密码，用于查询办理进度", "check_pin")
    ident = encode_identity(reporter_id_number or None)
    if reporter_id_number and ident.id_problem:
        raise ComplaintError("身份证号无效，请核对", "reporter_id_number")
    if not anonymous and not (reporter_name or "").strip():
        raise ComplaintError("实名投诉请填写姓名；不愿留名请选择匿名", "reporter_name")
    named_staff = subject_staff is not None or bool((subject_staff_name or "").strip())
    handler = rules.handling_level(
        ctype,
        staff_level=(level(subject_staff) or "township") if named_staff else "",
        appeal_of_level=appeal_of.handler_level if appeal_of is not None else "",
    )
    response, resolve, res_wd = deadlines(ctype, region_code, on, xinfang=xinfang)
    code = tracking.new_code() if staff is None or phone or pin else None
    c = Complaint.unscoped.create(
        number=f"TMP-{tracking.new_code()}",
        tracking_code=code,
        check_digest=check_digest(code, pin or phone[-4:]) if code else "",
        channel=channel,
        ctype=ctype,
        sensitive=ctype in rules.SENSITIVE_TYPES or named_staff or bool(appeal_of and appeal_of.sensitive),
        handler_level=handler,
        anonymous=anonymous,
        reporter_name="" if anonymous else reporter_name.strip()[:64],
        reporter_id_enc=ident.id_enc,
        reporter_id_index=ident.id_index,
        reporter_id_masked=ident.id_masked,
        reporter_phone_enc=crypto.encrypt(phone) if phone else None,
        reporter_phone_masked=(phone[:3] + "****" + phone[-4:]) if len(phone) >= 7 else "",
        household=household,
        application=application,
        case=case,
        subject_staff=subject_staff,
        subject_staff_name=(
            subject_staff_name or (subject_staff.display_name if subject_staff else "")
        ).strip()[:64],
        subject_name=(subject_name or "").strip()[:64],
        summary=summary[:200],
        content=content[:8000],
        region_code=region_code,
        received_on=on,
        response_due=response,
        resolve_due=resolve,
        resolve_days=res_wd,
        xinfang=xinfang or channel == "xinfang",
        appeal_of=appeal_of,
        client_hash="" if staff else client_hash(client_address),
        created_by=staff,
    )
    c.number = f"TS{on:%Y}{c.pk:07d}"
    c.save(update_fields=["number"])
    note = f"{rules.CHANNELS[channel]}：{rules.TYPES[ctype]}"
    _step(actor, c, "appeal" if appeal_of else "file", before="", on=on, note=note)
    _audit(actor, c, AuditAction.COMPLAINTS_FILE, {"number": c.number, "type": ctype, "channel": channel,
                                                   "sensitive": c.sensitive, "level": handler})  # fmt: skip
    if application is not None:
        _before_confirmation(actor, c)
    return c


def _recent(address: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return Complaint.unscoped.filter(client_hash=client_hash(address), created_at__gte=since).count()


def _before_confirmation(actor, c: Complaint) -> None:
    """R-G3: any ticket on an application not yet decided requires the county's own home visit (a notice
    objection also stops confirmation through ``casework.confirm_checks`` until the ticket is closed)."""
    from doudi.casework import review_actions, states

    app = c.application
    if app is None or app.state in states.TERMINAL:
        return
    review_actions.note_complaint(actor=actor if getattr(actor, "pk", None) else PUBLIC, application=app,
                                  note=f"投诉举报 {c.number}")  # fmt: skip
    ComplaintStep.unscoped.create(
        complaint=c, region_code=c.region_code, event="case_effect", label=rules.NOTES["case_effect"],
        from_state=c.state, to_state=c.state, on=c.received_on, actor=None, actor_label="系统",
        note="确认前收到投诉举报：审核确认前须由县级民政入户调查",
    )  # fmt: skip


def _locked(c: Complaint, expected_version: int | None) -> Complaint:
    fresh = Complaint.unscoped.select_for_update().get(pk=c.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ComplaintConflict("该投诉举报已被他人更新，请刷新后重试")
    return fresh


def _closing_fields(c: Complaint, decision: str, root_cause: str, reply: str, reply_method: str) -> None:
    problems = rules.closing_problems(
        decision=decision, root_cause=root_cause, reply=reply or "", anonymous=c.anonymous and not c.tracking_code,
        reply_method=reply_method,
    )  # fmt: skip
    if problems:
        raise ComplaintError("；".join(problems), "decision")
    c.decision, c.root_cause, c.reply = decision, root_cause, (reply or "").strip()
    c.reply_method = reply_method if reply_method in rules.REPLY_METHODS else "none"


@transaction.atomic
def move(
    *,
    actor,
    complaint: Complaint,
    event: str,
    on: dt.date | None = None,
    note: str = "",
    handler=None,
    finding: str = "",
    decision: str = "",
    decision_note: str = "",
    root_cause: str = "",
    reply: str = "",
    reply_method: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """One transition of the table (``rules.EVENTS``) by a staff member who may handle the ticket."""
    c = _locked(complaint, expected_version)
    if event not in rules.EVENTS:
        raise ComplaintError(f"未知的办理事项：{event}", "event")
    if not rules.allowed(event, c.state):
        raise ComplaintConflict(f"投诉举报当前为“{c.state_label}”，不能{rules.EVENTS[event].label}")
    if reason := may_handle(actor, c):
        raise PermissionError(reason)
    today = timezone.localdate()
    on = on or today
    if on > today or on < c.received_on:
        raise ComplaintError("办理日期应在收到日期与今天之间", "on")
    note = (note or "").strip()
    before = c.state
    fields = ["state", "version"]
    if event == "accept":
        c.accepted_on = on
        fields.append("accepted_on")
    elif event == "not_accept":
        if not note:
            raise ComplaintError("不予受理须说明理由", "note")
        _closing_fields(c, "not_accepted", root_cause or "none", reply or note, reply_method)
        c.decision_note, c.closed_on = note, on
        fields += ["decision", "root_cause", "reply", "reply_method", "decision_note", "closed_on"]
    elif event == "assign":
        who = handler or actor
        if reason := may_handle(who, c):
            raise ComplaintError(f"不能分办给{_label(who)}：{reason}", "handler")
        c.handler = who
        fields.append("handler")
    elif event in ("hold", "send_back") and not note:
        raise ComplaintError("请说明理由", "note")
    elif event == "propose":
        if decision not in rules.DECISIONS or decision == "not_accepted":
            raise ComplaintError("请选择处理决定", "decision")
        if not (finding or "").strip():
            raise ComplaintError("请填写调查核实情况", "finding")
        c.finding, c.decision, c.decision_note, c.proposed_by = (
            finding.strip(),
            decision,
            decision_note.strip(),
            actor,
        )
        fields += ["finding", "decision", "decision_note", "proposed_by"]
    elif event == "approve":
        if not actor.can("complaints.approve"):
            raise PermissionError("您的角色不能审批处理决定")
        if c.proposed_by_id == actor.pk:
            raise ComplaintError("处理意见须由提出人以外的负责人审批", "actor")
        if decision and decision in rules.DECISIONS:
            c.decision = decision
        if not c.decision:
            raise ComplaintError("办结须有处理决定", "decision")
        c.approved_by = actor
        fields += ["decision", "approved_by"]
    elif event in ("reply", "close_feedback"):
        if event == "close_feedback":
            if c.ctype != "feedback":
                raise ComplaintConflict("只有意见建议、转办类可直接办结")
            _closing_fields(c, decision, root_cause, reply, reply_method)
        else:
            _closing_fields(c, c.decision, root_cause, reply, reply_method)
        c.closed_on = on
        fields += ["decision", "root_cause", "reply", "reply_method", "closed_on"]
    c.state = rules.EVENTS[event].target
    c.version += 1
    c.save(update_fields=fields)
    if event == "accept" and c.ctype == "notice_objection":
        _object_to_notice(actor, c, on)
    if event == "accept" and c.ctype in CHANGE_REVIEW_TYPES and c.household_id:
        _change_review(actor, c, on)
    _step(actor, c, event, before=before, on=on, note=note or decision_note or reply or finding)
    _audit(actor, c, AuditAction.COMPLAINTS_MOVE, {"event": event, "state": c.state, "decision": c.decision,
                                                   "root_cause": c.root_cause, "on": on}, {"state": before})  # fmt: skip
    return c


def _object_to_notice(actor, c: Complaint, on: dt.date) -> None:
    """R-G3: an accepted notice objection stops the notice (casework moves the application to 公示有异议,
    re-investigation or appraisal and a new notice follow)."""
    from doudi.casework import review_actions

    app = c.application
    if app is None:
        return
    app.refresh_from_db()
    if app.state != "in_notice":
        return
    review_actions.object_to_notice(
        actor=actor, application=app, text=f"{c.summary}（投诉举报 {c.number}）", on=on
    )
    ComplaintStep.unscoped.create(
        complaint=c, region_code=c.region_code, event="case_effect", label=rules.NOTES["case_effect"],
        from_state=c.state, to_state=c.state, on=on, actor=actor, actor_label=_label(actor),
        note=f"申请 {app.number} 公示中止，转入公示有异议（重新调查或民主评议后重新公示）",
    )  # fmt: skip


# R-G3: an accepted data change request, or a report about a household receiving assistance, opens the change
# review (R-W32) of each of the household's open cases (due in ``deadline.change_review_wd``, 15 WD like the
# report review's default)
CHANGE_REVIEW_TYPES = ("data_change", "report")


def _change_review(actor, c: Complaint, on: dt.date) -> None:
    """R-G3: a change review on each open case of the household (casework re-runs verification there); a
    household without an open case has nothing to review."""
    from doudi.casework import lifecycle_actions

    if c.household_id is None:
        return
    reviews = lifecycle_actions.open_reviews_for_household(
        actor=actor,
        household_id=c.household_id,
        trigger="family",
        on=on,
        detail=f"{c.summary}（投诉举报 {c.number}）",
    )
    if reviews:
        ComplaintStep.unscoped.create(
            complaint=c, region_code=c.region_code, event="case_effect", label=rules.NOTES["case_effect"],
            from_state=c.state, to_state=c.state, on=on, actor=actor, actor_label=_label(actor),
            note=f"已启动变化复核 {len(reviews)} 件，复核期限 {reviews[0].due:%Y-%m-%d}",
        )  # fmt: skip


@transaction.atomic
def appeal(
    *, actor, original: Complaint, reason: str, on: dt.date | None = None, client_address=None
) -> Complaint:
    """复查 (R-G4): a new ticket linked to the closed one, handled one level up."""
    if original.state != "closed":
        raise ComplaintConflict("原投诉举报尚未办结，不能申请复查")
    if original.handler_level == "province":
        raise ComplaintConflict("省级办理的投诉举报不能再申请复查")
    if Complaint.unscoped.filter(appeal_of=original).exists():
        raise ComplaintConflict("已申请过复查")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ComplaintError("请说明申请复查的理由（至少5个字）", "reason")
    c = file_complaint(
        actor=actor, ctype=original.ctype, summary=f"复查：{original.summary}"[:200], content=reason,
        channel=original.channel, township=original.region_code, anonymous=original.anonymous,
        reporter_name=original.reporter_name or "匿名", household=original.household,
        application=None, case=original.case, subject_staff=original.subject_staff,
        subject_staff_name=original.subject_staff_name, subject_name=original.subject_name,
        xinfang=original.xinfang, appeal_of=original, on=on, client_address=client_address,
        check_pin="0000" if actor is None else "",
    )  # fmt: skip
    # the complainant keeps their tracking number's check and identity
    c.reporter_id_enc, c.reporter_id_index = original.reporter_id_enc, original.reporter_id_index
    c.reporter_id_masked, c.reporter_phone_enc = original.reporter_id_masked, original.reporter_phone_enc
    c.reporter_phone_masked, c.anonymous = original.reporter_phone_masked, original.anonymous
    c.reporter_name = original.reporter_name
    c.tracking_code, c.check_digest = None, ""  # followed under the original's tracking number
    c.save(update_fields=["reporter_id_enc", "reporter_id_index", "reporter_id_masked", "reporter_phone_enc",
                          "reporter_phone_masked", "anonymous", "reporter_name", "tracking_code",
                          "check_digest"])  # fmt: skip
    return c


@transaction.atomic
def extend_xinfang(*, actor, complaint: Complaint, reason: str, on: dt.date | None = None) -> Complaint:
    """A 信访 ticket's resolution extended once by ``xinfang.extend_days`` (信访工作条例), with a reason."""
    c = _locked(complaint, None)
    if why := may_handle(actor, c):
        raise PermissionError(why)
    if not c.xinfang or c.xinfang_extended or c.state == "closed":
        raise ComplaintConflict("只有未办结的信访事项可以延期一次")
    if not (reason or "").strip():
        raise ComplaintError("请说明延期理由", "reason")
    before = c.resolve_due
    _, c.resolve_due, _ = deadlines(c.ctype, c.region_code, c.received_on, xinfang=True, extended=True)
    c.xinfang_extended = True
    c.save(update_fields=["resolve_due", "xinfang_extended"])
    _step(actor, c, "extend", before=c.state, on=on or timezone.localdate(), note=reason.strip())
    _audit(actor, c, AuditAction.COMPLAINTS_MOVE, {"event": "extend", "resolve_due": c.resolve_due},
           {"resolve_due": before})  # fmt: skip
    return c


@transaction.atomic
def declare_relation(*, actor, user, household, relation: str, on: dt.date | None = None) -> StaffRelation:
    """近亲属备案 of a staff member (R-W4, R-G8): from then on they are recused from the household's tickets."""
    if relation not in StaffRelation.RELATIONS:
        raise ComplaintError("请选择亲属关系", "relation")
    if not (getattr(actor, "pk", None) and actor.can("complaints.write")):
        raise ComplaintError("您的角色不能登记近亲属备案", "actor")
    if not (actor.region_id and is_within(household.region_code, actor.region_id)):
        raise ComplaintError("该家庭不在您的管辖范围内", "household")
    rel, _ = StaffRelation.unscoped.update_or_create(
        user=user, household=household,
        defaults={"relation": relation, "region_code": household.region_code,
                  "declared_on": on or timezone.localdate()},
    )  # fmt: skip
    record_audit(actor=actor, action=AuditAction.COMPLAINTS_RELATION, region_code=household.region_code,
                 subject_type="staff_relation", subject_id=rel.pk,
                 after={"user": user.pk, "household": household.pk, "relation": relation})  # fmt: skip
    return rel


@transaction.atomic
def reveal_reporter(*, actor, complaint: Complaint) -> dict:
    """The complainant's full identity number and phone, for a handler who may see the ticket; logged."""
    if not (actor.can("complaints.reveal") and not recusal_reason(actor, complaint)):
        raise ComplaintError("您无权查看投诉人身份信息", "actor")
    _audit(actor, complaint, AuditAction.COMPLAINTS_REVEAL, {"number": complaint.number})
    return {
        "id_number": crypto.decrypt(complaint.reporter_id_enc) if complaint.reporter_id_enc else "",
        "phone": crypto.decrypt(complaint.reporter_phone_enc) if complaint.reporter_phone_enc else "",
    }


@transaction.atomic
def record_export(*, actor, rows: int) -> None:
    record_audit(actor=actor, action=AuditAction.COMPLAINTS_EXPORT, region_code=getattr(actor, "region_id", "") or "",
                 subject_type="complaint_export", subject_id="list", after={"rows": rows})  # fmt: skip


def record_sensitive_view(*, actor, complaint: Complaint, via: str = "page") -> None:
    """R-G7: every read of a sensitive ticket is logged (who, which, through which door)."""
    if complaint.sensitive:
        with transaction.atomic():
            record_read(actor=actor, action=AuditAction.COMPLAINTS_SENSITIVE_READ, region_code=complaint.region_code,
                        subject_type="complaint", subject_id=complaint.pk, detail=f"{via} {complaint.number}")  # fmt: skip
