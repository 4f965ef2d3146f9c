"""综合量化评审 (DOMAIN R-W5, CASEWORK R-W23a): a scored checklist with param weights and a pass mark.
Every item's points go into the decision record; the score never overrides the income and asset tests
on its own — where the two disagree the township must write a reason. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ITEMS: tuple[tuple[str, str], ...] = (
    ("income_gap", "收入差距"),
    ("assets", "财产状况"),
    ("labour_capacity", "劳动能力"),
    ("health_disability", "健康与残疾"),
    ("rigid_expenditure", "刚性支出"),
    ("housing", "住房条件"),
    ("consumption", "消费情况"),
)
HOUSING = {"poor": Decimal(1), "fair": Decimal("0.5"), "good": Decimal(0)}
ONE, ZERO, HALF = Decimal(1), Decimal(0), Decimal("0.5")


@dataclass(frozen=True)
class ReviewInputs:
    income_ratio: Decimal | None  # per-capita income ÷ the dibao standard; None when not assessed
    assets_ok: bool  # R-A1 passed
    members: int
    without_labour: int
    partial_labour: int
    ill_or_disabled: int
    rigid_share: Decimal | None  # rigid expenditure ÷ income, None when none claimed
    housing: str  # poor | fair | good | ""
    auxiliary_signals: int  # consumption signals raised by verification (R-W21 auxiliary items)
    income_eligible: bool  # the assessment found a tier


def _clamp(x: Decimal) -> Decimal:
    return max(ZERO, min(ONE, x))


def fractions(i: ReviewInputs) -> dict[str, Decimal]:
    n = Decimal(max(1, i.members))
    return {
        "income_gap": HALF if i.income_ratio is None else _clamp(ONE - i.income_ratio),
        "assets": ONE if i.assets_ok else ZERO,
        "labour_capacity": _clamp((Decimal(i.without_labour) + HALF * i.partial_labour) / n),
        "health_disability": _clamp(Decimal(2 * i.ill_or_disabled) / n),
        "rigid_expenditure": ZERO if i.rigid_share is None else _clamp(i.rigid_share),
        "housing": HOUSING.get(i.housing, HALF),
        "consumption": _clamp(ONE - HALF * i.auxiliary_signals),
    }


def score(i: ReviewInputs, weights: dict[str, Decimal], pass_mark: Decimal) -> dict:
    """``{items: [{key, label, weight, points}], total, pass_mark, passes, income_eligible, needs_reason}``."""
    parts = fractions(i)
    items = []
    for key, label in ITEMS:
        w = Decimal(weights.get(key, 0))
        pts = (w * parts[key]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        items.append({"key": key, "label": label, "weight": str(w), "points": str(pts)})
    total = sum((Decimal(it["points"]) for it in items), ZERO)
    passes = total >= pass_mark
    return {
        "items": items,
        "total": str(total),
        "pass_mark": str(pass_mark),
        "passes": passes,
        "income_eligible": i.income_eligible,
        # R-W23a: eligible by income but below the mark, or the reverse → 需说明
        "needs_reason": passes != i.income_eligible,
    }
