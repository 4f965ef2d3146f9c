"""The probabilistic stage's model: Splink 5 settings with FIXED m/u probabilities.

Fixed, documented priors instead of EM training, so that (1) a batch of a few hundred records is
linked as well as one of millions, (2) re-running gives the same links, and (3) the DuckDB and the
Spark engines run the very same model and give identical links. ``m`` is P(level | same person),
``u`` P(level | two random different persons); values were set from the known error rates of
department data (docs/linkage.md §Model) and checked on the synthetic benchmark truth.

Every SQL condition here is written in the common subset of DuckDB and Spark SQL (``levenshtein`` and
``array_contains`` exist in both and count characters, not bytes), so the same settings run on both.
By design the left input (``a_records``) holds batch records and the right one (``b_persons``)
registry persons: Splink orders two-dataset links by table name.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

DEFAULT_THRESHOLD = 0.9
# P(a random record/person pair is the same person): about half of the records that reach this stage
# belong to a registry person, among ~2 million persons.
PRIOR = 2.5e-7

# Columns both Splink inputs carry, in this order.
SPLINK_COLUMNS = (
    "unique_id",
    "name",
    "name_pinyin",
    "sex",
    "birth_date",
    "birth_str",
    "birth_year",
    "county_code",
    "region_code",
    "id_index",
    "id_valid",
    "id_repair_indexes",
)
RECORDS_TABLE = "a_records"
PERSONS_TABLE = "b_persons"


def _null(cond: str) -> dict[str, Any]:
    return {"sql_condition": cond, "label_for_charts": "null", "is_null_level": True}


def _level(cond: str, label: str, m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": cond, "label_for_charts": label, "m_probability": m, "u_probability": u}


COMPARISONS: list[dict[str, Any]] = [
    {
        "output_column_name": "id",
        "comparison_description": "identity number (blind index)",
        "comparison_levels": [
            _null("id_index_l IS NULL OR id_index_r IS NULL"),
            _level("id_index_l = id_index_r", "same number", 0.95, 5e-7),
            _level(
                "array_contains(id_repair_indexes_l, id_index_r) OR array_contains(id_repair_indexes_r, id_index_l)",
                "one character from the other",
                0.028,
                1e-5,
            ),
            # two valid numbers that differ belong to two persons (a one-digit typo never stays valid)
            _level("id_valid_l AND id_valid_r", "both valid, different", 0.0005, 0.95),
            _level("ELSE", "different, one invalid", 0.0215, 0.05),
        ],
    },
    {
        "output_column_name": "name",
        "comparison_description": "name (normalised), by character",
        "comparison_levels": [
            _null("name_l IS NULL OR name_r IS NULL OR name_l = '' OR name_r = ''"),
            _level("name_l = name_r", "exact", 0.92, 5e-4),
            _level("name_pinyin_l = name_pinyin_r", "same pinyin (homophone)", 0.04, 8e-4),
            _level("levenshtein(name_l, name_r) <= 1", "one character different", 0.025, 0.02),
            _level("ELSE", "different", 0.015, 0.9787),
        ],
    },
    {
        "output_column_name": "birth_date",
        "comparison_description": "birth date",
        "comparison_levels": [
            _null("birth_str_l IS NULL OR birth_str_r IS NULL"),
            _level("birth_str_l = birth_str_r", "exact", 0.95, 3.5e-5),
            _level("levenshtein(birth_str_l, birth_str_r) <= 1", "one digit different", 0.03, 1.5e-3),
            _level("birth_year_l = birth_year_r", "same year", 0.01, 0.0125),
            _level("ELSE", "different", 0.01, 0.986),
        ],
    },
    {
        "output_column_name": "sex",
        "comparison_description": "sex",
        "comparison_levels": [
            _null("sex_l IS NULL OR sex_r IS NULL"),
            _level("sex_l = sex_r", "exact", 0.995, 0.5),
            _level("ELSE", "different", 0.005, 0.5),
        ],
    },
    {
        "output_column_name": "region",
        "comparison_description": "township (12-digit region) and county",
        "comparison_levels": [
            _null("region_code_l IS NULL OR region_code_r IS NULL"),
            _level("region_code_l = region_code_r", "same township", 0.85, 1e-3),
            _level("county_code_l = county_code_r", "same county", 0.10, 0.015),
            _level("ELSE", "different county", 0.05, 0.984),
        ],
    },
]

# Candidate pairs. A record left for this stage with a valid number has no registry person with that
# number, so pairing it with a person whose number is valid too can only give a different person:
# with ``staged=True`` each key is split in two rules, (a) any record × persons without a valid number
# and (b) records without a valid number × persons with one, so the pair filter is a per-side filter
# that the database applies before the join (a few percent of the rows on each side). Splink alone on
# a whole batch (the benchmark's peer) blocks on the same keys without the filter.
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("county_code", "birth_date"),
    ("county_code", "name_pinyin"),
    ("birth_date", "name_pinyin"),
)


def key_condition(key: tuple[str, ...], left: str = "l", right: str = "r") -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in key)


def blocking_rules(*, staged: bool = True) -> list[str]:
    keys = [key_condition(k) for k in BLOCKING_KEYS]
    if not staged:
        return ["l.id_index = r.id_index", *keys]
    rules = ["l.id_index = r.id_index AND NOT l.id_valid"]  # the same invalid number on both sides
    rules += [f"{key} AND NOT r.id_valid" for key in keys]
    rules += [f"{key} AND NOT l.id_valid AND r.id_valid" for key in keys]
    return rules


@dataclass(frozen=True)
class Model:
    threshold: float = DEFAULT_THRESHOLD
    prior: float = PRIOR
    staged: bool = True

    def settings(self):
        from splink import SettingsCreator
        from splink.blocking_rule_library import CustomRule

        return SettingsCreator(
            link_type="link_only",
            unique_id_column_name="unique_id",
            comparisons=copy.deepcopy(COMPARISONS),
            blocking_rules_to_generate_predictions=[
                CustomRule(r) for r in blocking_rules(staged=self.staged)
            ],
            probability_two_random_records_match=self.prior,
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
        )
