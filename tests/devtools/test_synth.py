"""The synthetic data generator: determinism, valid and unique identity numbers, real townships,
categories consistent with the rules (DOMAIN §5), plausible households, writing the roster."""

from __future__ import annotations

import collections
import csv
import datetime as dt

import numpy as np
import pyarrow.parquet as pq
import pytest

from doudi.core import idnumber
from doudi.devtools import ids, synth
from doudi.devtools.assessment import assessment_inputs
from doudi.devtools.population import RIGID_CEILING_ANNUAL
from doudi.policy.rules import assess_many

CONTRACT_COLUMNS = ["household_key", "person_key", "id_number", "name", "sex", "birth_date", "relation",
                    "region_code", "area_type", "category", "since"]  # fmt: skip
SEVERE_T1 = {("physical", 1), ("physical", 2), ("intellectual", 1), ("intellectual", 2), ("intellectual", 3),
             ("mental", 1), ("mental", 2), ("mental", 3), ("visual", 1)}  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return synth.generate(3000, seed=11)


@pytest.fixture(scope="module")
def rows(data):
    truth = {r["person_key"]: r for r in data.truth.to_pylist()}
    return [r | {"truth": truth[r["person_key"]]} for r in data.roster.to_pylist()]


@pytest.fixture(scope="module")
def facts(data):
    out = collections.defaultdict(dict)
    for f in data.person_fact_records():
        out[f["person_key"]][f["kind"]] = f["value"]
    return out


def test_same_seed_gives_identical_data_and_another_seed_does_not():
    a, b = synth.generate(400, seed=5), synth.generate(400, seed=5)
    assert a.roster.equals(b.roster)
    assert a.person_facts.equals(b.person_facts) and a.household_facts.equals(b.household_facts)
    c = synth.generate(400, seed=6)
    assert not a.roster.equals(c.roster)
    assert a.roster["id_number"].to_pylist() != c.roster["id_number"][: a.n_persons].to_pylist()


def test_roster_has_exactly_the_contract_columns(data):
    assert data.roster.column_names == CONTRACT_COLUMNS
    assert set(data.roster["relation"].to_pylist()) <= {"head", "spouse", "child", "parent", "grandchild"}
    assert set(data.roster["category"].to_pylist()) == {
        "DIBAO",
        "TEKUN",
        "MARGINAL",
        "RIGID",
        "FPJC",
        "OTHER",
    }
    assert set(data.roster["sex"].to_pylist()) == {"M", "F"}


def test_identity_numbers_are_valid_except_the_injected_noise(rows):
    kinds = collections.Counter()
    for r in rows:
        raw, true, noise = r["id_number"], r["truth"]["id_true"], r["truth"]["id_noise"]
        kinds[noise] += 1
        check = idnumber.validate(raw)
        assert idnumber.validate(true).valid
        if noise == "":
            assert check.valid and raw == true
        elif noise == "lower_x":
            assert raw == true[:17] + "x" and check.valid
        elif noise == "legacy15":
            assert len(raw) == 15 and check.valid and check.upgraded_from_15 and check.normalized == true
        elif noise == "bad_check":
            assert check.problem == idnumber.IdProblem.BAD_CHECK and raw[:17] == true[:17]
        else:
            assert noise == "missing" and raw == ""
    n = len(rows)
    assert 0.005 * n < n - kinds[""] < 0.03 * n  # about 1 % plus lower-case x
    assert all(kinds[k] for k in ("bad_check", "legacy15", "missing"))


def test_identity_numbers_are_unique(rows):
    true = [r["truth"]["id_true"] for r in rows]
    assert len(set(true)) == len(true)
    recorded = [idnumber.normalize(r["id_number"]) for r in rows if r["id_number"]]
    assert len(set(recorded)) == len(recorded)


def test_birth_date_and_sex_agree_with_the_number(rows):
    for r in rows:
        check = idnumber.validate(r["truth"]["id_true"])
        assert (check.birth_date, check.sex) == (r["birth_date"], r["sex"])
        assert idnumber.make(check.normalized[:6], r["birth_date"], int(check.normalized[14:17]) // 2,
                             male=r["sex"] == "M") == check.normalized  # fmt: skip


def test_regions_are_real_townships_and_numbers_start_with_their_county(rows):
    towns = synth.township_table()
    seen = set()
    for r in rows:
        town = towns[r["region_code"]]
        seen.add(town.code)
        assert r["truth"]["id_true"][:6] == town.county_code[:6] == r["region_code"][:6]
        assert r["area_type"] == town.area_type
    assert seen == {code for code, _ in synth.DEFAULT_TOWNSHIPS}
    assert towns["222401001000"].area_type == "urban" and towns["222401101000"].area_type == "rural"


