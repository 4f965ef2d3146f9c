"""Synthetic households as assessment-contract inputs (the assessment contract).

For benchmarks of ``doudi.policy.assess_many`` and for checking that the generator's categories are
the ones the rules give. Members carry their true (valid) identity numbers, not the noisy recorded
ones; with ``with_standard`` each input overrides ``dibao_standard`` with the synthetic standard the
household was generated under.
"""

from __future__ import annotations

from collections import defaultdict

from doudi.devtools.synth import SynthData


def _member(row: dict, facts: dict, id_true: str) -> dict:
    m = {
        "id": row["person_key"],
        "id_number": id_true,
        "name": row["name"],
        "birth_date": row["birth_date"].isoformat(),
        "relation": row["relation"],
        "serious_illness": "serious_illness" in facts,
        "employed": facts.get("employment", {}).get("employed", False),
        "in_school": facts.get("schooling", {}).get("in_school", False),
        "adl_failed": facts.get("adl", {}).get("failed", 0),
    }
    if "disability" in facts:
        m["disability"] = facts["disability"]
    if "own_income" in facts:
        m["own_income_monthly"] = facts["own_income"]["monthly"]
    if "own_assets" in facts:
        m["own_assets_ok"] = facts["own_assets"]["ok"]
    if "supporter" in facts:
        m["has_capable_supporter"] = facts["supporter"]["has_capable_supporter"]
    return m


def assessment_inputs(data: SynthData, *, with_standard: bool = True) -> list[dict]:
    """One contract input per household, in household order."""
    person_facts: dict[str, dict] = defaultdict(dict)
    for f in data.person_fact_records():
        person_facts[f["person_key"]][f["kind"]] = f["value"]
    household_facts: dict[str, dict] = defaultdict(dict)
    for f in data.household_fact_records():
        household_facts[f["household_key"]][f["kind"]] = f["value"]
    id_true = dict(zip(data.truth["person_key"].to_pylist(), data.truth["id_true"].to_pylist(), strict=True))
    members: dict[str, list] = defaultdict(list)
    for row in data.roster.to_pylist():
        key = row["person_key"]
        members[row["household_key"]].append(_member(row, person_facts[key], id_true[key]))
    out = []
    for h in data.households.to_pylist():
        key, category = h["household_key"], h["category"]
        facts = household_facts[key]
        item = {
            "as_of": data.as_of.isoformat(),
            "region": h["region_code"],
            "area_type": h["area_type"],
            "household": {
                "income_total": facts["income"]["total"],
                "income_months": facts["income"]["months"],
                "rigid_expenditure_12m": facts["rigid_expenditure"],
                "assets": facts["assets"],
                "existing": [category] if category in ("FPJC", "OTHER") else [],
                "members": members[key],
            },
        }
        if with_standard:
            item["parameters"] = {"dibao_standard": h["standard"]}
        out.append(item)
    return out
