"""The department dataset types (exchange contract "Department batch", DOMAIN R-M10) as declarations.

A dataset is its key, a Chinese label, the department(s) that provide it, and its columns. Every
dataset starts with the common columns (``record_id``, ``id_number``, ``name``, ``sex``,
``birth_date``, ``region_code``); the type-specific ones follow. The intake pipeline
(``exchange.intake``) is generic: it validates and loads any dataset from its declaration, so adding
a type is adding an entry to ``DATASETS`` here and nothing else. The catalog sits below the stages of
the monthly pipeline, which all read it (the intake validates with it, the scans read the columns and
labels); it imports none of them (an import-linter contract).

Column rules:

* ``type``: ``str``, ``int``, ``decimal``, ``date``, ``bool``, ``enum``, or ``month`` (``YYYY-MM``).
* ``required``: the value may not be empty (a row without it is rejected); ``header``: the column
  must be in the file (a file without it is refused as a whole). A required value implies a
  required column; ``id_number`` is a required column whose value may be empty.
* ``choices`` (enum): canonical value → Chinese label; the file may give either (case-insensitive).
* ``minimum``/``maximum`` (int, decimal), ``max_length`` (text; any cell over it is "字段过长"),
  ``not_future`` (dates), ``not_before``/``not_above`` (another column of the same row).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from doudi.accounts.models import Department
from doudi.registry.models import SEX_LABELS

TYPES = frozenset({"str", "int", "decimal", "date", "bool", "enum", "month"})
TEXT_MAX = 1000  # any cell longer than this is refused, whatever the column (a 10 MB field included)
DEFAULT_SCALE = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "str"
    required: bool = False
    header: bool | None = None  # None: required → True
    choices: MappingProxyType | None = None
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    max_length: int = TEXT_MAX
    scale: int = DEFAULT_SCALE  # decimal places kept (decimal)
    not_future: bool = False
    not_before: str | None = None
    not_above: str | None = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.key}")
        if (self.type == "enum") != bool(self.choices):
            raise ValueError(f"{self.key}: enum columns (and only they) need choices")

    @property
    def in_header(self) -> bool:
        return self.required if self.header is None else self.header


@dataclass(frozen=True)
class Dataset:
    key: str
    label: str
    providers: tuple[str, ...]  # accounts.models.Department values
    columns: tuple[Column, ...]  # type-specific columns (the common ones are added by ``all_columns``)
    description: str = ""

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return COMMON + self.columns

    def column(self, key: str) -> Column:
        for c in self.all_columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def provider_labels(self) -> str:
        labels = dict(Department.choices)
        return "、".join(labels[p] for p in self.providers)


def _choices(**pairs: str) -> MappingProxyType:
    return MappingProxyType(dict(pairs))


def _money(key: str, label: str, *, required: bool = False, **kw) -> Column:
    return Column(key, label, "decimal", required=required, header=True, minimum=Decimal(0), **kw)


def _date(key: str, label: str, *, required: bool = False, **kw) -> Column:
    return Column(key, label, "date", required=required, header=True, **kw)


COMMON: tuple[Column, ...] = (
    Column("record_id", "记录编号", required=True, max_length=64),
    Column("id_number", "身份证号", header=True, max_length=64),
    Column("name", "姓名", required=True, max_length=64),
    Column("sex", "性别", "enum", choices=_choices(**SEX_LABELS)),
    Column("birth_date", "出生日期", "date", not_future=True),
    Column("region_code", "区划代码", max_length=32),
)
COMMON_KEYS = frozenset(c.key for c in COMMON)
SEX_ALIASES = {"male": "M", "female": "F"}

DISABILITY_KINDS = _choices(
    visual="视力残疾",
    hearing="听力残疾",
    speech="言语残疾",
    physical="肢体残疾",
    intellectual="智力残疾",
    mental="精神残疾",
    multiple="多重残疾",
)
STAGES = _choices(
    preschool="学前教育",
    primary="小学",
    junior="初中",
    senior="高中",
    vocational="中职",
    undergraduate="本专科",
    graduate="研究生",
)
DWELLING_DAMAGE = _choices(none="无损坏", minor="轻微损坏", severe="严重损坏", collapsed="倒塌")
PROPERTY_TYPES = _choices(residential="住宅", commercial="商业用房", other="其他")
REGISTRATION_EVENTS = _choices(
    birth="出生登记", move_in="户籍迁入", move_out="户籍迁出", cancelled="户口注销"
)
MARRIAGE_EVENTS = _choices(married="结婚登记", divorced="离婚登记")

D = Department
_LIST = (
    Dataset(
        "disability",
        "残疾人信息",
        (D.DISABLED,),
        (
            Column("disability_kind", "残疾类别", "enum", required=True, choices=DISABILITY_KINDS),
            Column("disability_grade", "残疾等级", "int", required=True, minimum=1, maximum=4),
            _date("certified_on", "评定日期", not_future=True),
        ),
        "残联：持证残疾人，残疾类别与等级（1 级最重）",
    ),
    Dataset(
        "unemployment",
        "失业登记",
        (D.HRSS,),
        (
            _date("registered_on", "失业登记日期", required=True, not_future=True),
            _date("ended_on", "失业结束日期", not_before="registered_on"),
        ),
        "人社：登记失业人员",
    ),
    Dataset(
        "student",
        "在校学生",
        (D.EDUCATION,),
        (
            Column("stage", "学段", "enum", required=True, choices=STAGES),
            Column("school", "学校", header=True, max_length=200),
            Column("hardship_flag", "家庭经济困难", "bool", header=True),
        ),
        "教育：在校学生及家庭经济困难认定",
    ),
    Dataset(
        "medical_expense",
        "医疗费用",
        (D.MEDICAL_INSURANCE,),
        (
            _date("period_start", "费用起始日期", required=True),
            _date("period_end", "费用截止日期", required=True, not_before="period_start"),
            _money("total_expense", "医疗总费用", required=True),
            _money("out_of_pocket", "个人自付费用", required=True, not_above="total_expense"),
        ),
        "医保：一段期间内的医疗总费用与个人自付",
    ),
    Dataset(
        "serious_illness",
        "重特大疾病",
        (D.HEALTH, D.MEDICAL_INSURANCE),
        (
            Column("diagnosis_code", "诊断编码", required=True, max_length=32),
            _date("diagnosed_on", "确诊日期", required=True, not_future=True),
        ),
        "卫健/医保：重特大疾病诊断（ICD-10 编码）",
    ),
    Dataset(
        "death",
        "死亡信息",
        (D.PUBLIC_SECURITY, D.CIVIL_AFFAIRS),
        (_date("died_on", "死亡日期", required=True, not_future=True),),
        "公安/民政：死亡注销与火化信息",
    ),
    Dataset(
        "disaster",
        "受灾信息",
        (D.EMERGENCY,),
        (
            Column("event", "灾害事件", required=True, max_length=200),
            _date("occurred_on", "发生日期", required=True, not_future=True),
            Column("dwelling_damage", "住房损毁程度", "enum", required=True, choices=DWELLING_DAMAGE),
        ),
        "应急管理：受灾人员与住房损毁",
    ),
    Dataset(
        "vehicle",
        "机动车登记",
        (D.PUBLIC_SECURITY,),
        (
            Column("vehicle_type", "车辆类型", required=True, max_length=64),
            _date("registered_on", "登记日期", not_future=True),
        ),
        "公安交管：名下机动车",
    ),
    Dataset(
        "real_estate",
        "不动产登记",
        (D.NATURAL_RESOURCES, D.HOUSING),
        (
            Column("property_type", "房屋用途", "enum", required=True, choices=PROPERTY_TYPES),
            Column("floor_area", "建筑面积（平方米）", "decimal", required=True, minimum=Decimal(0)),
            _date("registered_on", "登记日期", not_future=True),
        ),
        "自然资源/住建：名下不动产",
    ),
    Dataset(
        "business",
        "市场主体登记",
        (D.MARKET,),
        (
            Column("enterprise_name", "企业名称", required=True, max_length=200),
            _money("registered_capital", "注册资本（万元）"),
            _date("registered_on", "登记日期", not_future=True),
        ),
        "市场监管：投资或经营的市场主体",
    ),
    Dataset(
        "social_insurance",
        "社会保险",
        (D.HRSS,),
        (
            Column("month", "所属月份", "month", required=True),
            _money("contribution_base", "缴费基数"),
            _money("pension_monthly", "月养老金"),
        ),
        "人社：按月的社保缴费基数与养老金",
    ),
    Dataset(
        "fpjc",
        "防返贫监测",
        (D.AGRICULTURE,),
        (
            _date("flagged_on", "纳入监测日期", required=True, not_future=True),
            Column("risk_type", "风险类型", required=True, max_length=64),
        ),
        "农业农村：防止返贫监测对象",
    ),
    Dataset(
        "household_registration",
        "户籍变动",
        (D.PUBLIC_SECURITY,),
        (
            Column("event", "变动类型", "enum", required=True, choices=REGISTRATION_EVENTS),
            _date("event_on", "变动日期", required=True, not_future=True),
            Column("household_number", "户号", header=True, max_length=64),
            Column("to_region_code", "迁往区划代码", header=True, max_length=32),
        ),
        "公安：出生登记、户籍迁入迁出与户口注销",
    ),
    Dataset(
        "marriage",
        "婚姻登记",
        (D.CIVIL_AFFAIRS,),
        (
            Column("event", "登记类型", "enum", required=True, choices=MARRIAGE_EVENTS),
            _date("event_on", "登记日期", required=True, not_future=True),
            Column("spouse_id_number", "配偶身份证号", header=True, max_length=64),
            Column("spouse_name", "配偶姓名", header=True, max_length=64),
        ),
        "民政：结婚与离婚登记",
    ),
    Dataset(
        "public_payroll",
        "财政供养人员工资",
        (D.FINANCE, D.HRSS),
        (
            Column("employer", "工作单位", required=True, max_length=200),
            Column("month", "所属月份", "month", required=True),
            _money("gross_pay", "应发工资", required=True),
        ),
        "财政/人社：由财政资金发放工资的机关事业单位人员",
    ),
)

DATASETS: MappingProxyType = MappingProxyType({d.key: d for d in _LIST})
DATASET_CHOICES = [(d.key, d.label) for d in _LIST]


def get(key: str) -> Dataset | None:
    return DATASETS.get((key or "").strip().lower())


def for_department(department: str) -> list[Dataset]:
    """The datasets a department may send."""
    return [d for d in _LIST if department in d.providers]


def department_code(text: str) -> str | None:
    """A department from its code or Chinese label (``hrss`` / ``人力资源和社会保障`` / ``人社``)."""
    text = (text or "").strip()
    short = {"人社": D.HRSS, "卫健": D.HEALTH, "医保": D.MEDICAL_INSURANCE, "应急": D.EMERGENCY,
             "住建": D.HOUSING, "农业农村": D.AGRICULTURE, "市场监管": D.MARKET, "公安": D.PUBLIC_SECURITY,
             "公安交管": D.PUBLIC_SECURITY, "自然资源": D.NATURAL_RESOURCES}  # fmt: skip
    if text.lower() in Department.values:
        return text.lower()
    for value, label in Department.choices:
        if text == label:
            return value
    return short.get(text)


def _check() -> None:
    for d in _LIST:
        keys = [c.key for c in d.all_columns]
        assert len(keys) == len(set(keys)), d.key
        assert d.providers and all(p in Department.values for p in d.providers), d.key
        for c in d.all_columns:
            for other in (c.not_before, c.not_above):
                assert other is None or other in keys, (d.key, c.key, other)


_check()