def test_custom_townships_and_unknown_codes():
    d = synth.generate(200, seed=1, townships=["220802001000"])
    assert set(d.roster["region_code"].to_pylist()) == {"220802001000"}
    assert set(d.roster["area_type"].to_pylist()) == {"urban"}
    with pytest.raises(ValueError, match="乡镇"):
        synth.generate(10, townships=["222401000000"])  # a county, not a township


def test_categories_follow_the_rules(data, rows, facts):
    hh_facts = collections.defaultdict(dict)
    for f in data.household_fact_records():
        hh_facts[f["household_key"]][f["kind"]] = f["value"]
    members = collections.defaultdict(list)
    for r in rows:
        members[r["household_key"]].append(r)
    cats = collections.Counter()
    for h in data.households.to_pylist():
        key, cat, s = h["household_key"], h["category"], h["standard"]
        cats[cat] += 1
        yanbian = h["region_code"].startswith("2224")
        assert (
            s
            == {(True, "urban"): 760, (True, "rural"): 560, (False, "urban"): 700, (False, "rural"): 520}[
                (yanbian, h["area_type"])
            ]
        )
        income = hh_facts[key]["income"]
        p = income["total"] / income["months"] / len(members[key])
        ceiling = RIGID_CEILING_ANNUAL[h["area_type"]] / 12
        spent = sum(hh_facts[key]["rigid_expenditure"].values())
        assets = hh_facts[key]["assets"]
        assert assets["financial"] <= 24 * s * len(members[key]) and assets["vehicles"] == 0
        if cat in ("DIBAO", "TEKUN"):
            assert p < s
        elif cat == "MARGINAL":
            assert s <= p < 2 * s
        elif cat == "RIGID":
            assert 2 * s <= p < ceiling and spent > 0.6 * income["total"]
        else:
            assert 2 * s <= p < ceiling and spent <= 0.6 * income["total"]
        if cat == "FPJC":
            assert h["area_type"] == "rural"
        if cat == "TEKUN":
            assert h["household_type"] in {"single_elderly", "elderly_couple", "single_adult"}
            for m in members[key]:
                f = facts[m["person_key"]]
                dis = f.get("disability")
                assert m["truth"]["age"] >= 60 or (dis and (dis["kind"], dis["grade"]) in SEVERE_T1)
                assert f["supporter"] == {"has_capable_supporter": False}
                assert f["own_income"]["monthly"] < s and f["own_assets"] == {"ok": True}
    assert all(cats[c] for c in ("DIBAO", "TEKUN", "MARGINAL", "RIGID", "FPJC", "OTHER"))
    assert cats["DIBAO"] > cats["MARGINAL"] > cats["RIGID"]


def test_households_are_plausible(data, rows):
    by_hh = collections.defaultdict(list)
    for r in rows:
        by_hh[r["household_key"]].append(r)
    assert len(by_hh) == data.n_households == 3000
    for members in by_hh.values():
        rel = collections.Counter(m["relation"] for m in members)
        head = next(m for m in members if m["relation"] == "head")
        assert rel["head"] == 1 and rel["spouse"] <= 1 and rel["parent"] <= 2 and len(members) <= 7
        assert members[0] is head  # head first
        age = head["truth"]["age"]
        for m in members:
            a = m["truth"]["age"]
            if m["relation"] == "spouse":
                assert m["sex"] != head["sex"] and a >= 20
            elif m["relation"] == "child":
                assert age - a >= 18
            elif m["relation"] == "grandchild":
                assert age - a >= 36 and a < 18
            elif m["relation"] == "parent":
                assert a - age >= 18
            assert m["since"] >= m["birth_date"]
            assert dt.date(2019, 1, 1) <= m["since"] <= data.as_of
        ages = [m["truth"]["age"] for m in members if m["relation"] == "child" and m["truth"]["age"] < 23]
        assert len(ages) == len(set(ages))  # siblings are not born the same year


def test_names_are_chinese_with_korean_surnames_in_yanbian(rows):
    assert all(2 <= len(r["name"]) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in r["name"]) for r in rows)
    park = collections.Counter(r["region_code"][:4] for r in rows if r["name"][0] == "朴")
    assert park["2224"] > 0 and set(park) == {"2224"}
    assert len({r["name"] for r in rows}) > 0.6 * len(rows)


