"""What a public notice may show (R-PUB2): the masked name, the village (never the house number), the
household size, proposed tier and amount, a one-line summary and how to object; never identity numbers,
phones, illness, disability or income items. For MARGINAL/RIGID only the aided person (谁救助谁公示)."""

from __future__ import annotations

import datetime as dt

from doudi.casework import household_data
from doudi.casework.models import Application
from doudi.regions.queries import find_region, region_name
from doudi.registry.models import CATEGORY_NAMES


def mask_name(name: str) -> str:
    """张*明 / 张* (R-PUB2 ``notice.name_mask``)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def applicant_is_minor(app: Application, on: dt.date) -> bool:
    age = _age(app.applicant.birth_date if app.applicant else None, on)
    return age is not None and age < 18


def place_of(region_code: str) -> str:
    """The village or community (or township) name — never the address."""
    region = find_region(region_code)
    if region is None:
        return ""
    if region.level == "village" and region.parent_id:
        return f"{region_name(region.parent_id)}{region.name}"
    return region.name


def notice_content(app: Application, on: dt.date, end: dt.date) -> dict:
    size = len(household_data.members(app.household_id, on))
    tier = app.proposed_category
    aided_only = tier in ("MARGINAL", "RIGID")
    return {
        "name": mask_name(app.applicant_name),
        "place": place_of(app.region_code),
        "household_size": 1 if aided_only else size,
        "tier": CATEGORY_NAMES.get(tier, ""),
        "monthly_total": app.proposed_total,
        "summary": "经入户调查和家庭经济状况核对，拟认定为"
        + CATEGORY_NAMES.get(tier, "")
        + ("家庭" if tier == "DIBAO" else ""),
        "start_on": on.isoformat(),
        "end_on": end.isoformat(),
        "objection": f"如有异议，请于{end:%Y年%m月%d日}24时前向{region_name(app.region_code[:9].ljust(12, '0'))}人民政府（街道办事处）社会救助窗口反映",
    }
