"""Reads of the division tree. Regions are public reference data, so they are not region-scoped;
callers narrow lists to the user's subtree with ``within``."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from doudi.core.scoping import prefix_of
from doudi.regions.models import Region


def get_region(code: str) -> Region:
    return Region.objects.get(code=str(code).ljust(12, "0"))


def find_region(code: str | None) -> Region | None:
    if not code:
        return None
    code = str(code).strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return None
    return Region.objects.filter(code=code.ljust(12, "0")).first()


def within(prefix: str) -> QuerySet[Region]:
    return Region.objects.filter(code__startswith=prefix)


def children(code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=code)


def ancestors(code: str) -> list[str]:
    """12-digit codes from the region itself up to the province (for parameter inheritance)."""
    code = str(code).ljust(12, "0")
    out: list[str] = []
    for length in (12, 9, 6, 4, 2):
        c = code[:length].ljust(12, "0")
        if not out or out[-1] != c:
            out.append(c)
    return out


@lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    r = Region.objects.filter(code=code).values_list("full_name", flat=True).first()
    return r or code


def names_for(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def scope_prefix_for(code: str) -> str:
    return prefix_of(code)


def regions_by_codes(codes) -> list[Region]:
    """The regions with these full codes, in code order (unknown codes are left out)."""
    return list(Region.objects.filter(code__in=list(codes)).order_by("code"))


def county_choices() -> list[tuple[str, str]]:
    """(code, full name) of every county, for a county picker."""
    return list(Region.objects.filter(level="county").values_list("code", "full_name"))


def townships_of_county(code: str) -> QuerySet[Region]:
    """The townships under the county of ``code`` (its first six digits), in code order."""
    return Region.objects.filter(level="township", code__startswith=code[:6]).order_by("code")


def township_choices(region_code: str | None) -> list[tuple[str, str]]:
    """(code, name) of the townships an officer of ``region_code`` files for: a township's (or a village's)
    own township, a county's townships; nothing above the county (they pick by county first)."""
    region = find_region(region_code)
    if region is None:
        return []
    if region.level in ("township", "village"):
        town = find_region(region.code[:9].ljust(12, "0"))
        return [(town.code, town.name)] if town else []
    if region.level == "county":
        return [(r.code, r.name) for r in children(region.code).filter(level="township").order_by("code")]
    return []
