"""The economic-status verification (核对, CASEWORK R-W20/R-W21) as pure rules: no Django.

* ``ITEMS``: the verification items of R-W21 — key, Chinese label, kind, the department datasets
  (``doudi.datasets`` keys, as data) that feed them, and whether a mismatch on them can disqualify
  under DOMAIN R-A1. ``AUXILIARY``: the signals that never refuse and only prompt a question.
* ``compare(items, declared, found)``: the 核对报告 rows, per person and per item.
* ``overall(rows)``: pass or fail, with the reasons, the figures to correct and the questions to ask.

What a row's result means (``match`` 一致 / ``mismatch`` 不一致 / ``no_data`` 无数据 /
``commitment`` 承诺确认 / ``prompt`` 需询问):

* an item off the must-verify list (``params["verify.items"]``) is ``commitment``, whatever was found;
* no department record of the person for the item (or no dataset feeds the item yet) is ``no_data``;
* otherwise ``mismatch`` when the records contradict the declaration, as ``MISMATCH_MEANS`` says per item
  (a declaration left out counts as "none", 0 or "not employed"), else ``match``;
* auxiliary signals with records are ``prompt``, else ``no_data``.

``overall`` fails when a mismatched item is disqualifying under R-A1 and the household's found
records break the item's limit (``verify.fail_basis`` = ``found`` tests the found records even where
they match the declaration). Mismatches of the other items (income, registration, death) never fail
alone: they name the figure or member to correct before the assessment. The disqualifying items by
default are R-A1's: vehicles (non-exempt ones above ``asset.max_vehicles``; exemptions come from the
declaration, the data cannot tell them), real estate (any non-residential property; more dwellings
than ``asset.max_dwellings`` unless the per-capita floor area stays within R-A1's alternative),
businesses (registered capital above ``verify.business_capital_limit``) and financial assets (per
capita above ``asset.financial_months`` × the standard). Public employment is not in R-A1: it is an
income item unless a region adds it to ``verify.disqualifying``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

MATCH, MISMATCH, NO_DATA, COMMITMENT, PROMPT = "match", "mismatch", "no_data", "commitment", "prompt"
RESULT_LABELS = {
    MATCH: "一致",
    MISMATCH: "不一致",
    NO_DATA: "无数据",
    COMMITMENT: "承诺确认",
    PROMPT: "需询问",
}

# kinds: ``asset`` — counted holdings (declared as a count); ``income`` — monthly amounts; ``status`` —
# facts about the person (registration, death); the kind decides how a mismatch is handled by ``overall``.
ASSET, INCOME, STATUS = "asset", "income", "status"


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    kind: str
    datasets: tuple[str, ...] = ()  # catalog datasets feeding the item (none shared yet: always no_data)
    disqualifying: bool = False  # a mismatch can fail the household under R-A1
    rural_only: bool = False


ITEMS: tuple[Item, ...] = (
    Item("household_registration", "户籍", STATUS, ("household_registration",)),
    Item("tax", "税务", INCOME),
    Item("social_insurance", "社会保险缴费与养老金", INCOME, ("social_insurance",)),
    Item("real_estate", "不动产", ASSET, ("real_estate",), disqualifying=True),
    Item("business", "市场主体登记", ASSET, ("business",), disqualifying=True),
    Item("provident_fund", "住房公积金", INCOME),
    Item("vehicles", "机动车与船舶", ASSET, ("vehicle",), disqualifying=True),
    Item("public_employment", "机关事业单位就业", INCOME, ("public_payroll",)),
    Item("financial_assets", "存款证券保险与互联网金融资产", ASSET, disqualifying=True),
    Item("farm_machinery", "大型农机具", ASSET, rural_only=True),
    Item("death", "死亡与火化", STATUS, ("death",)),
)
AUXILIARY: tuple[Item, ...] = (
    Item("utilities", "水电气费用", INCOME),
    Item("telecom", "通信费用", INCOME),
    Item("high_fee_school", "高收费学校就读", STATUS),
    Item("foreign_travel", "出国（境）记录", STATUS),
)
ITEM_BY_KEY: dict[str, Item] = {i.key: i for i in ITEMS + AUXILIARY}
ITEM_LABELS: dict[str, str] = {i.key: i.label for i in ITEMS + AUXILIARY}

# Which datasets' rows are events (every row counts); in the others the latest batch of the dataset
# that holds the person is that person's current state (``verify_data.find_records``).
EVENT_DATASETS = frozenset({"death", "household_registration", "marriage"})

MISMATCH_MEANS = {
    "household_registration": "最近一次户籍变动为迁出或注销，而申报为本户成员",
    "tax": "查到的收入高于申报的收入",
    "social_insurance": "查到的月养老金与申报相差超过容差，或查到的缴费基数高于申报的工资收入",
    "real_estate": "查到的房产套数多于申报套数",
    "business": "查到作为法定代表人、股东或经营者的市场主体多于申报数",
    "provident_fund": "查到的住房公积金缴存高于申报",
    "vehicles": "查到的机动车（船舶）多于申报数",
    "public_employment": "查到机关事业单位工资发放记录，而申报未在机关事业单位就业或申报工资更低",
    "financial_assets": "查到的金融资产高于申报金额",
    "farm_machinery": "查到的大型农机具多于申报数",
    "death": "查到死亡或火化记录，而申报为在世成员",
}

DEFAULT_PARAMS: dict[str, Any] = {
    "verify.items": [i.key for i in ITEMS],
    # The R-A1 items a mismatch can fail on (DOMAIN R-A1: vehicles, dwellings, business, financial assets).
    "verify.disqualifying": [i.key for i in ITEMS if i.disqualifying],
    "verify.fail_basis": "mismatch",  # or "found": test the found records even where they match
    "verify.money_tolerance": Decimal(1),  # yuan/month: smaller differences of amounts are a match
    "asset.max_vehicles": 0,  # non-exempt vehicles allowed (R-A1: none but disability/farming ones)
    "asset.max_dwellings": 1,
    "asset.floor_area_multiple": None,  # R-A1's dwelling alternative, only when both are set
    "asset.avg_floor_area": None,
    "verify.business_capital_limit": Decimal(0),  # 万元: a business with more capital disqualifies
    "asset.financial_months": Decimal(24),
    "dibao_standard": None,  # yuan/month; the financial-asset limit needs it
}


def params_with(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**DEFAULT_PARAMS, **{k: v for k, v in (params or {}).items() if v is not None}}


# ------------------------------------------------------------------------------------- data shapes


@dataclass(frozen=True)
class FoundRecord:
    """One linked department record of a registry person (``verify_data.find_records``)."""

    person_id: int
    dataset: str
    batch_id: int
    as_of: dt.date | None  # the batch's as-of date
    department: str  # the providing department, in Chinese
    record_id: str
    fields: Mapping[str, Any] = field(default_factory=dict)  # the dataset's own columns


@dataclass(frozen=True)
class ReportRow:
    person_id: int
    item: str
    item_label: str
    declared: str  # the declaration, in short Chinese
    found: str  # the values found, in short Chinese ("" when none)
    department: str  # source department(s), "、"-joined
    as_of: dt.date | None  # latest as-of date of the records used
    result: str  # match / mismatch / no_data / commitment / prompt
    note: str = ""  # why a mismatch is one
    batch_ids: tuple[int, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)  # figures ``overall`` tests (count, capital…)

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]


@dataclass(frozen=True)
class Outcome:
    result: str  # "pass" | "fail"
    reasons: tuple[str, ...] = ()  # why it fails (R-A1 items), Chinese
    corrections: tuple[str, ...] = ()  # mismatches that do not fail: figures/members to correct
    questions: tuple[str, ...] = ()  # auxiliary signals to ask about in the investigation

    @property
    def result_label(self) -> str:
        return "核对通过" if self.result == "pass" else "核对未通过"


# --------------------------------------------------------------------------------------- helpers


def _dec(value: Any, default: Decimal = Decimal(0)) -> Decimal:
    if value is None or value == "" or isinstance(value, bool):
        return default
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default


def money(value: Any) -> str:
    """Yuan with thousands separators, no trailing zeros: 1,200 / 1,234.5."""
    d = _dec(value).quantize(Decimal("0.01"))
    text = f"{d:,.2f}".rstrip("0").rstrip(".")
    return text


def wan(value: Any) -> str:
    """万元 from yuan or 万元 as given."""
    return money(value)


def mask_plate(plate: str) -> str:
    """吉A12345 → 吉A·****5: the province and letter, the last character."""
    plate = (plate or "").strip()
    if len(plate) < 4:
        return "****"
    return f"{plate[:2]}·****{plate[-1]}"


def _date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _count_declared(value: Any) -> tuple[int, int]:
    """(count, exempt) of a count-type declaration: an int, a bool or {"count": n, "exempt": k}."""
    if isinstance(value, Mapping):
        return int(_dec(value.get("count"))), int(_dec(value.get("exempt")))
    if isinstance(value, bool):
        return int(value), 0
    return int(_dec(value)), 0


def _join(parts: Iterable[str], sep: str = "；") -> str:
    return sep.join(p for p in parts if p)


# ------------------------------------------------------------------------------------ summarisers
# Each gets the person's records for the item and the declaration; returns (found text, facts,
# mismatch?). Facts are what ``overall`` tests.


def _vehicles(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    by_type: dict[str, list[FoundRecord]] = defaultdict(list)
    for r in recs:
        by_type[str(r.fields.get("vehicle_type") or "机动车")].append(r)
    parts = []
    for kind, rows in by_type.items():
        details = []
        for r in rows:
            bits = []
            if r.fields.get("plate"):
                bits.append(mask_plate(str(r.fields["plate"])))
            if r.fields.get("purchase_price") is not None:
                bits.append(f"购置价 {wan(_dec(r.fields['purchase_price']) / 10000)} 万元")
            if r.fields.get("registered_on"):
                bits.append(f"登记于 {_date(r.fields['registered_on'])}")
            if bits:
                details.append("，".join(bits))
        parts.append(f"{kind} {len(rows)} 辆" + (f"（{'；'.join(details)}）" if details else ""))
    count, exempt = _count_declared(declared)
    return "、".join(parts), {"count": len(recs), "exempt": exempt}, len(recs) > count


def _real_estate(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    labels = {"residential": "住宅", "commercial": "商业用房", "other": "其他房产"}
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for r in recs:
        groups[str(r.fields.get("property_type") or "other")].append(_dec(r.fields.get("floor_area")))
    parts = [
        f"{labels.get(k, k)} {len(v)} 处（共 {money(sum(v, Decimal(0)))} 平方米）" for k, v in groups.items()
    ]
    count, _ = _count_declared(declared)
    facts = {
        "count": len(recs),
        "dwellings": len(groups.get("residential", [])),
        "dwelling_area": sum(groups.get("residential", []), Decimal(0)),
        "nonresidential": sum(len(v) for k, v in groups.items() if k != "residential"),
    }
    return "、".join(parts), facts, len(recs) > count


def _business(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    parts, capital = [], Decimal(0)
    for r in recs:
        bits = []
        if r.fields.get("role"):
            bits.append(str(r.fields["role"]))
        if r.fields.get("registered_capital") is not None:
            cap = _dec(r.fields["registered_capital"])
            capital = max(capital, cap)
            bits.append(f"注册资本 {wan(cap)} 万元")
        if r.fields.get("registered_on"):
            bits.append(f"登记于 {_date(r.fields['registered_on'])}")
        name = str(r.fields.get("enterprise_name") or "市场主体")
        parts.append(name + (f"（{'，'.join(bits)}）" if bits else ""))
    count, _ = _count_declared(declared)
    return "、".join(parts), {"count": len(recs), "max_capital": capital}, len(recs) > count


def _latest_month(recs: Sequence[FoundRecord]) -> list[FoundRecord]:
    last = max(str(r.fields.get("month") or "") for r in recs)
    return [r for r in recs if str(r.fields.get("month") or "") == last]


def _social_insurance(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    rows = _latest_month(recs)
    pension = sum((_dec(r.fields.get("pension_monthly")) for r in rows), Decimal(0))
    base = sum((_dec(r.fields.get("contribution_base")) for r in rows), Decimal(0))
    month = str(rows[0].fields.get("month") or "")
    bits = []
    if base:
        bits.append(f"缴费基数 {money(base)} 元")
    if pension or not base:
        bits.append(f"月养老金 {money(pension)} 元")
    decl = declared if isinstance(declared, Mapping) else {"pension_monthly": declared}
    tol = _dec(p["verify.money_tolerance"])
    bad = (
        abs(pension - _dec(decl.get("pension_monthly"))) > tol
        or base > _dec(decl.get("contribution_base")) + tol
    )
    text = (f"{month} " if month else "") + "，".join(bits)
    return text, {"pension_monthly": pension, "contribution_base": base, "month": month}, bad


def _public_employment(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    rows = _latest_month(recs)
    pay = sum((_dec(r.fields.get("gross_pay")) for r in rows), Decimal(0))
    employers = "、".join(sorted({str(r.fields.get("employer") or "机关事业单位") for r in rows}))
    month = str(rows[0].fields.get("month") or "")
    decl = declared if isinstance(declared, Mapping) else {"employed": bool(declared)}
    employed = bool(decl.get("employed")) or _dec(decl.get("monthly_pay")) > 0
    bad = not employed or pay > _dec(decl.get("monthly_pay"), pay) + _dec(p["verify.money_tolerance"])
    return f"{employers}，{month} 应发工资 {money(pay)} 元", {"gross_pay": pay, "month": month}, bad


def _death(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    days = sorted(_date(r.fields.get("died_on")) for r in recs if r.fields.get("died_on"))
    return (f"死亡日期 {days[0]}" if days else "有死亡记录"), {"died_on": days[0] if days else None}, True


def _registration(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    labels = {"birth": "出生登记", "move_in": "户籍迁入", "move_out": "户籍迁出", "cancelled": "户口注销"}
    last = max(recs, key=lambda r: (_date(r.fields.get("event_on")), r.as_of or dt.date.min))
    event = str(last.fields.get("event") or "")
    text = f"{labels.get(event, event)}（{_date(last.fields.get('event_on'))}）"
    return text, {"event": event}, event in ("move_out", "cancelled")


def _generic_count(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    count, _ = _count_declared(declared)
    return f"{len(recs)} 条记录", {"count": len(recs)}, len(recs) > count


def _generic_amount(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    amount = sum((_dec(r.fields.get("amount")) for r in recs), Decimal(0))
    decl = _dec(declared.get("amount") if isinstance(declared, Mapping) else declared)
    return f"{money(amount)} 元", {"amount": amount}, amount > decl + _dec(p["verify.money_tolerance"])


def _signal(recs: Sequence[FoundRecord], declared: Any, p: Mapping) -> tuple[str, dict, bool]:
    return f"{len(recs)} 条记录", {"count": len(recs)}, False


SUMMARISERS = {
    "vehicles": _vehicles,
    "real_estate": _real_estate,
    "business": _business,
    "social_insurance": _social_insurance,
    "public_employment": _public_employment,
    "death": _death,
    "household_registration": _registration,
    "tax": _generic_amount,
    "provident_fund": _generic_amount,
    "financial_assets": _generic_amount,
    "farm_machinery": _generic_count,
}


def declared_text(item: str, value: Any) -> str:
    """The declaration in short Chinese (a missing one is "未申报")."""
    if item == "death":  # a declared member is declared alive and of the household
        return "在世"
    if item == "household_registration":
        return "本户成员" if value in (True, None) or isinstance(value, Mapping) else str(value)
    if value is None:
        return "未申报"
    kind = ITEM_BY_KEY[item].kind if item in ITEM_BY_KEY else ASSET
    if item == "public_employment":
        decl = value if isinstance(value, Mapping) else {"employed": bool(value)}
        if not decl.get("employed") and not _dec(decl.get("monthly_pay")):
            return "未在机关事业单位就业"
        pay = decl.get("monthly_pay")
        return "机关事业单位就业" + (f"，月工资 {money(pay)} 元" if pay is not None else "")
    if item == "social_insurance":
        decl = value if isinstance(value, Mapping) else {"pension_monthly": value}
        bits = [f"月养老金 {money(decl.get('pension_monthly'))} 元"]
        if decl.get("contribution_base") is not None:
            bits.append(f"工资收入 {money(decl['contribution_base'])} 元")
        return "，".join(bits)
    if kind == ASSET and item not in ("financial_assets",):
        count, exempt = _count_declared(value)
        unit = {"vehicles": "辆", "real_estate": "套", "business": "户", "farm_machinery": "台"}.get(
            item, "项"
        )
        text = "无" if count == 0 else f"{count} {unit}"
        return text + (f"（其中豁免 {exempt} {unit}）" if exempt else "")
    amount = value.get("amount") if isinstance(value, Mapping) else value
    return f"{money(amount)} 元"


# ----------------------------------------------------------------------------------------- compare


def items_for(items: Sequence[str] | None, area_type: str | None = None) -> tuple[list[Item], set[str]]:
    """(every item shown in the report, the keys verified against data)."""
    shown = [i for i in ITEMS + AUXILIARY if not (i.rural_only and area_type == "urban")]
    wanted = set(DEFAULT_PARAMS["verify.items"] if items is None else items)
    unknown = wanted - set(ITEM_BY_KEY)
    if unknown:
        raise ValueError("未知的核对项目：" + "、".join(sorted(unknown)))
    return shown, wanted


def dataset_items(items: Iterable[Item] = ITEMS + AUXILIARY) -> dict[str, str]:
    """Dataset key → the item it feeds."""
    return {ds: i.key for i in items for ds in i.datasets}


def compare(
    items: Sequence[str] | None,
    declared: Mapping[tuple[int, str], Any],
    found: Sequence[FoundRecord],
    params: Mapping[str, Any] | None = None,
    *,
    persons: Sequence[int] | None = None,
    area_type: str | None = None,
) -> list[ReportRow]:
    """The 核对报告 rows: for each person (``persons``, else those declared or found) and each item
    (must-verify ``items`` — None: ``verify.items`` of ``params`` —, the rest as 承诺确认, auxiliary
    signals last; farm machinery only for rural households) what was declared, what was found,
    from which department as of when, and the result."""
    p = params_with(params)
    shown, wanted = items_for(items if items is not None else p["verify.items"], area_type)
    feeds = dataset_items(shown)
    by_key: dict[tuple[int, str], list[FoundRecord]] = defaultdict(list)
    for r in found:
        if r.dataset in feeds:
            by_key[(int(r.person_id), feeds[r.dataset])].append(r)
    people = (
        list(persons)
        if persons is not None
        else sorted({int(k[0]) for k in declared} | {int(r.person_id) for r in found})
    )
    rows = []
    for pid in people:
        for item in shown:
            recs = sorted(by_key.get((pid, item.key), []), key=lambda r: (r.as_of or dt.date.min, r.batch_id))
            decl = declared.get((pid, item.key))
            text, facts, bad = SUMMARISERS.get(item.key, _signal)(recs, decl, p) if recs else ("", {}, False)
            if item in AUXILIARY:
                result = PROMPT if recs else NO_DATA
            elif item.key not in wanted:
                result = COMMITMENT
            elif not recs:
                result = NO_DATA
            else:
                result = MISMATCH if bad else MATCH
            rows.append(
                ReportRow(
                    person_id=pid,
                    item=item.key,
                    item_label=item.label,
                    declared=declared_text(item.key, decl) if item not in AUXILIARY else "",
                    found=text or ("未查询到记录" if item.datasets else "暂无共享数据"),
                    department="、".join(dict.fromkeys(r.department for r in recs if r.department)),
                    as_of=max((r.as_of for r in recs if r.as_of), default=None),
                    result=result,
                    note=MISMATCH_MEANS[item.key] if result == MISMATCH else "",
                    batch_ids=tuple(sorted({r.batch_id for r in recs})),
                    facts=facts,
                )
            )
    return rows


# ----------------------------------------------------------------------------------------- overall


def _household(rows: Sequence[ReportRow], item: str, fact: str) -> Decimal:
    return sum((_dec(r.facts.get(fact)) for r in rows if r.item == item), Decimal(0))


def _disqualified(item: str, rows: Sequence[ReportRow], p: Mapping, household_size: int | None) -> str:
    """The R-A1 reason the household's found records of ``item`` break, or ""."""
    if item == "vehicles":
        kept = _household(rows, item, "count") - _household(rows, item, "exempt")
        if kept > int(p["asset.max_vehicles"]):
            return f"R-A1 机动车：查到非豁免机动车 {kept} 辆，超过上限 {int(p['asset.max_vehicles'])} 辆"
    if item == "real_estate":
        if _household(rows, item, "nonresidential") > 0:
            return f"R-A1 不动产：查到非住宅房产 {_household(rows, item, 'nonresidential')} 处"
        dwellings = _household(rows, item, "dwellings")
        if dwellings > int(p["asset.max_dwellings"]):
            k, avg = p.get("asset.floor_area_multiple"), p.get("asset.avg_floor_area")
            area = _household(rows, item, "dwelling_area")
            if k is not None and avg is not None and household_size:
                per = area / household_size
                if per <= _dec(k) * _dec(avg):
                    return ""
                return (
                    f"R-A1 住房：查到住房 {dwellings} 套，人均建筑面积 {money(per)} 平方米，"
                    f"超过当地人均 {money(avg)} 平方米的 {money(k)} 倍"
                )
            return f"R-A1 住房：查到住房 {dwellings} 套，超过上限 {int(p['asset.max_dwellings'])} 套"
    if item == "business":
        top = max((_dec(r.facts.get("max_capital")) for r in rows if r.item == item), default=Decimal(0))
        limit = _dec(p["verify.business_capital_limit"])
        if top > limit:
            return f"R-A1 市场主体：查到注册资本 {wan(top)} 万元的市场主体（上限 {wan(limit)} 万元）"
    if item == "financial_assets":
        total = _household(rows, item, "amount")
        standard = p.get("dibao_standard")
        if standard is not None and household_size:
            limit = _dec(p["asset.financial_months"]) * _dec(standard)
            if total / household_size > limit:
                return f"R-A1 金融资产：人均 {money(total / household_size)} 元，超过上限 {money(limit)} 元"
    if item == "public_employment" and rows:  # only where a region lists it (DOMAIN R-A1 does not)
        return "查到机关事业单位工资发放记录：" + "；".join(r.found for r in rows)
    if item == "farm_machinery" and _household(rows, item, "count") > 0:
        return f"查到大型农机具 {_household(rows, item, 'count')} 台"
    return ""


