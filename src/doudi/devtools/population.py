"""Drawing synthetic households and their members as numpy columns (one chunk at a time).

Pure numpy: ``draw_chunk`` returns a dict of household columns and a dict of person columns. Every
household is drawn with a type (composition), a category and an income consistent with the category
rules of DOMAIN §5 under the synthetic standards of ``Townships.standard``; ``synth`` assembles
the chunks into tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from doudi.devtools import names

# Household types (composition).
SINGLE_ELDER, ELDER_COUPLE, SINGLE_ADULT, COUPLE_KIDS, SINGLE_PARENT, THREE_GEN, SKIPPED = range(7)
TYPE_NAMES = (
    "single_elderly",
    "elderly_couple",
    "single_adult",
    "couple_children",
    "single_parent",
    "three_generations",
    "grandparents_grandchildren",
)
TYPE_P_URBAN = np.array([0.24, 0.14, 0.16, 0.18, 0.14, 0.10, 0.04])
TYPE_P_RURAL = np.array([0.22, 0.18, 0.12, 0.18, 0.08, 0.14, 0.08])
HEAD_AGE_LO = np.array([60, 62, 25, 26, 24, 30, 55])
HEAD_AGE_HI = np.array([94, 88, 59, 52, 52, 50, 80])
HEAD_MALE_P = np.array([0.40, 0.75, 0.60, 0.80, 0.20, 0.70, 0.55])
SPOUSE_P = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 0.75, 0.55])
# P(0, 1, 2, 3 children) by type; an elderly couple's child is an adult who cannot live alone (R-H2).
KIDS_P = np.array(
    [
        [1.0, 0.0, 0.0, 0.0],
        [0.9, 0.1, 0.0, 0.0],
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 0.45, 0.40, 0.15],
        [0.0, 0.60, 0.40, 0.0],
        [0.0, 0.55, 0.45, 0.0],
        [0.0, 0.65, 0.35, 0.0],
    ]
)

# Categories (R-C1), in the order of ``CATEGORY_CODES``.
DIBAO, TEKUN, MARGINAL, RIGID, FPJC, OTHER = range(6)
CATEGORY_CODES = ("DIBAO", "TEKUN", "MARGINAL", "RIGID", "FPJC", "OTHER")
# Share of households of each type recognised as TEKUN: single elderly and severely disabled adults
# without a capable supporter (R-T1–R-T4).
TEKUN_P = np.array([0.40, 0.12, 0.22, 0.0, 0.0, 0.0, 0.0])
_NON_TEKUN = np.array([DIBAO, MARGINAL, RIGID, FPJC, OTHER])
CAT_P_URBAN = np.array([0.70, 0.18, 0.09, 0.0, 0.03])
CAT_P_RURAL = np.array([0.64, 0.16, 0.08, 0.09, 0.03])
EMPLOYED_P = np.array([0.25, 0.0, 0.55, 0.60, 0.55, 0.40])  # working-age members, by category

# Relations, in the order of ``RELATION_CODES`` (the roster's values).
HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD = range(5)
RELATION_CODES = ("head", "spouse", "child", "parent", "grandchild")

DISABILITY_KINDS = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
DISABILITY_KIND_P = np.array([0.12, 0.12, 0.03, 0.45, 0.10, 0.12, 0.06])
DISABILITY_GRADE_P = np.array([0.15, 0.25, 0.30, 0.30])
# ICD-10 codes of serious illnesses (cancers, uraemia, stroke, …); children's list after the adults'.
ADULT_DIAGNOSES = (
    "C34",
    "C16",
    "C22",
    "C18",
    "C50",
    "C53",
    "N18.5",
    "I63",
    "I61",
    "I21",
    "D61",
    "C92",
    "G35",
    "F20",
)
CHILD_DIAGNOSES = ("C91.0", "Q21.3", "D61", "E10", "N04", "C71")
DIAGNOSES = ADULT_DIAGNOSES + CHILD_DIAGNOSES
STAGES = ("primary", "junior", "senior", "vocational", "undergraduate")
STAGE_COST = np.array([600, 800, 2500, 6000, 10000])  # education expenditure per year, yuan
LABOUR_LEVELS = ("full", "partial", "none")

KOREAN_SHARE = 0.35  # share of 延边 households drawn with Korean-Chinese names
RIGID_CEILING_ANNUAL = {"urban": 37503, "rural": 19472}  # previous year's per-capita disposable income

_HAN, _HAN_P = names.weights(names.SURNAMES)
_KOR, _KOR_P = names.weights(names.KOREAN_SURNAMES)
SURNAMES = np.array(_HAN + _KOR)
_MALE = np.array(list(names.MALE_CHARS))
_FEMALE = np.array(list(names.FEMALE_CHARS))
_KMALE = np.array(list(names.KOREAN_MALE_CHARS))
_KFEMALE = np.array(list(names.KOREAN_FEMALE_CHARS))


@dataclass(frozen=True)
class Townships:
    """The townships households are spread over, as parallel arrays."""

    codes: np.ndarray  # 12-digit township codes (str)
    county6: np.ndarray  # int, first six digits
    rural: np.ndarray  # bool
    yanbian: np.ndarray  # bool: in 延边州 (Korean-Chinese names, 延边 standards)
    weights: np.ndarray  # float, sums to 1
    standard: np.ndarray  # int, synthetic monthly dibao standard of the township's area type


def _days(n) -> np.ndarray:
    return np.asarray(n, dtype=np.int64).astype("timedelta64[D]")


def _months(n) -> np.ndarray:
    return np.asarray(n, dtype=np.int64).astype("timedelta64[M]")


def _between(rng: np.random.Generator, lo, hi, n: int) -> np.ndarray:
    """Uniform integers in [lo, hi] (array bounds)."""
    lo = np.asarray(lo)
    return lo + (rng.random(n) * (np.asarray(hi) - lo + 1)).astype(np.int64)


def _counts(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a probability matrix over 0..k-1."""
    cum = probs.cumsum(axis=1)[:, :-1]
    rows: int = probs.shape[0]
    return (rng.random(rows)[:, None] >= cum).sum(axis=1)


