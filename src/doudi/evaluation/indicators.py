"""The indicators of the performance evaluation (DOMAIN R-S2, seed §18) and how a score and a ranking are made
from them. Pure: no Django, Decimal arithmetic only, so the same counts always give the same figures.

Every indicator is a share ``numerator / denominator`` of one region's year; the counts come from one GROUP BY
query each (``evaluation/sources.py``). A share is normalised to 0–1 where 1 is best (``1 − share`` for a
share where lower is better); the score is 100 × the weighted mean of the normalised shares of the indicators
that apply (denominator > 0), so a county without complaints is neither rewarded nor punished for them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HIGHER, LOWER = "higher", "lower"
DIRECTION_LABELS = {HIGHER: "越高越好", LOWER: "越低越好"}
SHARE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")
WEIGHT_PREFIX = "evaluation.weight."


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # Chinese name shown on pages and exports
    direction: str  # HIGHER | LOWER
    numerator: str  # what is counted, in Chinese
    denominator: str
    source: str  # the records it counts, in Chinese
    rule: str  # the rule it checks
    default_weight: Decimal

    @property
    def weight_key(self) -> str:
        return WEIGHT_PREFIX + self.key

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]


INDICATORS: tuple[Indicator, ...] = (
    Indicator("application_on_time", "申请按时办结率", HIGHER, "按时办结的申请", "办结时限在本年度届满的申请",
              "救助申请的办结时限", "R-W13", Decimal("0.20")),
    Indicator("warning_on_time", "预警按时核查率", HIGHER, "期限内完成入户核查的预警", "核查期限在本年度届满的预警",
              "监测预警", "R-M13、R-M14", Decimal("0.20")),
    Indicator("review_on_time", "动态管理按期复核率", HIGHER, "按期作出复核决定的复核", "复核期限在本年度届满的复核",
              "定期复核和变化复核", "R-W30–R-W32", Decimal("0.10")),
    Indicator("payment_on_time", "花名册按时报送率", HIGHER, "按时报送银行的月度花名册", "本年度应报送的月度花名册",
              "月度发放花名册", "R-PAY4", Decimal("0.10")),
    Indicator("need_on_time", "需求按时答复率", HIGHER, "部门按时答复的需求推送", "答复期限在本年度届满的需求推送",
              "专项救助需求推送", "R-P1", Decimal("0.10")),
    Indicator("complaint_on_time", "投诉举报按时办结率", HIGHER, "按时办结的投诉举报", "办结期限在本年度届满的投诉举报",
              "投诉举报", "R-G5", Decimal("0.15")),
    Indicator("spotcheck_problem", "抽查问题发生率", LOWER, "发现问题的抽查事项", "已核查的抽查事项",
              "本年度抽查核查", "seed §18", Decimal("0.10")),
    Indicator("spotcheck_corrected", "抽查问题整改率", HIGHER, "已整改的问题", "发现问题的抽查事项",
              "本年度抽查核查", "seed §18", Decimal("0.05")),
)  # fmt: skip
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
DEFAULT_WEIGHTS: dict[str, Decimal] = {i.weight_key: i.default_weight for i in INDICATORS}


def share(num: int, den: int) -> Decimal | None:
    """``num / den`` to four places (half up); None when nothing was due (the indicator does not apply)."""
    if den <= 0:
        return None
    return (Decimal(num) / Decimal(den)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def percent(value: Decimal | str | None) -> str:
    """A share as shown: ``95.00%``; "不适用" when the indicator does not apply."""
    if value is None:
        return "不适用"
    return f"{(Decimal(value) * 100).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)}%"


def normalised(ind: Indicator, value: Decimal | None) -> Decimal | None:
    """0–1, 1 best: the share itself, or ``1 − share`` where lower is better."""
    if value is None:
        return None
    return value if ind.direction == HIGHER else Decimal(1) - value


def score(counts: Mapping[str, tuple[int, int]], weights: Mapping[str, Decimal]) -> Decimal | None:
    """100 × Σ wᵢ·nᵢ / Σ wᵢ over the indicators that apply (two places, half up); None when none applies or
    their weights are all zero. ``counts``: indicator key → (numerator, denominator); ``weights`` by key."""
    total_w = Decimal(0)
    total = Decimal(0)
    for ind in INDICATORS:
        num, den = counts.get(ind.key, (0, 0))
        n = normalised(ind, share(num, den))
        w = Decimal(weights.get(ind.key, 0))
        if n is None or w <= 0:
            continue
        total_w += w
        total += w * n
    if total_w == 0:
        return None
    return (Decimal(100) * total / total_w).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def contribution(
    ind: Indicator, num: int, den: int, weights: Mapping[str, Decimal], applied: Decimal
) -> Decimal:
    """The points an indicator adds to the score: 100 × w·n / Σw (``applied`` = Σw of the applying ones)."""
    n = normalised(ind, share(num, den))
    w = Decimal(weights.get(ind.key, 0))
    if n is None or w <= 0 or applied <= 0:
        return Decimal(0)
    return (Decimal(100) * w * n / applied).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def applied_weight(counts: Mapping[str, tuple[int, int]], weights: Mapping[str, Decimal]) -> Decimal:
    return sum(
        (Decimal(weights.get(i.key, 0)) for i in INDICATORS
         if counts.get(i.key, (0, 0))[1] > 0 and Decimal(weights.get(i.key, 0)) > 0),
        Decimal(0),
    )  # fmt: skip


def ranks(scores: Iterable[tuple[str, Decimal | None]]) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4): equal scores share a rank, the next rank skips; no score, no rank."""
    got = [(code, s) for code, s in scores if s is not None]
    got.sort(key=lambda cs: (-cs[1], cs[0]))
    out: dict[str, int | None] = {}
    prev: Decimal | None = None
    rank = 0
    for pos, (code, s) in enumerate(got, 1):
        if s != prev:
            rank, prev = pos, s
        out[code] = rank
    return out
