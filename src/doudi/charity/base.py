"""What the charity writes and reads share: the errors, the caller's charity and its service area, and the
levels that may register charities."""

from __future__ import annotations

from django.db.models import Q

from doudi.charity.models import Charity, CharityMember
from doudi.core.scoping import is_within, prefix_of


class CharityError(ValueError):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class CharityConflict(CharityError):
    """The need's or claim's state does not allow the step (API 409)."""


def charity_of(user) -> Charity | None:
    """The active charity ``user`` (role 慈善组织) is a member of, or None."""
    if getattr(user, "role", "") != "charity" or not getattr(user, "pk", None):
        return None
    member = CharityMember.unscoped.select_related("charity").filter(user_id=user.pk).first()
    if member is None or not member.charity.active:
        return None
    return member.charity


def area_q(charity: Charity | None) -> Q:
    """Needs whose household lies in the charity's service area (nothing without a charity or an area). Written
    on the indexed county column: a county by equality, a city by its prefix, the province as no condition at
    all (every need is in Jilin)."""
    q = Q(pk__in=[])
    if charity is None:
        return q
    for code in charity.service_area or []:
        prefix = prefix_of(code)
        if len(prefix) <= 2:
            return Q()
        q |= Q(county_code=code) if len(prefix) >= 6 else Q(county_code__startswith=prefix)
    return q


def in_area(charity: Charity | None, region_code: str) -> bool:
    return charity is not None and any(is_within(region_code, c) for c in charity.service_area or [])


def county_of(region_code: str) -> str:
    return str(region_code)[:6].ljust(12, "0")
