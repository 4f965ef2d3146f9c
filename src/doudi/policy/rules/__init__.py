"""Pure policy rules (DOMAIN §4–§6): parameters, input validation, evaluation, explanation.

No Django and no ninja here (an import-linter contract enforces it); the Django side stores parameter
rows and decisions and calls these functions.
"""

from doudi.policy.rules.api import ParamsProvider, assess, assess_many, parameters_for
from doudi.policy.rules.baseline import (
    ParamRow,
    UnknownRegionError,
    baseline_parameters,
    load_baseline_rows,
    normalize_region_code,
    region_ancestry,
    resolve_parameters,
)
from doudi.policy.rules.codes import RULE_SET_VERSION
from doudi.policy.rules.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, build_tables
from doudi.policy.rules.evaluate import TableResult, assess_table
from doudi.policy.rules.inputs import AssessmentInput, AssessmentInputError, parse_input
from doudi.policy.rules.params import ParameterError, Parameters, ParamValue

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "MEMBER_COLUMNS",
    "RULE_SET_VERSION",
    "AssessmentInput",
    "AssessmentInputError",
    "ParamRow",
    "ParamValue",
    "ParameterError",
    "Parameters",
    "ParamsProvider",
    "TableResult",
    "UnknownRegionError",
    "assess",
    "assess_many",
    "assess_table",
    "baseline_parameters",
    "build_tables",
    "load_baseline_rows",
    "normalize_region_code",
    "parameters_for",
    "parse_input",
    "region_ancestry",
    "resolve_parameters",
]
