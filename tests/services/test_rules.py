"""The pure rules: eligibility tags judged from registry facts, visit quantities, plan dates, credit codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from doudi.services import rules
from doudi.services.rules import PersonFacts

ON = dt.date(2026, 12, 7)


def facts(**kw) -> PersonFacts:
    base = {"birth_date": dt.date(1941, 2, 14), "categories": frozenset({"TEKUN"}), "household_size": 1}
    base.update(kw)
    return PersonFacts(**base)


def test_tekun_at_home_and_elderly_alone():
    assert rules.person_tags(facts(), ON) == {"tekun_home", "elderly", "elderly_alone"}


def test_centralised_tekun_is_not_at_home():
    assert "tekun_home" not in rules.person_tags(facts(tekun_centralized=True), ON)


def test_an_elderly_person_with_family_is_not_alone():
    assert rules.person_tags(facts(household_size=2, categories=frozenset({"DIBAO"})), ON) == {"elderly"}


def test_age_is_counted_in_full_years():
    assert rules.age_on(dt.date(1966, 12, 8), ON) == 59
    assert rules.age_on(dt.date(1966, 12, 7), ON) == 60
    assert "elderly" in rules.person_tags(facts(birth_date=dt.date(1966, 12, 7), household_size=3), ON)
    assert "elderly" not in rules.person_tags(facts(birth_date=dt.date(1966, 12, 8), household_size=3), ON)


def test_minor_until_the_eighteenth_birthday():
    assert "minor" in rules.person_tags(facts(birth_date=dt.date(2008, 12, 8)), ON)
    assert "minor" not in rules.person_tags(facts(birth_date=dt.date(2008, 12, 7)), ON)


def test_severe_disability_grades():
    assert rules.severe_disability(1, "physical") and rules.severe_disability(2, "visual")
    assert rules.severe_disability(3, "mental") and not rules.severe_disability(3, "physical")
    assert not rules.severe_disability(None, "")


def test_eligibility_needs_a_category_and_a_tag():
    care = ["tekun_home", "elderly_alone"]
    assert rules.eligibility(care, facts(), ON).ok
    assert rules.eligibility(care, facts(), ON).matched == ("分散供养特困人员", "独居老人")
    no_cat = rules.eligibility(care, facts(categories=frozenset()), ON)
    assert not no_cat.ok and "低收入人口" in no_cat.reason
    young = rules.eligibility(
        care, facts(birth_date=dt.date(1985, 1, 1), categories=frozenset({"DIBAO"})), ON
    )
    assert not young.ok and "分散供养特困人员、独居老人" in young.reason
    assert rules.eligibility(
        [], facts(birth_date=dt.date(1985, 1, 1), categories=frozenset({"DIBAO"})), ON
    ).ok
    assert not rules.eligibility([], facts(deceased=True), ON).ok


def test_quantity_per_unit():
    assert rules.quantity("visit", 200) == 1 and rules.quantity("day", 30) == 1
    assert rules.quantity("hour", 60) == Decimal("1")
    assert rules.quantity("hour", 90) == Decimal("1.5")
    assert rules.quantity("hour", 100) == Decimal("1.5")  # to the nearest half hour
    assert rules.quantity("hour", 105) == Decimal("2")
    assert rules.quantity("hour", 10) == Decimal("0.5")  # at least half an hour


def test_weekly_plan_dates():
    dates = rules.suggest_dates(dt.date(2026, 12, 7), dt.date(2026, 12, 20), "week", 2)
    assert dates == [
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 10),
        dt.date(2026, 12, 14),
        dt.date(2026, 12, 17),
    ]


@given(st.dates(dt.date(2025, 1, 1), dt.date(2027, 1, 1)), st.integers(0, 120), st.sampled_from(["week", "month"]),
       st.integers(1, 7))  # fmt: skip
def test_plan_dates_stay_inside_the_period(start, length, freq, n):
    end = start + dt.timedelta(days=length)
    dates = rules.suggest_dates(start, end, freq, n)
    assert all(start <= d <= end for d in dates) and dates == sorted(set(dates))


def test_credit_code_check_character():
    code = rules.make_credit_code("91220101MA0000000")
    assert rules.credit_code_ok(code)
    assert not rules.credit_code_ok(code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert not rules.credit_code_ok("123")
