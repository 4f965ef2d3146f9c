"""Entitlement rules (R-P1) per assistance, property-based: the vectorised evaluation over any households
equals a plain per-person reading of the seed (§6–§9, §12), on any date and with the region's parameters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from doudi.policy.rules import entitlements as E

CATS = E.CATEGORIES
FAMILY = ("DIBAO", "TEKUN", "MARGINAL", "RIGID")

person = st.fixed_dictionaries(
    {
        "is_head": st.booleans(),
        "age": st.one_of(st.none(), st.integers(0, 95)),
        "in_school": st.booleans(),
        "employed": st.booleans(),
        "labour": st.sampled_from([None, "full", "partial", "none"]),
        "disabled": st.booleans(),
        "severe": st.booleans(),
        "dead_days": st.one_of(st.none(), st.integers(0, 400)),
        "cats": st.sets(st.sampled_from(CATS), max_size=2),
    }
)
household = st.fixed_dictionaries(
    {
        "area_type": st.sampled_from(["urban", "rural"]),
        "dwellings": st.one_of(st.none(), st.integers(0, 2)),
        "unsafe": st.booleans(),
        "members": st.lists(person, min_size=1, max_size=4),
    }
)
params = st.fixed_dictionaries(
    {
        "needs.employment_aid.age_from": st.integers(14, 18),
        "needs.employment_aid.age_to": st.integers(55, 65),
        "needs.funeral_waiver.window_days": st.integers(0, 180),
        "needs.funeral_waiver.extended": st.sampled_from(["true", "false"]),
        "needs.rehab_child.max_age": st.integers(3, 17),
        "needs.heating_aid.enabled": st.sampled_from(["true", "false"]),
    }
)


def _table(households):
    rows, pid = [], 0
    for hid, h in enumerate(households, start=1):
        for m in h["members"]:
            pid += 1
            rows.append(
                {
                    "person_id": pid, "household_id": hid, "region_code": "222401001000",
                    "area_type": h["area_type"], "is_head": m["is_head"], "age": m["age"],
                    "in_school": m["in_school"], "employed": m["employed"], "labour": m["labour"],
                    "disabled": m["disabled"] or m["severe"], "severe_disabled": m["severe"],
                    "dwellings": h["dwellings"], "dwelling_unsafe": h["unsafe"],
                    "days_since_death": m["dead_days"], **{f"p_{c}": c in m["cats"] for c in CATS},
                }
            )  # fmt: skip
    return rows


def _oracle(rows, prm) -> set[tuple[int, str]]:
    """The seed read person by person (no Arrow)."""
    out: set[tuple[int, str]] = set()
    by_hh: dict[int, list[dict]] = {}
    for r in rows:
        by_hh.setdefault(r["household_id"], []).append(r)
    for members in by_hh.values():
        alive = [m for m in members if m["days_since_death"] is None]
        hcats = {c for m in alive for c in CATS if m[f"p_{c}"]}
        heads = [m["person_id"] for m in alive if m["is_head"]]
        rep = min(heads) if heads else (min(m["person_id"] for m in alive) if alive else None)

        def working(m):
            return m["age"] is not None and 16 <= m["age"] < 60

        able = [m for m in alive if working(m) and m["labour"] in ("full", "partial")]
        zero = bool(able) and not any(working(m) and m["employed"] for m in alive)
        for m in members:
            own = {c for c in CATS if m[f"p_{c}"]}
            fam = hcats | own
            pid, age = m["person_id"], m["age"]
            if m["days_since_death"] is not None:
                wider = prm["needs.funeral_waiver.extended"] == "true" and fam & {"MARGINAL", "RIGID"}
                if m["days_since_death"] <= prm["needs.funeral_waiver.window_days"] and (
                    fam & {"DIBAO", "TEKUN"} or wider
                ):
                    out.add((pid, "funeral_waiver"))
                continue
            if "TEKUN" in own:
                out.add((pid, "medical_premium_full"))
            elif own & {"DIBAO", "MARGINAL", "FPJC"}:
                out.add((pid, "medical_premium_fixed"))
            if m["in_school"] and fam & set(FAMILY):
                out.add((pid, "education_aid"))
            lo, hi = prm["needs.employment_aid.age_from"], prm["needs.employment_aid.age_to"]
            if (fam & {"DIBAO", "MARGINAL", "RIGID", "FPJC"} and age is not None and lo <= age < hi
                    and m["labour"] in ("full", "partial") and not m["employed"]):  # fmt: skip
                out.add((pid, "employment_aid"))
            if m["disabled"] and age is not None and age <= prm["needs.rehab_child.max_age"] and fam:
                out.add((pid, "rehab_child"))
            if m["severe_disabled"] and fam & set(FAMILY):
                out.add((pid, "accessibility"))
            if pid == rep:
                if m["area_type"] == "urban" and fam & set(FAMILY) and m["dwellings"] == 0:
                    out.add((pid, "housing_rental"))
                if m["area_type"] == "rural" and fam & set(FAMILY) and m["dwelling_unsafe"]:
                    out.add((pid, "housing_renovation"))
                if zero and fam & {"DIBAO", "MARGINAL", "RIGID", "FPJC"}:
                    out.add((pid, "zero_employment"))
                if fam & {"DIBAO", "TEKUN", "MARGINAL"} and prm["needs.heating_aid.enabled"] == "true":
                    out.add((pid, "heating_aid"))
    return out


def _evaluate(rows, prm, on=dt.date(2026, 12, 1)):
    values = {k: (v if isinstance(v, str) else Decimal(v)) for k, v in prm.items()}
    table = E.params_table(
        [
            {"region_code": "222401001000", "area_type": a, **E.region_params(values)}
            for a in ("urban", "rural")
        ]
    )
    due = E.evaluate(E.person_table(rows), table, on)
    return due, {(r["person_id"], r["need"]) for r in due.to_pylist()}


@settings(max_examples=150, deadline=None)
@given(st.lists(household, min_size=1, max_size=5), params)
def test_every_assistance_matches_the_seed_read_person_by_person(households, prm):
    rows = _table(households)
    _due, got = _evaluate(rows, prm)
    assert got == _oracle(rows, prm)


@settings(max_examples=60, deadline=None)
@given(st.lists(household, min_size=1, max_size=4), params)
def test_each_need_names_its_department_and_deadline(households, prm):
    due, _ = _evaluate(_table(households), prm)
    for r in due.to_pylist():
        e = E.BY_CODE[r["need"]]
        assert r["department"] == e.department and r["deadline_wd"] == e.deadline_wd


@given(st.lists(household, min_size=1, max_size=3))
@settings(max_examples=30, deadline=None)
def test_nothing_is_due_before_the_measures_took_effect(households):
    prm = {"needs.heating_aid.enabled": "true"}
    _due, got = _evaluate(_table(households), prm, on=E.SEED_DATE - dt.timedelta(days=1))
    assert got == set()


def test_tekun_full_dibao_fixed_and_the_student():
    rows = _table(
        [
            {"area_type": "urban", "dwellings": 1, "unsafe": False, "members": [
                {"is_head": True, "age": 45, "in_school": False, "employed": True, "labour": "full",
                 "disabled": False, "severe": False, "dead_days": None, "cats": {"DIBAO"}},
                {"is_head": False, "age": 14, "in_school": True, "employed": False, "labour": None,
                 "disabled": False, "severe": False, "dead_days": None, "cats": {"DIBAO"}}]},
            {"area_type": "rural", "dwellings": 1, "unsafe": False, "members": [
                {"is_head": True, "age": 80, "in_school": False, "employed": False, "labour": "none",
                 "disabled": False, "severe": False, "dead_days": None, "cats": {"TEKUN"}}]},
        ]
    )  # fmt: skip
    _due, got = _evaluate(rows, {"needs.heating_aid.enabled": "false"})
    assert got == {(1, "medical_premium_fixed"), (2, "medical_premium_fixed"), (2, "education_aid"),
                   (3, "medical_premium_full")}  # fmt: skip
