"""The one-time list of materials (一次性告知, CASEWORK R-W19): what the household must bring, what the
system fetches itself from government data, and what is still missing. Pure: the caller passes the
household as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    birth_date: dt.date | None
    id_valid: bool  # the identity is in the registry from 户籍 data: fetched, not asked for
    co_resident: bool = True
    disability: str = ""  # "" | "department" (fetched from 残联 data) | "declared"
    serious_illness: str = ""  # "" | "department" | "declared"


@dataclass(frozen=True)
class Household:
    members: list[Member]
    supporters: list[Member] = field(default_factory=list)  # legal supporters living apart (R-H3)
    tiers: list[str] = field(default_factory=list)  # [] = every tier
    rigid_expenditure: bool = False  # the family claims rigid expenditure (RIGID, R-R1)
    proxy: bool = False  # a village committee or another person applies


def adult(m: Member, on: dt.date) -> bool:
    if m.birth_date is None:
        return True  # unknown age: ask, rather than miss a signature
    years = on.year - m.birth_date.year - ((on.month, on.day) < (m.birth_date.month, m.birth_date.day))
    return years >= 18


def required(h: Household, on: dt.date) -> list[dict]:
    """Every material the application needs: ``{key, label, kind, person_id, fetchable}``."""
    items: list[dict] = []

    def add(key: str, label: str, kind: str, person_id: int | None = None, fetchable: bool = False) -> None:
        items.append(
            {"key": key, "label": label, "kind": kind, "person_id": person_id, "fetchable": fetchable}
        )

    for m in h.members:
        add(f"identity:{m.person_id}", f"{m.name}的身份证明", "identity", m.person_id, m.id_valid)
    add("declaration", "家庭成员、收入和财产状况申报表", "declaration")
    for m in h.members:
        if m.co_resident and adult(m, on):
            add(f"authorization:{m.person_id}", f"{m.name}签署的授权书", "authorization", m.person_id)
    for s in h.supporters:
        add(f"authorization:{s.person_id}", f"法定义务人{s.name}签署的授权书", "authorization", s.person_id)
    add("commitment", "承诺书", "commitment")
    for m in h.members:
        if m.disability:
            add(
                f"disability:{m.person_id}",
                f"{m.name}的残疾证",
                "disability",
                m.person_id,
                m.disability == "department",
            )
        if m.serious_illness:
            add(
                f"diagnosis:{m.person_id}",
                f"{m.name}的重病诊断证明",
                "diagnosis",
                m.person_id,
                m.serious_illness == "department",
            )
    if h.rigid_expenditure and (not h.tiers or "RIGID" in h.tiers):
        add("rigid_receipts", "近12个月刚性支出票据（医疗、教育等）", "rigid_receipts")
    if h.proxy:
        add("proxy", "委托手续（代为申请的委托书）", "proxy")
    return items


def status_of(items: list[dict], provided: set[str], authorized: set[int], committed: bool) -> list[dict]:
    """Each item with ``status``: fetched (the system has it), provided, or missing."""
    out = []
    for it in items:
        if it["fetchable"]:
            st = "fetched"
        elif it["kind"] == "authorization":
            st = "provided" if it["person_id"] in authorized else "missing"
        elif it["kind"] == "commitment":
            st = "provided" if committed else "missing"
        else:
            st = "provided" if it["key"] in provided else "missing"
        out.append({**it, "status": st})
    return out


STATUS_LABELS = {"fetched": "系统已获取", "provided": "已提供", "missing": "缺少"}


def missing(items: list[dict]) -> list[dict]:
    return [it for it in items if it.get("status") == "missing"]
