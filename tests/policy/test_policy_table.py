"""The columnar entry point ``assess_table`` (used by batch reassessment and the benchmark)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from doudi.policy.rules import assess_table, baseline_parameters, build_tables, codes, parse_input

from ._factory import member, request

AS_OF = dt.date(2025, 8, 1)
YANJI = baseline_parameters("222401", "urban", AS_OF)
RURAL = baseline_parameters("220102", "rural", AS_OF)


def small_tables():
    households = {"income_fen": [600000, 0, 3000000], "income_months": [12, 12, 12], "dwellings": [1, 0, 1]}
    members = {
        "household": [0, 1, 1, 2],
        "birth_ymd": [19500101, 19400301, 20200101, 19800101],
        "disability_kind": [codes.DISABILITY_KINDS["physical"], 0, 0, 0],
        "disability_grade": [2, 0, 0, 0],
        "has_capable_supporter": [True, False, False, True],
    }
    return households, members


def test_columnar_result():
    households, members = small_tables()
    result = assess_table(households, members, YANJI)
    h = result.households.to_pydict()
    assert h["category"] == [codes.CAT_DIBAO, codes.CAT_TEKUN, codes.CAT_NONE]
    assert h["per_capita_fen"] == [50000, 0, 250000]
    assert h["n"] == [1, 2, 1]
    assert h["b1"] == [260, 0, 0]
    # 延吉 2025: S = 760, min wage 1920: TEKUN members 988 + 192 each.
    assert h["monthly_total"] == [412, 2 * (988 + 192), 0]
    m = result.members.to_pydict()
    assert m["categories"] == [1, 2, 2, 0]
    assert m["care_level"] == [codes.CARE_NONE, codes.CARE_SELF, codes.CARE_SELF, codes.CARE_NONE]
    assert m["age"] == [75, 85, 5, 45]


def test_same_as_the_dict_path():
    items = [
        request([member("a", age=75, disability={"kind": "physical", "grade": 2})], income_total=6000),
        request([member("a"), member("b", serious_illness=True)], income_total=24000),
    ]
    parsed = [parse_input(i) for i in items]
    from doudi.policy.rules import parameters_for

    groups = [parameters_for(p, baseline_parameters) for p in parsed]
    h, m = build_tables(parsed, [0, 1])
    result = assess_table(h, m, groups)
    from doudi.policy.rules import assess_many

    totals = [r["monthly_total"] for r in assess_many(items)]
    assert result.households.column("monthly_total").to_pylist() == totals


def test_parameter_groups_match_separate_runs():
    households, members = small_tables()
    households["param_group"] = [1, 0, 1]
    mixed = assess_table(households, members, [YANJI, RURAL]).households.column("monthly_total").to_pylist()
    del households["param_group"]
    yanji = assess_table(households, members, YANJI).households.column("monthly_total").to_pylist()
    rural = assess_table(households, members, RURAL).households.column("monthly_total").to_pylist()
    assert mixed == [rural[0], yanji[1], rural[2]]


def test_arrow_tables_and_chunked_columns_are_accepted():
    households, members = small_tables()
    h = pa.table(households)
    m = pa.concat_tables([pa.table(members).slice(0, 2), pa.table(members).slice(2)])
    assert assess_table(h, m, YANJI).households.column("monthly_total").to_pylist() == [412, 2360, 0]


def test_empty_batch():
    households = {"income_fen": [], "income_months": []}
    members = {"household": [], "birth_ymd": []}
    result = assess_table(households, members, YANJI)
    assert result.households.num_rows == 0 and result.members.num_rows == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda h, m: m.update(household=[1, 0, 1, 2]), "sorted"),
        (lambda h, m: m.update(household=[0, 2, 2, 2]), "sorted"),  # household 1 has no member
        (lambda h, m: h.update(param_group=[0, 0, 5]), "param_group"),
        (lambda h, m: h.update(colour=[1, 2, 3]), "unknown"),
        (lambda h, m: h.pop("income_fen"), "income_fen"),
        (lambda h, m: m.update(birth_ymd=[19500101, None, 20200101, 19800101]), "null"),
        (lambda h, m: m.update(birth_ymd=[20300101, 19400301, 20200101, 19800101]), "after"),
        (lambda h, m: h.update(income_months=[12, 12]), "length"),
    ],
)
def test_invalid_tables(change, message):
    households, members = small_tables()
    change(households, members)
    with pytest.raises(ValueError, match=message):
        assess_table(households, members, [YANJI])
