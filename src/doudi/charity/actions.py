"""Every write of charities and of the needs library (R-P4): register a charity and its users; create a need
(from a case, an application, a warning or a visit) for a household in the writer's region; record and withdraw
the family's consent; submit, approve (the anonymised story) and publish; close. Each validates, writes, appends
the history and the audit entry in one transaction. Claims and deliveries are ``claim_actions``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from doudi.charity import anonymise, rules
from doudi.charity.base import CharityConflict, CharityError, county_of
from doudi.charity.history_actions import audit, step
from doudi.charity.models import Charity, CharityMember, Need
from doudi.charity.release_actions import locked, release_claims_of
from doudi.core import tracking
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.regions.queries import find_region, names_for

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class StoryRefused(CharityError):
    """The public title or story still identifies the family; ``suggestion`` is the redacted version."""

    def __init__(self, message: str, suggestion: str, title_suggestion: str):
        super().__init__(message, "public_story")
        self.suggestion = suggestion
        self.title_suggestion = title_suggestion


def _require(actor, capability: str, region_code: str | None = None) -> None:
    if not (getattr(actor, "is_active", False) and actor.can(capability)):
        raise PermissionError("您的角色不能执行此操作")
    if region_code is not None and not (actor.region_id and is_within(region_code, actor.region_id)):
        raise PermissionError("不在您的管辖范围内")


# --- charities ------------------------------------------------------------------------------------------


@transaction.atomic
def register_charity(*, actor, name: str, credit_code: str, authority: str, service_area: list[str],
                     contact_name: str, contact_phone: str, on: dt.date | None = None) -> Charity:  # fmt: skip
    """A county, city or province officer registers a charity serving regions of their own subtree."""
    _require(actor, "charity.register")
    name, code = (name or "").strip(), (credit_code or "").strip().upper()
    if len(name) < 4:
        raise CharityError("请填写慈善组织全称", "name")
    if not CREDIT_CODE.match(code):
        raise CharityError("统一社会信用代码应为18位数字或大写字母", "credit_code")
    if Charity.unscoped.filter(credit_code=code).exists():
        raise CharityError("该统一社会信用代码已登记", "credit_code")
    areas = sorted({str(c).strip().ljust(12, "0") for c in service_area or [] if str(c).strip()})
    if not areas:
        raise CharityError("请选择服务区域", "service_area")
    for c in areas:
        region = find_region(c)
        if region is None or region.level not in ("province", "city", "county"):
            raise CharityError("服务区域应为县（市、区）、市（州）或全省", "service_area")
        if not is_within(c, actor.region_id):
            raise CharityError(f"服务区域“{region.name}”不在您的管辖范围内", "service_area")
    phone = "".join(ch for ch in contact_phone or "" if ch.isdigit() or ch == "-")
    if not (contact_name or "").strip() or len(phone) < 7:
        raise CharityError("请填写联系人和联系电话", "contact_phone")
    charity = Charity.unscoped.create(
        region_code=actor.region_id, name=name[:100], credit_code=code, authority=(authority or "").strip()[:60],
        service_area=areas, contact_name=contact_name.strip()[:40], contact_phone=phone[:20],
        registered_on=on or timezone.localdate(), registered_by=actor,
    )  # fmt: skip
    audit(actor, AuditAction.CHARITY_REGISTER, region_code=charity.region_code, subject_type="charity",
          subject_id=charity.pk, after={"name": charity.name, "service_area": areas})  # fmt: skip
    return charity


@transaction.atomic
def add_member(*, actor, charity: Charity, user) -> CharityMember:
    _require(actor, "charity.register", charity.region_code)
    if getattr(user, "role", "") != "charity":
        raise CharityError("只能关联“慈善组织”角色的账号", "user")
    if CharityMember.unscoped.filter(user_id=user.pk).exists():
        raise CharityError("该账号已关联慈善组织", "user")
    member = CharityMember.unscoped.create(
        charity=charity,
        user=user,
        region_code=charity.region_code,
        added_on=timezone.localdate(),
        added_by=actor,
    )
    audit(actor, AuditAction.CHARITY_REGISTER, region_code=charity.region_code, subject_type="charity",
          subject_id=charity.pk, after={"member": user.get_username()})  # fmt: skip
    return member


# --- needs ----------------------------------------------------------------------------------------------


def _amount(raw) -> Decimal:
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CharityError("请填写正确的金额或数量", "target") from None
    if value <= 0 or value >= Decimal("1e9"):
        raise CharityError("金额或数量应大于0", "target")
    return value


def _origin(origin: str, ref) -> tuple[str, int | None, str]:
    if origin not in rules.ORIGINS:
        raise CharityError("请选择需求来源", "origin")
    if ref is None:
        if origin in ("case", "application", "warning"):
            raise CharityError(f"来源为{rules.ORIGINS[origin]}时须指明所涉记录", "origin_ref")
        return "", None, ""
    label = getattr(ref, "number", "") or f"{ref._meta.verbose_name}{ref.pk}"
    return ref._meta.label_lower, ref.pk, str(label)[:40]


def _fields(category, title, description, measure, target, unit, due_on, today) -> dict:
    if category not in rules.CATEGORIES:
        raise CharityError("请选择需求类别", "category")
    title, description = (title or "").strip(), (description or "").strip()
    if len(title) < 4:
        raise CharityError("请填写需求标题（至少4个字）", "title")
    if len(description) < 10:
        raise CharityError("请说明具体需要什么（至少10个字）", "description")
    if measure not in rules.MEASURES:
        raise CharityError("请选择资金或物资", "measure")
    unit = "元" if measure == "money" else (unit or "").strip()[:8]
    if not unit:
        raise CharityError("物资需求请填写单位（如：件、袋、台）", "unit")
    if due_on is None or due_on <= today:
        raise CharityError("需求截止日期应晚于今天", "due_on")
    return {"category": category, "title": title[:60], "description": description[:8000], "measure": measure,
            "target": _amount(target), "unit": unit, "due_on": due_on}  # fmt: skip


@transaction.atomic
def create_need(*, actor, household, category: str, title: str, description: str, measure: str = "money",
                target, unit: str = "元", due_on: dt.date, origin: str = "township", origin_ref=None,
                person=None, public_story: str = "") -> Need:  # fmt: skip
    """A grid worker or township records a need for a household of its region (a draft until the family's
    consent and the public story are in)."""
    _require(actor, "charity.propose", household.region_code)
    if origin_ref is not None and getattr(origin_ref, "household_id", household.pk) != household.pk:
        raise CharityError("所涉记录不属于该家庭", "origin_ref")
    if person is not None and person.household_id != household.pk:
        raise CharityError("所选人员不是该家庭的成员", "person")
    today = timezone.localdate()
    fields = _fields(category, title, description, measure, target, unit, due_on, today)
    otype, oid, olabel = _origin(origin, origin_ref)
    need = Need.unscoped.create(
        public_number=f"XQ{tracking.new_code()}", region_code=household.region_code,
        county_code=county_of(household.region_code), household=household, person=person, origin=origin,
        origin_type=otype, origin_id=oid, origin_label=olabel, public_story=(public_story or "").strip()[:4000],
        created_by=actor, **fields,
    )  # fmt: skip
    step(actor, need, "登记帮扶需求", before="", note=f"来源：{rules.ORIGINS[origin]} {olabel}".strip())
    _audit_need(
        actor, need, {"created": need.public_number, "category": category, "target": str(need.target)}
    )
    return need


def _audit_need(actor, need: Need, after: dict, before: dict | None = None) -> None:
    audit(actor, AuditAction.CHARITY_NEED, region_code=need.region_code, subject_type="charity_need",
          subject_id=need.pk, after=after, before=before)  # fmt: skip


@transaction.atomic
def update_need(*, actor, need: Need, category: str, title: str, description: str, measure: str, target,
                unit: str, due_on: dt.date, public_story: str) -> Need:  # fmt: skip
    _require(actor, "charity.propose", need.region_code)
    need = locked(need)
    if need.state not in rules.EDITABLE:
        raise CharityConflict("需求已发布，不能修改；如有变化请关闭后重新登记")
    fields = _fields(category, title, description, measure, target, unit, due_on, timezone.localdate())
    for k, v in fields.items():
        setattr(need, k, v)
    need.public_story = (public_story or "").strip()[:4000]
    need.version += 1
    need.save()
    step(actor, need, "修改需求及公开说明", before=need.state)
    _audit_need(actor, need, {"edited": True})
    return need


@transaction.atomic
def record_consent(*, actor, need: Need, by: str, on: dt.date, method: str) -> Need:
    """The family's consent to publication (同意人, 日期, 方式): required before the need is submitted."""
    _require(actor, "charity.propose", need.region_code)
    need = locked(need)
    if need.state not in rules.EDITABLE:
        raise CharityConflict("只有草稿或待审核的需求可以登记家庭同意")
    if len((by or "").strip()) < 2:
        raise CharityError("请填写同意人姓名", "consent_by")
    if on is None or on > timezone.localdate():
        raise CharityError("同意日期不能晚于今天", "consent_on")
    if method not in rules.CONSENT_METHODS:
        raise CharityError("请选择同意方式", "consent_method")
    need.consent_by, need.consent_on, need.consent_method = by.strip()[:64], on, method
    need.consent_withdrawn_on = None
    need.save(update_fields=["consent_by", "consent_on", "consent_method", "consent_withdrawn_on"])
    step(
        actor, need, "登记家庭同意", before=need.state, note=f"{rules.CONSENT_METHODS[method]}，{on:%Y-%m-%d}"
    )
    audit(actor, AuditAction.CHARITY_CONSENT, region_code=need.region_code, subject_type="charity_need",
          subject_id=need.pk, after={"consent_on": on, "method": method})  # fmt: skip
    return need


