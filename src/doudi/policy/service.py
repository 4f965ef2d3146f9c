"""The assessment contract over the database parameter store, registry households, and replay.

- ``assess_contract(data)`` / ``assess_many_contract(items)``: the contract (``assessment.md``) with
  parameters from ``params_store`` and unknown regions rejected against the division tree. Pure reads;
  raise ``AssessmentInputError``.
- ``assess_household(household, as_of)``: the contract input built from the registry snapshot
  (``snapshot.contract_input_for``) and its result.
- ``evaluate(data)``: the result plus the exact ``Parameters`` the rules resolved (what a stored
  decision keeps); ``stored_rows`` / ``parameters_from_rows`` turn those into JSON and back.
- ``replay(decision)``: re-run the rules on a decision's stored input and stored parameters only.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from doudi.policy import params_store, rules
from doudi.policy.rules import AssessmentInputError, Parameters, ParamValue, codes
from doudi.policy.rules.params import parse_value
from doudi.policy.snapshot import contract_input_for

__all__ = [
    "AssessmentInputError",
    "Evaluation",
    "Replay",
    "assess_contract",
    "assess_household",
    "assess_many_contract",
    "evaluate",
    "parameters_from_rows",
    "replay",
    "stored_rows",
]


def assess_contract(data: Mapping[str, Any]) -> dict[str, Any]:
    """One contract assessment with the database parameters; raises ``AssessmentInputError``."""
    return rules.assess(data, params_provider=params_store.provider, region_exists=params_store.region_exists)


def assess_many_contract(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The batch form; the first invalid item raises with ``.index`` set."""
    return rules.assess_many(
        items, params_provider=params_store.provider, region_exists=params_store.region_exists
    )


@dataclass(frozen=True)
class Evaluation:
    input: dict[str, Any]
    result: dict[str, Any]
    parameters: Parameters  # as resolved for the input's region, area type and date (before overrides)


def evaluate(data: Mapping[str, Any]) -> Evaluation:
    """Assess ``data`` and keep the resolved parameters the rules read."""
    seen: list[Parameters] = []

    def recording(region12: str, area_type: str, as_of: dt.date) -> Parameters:
        params = params_store.provider(region12, area_type, as_of)
        seen.append(params)
        return params

    result = rules.assess(data, params_provider=recording, region_exists=params_store.region_exists)
    return Evaluation(dict(data), result, seen[-1])


def assess_household(household, as_of: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(input_dict, result)`` for a registry household as of a date (scoped reads).

    Raises ``snapshot.SnapshotError`` when the registry lacks what the contract needs and
    ``AssessmentInputError`` when a recorded fact is not a valid input."""
    data, _ = contract_input_for(household, as_of)
    return data, assess_contract(data)


def _date_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def stored_rows(params: Parameters) -> list[dict[str, Any]]:
    """Every resolved entry of ``params`` as JSON rows (what a decision stores); ``floor`` and
    ``before_first`` (DOMAIN §4 stand-in figures) only when set."""
    rows = []
    for pv in params.entries.values():
        row: dict[str, Any] = {
            "key": pv.key,
            "value": pv.value_text(),
            "unit": pv.unit,
            "effective_from": _date_text(pv.effective_from),
            "effective_to": _date_text(pv.effective_to),
            "source": pv.source,
            "region_code": pv.region_code,
            "area_type": pv.area_type,
            "unverified": pv.unverified,
        }
        if pv.floor:
            row["floor"] = True
        if pv.before_first:
            row["before_first"] = True
        rows.append(row)
    return rows


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parameters_from_rows(
    rows: Iterable[Mapping[str, Any]], *, as_of: dt.date, area_type: str, region_code: str
) -> Parameters:
    """Rebuild the ``Parameters`` a decision used from its stored rows — nothing read from the store."""
    entries = {
        row["key"]: ParamValue(
            key=row["key"],
            value=parse_value(row["key"], row["value"]),
            unit=row.get("unit") or "",
            effective_from=_date(row.get("effective_from")),
            effective_to=_date(row.get("effective_to")),
            source=row.get("source") or "",
            unverified=bool(row.get("unverified")),
            region_code=row.get("region_code"),
            area_type=row.get("area_type"),
            floor=bool(row.get("floor")),
            before_first=bool(row.get("before_first")),
        )
        for row in rows
    }
    return Parameters(as_of=as_of, area_type=area_type, region_code=region_code, entries=entries)


@dataclass(frozen=True)
class Replay:
    stored: dict[str, Any]
    replayed: dict[str, Any]
    rule_set_version: str  # of the stored decision
    current_rule_set_version: str

    @property
    def identical(self) -> bool:
        return canonical(self.stored) == canonical(self.replayed)

    def diff(self) -> str:
        """A unified diff of the two results (empty when identical)."""
        a = pretty(self.stored).splitlines(keepends=True)
        b = pretty(self.replayed).splitlines(keepends=True)
        return "".join(difflib.unified_diff(a, b, "stored", "replayed"))


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def replay(decision) -> Replay:
    """Re-run the rules on the decision's stored input and stored parameters (never the current store),
    under the rule set the decision was sealed with (``rules.codes.RULE_SETS``), so it replays exactly."""
    data = decision.input_data()
    params = parameters_from_rows(
        decision.parameters,
        as_of=decision.as_of,
        area_type=data["area_type"],
        region_code=rules.normalize_region_code(str(data["region"])),
    )

    def stored_provider(region12: str, area_type: str, as_of: dt.date) -> Parameters:
        if (region12, area_type, as_of) != (params.region_code, params.area_type, params.as_of):
            raise AssessmentInputError("重算时的区划、城乡类别或日期与保存的参数不一致", "region")
        return params

    version = decision.rule_set_version
    rule_set = version if version in codes.RULE_SETS else rules.RULE_SET_VERSION
    replayed = rules.assess(
        data, params_provider=stored_provider, region_exists=lambda _code: True, rule_set=rule_set
    )
    return Replay(decision.result_data(), replayed, decision.rule_set_version, rules.RULE_SET_VERSION)
