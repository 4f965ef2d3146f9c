"""The assessment contract input of a registry household as of a date, with the provenance of every input.

``contract_input_for(household, as_of)`` reads ``registry.queries.household_as_of`` (members, their
dated facts and categories, the household's facts as they stood on the date) and returns
``(input_dict, provenance)``. Provenance lists, for each input, the fact it came from (id, kind,
source, source reference, valid-from date); an input with no fact on the date takes the contract's
default and is listed as "未登记（按默认值）" so the caseworker sees what was assumed. The household
income has no default: without an income fact on the date the household cannot be assessed.

Members are identified by their person key; identity numbers are not copied into the input (the
registry's birth date is used), so a stored snapshot holds no identity number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from doudi.policy import supporters
from doudi.registry import queries
from doudi.registry.models import Household, HouseholdFactKind, PersonFactKind, Source

DEFAULT_NOTE = "未登记（按默认值）"
SOURCE_LABELS = dict(Source.choices)
RIGID_KINDS = ("medical", "education", "housing", "care")
ASSET_KEYS = ("financial", "vehicles", "dwellings", "business", "nonresidential_property", "floor_area")
CATEGORY_ORDER = ("DIBAO", "TEKUN", "FPJC", "MARGINAL", "RIGID", "OTHER")  # R-C1, as ``current`` lists them

# member input → (person fact kind, reader of the fact value, contract default)
_MEMBER_FACTS: tuple[tuple[str, str, str, Any], ...] = (
    ("disability", PersonFactKind.DISABILITY, "disability", None),
    ("serious_illness", PersonFactKind.SERIOUS_ILLNESS, "flag", False),
    ("employed", PersonFactKind.EMPLOYMENT, "employed", False),
    ("in_school", PersonFactKind.SCHOOLING, "in_school", False),
    ("adl_failed", PersonFactKind.ADL, "failed", 0),
    ("own_income_monthly", PersonFactKind.OWN_INCOME, "monthly", 0),
    ("own_assets_ok", PersonFactKind.OWN_ASSETS, "ok", True),
    ("has_capable_supporter", PersonFactKind.SUPPORTER, "has_capable_supporter", True),
)
INPUT_LABELS = {
    "region": "所属区划",
    "area_type": "城乡类别",
    "household.income_total": "家庭收入",
    "household.income_months": "收入计算月数",
    "household.rigid_expenditure_12m": "刚性支出",
    "household.assets": "家庭财产",
    "household.existing": "已有其他类别",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "disability": "残疾",
    "serious_illness": "重病",
    "employed": "就业",
    "in_school": "在学",
    "adl_failed": "生活自理能力",
    "own_income_monthly": "个人收入",
    "own_assets_ok": "个人财产",
    "has_capable_supporter": "赡养抚养扶养",
    "current": "当前救助类别",
}


class SnapshotError(ValueError):
    """The household cannot be turned into an assessment input (Chinese message for the caseworker)."""


def _number(value: Any) -> Any:
    """A JSON number for a fact value recorded as a number or numeric text (bool and junk pass through,
    so the contract parser names the bad input)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value
    if not d.is_finite():
        return value
    return int(d) if d == d.to_integral_value() else float(d)


