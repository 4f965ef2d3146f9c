"""Claims, pledges and deliveries (认领认捐, R-P4). A claim locks the need's row (``select_for_update``) and
re-reads what is left, so concurrent claims never add up to more than the need; ``claimed`` counts live and
fulfilled claims. A claim (认领) holds its part for ``charity.claim_lock_days``, a pledge (认捐) for
``charity.delivery_days``; the daily job releases what expired. The township confirms a delivery (the household's
chain gets a 慈善帮扶 event) or returns it with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from doudi.charity import params, rules
from doudi.charity.base import CharityConflict, CharityError, charity_of, in_area
from doudi.charity.history_actions import audit, step
from doudi.charity.models import Claim, Delivery, Need, NeedStep
from doudi.charity.release_actions import locked
from doudi.charity.release_actions import release as _release
from doudi.core.audit_actions import AuditAction
from doudi.core.files import file_type
from doudi.core.scoping import is_within

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}


def evidence_type(head: bytes) -> str | None:
    """The evidence file's type from its first bytes (JPEG, PNG, WebP or PDF), None for anything else."""
    kind = file_type(head)
    return kind if kind in EVIDENCE_TYPES else None


def _member(actor):
    charity = charity_of(actor)
    if charity is None or not actor.can("charity.claim"):
        raise PermissionError("您的账号未关联有效的慈善组织")
    return charity


def _qty(raw) -> Decimal:
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise CharityError("请填写正确的金额或数量", "amount") from None
    if value <= 0:
        raise CharityError("金额或数量应大于0", "amount")
    return value


def _audit_claim(actor, claim: Claim, after: dict, action=AuditAction.CHARITY_CLAIM) -> None:
    audit(actor, action, region_code=claim.region_code, subject_type="charity_claim", subject_id=claim.pk,
          after=after)  # fmt: skip


def _set_state(need: Need, today: dt.date) -> None:
    need.state = rules.state_after(need.state, need.target, need.claimed, need.fulfilled)
    if need.state == "completed" and need.completed_on is None:
        need.completed_on = today


@transaction.atomic
def claim(*, actor, need: Need, amount) -> Claim:
    """A charity claims all or part of what is left of a published need in its service area."""
    charity = _member(actor)
    amount = _qty(amount)
    need = locked(need)  # SELECT … FOR UPDATE: concurrent claims on this need wait here
    if not in_area(charity, need.region_code):
        raise Need.DoesNotExist("not in the charity's service area")
    if need.state not in rules.OPEN:
        raise CharityConflict("该需求已认领完毕或不在发布中")
    if need.due_on < timezone.localdate():
        raise CharityConflict("该需求已过截止日期")
    left = rules.remaining(need.target, need.claimed)
    if amount > left:
        raise CharityConflict(f"认领数超过剩余所需（剩余 {left} {need.unit}）")
    today = timezone.localdate()
    days = params.days("charity.claim_lock_days", region_code=need.region_code, on=today)
    c = Claim.unscoped.create(
        need=need, charity=charity, region_code=need.region_code, amount=amount, state="locked",
        locked_until=today + dt.timedelta(days=days), claimed_by=actor, claimed_on=today,
    )  # fmt: skip
    before = need.state
    need.claimed += amount
    _set_state(need, today)
    need.version += 1
    need.save(update_fields=["claimed", "state", "completed_on", "version"])
    step(actor, need, "慈善组织认领", before=before, note=f"{charity.name} 认领 {amount} {need.unit}")
    _audit_claim(
        actor, c, {"need": need.public_number, "amount": str(amount), "locked_until": c.locked_until}
    )
    return c


def _own_claim(actor, c: Claim, states: tuple[str, ...]) -> Claim:
    charity = _member(actor)
    fresh = Claim.unscoped.select_for_update().get(pk=c.pk)
    if fresh.charity_id != charity.pk:
        raise Claim.DoesNotExist("not this charity's claim")
    if fresh.state not in states:
        raise CharityConflict(f"该认领当前为“{fresh.state_label}”，不能办理此事项")
    return fresh


