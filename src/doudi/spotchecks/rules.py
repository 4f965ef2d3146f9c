"""Spot checks (抽查核查; seed §16, §18): the labels, the item states and the sample size. Pure: no Django."""

from __future__ import annotations

import math
import random

KINDS: dict[str, str] = {"case": "在保对象", "refusal": "不予确认申请", "warning": "已办结预警"}
STATES: dict[str, str] = {
    "pending": "待核查",
    "checked": "已核查",
    "corrected": "已整改",
    "no_correction": "无需整改",
}
CLOSED = frozenset({"corrected", "no_correction"})
ROUND_STATES: dict[str, str] = {"open": "核查中", "done": "已完成"}
RESULTS: dict[str, str] = {"ok": "无问题", "problem": "有问题"}
CATEGORIES: dict[str, str] = {
    "ineligible": "不符合条件仍在保",
    "missed": "应保未保",
    "amount": "金额错误",
    "procedure": "程序不规范",
    "documents": "材料不全",
    "other": "其他问题",
}
LEVELS = ("county", "city", "province")
LEVEL_LABELS = {"county": "县级", "city": "市级", "province": "省级"}
ROLE_LEVEL = {"county_officer": "county", "city_officer": "city", "province_officer": "province"}
QUARTERS = {0: "全年", 1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def sample_size(population: int, share: float, minimum: int) -> int:
    """ceil(share × N), at least ``minimum``, never more than N."""
    if population <= 0:
        return 0
    return min(population, max(int(minimum), math.ceil(population * float(share) - 1e-9)))


def draw(ids: list[int], share: float, minimum: int, seed: int) -> list[int]:
    """The sample: the same ids and seed give the same sample (ids are sorted first), without repeats."""
    population = sorted(set(ids))
    k = sample_size(len(population), share, minimum)
    return sorted(random.Random(seed).sample(population, k))


def period_label(year: int, quarter: int) -> str:
    return f"{year}年{QUARTERS.get(quarter, '')}"
