"""Confirmed cases for the payment tests, made through the real casework walk (apply → verify → visit →
propose → notice → confirm): a two-person DIBAO household of 进学街道 (head aged 70, spouse 68) and an
84-year-old TEKUN person living alone (full care), both confirmed on 2026-11-13, so paid from 2026-12.

Fixtures: ``staff`` / ``family`` / ``walk`` (from tests/casework), ``dibao_case``, ``tekun_case``,
``confirmed`` (both), ``make_dibao(key, region, on)`` and ``make_tekun(key, region, on)`` for more."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions, using_scope
from tests.casework.conftest import Walk, _fresh_caches, family, make_family, staff, walk  # noqa: F401
from tests.conftest import YANJI, YANJI_T1

D = dt.date
CONFIRMED_ON = D(2026, 11, 13)


def walk_to_confirmed(w: Walk, on: dt.date = CONFIRMED_ON, *, adl: dict | None = None):
    """Move a fresh application of ``w``'s household all the way to ``confirm`` (dates before ``on``)."""
    start = on - dt.timedelta(days=11)
    app = w.authorize(w.open(on=start), on=start)
    app = w.event(app, "accept", start)
    app = w.event(app, "run_verification", start + dt.timedelta(days=1))
    fields = {
        "investigators": ["朴志勇", "金美兰"],
        "findings": "家庭收入低，无劳动能力",
        "labour_capacity": {str(p.pk): "none" for p in w.people},
    }
    if adl:
        fields["adl"] = adl
    else:
        fields["housing_rating"] = "poor"
    app = w.event(app, "record_investigation", start + dt.timedelta(days=2), **fields)
    app = w.event(app, "propose", start + dt.timedelta(days=3))
    app = w.event(app, "start_notice", start + dt.timedelta(days=3))
    if app.state == "in_notice":
        app = w.event(app, "end_notice", start + dt.timedelta(days=10))
    return w.event(app, "confirm", on, who="county")


def make_elder(key: str = "H-TK", region: str = YANJI_T1):
    """An 84-year-old living alone, no income, no capable supporter (R-T1–R-T3)."""
    from doudi.registry import actions

    with all_regions():
        hh = actions.create_household(
            actor="test", household_key=key, region_code=region, area_type="urban", since=D(2024, 1, 1)
        )
        p = actions.add_person_to_household(
            actor="test",
            household=hh,
            person_key=f"{key}-1",
            name="朴老汉",
            id_number=idnumber.make("222401", D(1942, 2, 2), 401 + len(key) % 50, male=True),
            relation="head",
            since=D(2024, 1, 1),
            birth_date=D(1942, 2, 2),
            sex="M",
        )
        actions.record_household_fact(
            actor="test",
            household=hh,
            kind="income",
            value={"total": 0, "months": 12},
            valid_from=D(2024, 1, 1),
            source="self_declared",
        )
        actions.record_household_fact(
            actor="test",
            household=hh,
            kind="assets",
            value={"vehicles": 0, "dwellings": 1, "financial": 0},
            valid_from=D(2024, 1, 1),
            source="self_declared",
        )
        actions.record_person_fact(
            actor="test",
            person=p,
            kind="supporter",
            value={"has_capable_supporter": False},
            valid_from=D(2024, 1, 1),
            source="self_declared",
        )
    return hh, [p]


@pytest.fixture
def make_dibao(staff):  # noqa: F811
    """``make_dibao(key, region=YANJI_T1, on=CONFIRMED_ON, income_total=3600)`` → the confirmed DIBAO case."""
    from doudi.casework.models import Case

    def make(key: str, region: str = YANJI_T1, on: dt.date = CONFIRMED_ON, income_total: int = 3600):
        with all_regions():
            hh, people = make_family(key, region, income_total=income_total)
        walk_to_confirmed(Walk(staff, hh, people), on)
        return Case.unscoped.get(household=hh, tier="DIBAO")

    return make


@pytest.fixture
def make_tekun(staff):  # noqa: F811
    """``make_tekun(key, region=YANJI_T1, on=CONFIRMED_ON)`` → the confirmed TEKUN case (full care)."""
    from doudi.casework.models import Case

    def make(key: str, region: str = YANJI_T1, on: dt.date = CONFIRMED_ON):
        hh, people = make_elder(key, region)
        adl = {str(people[0].pk): ["eating", "dressing", "transfer", "toileting", "walking"]}
        walk_to_confirmed(Walk(staff, hh, people), on, adl=adl)
        return Case.unscoped.get(household=hh, tier="TEKUN")

    return make


@pytest.fixture
def set_standard(staff, make_user):  # noqa: F811
    """``set_standard(value, effective_from, key="dibao_standard.urban", region=YANJI)``: a reviewed
    parameter change (the county proposes, the city approves), as an operator would enter it."""
    from doudi.policy import actions, params_store

    county = staff["county"]
    city = make_user("city_officer", "222400000000")

    def change(value, effective_from: dt.date, key: str = "dibao_standard.urban", region: str = YANJI):
        with all_regions():
            p = actions.propose_parameter_change(
                actor=county,
                region_code=region,
                changes=[{"key": key, "value": str(value), "effective_from": effective_from.isoformat()}],
                reason="提高保障标准",
            )
            actions.approve_proposal(actor=city, proposal=p, note="同意")
        params_store.clear_cache()

    return change


@pytest.fixture
def dibao_case(make_dibao):
    """The confirmed DIBAO case of a two-person household (head 70, spouse 68), paid from 2026-12."""
    return make_dibao("H-PAY-D")


@pytest.fixture
def tekun_case(make_tekun):
    """The confirmed TEKUN case of an 84-year-old (full care), paid from 2026-12."""
    return make_tekun("H-PAY-T")


@pytest.fixture
def confirmed(dibao_case, tekun_case):
    return {"DIBAO": dibao_case, "TEKUN": tekun_case}


__all__ = ["CONFIRMED_ON", "Walk", "_fresh_caches", "family", "staff", "using_scope", "walk"]
