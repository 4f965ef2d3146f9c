"""Every write to the registry (and every audited sensitive read) goes through these functions.

Each validates, writes, and records its audit event in one transaction. Views, the API and
commands call them; nothing else saves registry models (a test checks this).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from doudi.core import crypto
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import clean_name
from doudi.registry.identity import encode_identity
from doudi.registry.models import (
    SENSITIVE_HOUSEHOLD_KINDS,
    SENSITIVE_PERSON_KINDS,
    Category,
    CategoryStatus,
    Household,
    HouseholdFact,
    HouseholdFactKind,
    LegalSupporter,
    Membership,
    Person,
    PersonFact,
    PersonFactKind,
    Source,
    SupporterIncapacity,
)


class RegistryError(ValueError):
    """A write refused for a reason shown to the user (Chinese)."""


def _fact_value_columns(kind: str, value: Any, sensitive_kinds: frozenset) -> dict:
    if kind in sensitive_kinds:
        return {"value": None, "value_enc": crypto.encrypt_json(value)}
    return {"value": value, "value_enc": None}


def _close_open(qs, on: dt.date, field_from: str = "valid_from", field_to: str = "valid_to") -> int:
    """End the open rows at ``on``. A row starting on or after ``on`` is superseded outright."""
    later = qs.filter(**{f"{field_to}__isnull": True, f"{field_from}__gte": on})
    if later.exists():
        raise RegistryError(f"已有 {on:%Y-%m-%d} 及以后生效的记录，请按时间顺序登记")
    return qs.filter(**{f"{field_to}__isnull": True}).update(**{field_to: on})


@dataclass(frozen=True)
class _FactTarget:
    """What differs between person and household facts: the model, its owner field and labels."""

    model: type[PersonFact] | type[HouseholdFact]
    owner_field: str  # "person" / "household"
    kinds: Any  # the kind choices (``.values``)
    sensitive: Any  # the kinds whose value is encrypted
    kind_label: str  # in the error message
    audit_action: str


_PERSON = _FactTarget(
    PersonFact, "person", PersonFactKind, SENSITIVE_PERSON_KINDS, "个人", AuditAction.REGISTRY_PERSON_FACT
)
_HOUSEHOLD = _FactTarget(
    HouseholdFact,
    "household",
    HouseholdFactKind,
    SENSITIVE_HOUSEHOLD_KINDS,
    "家庭",
    AuditAction.REGISTRY_HOUSEHOLD_FACT,
)


def _record_fact(
    target: _FactTarget,
    owner: Person | Household,
    *,
    actor,
    kind: str,
    value: Any,
    valid_from: dt.date,
    source: str,
    source_ref: str,
):
    """A new dated fact; the previous open fact of the same kind ends where this one starts (R-H4).
    Sensitive values are stored encrypted and never enter the audit log in the clear."""
    if kind not in target.kinds.values:
        raise RegistryError(f"未知的{target.kind_label}事实类型：{kind}")
    if source not in Source.values:
        raise RegistryError(f"未知的来源：{source}")
    _close_open(target.model.unscoped.filter(**{target.owner_field: owner, "kind": kind}), valid_from)
    fact = target.model.unscoped.create(
        **{target.owner_field: owner},
        region_code=owner.region_code,
        kind=kind,
        valid_from=valid_from,
        source=source,
        source_ref=source_ref,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **_fact_value_columns(kind, value, target.sensitive),
    )
    record_audit(
        actor=actor,
        action=target.audit_action,
        region_code=owner.region_code,
        subject_type=target.owner_field,
        subject_id=owner.pk,
        after={
            "kind": kind,
            "valid_from": valid_from,
            "source": source,
            "value": "（敏感信息已加密）" if fact.value_enc is not None else value,
        },
    )
    return fact


@transaction.atomic
def record_person_fact(
    *,
    actor,
    person: Person,
    kind: str,
    value: Any,
    valid_from: dt.date,
    source: str,
    source_ref: str = "",
) -> PersonFact:
    """A new dated fact of a person (R-H4)."""
    return _record_fact(
        _PERSON, person, actor=actor, kind=kind, value=value, valid_from=valid_from,
        source=source, source_ref=source_ref,
    )  # fmt: skip


@transaction.atomic
def record_household_fact(
    *,
    actor,
    household: Household,
    kind: str,
    value: Any,
    valid_from: dt.date,
    source: str,
    source_ref: str = "",
) -> HouseholdFact:
    """A new dated fact of a household (R-H4)."""
    return _record_fact(
        _HOUSEHOLD, household, actor=actor, kind=kind, value=value, valid_from=valid_from,
        source=source, source_ref=source_ref,
    )  # fmt: skip


TIER_CATEGORIES = ("DIBAO", "TEKUN", "MARGINAL", "RIGID")
EXCLUSIVE_CATEGORIES = {c: TIER_CATEGORIES for c in TIER_CATEGORIES}


@transaction.atomic
def set_category(
    *,
    actor,
    person: Person,
    category: str | None,
    since: dt.date,
    source: str,
    source_ref: str = "",
) -> CategoryStatus | None:
    """Start ``category`` for the person on ``since``, ending the open one it excludes; ``None`` ends all.

    A person can hold several categories at once (R-C1): FPJC and OTHER are kept alongside a tier, and
    history is kept per category; only DIBAO / TEKUN / MARGINAL / RIGID exclude one another."""
    if category is not None and category not in Category.values:
        raise RegistryError(f"未知的救助类别：{category}")
    if person.household_id is None:
        raise RegistryError("该人员不属于任何家庭")
    group = EXCLUSIVE_CATEGORIES.get(category, (category,)) if category else tuple(Category.values)
    rows = CategoryStatus.unscoped.filter(person=person, category__in=group)
    current = rows.filter(until__isnull=True).first()
    if current and current.category == category:
        return current
    before = {"category": current.category, "since": current.since} if current else None
    _close_open(rows, since, "since", "until")
    status = None
    if category is not None:
        status = CategoryStatus.unscoped.create(
            person=person,
            household_id=person.household_id,
            region_code=person.region_code,
            category=category,
            since=since,
            source=source,
            source_ref=source_ref,
        )
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_CATEGORY,
        region_code=person.region_code,
        subject_type="person",
        subject_id=person.pk,
        before=before,
        after={"category": category, "since": since, "source": source},
    )
    return status


@transaction.atomic
def create_household(
    *,
    actor,
    household_key: str,
    region_code: str,
    area_type: str,
    since: dt.date,
    source: str = Source.CASEWORKER,
) -> Household:
    from doudi.regions.queries import find_region

    region = find_region(region_code)
    if region is None or region.level not in ("township", "village", "county"):
        raise RegistryError("区划代码无效（应为县、乡镇或村级代码）")
    if Household.unscoped.filter(household_key=household_key).exists():
        raise RegistryError("户编号已存在")
    hh = Household.unscoped.create(household_key=household_key, region_code=region.code, area_type=area_type)
    HouseholdFact.unscoped.create(
        household=hh,
        region_code=hh.region_code,
        kind=HouseholdFactKind.LOCATION,
        value={"region_code": hh.region_code, "area_type": area_type},
        valid_from=since,
        source=source,
    )
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_HOUSEHOLD_CREATE,
        region_code=hh.region_code,
        subject_type="household",
        subject_id=hh.pk,
        after={"household_key": household_key, "area_type": area_type},
    )
    return hh


@transaction.atomic
def add_person_to_household(
    *,
    actor,
    household: Household,
    person_key: str,
    name: str,
    id_number: str | None,
    relation: str,
    since: dt.date,
    source: str = Source.CASEWORKER,
    birth_date: dt.date | None = None,
    sex: str = "",
) -> Person:
    """Register a new person as a member of ``household`` from ``since``."""
    name, bad_name = clean_name(name)
    if bad_name:
        raise RegistryError(bad_name)
    if not name:
        raise RegistryError("姓名不能为空")
    if Person.unscoped.filter(person_key=person_key).exists():
        raise RegistryError("人员编号已存在")
    ident = encode_identity(id_number)
    person = Person.unscoped.create(
        person_key=person_key,
        name=name,
        birth_date=birth_date or ident.birth_date,
        sex=sex or ident.sex,
        household=household,
        relation=relation,
        region_code=household.region_code,
        **ident.columns(),
    )
    Membership.unscoped.create(
        household=household,
        person=person,
        relation=relation,
        valid_from=since,
        region_code=household.region_code,
        source=source,
    )
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_PERSON_ADD,
        region_code=household.region_code,
        subject_type="person",
        subject_id=person.pk,
        after={
            "person_key": person_key,
            "household": household.household_key,
            "relation": relation,
            "id_status": ident.id_status,
        },
    )
    return person


@transaction.atomic
def end_membership(*, actor, person: Person, on: dt.date, reason: str) -> None:
    """The person leaves their household on ``on`` (death, marriage, move; R-H2 exclusions)."""
    closed = Membership.unscoped.filter(person=person, valid_to__isnull=True).update(valid_to=on)
    if not closed:
        raise RegistryError("该人员没有有效的家庭成员关系")
    CategoryStatus.unscoped.filter(person=person, until__isnull=True).update(until=on)
    # the person keeps their region (history stays in scope) but has no current household
    Person.unscoped.filter(pk=person.pk).update(household=None, relation="")
    person.household, person.relation = None, ""
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_MEMBER_LEAVE,
        region_code=person.region_code,
        subject_type="person",
        subject_id=person.pk,
        after={"on": on, "reason": reason},
    )


@transaction.atomic
def bulk_add_facts(
    *,
    actor,
    person_facts: Sequence[dict] = (),
    household_facts: Sequence[dict] = (),
    source_ref: str,
    batch_size: int = 5000,
) -> int:
    """Bulk load of new dated facts (demo data, department batches). Each dict has the model's
    fields with ``person_id``/``household_id``, ``region_code``, ``kind``, ``value``, ``valid_from``,
    ``source``. Values of sensitive kinds are encrypted here. Does not close earlier facts: callers
    load facts for persons that have none of that kind yet. One audit event for the whole load."""
    pf = [
        PersonFact(
            **{
                **f,
                "source_ref": source_ref,
                **_fact_value_columns(f["kind"], f["value"], SENSITIVE_PERSON_KINDS),
            }
        )
        for f in person_facts
    ]
    hf = [
        HouseholdFact(
            **{
                **f,
                "source_ref": source_ref,
                **_fact_value_columns(f["kind"], f["value"], SENSITIVE_HOUSEHOLD_KINDS),
            }
        )
        for f in household_facts
    ]
    PersonFact.unscoped.bulk_create(pf, batch_size=batch_size)
    HouseholdFact.unscoped.bulk_create(hf, batch_size=batch_size)
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_BULK_FACTS,
        region_code="220000000000",
        subject_type="batch",
        subject_id=source_ref,
        after={"person_facts": len(pf), "household_facts": len(hf)},
    )
    return len(pf) + len(hf)


@transaction.atomic
def reveal_id_number(*, actor, person: Person) -> str:
    """Decrypt a full identity number for a user; the read is logged (R-S5)."""
    if not actor.can("registry.reveal"):
        raise PermissionError("无权查看完整身份证号")
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_REVEAL_ID,
        region_code=person.region_code,
        subject_type="person",
        subject_id=person.pk,
        detail=f"查看完整身份证号 {person.id_masked}",
    )
    return person.id_number()


@transaction.atomic
def reveal_sensitive_facts(*, actor, household: Household) -> None:
    """Log that ``actor`` opened the sensitive facts (health, disability, income) of a household."""
    if not actor.can("registry.reveal"):
        raise PermissionError("无权查看敏感信息")
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_REVEAL_FACTS,
        region_code=household.region_code,
        subject_type="household",
        subject_id=household.pk,
        detail=f"查看家庭 {household.household_key} 的敏感信息",
    )


SUPPORTER_RELATIONS = ("spouse", "parent", "child", "grandparent", "grandchild", "sibling")


@transaction.atomic
def record_legal_supporter(
    *,
    actor,
    person: Person,
    supporter: Person,
    relation: str,
    valid_from: dt.date,
    source: str,
    incapacity: str = "",
    source_ref: str = "",
) -> LegalSupporter:
    """Record that ``supporter`` is a legal supporter of ``person`` from ``valid_from`` (R-H3); an open
    record of the same pair ends where this one starts (a change of incapacity is a new record)."""
    if person.pk == supporter.pk:
        raise RegistryError("义务人不能是本人")
    if relation not in SUPPORTER_RELATIONS:
        raise RegistryError("义务人关系应为配偶、父母、子女、祖父母、孙子女或兄弟姐妹")
    if incapacity and incapacity not in SupporterIncapacity.values:
        raise RegistryError(f"未知的无履行能力情形：{incapacity}")
    if source not in Source.values:
        raise RegistryError(f"未知的来源：{source}")
    pair = LegalSupporter.unscoped.filter(person=person, supporter=supporter)
    _close_open(pair, valid_from)
    link = LegalSupporter.unscoped.create(
        person=person,
        supporter=supporter,
        region_code=person.region_code,
        relation=relation,
        incapacity=incapacity,
        valid_from=valid_from,
        source=source,
        source_ref=source_ref,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_LEGAL_SUPPORTER,
        region_code=person.region_code,
        subject_type="person",
        subject_id=person.pk,
        after={
            "supporter": supporter.pk,
            "relation": relation,
            "incapacity": incapacity,
            "valid_from": valid_from,
            "source": source,
        },
    )
    return link


@transaction.atomic
def end_legal_supporter(*, actor, person: Person, supporter: Person, on: dt.date) -> int:
    """End the open supporter record of the pair on ``on`` (exclusive)."""
    ended = _close_open(LegalSupporter.unscoped.filter(person=person, supporter=supporter), on)
    if ended:
        record_audit(
            actor=actor,
            action=AuditAction.REGISTRY_LEGAL_SUPPORTER_END,
            region_code=person.region_code,
            subject_type="person",
            subject_id=person.pk,
            after={"supporter": supporter.pk, "valid_to": on},
        )
    return ended
