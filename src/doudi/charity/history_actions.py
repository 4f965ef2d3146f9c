"""The need's history and audit entries (shared by the need and claim writes)."""

from __future__ import annotations

from doudi.charity.models import Need, NeedStep
from doudi.core.audit import actor_name, record_audit
from doudi.core.audit_actions import AuditAction

SYSTEM = "系统"


def step(actor, need: Need, label: str, *, before: str, note: str = "") -> NeedStep:
    return NeedStep.unscoped.create(
        need=need,
        region_code=need.region_code,
        label=label[:40],
        from_state=before,
        to_state=need.state,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_name(actor, SYSTEM),
        note=note[:500],
    )


def audit(actor, action: AuditAction, *, region_code: str, subject_type: str, subject_id, after: dict,
          before: dict | None = None) -> None:  # fmt: skip
    record_audit(
        actor=actor if getattr(actor, "pk", None) else (actor or SYSTEM),
        action=action,
        region_code=region_code,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
    )