@transaction.atomic
def submit(*, actor, need: Need) -> Need:
    _require(actor, "charity.propose", need.region_code)
    need = locked(need)
    if need.state != "draft":
        raise CharityConflict("只有草稿可以提交审核")
    if not need.has_consent:
        raise CharityError("须先登记家庭同意公开，才能提交审核", "consent")
    if len(need.public_story.strip()) < 10:
        raise CharityError("请先填写公开说明（至少10个字，不含可识别家庭的信息）", "public_story")
    need.state = "pending"
    need.save(update_fields=["state"])
    step(actor, need, "提交审核", before="draft")
    _audit_need(actor, need, {"state": "pending"}, {"state": "draft"})
    return need


def identifying(need: Need) -> dict:
    """What the public text of ``need`` must not contain: members' names and birth dates, the consenting
    person, the village's and township's names."""
    from doudi.registry.models import Person

    people = list(Person.unscoped.filter(household_id=need.household_id).values_list("name", "birth_date"))
    codes = {need.region_code, need.region_code[:9].ljust(12, "0")} - {county_of(need.region_code)}
    places = list(names_for(codes).values())
    return {
        "names": [n for n, _ in people] + ([need.consent_by] if need.consent_by else []),
        "birth_dates": [b for _, b in people if b],
        "places": places,
    }


