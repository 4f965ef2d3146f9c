"""Rows of household lists (search page, export) and the audited Excel export (R-S5).

``household_rows`` summarises a page of households in four queries whatever its length;
``export_households`` is the action behind "导出Excel": masked identity numbers only, rows of the
current region scope only, and one audit event ``AuditAction.REGISTRY_EXPORT`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import batched

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import append_row, safe_text
from doudi.core.scoping import require_scope
from doudi.regions.queries import names_for
from doudi.registry import queries
from doudi.registry.models import AreaType, Category, CategoryStatus, Household, Person, Relation

CATEGORY_ORDER = ("TEKUN", "DIBAO", "MARGINAL", "RIGID", "FPJC", "OTHER")
FILTER_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "region": "区划",
    "category": "救助类别",
    "area_type": "城乡类别",
}
EXPORT_COLUMNS = ("户编号", "户主姓名", "户主身份证号（脱敏）", "所属区划", "城乡类别", "当前救助类别")


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    head_name: str
    head_id_masked: str
    region_name: str
    categories: tuple[str, ...]  # current categories, most protective first

    @property
    def area_label(self) -> str:
        return AreaType(self.household.area_type).label

    @property
    def category_labels(self) -> str:
        return "、".join(Category(c).label for c in self.categories)


def household_rows(households: Sequence[Household], today: dt.date | None = None) -> list[HouseholdRow]:
    today = today or dt.date.today()
    ids = [h.pk for h in households]
    heads: dict[int, Person] = {}
    for p in (
        Person.objects.filter(household_id__in=ids)
        .only("name", "id_masked", "relation", "household_id")
        .order_by("id")
    ):
        hid = p.household_id
        assert hid is not None  # filtered on household_id above
        known = heads.get(hid)
        if known is None or (p.relation == Relation.HEAD and known.relation != Relation.HEAD):
            heads[hid] = p
    cats: dict[int, set[str]] = defaultdict(set)
    for hid, cat in CategoryStatus.objects.filter(
        household_id__in=ids, since__lte=today, until__isnull=True
    ).values_list("household_id", "category"):
        cats[hid].add(cat)
    regions = names_for({h.region_code for h in households})
    out = []
    for h in households:
        head = heads.get(h.pk)
        out.append(
            HouseholdRow(
                household=h,
                head_name=head.name if head else "",
                head_id_masked=(head.id_masked if head else "") or "",
                region_name=regions.get(h.region_code, h.region_code),
                categories=tuple(c for c in CATEGORY_ORDER if c in cats[h.pk]),
            )
        )
    return out


def _rows(filters: dict[str, str], limit: int) -> Iterable[HouseholdRow]:
    qs = queries.search_households(**filters)[:limit]
    for chunk in batched(qs.iterator(chunk_size=2000), 2000):
        yield from household_rows(chunk)


@transaction.atomic
def export_households(*, actor, filters: dict[str, str], count: int) -> bytes:
    """The households matching ``filters`` in the current scope as an .xlsx workbook.

    ``count`` is the number of rows the caller counted and showed; at most that many are written,
    so the file holds what the audit event says. Identity numbers appear masked only."""
    if not actor.can("registry.read"):
        raise PermissionError("无权导出救助对象数据")
    scope = require_scope()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("家庭查询结果")
    append_row(ws, list(EXPORT_COLUMNS))
    written = 0
    for row in _rows(filters, count):
        append_row(
            ws,
            [
                row.household.household_key,
                row.head_name,
                row.head_id_masked,
                row.region_name,
                row.area_label,
                row.category_labels,
            ],
        )
        written += 1
    about = wb.create_sheet("说明")
    append_row(about, ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    append_row(about, ["导出人", getattr(actor, "label", str(actor))])
    region = getattr(actor, "region", None)
    append_row(about, ["数据范围", region.full_name if region else scope.prefix])
    append_row(about, ["记录数", written])
    for key, label in FILTER_LABELS.items():
        value = filters.get(key) or ""
        if key == "id_number" and value:
            value = "（已按身份证号筛选）"
        append_row(about, [label, value or "（不限）"])
    append_row(about, ["注意", "身份证号已脱敏。本文件含个人信息，请妥善保管，用后删除。"])
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_EXPORT,
        region_code=getattr(actor, "region_id", "") or "",
        subject_type="household_search",
        after={
            "filters": {k: v for k, v in filters.items() if v and k != "id_number"},
            "by_id_number": bool(filters.get("id_number")),
            "count": written,
        },
        detail=f"导出家庭查询结果 {written} 户",
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def household_key_linker(ws, link_base: str, *, as_of: dt.date | None = None):
    """``link(key)`` → a cell of a write-only worksheet holding the household key as a link to the
    household's page (``registry:by_key``, which opens it for a viewer whose scope holds it). Without
    ``link_base`` (the site's absolute root, ``request.build_absolute_uri("/")``) or a key, the plain
    value."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from openpyxl.cell import WriteOnlyCell

    root = link_base.rstrip("/") + reverse("registry:by_key") if link_base else ""
    extra = {"as_of": as_of.isoformat()} if as_of else {}

    def link(key):
        if not root or not isinstance(key, str) or not key:
            return key
        cell = WriteOnlyCell(ws, safe_text(key))  # a key from a roster never becomes a formula
        cell.hyperlink = f"{root}?{urlencode({'k': key, **extra})}"
        cell.style = "Hyperlink"
        return cell

    return link
