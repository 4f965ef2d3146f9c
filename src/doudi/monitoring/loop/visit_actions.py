"""Home verification (入户核查, R-M14): the visit record, its photos, and the facts it establishes.

Facts found on the visit enter the registry as dated facts with source ``home_visit`` (so they show
in ``household_as_of`` and feed the next assessment), through ``registry.actions`` only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from doudi.core.audit_actions import AuditAction
from doudi.core.files import image_type
from doudi.monitoring.loop.base import MonitoringError, Transition
from doudi.monitoring.loop.notify_actions import township_staff
from doudi.monitoring.models import ChainEvent, EarlyWarning, Visit, VisitPhoto
from doudi.registry import actions as registry_actions
from doudi.registry.models import Person, Relation, Source
from doudi.registry.models import PersonFactKind as PK

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
DISABILITY_KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple", "none")
PERSON_KINDS = (PK.DISABILITY, PK.SERIOUS_ILLNESS, PK.EMPLOYMENT, PK.OWN_INCOME, PK.SCHOOLING)
HOUSEHOLD_KINDS = ("income",)


def _read_photo(photo) -> tuple[str, bytes]:
    if isinstance(photo, tuple):
        return photo[0], photo[1]
    size = getattr(photo, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        return getattr(photo, "name", "photo"), b"x" * (MAX_PHOTO_BYTES + 1)
    return getattr(photo, "name", "photo"), photo.read()


def _photos(photos) -> list[tuple[str, bytes, str]]:
    items = [_read_photo(p) for p in photos or ()]
    if len(items) > MAX_PHOTOS:
        raise MonitoringError(f"照片最多 {MAX_PHOTOS} 张")
    out = []
    for name, data in items:
        if len(data) > MAX_PHOTO_BYTES:
            raise MonitoringError(f"照片“{name}”超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB")
        ext = image_type(data)
        if ext is None:
            raise MonitoringError(f"“{name}”不是图片（只接受 JPG、PNG、GIF、WebP）")
        out.append((name, data, ext))
    return out


def _number(value, what: str) -> float | int:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise MonitoringError(f"{what}应为数字") from None
    if not d.is_finite() or d < 0:
        raise MonitoringError(f"{what}应为不小于0的数字")
    return int(d) if d == d.to_integral_value() else float(d)


def clean_fact(scope: str, kind: str | None, value) -> dict:
    """The fact value in the registry's shape (the policy snapshot reads these keys)."""
    if not isinstance(value, dict):
        raise MonitoringError("事实内容格式有误")
    if scope == "household":
        if kind != "income":
            raise MonitoringError(f"入户核查不能登记家庭事实“{kind}”")
        return {"total": _number(value.get("total"), "家庭年收入"), "months": int(value.get("months") or 12)}
    if kind == PK.DISABILITY:
        dkind = value.get("kind") or "none"
        if dkind not in DISABILITY_KINDS:
            raise MonitoringError("残疾类别无效")
        if dkind == "none":
            return {"kind": "none"}
        grade = str(value.get("grade") or "")
        if grade not in ("1", "2", "3", "4"):
            raise MonitoringError("残疾等级应为1至4级")
        return {"kind": dkind, "grade": int(grade)}
    if kind == PK.SERIOUS_ILLNESS:
        out: dict[str, bool | str] = {"flag": bool(value.get("flag"))}
        if value.get("disease"):
            out["disease"] = str(value["disease"])[:100]
        return out
    if kind == PK.EMPLOYMENT:
        return {"employed": bool(value.get("employed"))}
    if kind == PK.OWN_INCOME:
        return {"monthly": _number(value.get("monthly"), "个人月收入")}
    if kind == PK.SCHOOLING:
        return {"in_school": bool(value.get("in_school"))}
    raise MonitoringError(f"入户核查不能登记个人事实“{kind}”")


def _clean_visitors(visitors) -> list[str]:
    names = [str(v).strip() for v in visitors or () if str(v).strip()]
    if len(set(names)) < 2:
        raise MonitoringError("入户核查人员至少两人，请填写两位核查人员姓名")
    return names


