"""Who may manage which accounts (DOMAIN R-S5): no one can grant more than they hold.

Pure (no Django): roles are their stored codes, regions their 12-digit codes. ``refusal`` is the
one rule the pages, the actions and the queries follow; it returns ``None`` when the operation is
allowed, else the Chinese reason shown to the user.

- Only the administrator and the city and county officers manage accounts, each inside its own
  region subtree (a user outside it does not exist for them: 404).
- Roles are ranked; an officer manages and grants roles up to its own rank, never the
  administrator or auditor roles (those only the administrator grants or manages).
- A granted region must lie inside the granter's subtree.
- Nobody changes their own role or region, or disables themselves.
- Nobody disables or demotes the last active administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN = "administrator"
AUDITOR = "auditor"

# Rank of each role: what it may see and do, roughly. An officer grants roles up to its own rank.
RANK: dict[str, int] = {
    "grid_worker": 1,
    "charity": 1,
    "service_provider": 1,
    "department_user": 1,
    "township_caseworker": 2,
    "county_officer": 3,
    "city_officer": 4,
    "province_officer": 5,
    AUDITOR: 6,
    ADMIN: 7,
}
MANAGERS = frozenset({ADMIN, "city_officer", "county_officer"})
ADMIN_ONLY = frozenset({ADMIN, AUDITOR})  # granted and managed by the administrator only

# operations on an existing account
OPERATIONS = frozenset({"view", "change", "disable", "enable", "reset_password", "unlock", "revoke_token"})

NOT_MANAGER = "您的角色无权管理用户"
OUT_OF_SCOPE = "该用户不存在，或不在您的管辖范围内"
ADMIN_ONLY_TARGET = "只有系统管理员可以管理系统管理员和审计/纪检账号"
HIGHER_TARGET = "不能管理角色高于您本人的用户"
UNKNOWN_ROLE = "未知角色"
ADMIN_ONLY_GRANT = "只有系统管理员可以授予系统管理员或审计/纪检角色"
HIGHER_GRANT = "不能授予高于您本人的角色"
WIDER_GRANT = "只能授予您管辖范围内的区划"
SELF_CHANGE = "不能修改自己的角色或管辖区划，请由上级或系统管理员修改"
SELF_DISABLE = "不能停用自己的账号"
LAST_ADMIN = "不能停用或降级最后一位有效的系统管理员"


@dataclass(frozen=True)
class Holder:
    """An account as the rule sees it: role, region code (``None``: no region) and whether active."""

    role: str
    region: str | None
    active: bool = True


def subtree_prefix(code: str) -> str:
    """The code prefix naming a region's subtree (trailing zero groups dropped), as in core.scoping."""
    code = str(code).ljust(12, "0")
    for length in (2, 4, 6, 9):
        if not code[length:].strip("0"):
            return code[:length]
    return code


def within(code: str | None, scope_code: str | None) -> bool:
    """Is region ``code`` inside the subtree of region ``scope_code``?"""
    if not code or not scope_code:
        return False
    return str(code).ljust(12, "0").startswith(subtree_prefix(scope_code))


def grantable_roles(actor_role: str) -> list[str]:
    """Roles ``actor_role`` may grant (and manage), in rank order."""
    if actor_role not in MANAGERS:
        return []
    own = RANK[actor_role]
    return [
        role
        for role, rank in sorted(RANK.items(), key=lambda kv: kv[1])
        if actor_role == ADMIN or (rank <= own and role not in ADMIN_ONLY)
    ]


def refusal(
    actor: Holder,
    op: str,
    target: Holder | None = None,
    grant: Holder | None = None,
    *,
    is_self: bool = False,
    other_active_admins: int = 1,
) -> str | None:
    """``None`` if ``actor`` may do ``op`` ("create", or one of OPERATIONS on ``target``) granting
    ``grant`` (the new role and region, for "create" and "change"); else why not, in Chinese.

    ``other_active_admins`` counts active administrators other than ``target``."""
    if not actor.active or actor.role not in MANAGERS or not actor.region:
        return NOT_MANAGER
    if target is not None:
        if actor.role != ADMIN:
            if not within(target.region, actor.region):
                return OUT_OF_SCOPE
            if target.role in ADMIN_ONLY:
                return ADMIN_ONLY_TARGET
            if RANK.get(target.role, 0) > RANK[actor.role]:
                return HIGHER_TARGET
        elif target.region is not None and not within(target.region, actor.region):
            return OUT_OF_SCOPE  # an administrator also sees users without a region
    if grant is not None:
        if grant.role not in RANK:
            return UNKNOWN_ROLE
        if grant.role not in grantable_roles(actor.role):
            return ADMIN_ONLY_GRANT if grant.role in ADMIN_ONLY else HIGHER_GRANT
        if not within(grant.region, actor.region):
            return WIDER_GRANT
    changes_self = target is None or (
        grant is not None and (grant.role, grant.region) != (target.role, target.region)
    )
    if is_self and op == "change" and grant is not None and changes_self:
        return SELF_CHANGE
    if is_self and op == "disable":
        return SELF_DISABLE
    if target is not None:
        return last_admin_refusal(target, op, grant, other_active_admins)
    return None


def last_admin_refusal(target: Holder, op: str, grant: Holder | None, other_active_admins: int) -> str | None:
    """The rule that binds everyone, commands included: the last active administrator stays."""
    demotes = op == "disable" or (op == "change" and grant is not None and grant.role != ADMIN)
    if target.role == ADMIN and target.active and other_active_admins < 1 and demotes:
        return LAST_ADMIN
    return None
