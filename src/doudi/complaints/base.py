"""What every complaint write and read shares: the errors, the actor's level, recusal (R-G8) and who may
handle a ticket."""

from __future__ import annotations

from doudi.complaints import rules
from doudi.complaints.models import Complaint, StaffRelation
from doudi.core.scoping import is_within, prefix_of


class ComplaintError(ValueError):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class ComplaintConflict(ComplaintError):
    """The ticket's state does not allow the step (API 409)."""


def level(user) -> str:
    return rules.ROLE_LEVEL.get(getattr(user, "role", ""), "")


def is_auditor(user) -> bool:
    return getattr(user, "role", "") == "auditor"


def recusal_reason(user, c: Complaint) -> str:
    """Why ``user`` must stay out of ``c`` (R-G7, R-G8), "" when nothing."""
    if user is None or not getattr(user, "pk", None):
        return ""
    if c.subject_staff_id and c.subject_staff_id == user.pk:
        return "被投诉（举报）的工作人员本人须回避"
    if c.subject_staff_id and level(user) == "township" and user.region_id:
        staff_region = c.subject_staff.region_id if c.subject_staff else ""
        if staff_region and is_within(user.region_id, prefix_of(staff_region, "township").ljust(12, "0")):
            return "被举报工作人员所在乡镇（街道）须回避"
    if (
        c.household_id
        and StaffRelation.unscoped.filter(user_id=user.pk, household_id=c.household_id).exists()
    ):
        return "与该家庭有近亲属关系（近亲属备案），须回避（R-G8）"
    return ""


def may_see(user, c: Complaint) -> bool:
    """R-G7: a sensitive ticket only for its supervising level (and above) and auditors; never the named
    staff."""
    if c.subject_staff_id and c.subject_staff_id == getattr(user, "pk", None):
        return False
    if not c.sensitive or is_auditor(user):
        return True
    return rules.rank(level(user)) >= rules.rank(c.handler_level)


def may_handle(user, c: Complaint) -> str:
    """ "" when ``user`` may act on ``c``, else the reason."""
    if not (getattr(user, "is_active", False) and user.can("complaints.write")):
        return "您的角色不能办理投诉举报"
    if not (user.region_id and is_within(c.region_code, user.region_id)):
        return "该投诉举报不在您的管辖范围内"
    if rules.rank(level(user)) < rules.rank(c.handler_level):
        return f"该投诉举报由{rules.LEVEL_LABELS.get(c.handler_level, '上级')}办理"
    return recusal_reason(user, c)
