"""DOMAIN R-M12 gaps: W-POP on births, moves and marriages (``household_registration``, ``marriage``),
W-ELIG on a public-sector salary (``public_payroll``), and W-ILL / W-EXP for a household without a
recorded income, using the income the registry knows (with the basis named in the evidence)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.core.scoping import all_regions
from doudi.monitoring.models import EarlyWarning

from .conftest import T2, D, make_family, open_warnings, run_all, run_batch, write_batch

pytestmark = pytest.mark.django_db

ADULT = D(1980, 3, 3)
JULY_10, JULY_20 = D(2025, 7, 10), D(2025, 7, 20)


def couple(**kw):
    return make_family(
        "H", members=[("甲", ADULT, True, "head", {}), ("乙", ADULT, False, "spouse", {})], **kw
    )


def registration(batch_id, person, event, on=JULY_10, **kw):
    return write_batch(batch_id, "household_registration",
                       [{"person": person, "event": event, "event_on": on, **kw}])  # fmt: skip


def only(indicator):
    fired = open_warnings(indicator)
    assert len(fired) == 1, [w.evidence for w in fired]
    return fired[0]


# ----------------------------------------------------------------------------------------------- W-POP


def test_a_birth_registered_under_the_households_number_fires(scan_env):
    fam = couple()
    write_batch(1, "household_registration", [
        {"person": None, "id_number": None, "name": "甲小宝", "birth_date": D(2025, 7, 1), "event": "birth",
         "event_on": D(2025, 7, 1), "household_number": "H"},
        {"person": None, "id_number": None, "name": "别人家", "event": "birth", "event_on": D(2025, 7, 1),
         "household_number": "NOT-OURS"},
    ])  # fmt: skip
    run_all()
    w = only("W-POP")
    assert (w.level, w.household_id, w.person_id) == ("yellow", fam.household.pk, fam.head.pk)
    [item] = w.evidence
    assert item["source"] == "户籍变动" and item["as_of"] == "2025-07-01"
    assert item["detail"] == "公安户籍数据：2025年07月01日出生登记，家庭新增人口"


def test_a_move_out_names_the_destination(scan_env):
    fam = couple()
    registration(1, fam.members[1], "move_out", household_number="H", to_region_code=T2)
    registration(2, fam.members[0], "move_out", household_number="H", to_region_code="990101")
    run_all()
    w = only("W-POP")
    details = sorted(e["detail"] for e in w.evidence)
    assert (
        details[0].startswith("公安户籍数据：2025年07月10日家庭成员户籍迁出（迁往")
        and "北山街道" in details[0]
    )
    assert details[1].endswith("家庭成员户籍迁出（迁往外地）")
    assert w.level == "yellow"


@pytest.mark.parametrize(("event", "text"), [("married", "登记结婚"), ("divorced", "登记离婚")])
def test_a_marriage_or_divorce_fires(scan_env, event, text):
    fam = couple()
    write_batch(1, "marriage", [{"person": fam.members[1], "event": event, "event_on": D(2025, 6, 30),
                                 "spouse_name": "某某"}])  # fmt: skip
    run_all()
    w = only("W-POP")
    assert w.level == "yellow" and w.person_id == fam.members[1].pk
    [item] = w.evidence
    assert (
        item["source"] == "婚姻登记" and item["detail"] == f"民政婚姻登记数据：家庭成员2025年06月30日{text}"
    )


def test_old_or_unattached_events_do_not_fire(scan_env):
    fam = couple()
    registration(1, fam.members[0], "move_in", on=D(2024, 7, 31))
    write_batch(2, "marriage", [{"person": fam.members[1], "event": "married", "event_on": D(2024, 6, 1)}])
    write_batch(3, "household_registration", [
        {"person": None, "id_number": None, "name": "某婴", "event": "birth", "event_on": D(2025, 7, 1),
         "household_number": "UNKNOWN"},
        # a person outside the registry moving out of some 户 is none of ours
        {"person": None, "id_number": None, "name": "某人", "event": "move_out", "event_on": D(2025, 7, 1),
         "household_number": "H"},
    ])  # fmt: skip
    run_all()
    assert open_warnings("W-POP") == []


def test_a_marriage_merges_into_the_open_death_warning_and_a_rerun_changes_nothing(scan_env):
    fam = couple()
    write_batch(1, "death", [{"person": fam.members[0], "died_on": D(2025, 7, 15)}])
    run_all()
    first = only("W-POP")
    assert first.evidence[0]["detail"] == "公安/民政数据：家庭成员2025年07月15日死亡"
    write_batch(2, "marriage", [{"person": fam.members[1], "event": "married", "event_on": D(2025, 7, 20)}],
                as_of=D(2025, 8, 1))  # fmt: skip
    merged = run_batch(2)
    assert (merged.total("new"), merged.total("merged")) == (0, 1)
    w = only("W-POP")
    assert w.pk == first.pk and w.merged_count == 2
    assert [e["source"] for e in w.evidence] == ["死亡信息", "婚姻登记"]
    again = run_all()
    assert (again.total("new"), again.total("merged")) == (0, 0)
    assert EarlyWarning.unscoped.get(pk=w.pk).evidence == w.evidence


def test_the_same_registration_event_sent_again_counts_once(scan_env):
    fam = couple()
    registration(1, fam.members[1], "move_in", household_number="H")
    run_all()
    registration(2, fam.members[1], "move_in", household_number="H")
    result = run_all()
    assert (result.total("new"), result.total("merged")) == (0, 0)
    assert len(only("W-POP").evidence) == 1


# ----------------------------------------------------------------------------------------------- W-ELIG


def payroll(person, month="2025-06", employer="延吉市某局"):
    return {"person": person, "employer": employer, "month": month, "gross_pay": Decimal("5600.00")}


@pytest.mark.parametrize(
    ("category", "months", "fires"),
    [("DIBAO", ["2025-06", "2025-07"], True), ("TEKUN", ["2025-06"], True), ("MARGINAL", ["2025-06"], False),
     ("DIBAO", ["2023-11"], False)],
)  # fmt: skip
def test_a_dibao_or_tekun_member_on_the_public_payroll_fires(scan_env, category, months, fires):
    fam = make_family("H", category=category, since=D(2024, 1, 1))
    write_batch(1, "public_payroll", [payroll(fam.head, m) for m in months])
    run_all()
    if not fires:
        assert open_warnings("W-ELIG") == []
        return
    w = only("W-ELIG")
    assert w.level == "orange"
    [item] = w.evidence  # several months of one salary are one finding
    assert item["source"] == "财政供养人员工资" and item["as_of"] == "2025-06-01"
    assert item["detail"] == "财政/人社数据：领取财政供养人员工资（延吉市某局）（低保/特困对象反向核查）"


def test_next_months_payroll_adds_nothing_to_the_open_warning(scan_env):
    fam = make_family("H", since=D(2024, 1, 1))
    write_batch(1, "public_payroll", [payroll(fam.head, "2025-06")], as_of=D(2025, 7, 5))
    run_all()
    write_batch(2, "public_payroll", [payroll(fam.head, "2025-07")])
    result = run_batch(2)
    assert (result.total("new"), result.total("merged")) == (0, 0)
    assert only("W-ELIG").merged_count == 1


# --------------------------------------------------------------------------------------- W-ILL / W-EXP


def medical_batch(person, oop: str, batch_id: int = 9, end=JULY_20):
    write_batch(batch_id, "medical_expense", [
        {"person": person, "period_start": end.replace(day=1), "period_end": end,
         "total_expense": Decimal(oop) * 2, "out_of_pocket": Decimal(oop)},
    ])  # fmt: skip


def record(person=None, household=None, kind="own_income", value=None, source="self_declared"):
    from doudi.registry import actions

    with all_regions():
        if person is not None:
            actions.record_person_fact(actor="t", person=person, kind=kind, value=value, valid_from=D(2024, 1, 1),
                                       source=source)  # fmt: skip
        else:
            actions.record_household_fact(actor="t", household=household, kind=kind, value=value,
                                          valid_from=D(2024, 1, 1), source=source)  # fmt: skip


def test_without_any_income_known_illness_does_not_fire(scan_env):
    fam = couple()
    medical_batch(fam.head, "9000")
    run_all()
    assert open_warnings("W-ILL") == [] and open_warnings("W-EXP") == []


def test_declared_member_incomes_are_used_when_the_household_has_none(scan_env):
    fam = couple()
    record(fam.members[0], value={"monthly": 1000})
    record(fam.members[1], value={"monthly": 1000}, source="home_visit")
    medical_batch(fam.head, "12000")  # 12,000 ≥ 50 % of 24,000 (and not above it)
    run_all()
    w = only("W-ILL")
    assert w.level == "orange"
    assert w.evidence[0]["detail"].endswith("；收入依据：家庭成员个人收入合计（入户核查、本人申报）")


def test_a_recorded_household_income_comes_first_and_names_its_source(scan_env):
    fam = couple()
    record(household=fam.household, kind="income", value={"total": 30000, "months": 12}, source="home_visit")
    record(fam.members[0], value={"monthly": 100})
    medical_batch(fam.head, "12000")  # below 50 % of 30,000: the members' 2,400 a year are not used
    run_all()
    assert open_warnings("W-ILL") == []
    medical_batch(fam.members[1], "3000", batch_id=10)
    run_all()
    assert only("W-ILL").evidence[0]["detail"].endswith("；收入依据：登记的家庭收入（入户核查）")


def test_department_wages_and_pensions_are_used_last(scan_env):
    fam = couple()
    write_batch(1, "social_insurance", [
        {"person": fam.members[0], "month": "2025-05", "contribution_base": Decimal(9000)},
        {"person": fam.members[0], "month": "2025-06", "contribution_base": Decimal(1000)},
        {"person": fam.members[1], "month": "2025-06", "pension_monthly": Decimal(500)},
    ])  # fmt: skip
    write_batch(2, "public_payroll", [payroll(fam.members[1], "2025-07")])
    write_batch(3, "public_payroll", [{**payroll(fam.members[1], "2025-07"), "gross_pay": Decimal(0)}])
    # income 12 × (1,000 + 500 + 5,600) = 85,200; 50 % is 42,600
    medical_batch(fam.head, "42600")
    run_all()
    w = only("W-ILL")
    assert w.evidence[0]["detail"].endswith(
        "；收入依据：部门数据推算（社会保险、财政供养人员工资，最近月份2025-07）"
    )


def test_department_income_below_the_threshold_does_not_fire(scan_env):
    fam = couple()
    write_batch(1, "public_payroll", [payroll(fam.members[1], "2025-07")])
    medical_batch(fam.head, "33599.99")  # 50 % of 67,200 is 33,600
    run_all()
    assert open_warnings("W-ILL") == []


def test_spending_uses_the_known_income_and_says_which(scan_env):
    fam = make_family("H", rigid={"medical": 0, "education": 2000, "housing": 0, "care": 0})
    write_batch(
        1, "social_insurance", [{"person": fam.head, "month": "2025-07", "contribution_base": Decimal(2000)}]
    )
    medical_batch(
        fam.head, "12400", end=D(2025, 2, 28)
    )  # (12,400 + 2,000) ≥ 60 % of 24,000; outside 3 months
    run_all()
    assert open_warnings("W-ILL") == []
    w = only("W-EXP")
    assert w.evidence[0]["detail"].endswith("；收入依据：部门数据推算（社会保险，最近月份2025-07）")
    again = run_all()
    assert (again.total("new"), again.total("merged")) == (0, 0)


def test_a_birth_merges_into_the_open_population_warning(scan_env):
    fam = couple()
    write_batch(1, "marriage", [{"person": fam.members[0], "event": "divorced", "event_on": D(2025, 5, 5)}])
    run_all()
    first = only("W-POP")
    write_batch(2, "household_registration", [
        {"person": None, "id_number": None, "name": "乙小宝", "event": "birth", "event_on": D(2025, 7, 25),
         "household_number": "H"},
    ])  # fmt: skip
    result = run_batch(2)
    assert (result.total("new"), result.total("merged")) == (0, 1)
    w = only("W-POP")
    assert (
        w.pk == first.pk
        and w.merged_count == 2
        and [e["source"] for e in w.evidence] == ["婚姻登记", "户籍变动"]
    )
    assert run_batch(2).total("merged") == 0


def test_a_salary_merges_into_the_open_reverse_check_and_a_rerun_changes_nothing(scan_env):
    fam = make_family("H", since=D(2024, 1, 1))
    write_batch(
        1, "vehicle", [{"person": fam.head, "vehicle_type": "小型轿车", "registered_on": D(2025, 5, 1)}]
    )
    run_all()
    write_batch(2, "public_payroll", [payroll(fam.head, "2025-07")])
    result = run_batch(2)
    assert (result.total("new"), result.total("merged")) == (0, 1)
    w = only("W-ELIG")
    assert w.merged_count == 2 and [e["source"] for e in w.evidence] == ["机动车登记", "财政供养人员工资"]
    again = run_all()
    assert (again.total("new"), again.total("merged")) == (0, 0)
