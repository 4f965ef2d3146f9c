"""Every write of a temporary-assistance case (CASEWORK §6): apply/accept at the township where the
emergency happened (R-TA2), pay first from the township fund the same day (R-TA5, R-TA6), back-fill the
paperwork — statement, verification, investigation — within its working-day deadline, approve within the
township's or county's cap or after a deliberation record (R-TA4, R-TA7), or refuse. Each write validates,
writes, records the step and the audit entry in one transaction.

Verification and investigation are recorded here as dated steps with a note rather than through casework's
``Application`` machine: that machine is one registry household's standing application for the regular
tiers (members, authorisations, tier requests), which a non-resident in an emergency does not have."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.core.workdays import add_working_days
from doudi.policy.rules import temp_aid as rules
from doudi.regions.queries import find_region
from doudi.registry.identity import encode_identity
from doudi.registry.models import Person
from doudi.tempaid import fund_actions, notice_actions, params
from doudi.tempaid import roster_actions as roster_lines
from doudi.tempaid.base import TempAidConflict, TempAidError, audit, level
from doudi.tempaid.models import AidForm, AidType, CaseStep, Deliberation, PublicEmergency, TempAidCase

S = TempAidCase.State
K = CaseStep.Kind
BACKFILL_STEPS = (K.STATEMENT, K.VERIFY, K.INVESTIGATE)  # R-TA5 paperwork after a pay-first payment
ORDINARY_STEPS = (K.VERIFY, K.INVESTIGATE)  # R-TA3


def _today() -> dt.date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _step(actor, case: TempAidCase, kind: str, on: dt.date, note: str = "", amount: int = 0) -> CaseStep:
    step = CaseStep.unscoped.create(
        region_code=case.region_code,
        case=case,
        kind=kind,
        on=on,
        note=note[:500],
        amount=amount,
        actor=_user(actor),
    )
    audit(actor, AuditAction.TEMPAID_CASE, "tempaid_case", case,
          {"step": kind, "state": case.state, "amount": amount, "on": on.isoformat()})  # fmt: skip
    return step


def _writable(actor, case: TempAidCase, capability: str = "tempaid.write") -> TempAidCase:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can(capability) and code and is_within(case.region_code, code)):
        raise TempAidError("您无权办理该临时救助", "actor")
    return TempAidCase.unscoped.select_for_update().get(pk=case.pk)


def _number(township: str, on: dt.date) -> str:
    n = TempAidCase.unscoped.filter(region_code=township, accepted_on__year=on.year).count() + 1
    while True:
        number = f"LS{township[:9]}{on.year % 100:02d}{n:04d}"
        if not TempAidCase.unscoped.filter(number=number).exists():
            return number
        n += 1


def active_emergency(region_code: str, on: dt.date) -> PublicEmergency | None:
    """The declared public emergency covering the place on the date (R-TA6), if any."""
    codes = {region_code[:n].ljust(12, "0") for n in (2, 4, 6, 9)}
    return (
        PublicEmergency.unscoped.filter(region_code__in=codes, starts_on__lte=on, ends_on__gte=on)
        .order_by("-starts_on")
        .first()
    )


@transaction.atomic
def apply(
    *,
    actor,
    aid_type: str,
    event: str,
    event_date: dt.date,
    applicant_name: str,
    id_number: str = "",
    township: str = "",
    degree: int = 1,
    area_type: str = "urban",
    hukou_place: str = "",
    phone: str = "",
    expenditure: int = 0,
    reimbursed: int = 0,
    form: str = AidForm.CASH,
    referral_to: str = "",
    on: dt.date | None = None,
) -> TempAidCase:
    """Accept an application at the township where the emergency happened, whatever the household
    registration (R-TA2). A grid worker or township user applies for their own township; a county user
    names the township."""
    on = on or _today()
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("tempaid.apply") and code):
        raise TempAidError("您无权受理临时救助申请", "actor")
    township = (township or code)[:9].ljust(12, "0")
    region = find_region(township)
    if region is None or region.level != "township" or not is_within(township, code):
        raise TempAidError("请选择急难发生地所在的乡镇（街道），且应在您的辖区内", "township")
    if aid_type not in AidType.values:
        raise TempAidError("救助类型应为急难型或支出型", "aid_type")
    if int(degree) not in rules.DEGREES:
        raise TempAidError("困难档次无效", "degree")
    if form not in AidForm.values:
        raise TempAidError("救助方式无效", "form")
    if form == AidForm.REFERRAL and not referral_to.strip():
        raise TempAidError("转介须写明转介的部门或慈善组织", "referral_to")
    if not (event or "").strip():
        raise TempAidError("请填写急难事由", "event")
    if event_date > on:
        raise TempAidError("发生日期不能晚于受理日期", "event_date")
    if not (applicant_name or "").strip():
        raise TempAidError("请填写申请人姓名", "applicant_name")
    ident = encode_identity(id_number or None)
    if id_number and ident.id_problem:
        raise TempAidError("身份证号无效，请核对", "id_number")
    expenditure, reimbursed = int(expenditure or 0), int(reimbursed or 0)
    if expenditure < 0 or reimbursed < 0:
        raise TempAidError("金额不能为负数", "expenditure")
    if aid_type == AidType.EXPENDITURE and rules.counted_expenditure(expenditure, reimbursed) <= 0:
        raise TempAidError("支出型临时救助须有扣除已报销部分后的刚性支出", "expenditure")
    area_type = area_type if area_type in ("urban", "rural") else "urban"
    standard = params.standard(township, area_type, on)
    if standard <= 0:
        raise TempAidError("未找到当地低保标准，无法测算临时救助金额", "township")
    amount = rules.proposed_amount(
        aid_type,
        int(degree),
        standard,
        params.table(township, on),
        expenditure=expenditure,
        reimbursed=reimbursed,
    )
    household = None
    if ident.id_index:
        person = Person.unscoped.filter(id_index=ident.id_index).select_related("household").first()
        known = person.household if person is not None else None
        if known is not None and known.region_code.startswith(township[:6]):
            household = known
    case = TempAidCase.unscoped.create(
        region_code=township,
        number=_number(township, on),
        aid_type=aid_type,
        degree=int(degree),
        event=event.strip()[:300],
        event_date=event_date,
        area_type=area_type,
        applicant_name=applicant_name.strip()[:64],
        id_enc=ident.id_enc,
        id_index=ident.id_index,
        id_masked=ident.id_masked,
        hukou_place=hukou_place.strip()[:100],
        phone=phone.strip()[:20],
        household=household,
        emergency=active_emergency(township, event_date),
        expenditure=expenditure,
        reimbursed=reimbursed,
        form=form,
        referral_to=referral_to.strip()[:100],
        proposed_amount=amount,
        standard=standard,
        accepted_on=on,
        decision_due=add_working_days(on, params.days("deadline.temp_aid_wd", region_code=township, on=on)),
        created_by=_user(actor),
    )
    _step(actor, case, K.ACCEPT, on, f"{AidType(aid_type).label}：{case.event}", amount)
    return case


def pay_first_cap(case: TempAidCase, on: dt.date) -> int:
    emergency = case.emergency is not None and case.emergency.starts_on <= on <= case.emergency.ends_on
    urban = params.standard(case.region_code, "urban", on) if emergency else 0
    return rules.pay_first_cap(
        int(params.value("temp_aid.small_first_cap", region_code=case.region_code, on=on)),
        emergency_declared=emergency,
        urban_standard=urban,
        months=params.value("temp_aid.epidemic_months", region_code=case.region_code, on=on),
    )


@transaction.atomic
def pay_first(*, actor, case: TempAidCase, amount: int, on: dt.date | None = None, note: str = ""):
    """先行救助 (R-TA5, R-TA6): the township pays an 急难型 case the same working day from its fund, before
    verification; the paperwork is then due within ``deadline.temp_aid_backfill_wd``. Returns
    ``(case, top_up_request)``: when the fund cannot cover it nothing is paid and the county is asked."""
    on = on or _today()
    case = _writable(actor, case)
    if case.state != S.ACCEPTED or case.paid_first_on:
        raise TempAidConflict("只有已受理、尚未先行救助的案件可以先行救助", "state")
    if case.aid_type != AidType.EMERGENCY:
        raise TempAidError("先行救助只适用于急难型临时救助", "aid_type")
    if case.form == AidForm.REFERRAL:
        raise TempAidError("转介的案件不发放资金", "form")
    amount = int(amount)
    cap = pay_first_cap(case, on)
    if amount <= 0 or amount > cap:
        raise TempAidError(f"先行救助金额应在1至{cap}元之间", "amount")
    entry, topup = fund_actions.draw_for_case(actor=actor, case=case, amount=amount, on=on)
    if topup is not None:
        return case, topup
    case.state = S.PAID_FIRST
    case.paid_first_amount = amount
    case.paid_first_on = on
    case.backfill_due = add_working_days(
        on, params.days("deadline.temp_aid_backfill_wd", region_code=case.region_code, on=on)
    )
    case.save(update_fields=["state", "paid_first_amount", "paid_first_on", "backfill_due"])
    e = case.emergency
    rule = "R-TA6" if e is not None else "R-TA5"
    why = f"突发公共事件先行救助（{e.document}，编号{e.pk}）" if e is not None else "小金额先行救助"
    roster_lines.add_line(actor=actor, case=case, amount=amount, on=on, paid=True, rule=rule,
                          note=f"{case.number} {why}，备用金支付")  # fmt: skip
    _step(actor, case, K.PAY_FIRST, on, note or why, amount)
    audit(
        actor,
        AuditAction.TEMPAID_PAY,
        "tempaid_case",
        case,
        {"pay_first": amount, "fund_entry": getattr(entry, "pk", None)},
    )
    return case, None


def _missing(case: TempAidCase) -> list[str]:
    done = set(CaseStep.unscoped.filter(case=case).values_list("kind", flat=True))
    need = BACKFILL_STEPS if case.paid_first_on else ORDINARY_STEPS
    return [K(k).label for k in need if k not in done]


def missing_steps(case: TempAidCase) -> list[str]:
    return _missing(case)


def open_steps(case: TempAidCase) -> list[str]:
    """The paperwork steps still to record (in their order)."""
    done = set(CaseStep.unscoped.filter(case=case).values_list("kind", flat=True))
    need = BACKFILL_STEPS if case.paid_first_on else ORDINARY_STEPS
    return [k for k in need if k not in done]


@transaction.atomic
def record_step(*, actor, case: TempAidCase, kind: str, note: str, on: dt.date | None = None) -> TempAidCase:
    """A paperwork step (statement / verification / investigation); when the last one is in, the file is
    complete and waits for approval."""
    on = on or _today()
    if kind not in BACKFILL_STEPS:
        raise TempAidError("办理环节无效", "kind")
    if not (note or "").strip():
        raise TempAidError("请填写情况说明或核查结论", "note")
    case = _writable(actor, case, "tempaid.apply")
    if case.state not in (S.ACCEPTED, S.PAID_FIRST):
        raise TempAidConflict("该案件已不在核查阶段", "state")
    if kind == K.STATEMENT and not case.paid_first_on:
        raise TempAidError("事后补充说明用于先行救助的案件", "kind")
    _step(actor, case, kind, on, note.strip())
    if not _missing(case):
        case.state = S.READY
        case.backfill_done_on = on if case.paid_first_on else None
        case.save(update_fields=["state", "backfill_done_on"])
    return case


def required_authority(case: TempAidCase, amount: int) -> str:
    on = case.accepted_on
    return rules.required_authority(
        amount,
        case.standard,
        params.value("temp_aid.township_cap_multiple", region_code=case.region_code, on=on),
        params.value("temp_aid.county_cap_multiple", region_code=case.region_code, on=on),
    )


def caps(case: TempAidCase) -> dict[str, int]:
    """The township's and the county's caps in yuan for the case (R-TA4)."""
    on = case.accepted_on
    return {
        level: rules.yuan(
            params.value(f"temp_aid.{level}_cap_multiple", region_code=case.region_code, on=on)
            * case.standard
        )
        for level in ("township", "county")
    }


def _previous_total(case: TempAidCase, on: dt.date) -> int:
    if not case.id_index:
        return 0
    qs = TempAidCase.unscoped.filter(
        id_index=case.id_index, state=S.APPROVED, decided_on__gt=on - dt.timedelta(days=365)
    )
    return int(qs.exclude(pk=case.pk).aggregate(s=Sum("approved_amount"))["s"] or 0)


@transaction.atomic
def approve(
    *, actor, case: TempAidCase, amount: int, on: dt.date | None = None, note: str = ""
) -> TempAidCase:
    """Approve the total amount (including what was paid first). The township approves up to its cap, the
    county up to its own, above it only with a deliberation record that authorised at least the amount
    (R-TA4, R-TA7); the annual cap applies (R-TA4). The remainder after the pay-first payment goes on the
    roster (programme TEMP); a lower total than what was paid first is a review, not a recovery (R-TA5)."""
    on = on or _today()
    case = _writable(actor, case)
    if case.state not in (S.READY, S.DELIBERATION, S.NOTICE):
        missing = "、".join(_missing(case))
        raise TempAidConflict(
            f"手续尚未齐全（缺：{missing}）" if missing else "该案件不在待审批状态", "state"
        )
    notice_actions.check_decidable(case, on)  # R-TA3: after the notice, every objection answered
    amount = int(amount)
    if amount < 0 or (amount == 0 and case.form != AidForm.REFERRAL):
        raise TempAidError("批准金额应大于0", "amount")
    need = required_authority(case, amount)
    deliberation = (
        Deliberation.unscoped.filter(
            case=case,
            decision__in=(Deliberation.Decision.PAY, Deliberation.Decision.REFER),
            amount__gte=amount,
        )
        .order_by("-held_on")
        .first()
    )
    if not rules.may_approve(level(actor), need, deliberated=deliberation is not None):
        if need == rules.DELIBERATION:
            raise TempAidError("金额超过县级审批上限，须经县级协调机制“一事一议”研究后由县级审批", "amount")
        raise TempAidError("金额超过乡镇（街道）审批上限，须报县级民政部门审批", "amount")
    annual = params.value("temp_aid.annual_cap_multiple", region_code=case.region_code, on=on)
    if need != rules.DELIBERATION and not rules.within_annual_cap(
        _previous_total(case, on), amount, case.standard, annual
    ):
        raise TempAidError("超过每户12个月临时救助累计上限，须“一事一议”", "amount")
    case.state = S.APPROVED
    case.approved_amount = amount
    case.authority = need
    case.decided_on = on
    case.decided_by = _user(actor)
    case.followup_note = followup_proposal(case)
    case.save(
        update_fields=["state", "approved_amount", "authority", "decided_on", "decided_by", "followup_note"]
    )
    rest = amount - case.paid_first_amount
    if rest > 0 and case.form == AidForm.CASH:
        rule = "R-TA7" if need == rules.DELIBERATION else "R-TA4"
        roster_lines.add_line(actor=actor, case=case, amount=rest, on=on, paid=False, rule=rule,
                              note=f"{case.number} 临时救助（扣除先行救助{case.paid_first_amount}元）")  # fmt: skip
    if rest < 0:
        note = (
            note + f"；批准金额低于已先行救助金额{case.paid_first_amount}元，转复核（不自动追回）"
        ).lstrip("；")
    _step(actor, case, K.APPROVE, on, note or "", amount)
    audit(
        actor,
        AuditAction.TEMPAID_PAY,
        "tempaid_case",
        case,
        {"approved": amount, "authority": need, "roster": max(rest, 0)},
    )
    return case


def followup_proposal(case: TempAidCase) -> str:
    """R-TA10: after aid, screen for the regular tiers and special assistance; propose an application
    with the family's consent when the hardship continues."""
    if case.aid_type == AidType.EXPENDITURE or case.degree >= 2:
        return "困难可能持续：建议征得家庭同意后筛查低保、低保边缘、支出型困难及专项救助，符合条件的引导申请"
    return "请回访了解困难是否持续，必要时筛查低保、低保边缘、支出型困难及专项救助"