@transaction.atomic
def pledge(*, actor, claim: Claim) -> Claim:
    """认捐: the charity commits to give what it claimed; the hold runs on for the delivery period."""
    locked(claim.need)
    c = _own_claim(actor, claim, ("locked",))
    today = timezone.localdate()
    days = params.days("charity.delivery_days", region_code=c.region_code, on=today)
    c.state, c.pledged_on, c.locked_until = "pledged", today, today + dt.timedelta(days=days)
    c.save(update_fields=["state", "pledged_on", "locked_until"])
    step(
        actor,
        c.need,
        "慈善组织认捐",
        before=c.need.state,
        note=f"{c.charity.name} 认捐 {c.amount} {c.need.unit}",
    )
    _audit_claim(actor, c, {"pledged": str(c.amount), "deliver_by": c.locked_until})
    return c


@transaction.atomic
def cancel(*, actor, claim: Claim, reason: str = "") -> Claim:
    """The charity gives its claim up; the part returns to the need."""
    need = locked(claim.need)
    c = _own_claim(actor, claim, ("locked", "pledged"))
    _release([c.pk], reason=(reason or "慈善组织放弃认领").strip()[:200])
    need.refresh_from_db()
    step(actor, need, "慈善组织放弃认领", before=need.state, note=f"{c.charity.name} {c.amount} {need.unit}")
    _audit_claim(actor, c, {"released": str(c.amount)})
    c.refresh_from_db()
    return c


def _checked_evidence(evidence) -> str:
    """Refuse a file over 5 MB or not a JPEG/PNG/WebP/PDF by content; rename it for storage and return the
    name it was uploaded under (shown to staff)."""
    if getattr(evidence, "size", 0) > EVIDENCE_MAX_BYTES:
        raise CharityError("凭证文件不能超过5 MB", "evidence")
    head = evidence.read(16)
    evidence.seek(0)
    ext = evidence_type(head)
    if ext is None:
        raise CharityError("凭证只能是图片（JPG、PNG、WebP）或PDF文件", "evidence")
    name = (getattr(evidence, "name", "") or f"凭证.{ext}")[:120]
    evidence.name = f"delivery.{ext}"
    return name


@transaction.atomic
def attach_evidence(*, actor, delivery: Delivery, evidence) -> Delivery:
    """The charity that recorded a delivery adds (or replaces) its evidence file while it awaits the
    township's confirmation (the API's upload). Another charity's delivery: ``Delivery.DoesNotExist``."""
    charity = _member(actor)
    d = Delivery.unscoped.select_for_update().get(pk=delivery.pk)
    if d.charity_id != charity.pk:
        raise Delivery.DoesNotExist("another charity's delivery")
    if d.state != "submitted":
        raise CharityConflict("该交付已确认或已退回，不能再上传凭证")
    d.evidence_name = _checked_evidence(evidence)
    d.evidence = evidence
    d.save(update_fields=["evidence", "evidence_name"])
    audit(actor, AuditAction.CHARITY_DELIVERY, region_code=d.region_code, subject_type="charity_delivery",
          subject_id=d.pk, after={"evidence": d.evidence_name})  # fmt: skip
    return d