def check_story(need: Need, title: str, story: str) -> None:
    """Refuse a title or story that identifies the family (``StoryRefused`` names what was found)."""
    found_on = identifying(need)
    found = anonymise.findings(f"{title}\n{story}", **found_on)
    if found:
        raise StoryRefused(anonymise.error_message(found), anonymise.redact(story, **found_on),
                           anonymise.redact(title, **found_on))  # fmt: skip


@transaction.atomic
def approve(*, actor, need: Need, title: str | None = None, public_story: str | None = None) -> Need:
    """The township approves the anonymised title and story and publishes the need (consent required)."""
    _require(actor, "charity.approve", need.region_code)
    need = locked(need)
    if need.state != "pending":
        raise CharityConflict("只有待审核的需求可以审核发布")
    if not need.has_consent:
        raise CharityError("没有家庭同意，不能发布", "consent")
    title = (title if title is not None else need.title).strip()[:60]
    story = (public_story if public_story is not None else need.public_story).strip()[:4000]
    if len(story) < 10 or len(title) < 4:
        raise CharityError("请填写需求标题和公开说明", "public_story")
    check_story(need, title, story)
    need.title, need.public_story = title, story
    need.state, need.published_on = "published", timezone.localdate()
    need.story_approved_by, need.story_approved_at = actor, timezone.now()
    need.version += 1
    need.save()
    step(actor, need, "审核通过并发布", before="pending")
    _audit_need(actor, need, {"state": "published"}, {"state": "pending"})
    return need