@transaction.atomic
def to_deliberation(*, actor, case: TempAidCase, on: dt.date | None = None, note: str = "") -> TempAidCase:
    on = on or _today()
    case = _writable(actor, case)
    if case.state not in (S.READY, S.NOTICE):
        raise TempAidConflict("手续齐全后才能提交“一事一议”", "state")
    notice_actions.check_decidable(case, on)
    case.state = S.DELIBERATION
    case.save(update_fields=["state"])
    _step(actor, case, K.DELIBERATE, on, note or "提交县级困难群众基本生活保障工作协调机制“一事一议”")
    return case


@transaction.atomic
def refuse(*, actor, case: TempAidCase, reason: str, on: dt.date | None = None) -> TempAidCase:
    on = on or _today()
    case = _writable(actor, case)
    if case.state in (S.APPROVED, S.REFUSED, S.REFERRED):
        raise TempAidConflict("该案件已办结", "state")
    if not (reason or "").strip():
        raise TempAidError("请填写不予救助的理由", "reason")
    case.state = S.REFUSED
    case.refusal_reason = reason.strip()[:300]
    case.decided_on = on
    case.decided_by = _user(actor)
    case.save(update_fields=["state", "refusal_reason", "decided_on", "decided_by"])
    note = case.refusal_reason
    if case.paid_first_amount:
        note += f"（已先行救助{case.paid_first_amount}元，转复核，不自动追回；虚报冒领的按规定追回）"
    letter = notice_actions.refusal_letter(actor=actor, case=case, on=on)  # R-TA3 → R-W25
    _step(actor, case, K.REFUSE, on, f"{note}；出具{letter.title} {letter.number}")
    return case


