"""The transition table of ``EarlyWarning.status`` (DOMAIN §8, R-M13–R-M15) and who may do what.

    raised ──dispatch──▶ dispatched ──assign──▶ assigned ──verify──▶ verified ──dispose──▶ disposed ──close──▶ closed
      (county inbox)      (township inbox)      (grid worker)        (township)           (township)

Every transition names the statuses it starts from, the status it ends in, the capability it needs
(``accounts.models.ROLE_CAPABILITIES``) and a scope check on top of the region subtree:

* dispatch — county/city officers, for a warning in their subtree, to a township of the warning's
  county; a warning already dispatched may be re-dispatched only after it escalated (R-M14);
* assign — a caseworker of the township the warning was dispatched to; the grid worker must belong
  to that township (re-assigning an assigned warning is allowed);
* verify — the grid worker it is assigned to, or a caseworker of its township;
* dispose, close — a caseworker of its township, or a county officer over it;
* recall, reassign (R-M13) — county/city officers over a warning dispatched to a township (by hand
  or by the scan in ``direct`` mode) and not yet verified: take it back to the county inbox, or send
  it to another township of its county (the grid worker's assignment is dropped).

Escalation (R-M14): an overdue open warning goes one level up from whoever holds it: the county holds
``raised`` warnings, the township holds the rest. ``escalations`` counts the levels climbed, so a
township warning escalated once is back in the county inbox (flagged), twice at the city, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from doudi.core.scoping import is_within, prefix_of
from doudi.monitoring.models import EarlyWarning

S = EarlyWarning.Status
LEVELS = ("province", "city", "county", "township")  # index = depth
LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇"}
PREFIX_LEN = {"province": 2, "city": 4, "county": 6, "township": 9}
OPEN_STATUSES = (S.RAISED, S.DISPATCHED, S.ASSIGNED, S.VERIFIED, S.DISPOSED)


class FlowDenied(PermissionError):
    """The actor may not make this transition (Chinese message)."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    capability: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "dispatch", "派发乡镇", (S.RAISED, S.DISPATCHED, S.ASSIGNED), S.DISPATCHED, "monitoring.dispatch"
        ),
        Transition("assign", "指派网格员", (S.DISPATCHED, S.ASSIGNED), S.ASSIGNED, "monitoring.assign"),
        Transition("verify", "入户核查", (S.ASSIGNED,), S.VERIFIED, "monitoring.verify"),
        Transition("dispose", "处置", (S.VERIFIED,), S.DISPOSED, "monitoring.dispose"),
        Transition("close", "办结", (S.DISPOSED,), S.CLOSED, "monitoring.dispose"),
        Transition("recall", "收回", (S.DISPATCHED, S.ASSIGNED), S.RAISED, "monitoring.dispatch"),
        Transition("reassign", "改派乡镇", (S.DISPATCHED, S.ASSIGNED), S.DISPATCHED, "monitoring.dispatch"),
    )
}


def region_at(code: str, level: str) -> str:
    """The 12-digit code of the ``level`` region containing ``code``."""
    return str(code).ljust(12, "0")[: PREFIX_LEN[level]].ljust(12, "0")


def user_level(user) -> str | None:
    """The administrative level of the user's region (by code shape)."""
    if not getattr(user, "region_id", None):
        return None
    n = len(prefix_of(user.region_id))
    return {2: "province", 4: "city", 6: "county", 9: "township"}.get(n, "village")


def holder_level(status: str) -> str:
    return "county" if status == S.RAISED else "township"


def escalated_level(status: str, escalations: int) -> str:
    """The level an open warning sits at after ``escalations`` escalations (capped at the province)."""
    return LEVELS[max(0, LEVELS.index(holder_level(status)) - escalations)]


def max_escalations(status: str) -> int:
    return LEVELS.index(holder_level(status))


def can_escalate_q() -> Q:
    """Open warnings that still have a level above them."""
    return (Q(status=S.RAISED) & Q(escalations__lt=max_escalations(S.RAISED))) | (
        ~Q(status=S.RAISED) & Q(escalations__lt=max_escalations(S.DISPATCHED))
    )