def _flag(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _from_fact(fact, input_path: str, member: str | None = None) -> dict[str, Any]:
    return {
        "input": input_path,
        "label": INPUT_LABELS.get(input_path.rsplit(".", 1)[-1], INPUT_LABELS.get(input_path, input_path)),
        "member": member,
        "kind": fact.kind,
        "fact_id": fact.pk,
        "source": fact.source,
        "source_label": SOURCE_LABELS.get(fact.source, fact.source),
        "source_ref": fact.source_ref,
        "valid_from": fact.valid_from.isoformat(),
        "note": "",
    }


def _defaulted(input_path: str, kind: str, default: Any, member: str | None = None) -> dict[str, Any]:
    return {
        "input": input_path,
        "label": INPUT_LABELS.get(input_path.rsplit(".", 1)[-1], INPUT_LABELS.get(input_path, input_path)),
        "member": member,
        "kind": kind,
        "fact_id": None,
        "source": None,
        "source_label": "",
        "source_ref": "",
        "valid_from": None,
        "note": DEFAULT_NOTE,
        "default": default,
    }


def _member_value(field: str, reader: str, data: Any) -> Any:
    data = data if isinstance(data, dict) else {}
    if field == "disability":
        if not data or data.get("kind") in (None, "", "none"):
            return None
        return {"kind": data.get("kind"), "grade": _number(data.get("grade"))}
    value = data.get(reader)
    if field in ("adl_failed", "own_income_monthly"):
        return _number(value)
    return _flag(value)


def contract_input_for(household: Household, as_of: dt.date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``(input_dict, provenance)`` for ``household`` as it stood on ``as_of`` (scoped reads).

    Raises ``SnapshotError`` when the household has no members or no income on the date, or a member
    has no birth date."""
    snap = queries.household_as_of(household, as_of)
    if not snap.members:
        raise SnapshotError(f"截至 {as_of:%Y-%m-%d} 该家庭没有在册成员，无法认定")
    provenance: list[dict[str, Any]] = []

    region, area_type = household.region_code, household.area_type
    location = snap.facts.get(HouseholdFactKind.LOCATION)
    if location is not None:
        loc = location.data() or {}
        region = str(loc.get("region_code") or region)
        area_type = str(loc.get("area_type") or area_type)
        provenance.append(_from_fact(location, "region"))
        provenance.append(_from_fact(location, "area_type"))
    else:
        for path in ("region", "area_type"):
            entry = _defaulted(path, HouseholdFactKind.LOCATION, None)
            entry["note"] = "未登记户籍与城乡类别，按家庭当前登记"
            provenance.append(entry)

    income = snap.facts.get(HouseholdFactKind.INCOME)
    if income is None:
        raise SnapshotError(f"截至 {as_of:%Y-%m-%d} 该家庭未登记家庭收入，无法认定；请先登记家庭收入")
    income_data = income.data() or {}
    hh: dict[str, Any] = {
        "income_total": _number(income_data.get("total")),
        "income_months": _number(income_data.get("months", 12)),
    }
    provenance.append(_from_fact(income, "household.income_total"))
    provenance.append(_from_fact(income, "household.income_months"))

    rigid = snap.facts.get(HouseholdFactKind.RIGID_EXPENDITURE)
    if rigid is not None:
        data = rigid.data() or {}
        hh["rigid_expenditure_12m"] = {k: _number(data[k]) for k in RIGID_KINDS if data.get(k) is not None}
        provenance.append(_from_fact(rigid, "household.rigid_expenditure_12m"))
    else:
        hh["rigid_expenditure_12m"] = {}
        provenance.append(
            _defaulted("household.rigid_expenditure_12m", HouseholdFactKind.RIGID_EXPENDITURE, {})
        )

    assets = snap.facts.get(HouseholdFactKind.ASSETS)
    if assets is not None:
        data = assets.data() or {}
        hh["assets"] = {
            k: (_flag(data[k]) if k in ("business", "nonresidential_property") else _number(data[k]))
            for k in ASSET_KEYS
            if data.get(k) is not None
        }
        provenance.append(_from_fact(assets, "household.assets"))
    else:
        hh["assets"] = {}
        provenance.append(_defaulted("household.assets", HouseholdFactKind.ASSETS, {}))

    existing = sorted({c.category for c in snap.categories if c.category in ("FPJC", "OTHER")})
    hh["existing"] = existing
    for c in snap.categories:
        if c.category in existing:
            provenance.append(
                {
                    "input": "household.existing",
                    "label": INPUT_LABELS["household.existing"],
                    "member": c.person.person_key,
                    "kind": f"category:{c.category}",
                    "fact_id": c.pk,
                    "source": c.source,
                    "source_label": SOURCE_LABELS.get(c.source, c.source),
                    "source_ref": c.source_ref,
                    "valid_from": c.since.isoformat(),
                    "note": "",
                }
            )

    ceiling = supporters.ceiling_lookup(as_of)
    region12 = str(region).ljust(12, "0")
    support = supporters.verdicts(
        [m.person.pk for m in snap.members], as_of, lambda _pid: ceiling(region12, area_type)
    )
    held: dict[int, set[str]] = {}
    for c in snap.categories:
        held.setdefault(c.person_id, set()).add(c.category)
    members = []
    for m in snap.members:
        p = m.person
        key = p.person_key
        if p.birth_date is None:
            raise SnapshotError(f"成员 {p.name}（{key}）没有出生日期，无法认定；请先核实其身份信息")
        item: dict[str, Any] = {
            "id": key,
            "name": p.name,
            "birth_date": p.birth_date.isoformat(),
            "relation": m.relation,
            # contract version 2: the categories the member holds on the date (R-T4 reads TEKUN)
            "current": [c for c in CATEGORY_ORDER if c in held.get(p.pk, ())],
        }
        provenance.append(
            {
                "input": "birth_date",
                "label": INPUT_LABELS["birth_date"],
                "member": key,
                "kind": "person",
                "fact_id": p.pk,
                "source": "person",
                "source_label": "人员登记（身份信息）",
                "source_ref": "",
                "valid_from": None,
                "note": "",
            }
        )
        provenance.append(
            {
                "input": "relation",
                "label": INPUT_LABELS["relation"],
                "member": key,
                "kind": "membership",
                "fact_id": None,
                "source": None,
                "source_label": "家庭成员关系",
                "source_ref": "",
                "valid_from": m.valid_from.isoformat(),
                "note": "",
            }
        )
        for field, kind, reader, default in _MEMBER_FACTS:
            fact = m.facts.get(kind)
            if fact is None:
                item[field] = default
                provenance.append(_defaulted(field, kind, default, key))
            else:
                value = _member_value(field, reader, fact.data())
                entry = _from_fact(fact, field, key)
                if value is None and default is not None:
                    value = default
                    entry["note"] = f"登记值缺少“{reader}”，按默认值"
                    entry["default"] = default
                item[field] = value
                provenance.append(entry)
        verdict = support.get(p.pk)
        if verdict is not None:  # R-T3 from the registered legal supporters, not the bare flag
            item["has_capable_supporter"] = verdict.capable
            for entry in provenance:
                if entry["member"] == key and entry["input"] == "has_capable_supporter":
                    entry.update(
                        kind="legal_supporters",
                        fact_id=None,
                        source="registry",
                        source_label="登记的法定赡养抚养扶养义务人",
                        source_ref="",
                        valid_from=None,
                        note=verdict.note_zh(),
                    )
                    entry.pop("default", None)
        members.append(item)
    hh["members"] = members
    data = {"as_of": as_of.isoformat(), "region": region, "area_type": area_type, "household": hh}
    return data, provenance
