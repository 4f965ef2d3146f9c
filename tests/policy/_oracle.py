"""A deliberately naive, scalar reference of DOMAIN §5–§6 (Fractions, dates), to check the vectorised rules."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction as F

from doudi.policy.rules import baseline_parameters, codes, parameters_for, parse_input

T1_GRADES = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def half_up(x: F) -> int:
    return math.floor(x + F(1, 2))


def differential(x: F) -> int:
    return 0 if x <= 0 else max(1, half_up(x))


def oracle(data: dict) -> dict:
    inp = parse_input(data)
    prm = parameters_for(inp, baseline_parameters)

    def d(key: str) -> F:
        return F(prm.decimal(key))

    hh = inp.household
    S, k, share = F(prm.dibao_standard), d("marginal_income_multiple"), d("rigid_expense_share")
    ceiling = d("rigid_income_ceiling.annual") / 12
    ages = {m.id: age_on(m.birth_date, inp.as_of) for m in hh.members}

    def severe(m) -> bool:
        dis = m.disability
        return bool(dis) and (dis.grade <= 2 or (dis.grade == 3 and dis.kind in ("intellectual", "mental")))

    def tekun_ok(m) -> bool:
        a, dis = ages[m.id], m.disability
        t1 = a >= 60 or a < 16 or (dis is not None and dis.grade <= T1_GRADES.get(dis.kind, 0))
        t1 = t1 or ("TEKUN" in m.current and (a < 18 or m.in_school))  # R-T4: a TEKUN minor keeps it
        t2 = F(m.own_income_monthly) < S and m.own_assets_ok
        return t1 and t2 and not m.has_capable_supporter

    # R-T4: TEKUN per person; the rest is a household without the TEKUN members' income and headcount.
    tekun = {m.id for m in hh.members if tekun_ok(m)}
    rest = [m for m in hh.members if m.id not in tekun]
    months = hh.income_months
    if rest:
        n = len(rest)
        income = max(
            F(0),
            F(hh.income_total) - months * sum(F(m.own_income_monthly) for m in hh.members if m.id in tekun),
        )
    else:
        n, income = len(hh.members), F(hh.income_total)
    p = income / months / n
    a = hh.assets
    area_ok = (
        a.floor_area is not None
        and "asset.avg_floor_area" in prm.entries
        and "asset.floor_area_multiple" in prm.entries
        and F(a.floor_area) / n <= d("asset.floor_area_multiple") * d("asset.avg_floor_area")
    )
    assets_ok = (
        F(a.financial) / n <= d("asset.financial_months") * S
        and a.vehicles <= d("asset.max_vehicles")
        and (a.dwellings <= d("asset.max_dwellings") or area_ok)
        and not a.business
        and not a.nonresidential_property
    )

    if not rest:
        category = "TEKUN"
    elif p < S and assets_ok:
        category = "DIBAO"
    elif S <= p < k * S and assets_ok:
        category = "MARGINAL"
    elif k * S <= p < ceiling and F(hh.rigid_expenditure.total) > share * income * 12 / months and assets_ok:
        category = "RIGID"
    else:
        category = None
    lines = []
    if category == "DIBAO":
        lines.append(("R-B1", None, differential((S - p) * n)))
    categories = {}
    for m in hh.members:
        a, own = ages[m.id], F(m.own_income_monthly)
        special = m.serious_illness or severe(m)
        is_tekun = m.id in tekun
        single = not is_tekun and (
            (category == "MARGINAL" and special and own < S)
            or (
                k * S <= p < ceiling
                and a >= 18
                and not m.employed
                and special
                and own < S
                and m.own_assets_ok
            )
        )
        cats = ["DIBAO"] if single else ["TEKUN"] if is_tekun else ([category] if category else [])
        order = [name for _, name in codes.MEMBER_CATEGORY_BITS]
        categories[m.id] = sorted(cats + list(hh.existing), key=order.index)
        if is_tekun:
            level = "full" if m.adl_failed >= 4 else "partial" if m.adl_failed >= 1 else "self"
            lines.append(("R-B3-basic", m.id, half_up(d("tekun_basic_multiple") * S)))
            lines.append(("R-B3-care", m.id, half_up(d(f"tekun_care_share.{level}") * d("min_wage.monthly"))))
        if single:
            lines.append(("R-B4", m.id, differential(S - own)))
        if single or (category == "DIBAO" and not is_tekun):
            shares = [
                d("topup.serious_illness") if m.serious_illness else 0,
                d("topup.severe_disability") if severe(m) else 0,
                d("topup.elderly_70") if a >= 70 else 0,
                d("topup.minor") if a < 18 else 0,
            ]
            share_m = sum(shares) if prm.text("topup_combination") == "sum" else max(shares)
            if share_m > 0:
                lines.append(("R-B2", m.id, half_up(share_m * S)))
    return {"household_category": category, "lines": lines, "categories": categories}
