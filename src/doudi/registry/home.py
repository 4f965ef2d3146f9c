"""The registry's panel on the home page: households and persons per assistance category, urban and
rural (registered with the web shell in ``RegistryConfig.ready``)."""

from __future__ import annotations

from doudi.registry import queries
from doudi.registry.models import CATEGORY_SHORT, AreaType, Category


def category_table(counts: dict) -> tuple[list[dict], dict]:
    """Rows of the home table (one per category, urban/rural households and persons) and chart data."""
    by_cat = counts["by_category"]
    rows = []
    for cat in Category.values:
        cells = by_cat.get(cat, {})
        row = {"category": cat, "label": CATEGORY_SHORT[cat], "full_label": Category(cat).label}
        for area in AreaType.values:
            c = cells.get(area, {})
            row[f"{area}_households"] = c.get("households", 0)
            row[f"{area}_persons"] = c.get("persons", 0)
        row["households"] = row["urban_households"] + row["rural_households"]
        row["persons"] = row["urban_persons"] + row["rural_persons"]
        rows.append(row)
    chart = {
        "categories": [r["label"] for r in rows],
        "series": [
            {"name": "城市家庭（户）", "stack": "households", "data": [r["urban_households"] for r in rows]},
            {"name": "农村家庭（户）", "stack": "households", "data": [r["rural_households"] for r in rows]},
            {"name": "城市人员（人）", "stack": "persons", "data": [r["urban_persons"] for r in rows]},
            {"name": "农村人员（人）", "stack": "persons", "data": [r["rural_persons"] for r in rows]},
        ],
    }
    return rows, chart


def counts_panel(request) -> dict:
    """The counts of the user's subtree for a role that reads the registry; nothing for others."""
    if not request.user.can("registry.read"):
        return {}
    counts = queries.counts_by_category()
    rows, chart = category_table(counts)
    return {"counts": counts, "rows": rows, "chart": chart, "has_data": any(r["persons"] for r in rows)}
