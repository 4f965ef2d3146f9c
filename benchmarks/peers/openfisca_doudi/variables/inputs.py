"""Input variables: the columns of Doudi's assessment tables (money in fen, dates as yyyymmdd)."""

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import ETERNITY, MONTH
from openfisca_core.variables import Variable

from openfisca_doudi.entities import Household, Person
from openfisca_doudi.enums import AreaType, ParamRegion


class area_type(Variable):
    value_type = Enum
    possible_values = AreaType
    default_value = AreaType.urban
    entity = Household
    definition_period = MONTH
    label = "城乡类别"


class param_region(Variable):
    value_type = Enum
    possible_values = ParamRegion
    default_value = ParamRegion.province
    entity = Household
    definition_period = MONTH
    label = "参数适用地区"


class income_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "家庭收入（分），income_months 个月合计"


class income_months(Variable):
    value_type = int
    default_value = 12
    entity = Household
    definition_period = MONTH
    label = "收入计算月数"


class rigid_expense_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "近12个月刚性支出（分）"


class financial_fen(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "家庭金融资产（分）"


class vehicles(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "非豁免机动车（辆）"


class dwellings(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "住房（套）"


class business(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "有登记注册企业"


class nonresidential(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "有非住宅类房产"


class birth_ymd(Variable):
    value_type = int
    entity = Person
    definition_period = ETERNITY
    label = "出生日期 yyyymmdd"


class disability_kind(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "残疾类别代码（0 无；1 视力 2 听力 3 言语 4 肢体 5 智力 6 精神 7 多重）"


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "残疾等级（0 无，1–4）"


class serious_illness(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "重病"


class employed(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "就业"


class adl_failed(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "6项日常生活活动中不能自理的项数"


class own_income_fen(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "本人月收入（分）"


class own_assets_ok(Variable):
    value_type = bool
    default_value = True
    entity = Person
    definition_period = MONTH
    label = "本人财产符合规定"


class has_capable_supporter(Variable):
    value_type = bool
    default_value = True
    entity = Person
    definition_period = MONTH
    label = "有具备履行能力的法定赡养、抚养、扶养义务人"


class in_school(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "在校就读"


class current_tekun(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "当前已认定为特困人员（契约第2版 current；R-T4 未成年人延续）"


class floor_area_e2(Variable):
    value_type = int
    default_value = -1
    entity = Household
    definition_period = MONTH
    label = "全部住房建筑面积（平方米 × 100；-1 为未登记，R-A1）"
