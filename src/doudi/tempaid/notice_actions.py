"""The ordinary procedure's notice and refusal (R-TA3).

* **Notice** (公示): when ``temp_aid.notice_days`` of the place is above 0, a complete ordinary case (not a
  pay-first one: R-TA5 pays before verification and notice) is put on notice before it is decided. The
  period ends ``notice_days`` working days after it starts (holiday calendar); the township's 临时救助公示
  letter is issued; objections are recorded and each is answered (upheld or not) before the decision. The
  case is approved (or sent to 一事一议) only after the period has ended with every objection answered.
* **Refusal letter** (R-W25 text): a refusal issues the 不予临时救助告知书 with the reason, the figures and
  the remedies (行政复议、行政诉讼), from the authority that decided (township or county).

Every write validates, writes, records the step and the audit entry in one transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.core.workdays import add_working_days
from doudi.letters import queries as letter_queries
from doudi.letters.actions import LetterError, issue_letter
from doudi.policy.rules import temp_aid as rules
from doudi.tempaid import params
from doudi.tempaid.base import TempAidConflict, TempAidError, audit, level
from doudi.tempaid.models import AidType, CaseStep, NoticeObjection, TempAidCase

S = TempAidCase.State
K = CaseStep.Kind
REF = "tempaid.case"


def letter_number(case: TempAidCase) -> str:
    """The case number as letters print it: ``LS<township>-<yy><nnnn>`` (15 digits in a row would read as
    an identity number, which a letter refuses)."""
    n = case.number
    return f"{n[:11]}-{n[11:]}" if n.startswith("LS") and len(n) > 11 else n


def notice_days(case: TempAidCase, on: dt.date) -> int:
    return max(params.days("temp_aid.notice_days", region_code=case.region_code, on=on), 0)


def needs_notice(case: TempAidCase, on: dt.date) -> bool:
    """An ordinary case (not paid first) of a place whose ``temp_aid.notice_days`` is above 0."""
    return not case.paid_first_on and notice_days(case, on) > 0


def open_objections(case: TempAidCase) -> int:
    return NoticeObjection.unscoped.filter(case=case, answered_on__isnull=True).count()


def check_decidable(case: TempAidCase, on: dt.date) -> None:
    """Raise unless the case may be decided now as far as the notice goes (approve, 一事一议 — submitted
    or recorded): a case that needs a notice and never had one, or whose period or objections are open."""
    if case.state == S.NOTICE:
        if case.notice_end is not None and on <= case.notice_end:
            raise TempAidConflict(f"公示期至{case.notice_end:%Y-%m-%d}，期满后才能审批", "state")
        if open_objections(case):
            raise TempAidConflict("公示期间收到的异议尚未核实处理，不能审批", "state")
    elif case.notice_start is None and needs_notice(case, on):
        raise TempAidConflict(f"本地临时救助须公示{notice_days(case, on)}个工作日，请先公示", "state")


def _writable(actor, case: TempAidCase, capability: str = "tempaid.write") -> TempAidCase:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can(capability) and code and is_within(case.region_code, code)):
        raise TempAidError("您无权办理该临时救助", "actor")
    return TempAidCase.unscoped.select_for_update().get(pk=case.pk)


def _step(actor, case: TempAidCase, kind: str, on: dt.date, note: str) -> None:
    CaseStep.unscoped.create(
        region_code=case.region_code, case=case, kind=kind, on=on, note=note[:500],
        actor=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip


@transaction.atomic
def start_notice(*, actor, case: TempAidCase, on: dt.date | None = None, amount: int | None = None):
    """Put a complete case on notice for ``temp_aid.notice_days`` working days and issue the notice."""
    on = on or timezone.localdate()
    case = _writable(actor, case)
    if case.state != S.READY:
        raise TempAidConflict("手续齐全、待审批的案件才能公示", "state")
    days = notice_days(case, on)
    if case.paid_first_on or days <= 0:
        raise TempAidConflict("本案无需公示（未设置公示期，或为先行救助案件）", "state")
    amount = int(amount if amount is not None else case.proposed_amount)
    case.state = S.NOTICE
    case.notice_start = on
    case.notice_end = add_working_days(on, days)
    case.save(update_fields=["state", "notice_start", "notice_end"])
    row = {
        "number": letter_number(case), "applicant_name": case.applicant_name,
        "aid_type": AidType(case.aid_type).label, "event": case.event[:40], "amount": f"{amount:,}",
    }  # fmt: skip
    try:
        letter = issue_letter(
            actor=actor, kind="temp_aid_notice", region_code=case.region_code,
            household_id=case.household_id, ref=(REF, case.pk), on=on,
            context={"notice_rows": [row], "notice_start": on, "notice_end": case.notice_end,
                     "notice_days": days},
        )  # fmt: skip
    except LetterError as exc:
        raise TempAidError(str(exc), "letter") from exc
    _step(actor, case, K.NOTICE, on, f"公示{days}个工作日，至{case.notice_end:%Y-%m-%d}（{letter.number}）")
    audit(actor, AuditAction.TEMPAID_NOTICE, "tempaid_case", case,
          {"notice_start": on.isoformat(), "notice_end": case.notice_end.isoformat(), "letter": letter.number})  # fmt: skip
    return case


@transaction.atomic
def record_objection(
    *, actor, case: TempAidCase, content: str, raised_by: str = "", on: dt.date | None = None
) -> NoticeObjection:
    """An objection received during the notice period (the person raising it is kept confidential)."""
    on = on or timezone.localdate()
    case = _writable(actor, case, "tempaid.apply")
    if case.state != S.NOTICE:
        raise TempAidConflict("只有公示中的案件可以登记异议", "state")
    if case.notice_end is not None and on > case.notice_end:
        raise TempAidError("公示期已结束，不再受理公示异议（可按投诉举报办理）", "on")
    if not (content or "").strip():
        raise TempAidError("请填写异议内容", "content")
    obj = NoticeObjection.unscoped.create(
        region_code=case.region_code, case=case, received_on=on, content=content.strip()[:500],
        raised_by=(raised_by or "").strip()[:64], recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    _step(actor, case, K.OBJECTION, on, obj.content)
    audit(actor, AuditAction.TEMPAID_NOTICE, "tempaid_case", case, {"objection": obj.pk})
    return obj


@transaction.atomic
def answer_objection(
    *, actor, objection: NoticeObjection, upheld: bool, finding: str, on: dt.date | None = None
) -> NoticeObjection:
    """The township's finding on an objection. An upheld objection is the refusal's reason to weigh."""
    on = on or timezone.localdate()
    case = _writable(actor, objection.case)
    obj = NoticeObjection.unscoped.select_for_update().get(pk=objection.pk)
    if obj.answered_on is not None:
        raise TempAidConflict("该异议已核实处理", "state")
    if not (finding or "").strip():
        raise TempAidError("请填写核实结论", "finding")
    obj.upheld, obj.finding, obj.answered_on = bool(upheld), finding.strip()[:500], on
    obj.save(update_fields=["upheld", "finding", "answered_on"])
    _step(actor, case, K.ANSWER, on, f"{'异议成立' if upheld else '异议不成立'}：{obj.finding}")
    audit(actor, AuditAction.TEMPAID_NOTICE, "tempaid_case", case,
          {"objection": obj.pk, "upheld": bool(upheld)})  # fmt: skip
    return obj


def refusal_letter(*, actor, case: TempAidCase, on: dt.date):
    """不予临时救助告知书 (R-TA3 → R-W25): reason, figures and remedies; issued by the deciding authority
    (inside the refusal's transaction)."""
    figures = f"测算金额{case.proposed_amount}元（当地低保标准{case.standard}元/月）"
    if case.aid_type == AidType.EXPENDITURE:
        figures += f"；刚性支出{case.expenditure}元，已报销{case.reimbursed}元"
    context: dict = {
        "applicant_name": case.applicant_name,
        "application_no": letter_number(case),
        "aid_type": AidType(case.aid_type).label,
        "event": case.event,
        "decided_on": on,
        "failed_conditions": [
            {"rule": "临时救助条件（R-TA1、R-TA3）", "text": case.refusal_reason, "figures": figures}
        ],
        "followup": "如生活困难持续，可向户籍所在地乡镇（街道）申请最低生活保障等社会救助。",
    }
    if case.paid_first_amount:
        context["paid_first_note"] = (
            f"已先行救助的{case.paid_first_amount}元转复核，不自动追回；隐瞒或虚报情况的依法追回。"
        )
    places = letter_queries.places_of(case.region_code)
    if places is not None and level(actor) == rules.COUNTY:
        context["issuer"] = places.county_issuer
    try:
        return issue_letter(
            actor=actor, kind="temp_aid_refusal", region_code=case.region_code,
            household_id=case.household_id, ref=(REF, case.pk), context=context, on=on,
        )  # fmt: skip
    except LetterError as exc:
        raise TempAidError(str(exc), "letter") from exc
