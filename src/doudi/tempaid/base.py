"""What every temporary-assistance write shares: the refusal errors (API 422 / 409), the actor's level,
the audit entry."""

from __future__ import annotations

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.policy.rules import temp_aid as rules

LEVEL_OF_ROLE = {
    "township_caseworker": rules.TOWNSHIP,
    "grid_worker": rules.TOWNSHIP,
    "county_officer": rules.COUNTY,
}
AUTHORITY_LABELS = {
    rules.TOWNSHIP: "乡镇（街道）审批",
    rules.COUNTY: "县级民政审批",
    rules.DELIBERATION: "一事一议",
}


class TempAidError(ValueError):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class TempAidConflict(TempAidError):
    """The case's state does not allow the step (API 409)."""


def level(actor) -> str:
    return LEVEL_OF_ROLE.get(getattr(actor, "role", ""), "")


def audit(actor, action: AuditAction, subject_type: str, obj, after: dict) -> None:
    record_audit(
        actor=actor,
        action=action,
        region_code=obj.region_code,
        subject_type=subject_type,
        subject_id=obj.pk,
        after=after,
    )