@transaction.atomic
def record_visit(
    *,
    actor,
    warning: EarlyWarning,
    visited_on: dt.date,
    visitors: list[str],
    findings: str,
    hardship_found: bool,
    updated_facts: Sequence[dict] = (),
    member_changes: Sequence[dict] = (),
    photos=(),
) -> Visit:
    """Record the home verification of an assigned warning (assigned → verified).

    ``updated_facts``: ``[{scope: "person"|"household", id, kind, value}]`` for current members /
    the household; ``member_changes``: ``[{change: "left", person_id, reason}]`` or
    ``[{change: "joined", name, id_number, relation, birth_date?, sex?}]``; ``photos``: uploaded
    files or ``(name, bytes)`` pairs, images only, at most 9 of 5 MB."""
    step = Transition(actor, warning, "verify")
    warning = step.warning
    today = timezone.localdate()
    if not isinstance(visited_on, dt.date):
        raise MonitoringError("请填写核查日期")
    if visited_on > today:
        raise MonitoringError("核查日期不能晚于今天")
    if visited_on < warning.raised_on:
        raise MonitoringError("核查日期不能早于预警日期")
    names = _clean_visitors(visitors)
    findings = (findings or "").strip()
    if not findings:
        raise MonitoringError("请填写核查情况")
    updated_facts, member_changes = list(updated_facts or ()), list(member_changes or ())
    if warning.household_id is None and (updated_facts or member_changes):
        raise MonitoringError("该预警对象尚未登记为家庭，不能登记家庭事实或成员变化")
    members = {}
    if warning.household_id:
        members = {p.pk: p for p in Person.unscoped.filter(household_id=warning.household_id)}
    cleaned = []
    for item in updated_facts:
        assert warning.household_id is not None  # facts without a household are refused above
        scope, kind = item.get("scope"), item.get("kind")
        if scope == "person" and int(item.get("id") or 0) not in members:
            raise MonitoringError("只能登记本户现有成员的情况")
        if scope not in ("person", "household"):
            raise MonitoringError("事实范围无效")
        cleaned.append(
            {
                "scope": scope,
                "id": int(item.get("id") or warning.household_id),
                "kind": kind,
                "value": clean_fact(scope, kind, item.get("value")),
            }
        )
    changes = []
    for ch in member_changes:
        if ch.get("change") == "left":
            pid = int(ch.get("person_id") or 0)
            if pid not in members:
                raise MonitoringError("离开家庭的成员不在本户")
            changes.append(
                {
                    "change": "left",
                    "person_id": pid,
                    "name": members[pid].name,
                    "reason": str(ch.get("reason") or "入户核查发现已离开").strip()[:100],
                }
            )
        elif ch.get("change") == "joined":
            name = str(ch.get("name") or "").strip()
            relation = ch.get("relation") or Relation.OTHER
            if not name:
                raise MonitoringError("新增成员须填写姓名")
            if relation not in Relation.values or relation == Relation.HEAD:
                raise MonitoringError("新增成员的与户主关系无效")
            changes.append(
                {
                    "change": "joined",
                    "name": name[:64],
                    "relation": relation,
                    "id_number": str(ch.get("id_number") or "").strip(),
                    "birth_date": ch.get("birth_date"),
                    "sex": ch.get("sex") or "",
                }
            )
        else:
            raise MonitoringError("成员变化类型无效")
    files = _photos(photos)

    visit = Visit.unscoped.create(
        warning=warning,
        region_code=warning.region_code,
        visited_on=visited_on,
        visitors=names,
        findings=findings,
        hardship_found=bool(hardship_found),
        recorded_by=actor,
        updated_facts=[{k: v for k, v in f.items()} for f in cleaned],
        member_changes=[{k: v for k, v in c.items() if k != "id_number"} for c in changes],
    )
    ref = f"visit:{visit.pk}"
    _apply_facts(actor, warning, members, cleaned, visited_on, ref)
    _apply_member_changes(actor, warning, members, changes, visited_on, ref)
    for _name, data, ext in files:
        digest = hashlib.sha256(data).hexdigest()
        photo = VisitPhoto(visit=visit, region_code=visit.region_code, sha256=digest)
        photo.file.save(f"{digest[:16]}.{ext}", ContentFile(data), save=False)
        photo.save()
    warning.status, warning.verified_on = EarlyWarning.Status.VERIFIED, visited_on
    warning.save(update_fields=["status", "verified_on", "updated_at"])
    found = "发现困难" if hardship_found else "未发现困难"
    extra = []
    if cleaned:
        extra.append(f"更新事实 {len(cleaned)} 项")
    if changes:
        extra.append(f"成员变化 {len(changes)} 项")
    if files:
        extra.append(f"照片 {len(files)} 张")
    step.done(
        action=AuditAction.MONITORING_VISIT,
        kind=ChainEvent.Kind.VISIT,
        ref=visit,
        summary=f"入户核查（{visited_on:%Y-%m-%d}，{'、'.join(names)}）：{found}"
        + (f"；{'，'.join(extra)}" if extra else ""),
        data={
            "visit": visit.pk,
            "hardship_found": bool(hardship_found),
            "facts": len(cleaned),
            "member_changes": len(changes),
            "photos": len(files),
        },
        after={
            "visit": visit.pk,
            "visited_on": visited_on,
            "hardship_found": bool(hardship_found),
            "facts": [{"scope": f["scope"], "id": f["id"], "kind": f["kind"]} for f in cleaned],
            "member_changes": len(changes),
            "photos": len(files),
        },
        notify_to=[
            (
                township_staff(warning.township_code),
                f"{warning.get_indicator_display()}预警已完成入户核查（{found}），请处置",
            )
        ],
    )
    return visit


def _apply_facts(actor, warning, members, cleaned, on, ref) -> None:
    try:
        for f in cleaned:
            if f["scope"] == "person":
                registry_actions.record_person_fact(
                    actor=actor,
                    person=members[f["id"]],
                    kind=f["kind"],
                    value=f["value"],
                    valid_from=on,
                    source=Source.HOME_VISIT,
                    source_ref=ref,
                )
            else:
                registry_actions.record_household_fact(
                    actor=actor,
                    household=warning.household,
                    kind=f["kind"],
                    value=f["value"],
                    valid_from=on,
                    source=Source.HOME_VISIT,
                    source_ref=ref,
                )
    except registry_actions.RegistryError as exc:
        raise MonitoringError(str(exc)) from None


def _apply_member_changes(actor, warning, members, changes, on, ref) -> None:
    try:
        for ch in changes:
            if ch["change"] == "left":
                registry_actions.end_membership(
                    actor=actor, person=members[ch["person_id"]], on=on, reason=ch["reason"]
                )
            else:
                birth = ch.get("birth_date")
                if isinstance(birth, str) and birth:
                    birth = dt.date.fromisoformat(birth)
                registry_actions.add_person_to_household(
                    actor=actor,
                    household=warning.household,
                    person_key=f"HV-{uuid.uuid4().hex[:12]}",
                    name=ch["name"],
                    id_number=ch["id_number"] or None,
                    relation=ch["relation"],
                    since=on,
                    source=Source.HOME_VISIT,
                    birth_date=birth or None,
                    sex=ch.get("sex") or "",
                )
    except (registry_actions.RegistryError, ValueError) as exc:
        raise MonitoringError(f"成员变化登记失败：{exc}") from None
