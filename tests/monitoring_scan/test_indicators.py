"""Each R-M12 indicator fires AT its threshold (or on its condition) and not below / not otherwise.

Table-driven: every case builds one household (registry facts through the registry actions) and the
department batches it needs, runs the full scan on 2025-08-01 and checks which warnings of the
indicator are open, at which level."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from doudi.monitoring.models import NeedPush

from .conftest import AS_OF, D, make_family, open_warnings, run_all, write_batch

pytestmark = pytest.mark.django_db

ADULT = D(1980, 3, 3)
RECENT = D(2025, 7, 1)
EMPLOYED = {"employment": {"employed": True}}
JOBLESS = {"employment": {"employed": False}}


@dataclass(frozen=True)
class Case:
    name: str
    indicator: str
    build: Callable[[], None]
    level: str | None  # None: must not fire


def medical(oop_a: str, oop_b: str, income: int = 24000, months: int = 12):
    def build():
        fam = make_family("H", income={"total": income, "months": months},
                          members=[("甲", ADULT, True, "head", {}), ("乙", ADULT, False, "spouse", {})])  # fmt: skip
        write_batch(1, "medical_expense", [
            {"person": fam.members[0], "period_start": D(2025, 6, 1), "period_end": D(2025, 6, 30),
             "total_expense": Decimal(oop_a) * 2, "out_of_pocket": Decimal(oop_a)},
            {"person": fam.members[1], "period_start": D(2025, 7, 1), "period_end": D(2025, 7, 20),
             "total_expense": Decimal(oop_b) * 2, "out_of_pocket": Decimal(oop_b)},
        ])  # fmt: skip

    return build


def old_medical():
    fam = make_family("H", income={"total": 24000, "months": 12})
    write_batch(1, "medical_expense", [
        {"person": fam.head, "period_start": D(2025, 4, 1), "period_end": D(2025, 4, 30),
         "total_expense": Decimal(40000), "out_of_pocket": Decimal(20000)},
    ])  # fmt: skip


def illness(registry_flag: bool | None, diagnosed=RECENT):
    def build():
        facts = (
            {}
            if registry_flag is None
            else {"serious_illness": {"flag": registry_flag, "diagnosis_code": "C34"}}
        )
        fam = make_family(
            "H", members=[("甲", ADULT, True, "head", facts)], income={"total": 24000, "months": 12}
        )
        write_batch(
            1, "serious_illness", [{"person": fam.head, "diagnosis_code": "C34", "diagnosed_on": diagnosed}]
        )

    return build


def disability(registry: tuple | None, kind: str, grade: int):
    def build():
        facts = {} if registry is None else {"disability": {"kind": registry[0], "grade": registry[1]}}
        fam = make_family("H", members=[("甲", ADULT, True, "head", facts)])
        write_batch(1, "disability", [{"person": fam.head, "disability_kind": kind, "disability_grade": grade,
                                        "certified_on": D(2025, 7, 1)}])  # fmt: skip

    return build


def student(stage: str, hardship: bool, registry_stage: str | None = None):
    def build():
        facts = {} if registry_stage is None else {"schooling": {"in_school": True, "stage": registry_stage}}
        fam = make_family(
            "H",
            category="MARGINAL",
            members=[("甲", ADULT, True, "head", {}), ("乙", D(2007, 1, 1), False, "child", facts)],
        )
        write_batch(1, "student", [{"person": fam.members[1], "stage": stage, "school": "延边大学",
                                    "hardship_flag": hardship}])  # fmt: skip

    return build


def disaster(damage: str, occurred=RECENT):
    def build():
        fam = make_family("H")
        write_batch(1, "disaster", [{"person": fam.head, "event": "2025年7月洪涝", "occurred_on": occurred,
                                     "dwelling_damage": damage}])  # fmt: skip

    return build


def unemployment(born=ADULT, other=EMPLOYED, ended=None):
    def build():
        fam = make_family(
            "H", members=[("甲", born, True, "head", JOBLESS), ("乙", ADULT, False, "spouse", other)]
        )
        write_batch(
            1, "unemployment", [{"person": fam.head, "registered_on": D(2025, 6, 1), "ended_on": ended}]
        )

    return build


def social_insurance(current: str):
    def build():
        fam = make_family("H", members=[("甲", ADULT, True, "head", {}), ("乙", ADULT, False, "spouse", {})])
        write_batch(1, "social_insurance", [
            {"person": fam.members[0], "month": "2025-06", "contribution_base": Decimal(6000)},
            {"person": fam.members[1], "month": "2025-06", "contribution_base": Decimal(4000)},
        ], as_of=D(2025, 7, 5))  # fmt: skip
        write_batch(2, "social_insurance", [
            {"person": fam.members[0], "month": "2025-07", "contribution_base": Decimal(current)},
        ])  # fmt: skip

    return build


def rigid(medical_oop: str, other: int = 2000, income: int = 20000):
    def build():
        fam = make_family("H", income={"total": income, "months": 12},
                          rigid={"medical": 0, "education": other, "housing": 0, "care": 0})  # fmt: skip
        write_batch(1, "medical_expense", [
            {"person": fam.head, "period_start": D(2024, 10, 1), "period_end": D(2024, 10, 31),
             "total_expense": Decimal(medical_oop) * 2, "out_of_pocket": Decimal(medical_oop)},
        ])  # fmt: skip

    return build


def death(main_earner: bool):
    def build():
        fam = make_family("H", members=[("甲", ADULT, True, "head", {}), ("乙", ADULT, False, "spouse", {})])
        write_batch(1, "social_insurance", [
            {"person": fam.members[0], "month": "2025-06", "contribution_base": Decimal(2000)},
            {"person": fam.members[1], "month": "2025-06", "contribution_base": Decimal(5000)},
        ], as_of=D(2025, 7, 5))  # fmt: skip
        who = fam.members[1] if main_earner else fam.members[0]
        write_batch(2, "death", [{"person": who, "died_on": D(2025, 7, 15)}])

    return build


def owns(dataset: str, registered, category: str = "DIBAO"):
    own = {"vehicle": {"vehicle_type": "小型轿车"}, "real_estate": {"property_type": "commercial", "floor_area": 80},
           "business": {"enterprise_name": "某某商店", "registered_capital": 10}}[dataset]  # fmt: skip

    def build():
        fam = make_family("H", category=category, since=D(2024, 1, 1))
        write_batch(1, dataset, [{"person": fam.head, "registered_on": registered, **own}])

    return build


def gap(category: str, since, given: bool | str = False, student_record: bool = False):
    def build():
        facts = {"schooling": {"in_school": True, "stage": "junior"}} if category == "DIBAO" else {}
        born = D(2011, 1, 1) if category == "DIBAO" else D(1945, 1, 1)
        fam = make_family("H", category=category, since=since, members=[("甲", born, True, "head", facts)],
                          reached=False)  # fmt: skip
        # W-GAP checks every entitlement (R-P1): "given" answers all of them; a hand referral's code
        # (medical_assistance) stands for the premium subsidy
        from doudi.policy.rules.entitlements import ENTITLEMENTS

        wanted = {e.code: e.department for e in ENTITLEMENTS if not e.code.startswith("medical_premium")}
        wanted["medical_assistance"] = "medical_insurance"
        if given == "education_only":
            wanted = {"education_aid": "education"}
        for need, department in wanted.items() if given else ():
            NeedPush.unscoped.create(
                region_code=fam.household.region_code,
                household=fam.household,
                person=fam.head,
                department=department,
                need=need,
                status="given",
            )
        if student_record:
            write_batch(
                1,
                "student",
                [{"person": fam.head, "stage": "junior", "school": "一中", "hardship_flag": False}],
            )

    return build


def fpjc(household_category: str = "MARGINAL"):
    def build():
        fam = make_family("H", category=household_category)
        write_batch(1, "fpjc", [{"person": fam.head, "flagged_on": D(2025, 7, 1), "risk_type": "因病"}])

    return build


CASES = [
    # W-ILL: out-of-pocket over 3 months ≥ 0.5 × annual income (24,000 → 12,000)
    Case("ill at threshold", "W-ILL", medical("6000", "6000"), "orange"),
    Case("ill below threshold", "W-ILL", medical("6000", "5999.99"), None),
    Case("ill income of 6 months", "W-ILL", medical("6000", "6000", income=12000, months=6), "orange"),
    Case("ill at annual income is red", "W-ILL", medical("12000", "12000"), "red"),
    Case("ill outside the 3 months", "W-ILL", old_medical, None),
    Case("new serious illness", "W-ILL", illness(None), "orange"),
    Case("known serious illness", "W-ILL", illness(True), None),
    Case("serious illness flag false", "W-ILL", illness(False), "orange"),
    Case("old diagnosis", "W-ILL", illness(None, D(2024, 7, 1)), None),
    # W-DIS: newly certified or upgraded to severe (grade 1–2, or grade 3 intellectual/mental)
    Case("newly severe", "W-DIS", disability(None, "physical", 2), "orange"),
    Case("upgraded to severe", "W-DIS", disability(("physical", 3), "physical", 2), "orange"),
    Case("grade 3 intellectual is severe", "W-DIS", disability(None, "intellectual", 3), "orange"),
    Case("grade 3 physical is not severe", "W-DIS", disability(None, "physical", 3), None),
    Case("already severe", "W-DIS", disability(("physical", 2), "physical", 1), None),
    # W-EDU
    Case("hardship student", "W-EDU", student("senior", True), "yellow"),
    Case("starts university", "W-EDU", student("undergraduate", False, "senior"), "yellow"),
    Case("already at university", "W-EDU", student("undergraduate", False, "undergraduate"), None),
    Case("ordinary pupil", "W-EDU", student("senior", False), None),
    # W-DSR
    Case("disaster", "W-DSR", disaster("minor"), "orange"),
    Case("dwelling collapsed is red", "W-DSR", disaster("collapsed"), "red"),
    Case("disaster over a year ago", "W-DSR", disaster("severe", D(2024, 7, 31)), None),
    # W-JOB
    Case("unemployed, spouse employed", "W-JOB", unemployment(), "yellow"),
    Case("zero-employment household is red", "W-JOB", unemployment(other=JOBLESS), "red"),
    Case("unemployed aged 60", "W-JOB", unemployment(born=D(1965, 7, 1)), None),
    Case("unemployment ended", "W-JOB", unemployment(ended=D(2025, 7, 1)), None),
    # W-INC: data income down ≥ 30 % (10,000 → 7,000)
    Case("income down 30 %", "W-INC", social_insurance("7000"), "orange"),
    Case("income down less than 30 %", "W-INC", social_insurance("7000.01"), None),
    # W-EXP: rigid expenditure over 12 months ≥ 0.60 × income (20,000 → 12,000)
    Case("rigid expenditure at share", "W-EXP", rigid("10000"), "orange"),
    Case("rigid expenditure below share", "W-EXP", rigid("9999.99"), None),
    # W-POP
    Case("death of a member", "W-POP", death(False), "yellow"),
    Case("death of the main earner is red", "W-POP", death(True), "red"),
    # W-ELIG
    Case("dibao member buys a car", "W-ELIG", owns("vehicle", D(2025, 5, 1)), "orange"),
    Case("car from before enrolment", "W-ELIG", owns("vehicle", D(2023, 5, 1)), None),
    Case("tekun member opens a business", "W-ELIG", owns("business", D(2025, 5, 1), "TEKUN"), "orange"),
    Case("commercial property", "W-ELIG", owns("real_estate", D(2025, 5, 1)), "orange"),
    Case(
        "marginal household is not reverse-checked",
        "W-ELIG",
        owns("vehicle", D(2025, 5, 1), "MARGINAL"),
        None,
    ),
    # W-GAP: enrolled ≥ 1 month without the assistance
    Case("tekun without premium subsidy", "W-GAP", gap("TEKUN", D(2025, 7, 1)), "yellow"),
    Case("tekun enrolled under a month ago", "W-GAP", gap("TEKUN", D(2025, 7, 2)), None),
    Case("tekun with the subsidy given", "W-GAP", gap("TEKUN", D(2025, 1, 1), given=True), None),
    Case("dibao pupil without education aid", "W-GAP", gap("DIBAO", D(2025, 1, 1)), "yellow"),
    Case("dibao pupil with every assistance", "W-GAP", gap("DIBAO", D(2025, 1, 1), given=True), None),
    Case(
        "dibao pupil with education aid only",
        "W-GAP",
        gap("DIBAO", D(2025, 1, 1), given="education_only"),
        "yellow",
    ),
    # W-FPJC
    Case("new return-to-poverty subject", "W-FPJC", fpjc(), "orange"),
    Case("already an fpjc household", "W-FPJC", fpjc("FPJC"), None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_indicator(scan_env, case):
    case.build()
    result = run_all(AS_OF)
    fired = open_warnings(case.indicator)
    if case.level is None:
        assert fired == [], [w.evidence for w in fired]
        return
    assert [w.level for w in fired] == [case.level]
    w = fired[0]
    assert w.household_id and w.person_id and w.raised_on == D(2025, 8, 4)
    # R-M13 default dispatch mode: straight to the household's township
    assert (w.status, w.township_code) == ("dispatched", w.region_code[:9] + "000")
    assert w.evidence and all(e.get("detail") for e in w.evidence)
    assert result.counts[(case.indicator, case.level)]["new"] == 1
