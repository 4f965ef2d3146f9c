"""The pure rules of service-type assistance (no Django): who a service type is for (eligibility tags judged
from registry facts), how much of a unit one visit counts for, the visit dates a plan suggests, and the
settlement arithmetic (contracted unit price × quantity, rounded to the fen once per line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ELDERLY_AGE = 60  # 老年人: 60 周岁以上 (《老年人权益保障法》第二条)
ADULT_AGE = 18  # 未成年人: 不满 18 周岁
SEVERE_KINDS = ("intellectual", "mental")  # grade 3 of these kinds counts as severe, as the top-up rule does

TAGS: dict[str, str] = {
    "tekun_home": "分散供养特困人员",
    "elderly_alone": "独居老人",
    "elderly": "老年人",
    "severe_disability": "重度残疾人",
    "minor": "未成年人",
}
LOW_INCOME = frozenset({"DIBAO", "TEKUN", "MARGINAL", "RIGID", "FPJC", "OTHER"})
UNITS = ("visit", "hour", "day")
FEN = Decimal("0.01")


@dataclass(frozen=True)
class PersonFacts:
    """What the registry knows of a person on a day."""

    birth_date: dt.date | None
    categories: frozenset[str]  # current assistance categories
    household_size: int  # current members of the household, the person included
    disability_grade: int | None = None  # 1 (most severe) … 4
    disability_kind: str = ""
    tekun_centralized: bool = False  # the TEKUN person lives in an institution (集中供养)
    deceased: bool = False


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    matched: tuple[str, ...]  # the tags the person meets (labels)
    reason: str  # Chinese, empty when ok


def age_on(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def severe_disability(grade: int | None, kind: str) -> bool:
    return grade is not None and (grade <= 2 or (grade == 3 and kind in SEVERE_KINDS))


def person_tags(facts: PersonFacts, on: dt.date) -> frozenset[str]:
    age = age_on(facts.birth_date, on)
    tags = set()
    if "TEKUN" in facts.categories and not facts.tekun_centralized:
        tags.add("tekun_home")
    if age is not None and age >= ELDERLY_AGE:
        tags.add("elderly")
        if facts.household_size <= 1:
            tags.add("elderly_alone")
    if age is not None and age < ADULT_AGE:
        tags.add("minor")
    if severe_disability(facts.disability_grade, facts.disability_kind):
        tags.add("severe_disability")
    return frozenset(tags)


def eligibility(service_tags: Iterable[str], facts: PersonFacts, on: dt.date) -> Eligibility:
    """May the service be ordered for the person on ``on``? A low-income person (a current category) of one of
    the service's tags (any, when the service names none); never for the deceased."""
    wanted = [t for t in service_tags if t in TAGS]
    if facts.deceased:
        return Eligibility(False, (), "该人员已死亡，不能下单")
    if not (facts.categories & LOW_INCOME):
        return Eligibility(False, (), "该人员目前不在低收入人口名单内（无有效救助类别），不能购买救助服务")
    has = person_tags(facts, on)
    if not wanted:
        return Eligibility(True, (), "")
    matched = tuple(TAGS[t] for t in wanted if t in has)
    if not matched:
        needed = "、".join(TAGS[t] for t in wanted)
        return Eligibility(False, (), f"该服务项目的服务对象为{needed}，该人员不符合条件")
    return Eligibility(True, matched, "")


def quantity(unit: str, minutes: int) -> Decimal:
    """The units one visit counts for: 次 and 天 count 1; 小时 counts the duration to the nearest half hour
    (at least half an hour)."""
    if unit != "hour":
        return Decimal(1)
    halves = (Decimal(int(minutes)) / Decimal(30)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(halves, Decimal(1)) / Decimal(2)


def line_amount(quantity_sum: Decimal, unit_price: Decimal) -> Decimal:
    return (Decimal(quantity_sum) * Decimal(unit_price)).quantize(FEN, rounding=ROUND_HALF_UP)


def suggest_dates(
    start: dt.date, end: dt.date, frequency: str, per_period: int, *, limit: int = 120
) -> list[dt.date]:
    """Evenly spread visit dates: ``per_period`` a week (from each Monday, every 7/n days) or a month."""
    out: list[dt.date] = []
    per_period = max(1, min(int(per_period), 7 if frequency == "week" else 31))
    if frequency == "week":
        step = max(1, 7 // per_period)
        week = start - dt.timedelta(days=start.weekday())
        while week <= end and len(out) < limit:
            for i in range(per_period):
                d = week + dt.timedelta(days=i * step)
                if start <= d <= end:
                    out.append(d)
            week += dt.timedelta(days=7)
    else:
        month = start.replace(day=1)
        while month <= end and len(out) < limit:
            nxt = (month + dt.timedelta(days=32)).replace(day=1)
            days = (nxt - month).days
            step = max(1, days // per_period)
            for i in range(per_period):
                d = month + dt.timedelta(days=min(i * step + 1, days - 1))
                if start <= d <= end:
                    out.append(d)
            month = nxt
    return sorted(set(out))[:limit]


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → the first day; ValueError otherwise."""
    year, _, mon = str(text).strip().partition("-")
    return dt.date(int(year), int(mon), 1)


def credit_code_ok(code: str) -> bool:
    """统一社会信用代码 (GB 32100-2015): 18 characters with its check character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    code = str(code or "").strip().upper()
    if len(code) != 18 or any(c not in chars for c in code):
        return False
    total = sum(chars.index(c) * w for c, w in zip(code[:17], weights, strict=True))
    return chars[(31 - total % 31) % 31] == code[17]


def make_credit_code(body17: str) -> str:
    """The 18-character code with the check character computed (demo data and tests)."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(chars.index(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + chars[(31 - total % 31) % 31]