@transaction.atomic
def record_delivery(*, actor, claim: Claim, kind: str, amount, description: str, delivered_on: dt.date,
                    evidence=None) -> Delivery:  # fmt: skip
    """What the charity gave (money, goods or a service) with an evidence file (JPEG/PNG/WebP/PDF, 5 MB at
    most); the township then confirms receipt."""
    need = locked(claim.need)
    c = _own_claim(actor, claim, ("locked", "pledged"))
    if kind not in rules.DELIVERY_KINDS:
        raise CharityError("请选择帮扶形式", "kind")
    amount = _qty(amount)
    if amount > c.amount:
        raise CharityError(f"交付数不能超过认领数（{c.amount} {need.unit}）", "amount")
    if len((description or "").strip()) < 2:
        raise CharityError("请说明交付内容", "description")
    if delivered_on is None or delivered_on > timezone.localdate():
        raise CharityError("交付日期不能晚于今天", "delivered_on")
    name = _checked_evidence(evidence) if evidence is not None else ""
    d = Delivery(
        claim=c, need=need, charity=c.charity, region_code=c.region_code, kind=kind, amount=amount,
        description=description.strip()[:2000], delivered_on=delivered_on, evidence_name=name, recorded_by=actor,
    )  # fmt: skip
    if evidence is not None:
        d.evidence = evidence
    d.save()
    before_claim = c.state
    c.state, c.pledged_on = "delivered", c.pledged_on or timezone.localdate()
    c.save(update_fields=["state", "pledged_on"])
    step(actor, need, "慈善组织登记交付", before=need.state,
         note=f"{c.charity.name} {d.kind_label} {amount} {need.unit}，{delivered_on:%Y-%m-%d}")  # fmt: skip
    _audit_claim(actor, c, {"delivery": d.pk, "amount": str(amount), "from": before_claim},
                 AuditAction.CHARITY_DELIVERY)  # fmt: skip
    return d


def _own_delivery(actor, d: Delivery) -> Delivery:
    if not (getattr(actor, "is_active", False) and actor.can("charity.confirm")):
        raise PermissionError("您的角色不能确认交付")
    if not (actor.region_id and is_within(d.region_code, actor.region_id)):
        raise Delivery.DoesNotExist("outside the actor's region")
    fresh = Delivery.unscoped.select_for_update().select_related("claim", "charity").get(pk=d.pk)
    if fresh.state != "submitted":
        raise CharityConflict("该交付已确认或已退回")
    return fresh


@transaction.atomic
def confirm_delivery(*, actor, delivery: Delivery) -> Delivery:
    """The township confirms receipt: the claim is fulfilled (any part not given returns to the need), the
    need's fulfilled amount grows (已完成 when it covers the need) and the household's chain records it."""
    from doudi.monitoring.loop.base import chain
    from doudi.monitoring.models import ChainEvent

    need = locked(delivery.need)
    d = _own_delivery(actor, delivery)
    today = timezone.localdate()
    c = Claim.unscoped.select_for_update().get(pk=d.claim_id)
    unused = c.amount - d.amount
    d.state, d.confirmed_by, d.confirmed_on = "confirmed", actor, today
    d.save(update_fields=["state", "confirmed_by", "confirmed_on"])
    c.state, c.amount, c.locked_until = "fulfilled", d.amount, None
    c.save(update_fields=["state", "amount", "locked_until"])
    before = need.state
    need.claimed -= unused
    need.fulfilled += d.amount
    _set_state(need, today)
    need.version += 1
    need.save(update_fields=["claimed", "fulfilled", "state", "completed_on", "version"])
    step(
        actor,
        need,
        "确认收到帮扶",
        before=before,
        note=f"{d.charity.name} {d.kind_label} {d.amount} {need.unit}",
    )
    amount = f"{d.amount:g} {need.unit}" if need.measure == "goods" else f"{d.amount} 元"
    chain(household_id=need.household_id, region_code=need.region_code, kind=ChainEvent.Kind.CHARITY, ref=d,
          summary=f"慈善帮扶：{d.charity.name}{d.kind_label}帮扶“{need.title}”{amount}，乡镇（街道）确认收到",
          data={"need": need.public_number, "amount": str(d.amount)}, actor=actor)  # fmt: skip
    audit(actor, AuditAction.CHARITY_DELIVERY, region_code=d.region_code, subject_type="charity_delivery",
          subject_id=d.pk, after={"confirmed": str(d.amount), "need_state": need.state})  # fmt: skip
    return d


