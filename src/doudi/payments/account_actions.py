"""Recipient accounts (R-PAY1): who may hold the account, the number kept SM4-encrypted with a blind
index and its last four digits (masked everywhere), the audited reveal, and a change that closes the old
row. An account with a ``problem`` (a bank failure, R-PAY6) is on the township's "accounts to fix" list
until it is changed or marked fixed."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from doudi.core import crypto
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.payments.base import PaymentsError
from doudi.payments.models import RecipientAccount
from doudi.registry.models import Household, Person

K = RecipientAccount.Kind
H = RecipientAccount.Holder


def normalize(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")


def mask(last4: str, kind: str = "") -> str:
    if kind == K.CASH:
        return "现金"
    return f"****{last4}" if last4 else ""


def masked(account: RecipientAccount | None) -> str:
    return mask(account.number_last4, account.kind) if account else ""


def _audit(actor, account: RecipientAccount, action: AuditAction, after: dict, detail: str = "") -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=account.region_code,
        subject_type="recipient_account",
        subject_id=account.pk,
        after=after,
        detail=detail,
    )


def _may_write(actor, household: Household) -> None:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("payments.write") and code and is_within(household.region_code, code)):
        raise PaymentsError("您无权登记该家庭的收款账户", "household")


def validate(
    *,
    kind: str,
    holder_name: str,
    holder_relation: str,
    holder_reason: str,
    number: str,
    bank_name: str,
    institutional: bool,
) -> str:
    """The holder rules of R-PAY1; returns the normalised number."""
    if kind not in K.values:
        raise PaymentsError("账户类型无效", "kind")
    if holder_relation not in H.values:
        raise PaymentsError("持卡人身份无效", "holder_relation")
    if not (holder_name or "").strip():
        raise PaymentsError("请填写持卡人姓名", "holder_name")
    if holder_relation in (H.GUARDIAN, H.AGENT) and not (holder_reason or "").strip():
        raise PaymentsError("由监护人或代理人收款的，须写明原因", "holder_reason")
    if kind == K.CASH:
        if not institutional and not (holder_reason or "").strip():
            raise PaymentsError("现金发放仅限集中供养机构代领，或须写明县级批准意见", "holder_reason")
        return ""
    digits = normalize(number)
    if not re.fullmatch(r"\d{8,30}", digits):
        raise PaymentsError("账号应为8至30位数字", "number")
    if not (bank_name or "").strip():
        raise PaymentsError("请填写开户银行", "bank_name")
    return digits


@transaction.atomic
def set_account(
    *,
    actor,
    household: Household,
    kind: str,
    holder_name: str,
    holder_relation: str,
    number: str = "",
    bank_name: str = "",
    holder_reason: str = "",
    person: Person | None = None,
    institutional: bool = False,
    on: dt.date | None = None,
) -> RecipientAccount:
    """Register the household's (or a separately paid member's) account; the current one, if any, is
    closed the day before ``on`` (a change is a new row: the history stays)."""
    _may_write(actor, household)
    if person is not None and person.household_id != household.pk:
        raise PaymentsError("该人员不是本户成员", "person")
    digits = validate(
        kind=kind,
        holder_name=holder_name,
        holder_relation=holder_relation,
        holder_reason=holder_reason,
        number=number,
        bank_name=bank_name,
        institutional=institutional,
    )
    on = on or timezone.localdate()
    current = list(
        RecipientAccount.unscoped.select_for_update().filter(
            household=household, person=person, valid_to__isnull=True
        )
    )
    for old in current:
        old.valid_to = max(on - dt.timedelta(days=1), old.valid_from)
        old.save(update_fields=["valid_to"])
    account = RecipientAccount.unscoped.create(
        region_code=household.region_code,
        household=household,
        person=person,
        kind=kind,
        holder_name=holder_name.strip()[:64],
        holder_relation=holder_relation,
        holder_reason=(holder_reason or "").strip()[:200],
        bank_name=(bank_name or "").strip()[:64],
        number_enc=crypto.encrypt(digits) if digits else None,
        number_index=crypto.blind_index(digits) if digits else "",
        number_last4=digits[-4:] if digits else "",
        valid_from=on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit(
        actor,
        account,
        AuditAction.PAYMENTS_ACCOUNT,
        {
            "household": household.pk,
            "person": person.pk if person else None,
            "kind": kind,
            "holder_relation": holder_relation,
            "number": masked(account),
            "replaces": [o.pk for o in current],
        },
    )
    _repay(actor, household.pk, on)
    return account


def _repay(actor, household_id: int, on: dt.date | None) -> None:
    """A sound account again: the payee's failed lines are re-paid as arrears (R-PAY6)."""
    from doudi.payments import repay_actions

    repay_actions.repay_failed(actor=actor, household_id=household_id, on=on)


@transaction.atomic
def reveal(*, actor, account: RecipientAccount, reason: str = "") -> str:
    """The full number, for a user who may write the household's payments; every reveal is audited."""
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("payments.write") and code and is_within(account.region_code, code)):
        raise PaymentsError("您无权查看完整收款账号", "account")
    _audit(actor, account, AuditAction.PAYMENTS_ACCOUNT_REVEAL, {"number": masked(account)}, reason[:500])
    return crypto.decrypt(account.number_enc) if account.number_enc else ""


@transaction.atomic
def mark_fixed(*, actor, account: RecipientAccount, note: str) -> RecipientAccount:
    """The township checked the account with the family (e.g. the card was unfrozen): the problem is
    cleared without a new account."""
    _may_write(actor, account.household)
    if not account.problem:
        raise PaymentsError("该账户没有待处理的问题", "account")
    if not (note or "").strip():
        raise PaymentsError("请说明处理情况", "note")
    before = account.problem
    account.problem = ""
    account.save(update_fields=["problem"])
    _audit(actor, account, AuditAction.PAYMENTS_ACCOUNT, {"fixed": before, "note": note.strip()[:200]})
    _repay(actor, account.household_id, None)
    return account