def _draw_surnames(rng: np.random.Generator, korean: np.ndarray, k: int) -> np.ndarray:
    n = korean.size
    han = rng.choice(len(_HAN), size=(n, k), p=_HAN_P)
    kor = len(_HAN) + rng.choice(len(_KOR), size=(n, k), p=_KOR_P)
    return np.where(korean[:, None], kor, han)


def _anniversary(as_of: np.datetime64, years_back: np.ndarray) -> np.ndarray:
    """``as_of`` moved back by whole years (29 February becomes 28 February)."""
    y, m, d = (int(x) for x in str(as_of).split("-"))
    years = (np.asarray(y - years_back) - 1970).astype("datetime64[Y]")
    month_start = years.astype("datetime64[M]") + _months(m - 1)
    next_month = (month_start + _months(1)).astype("datetime64[D]")
    return np.minimum(month_start.astype("datetime64[D]") + _days(d - 1), next_month - _days(1))


def birth_dates(rng: np.random.Generator, age: np.ndarray, as_of: np.datetime64) -> np.ndarray:
    """Birth dates uniformly within the year that makes each person exactly ``age`` on ``as_of``."""
    upper = _anniversary(as_of, age)
    lower = _anniversary(as_of, age + 1) + _days(1)
    span = (upper - lower).astype(np.int64) + 1
    return lower + _days((rng.random(age.size) * span).astype(np.int64))


def _households(rng: np.random.Generator, n: int, tw: Townships, as_of: np.datetime64) -> dict:
    t = rng.choice(tw.codes.size, size=n, p=tw.weights)
    rural = tw.rural[t]
    korean = tw.yanbian[t] & (rng.random(n) < KOREAN_SHARE)
    htype = np.where(rural, rng.choice(7, size=n, p=TYPE_P_RURAL), rng.choice(7, size=n, p=TYPE_P_URBAN))
    tekun = rng.random(n) < TEKUN_P[htype]
    other = np.where(rural, rng.choice(5, size=n, p=CAT_P_RURAL), rng.choice(5, size=n, p=CAT_P_URBAN))
    category = np.where(tekun, TEKUN, _NON_TEKUN[other])

    head_age = _between(rng, HEAD_AGE_LO[htype], HEAD_AGE_HI[htype], n)
    head_male = rng.random(n) < HEAD_MALE_P[htype]
    has_spouse = rng.random(n) < SPOUSE_P[htype]
    shift = np.where(head_male, -2.5, 2.5)
    spouse_age = np.clip(np.rint(head_age + rng.normal(shift, 3.0)).astype(np.int64), 20, 99)
    spouse_age = np.where(htype == ELDER_COUPLE, np.maximum(spouse_age, 60), spouse_age)
    n_parents = np.where(htype == THREE_GEN, 1 + (rng.random(n) < 0.5), 0)
    kids = np.where(tekun, 0, _counts(rng, KIDS_P[htype]))

    # since: category start in 2019 … shortly before as_of; RIGID is valid 12 months, FPJC began 2021
    start = np.where(
        category == RIGID,
        as_of - _days(330),
        np.where(category == FPJC, np.datetime64("2021-06-01"), np.datetime64("2019-01-01")),
    )
    end = as_of - _days(30)
    span = np.maximum((end - start).astype(np.int64), 0)
    since = start + _days((rng.random(n) * span).astype(np.int64))
    return {
        "township": t,
        "rural": rural,
        "korean": korean,
        "type": htype,
        "category": category,
        "head_age": head_age,
        "head_male": head_male,
        "has_spouse": has_spouse,
        "spouse_age": spouse_age,
        "n_parents": n_parents,
        "kids": kids,
        "since": since.astype("datetime64[D]"),
        "standard": tw.standard[t],
    }


