"""Benefits (DOMAIN §6): R-B1 household differential, R-B2 top-ups, R-B3 TEKUN basic living and care,
R-B4 single-person dibao, each line rounded half-up to the yuan (R-B5)."""

import numpy as np
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from openfisca_doudi.arithmetic import DIBAO, I64, differential, e4, round_div
from openfisca_doudi.entities import Household, Person
from openfisca_doudi.variables.classification import s_n_months


class b1(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "低保差额 (S − p)·n（R-B1）"

    def formula(household, period):
        num = s_n_months(household, period) - household("income_assessed_fen", period).astype(I64)
        amount = differential(num, household("income_months", period).astype(I64) * 100)
        return np.where(household("household_category", period) == DIBAO, amount, 0)


class b2(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "重点对象增发（R-B2）"

    def formula(person, period, parameters):
        p = parameters(period).assessment.topup
        years = person("age", period)
        shares = [
            np.where(person("serious_illness", period), e4(p.serious_illness), 0),
            np.where(person("severe", period), e4(p.severe_disability), 0),
            np.where(years >= 70, e4(p.elderly_70), 0),
            np.where(years < 18, e4(p.minor), 0),
        ]
        share = (sum(shares) if bool(p.combination_sum) else np.maximum.reduce(shares)).astype(I64)
        household_dibao = (person("member_household_category", period) == DIBAO) * np.logical_not(
            person("tekun_person", period)
        )
        member = household_dibao + person("single_person_dibao", period)
        s = person.household("dibao_standard_fen", period).astype(I64)
        return np.where(member * (share > 0), round_div(share * s, 1_000_000), 0)


class b3_basic(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困基本生活标准（R-B3）"

    def formula(person, period, parameters):
        multiple = e4(parameters(period).assessment.tekun_basic_multiple)
        s = person.household("dibao_standard_fen", period).astype(I64)
        is_tekun = person("tekun_person", period)
        return np.where(is_tekun, round_div(multiple * s, 1_000_000), 0)


class b3_care(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "特困照料护理标准（R-B3）"

    def formula(person, period, parameters):
        node = parameters(period).assessment.tekun_care_share
        shares = np.array([0, e4(node.self), e4(node.partial), e4(node.full)], I64)
        wage = person.household("min_wage_fen", period).astype(I64)
        level = person("care_level", period)
        return np.where(level > 0, round_div(shares[level] * wage, 1_000_000), 0)


class b4(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "单人户低保差额 S − 本人月收入（R-B4）"

    def formula(person, period):
        s = person.household("dibao_standard_fen", period).astype(I64)
        own = person("own_income_fen", period).astype(I64)
        return np.where(person("single_person_dibao", period), differential(s - own, 100), 0)


class member_total(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "成员待遇合计"

    def formula(person, period):
        return (
            person("b2", period)
            + person("b3_basic", period)
            + person("b3_care", period)
            + person("b4", period)
        )


class monthly_total(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "每月待遇合计（元）"

    def formula(household, period):
        members = household.sum(household.members("member_total", period))
        return household("b1", period).astype(I64) + np.round(members).astype(I64)
