"""The person table of the needs pass read by raw SQL into Arrow (``needs.persons.load``): the JSON values
read with the old per-fact semantics (true / 1 / "true" is a flag, a level only when a text, a number or
numeric text truncated), the latest fact of a kind winning, ages on the day (or on the day of death), the
deceased who left the household kept with their last membership and the categories held on the eve of
death; scoped to the households asked for."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import YANJI_T1

D = dt.date
ON = D(2026, 12, 1)


def _person(key, hh, relation, born):
    from doudi.registry.models import Person

    return Person.unscoped.create(
        person_key=key, name="测试", id_status="missing", birth_date=born, household=hh, relation=relation,
        region_code=YANJI_T1,
    )  # fmt: skip


def _fact(model, owner, kind, value, since, until=None):
    field = "person" if model.__name__ == "PersonFact" else "household"
    model.unscoped.create(
        **{field: owner}, kind=kind, value=value, valid_from=since, valid_to=until, source="department",
        region_code=YANJI_T1,
    )  # fmt: skip


@pytest.fixture
def registry(db):
    from doudi.casework.models import DeathRecord
    from doudi.registry.models import CategoryStatus, Household, HouseholdFact, Membership, PersonFact

    with all_regions():
        hh = Household.unscoped.create(household_key="T-PERS-1", area_type="rural", region_code=YANJI_T1)
        hh2 = Household.unscoped.create(household_key="T-PERS-2", area_type="urban", region_code=YANJI_T1)
        off = Household.unscoped.create(household_key="T-PERS-3", area_type="urban", region_code=YANJI_T1)
        a = _person("T-A", hh, "head", D(1960, 12, 2))  # 65 on ON: the birthday is the day after
        b = _person("T-B", hh, "child", D(2010, 12, 1))  # 16 on ON: the birthday is the day
        c = _person("T-C", hh, "spouse", D(1950, 10, 2))  # died 2026-10-01, still in the household
        d = _person("T-D", None, "", D(1950, 11, 1))  # died 2026-11-01 after leaving the household
        e = _person("T-E", hh2, "head", None)
        f = _person("T-F", off, "head", D(1990, 1, 1))  # no category: not in the table
        Membership.unscoped.create(household=hh, person=d, relation="parent", valid_from=D(2001, 1, 1),
                                   valid_to=D(2026, 6, 1), source="roster", region_code=YANJI_T1)  # fmt: skip
        Membership.unscoped.create(household=hh2, person=d, relation="head", valid_from=D(1990, 1, 1),
                                   valid_to=D(2001, 1, 1), source="roster", region_code=YANJI_T1)  # fmt: skip
        for p, h, cat, since, until in (
            (a, hh, "DIBAO", D(2025, 1, 1), None),
            (b, hh, "DIBAO", D(2025, 1, 1), None),
            (c, hh, "TEKUN", D(2025, 1, 1), D(2026, 10, 1)),  # held on the eve of death only
            (d, hh, "DIBAO", D(2025, 1, 1), D(2026, 6, 1)),  # ended before the eve of death
            (e, hh2, "MARGINAL", D(2026, 1, 1), None),
            (f, off, "DIBAO", D(2020, 1, 1), D(2021, 1, 1)),
        ):
            CategoryStatus.unscoped.create(person=p, household=h, category=cat, since=since, until=until,
                                           source="roster", region_code=YANJI_T1)  # fmt: skip
        for who, at in ((c, D(2026, 10, 1)), (d, D(2026, 11, 1))):
            DeathRecord.unscoped.create(person=who, died_on=at, source="family", recorded_on=at,
                                        region_code=YANJI_T1)  # fmt: skip
        _fact(PersonFact, a, "employment", {"employed": "true"}, D(2024, 1, 1))
        _fact(PersonFact, a, "labour_capacity", {"level": "full"}, D(2020, 1, 1))
        _fact(PersonFact, a, "labour_capacity", {"level": 3}, D(2024, 1, 1))  # the latest: not a text
        _fact(PersonFact, b, "schooling", {"in_school": 1, "stage": "senior"}, D(2024, 9, 1))
        _fact(PersonFact, b, "employment", {"employed": "yes"}, D(2024, 1, 1))
        _fact(PersonFact, b, "labour_capacity", {"level": "partial"}, D(2024, 1, 1))
        _fact(PersonFact, b, "schooling", {"in_school": False}, D(2027, 1, 1))  # not yet in force
        _fact(PersonFact, e, "schooling", {"in_school": True}, D(2020, 1, 1), D(2026, 7, 1))  # ended
        _fact(PersonFact, e, "employment", [True], D(2024, 1, 1))  # not an object
        _fact(HouseholdFact, hh, "assets", {"dwellings": "2", "dwelling_unsafe": 1}, D(2024, 1, 1))
        _fact(HouseholdFact, hh2, "assets", {"dwellings": 1, "dwelling_unsafe": True}, D(2020, 1, 1))
        _fact(HouseholdFact, hh2, "assets", {"dwellings": 2.7, "dwelling_unsafe": "true"}, D(2024, 1, 1))
    return {"hh": hh, "hh2": hh2, "off": off, "a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


COLUMNS = ("household_id", "region_code", "area_type", "is_head", "age", "in_school", "employed", "labour",
           "dwellings", "dwelling_unsafe", "days_since_death", "p_DIBAO", "p_TEKUN", "p_MARGINAL")  # fmt: skip


def _rows(table) -> dict[int, tuple]:
    return {r["person_id"]: tuple(r[c] for c in COLUMNS) for r in table.to_pylist()}


def test_person_table_reads_the_registry_with_the_old_semantics(registry):
    from doudi.monitoring.needs import persons

    r = registry
    hh, hh2 = r["hh"].pk, r["hh2"].pk
    with all_regions():
        table = persons.load(ON)
    rows = _rows(table)
    assert rows == {
        r["a"].pk: (hh, YANJI_T1, "rural", True, 65, False, True, None, 2, True, None, True, False, False),
        r["b"].pk: (hh, YANJI_T1, "rural", False, 16, True, False, "partial", 2, True, None, True, False, False),
        r["c"].pk: (hh, YANJI_T1, "rural", False, 75, False, False, None, 2, True, 61, False, True, False),
        r["d"].pk: (hh, YANJI_T1, "rural", False, 76, False, False, None, 2, True, 30, False, False, False),
        r["e"].pk: (hh2, YANJI_T1, "urban", True, None, False, False, None, 2, True, None, False, False, True),
    }  # fmt: skip
    assert table.num_rows == 5  # one row each: the deceased member still in the household is not repeated


def test_person_table_of_some_households_only(registry):
    from doudi.monitoring.needs import persons

    r = registry
    with all_regions():
        only = _rows(persons.load(ON, [r["hh2"].pk, r["off"].pk]))
        full = _rows(persons.load(ON))
        none = persons.load(ON, [r["off"].pk])
    assert only[r["e"].pk] == full[r["e"].pk]
    # the deceased who left: their last membership among the households asked for (head of hh2 then)
    assert only[r["d"].pk][:4] == (r["hh2"].pk, YANJI_T1, "urban", True)
    assert set(only) == {r["e"].pk, r["d"].pk}
    assert none.num_rows == 0