def test_person_facts_have_the_registry_kinds_and_shapes(data, rows, facts):
    from doudi.registry.models import HouseholdFactKind, PersonFactKind

    assert set(data.person_facts["kind"].to_pylist()) <= set(PersonFactKind.values)
    assert set(data.household_facts["kind"].to_pylist()) == {"income", "assets", "rigid_expenditure"}
    assert set(data.household_facts["kind"].to_pylist()) <= set(HouseholdFactKind.values)
    ages = {r["person_key"]: r["truth"]["age"] for r in rows}
    n = len(rows)
    disabled = ill = 0
    for key, f in facts.items():
        if "disability" in f:
            disabled += 1
            assert f["disability"]["kind"] in {"visual", "hearing", "speech", "physical", "intellectual",
                                               "mental", "multiple"} and 1 <= f["disability"]["grade"] <= 4  # fmt: skip
        if "serious_illness" in f:
            ill += 1
            assert f["serious_illness"]["flag"] is True and f["serious_illness"]["diagnosis_code"]
        if "schooling" in f:
            assert 6 <= ages[key] <= 22 and isinstance(f["schooling"]["in_school"], bool)
            assert (f["schooling"]["stage"] is None) != f["schooling"]["in_school"]
        if "employment" in f:
            assert 16 <= ages[key] <= 59
        if "adl" in f:
            assert 0 <= f["adl"]["failed"] <= 6
    assert 0.06 * n < disabled < 0.10 * n
    assert 0.04 * n < ill < 0.08 * n
    assert all(str(v).startswith("{") for v in data.person_facts["value"].to_pylist()[:100])


def test_no_noise_when_the_rate_is_zero():
    d = synth.generate(300, seed=3, noise=0.0)
    assert d.roster["id_number"].to_pylist() == d.truth["id_true"].to_pylist()
    assert set(d.truth["id_noise"].to_pylist()) == {""}


def test_sequences_are_unique_per_county_birth_date_and_sex():
    county = np.full(500, 222401)
    birth = np.full(500, np.datetime64("1960-05-01"))
    male = np.ones(500, dtype=bool)
    seq = ids.sequences(county, birth, male)
    assert len(set(seq.tolist())) == 500 and all(s % 2 == 1 for s in seq.tolist())
    with pytest.raises(ValueError, match="500"):
        ids.sequences(
            np.full(501, 222401), np.full(501, np.datetime64("1960-05-01")), np.ones(501, dtype=bool)
        )


def test_write_roster_csv_and_parquet(tmp_path, data):
    path = synth.write_roster(data, tmp_path / "roster.csv", chunk_rows=1000)
    with path.open(encoding="utf-8", newline="") as fh:
        read = list(csv.reader(fh))
    assert read[0] == CONTRACT_COLUMNS and len(read) == data.n_persons + 1
    first = data.roster.slice(0, 1).to_pylist()[0]
    assert read[1][:4] == [first["household_key"], first["person_key"], first["id_number"], first["name"]]
    assert read[1][5] == first["birth_date"].isoformat()
    assert [r[2] for r in read[1:]] == data.roster["id_number"].to_pylist()
    pq_path = synth.write_roster(data, tmp_path / "roster.parquet", chunk_rows=1000)
    assert pq.read_table(pq_path).equals(data.roster)
    with pytest.raises(ValueError):
        synth.write_roster(data, tmp_path / "roster.txt")


def test_scale_smoke():
    d = synth.generate(20_000, seed=99)
    assert d.n_households == 20_000
    assert d.households["size"].to_numpy().sum() == d.n_persons == d.truth.num_rows
    assert len(set(d.roster["person_key"].to_pylist())) == d.n_persons
    assert len(set(d.roster["household_key"].to_pylist())) == 20_000
    assert synth.generate(0).n_persons == 0


def test_the_assessment_rules_give_the_generated_categories():
    """Cross-check with the policy engine: with the synthetic standards, TEKUN/DIBAO/MARGINAL/RIGID
    households are assessed as generated and FPJC/OTHER fall in none of the tiers."""
    d = synth.generate(1500, seed=21)
    results = assess_many(assessment_inputs(d))
    for h, res in zip(d.households.to_pylist(), results, strict=True):
        expected = None if h["category"] in ("FPJC", "OTHER") else h["category"]
        assert res["household_category"] == expected, h
        assert res["low_income"]