@transaction.atomic
def reject_delivery(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """The township returns a delivery it cannot confirm; the claim goes back to pledged with a new period."""
    need = locked(delivery.need)
    d = _own_delivery(actor, delivery)
    if len((reason or "").strip()) < 2:
        raise CharityError("请说明退回原因", "reason")
    today = timezone.localdate()
    d.state, d.reject_reason, d.confirmed_by, d.confirmed_on = "rejected", reason.strip()[:200], actor, today
    d.save(update_fields=["state", "reject_reason", "confirmed_by", "confirmed_on"])
    days = params.days("charity.delivery_days", region_code=d.region_code, on=today)
    Claim.unscoped.filter(pk=d.claim_id).update(state="pledged", locked_until=today + dt.timedelta(days=days))
    step(actor, need, "退回交付", before=need.state, note=reason.strip())
    audit(actor, AuditAction.CHARITY_DELIVERY, region_code=d.region_code, subject_type="charity_delivery",
          subject_id=d.pk, after={"rejected": reason.strip()[:200]})  # fmt: skip
    return d


# --- set-based releases ---------------------------------------------------------------------------------


@transaction.atomic
def release_expired(*, today: dt.date | None = None, actor="系统") -> int:
    """The daily pass: claims (认领) and pledges (认捐) whose hold ended before ``today`` without a delivery are
    released, their part returns to the need. Set-based: a handful of queries whatever the number."""
    today = today or timezone.localdate()
    expired = Claim.unscoped.filter(state__in=("locked", "pledged"), locked_until__lt=today)
    need_ids = sorted(set(expired.values_list("need_id", flat=True)))
    if not need_ids:
        return 0
    list(Need.unscoped.select_for_update().filter(pk__in=need_ids).values_list("pk", flat=True))
    rows = list(expired.values_list("pk", "need_id", "region_code", "amount"))
    _release([r[0] for r in rows], reason="认领锁定期满未完成，已自动释放")
    states = dict(Need.unscoped.filter(pk__in=need_ids).values_list("pk", "state"))
    NeedStep.unscoped.bulk_create(
        NeedStep(
            need_id=nid,
            region_code=rc,
            label="认领期满自动释放",
            to_state=states.get(nid, ""),
            actor_label=str(actor),
            note=f"释放 {amt}",
        )  # fmt: skip
        for _, nid, rc, amt in rows
    )
    audit(actor, AuditAction.CHARITY_CLAIM, region_code="220000000000", subject_type="charity_claim",
          subject_id="", after={"released_expired": len(rows), "on": today})  # fmt: skip
    return len(rows)


@transaction.atomic
def close_expired(*, today: dt.date | None = None, actor="系统") -> int:
    """Needs past their due date that are still open with nothing awaiting confirmation are closed (已关闭);
    claims not yet delivered are released."""
    today = today or timezone.localdate()
    due = Need.unscoped.filter(state__in=rules.LIVE, due_on__lt=today).exclude(deliveries__state="submitted")
    rows = list(due.select_for_update().values_list("pk", "region_code", "state"))
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    claims = list(
        Claim.unscoped.filter(need_id__in=ids, state__in=rules.LIVE_CLAIMS).values_list("pk", flat=True)
    )
    _release(claims, reason="需求已过截止日期，认领已释放")
    Need.unscoped.filter(pk__in=ids).update(state="closed", closed_on=today, close_reason="已过需求截止日期")
    NeedStep.unscoped.bulk_create(
        NeedStep(
            need_id=pk,
            region_code=rc,
            label="到期关闭",
            from_state=st,
            to_state="closed",
            actor_label=str(actor),
            note="已过需求截止日期",
        )  # fmt: skip
        for pk, rc, st in rows
    )
    audit(actor, AuditAction.CHARITY_NEED, region_code="220000000000", subject_type="charity_need",
          subject_id="", after={"closed_expired": len(rows), "on": today})  # fmt: skip
    return len(rows)


def daily(today: dt.date) -> dict:
    return {"charity_claims_released": release_expired(today=today),
            "charity_needs_closed": close_expired(today=today)}  # fmt: skip
