"""The oracle of the payment tests: the assessment engine itself (``policy.service.assess_contract``)
run on a case's stored decision input with its date moved to the month's first day, so parameters and
ages are those in force that day; its benefit lines of the case's tier, keyed as payment lines."""

from __future__ import annotations

import datetime as dt

from doudi.casework.models import Case
from doudi.policy import service
from doudi.registry.models import Person

RULE_LINES = {
    "R-B1": ("base", "R-B1"),
    "R-B2": ("topup", "R-B2"),
    "R-B4": ("single", "R-B4"),
    "R-B3-basic": ("base", "R-B3"),
    "R-B3-care": ("care", "R-B3"),
}


def engine_lines(case: Case, month: dt.date) -> dict[tuple[str, str, int], int]:
    """``{(line, rule, person_id or 0): amount}`` of the case for ``month`` by the engine."""
    decision = case.basis.decision
    data = dict(decision.input_data())
    data["as_of"] = month.isoformat()
    result = service.assess_contract(data)
    people = dict(Person.unscoped.filter(household_id=case.household_id).values_list("person_key", "pk"))
    out: dict[tuple[str, str, int], int] = {}
    for b in result["benefits"]:
        tekun_rule = str(b["rule"]).startswith("R-B3")
        if tekun_rule != (case.tier == "TEKUN") or not b["monthly"]:
            continue
        line, rule = RULE_LINES[b["rule"]]
        out[(line, rule, people[b["member"]] if b["member"] else 0)] = int(b["monthly"])
    return out


def paid_lines(table, case_id: int) -> dict[tuple[str, str, int], int]:
    return {
        (r["line"], r["rule"], r["person_id"]): r["amount"]
        for r in table.to_pylist()
        if r["case_id"] == case_id
    }
