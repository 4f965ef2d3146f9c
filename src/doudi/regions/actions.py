"""Writes to the division tree: the shipped Jilin load (idempotent) and administrator additions."""

from __future__ import annotations

import csv
from importlib import resources

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import LEVEL_PREFIX_LEN, prefix_of
from doudi.regions.models import CHILD_LEVEL, Level, Region


class RegionError(ValueError):
    pass


def _shipped_rows() -> list[dict[str, str]]:
    text = resources.files("doudi.regions").joinpath("data/jilin-divisions.csv").read_text("utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


@transaction.atomic
def load_divisions(*, actor="system") -> int:
    """Insert the shipped divisions that are missing; returns how many were added. Re-running adds none."""
    rows = _shipped_rows()
    existing = set(Region.objects.values_list("code", flat=True))
    by_code = {r["code"]: r for r in rows}

    def full(code: str) -> str:
        parts = []
        while code:
            parts.append(by_code[code]["name"])
            code = by_code[code]["parent_code"]
        return "".join(reversed(parts))

    new = [
        Region(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_id=r["parent_code"] or None,
            prefix=prefix_of(r["code"], r["level"]),
            full_name=full(r["code"]),
        )
        for r in rows
        if r["code"] not in existing
    ]
    # parents first, so the foreign keys hold on every database
    new.sort(key=lambda r: LEVEL_PREFIX_LEN[r.level])
    Region.objects.bulk_create(new, batch_size=1000)
    if new:
        record_audit(
            actor=actor,
            action=AuditAction.REGIONS_LOAD,
            region_code="220000000000",
            detail=f"载入行政区划 {len(new)} 条",
        )
    return len(new)


@transaction.atomic
def add_region(*, actor, parent_code: str, code: str, name: str) -> Region:
    """An administrator adds a village/community (or another missing division) under a parent."""
    parent = Region.objects.select_for_update().filter(code=parent_code).first()
    if parent is None:
        raise RegionError("上级区划不存在")
    if parent.level not in CHILD_LEVEL:
        raise RegionError("该区划下不能再添加下级")
    level = CHILD_LEVEL[Level(parent.level)]
    code = code.strip()
    if not (code.isdigit() and len(code) == 12):
        raise RegionError("区划代码应为12位数字")
    if not code.startswith(parent.prefix) or prefix_of(code, level) == parent.prefix.ljust(
        LEVEL_PREFIX_LEN[level], "0"
    ):
        raise RegionError(f"区划代码应以上级代码 {parent.prefix} 开头，且本级位不能全为0")
    if code[LEVEL_PREFIX_LEN[level] :].strip("0"):
        raise RegionError("区划代码的下级位应为0")
    if Region.objects.filter(code=code).exists():
        raise RegionError("区划代码已存在")
    name = name.strip()
    if not name:
        raise RegionError("名称不能为空")
    region = Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        prefix=prefix_of(code, level),
        full_name=parent.full_name + name,
        source="管理员添加",
    )
    record_audit(
        actor=actor,
        action=AuditAction.REGIONS_ADD,
        region_code=code,
        subject_type="region",
        subject_id=code,
        after={"code": code, "name": name, "parent": parent_code},
    )
    return region
