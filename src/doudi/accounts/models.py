"""Users, roles, region scopes and API tokens (DOMAIN §1, R-S5)."""

from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from doudi.accounts.privileges import MANAGERS


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员/协理员"
    TOWNSHIP = "township_caseworker", "乡镇（街道）经办人"
    COUNTY = "county_officer", "县级民政"
    CITY = "city_officer", "市级民政"
    PROVINCE = "province_officer", "省级民政"
    DEPARTMENT = "department_user", "部门用户"
    CHARITY = "charity", "慈善组织"
    PROVIDER = "service_provider", "服务机构"
    AUDITOR = "auditor", "审计/纪检"
    ADMIN = "administrator", "系统管理员"


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    EDUCATION = "education", "教育"
    HRSS = "hrss", "人力资源和社会保障"
    HOUSING = "housing", "住房城乡建设"
    HEALTH = "health", "卫生健康"
    EMERGENCY = "emergency", "应急管理"
    MEDICAL_INSURANCE = "medical_insurance", "医疗保障"
    AGRICULTURE = "agriculture", "农业农村（乡村振兴）"
    DISABLED = "disabled_federation", "残联"
    PUBLIC_SECURITY = "public_security", "公安"
    MARKET = "market_regulation", "市场监管"
    TAX = "tax", "税务"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    FINANCE = "finance", "财政"


# What each role may do, beyond reading its own region subtree. Checked by ``accounts.permissions``.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"registry.read"}),
    Role.TOWNSHIP: frozenset({"registry.read", "registry.write", "registry.reveal"}),
    Role.COUNTY: frozenset({"registry.read", "registry.write", "registry.reveal", "registry.import"}),
    Role.CITY: frozenset({"registry.read", "registry.reveal", "registry.import"}),
    Role.PROVINCE: frozenset({"registry.read", "registry.reveal", "registry.import"}),
    Role.DEPARTMENT: frozenset(),
    Role.CHARITY: frozenset(),
    Role.PROVIDER: frozenset(),
    Role.AUDITOR: frozenset({"registry.read", "registry.reveal", "audit.read"}),
    Role.ADMIN: frozenset(
        {"registry.read", "registry.write", "registry.reveal", "registry.import", "audit.read", "admin"}
    ),
}

