"""The county's side of the catalogue (seed §13 购买服务清单): service types (a city or the province may
define them for its whole area; counties inherit), service providers and their staff, contracts (provider ×
county, the townships covered, the contracted price per service type). Each write validates, writes and
audits in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from doudi.accounts.models import User
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.regions.queries import find_region
from doudi.services import rules
from doudi.services.base import ServicesError, audit, county_of, user_or_none
from doudi.services.models import Contract, ContractItem, Provider, ProviderStaff, ServiceType, Unit

A = AuditAction.SERVICES_CATALOGUE


def ancestors(code: str) -> list[str]:
    """The region and the levels above it (province, city, county) whose catalogue applies to it."""
    code = str(code).ljust(12, "0")
    return sorted({code[:n].ljust(12, "0") for n in (2, 4, 6)} | ({code} if code[6:] == "000000" else set()))


def _region(actor) -> str:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can("services.catalogue") and code):
        raise ServicesError("您无权维护救助服务项目、服务机构或合同", "actor")
    return code


def money(value, what: str = "单价") -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServicesError(f"{what}应为数字", "unit_price") from None
    if not d.is_finite() or d <= 0 or d > Decimal(100000):
        raise ServicesError(f"{what}应大于0且不超过10万元", "unit_price")
    return d.quantize(rules.FEN)


@transaction.atomic
def add_service_type(
    *, actor, name: str, unit: str, unit_price, tags: list[str] | None = None, description: str = ""
) -> ServiceType:
    code = _region(actor)
    name = (name or "").strip()
    if not name:
        raise ServicesError("请填写服务项目名称", "name")
    if unit not in Unit.values:
        raise ServicesError("计量单位应为次、小时或天", "unit")
    tags = list(dict.fromkeys(tags or []))
    if any(t not in rules.TAGS for t in tags):
        raise ServicesError("服务对象无效", "tags")
    if ServiceType.unscoped.filter(region_code=code, name=name).exists():
        raise ServicesError(f"本地已有服务项目“{name}”", "name")
    st = ServiceType.unscoped.create(
        region_code=code, name=name[:60], unit=unit, unit_price=money(unit_price), tags=tags,
        description=(description or "")[:300], created_by=user_or_none(actor),
    )  # fmt: skip
    audit(actor, A, "service_type", st, {"name": st.name, "unit": unit, "price": st.unit_price, "tags": tags})
    return st


@transaction.atomic
def set_service_type_active(*, actor, service_type: ServiceType, active: bool) -> ServiceType:
    code = _region(actor)
    if service_type.region_code != code:
        raise ServicesError("只能停用或启用本级定义的服务项目", "service_type")
    ServiceType.unscoped.filter(pk=service_type.pk).update(active=bool(active))
    service_type.active = bool(active)
    audit(actor, A, "service_type", service_type, {"active": bool(active)})
    return service_type


@transaction.atomic
def register_provider(
    *, actor, name: str, credit_code: str, contact: str, phone: str, address: str = ""
) -> Provider:
    code = _region(actor)
    credit_code = (credit_code or "").strip().upper()
    if not (name or "").strip():
        raise ServicesError("请填写机构名称", "name")
    if not rules.credit_code_ok(credit_code):
        raise ServicesError("统一社会信用代码无效（应为18位且校验位正确）", "credit_code")
    if Provider.unscoped.filter(credit_code=credit_code).exists():
        raise ServicesError("该统一社会信用代码的机构已登记", "credit_code")
    if not (contact or "").strip() or not (phone or "").strip():
        raise ServicesError("请填写联系人和联系电话", "contact")
    p = Provider.unscoped.create(
        region_code=code, name=name.strip()[:100], credit_code=credit_code, contact=contact.strip()[:40],
        phone=phone.strip()[:20], address=(address or "").strip()[:200], created_by=user_or_none(actor),
    )  # fmt: skip
    audit(actor, A, "service_provider", p, {"name": p.name, "credit_code": credit_code})
    return p


@transaction.atomic
def link_staff(*, actor, provider: Provider, user: User) -> ProviderStaff:
    code = _region(actor)
    if not is_within(provider.region_code, code):
        raise ServicesError("该机构不在您的辖区内", "provider")
    if user.role != "service_provider":
        raise ServicesError("只有“服务机构”角色的账号可以关联到服务机构", "user")
    if not (user.region_id and is_within(user.region_id, code)):
        raise ServicesError("该账号不在您的辖区内", "user")
    staff, _ = ProviderStaff.unscoped.update_or_create(
        user=user, defaults={"provider": provider, "region_code": provider.region_code, "active": True}
    )
    audit(actor, A, "service_provider", provider, {"staff": user.username})
    return staff


@transaction.atomic
def create_contract(
    *,
    actor,
    provider: Provider,
    number: str,
    valid_from: dt.date,
    valid_to: dt.date,
    townships: list[str],
    items: list[tuple[ServiceType, object]],
) -> Contract:
    """A county's contract with a provider: the townships of the county it covers and the contracted unit
    price of each service type (of the county's catalogue or the one it inherits)."""
    code = _region(actor)
    region = find_region(code)
    if region is None or region.level != "county":
        raise ServicesError("服务合同由县级民政部门签订", "actor")
    if not is_within(provider.region_code, code) and not is_within(code, provider.region_code):
        raise ServicesError("该机构不在您的辖区内", "provider")
    number = (number or "").strip()
    if not number:
        raise ServicesError("请填写合同编号", "number")
    if Contract.unscoped.filter(number=number).exists():
        raise ServicesError(f"合同编号“{number}”已存在", "number")
    if valid_to < valid_from:
        raise ServicesError("合同截止日期不能早于生效日期", "valid_to")
    towns = sorted({str(t).ljust(12, "0") for t in townships or []})
    for t in towns:
        region = find_region(t)
        if region is None or region.level != "township" or not is_within(t, code):
            raise ServicesError("服务区域应为本县（市、区）的乡镇（街道）", "townships")
    if not towns:
        raise ServicesError("请选择合同覆盖的乡镇（街道）", "townships")
    if not items:
        raise ServicesError("请至少填写一个服务项目及合同单价", "items")
    allowed = set(ancestors(code))
    seen = set()
    for st, _ in items:
        if st.region_code not in allowed or st.pk in seen:
            raise ServicesError(f"服务项目“{st.name}”不在本县适用的服务清单中或重复", "items")
        seen.add(st.pk)
    contract = Contract.unscoped.create(
        region_code=county_of(code), provider=provider, number=number[:40], valid_from=valid_from,
        valid_to=valid_to, townships=towns, created_by=user_or_none(actor),
    )  # fmt: skip
    ContractItem.unscoped.bulk_create(
        [ContractItem(region_code=contract.region_code, contract=contract, service_type=st,
                      unit_price=money(price, f"“{st.name}”的合同单价")) for st, price in items]
    )  # fmt: skip
    audit(actor, A, "service_contract", contract,
          {"number": number, "provider": provider.name, "from": valid_from, "to": valid_to, "townships": towns,
           "items": {st.name: str(money(p)) for st, p in items}})  # fmt: skip
    return contract