def overall(
    rows: Sequence[ReportRow], params: Mapping[str, Any] | None = None, *, household_size: int | None = None
) -> Outcome:
    """Pass or fail of the report (R-W20): fails when a disqualifying item (``verify.disqualifying``)
    is mismatched and the household's found records break its R-A1 limit; the other mismatches name
    what to correct; auxiliary signals with records become questions."""
    p = params_with(params)
    disqualifying = set(p["verify.disqualifying"])
    basis = p["verify.fail_basis"]
    size = household_size or len({r.person_id for r in rows}) or None
    reasons, corrections, questions = [], [], []
    for item in dict.fromkeys(r.item for r in rows):
        mine = [r for r in rows if r.item == item]
        checked = [r for r in mine if r.result in (MATCH, MISMATCH)]
        mismatched = [r for r in mine if r.result == MISMATCH]
        if item in disqualifying and (mismatched or (basis == "found" and checked)):
            reason = _disqualified(item, checked, p, size)
            if reason:
                reasons.append(reason)
                continue
        for r in mismatched:
            corrections.append(f"{r.item_label}：{r.note}（查到：{r.found}；申报：{r.declared}）")
        for r in mine:
            if r.result == PROMPT:
                questions.append(f"{r.item_label}：{r.found}，入户调查时询问")
    return Outcome("fail" if reasons else "pass", tuple(reasons), tuple(corrections), tuple(questions))
