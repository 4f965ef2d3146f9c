"""The verification rules (CASEWORK R-W20/R-W21) on plain records: results per item, what a mismatch
is, and when the household fails."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doudi.casework import verify_rules as vr
from doudi.casework.verify_rules import FoundRecord, compare, overall

AS_OF = dt.date(2025, 7, 31)
P1, P2 = 11, 12


def rec(person: int, dataset: str, batch: int = 1, as_of: dt.date = AS_OF, dept: str = "公安", **fields):
    return FoundRecord(person, dataset, batch, as_of, dept, f"R{batch}-{person}-{len(fields)}", fields)


def row(rows, person: int, item: str) -> vr.ReportRow:
    (found,) = [r for r in rows if r.person_id == person and r.item == item]
    return found


def test_every_item_of_r_w21_in_the_default_list_in_order():
    assert vr.DEFAULT_PARAMS["verify.items"] == [
        "household_registration", "tax", "social_insurance", "real_estate", "business", "provident_fund",
        "vehicles", "public_employment", "financial_assets", "farm_machinery", "death",
    ]  # fmt: skip
    assert vr.ITEM_LABELS["vehicles"] == "机动车与船舶" and vr.ITEM_LABELS["farm_machinery"] == "大型农机具"
    assert set(vr.MISMATCH_MEANS) == {i.key for i in vr.ITEMS}


def test_vehicle_found_when_none_declared_is_a_mismatch_and_fails_the_household():
    found = [rec(P1, "vehicle", vehicle_type="小型汽车", plate="吉A12345", purchase_price=86000,
                 registered_on=dt.date(2019, 5, 6))]  # fmt: skip
    rows = compare(None, {}, found, persons=[P1])
    v = row(rows, P1, "vehicles")
    assert v.result == "mismatch" and v.result_label == "不一致"
    assert v.found == "小型汽车 1 辆（吉A·****5，购置价 8.6 万元，登记于 2019-05-06）"
    assert "12345" not in v.found
    assert v.declared == "未申报" and v.department == "公安" and v.as_of == AS_OF
    assert v.note == vr.MISMATCH_MEANS["vehicles"]
    out = overall(rows)
    assert out.result == "fail" and out.result_label == "核对未通过"
    assert out.reasons == ("R-A1 机动车：查到非豁免机动车 1 辆，超过上限 0 辆",)


def test_declared_exempt_vehicle_matches_and_passes():
    found = [rec(P1, "vehicle", vehicle_type="残疾人专用车")]
    rows = compare(None, {(P1, "vehicles"): {"count": 1, "exempt": 1}}, found, persons=[P1])
    assert row(rows, P1, "vehicles").result == "match"
    assert row(rows, P1, "vehicles").declared == "1 辆（其中豁免 1 辆）"
    assert overall(rows).result == "pass"


def test_declared_non_exempt_vehicle_fails_only_on_the_found_basis():
    found = [rec(P1, "vehicle", vehicle_type="小型轿车")]
    rows = compare(None, {(P1, "vehicles"): 1}, found, persons=[P1])
    assert row(rows, P1, "vehicles").result == "match"
    assert overall(rows).result == "pass"  # the declaration holds it; the assessment's R-A1 refuses
    assert overall(rows, {"verify.fail_basis": "found"}).result == "fail"


def test_items_off_the_list_are_commitment_and_auxiliary_signals_prompt():
    found = [rec(P1, "vehicle", vehicle_type="小型轿车")]
    rows = compare(["death", "household_registration"], {}, found, persons=[P1])
    assert row(rows, P1, "vehicles").result == "commitment"
    assert row(rows, P1, "vehicles").result_label == "承诺确认"
    assert row(rows, P1, "death").result == "no_data"
    assert row(rows, P1, "utilities").result == "no_data"
    assert overall(rows).result == "pass"  # a commitment row is never tested


def test_auxiliary_with_records_is_a_question_never_a_refusal():
    aux = vr.Item("utilities", "水电气费用", vr.INCOME, ("utility_bills",))
    items = tuple(i for i in vr.AUXILIARY if i.key != "utilities") + (aux,)
    original = vr.AUXILIARY
    try:
        vr.AUXILIARY = items  # a dataset that will feed it (none is shared yet)
        rows = compare(None, {}, [rec(P1, "utility_bills", amount=900)], persons=[P1])
    finally:
        vr.AUXILIARY = original
    assert row(rows, P1, "utilities").result == "prompt"
    out = overall(rows)
    assert out.result == "pass" and out.questions == ("水电气费用：1 条记录，入户调查时询问",)


def test_no_records_no_data_and_items_without_shared_data():
    rows = compare(None, {(P1, "vehicles"): 0}, [], persons=[P1, P2])
    assert {r.result for r in rows} == {"no_data"}
    assert row(rows, P2, "tax").found == "暂无共享数据"
    assert row(rows, P2, "vehicles").found == "未查询到记录"
    assert len(rows) == 2 * (len(vr.ITEMS) + len(vr.AUXILIARY))


def test_farm_machinery_only_for_rural_households():
    urban = compare(None, {}, [], persons=[P1], area_type="urban")
    rural = compare(None, {}, [], persons=[P1], area_type="rural")
    assert "farm_machinery" not in {r.item for r in urban}
    assert "farm_machinery" in {r.item for r in rural}


def test_unknown_item_is_a_chinese_error():
    with pytest.raises(ValueError, match="未知的核对项目"):
        compare(["yacht"], {}, [])


def test_death_of_a_member_declared_alive():
    rows = compare(None, {}, [rec(P2, "death", died_on=dt.date(2025, 3, 2))], persons=[P1, P2])
    d = row(rows, P2, "death")
    assert d.result == "mismatch" and d.found == "死亡日期 2025-03-02" and d.declared == "在世"
    out = overall(rows)
    assert out.result == "pass"  # not an asset: the member is to be corrected
    assert out.corrections and out.corrections[0].startswith("死亡与火化：")


def test_pension_declared_zero_but_paid_flags_income_without_failing():
    found = [
        rec(
            P1,
            "social_insurance",
            batch=1,
            dept="人力资源和社会保障",
            month="2025-06",
            pension_monthly=Decimal("1200"),
        ),
        rec(
            P1,
            "social_insurance",
            batch=2,
            dept="人力资源和社会保障",
            month="2025-07",
            pension_monthly=Decimal("1250"),
        ),
    ]
    rows = compare(None, {(P1, "social_insurance"): 0}, found, persons=[P1])
    s = row(rows, P1, "social_insurance")
    assert s.result == "mismatch" and s.found == "2025-07 月养老金 1,250 元"
    assert s.batch_ids == (1, 2)
    ok = compare(None, {(P1, "social_insurance"): {"pension_monthly": "1250.5"}}, found, persons=[P1])
    assert row(ok, P1, "social_insurance").result == "match"  # within the 1-yuan tolerance
    out = overall(rows)
    assert out.result == "pass" and "社会保险缴费与养老金" in out.corrections[0]


def test_public_employment_found_when_not_declared():
    found = [rec(P1, "public_payroll", employer="某事业单位", month="2025-07", gross_pay=Decimal("5200"))]
    rows = compare(None, {}, found, persons=[P1])
    assert row(rows, P1, "public_employment").result == "mismatch"
    assert row(rows, P1, "public_employment").found == "某事业单位，2025-07 应发工资 5,200 元"
    assert overall(rows).result == "pass"  # DOMAIN R-A1 does not name it: an income to correct
    listed = overall(rows, {"verify.disqualifying": ["public_employment"]})  # a region that lists it
    assert listed.result == "fail" and listed.reasons == (
        "查到机关事业单位工资发放记录：某事业单位，2025-07 应发工资 5,200 元",
    )
    declared = {(P1, "public_employment"): {"employed": True, "monthly_pay": 5200}}
    assert row(compare(None, declared, found, persons=[P1]), P1, "public_employment").result == "match"


def test_registration_moved_out():
    found = [
        rec(P1, "household_registration", event="move_in", event_on=dt.date(2020, 1, 1)),
        rec(P1, "household_registration", event="move_out", event_on=dt.date(2025, 2, 1)),
    ]
    r = row(compare(None, {}, found, persons=[P1]), P1, "household_registration")
    assert r.result == "mismatch" and r.found == "户籍迁出（2025-02-01）"


def test_real_estate_count_and_area():
    found = [
        rec(P1, "real_estate", 1, dept="自然资源", property_type="residential", floor_area=Decimal("40")),
        rec(P2, "real_estate", 1, dept="自然资源", property_type="residential", floor_area=Decimal("35.5")),
    ]
    declared = {(P1, "real_estate"): 1}
    rows = compare(None, declared, found, persons=[P1, P2])
    assert row(rows, P1, "real_estate").result == "match"
    assert row(rows, P2, "real_estate").result == "mismatch"
    assert row(rows, P2, "real_estate").found == "住宅 1 处（共 35.5 平方米）"
    assert overall(rows).reasons == ("R-A1 住房：查到住房 2 套，超过上限 1 套",)
    area = {"asset.floor_area_multiple": 2, "asset.avg_floor_area": 30}
    assert overall(rows, area, household_size=2).result == "pass"  # 37.75 m² a person ≤ 60
    assert overall(rows, area, household_size=1).result == "fail"  # 75.5 m² > 60


def test_non_residential_property_fails():
    found = [rec(P1, "real_estate", property_type="commercial", floor_area=Decimal("20"))]
    out = overall(compare(None, {}, found, persons=[P1]))
    assert out.result == "fail" and out.reasons == ("R-A1 不动产：查到非住宅房产 1 处",)


def test_business_with_capital_fails_without_capital_passes():
    with_capital = [rec(P1, "business", enterprise_name="某某商贸有限公司", registered_capital=Decimal("10"))]
    rows = compare(None, {}, with_capital, persons=[P1])
    assert row(rows, P1, "business").found == "某某商贸有限公司（注册资本 10 万元）"
    assert overall(rows).reasons == ("R-A1 市场主体：查到注册资本 10 万元的市场主体（上限 0 万元）",)
    no_capital = [rec(P1, "business", enterprise_name="某某商店")]
    rows = compare(None, {}, no_capital, persons=[P1])
    assert row(rows, P1, "business").result == "mismatch"
    assert overall(rows).result == "pass"
    assert overall(rows).corrections[0].startswith("市场主体登记：")


@given(
    found=st.lists(st.integers(0, 3), min_size=1, max_size=4),
    declared=st.lists(st.integers(0, 3), min_size=4, max_size=4),
    exempt=st.integers(0, 2),
    limit=st.integers(0, 2),
)
def test_vehicle_rule_properties(found, declared, exempt, limit):
    people = list(range(len(found)))
    records = [
        rec(p, "vehicle", batch=k, vehicle_type="小型轿车") for p, n in enumerate(found) for k in range(n)
    ]
    decl = {(p, "vehicles"): {"count": declared[p], "exempt": exempt if p == 0 else 0} for p in people}
    rows = compare(None, decl, records, persons=people)
    for p, n in enumerate(found):
        r = row(rows, p, "vehicles")
        assert r.result == ("no_data" if n == 0 else "mismatch" if n > declared[p] else "match")
    out = overall(rows, {"asset.max_vehicles": limit})
    checked = sum(n for n in found if n)
    over = checked - (exempt if found[0] else 0) > limit
    any_mismatch = any(n > declared[p] for p, n in enumerate(found))
    assert (out.result == "fail") == (over and any_mismatch)
    assert all(r.result in vr.RESULT_LABELS for r in rows)


@given(st.text(min_size=0, max_size=12))
def test_plate_never_shown_in_full(plate):
    masked = vr.mask_plate(plate)
    assert "****" in masked and len(masked.replace("·****", "").replace("****", "")) <= 3