def at_level_q(level: str) -> Q:
    """Open warnings whose escalation has brought them to ``level`` (above their holder)."""
    depth = LEVELS.index(level)
    q = Q(pk__in=[])
    for status_q, holder in ((Q(status=S.RAISED), "county"), (~Q(status=S.RAISED), "township")):
        climbed = LEVELS.index(holder) - depth
        if climbed <= 0:
            continue
        if level == "province":
            q |= status_q & Q(escalations__gte=climbed)
        else:
            q |= status_q & Q(escalations=climbed)
    return Q(is_open=True) & q


def in_township(user, warning: EarlyWarning) -> bool:
    return bool(warning.township_code) and user.region_id == warning.township_code


def _is_county_over(user, warning: EarlyWarning) -> bool:
    return user_level(user) in ("province", "city", "county") and is_within(
        warning.region_code, user.region_id
    )


def check(user, name: str, warning: EarlyWarning) -> None:
    """Raise ``FlowDenied`` unless ``user`` may make transition ``name`` on ``warning`` now."""
    t = TRANSITIONS[name]
    if not (user and user.is_authenticated and user.is_active):
        raise FlowDenied("请先登录")
    if not user.can(t.capability):
        raise FlowDenied(f"您的角色无权{t.label}")
    if not user.region_id or not is_within(warning.region_code, user.region_id):
        raise FlowDenied("该预警不在您的管辖范围内")
    if warning.status not in t.sources:
        raise FlowDenied(f"预警当前状态为“{warning.get_status_display()}”，不能{t.label}")
    if name == "dispatch":
        if user_level(user) not in ("province", "city", "county"):
            raise FlowDenied("只有县级及以上民政部门可以派发预警")
        if warning.status != S.RAISED and warning.escalations == 0:
            raise FlowDenied("预警已派发，只有逾期升级后才能改派")
    elif name in ("recall", "reassign"):
        if user_level(user) not in ("province", "city", "county"):
            raise FlowDenied(f"只有县级及以上民政部门可以{t.label}预警")
        home = warning.household.region_code if name == "reassign" and warning.household is not None else ""
        if home and len(prefix_of(home)) >= 9:
            raise FlowDenied("该家庭所在乡镇（街道）已确定，只能由其核查；如需调整请先收回")
    elif name == "assign":
        if not in_township(user, warning):
            raise FlowDenied("只有预警派发到的乡镇（街道）经办人可以指派")
    elif name == "verify":
        if user.role == "grid_worker":
            if warning.assigned_to_id != user.pk:
                raise FlowDenied("该预警未指派给您")
        elif not in_township(user, warning):
            raise FlowDenied("只有被指派的网格员或所在乡镇经办人可以录入核查")
    elif name in ("dispose", "close") and not (in_township(user, warning) or _is_county_over(user, warning)):
        raise FlowDenied(f"只有所在乡镇经办人或县级民政可以{t.label}")


def allowed(user, name: str, warning: EarlyWarning) -> bool:
    try:
        check(user, name, warning)
    except FlowDenied:
        return False
    return True


def allowed_transitions(user, warning: EarlyWarning) -> list[str]:
    return [name for name in TRANSITIONS if allowed(user, name, warning)]


def todo_q(user) -> Q:
    """What is waiting for this user (the inbox's default view)."""
    level = user_level(user)
    if user.role == "grid_worker":
        return Q(is_open=True, status=S.ASSIGNED, assigned_to_id=user.pk)
    if user.role == "township_caseworker" and level == "township":
        return Q(
            is_open=True,
            township_code=user.region_id,
            status__in=(S.DISPATCHED, S.VERIFIED, S.DISPOSED),
        )
    if user.role in ("county_officer", "city_officer", "province_officer") and level in LEVELS:
        q = at_level_q(level)
        if level == "county":
            q |= Q(is_open=True, status=S.RAISED, escalations=0)
        return q
    return Q(is_open=True)
