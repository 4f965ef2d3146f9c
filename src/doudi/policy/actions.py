"""Every write of the policy engine's Django side: the baseline parameter load, reviewed parameter
changes (propose → approve / reject) and stored decisions. Each validates, writes and records its
audit event in one transaction (``core.audit.record_audit``).

Roles: proposals come from ``DOUDI_PARAMETER_PROPOSER_ROLES`` (default county officers) for a region
in their subtree; approvals from ``DOUDI_PARAMETER_APPROVER_ROLES`` (default city and province
officers) for a region in their subtree, never by the proposer. Decisions need ``registry.write``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doudi.core import crypto
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.policy import params_store
from doudi.policy.models import Decision, ParameterProposal, ParameterValue
from doudi.policy.rules import AssessmentInputError, ParameterError, ParamRow, load_baseline_rows
from doudi.policy.rules.params import SPECS
from doudi.policy.service import Replay, evaluate, stored_rows
from doudi.policy.service import replay as _replay
from doudi.policy.snapshot import INPUT_LABELS, SnapshotError, contract_input_for
from doudi.regions.models import Region

PROVINCE = "220000000000"
DEFAULT_PROPOSER_ROLES = ("county_officer",)
DEFAULT_APPROVER_ROLES = ("city_officer", "province_officer")


class PolicyError(ValueError):
    """A policy write refused for a reason shown to the user (Chinese)."""


def proposer_roles() -> tuple[str, ...]:
    return tuple(getattr(settings, "DOUDI_PARAMETER_PROPOSER_ROLES", DEFAULT_PROPOSER_ROLES))


def approver_roles() -> tuple[str, ...]:
    return tuple(getattr(settings, "DOUDI_PARAMETER_APPROVER_ROLES", DEFAULT_APPROVER_ROLES))


def _in_subtree(user, region_code: str) -> bool:
    return bool(getattr(user, "region_id", None)) and is_within(region_code, user.region_id)


def can_propose(user, region_code: str | None = None) -> bool:
    if not (user.is_active and user.role in proposer_roles() and user.region_id):
        return False
    return region_code is None or _in_subtree(user, region_code)


def can_review(user, proposal: ParameterProposal | None = None) -> bool:
    if not (user.is_active and user.role in approver_roles() and user.region_id):
        return False
    return proposal is None or _in_subtree(user, proposal.region_code)


def can_take_decision(user) -> bool:
    return user.can("registry.write")


def _on_commit_clear() -> None:
    transaction.on_commit(params_store.clear_cache)


# --- the baseline ---------------------------------------------------------------------------------


@transaction.atomic
def load_baseline_parameters(*, actor) -> int:
    """Insert the shipped baseline rows missing from the store (matched on key, region, area type,
    effective-from and floor flag, whatever their status, so a row closed or retired by a reviewed change is not
    brought back), and retire the active rows of an earlier baseline that the shipped one no longer
    holds or holds with another value (placeholders replaced by published figures; rows from a
    proposal are never touched).
    Returns how many were added; re-running adds none."""
    # a county's province floor and its own figure may start on the same day: ``floor`` is part of the identity
    shipped = {
        (r.key, r.region_code, r.area_type, r.effective_from, r.floor): r for r in load_baseline_rows()
    }

    def superseded(pv: ParameterValue) -> bool:
        row = shipped.get((pv.key, pv.region_code, pv.area_type or None, pv.effective_from, pv.floor))
        return row is None or row.value != pv.value

    stale = [
        pv.pk
        for pv in ParameterValue.objects.filter(proposal__isnull=True, status=ParameterValue.Status.ACTIVE)
        if superseded(pv)
    ]
    if stale:
        ParameterValue.objects.filter(pk__in=stale).update(status=ParameterValue.Status.RETIRED)
        record_audit(
            actor=actor,
            action=AuditAction.POLICY_PARAMETERS_BASELINE,
            region_code=PROVINCE,
            subject_type="parameters",
            before={"retired": stale},
            detail=f"废止已被新基线取代的政策参数 {len(stale)} 条",
        )
        _on_commit_clear()
    existing = set(
        ParameterValue.objects.exclude(pk__in=stale).values_list(
            "key", "region_code", "area_type", "effective_from", "floor"
        )
    )
    new = [
        ParameterValue(
            key=row.key,
            region_code=row.region_code,
            area_type=row.area_type,
            value=row.value,
            unit=row.unit,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            source=row.source,
            unverified=row.unverified,
            floor=row.floor,
        )
        for row in shipped.values()
        if (row.key, row.region_code, row.area_type, row.effective_from, row.floor) not in existing
    ]
    if new:
        ParameterValue.objects.bulk_create(new)
        record_audit(
            actor=actor,
            action=AuditAction.POLICY_PARAMETERS_BASELINE,
            region_code=PROVINCE,
            subject_type="parameters",
            detail=f"载入政策参数基线 {len(new)} 条",
        )
        _on_commit_clear()
    return len(new)


# --- proposals ------------------------------------------------------------------------------------


def _clean_change(raw: Mapping[str, Any], region_code: str, index: int) -> dict[str, Any]:
    key = str(raw.get("key") or "").strip()
    if key not in SPECS:
        raise PolicyError(f"第 {index + 1} 项：未知的参数 {key or '（空）'}")
    area = raw.get("area_type") or None
    value = raw.get("value")
    value = str(value).strip() if value is not None else ""
    if not value:
        raise PolicyError(f"第 {index + 1} 项：请填写新的参数值")
    start = raw.get("effective_from")
    if not start:
        raise PolicyError(f"第 {index + 1} 项：请填写生效日期")
    try:
        row = ParamRow.from_mapping(
            {
                "key": key,
                "region_code": region_code,
                "area_type": area,
                "value": value,
                "unit": raw.get("unit") or SPECS[key].unit,
                "effective_from": start,
                "effective_to": raw.get("effective_to") or None,
                "source": raw.get("source") or "",
                "unverified": bool(raw.get("unverified", False)),
            }
        )
    except ParameterError as exc:
        raise PolicyError(f"第 {index + 1} 项：{exc.message}") from None
    return {**row.as_dict(), "region_code": region_code}


def validate_proposal(
    *, actor, region_code: str, changes: Sequence[Mapping[str, Any]], reason: str
) -> list[dict]:
    """Check a proposal without writing (the caller may run a preview first); returns the cleaned
    changes. Raises ``PermissionError`` or ``PolicyError`` (Chinese)."""
    region_code = str(region_code).strip().ljust(12, "0")
    if not Region.objects.filter(code=region_code).exists():
        raise PolicyError("区划不存在")
    if not can_propose(actor):
        raise PermissionError("只有县级民政部门可以提出参数调整申请")
    if not _in_subtree(actor, region_code):
        raise PermissionError("只能为本辖区提出参数调整申请")
    reason = (reason or "").strip()
    if not reason:
        raise PolicyError("请填写调整理由")
    if len(reason) > 500:
        raise PolicyError("调整理由不能超过500字")
    if not changes:
        raise PolicyError("至少需要一项参数调整")
    return [_clean_change(c, region_code, i) for i, c in enumerate(changes)]


@transaction.atomic
def propose_parameter_change(
    *,
    actor,
    region_code: str,
    changes: Sequence[Mapping[str, Any]],
    reason: str,
    preview: dict | None = None,
    preview_note: str = "",
) -> ParameterProposal:
    """A proposed change of one or more parameters of a region, pending review (DOMAIN §4)."""
    cleaned = validate_proposal(actor=actor, region_code=region_code, changes=changes, reason=reason)
    region_code = cleaned[0]["region_code"]
    proposal = ParameterProposal.unscoped.create(
        region_code=region_code,
        changes=cleaned,
        reason=reason.strip(),
        preview=preview,
        preview_note=preview_note[:500],
        proposed_by=actor,
    )
    record_audit(
        actor=actor,
        action=AuditAction.POLICY_PARAMETER_PROPOSE,
        region_code=region_code,
        subject_type="parameter_proposal",
        subject_id=proposal.pk,
        after={"changes": cleaned, "reason": proposal.reason, "preview": preview is not None},
        detail=preview_note,
    )
    return proposal


def _locked_pending(proposal: ParameterProposal) -> ParameterProposal:
    locked = ParameterProposal.unscoped.select_for_update().get(pk=proposal.pk)
    if locked.status != ParameterProposal.Status.PENDING:
        raise PolicyError(f"该申请已{locked.get_status_display()}，不能重复审核")
    return locked


def _check_reviewer(actor, proposal: ParameterProposal) -> None:
    if not can_review(actor):
        raise PermissionError("只有市级或省级民政部门可以审核参数调整申请")
    if not _in_subtree(actor, proposal.region_code):
        raise PermissionError("该申请不在您的管辖范围内")
    if actor.pk == proposal.proposed_by_id:
        raise PermissionError("不能审核本人提出的申请")


def _apply_change(change: dict, proposal: ParameterProposal, source: str) -> dict[str, list]:
    """Write one change: close the rows it replaces, retire those it supersedes, insert the new row."""
    start = dt.date.fromisoformat(change["effective_from"])
    end = dt.date.fromisoformat(change["effective_to"]) if change["effective_to"] else None
    same = ParameterValue.objects.select_for_update().filter(
        key=change["key"],
        region_code=change["region_code"],
        area_type=change["area_type"],
        status=ParameterValue.Status.ACTIVE,
    )
    closed, retired, continued = [], [], []
    for row in same.order_by("effective_from"):
        if row.effective_to is not None and row.effective_to < start:
            continue  # ended before the change
        if end is not None and row.effective_from > end:
            continue  # starts after the change ends
        if row.effective_from < start:
            if end is not None and (row.effective_to is None or row.effective_to > end):
                # the change is a window inside this row: the old value resumes after it
                tail = ParameterValue.objects.create(
                    key=row.key,
                    region_code=row.region_code,
                    area_type=row.area_type,
                    value=row.value,
                    unit=row.unit,
                    effective_from=end + dt.timedelta(days=1),
                    effective_to=row.effective_to,
                    source=row.source,
                    unverified=row.unverified,
                    floor=row.floor,
                    proposal=proposal,
                )
                continued.append(tail.pk)
            old_end = row.effective_to
            ParameterValue.objects.filter(pk=row.pk).update(effective_to=start - dt.timedelta(days=1))
            closed.append({"id": row.pk, "value": row.value, "effective_to_before": old_end})
        else:
            ParameterValue.objects.filter(pk=row.pk).update(status=ParameterValue.Status.RETIRED)
            retired.append({"id": row.pk, "value": row.value, "effective_from": row.effective_from})
    new = ParameterValue.objects.create(
        key=change["key"],
        region_code=change["region_code"],
        area_type=change["area_type"],
        value=change["value"],
        unit=change["unit"],
        effective_from=start,
        effective_to=end,
        source=change.get("source") or source,
        unverified=bool(change.get("unverified")),
        proposal=proposal,
    )
    return {"created": [new.pk, *continued], "closed": closed, "retired": retired}


@transaction.atomic
def approve_proposal(*, actor, proposal: ParameterProposal, note: str = "") -> ParameterProposal:
    """Approve: write the new rows and close the rows they replace (``effective_to`` = the new
    ``effective_from`` − 1 day, inclusive), in one audited transaction."""
    _check_reviewer(actor, proposal)
    proposal = _locked_pending(proposal)
    source = f"参数调整申请第{proposal.pk}号（{timezone.localdate():%Y-%m-%d} 经{actor.get_role_display()}批准）：{proposal.reason}"[
        :300
    ]
    applied = [_apply_change(change, proposal, source) for change in proposal.changes]
    proposal.status = ParameterProposal.Status.APPROVED
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.review_note = (note or "").strip()[:500]
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record_audit(
        actor=actor,
        action=AuditAction.POLICY_PARAMETER_APPROVE,
        region_code=proposal.region_code,
        subject_type="parameter_proposal",
        subject_id=proposal.pk,
        before={
            "closed": [c for a in applied for c in a["closed"]],
            "retired": [r for a in applied for r in a["retired"]],
        },
        after={"changes": proposal.changes, "created": [i for a in applied for i in a["created"]]},
        detail=proposal.review_note,
    )
    _on_commit_clear()
    return proposal


@transaction.atomic
def reject_proposal(*, actor, proposal: ParameterProposal, note: str) -> ParameterProposal:
    """Reject with a reason; parameters are unchanged."""
    _check_reviewer(actor, proposal)
    note = (note or "").strip()
    if not note:
        raise PolicyError("请填写驳回理由")
    proposal = _locked_pending(proposal)
    proposal.status = ParameterProposal.Status.REJECTED
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    proposal.review_note = note[:500]
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record_audit(
        actor=actor,
        action=AuditAction.POLICY_PARAMETER_REJECT,
        region_code=proposal.region_code,
        subject_type="parameter_proposal",
        subject_id=proposal.pk,
        after={"status": proposal.status},
        detail=proposal.review_note,
    )
    return proposal


# --- decisions ------------------------------------------------------------------------------------


def _input_error_zh(exc: AssessmentInputError, data: dict) -> str:
    """Name the member and the registry item behind a contract path, for the caseworker."""
    path = exc.path or ""
    where = ""
    if path.startswith("household.members["):
        try:
            index = int(path.split("[", 1)[1].split("]", 1)[0])
            member = data["household"]["members"][index]
            field = path.split("].", 1)[1].split(".", 1)[0] if "]." in path else ""
            where = (
                f"成员 {member.get('name', '')}（{member['id']}）的{INPUT_LABELS.get(field, field)}登记有误："
            )
        except (IndexError, KeyError, ValueError):
            where = ""
    elif path:
        label = INPUT_LABELS.get(path) or INPUT_LABELS.get(".".join(path.split(".")[:2]), path)
        where = f"{label}登记有误："
    return f"{where}{exc.message}"


def _summary(result: dict) -> dict:
    summary = {
        "as_of": result["as_of"],
        "household_category": result["household_category"],
        "low_income": result["low_income"],
        "members": result["members"],
        "benefits": result["benefits"],
        "monthly_total": result["monthly_total"],
        "rule_set_version": result.get("rule_set_version"),
    }
    # figures standing in for the local one (province floor, date before the first figure): public
    # parameter values, kept in the clear so every viewer of the decision sees the warning
    notes = [
        {"key": p["key"], "value": p["value"], "note_zh": p["note_zh"]}
        for p in result.get("parameters_used", [])
        if p.get("note_zh")
    ]
    if notes:
        summary["parameter_notes"] = notes
    return summary


@transaction.atomic
def take_decision(*, actor, household, as_of: dt.date) -> Decision:
    """Assess a registry household as of a date and store the decision: the input snapshot with its
    provenance, every parameter row the rules resolved, the rule-set version and the result."""
    if not can_take_decision(actor):
        raise PermissionError("您的角色无权作出认定")
    try:
        data, provenance = contract_input_for(household, as_of)
    except SnapshotError as exc:
        raise PolicyError(str(exc)) from None
    try:
        ev = evaluate(data)
    except AssessmentInputError as exc:
        raise PolicyError(_input_error_zh(exc, data)) from None
    result = ev.result
    decision = Decision.unscoped.create(
        household=household,
        region_code=household.region_code,
        as_of=as_of,
        input_snapshot={"provenance": provenance, "members": [m["id"] for m in data["household"]["members"]]},
        input_enc=crypto.encrypt_json({"input": data, "provenance": provenance}),
        parameters=stored_rows(ev.parameters),
        rule_set_version=str(result.get("rule_set_version") or ""),
        result=_summary(result),
        result_enc=crypto.encrypt_json(result),
        household_category=result["household_category"],
        monthly_total=int(result["monthly_total"]),
        taken_by=actor if getattr(actor, "pk", None) else None,
    )
    record_audit(
        actor=actor,
        action=AuditAction.POLICY_DECISION,
        region_code=household.region_code,
        subject_type="household",
        subject_id=household.pk,
        after={
            "decision": decision.pk,
            "as_of": as_of,
            "household_category": decision.household_category,
            "monthly_total": decision.monthly_total,
            "rule_set_version": decision.rule_set_version,
        },
    )
    return decision


def replay_decision(decision: Decision) -> dict:
    """The result recomputed from the decision's stored snapshot and stored parameters only (a read;
    ``service.replay`` also compares it with the stored result)."""
    return _replay(decision).replayed


def compare_replay(decision: Decision) -> Replay:
    return _replay(decision)


@transaction.atomic
def record_decision_view(*, actor, decision: Decision) -> None:
    """Log that ``actor`` opened a decision's details (income, health, disability; R-S5)."""
    record_audit(
        actor=actor,
        action=AuditAction.POLICY_DECISION_VIEW,
        region_code=decision.region_code,
        subject_type="decision",
        subject_id=decision.pk,
        detail=f"查看认定结果第{decision.pk}号的认定依据",
    )
