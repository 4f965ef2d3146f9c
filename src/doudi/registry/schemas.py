"""Input and output shapes of the registry API, one ``XxxIn``/``XxxOut`` per endpoint.

Identity numbers appear only masked; the full number has its own audited endpoint. Sensitive facts
(health, disability, income, address, identity) are listed without their value (R-S5).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import BeforeValidator, model_validator

from doudi.registry.models import AreaType, Category

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REGION = re.compile(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}")


def _iso_date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"日期格式应为 YYYY-MM-DD 且为有效日期（收到“{text[:20]}”）")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _region_code(value: Any) -> Any:
    text = "" if value is None else str(value).strip()
    if text and not _REGION.fullmatch(text):
        raise ValueError("区划代码应为2、4、6、9或12位数字")
    return text


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
OptCategory = Annotated[Category | None, BeforeValidator(_blank_to_none)]
OptAreaType = Annotated[AreaType | None, BeforeValidator(_blank_to_none)]
RegionPrefix = Annotated[str, BeforeValidator(_region_code)]
MAX_OFFSET = 2**62  # offset + limit stays a database integer (beyond 2**63-1 the query fails)
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="每页条数，最多200")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数")]


# ---- shared pieces ----------------------------------------------------------------------------


class CategoryOut(Schema):
    category: str = Field(description="类别代码，如 DIBAO")
    label: str
    since: dt.date
    until: dt.date | None = None


class FactOut(Schema):
    kind: str
    kind_label: str
    value: Any = Field(None, description="敏感事实不返回取值（为 null）")
    sensitive: bool
    source: str
    source_label: str
    source_ref: str
    valid_from: dt.date
    valid_to: dt.date | None = None


# ---- GET /households ----------------------------------------------------------------------------


class HouseholdListIn(Schema):
    name: str = Field(
        "", max_length=64, description="成员姓名：匹配开头；限定到县级及以下区划时也匹配其中任意几个字"
    )
    household_key: str = Field("", max_length=64, description="户编号：匹配开头（县级及以下也匹配任意部分）")
    id_number: str = Field("", max_length=32, description="成员身份证号（精确匹配，15位旧号亦可）")
    region: RegionPrefix = Field("", description="区划代码，限定其下级范围")
    category: OptCategory = Field(None, description="当前救助类别")
    area_type: OptAreaType = Field(None, description="城乡类别")
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class HouseholdListItemOut(Schema):
    id: int
    household_key: str
    region_code: str
    region_name: str
    area_type: str
    area_type_label: str
    head_name: str | None
    member_count: int
    categories: list[str] = Field(description="成员当前所属类别（去重）")


class HouseholdListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[HouseholdListItemOut]


# ---- GET /households/{id} -----------------------------------------------------------------------


class HouseholdDetailIn(Schema):
    as_of: IsoDate = Field(None, description="查询日期 YYYY-MM-DD，默认今天")


class MemberOut(Schema):
    person_id: int
    person_key: str
    name: str
    relation: str
    relation_label: str
    member_since: dt.date
    sex: str
    birth_date: dt.date | None
    age: int | None
    id_masked: str
    id_status: str
    id_status_label: str
    categories: list[CategoryOut]
    facts: list[FactOut]


class HouseholdDetailOut(Schema):
    id: int
    household_key: str
    region_code: str
    region_name: str
    area_type: str
    area_type_label: str
    as_of: dt.date
    current_category: str | None
    members: list[MemberOut]
    facts: list[FactOut]


# ---- GET /persons, GET /persons/{id} -----------------------------------------------------------


class PersonLookupIn(Schema):
    id_number: str = Field("", max_length=32, description="身份证号（精确匹配）")
    name: str = Field("", max_length=64, description="姓名（精确匹配）")
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class PersonOut(Schema):
    id: int
    person_key: str
    name: str
    sex: str
    birth_date: dt.date | None
    age: int | None
    id_masked: str
    id_status: str
    id_status_label: str
    id_problem: str = Field(description="身份证号问题说明（有效则为空）")
    region_code: str
    region_name: str
    household_id: int | None
    household_key: str | None
    relation: str
    relation_label: str
    categories: list[CategoryOut] = Field(description="当前类别")


class PersonListOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PersonDetailOut(PersonOut):
    facts: list[FactOut] = Field(description="当前有效的个人事实")


# ---- POST /persons/{id}/reveal-id ---------------------------------------------------------------


class RevealIdOut(Schema):
    person_id: int
    id_number: str
    id_masked: str


# ---- GET /stats/categories ----------------------------------------------------------------------


class CategoryStatsIn(Schema):
    as_of: IsoDate = Field(None, description="统计日期 YYYY-MM-DD，默认今天")


class CategoryCountOut(Schema):
    category: str
    category_label: str
    area_type: str
    area_type_label: str
    households: int
    persons: int


class TotalsOut(Schema):
    households: int
    persons: int


class CategoryStatsOut(Schema):
    as_of: dt.date
    scope_region_code: str
    rows: list[CategoryCountOut]
    totals: TotalsOut


# ---- registration at the window (POST /households, /households/{id}/supporters) ----------------


def _as_text(value: Any) -> Any:
    """Scalars as text: the registration action checks each value and names the row it is on."""
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        return value  # left to fail the str check
    return str(value)


Text = Annotated[str, BeforeValidator(_as_text)]


class MemberIn(Schema):
    """A member: the roster contract's member fields, plus ``phone``."""

    name: Text = Field("", description="姓名")
    id_number: Text = Field("", description="身份证号（18位或15位旧号；可为空，此时须填出生日期）")
    relation: Text = Field("", description="与户主关系：head/spouse/child/parent/…（或 户主/配偶/子女…）")
    sex: Text = Field("", description="M/F 或 男/女；为空时取自身份证号")
    birth_date: Text = Field("", description="YYYY-MM-DD；为空时取自身份证号")
    phone: Text = Field("", description="联系电话")
    person_key: Text = Field("", description="人员编号；为空时自动生成")
    region_code: Text = Field("", description="可省略；填写时须与本户一致")
    area_type: Text = Field("", description="可省略；填写时须与本户一致")
    category: Text = Field("", description="新登记家庭不可填写")
    since: Text = Field("", description="新登记家庭不可填写")