def _members(rng: np.random.Generator, hh: dict) -> dict:
    """Expand households to persons in household order (head first)."""
    n = hh["type"].size
    htype, head_male, has_spouse = hh["type"], hh["head_male"], hh["has_spouse"]
    sur = _draw_surnames(rng, hh["korean"], 4)  # head, spouse, head's mother, other line
    father_line = np.where(head_male, sur[:, 0], np.where(has_spouse, sur[:, 1], sur[:, 3]))
    kid_surname = np.where(rng.random(n) < 0.8, father_line, np.where(head_male, sur[:, 0], sur[:, 3]))
    kid_surname = np.where((htype == SKIPPED) & (rng.random(n) < 0.3), sur[:, 3], kid_surname)
    youngest = np.where(has_spouse, np.minimum(hh["head_age"], hh["spouse_age"]), hh["head_age"])
    father_first = rng.random(n) < 0.3  # a lone parent living with the head is the father

    parts = []  # (household, slot, relation, age, male, surname, forced disability)

    def add(present, slot, relation, age, male, surname, forced=0):
        idx = np.nonzero(present)[0]
        parts.append(
            (
                idx,
                np.full(idx.size, slot),
                np.broadcast_to(relation, (n,))[idx],
                np.broadcast_to(age, (n,))[idx],
                np.broadcast_to(male, (n,))[idx],
                np.broadcast_to(surname, (n,))[idx],
                np.broadcast_to(forced, (n,))[idx],
            )
        )

    all_ = np.ones(n, dtype=bool)
    tekun_adult = (htype == SINGLE_ADULT) & (hh["category"] == TEKUN)
    add(all_, 0, HEAD, hh["head_age"], head_male, sur[:, 0], np.where(tekun_adult, 1, 0))
    add(has_spouse, 1, SPOUSE, hh["spouse_age"], ~head_male, sur[:, 1])
    for k in range(2):
        present = hh["n_parents"] > k
        age = np.minimum(hh["head_age"] + _between(rng, 22, 34, n), 98)
        male = np.where(hh["n_parents"] == 2, k == 0, father_first)
        add(present, 2 + k, PARENT, age, male, np.where(male, sur[:, 0], sur[:, 2]))
    # children (grandchildren) from ``lo``…``hi`` years old, 2–5 years apart; fewer when the range is short
    skipped = htype == SKIPPED
    lo = np.where(skipped, 1, 0)
    hi = np.where(skipped, np.clip(hh["head_age"] - 40, 1, 17), np.clip(np.minimum(22, youngest - 20), 0, 22))
    kids = np.where(htype == ELDER_COUPLE, hh["kids"], np.minimum(hh["kids"], 1 + (hi - lo) // 2))
    hh["kids"] = kids
    eldest = _between(rng, lo + 2 * np.maximum(kids - 1, 0), hi, n)
    gap = _between(rng, 2, np.maximum(np.minimum(5, (eldest - lo) // np.maximum(kids - 1, 1)), 2), n)
    adult = np.maximum(hh["head_age"] - _between(rng, 24, 34, n), 18)
    relation = np.where(skipped, GRANDCHILD, CHILD)
    forced = np.where(htype == ELDER_COUPLE, 2, 0)
    for k in range(3):
        age = np.where(htype == ELDER_COUPLE, adult, eldest - k * gap)
        add(kids > k, 4 + k, relation, age, rng.random(n) < 0.51, kid_surname, forced)

    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    order = np.lexsort((cols[1], cols[0]))
    keys = ("hh", "slot", "relation", "age", "male", "surname", "forced")
    return {k: c[order] for k, c in zip(keys, cols, strict=True)}


def _given_names(rng: np.random.Generator, male: np.ndarray, korean: np.ndarray) -> np.ndarray:
    p = male.size

    def pick(chars_m, chars_f):
        return np.where(
            male, chars_m[rng.integers(0, chars_m.size, p)], chars_f[rng.integers(0, chars_f.size, p)]
        )

    han1, han2 = pick(_MALE, _FEMALE), pick(_MALE, _FEMALE)
    kor1, kor2 = pick(_KMALE, _KFEMALE), pick(_KMALE, _KFEMALE)
    use_kor = korean & (rng.random(p) < 0.6)
    first = np.where(use_kor, kor1, han1)
    second = np.where(use_kor, kor2, han2)
    one_char = rng.random(p) < np.where(korean, 0.1, 0.3)
    return np.strings.add(first, np.where(one_char, "", second))


def draw_chunk(rng: np.random.Generator, n: int, tw: Townships, as_of: np.datetime64) -> tuple[dict, dict]:
    hh = _households(rng, n, tw, as_of)
    ps = _members(rng, hh)
    h = ps["hh"]
    p = h.size
    age, male, forced = ps["age"], ps["male"], ps["forced"]
    cat = hh["category"][h]
    tekun = cat == TEKUN
    std = hh["standard"][h]
    ps["birth"] = birth_dates(rng, age, as_of)
    ps["since"] = np.maximum(hh["since"][h], ps["birth"])
    ps["name"] = np.strings.add(SURNAMES[ps["surname"]], _given_names(rng, male, hh["korean"][h]))

    # disability (~8 %), by age; forced for TEKUN adults (R-T1 list) and dependent adult children
    dis_p = np.where(age < 18, 0.025, np.where(age < 60, 0.06, 0.10))
    has_dis = (rng.random(p) < dis_p) | (forced > 0)
    kind = rng.choice(7, size=p, p=DISABILITY_KIND_P)
    grade = rng.choice(4, size=p, p=DISABILITY_GRADE_P) + 1
    # forced: physical 1–2, intellectual or mental 1–3, visual 1 — on the R-T1 list and severe
    f_kind = np.array([3, 4, 5, 0])[rng.choice(4, size=p, p=[0.5, 0.2, 0.2, 0.1])]
    f_grade = np.where(
        f_kind == 3, 1 + (rng.random(p) < 0.5), np.where(f_kind == 0, 1, _between(rng, 1, 3, p))
    )
    kind = np.where(forced > 0, f_kind, kind)
    grade = np.where(forced > 0, np.minimum(f_grade, 2), grade)
    grade = np.where(forced == 1, f_grade, grade)
    ps["dis"], ps["dis_kind"], ps["dis_grade"] = has_dis, kind, grade
    severe = has_dis & ((grade <= 2) | ((grade == 3) & ((kind == 4) | (kind == 5))))
    ps["severe"] = severe

    ill = rng.random(p) < np.where(age < 18, 0.015, np.where(age < 60, 0.06, 0.10))
    diag_adult = rng.integers(0, len(ADULT_DIAGNOSES), p)
    diag_child = rng.integers(0, len(CHILD_DIAGNOSES), p)
    ps["ill"] = ill
    # index into DIAGNOSES: children's diseases for minors
    ps["diagnosis"] = np.where(age < 18, len(ADULT_DIAGNOSES) + diag_child, diag_adult)

    school_age = (age >= 6) & (age <= 22)
    in_school = school_age & (rng.random(p) < np.where(age <= 17, 0.97, 0.40))
    higher = np.where(rng.random(p) < 0.4, 3, 4)
    stage = np.where(age <= 11, 0, np.where(age <= 14, 1, np.where(age <= 17, 2, higher)))
    ps["school_age"], ps["in_school"], ps["stage"] = school_age, in_school, stage

    working_age = (age >= 16) & (age <= 59) & ~in_school
    emp_p = EMPLOYED_P[cat] * np.where(severe | ill, 0.25, 1.0)
    ps["working_age"] = working_age
    ps["employed"] = working_age & (rng.random(p) < emp_p)
    # index into LABOUR_LEVELS: none from 60 or with a severe disability, partial when disabled or ill
    ps["labour"] = np.where((age >= 60) | severe, 2, np.where(has_dis | ill, 1, 0))

    old_or_frail = (age >= 80) | severe
    adl_frail = rng.choice(7, size=p, p=[0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    adl_other = rng.choice(7, size=p, p=[0.85, 0.06, 0.04, 0.02, 0.01, 0.01, 0.01])
    ps["adl_recorded"] = (age >= 60) | has_dis | tekun
    ps["adl"] = np.where(old_or_frail, adl_frail, adl_other)

    # own income / assets: TEKUN members (R-T2) and ill or severely disabled adults (R-D4/R-D5)
    own = tekun | ((age >= 18) & (ill | severe))
    u = rng.random(p)
    own_income = np.where(
        tekun,
        np.where(u < 0.4, 0.0, u * 0.8 * std),
        np.where(ps["employed"], std * (0.6 + 1.2 * u), std * 0.6 * u),
    )
    ps["own_recorded"] = own
    ps["own_income"] = np.floor(own_income).astype(np.int64)
    ps["own_assets_ok"] = tekun | (rng.random(p) < 0.9)
    ps["supporter_recorded"] = (age >= 60) | severe | tekun
    ps["has_supporter"] = ~tekun

    _money(rng, hh, ps)
    return hh, ps


def _money(rng: np.random.Generator, hh: dict, ps: dict) -> None:
    """Household income, assets and rigid expenditure consistent with the category (DOMAIN §5)."""
    n = hh["type"].size
    h = ps["hh"]
    size = np.bincount(h, minlength=n)
    s = hh["standard"].astype(np.float64)
    cat = hh["category"]
    ceiling = np.where(hh["rural"], RIGID_CEILING_ANNUAL["rural"], RIGID_CEILING_ANNUAL["urban"]) / 12
    u = rng.random(n)
    pc_income = np.select(
        [cat == DIBAO, cat == MARGINAL, cat == RIGID, cat == FPJC, cat == OTHER],
        [
            np.where(rng.random(n) < 0.06, 0.0, s * (0.10 + 0.82 * u)),  # R-D1: p < S
            s * (1.02 + 0.95 * u),  # R-M1: S ≤ p < 2S
            2.03 * s + (0.95 * ceiling - 2.03 * s) * u,  # R-R1: 2S ≤ p < ceiling
            2.03 * s + (0.95 * ceiling - 2.03 * s) * u,  # FPJC, OTHER: above the tiers' bands, so
            2.03 * s + (0.95 * ceiling - 2.03 * s) * u,  # the roster category is their only one
        ],
        default=0.0,
    )
    annual = np.where(
        cat == MARGINAL, np.ceil(pc_income * size * 12), np.floor(pc_income * size * 12)
    ).astype(np.int64)
    tekun_income = np.bincount(h, weights=ps["own_income"] * (cat[h] == TEKUN), minlength=n)
    annual = np.where(cat == TEKUN, tekun_income.astype(np.int64) * 12, annual)
    hh["size"], hh["income"] = size, annual

    hh["financial"] = np.floor(size * s * 12 * rng.random(n)).astype(np.int64)  # ≤ 24 × S per person
    hh["dwellings"] = (rng.random(n) < 0.85).astype(np.int64)

    any_ill = np.bincount(h, weights=ps["ill"], minlength=n) > 0
    frail = np.bincount(h, weights=ps["adl"] * ps["adl_recorded"] >= 4, minlength=n) > 0
    edu = STAGE_COST[ps["stage"]] * ps["in_school"] * (0.8 + 0.4 * rng.random(h.size))
    medical = np.where(any_ill, 3000 + 27000 * rng.random(n), 2500 * rng.random(n))
    housing = np.where(rng.random(n) < 0.3, np.where(hh["rural"], 1500, 3000) * (1 + 2 * rng.random(n)), 0)
    care = np.where(frail, 3000 + 9000 * rng.random(n), 0)
    hh["education"] = np.floor(np.bincount(h, weights=edu, minlength=n)).astype(np.int64)
    hh["housing"] = np.floor(housing).astype(np.int64)
    hh["care"] = np.floor(care).astype(np.int64)
    medical = np.floor(medical).astype(np.int64)
    # RIGID: expenditure over 12 months more than rigid_expense_share (0.6) of the income
    target = np.ceil(annual * 0.6 * (1.1 + 0.7 * rng.random(n))).astype(np.int64) + 1
    others = hh["education"] + hh["housing"] + hh["care"]
    medical = np.where((cat == RIGID) & (medical + others < target), target - others, medical)
    # FPJC / OTHER: keep rigid expenditure at most half the income, so they are not RIGID as well
    spent = medical + others
    cap = (cat == FPJC) | (cat == OTHER)
    scale = np.where(cap & (spent * 2 > annual), annual / np.maximum(2 * spent, 1), 1.0)
    hh["medical"] = np.floor(medical * scale).astype(np.int64)
    for key in ("education", "housing", "care"):
        hh[key] = np.floor(hh[key] * scale).astype(np.int64)
