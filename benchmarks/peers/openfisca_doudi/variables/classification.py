"""Classification (DOMAIN §5, rule set 2024-2.2): R-A1, the income bands of R-D1 / R-M1 / R-R1, R-T1–R-T5,
R-C2 order and the single-person dibao of R-D4 / R-D5. TEKUN is per person (R-T4): the bands and R-A1
are those of the household without its TEKUN members (their income and headcount leave it). Exact
integer arithmetic in int64; ``p = I / months / n`` is never formed (``p < S`` ⇔ ``I < S·n·months``)."""

import numpy as np
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from openfisca_doudi.arithmetic import (
    DIBAO,
    I64,
    KINDS,
    MARGINAL,
    NONE,
    RIGID,
    SEVERE_MAX_GRADE,
    TEKUN,
    as_of_ymd,
    e4,
    fen,
)
from openfisca_doudi.entities import Household, Person
from openfisca_doudi.enums import AreaType


def s_n_months(household, period):
    """S·n·months of the assessed household: ``p < S`` ⇔ ``I < S·n·months``."""
    return (
        household("dibao_standard_fen", period).astype(I64)
        * household("n_assessed", period).astype(I64)
        * household("income_months", period).astype(I64)
    )


class n_assessed(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "按家庭认定的人数：不含特困成员（全体特困时为全部成员）"

    def formula(household, period):
        rest = household.sum(np.logical_not(household.members("tekun_person", period)))
        return np.where(rest > 0, rest, household.nb_persons())


class income_assessed_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "按家庭认定的收入（分）：减去特困成员本人收入"

    def formula(household, period):
        income = household("income_fen", period).astype(I64)
        own = household.members("own_income_fen", period).astype(I64)
        tekun_own = household.sum(np.where(household.members("tekun_person", period), own, 0)).astype(I64)
        rest = household.sum(np.logical_not(household.members("tekun_person", period))) > 0
        months = household("income_months", period).astype(I64)
        return np.where(rest, np.maximum(income - tekun_own * months, 0), income)


class dibao_standard_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保标准 S（分/人·月），按地区和城乡类别"

    def formula(household, period, parameters):
        node = parameters(period).dibao_standard[household("param_region", period)]
        urban = household("area_type", period) == AreaType.urban
        return np.where(urban, fen(node.urban), fen(node.rural))


class rigid_ceiling_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "上年度居民人均可支配收入（分/年），按城乡类别"

    def formula(household, period, parameters):
        node = parameters(period).rigid_income_ceiling
        urban = household("area_type", period) == AreaType.urban
        return np.where(urban, fen(node.urban), fen(node.rural))


class min_wage_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "上年度最低工资（分/月），按地区"

    def formula(household, period, parameters):
        return fen(parameters(period).min_wage[household("param_region", period)])


class a1(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家庭财产状况符合低保规定（R-A1）"

    def formula(household, period, parameters):
        p = parameters(period).assessment.asset
        s = household("dibao_standard_fen", period).astype(I64)
        n = household("n_assessed", period).astype(I64)
        financial = household("financial_fen", period).astype(I64) * 10_000 <= e4(p.financial_months) * s * n
        area = household("floor_area_e2", period).astype(I64)
        small = (area >= 0) * (area * 100 * 10_000 <= e4(p.floor_area_multiple) * e4(p.avg_floor_area) * n)
        return (
            financial
            * (household("vehicles", period) <= int(p.max_vehicles))
            * ((household("dwellings", period) <= int(p.max_dwellings)) + small)
            * np.logical_not(household("business", period))
            * np.logical_not(household("nonresidential", period))
        )


class below_standard(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均月收入低于低保标准（R-D1）"

    def formula(household, period):
        return household("income_assessed_fen", period).astype(I64) < s_n_months(household, period)


class below_marginal(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均月收入低于低保边缘上限（R-M1）"

    def formula(household, period, parameters):
        k = e4(parameters(period).assessment.marginal_income_multiple)
        return household("income_assessed_fen", period).astype(I64) * 10_000 < k * s_n_months(
            household, period
        )


class below_ceiling(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均月收入低于上年度居民人均可支配收入月均（R-R1）"

    def formula(household, period):
        ceiling = (
            household("rigid_ceiling_fen", period).astype(I64)
            * household("n_assessed", period).astype(I64)
            * household("income_months", period).astype(I64)
        )
        return 12 * household("income_assessed_fen", period).astype(I64) < ceiling


class rigid_band(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均月收入在低保边缘上限与居民人均可支配收入月均之间"

    def formula(household, period):
        return np.logical_not(household("below_marginal", period)) * household("below_ceiling", period)


class rigid_expense(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "刚性支出超过家庭12个月收入的规定比例（R-R1）"

    def formula(household, period, parameters):
        share = e4(parameters(period).assessment.rigid_expense_share)
        months = household("income_months", period).astype(I64)
        expense = household("rigid_expense_fen", period).astype(I64)
        return expense * months * 10_000 > share * 12 * household("income_assessed_fen", period).astype(I64)


class age(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "周岁（测算日，生日当天计满）"

    def formula(person, period):
        return (as_of_ymd(period) - person("birth_ymd", period).astype(I64)) // 10_000


class t1(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "无劳动能力（R-T1）"

    def formula(person, period, parameters):
        node = parameters(period).assessment.tekun_disability_max_grade
        max_grade = np.array([0, *[int(node[k]) for k in KINDS]], I64)
        years = person("age", period)
        grade = person("disability_grade", period)
        disabled = (grade > 0) * (grade <= max_grade[person("disability_kind", period)])
        kept = person("current_tekun", period) * ((years < 18) + person("in_school", period))  # R-T4
        return (years >= 60) + (years < 16) + disabled + kept


class own_below_standard(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "本人月收入低于低保标准"

    def formula(person, period):
        return person("own_income_fen", period).astype(I64) < person.household("dibao_standard_fen", period)


class t2(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "无生活来源（R-T2）"

    def formula(person, period):
        return person("own_below_standard", period) * person("own_assets_ok", period)


class t3(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "无法定义务人或义务人无履行能力（R-T3）"

    def formula(person, period):
        return np.logical_not(person("has_capable_supporter", period))


class tekun_ok(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "同时符合 R-T1、R-T2、R-T3"

    def formula(person, period):
        return person("t1", period) * person("t2", period) * person("t3", period)


class tekun_person(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "按人认定为特困人员（R-T4）"

    def formula(person, period):
        return person("tekun_ok", period)


class tekun(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "全体成员均为特困人员，家庭不再按低保认定（R-T4）"

    def formula(household, period):
        return household.all(household.members("tekun_person", period))


class household_category(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "家庭认定类别（R-C2：0 无，1 低保，2 低保边缘，3 刚性支出困难，4 特困）"

    def formula(household, period):
        return np.select(
            [
                household("tekun", period),
                np.logical_not(household("a1", period)),
                household("below_standard", period),
                household("below_marginal", period),
                household("rigid_band", period) * household("rigid_expense", period),
            ],
            [TEKUN, NONE, DIBAO, MARGINAL, RIGID],
            NONE,
        )


class member_household_category(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "所在家庭的认定类别"

    def formula(person, period):
        return person.household("household_category", period)


class severe(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "重度残疾（一、二级，或三级智力/精神残疾）"

    def formula(person, period):
        grade = person("disability_grade", period)
        return (grade > 0) * (grade <= SEVERE_MAX_GRADE[person("disability_kind", period)])


class care_level(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "照料护理等级（R-T5：0 非特困，1 全自理，2 半护理，3 全护理）"

    def formula(person, period):
        adl = person("adl_failed", period)
        level = np.where(adl >= 4, 3, np.where(adl >= 1, 2, 1))
        return np.where(person("tekun_person", period), level, 0)


class single_person_dibao(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "按单人户纳入低保（R-D4 / R-D5）"

    def formula(person, period):
        category = person("member_household_category", period)
        special = person("serious_illness", period) + person("severe", period)
        rest = np.logical_not(person("tekun_person", period))
        d4 = (category == MARGINAL) * rest * special * person("own_below_standard", period)
        d5 = (
            person.household("rigid_band", period)
            * rest
            * (person("age", period) >= 18)
            * np.logical_not(person("employed", period))
            * special
            * person("t2", period)
        )
        return d4 + d5