class HouseholdRegisterIn(Schema):
    """A new household. The body may also be wrapped as ``{"household": {...}}`` (the applications
    contract's shape)."""

    region_code: Text = Field(
        ..., description="户籍所在乡镇（街道）或村（社区）的9位或12位代码，须在本辖区内"
    )
    area_type: Text = Field(..., description="urban/rural（或 城市/农村）")
    address: Text = Field("", description="家庭住址（加密保存）")
    on: Text = Field("", description="登记日期 YYYY-MM-DD，默认今天，不能晚于今天")
    household_key: Text = Field("", description="户编号；为空时自动生成（W+区划代码+序号）")
    members: list[MemberIn] = Field(..., description="家庭成员，须有且只有一位户主")

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        data = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps the body first
        if isinstance(data, dict) and isinstance(data.get("household"), dict) and "members" not in data:
            return data["household"]
        return data


class HouseholdRegisterOut(Schema):
    id: int
    household_key: str


class SupporterIn(Schema):
    person_id: int = Field(..., description="被赡养（抚养、扶养）的本户成员的人员ID")
    name: Text = Field(..., description="义务人姓名")
    id_number: Text = Field(..., description="义务人身份证号")
    relation: Text = Field(
        ..., description="义务人是该成员的：spouse/parent/child/grandparent/grandchild/sibling"
    )
    address: Text = Field("", description="义务人住址（加密保存）")
    phone: Text = Field("", description="联系电话（加密保存）")
    incapacity: Text = Field("", description="无履行能力情形：no_civil_capacity/missing/prison，空为无")
    on: Text = Field("", description="起始日期 YYYY-MM-DD，默认今天")


class SupporterEndIn(Schema):
    on: Text = Field("", description="终止日期 YYYY-MM-DD，默认今天")


class SupporterOut(Schema):
    id: int
    person_id: int
    supporter_id: int
    supporter_key: str
    name: str
    id_masked: str
    relation: str
    relation_label: str
    incapacity: str
    lives_in_household: bool
    valid_from: dt.date
    valid_to: dt.date | None
