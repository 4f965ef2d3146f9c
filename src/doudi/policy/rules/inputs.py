"""Parse and validate the assessment contract's input into typed, frozen values.

Strict on purpose ("unknown inputs are errors, never silent zeros"):

* every object accepts only the contract's keys — an unknown key anywhere (top level, ``parameters``,
  ``household``, ``assets``, ``rigid_expenditure_12m``, a member, ``disability``) is an error;
* numbers must be JSON numbers (``int``/``float``/``Decimal``; not strings, not booleans), finite and ≥ 0;
  money has at most two decimals and is at most 10^9 yuan; booleans must be booleans;
* an explicit ``null`` is accepted only where the contract allows it (``parameters``, ``existing``,
  ``rigid_expenditure_12m``, ``assets``, ``disability``, and the optional member texts ``id_number``,
  ``name``, ``relation``, ``birth_date``); a ``null`` boolean or number is an error, not a default;
* a given ``id_number`` must be valid (R-H1, via ``doudi.core.idnumber``); ``birth_date`` is required
  unless a valid ``id_number`` gives it, and a recorded ``birth_date`` wins over the number's;
* ``region`` must be a 6- or 12-digit code. Whether it EXISTS is not knowable here: pass
  ``region_exists`` (the Django caller does, from its region tree); without it only the format is
  checked, and a region outside the parameter table fails later with path ``region``.

Every error is an ``AssessmentInputError(message, path)`` with a JSON path such as
``household.members[1].birth_date``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from doudi.core import idnumber
from doudi.policy.rules import codes
from doudi.policy.rules.baseline import normalize_region_code
from doudi.policy.rules.money import MAX_MONEY_YUAN, decimal_places
from doudi.policy.rules.params import ENUM, FLAT_OVERRIDES, SPECS, ParameterError, canonical_key, parse_value

MAX_MEMBERS = 99
MAX_INCOME_MONTHS = 120
MAX_COUNT = 1000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TOP_KEYS = ("as_of", "region", "area_type", "parameters", "household")
HOUSEHOLD_KEYS = ("income_total", "income_months", "rigid_expenditure_12m", "assets", "existing", "members")
RIGID_KINDS = ("medical", "education", "housing", "care")
ASSET_KEYS = ("financial", "vehicles", "dwellings", "business", "nonresidential_property", "floor_area")
MEMBER_KEYS = (
    "id",
    "id_number",
    "name",
    "birth_date",
    "relation",
    "disability",
    "serious_illness",
    "employed",
    "in_school",
    "adl_failed",
    "own_income_monthly",
    "own_assets_ok",
    "has_capable_supporter",
    "current",  # contract version 2
)


class AssessmentInputError(ValueError):
    """Invalid assessment input; ``path`` is a JSON path into the input (``""`` for the whole input)."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path
        self.index: int | None = None  # position in a batch (assess_many), when raised there

    def as_dict(self) -> dict[str, object]:
        """The contract's error shape."""
        return {"error": self.message, "path": self.path}


@dataclass(frozen=True, slots=True)
class Disability:
    kind: str
    grade: int


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    birth_date: dt.date
    id_number: str | None = None  # normalized 18 characters when given
    name: str | None = None
    relation: str | None = None
    disability: Disability | None = None
    serious_illness: bool = False
    employed: bool = False
    in_school: bool = False
    adl_failed: int = 0
    own_income_monthly: Decimal = Decimal(0)
    own_assets_ok: bool = True
    has_capable_supporter: bool = True
    current: tuple[str, ...] = ()  # categories held now (version 2; R-T4 reads TEKUN)


@dataclass(frozen=True, slots=True)
class Assets:
    financial: Decimal = Decimal(0)
    vehicles: int = 0
    dwellings: int = 0
    business: bool = False
    nonresidential_property: bool = False
    floor_area: Decimal | None = None  # m², all dwellings together (R-A1 alternative); None = not known


@dataclass(frozen=True, slots=True)
class RigidExpenditure:
    medical: Decimal = Decimal(0)
    education: Decimal = Decimal(0)
    housing: Decimal = Decimal(0)
    care: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.medical + self.education + self.housing + self.care


@dataclass(frozen=True, slots=True)
class Household:
    income_total: Decimal
    income_months: int
    rigid_expenditure: RigidExpenditure
    assets: Assets
    existing: tuple[str, ...]
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    as_of: dt.date
    region: str  # as given
    region_code: str  # 12 digits
    area_type: str
    overrides: tuple[tuple[str, Decimal | str], ...]  # flat contract keys, sorted
    household: Household


# --- primitive readers ---------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _object(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise AssessmentInputError("应为对象", path)
    return value