# Monitoring loop (DOMAIN §8, R-M13–R-M17, R-P1): who reads warnings, who moves them along, who
# answers need pushes. Scope rules on top of these live in ``monitoring.loop.flows``.
_MONITORING_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"monitoring.read", "monitoring.verify", "monitoring.report"}),
    Role.TOWNSHIP: frozenset(
        {
            "monitoring.read",
            "monitoring.assign",
            "monitoring.verify",
            "monitoring.dispose",
            "monitoring.report",
        }
    ),
    Role.COUNTY: frozenset({"monitoring.read", "monitoring.dispatch", "monitoring.dispose"}),
    Role.CITY: frozenset({"monitoring.read", "monitoring.dispatch"}),
    Role.PROVINCE: frozenset({"monitoring.read"}),
    Role.DEPARTMENT: frozenset({"needs.respond"}),
    Role.AUDITOR: frozenset({"monitoring.read"}),
    Role.ADMIN: frozenset({"monitoring.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _MONITORING_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Casework (CASEWORK §2–§4): who reads applications, who moves the township's stages, who visits, who
# confirms (the county; a township only where the region delegates it — ``casework.base.may``).
_CASEWORK_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"casework.read", "casework.investigate"}),
    Role.TOWNSHIP: frozenset({"casework.read", "casework.write", "casework.investigate"}),
    Role.COUNTY: frozenset({"casework.read", "casework.write", "casework.investigate", "casework.confirm"}),
    Role.CITY: frozenset({"casework.read"}),
    Role.PROVINCE: frozenset({"casework.read"}),
    Role.AUDITOR: frozenset({"casework.read"}),
    Role.ADMIN: frozenset({"casework.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _CASEWORK_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Payments (CASEWORK §7): the township checks lines and accounts and locks; the county approves,
# releases, sends and reconciles (maker ≠ checker is enforced per roster, not by role).
_PAYMENT_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.TOWNSHIP: frozenset({"payments.read", "payments.write"}),
    Role.COUNTY: frozenset({"payments.read", "payments.write", "payments.approve"}),
    Role.CITY: frozenset({"payments.read"}),
    Role.PROVINCE: frozenset({"payments.read"}),
    Role.AUDITOR: frozenset({"payments.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _PAYMENT_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Temporary assistance (CASEWORK §6): grid workers and townships accept; the township pays first and approves
# within its cap; the county approves above it, records 一事一议 and sizes the contingency funds; provinces and
# cities declare public emergencies.
_TEMPAID_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"tempaid.read", "tempaid.apply"}),
    Role.TOWNSHIP: frozenset({"tempaid.read", "tempaid.apply", "tempaid.write"}),
    Role.COUNTY: frozenset({"tempaid.read", "tempaid.apply", "tempaid.write", "tempaid.approve"}),
    Role.CITY: frozenset({"tempaid.read", "tempaid.declare"}),
    Role.PROVINCE: frozenset({"tempaid.read", "tempaid.declare"}),
    Role.AUDITOR: frozenset({"tempaid.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _TEMPAID_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Complaints and grievances (CASEWORK §8): grid workers register what they are told; townships, counties and the
# levels above handle and approve (sensitive tickets only from the supervising level, ``complaints.base``);
# auditors read everything, sensitive reports included.
_COMPLAINT_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"complaints.read", "complaints.file"}),
    Role.TOWNSHIP: frozenset(
        {"complaints.read", "complaints.file", "complaints.write", "complaints.approve", "complaints.reveal"}
    ),
    Role.COUNTY: frozenset(
        {"complaints.read", "complaints.file", "complaints.write", "complaints.approve", "complaints.reveal"}
    ),
    Role.CITY: frozenset({"complaints.read", "complaints.file", "complaints.write", "complaints.approve"}),
    Role.PROVINCE: frozenset({"complaints.read", "complaints.write", "complaints.approve"}),
    Role.AUDITOR: frozenset({"complaints.read", "complaints.reveal"}),
}
ROLE_CAPABILITIES = {
    role: caps | _COMPLAINT_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Disclosure (CASEWORK §9): a county officer edits the office guides of the county and its townships and
# publishes the month's recipient list; the administrator may do so anywhere.
_DISCLOSURE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY: frozenset({"disclosure.write"}),
    Role.ADMIN: frozenset({"disclosure.write"}),
}
ROLE_CAPABILITIES = {
    role: caps | _DISCLOSURE_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Spot checks (seed §16, §18): county, city and province officers draw samples in their own region and record
# findings and corrections; auditors read.
_SPOTCHECK_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY: frozenset({"spotchecks.read", "spotchecks.draw", "spotchecks.write"}),
    Role.CITY: frozenset({"spotchecks.read", "spotchecks.draw", "spotchecks.write"}),
    Role.PROVINCE: frozenset({"spotchecks.read", "spotchecks.draw", "spotchecks.write"}),
    Role.AUDITOR: frozenset({"spotchecks.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _SPOTCHECK_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Performance evaluation (R-S2): county, city and province officers and auditors read the results of their own
# region subtree (with the ranks); the province officer runs the evaluation.
_EVALUATION_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY: frozenset({"evaluation.read"}),
    Role.CITY: frozenset({"evaluation.read"}),
    Role.PROVINCE: frozenset({"evaluation.read", "evaluation.run"}),
    Role.AUDITOR: frozenset({"evaluation.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _EVALUATION_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Dashboards (DOMAIN R-S1, doudi.dashboards): the officers of every level above the village read the figures of
# their subtree; auditors read them too.
_DASHBOARD_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.TOWNSHIP: frozenset({"dashboards.read"}),
    Role.COUNTY: frozenset({"dashboards.read"}),
    Role.CITY: frozenset({"dashboards.read"}),
    Role.PROVINCE: frozenset({"dashboards.read"}),
    Role.AUDITOR: frozenset({"dashboards.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _DASHBOARD_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Service-type assistance (R-P3, seed §13): counties keep the catalogue, providers and contracts and settle each
# month; townships order services and confirm visits (grid workers confirm on home visits); a provider's staff accept
# orders and record visits of their own organisation only (``services.queries``).
_SERVICES_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"services.read", "services.confirm"}),
    Role.TOWNSHIP: frozenset({"services.read", "services.order", "services.confirm"}),
    Role.COUNTY: frozenset({"services.read", "services.order", "services.catalogue", "services.settle"}),
    Role.CITY: frozenset({"services.read", "services.catalogue"}),
    Role.PROVINCE: frozenset({"services.read", "services.catalogue"}),
    Role.PROVIDER: frozenset({"services.provide"}),
    Role.AUDITOR: frozenset({"services.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _SERVICES_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# Charity (R-P4, seed §14): grid workers and townships write needs with the family's consent; the township approves
# the anonymised story and confirms receipt; counties register charities; a charity's members claim, pledge and
# deliver within the charity's service area (``charity.queries``).
_CHARITY_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({"charity.read", "charity.propose"}),
    Role.TOWNSHIP: frozenset({"charity.read", "charity.propose", "charity.approve", "charity.confirm"}),
    Role.COUNTY: frozenset({"charity.read", "charity.register"}),
    Role.CITY: frozenset({"charity.read", "charity.register"}),
    Role.PROVINCE: frozenset({"charity.read", "charity.register"}),
    Role.CHARITY: frozenset({"charity.claim"}),
    Role.AUDITOR: frozenset({"charity.read"}),
}
ROLE_CAPABILITIES = {
    role: caps | _CHARITY_CAPABILITIES.get(role, frozenset()) for role, caps in ROLE_CAPABILITIES.items()
}
# User administration (``/admin/``): who manages which accounts is ``accounts.privileges``.
ROLE_CAPABILITIES = {
    role: caps | (frozenset({"accounts.manage"}) if role in MANAGERS else frozenset())
    for role, caps in ROLE_CAPABILITIES.items()
}


class User(AbstractUser):
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.GRID_WORKER)
    region = models.ForeignKey(
        "regions.Region", verbose_name="管辖区划", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.CharField("所属部门", max_length=32, choices=Department.choices, blank=True)
    display_name = models.CharField("姓名", max_length=64, blank=True)
    # set when an administrator resets the password: the user must choose a new one at next login
    must_change_password = models.BooleanField("须修改密码", default=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = "用户"

    def can(self, capability: str) -> bool:
        return self.is_active and capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def label(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A per-user API token; only its digest is stored. Shown once on creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # first characters, to tell tokens apart in lists
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API令牌"


class LoginFailure(models.Model):
    """Failed logins per username and address, for throttling (kept in the database so every worker
    process sees the same count)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)
