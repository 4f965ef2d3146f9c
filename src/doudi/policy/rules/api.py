"""``assess`` and ``assess_many``: contract dicts in, contract dicts out, over the one columnar evaluation.

Both parse every input first (``inputs.parse_input``), resolve parameters once per distinct
(region, area type, date, overrides), build the columnar tables and call ``evaluate.assess_table`` once;
``assess`` is ``assess_many`` of one item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from doudi.policy.rules import codes, explain_person
from doudi.policy.rules.baseline import UnknownRegionError, baseline_parameters
from doudi.policy.rules.columns import build_tables
from doudi.policy.rules.evaluate import assess_table
from doudi.policy.rules.explain import build_result
from doudi.policy.rules.inputs import AssessmentInput, AssessmentInputError, parse_input
from doudi.policy.rules.params import ParameterError, Parameters

# (12-digit region code, area type, date) → resolved Parameters; the Django store supplies its own.
ParamsProvider = Callable[[str, str, dt.date], Parameters]

_MEMBER_FIELDS: tuple[str, ...] = (
    "age",
    "t1",
    "t1_disability",
    "t2",
    "t3",
    "tekun_ok",
    "tekun",
    "severe",
    "categories",
)
_MEMBER_FIELDS += ("care_level", "single", "b2_applies", "b2", "b3_basic", "b3_care", "b4")


def assess(
    data: Mapping[str, Any],
    *,
    params_provider: ParamsProvider | None = None,
    region_exists: Callable[[str], bool] | None = None,
    rule_set: str = codes.RULE_SET_VERSION,
) -> dict[str, Any]:
    """Assess one household (contract ``assessment.md``); raises ``AssessmentInputError`` on bad input.

    ``params_provider`` defaults to the shipped Jilin baseline; ``region_exists`` (12-digit code → bool)
    is how a caller with a region tree rejects unknown regions — without it only the code's format and
    the availability of parameters for it are checked. ``rule_set`` is the current one unless a sealed
    decision is being replayed under the version it names (``codes.RULE_SETS``).
    """
    try:
        return assess_many(
            [data], params_provider=params_provider, region_exists=region_exists, rule_set=rule_set
        )[0]
    except AssessmentInputError as exc:
        exc.index = None
        raise


def assess_many(
    items: Iterable[Mapping[str, Any]],
    *,
    params_provider: ParamsProvider | None = None,
    region_exists: Callable[[str], bool] | None = None,
    rule_set: str = codes.RULE_SET_VERSION,
) -> list[dict[str, Any]]:
    """Assess many households; the first invalid one raises ``AssessmentInputError`` with ``.index`` set."""
    provider = params_provider or baseline_parameters
    parsed: list[AssessmentInput] = []
    for i, data in enumerate(items):
        try:
            parsed.append(parse_input(data, region_exists=region_exists))
        except AssessmentInputError as exc:
            exc.index = i
            raise
    contexts: dict[tuple, int] = {}
    groups: list[Parameters] = []
    group_of: list[int] = []
    for i, inp in enumerate(parsed):
        key = (inp.region_code, inp.area_type, inp.as_of, inp.overrides)
        if key not in contexts:
            try:
                groups.append(parameters_for(inp, provider))
            except AssessmentInputError as exc:
                exc.index = i
                raise
            contexts[key] = len(groups) - 1
        group_of.append(contexts[key])
    if not parsed:
        return []
    households, members = build_tables(parsed, group_of)
    table = assess_table(households, members, groups, rule_set=rule_set)
    build = build_result if codes.is_legacy(rule_set) else explain_person.build_result
    h_cols = {name: table.households.column(name).to_pylist() for name in table.households.column_names}
    m_cols = {name: table.members.column(name).to_pylist() for name in _MEMBER_FIELDS}
    results = []
    start = 0
    for i, inp in enumerate(parsed):
        h = {name: values[i] for name, values in h_cols.items()}
        end = start + len(inp.household.members)
        rows = [{name: m_cols[name][j] for name in _MEMBER_FIELDS} for j in range(start, end)]
        start = end
        results.append(build(inp, groups[group_of[i]], h, rows, rule_set))
    return results


def parameters_for(inp: AssessmentInput, provider: ParamsProvider) -> Parameters:
    """Resolve, apply the call's overrides and check completeness; problems become input errors."""
    try:
        params = provider(inp.region_code, inp.area_type, inp.as_of)
        params.check_complete()
    except UnknownRegionError as exc:
        raise AssessmentInputError(exc.message, "region") from None
    except ParameterError as exc:
        raise AssessmentInputError(
            f"行政区划 {inp.region} 在 {inp.as_of.isoformat()} 没有可用的政策参数（{exc.key}）", "region"
        ) from None
    try:
        params = params.with_overrides(dict(inp.overrides))
        params.ints  # noqa: B018 - converts every value once, so a bad one fails here
    except ParameterError as exc:
        raise AssessmentInputError(exc.message, f"parameters.{exc.key}") from None
    return params