def _only(obj: Mapping[str, object], allowed: tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in allowed:
            raise AssessmentInputError(f"未知字段 {key}", _join(path, str(key)))


def _required(obj: Mapping[str, object], key: str, path: str) -> object:
    if obj.get(key) is None:
        raise AssessmentInputError("缺少必填字段", _join(path, key))
    return obj[key]


def _number(value: object, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise AssessmentInputError("应为数值", path)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise AssessmentInputError("应为有限数值", path)
    if number < 0:
        raise AssessmentInputError("不能为负数", path)
    return number


def _money(value: object, path: str) -> Decimal:
    number = _number(value, path)
    if decimal_places(number) > 2:
        raise AssessmentInputError("金额最多两位小数", path)
    if number > MAX_MONEY_YUAN:
        raise AssessmentInputError(f"金额不能超过 {MAX_MONEY_YUAN} 元", path)
    return number


def _area(value: object, path: str) -> Decimal:
    """Floor area in m² (R-A1): at most two decimals and 10^9."""
    number = _number(value, path)
    if decimal_places(number) > 2 or number > MAX_MONEY_YUAN:
        raise AssessmentInputError(f"住房面积最多两位小数且不超过 {MAX_MONEY_YUAN} 平方米", path)
    return number


def _integer(value: object, path: str, low: int, high: int) -> int:
    number = _number(value, path)
    if number != number.to_integral_value():
        raise AssessmentInputError("应为整数", path)
    if not low <= number <= high:
        raise AssessmentInputError(f"应在 {low} 到 {high} 之间", path)
    return int(number)


def _boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise AssessmentInputError("应为布尔值 true/false", path)
    return value


def _text(value: object, path: str, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise AssessmentInputError(f"应为非空文本（不超过 {max_len} 字）", path)
    return value


def _date(value: object, path: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise AssessmentInputError("日期格式应为 YYYY-MM-DD", path)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise AssessmentInputError("日期无效", path) from None


def _choice(value: object, choices: tuple[str, ...], path: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise AssessmentInputError(f"取值应为 {'、'.join(choices)} 之一", path)
    return value


def _optional(obj: Mapping[str, object], key: str, default, read, path: str, *args):
    value = obj.get(key)
    if key not in obj:
        return default
    if value is None:
        raise AssessmentInputError("不能为 null", _join(path, key))
    return read(value, _join(path, key), *args)


# --- structure -----------------------------------------------------------------------------------


def parse_input(data: object, *, region_exists: Callable[[str], bool] | None = None) -> AssessmentInput:
    """Validate one contract input; raises ``AssessmentInputError`` with the path of the first problem."""
    top = _object(data, "")
    _only(top, TOP_KEYS, "")
    as_of = _date(_required(top, "as_of", ""), "as_of")
    region = _required(top, "region", "")
    if not isinstance(region, str):
        raise AssessmentInputError("应为6位或12位行政区划代码文本", "region")
    try:
        region_code = normalize_region_code(region)
    except ValueError:
        raise AssessmentInputError("行政区划代码应为6位（县级）或12位数字", "region") from None
    if region_exists is not None and not region_exists(region_code):
        raise AssessmentInputError(f"未知的行政区划代码 {region}", "region")
    area_type = _choice(_required(top, "area_type", ""), codes.AREA_TYPES, "area_type")
    overrides = _parse_overrides(top.get("parameters"), area_type)
    household = _parse_household(_required(top, "household", ""), as_of)
    return AssessmentInput(as_of, region, region_code, area_type, overrides, household)


def _parse_overrides(value: object, area_type: str) -> tuple[tuple[str, Decimal | str], ...]:
    if value is None:
        return ()
    obj = _object(value, "parameters")
    parsed: dict[str, Decimal | str] = {}
    for flat, raw in obj.items():
        path = f"parameters.{flat}"
        if flat not in FLAT_OVERRIDES:
            raise AssessmentInputError(f"未知参数 {flat}", path)
        key = canonical_key(str(flat), area_type)
        if SPECS[key].kind != ENUM:
            _number(raw, path)  # a JSON number, not text
        try:
            parsed[str(flat)] = parse_value(key, raw)
        except ParameterError as exc:
            raise AssessmentInputError(exc.message, path) from None
    both = "dibao_standard" in parsed and "dibao_standard_urban" in parsed
    if area_type == "urban" and both and parsed["dibao_standard"] != parsed["dibao_standard_urban"]:
        raise AssessmentInputError(
            "与 dibao_standard 矛盾（城市家庭两者应相同）", "parameters.dibao_standard_urban"
        )
    return tuple(sorted(parsed.items()))


def _parse_household(value: object, as_of: dt.date) -> Household:
    path = "household"
    obj = _object(value, path)
    _only(obj, HOUSEHOLD_KEYS, path)
    income = _money(_required(obj, "income_total", path), f"{path}.income_total")
    months = _optional(obj, "income_months", 12, _integer, path, 1, MAX_INCOME_MONTHS)
    rigid = _parse_rigid(obj.get("rigid_expenditure_12m"), f"{path}.rigid_expenditure_12m")
    assets = _parse_assets(obj.get("assets"), f"{path}.assets")
    existing = _parse_existing(obj.get("existing"), f"{path}.existing")
    raw_members = _required(obj, "members", path)
    if not isinstance(raw_members, list) or not raw_members:
        raise AssessmentInputError("应为至少包含一名成员的数组", f"{path}.members")
    if len(raw_members) > MAX_MEMBERS:
        raise AssessmentInputError(f"成员不能超过 {MAX_MEMBERS} 人", f"{path}.members")
    members: list[Member] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_members):
        member = _parse_member(raw, f"{path}.members[{i}]", as_of)
        if member.id in seen:
            raise AssessmentInputError(f"成员 id 重复：{member.id}", f"{path}.members[{i}].id")
        seen.add(member.id)
        members.append(member)
    return Household(income, months, rigid, assets, existing, tuple(members))


def _parse_rigid(value: object, path: str) -> RigidExpenditure:
    if value is None:
        return RigidExpenditure()
    obj = _object(value, path)
    _only(obj, RIGID_KINDS, path)
    return RigidExpenditure(**{k: _optional(obj, k, Decimal(0), _money, path) for k in RIGID_KINDS})


def _parse_assets(value: object, path: str) -> Assets:
    if value is None:
        return Assets()
    obj = _object(value, path)
    _only(obj, ASSET_KEYS, path)
    return Assets(
        financial=_optional(obj, "financial", Decimal(0), _money, path),
        vehicles=_optional(obj, "vehicles", 0, _integer, path, 0, MAX_COUNT),
        dwellings=_optional(obj, "dwellings", 0, _integer, path, 0, MAX_COUNT),
        business=_optional(obj, "business", False, _boolean, path),
        nonresidential_property=_optional(obj, "nonresidential_property", False, _boolean, path),
        floor_area=_optional(obj, "floor_area", None, _area, path),
    )


def _parse_current(value: object, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise AssessmentInputError("应为数组", path)
    out = {_choice(item, codes.CATEGORIES, f"{path}[{i}]") for i, item in enumerate(value)}
    return tuple(c for c in codes.CATEGORIES if c in out)


def _parse_existing(value: object, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise AssessmentInputError("应为数组", path)
    out: list[str] = []
    for i, item in enumerate(value):
        category = _choice(item, codes.EXISTING_CARRIED, f"{path}[{i}]")
        if category not in out:
            out.append(category)
    return tuple(c for c in codes.EXISTING_CARRIED if c in out)


def _parse_member(value: object, path: str, as_of: dt.date) -> Member:
    obj = _object(value, path)
    _only(obj, MEMBER_KEYS, path)
    member_id = _text(_required(obj, "id", path), f"{path}.id", 64)
    id_number = born_from_id = None
    if obj.get("id_number") is not None:
        raw = obj["id_number"]
        if not isinstance(raw, str):
            raise AssessmentInputError("身份证号应为文本", f"{path}.id_number")
        check = idnumber.validate(raw, today=as_of)
        if not check.valid:
            raise AssessmentInputError(check.problem_zh or "身份证号无效", f"{path}.id_number")
        id_number, born_from_id = check.normalized, check.birth_date
    if obj.get("birth_date") is not None:
        birth = _date(obj["birth_date"], f"{path}.birth_date")
    elif born_from_id is not None:
        birth = born_from_id
    else:
        raise AssessmentInputError("缺少出生日期（且未提供有效身份证号）", f"{path}.birth_date")
    if birth > as_of:
        raise AssessmentInputError("出生日期晚于认定日期", f"{path}.birth_date")
    name = _text(obj["name"], f"{path}.name") if obj.get("name") is not None else None
    relation = None
    if obj.get("relation") is not None:
        relation = _choice(obj["relation"], codes.RELATIONS, f"{path}.relation")
    return Member(
        id=member_id,
        birth_date=birth,
        id_number=id_number,
        name=name,
        relation=relation,
        disability=_parse_disability(obj.get("disability"), f"{path}.disability"),
        serious_illness=_optional(obj, "serious_illness", False, _boolean, path),
        employed=_optional(obj, "employed", False, _boolean, path),
        in_school=_optional(obj, "in_school", False, _boolean, path),
        adl_failed=_optional(obj, "adl_failed", 0, _integer, path, 0, codes.ADL_COUNT),
        own_income_monthly=_optional(obj, "own_income_monthly", Decimal(0), _money, path),
        own_assets_ok=_optional(obj, "own_assets_ok", True, _boolean, path),
        has_capable_supporter=_optional(obj, "has_capable_supporter", True, _boolean, path),
        current=_optional(obj, "current", (), _parse_current, path),
    )


def _parse_disability(value: object, path: str) -> Disability | None:
    if value is None:
        return None
    obj = _object(value, path)
    _only(obj, ("kind", "grade"), path)
    kind = _choice(_required(obj, "kind", path), tuple(codes.DISABILITY_KINDS), f"{path}.kind")
    grade = _integer(_required(obj, "grade", path), f"{path}.grade", 1, 4)
    return Disability(kind, grade)