@transaction.atomic
def followup_done(*, actor, case: TempAidCase, note: str, on: dt.date | None = None) -> TempAidCase:
    on = on or _today()
    case = _writable(actor, case, "tempaid.apply")
    if case.state != S.APPROVED:
        raise TempAidConflict("救助批准后才能登记后续筛查", "state")
    if not (note or "").strip():
        raise TempAidError("请填写筛查结果", "note")
    case.followup_done = True
    case.save(update_fields=["followup_done"])
    _step(actor, case, K.FOLLOWUP, on, note.strip())
    return case


def reveal_id(*, actor, case: TempAidCase) -> str:
    from doudi.core import crypto

    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("tempaid.write") and is_within(case.region_code, code)):
        raise TempAidError("您无权查看完整身份证号", "actor")
    audit(actor, AuditAction.TEMPAID_REVEAL, "tempaid_case", case, {"case": case.number})
    return crypto.decrypt(case.id_enc) if case.id_enc else ""


@transaction.atomic
def record_export(*, actor, what: str, rows: int) -> None:
    """An export of a list is audited (who, what, how many rows) in the caller's region."""
    from doudi.core.audit import record_audit

    record_audit(
        actor=actor,
        action=AuditAction.TEMPAID_EXPORT,
        region_code=getattr(actor, "region_id", None) or "",
        subject_type="tempaid_export",
        subject_id=what,
        after={"what": what, "rows": rows},
    )
