"""Codes shared by the pure policy rules: rule-set version, categories, disability kinds, care levels.

Everything here is a definition, not a policy parameter: dated per-region values live in ``params`` /
``baseline``. Integer codes are what the columnar evaluation (``evaluate.assess_table``) stores.
"""

from __future__ import annotations

# Bump whenever a rule's meaning changes; results carry it so a stored decision names its rules.
# 2024-2.2: TEKUN per person (R-T4 as changed), a TEKUN minor keeps TEKUN (member ``current``), R-A1's
# floor-area alternative. Decisions sealed under an earlier version replay with that version's reading.
RULE_SET_VERSION = "2024-2.2"
RULE_SET_HOUSEHOLD_TEKUN = "2024-2.1"  # TEKUN only when every member meets R-T1–R-T3; dwellings by count
RULE_SETS = (RULE_SET_HOUSEHOLD_TEKUN, RULE_SET_VERSION)
CONTRACT_VERSION = 2  # assessment.md: version 2 adds the member field ``current``


def is_legacy(rule_set: str) -> bool:
    """The household-level TEKUN reading (rule sets before 2024-2.2)."""
    if rule_set not in RULE_SETS:
        raise ValueError(f"unknown rule set {rule_set!r}")
    return rule_set == RULE_SET_HOUSEHOLD_TEKUN


# R-C1 categories (household_category uses the first four plus TEKUN).
DIBAO = "DIBAO"
TEKUN = "TEKUN"
FPJC = "FPJC"
MARGINAL = "MARGINAL"
RIGID = "RIGID"
OTHER = "OTHER"

# Household category codes in the columnar result (R-C2: exactly one per household).
CAT_NONE = 0
CAT_DIBAO = 1
CAT_MARGINAL = 2
CAT_RIGID = 3
CAT_TEKUN = 4
HOUSEHOLD_CATEGORY_BY_CODE: dict[int, str | None] = {
    CAT_NONE: None,
    CAT_DIBAO: DIBAO,
    CAT_MARGINAL: MARGINAL,
    CAT_RIGID: RIGID,
    CAT_TEKUN: TEKUN,
}

# Member category bit mask in the columnar result; listed in R-C1 order.
MEMBER_CATEGORY_BITS: tuple[tuple[int, str], ...] = (
    (1, DIBAO),
    (2, TEKUN),
    (4, FPJC),
    (8, MARGINAL),
    (16, RIGID),
    (32, OTHER),
)
BIT_BY_CATEGORY = {name: bit for bit, name in MEMBER_CATEGORY_BITS}

CATEGORIES = (DIBAO, TEKUN, FPJC, MARGINAL, RIGID, OTHER)  # R-C1, as a member's ``current`` lists them

# Categories a caller may pass in ``household.existing`` (they carry into every member's categories).
EXISTING_CARRIED = (FPJC, OTHER)


def categories_from_mask(mask: int) -> list[str]:
    return [name for bit, name in MEMBER_CATEGORY_BITS if mask & bit]


# Disability kinds (DOMAIN §3) with their integer codes; 0 = no disability.
DISABILITY_KINDS: dict[str, int] = {
    "visual": 1,
    "hearing": 2,
    "speech": 3,
    "physical": 4,
    "intellectual": 5,
    "mental": 6,
    "multiple": 7,
}
DISABILITY_KIND_BY_CODE = {code: kind for kind, code in DISABILITY_KINDS.items()}
GRADE_ZH = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

# Severe disability (重度残疾, DOMAIN §3): grade 1 or 2 of any kind, or grade 3 intellectual/mental.
# Stored as "highest qualifying grade per kind code" (index = kind code, 0 = none).
SEVERE_DISABILITY_MAX_GRADE: tuple[int, ...] = (0, 2, 2, 2, 2, 3, 3, 2)

# R-T5 care levels; 0 = not TEKUN.
CARE_NONE = 0
CARE_SELF = 1
CARE_PARTIAL = 2
CARE_FULL = 3
CARE_LEVEL_BY_CODE: dict[int, str | None] = {
    CARE_NONE: None,
    CARE_SELF: "self",
    CARE_PARTIAL: "partial",
    CARE_FULL: "full",
}
CARE_LEVEL_ZH = {"self": "全自理", "partial": "半护理", "full": "全护理"}

# Single-person dibao codes in the columnar result.
SINGLE_NONE = 0
SINGLE_R_D4 = 4
SINGLE_R_D5 = 5

# Ages (R-T1, R-B2, R-D5). Definitions from the policy text, not dated parameters.
AGE_ELDERLY = 60  # R-T1: age ≥ 60 has no capacity to work
AGE_CHILD = 16  # R-T1: age < 16 has no capacity to work
AGE_ELDERLY_TOPUP = 70  # R-B2: aged 70 or older
AGE_ADULT = 18  # R-B2 minor = under 18; R-D5 adult = 18 or older

# R-T5: activities of daily living, and the thresholds of the three levels.
ADL_COUNT = 6
ADL_PARTIAL_FROM = 1  # 1–3 failed → partial
ADL_FULL_FROM = 4  # 4–6 failed → full

RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other")
AREA_TYPES = ("urban", "rural")