@transaction.atomic
def send_back(*, actor, need: Need, reason: str) -> Need:
    _require(actor, "charity.approve", need.region_code)
    need = locked(need)
    if need.state != "pending":
        raise CharityConflict("只有待审核的需求可以退回修改")
    if len((reason or "").strip()) < 2:
        raise CharityError("请说明退回原因", "reason")
    need.state = "draft"
    need.save(update_fields=["state"])
    step(actor, need, "退回修改", before="pending", note=reason.strip())
    _audit_need(actor, need, {"state": "draft"}, {"state": "pending"})
    return need


@transaction.atomic
def withdraw_consent(*, actor, need: Need, on: dt.date | None = None, note: str = "") -> Need:
    """The family withdraws its consent: the need leaves the library at once and its open claims are released
    (deliveries awaiting confirmation are returned)."""
    _require(actor, "charity.propose", need.region_code)
    need = locked(need)
    if need.state in ("completed", "closed", "withdrawn"):
        raise CharityConflict("该需求已办结、关闭或撤回")
    before = need.state
    need.consent_withdrawn_on = on or timezone.localdate()
    need.state, need.closed_on, need.close_reason = "withdrawn", need.consent_withdrawn_on, "家庭撤回同意"
    need.version += 1
    need.save()
    released = release_claims_of(need, reason="家庭撤回同意，认领已释放")
    step(actor, need, "家庭撤回同意，需求撤下", before=before, note=(note or "").strip())
    audit(actor, AuditAction.CHARITY_CONSENT, region_code=need.region_code, subject_type="charity_need",
          subject_id=need.pk, after={"withdrawn_on": need.consent_withdrawn_on, "claims_released": released},
          before={"state": before})  # fmt: skip
    return need


@transaction.atomic
def close(*, actor, need: Need, reason: str) -> Need:
    _require(actor, "charity.approve", need.region_code)
    need = locked(need)
    if need.state in ("completed", "closed", "withdrawn"):
        raise CharityConflict("该需求已办结、关闭或撤回")
    if len((reason or "").strip()) < 2:
        raise CharityError("请说明关闭原因", "reason")
    if need.deliveries.filter(state="submitted").exists():
        raise CharityConflict("有待确认的交付，请先确认或退回")
    before = need.state
    need.state, need.closed_on, need.close_reason = "closed", timezone.localdate(), reason.strip()[:200]
    need.version += 1
    need.save()
    released = release_claims_of(need, reason="需求已关闭，认领已释放")
    step(actor, need, "关闭需求", before=before, note=reason.strip())
    _audit_need(actor, need, {"state": "closed", "claims_released": released}, {"state": before})
    return need


@transaction.atomic
def record_export(*, actor, rows: int) -> None:
    audit(actor, AuditAction.CHARITY_EXPORT, region_code=actor.region_id or "", subject_type="charity_export",
          subject_id="", after={"rows": rows})  # fmt: skip
