"""Registry → the columnar tables of ``rules.assess_table``, for every household of a scope on a date.

Set-based: households are read in chunks of ids; per chunk one query each for the memberships (with
the persons' birth dates), the person facts, the household facts and the category statuses holding
on the date (half-open ``[valid_from, valid_to)``), all with ``values_list`` — never an ORM call per
household. Sensitive fact values are decrypted in bulk (``crypto.decrypt_json``). Reads go through
the scoped managers, so a caller sees only its own region subtree (a missing scope raises).

The meaning of every registry fact is that of the single-household path
(``policy.snapshot.contract_input_for``), so both give the same assessment input:

* region and area type: the ``location`` fact holding on the date, else the household's current ones;
* income: the ``income`` fact (``total``, ``months`` default 12) — it has no default: a household
  without one on the date is **skipped** ("未登记家庭收入"), as are households without members on the
  date or with a member without a birth date, and households whose recorded facts are not valid
  contract input (e.g. a negative amount);
* missing facts take the contract defaults: no rigid expenditure (0), no assets (0 / false), no
  disability, not seriously ill, not employed, not in school, 0 ADL failed, own income 0, own assets
  ok, a capable supporter; a fact whose value lacks its field takes the same default;
* R-T3: a member with legal-supporter records on the date has a capable supporter unless every
  supporter lacks capacity by their own status (``policy.supporters``); the ``supporter`` fact is used
  only for members without such records;
* ``current`` (member): TEKUN held on the date keeps a TEKUN minor's R-T1 (R-T4);
* ``existing``: FPJC / OTHER category statuses of any member holding on the date.

Members are ordered as in ``registry.queries.household_as_of`` (head first, then by birth date); the
order changes no category or amount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from doudi.core import crypto
from doudi.core.dates import holds_on
from doudi.policy import supporters
from doudi.policy.rules import codes
from doudi.policy.rules.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, ymd
from doudi.registry.models import CategoryStatus, Household, HouseholdFact, Membership, PersonFact

CHUNK_HOUSEHOLDS = 20_000
FETCH_ROWS = 10_000  # rows per database round trip

TIER_ORDER = ("TEKUN", "DIBAO", "MARGINAL", "RIGID")  # household tier: the most protective held
CATEGORY_ORDER = (*TIER_ORDER, "FPJC", "OTHER")
MAX_MONEY_FEN = 10**9 * 100

SKIP_NO_MEMBERS = "截至测算日没有在册成员"
SKIP_NO_INCOME = "截至测算日未登记家庭收入"
SKIP_NO_BIRTH = "有成员没有出生日期"
SKIP_BAD = "登记信息不是有效的认定输入（{what}）"

PERSON_KINDS = (
    "disability",
    "serious_illness",
    "employment",
    "schooling",
    "adl",
    "own_income",
    "own_assets",
    "supporter",
)
HOUSEHOLD_KINDS = ("location", "income", "assets", "rigid_expenditure")
RIGID_KINDS = ("medical", "education", "housing", "care")

INFO_SCHEMA = pa.schema(
    [
        ("household_id", pa.int64()),
        ("household_key", pa.string()),
        ("region_code", pa.string()),
        ("area_type", pa.string()),
        ("current_category", pa.string()),  # tier on the date (TEKUN/DIBAO/MARGINAL/RIGID) or null
        ("current_categories", pa.string()),  # every category held by a member, "DIBAO,FPJC"
        ("skip_reason", pa.string()),  # null for assessable households
    ]
)


class _Bad(ValueError):
    """A recorded value that is not valid contract input; the message names it in Chinese."""


@dataclass(frozen=True)
class Extract:
    """One chunk of a scope as of a date.

    ``info`` has one row per household of the chunk (assessable or not, in id order); ``households``
    and ``members`` are the rule tables of the assessable ones (``info.skip_reason`` null), in the
    same order, without ``param_group`` (the caller assigns parameters per region and area type).
    """

    as_of: dt.date
    info: pa.Table
    households: pa.Table
    members: pa.Table

    @property
    def assessable(self) -> pa.Table:
        """``info`` rows of the households in ``households`` (same order)."""
        return self.info.filter(pc.is_null(self.info["skip_reason"]))


def household_ids(region_prefix: str = "") -> list[int]:
    """Ids of the households in the current scope (narrowed to ``region_prefix``), ascending."""
    qs = Household.objects.all()
    if region_prefix:
        qs = qs.filter(region_code__startswith=region_prefix)
    return list(qs.order_by("id").values_list("id", flat=True).iterator(chunk_size=50_000))


def iter_extracts(
    as_of: dt.date,
    *,
    region_prefix: str = "",
    chunk_size: int = CHUNK_HOUSEHOLDS,
    ids: list[int] | None = None,
) -> Iterator[Extract]:
    """The scope's households in chunks of ``chunk_size`` (ids from ``household_ids`` unless given)."""
    ids = household_ids(region_prefix) if ids is None else ids
    for start in range(0, len(ids), chunk_size):
        yield extract_chunk(as_of, ids[start : start + chunk_size], region_prefix=region_prefix)


def extract(as_of: dt.date, *, region_prefix: str = "") -> Extract:
    """The whole scope in one ``Extract`` (chunks concatenated; member row numbers renumbered)."""
    parts = list(iter_extracts(as_of, region_prefix=region_prefix))
    return concat(parts, as_of)


def concat(parts: list[Extract], as_of: dt.date) -> Extract:
    if not parts:
        return _build(as_of, [], {name: [] for name in _H_NAMES}, {name: [] for name in _M_NAMES})
    offset, members = 0, []
    for part in parts:
        m = part.members
        if offset:
            m = m.set_column(0, "household", pc.add(m["household"], offset))
        members.append(m)
        offset += part.households.num_rows
    return Extract(
        as_of=as_of,
        info=pa.concat_tables([p.info for p in parts]),
        households=pa.concat_tables([p.households for p in parts]),
        members=pa.concat_tables(members),
    )


# --- one chunk -------------------------------------------------------------------------------------

_H_NAMES = [n for n in HOUSEHOLD_COLUMNS if n != "param_group"]
_M_NAMES = list(MEMBER_COLUMNS)


def extract_chunk(as_of: dt.date, ids: list[int], *, region_prefix: str = "") -> Extract:
    """The households ``ids`` (ascending) as of ``as_of``: seven queries whatever the chunk size."""
    if not ids:
        return concat([], as_of)
    lo, hi = ids[0], ids[-1]
    wanted = set(ids)
    hq = Household.objects.filter(id__gte=lo, id__lte=hi)
    if region_prefix:
        hq = hq.filter(region_code__startswith=region_prefix)
    households = [
        r for r in _rows(hq.values_list("id", "household_key", "region_code", "area_type")) if r[0] in wanted
    ]

    in_range = {"household_id__gte": lo, "household_id__lte": hi}
    memberships = Membership.objects.filter(holds_on(as_of), **in_range)
    member_rows: dict[int, list[tuple]] = defaultdict(list)
    for hid, pid, relation, birth in _rows(
        memberships.values_list("household_id", "person_id", "relation", "person__birth_date")
    ):
        if hid in wanted:
            member_rows[hid].append((pid, relation, birth))

    person_facts: dict[int, dict[str, Any]] = defaultdict(dict)
    pf = PersonFact.objects.filter(
        holds_on(as_of), kind__in=PERSON_KINDS, person_id__in=memberships.values("person_id")
    ).order_by("person_id", "valid_from", "id")
    for pid, kind, value, enc in _rows(pf.values_list("person_id", "kind", "value", "value_enc")):
        person_facts[pid][kind] = (value, enc)

    household_facts: dict[int, dict[str, Any]] = defaultdict(dict)
    hf = HouseholdFact.objects.filter(holds_on(as_of), kind__in=HOUSEHOLD_KINDS, **in_range).order_by(
        "household_id", "valid_from", "id"
    )
    for hid, kind, value, enc in _rows(hf.values_list("household_id", "kind", "value", "value_enc")):
        household_facts[hid][kind] = (value, enc)

    categories: dict[int, set[str]] = defaultdict(set)
    held_by: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    cs = CategoryStatus.objects.filter(holds_on(as_of, "since", "until"), **in_range)
    for hid, pid, category in _rows(cs.values_list("household_id", "person_id", "category")):
        categories[hid].add(category)
        held_by[hid][pid].add(category)

    # R-T3 from the registered legal supporters and their own status (policy.supporters).
    place: dict[int, tuple[str, str]] = {}
    for hid, _key, region, area in households:
        try:
            loc = _location(household_facts.get(hid, {}).get("location"), region, area)
        except _Bad:
            continue
        for pid, _relation, _birth in member_rows.get(hid, []):
            place[pid] = loc
    ceiling = supporters.ceiling_lookup(as_of)
    support = supporters.verdicts(place, as_of, lambda pid: ceiling(*place[pid]))

    h_cols: dict[str, list] = {name: [] for name in _H_NAMES}
    m_cols: dict[str, list] = {name: [] for name in _M_NAMES}
    info: list[tuple] = []
    as_of_ymd = ymd(as_of)
    for hid, key, region, area in households:
        facts = household_facts.get(hid, {})
        cats = categories.get(hid, set())
        held_here = held_by.get(hid, {})
        tier = current_tier(member_rows.get(hid, []), held_here)
        held = ",".join(c for c in CATEGORY_ORDER if c in cats)
        try:
            region, area = _location(facts.get("location"), region, area)
            row, members = _household(
                facts, member_rows.get(hid, []), person_facts, cats, as_of_ymd, held_here, support
            )
        except _Bad as exc:
            info.append((hid, key, region, area, tier, held, str(exc)))
            continue
        info.append((hid, key, region, area, tier, held, None))
        index = len(h_cols["income_fen"])
        for name in _H_NAMES:
            h_cols[name].append(row[name])
        for member in members:
            m_cols["household"].append(index)
            for name in _M_NAMES[1:]:
                m_cols[name].append(member[name])
    return _build(as_of, info, h_cols, m_cols)


def current_tier(members: list[tuple], held: dict[int, set[str]]) -> str | None:
    """The household's tier on the date as R-T4 reads it: TEKUN when every member holds TEKUN, else the
    most protective of DIBAO / MARGINAL / RIGID held by a member who is not TEKUN."""
    pids = [m[0] for m in members] or list(held)
    if pids and all("TEKUN" in held.get(pid, ()) for pid in pids):
        return "TEKUN"
    rest = set().union(*(held.get(pid, set()) for pid in pids if "TEKUN" not in held.get(pid, ())))
    return next((c for c in TIER_ORDER if c in rest), None)


def _build(as_of: dt.date, info: list[tuple], h_cols: dict, m_cols: dict) -> Extract:
    info_table = pa.Table.from_pylist(
        [dict(zip(INFO_SCHEMA.names, row, strict=True)) for row in info], schema=INFO_SCHEMA
    )
    households = pa.table({n: pa.array(h_cols[n], HOUSEHOLD_COLUMNS[n][0]) for n in _H_NAMES})
    members = pa.table({n: pa.array(m_cols[n], MEMBER_COLUMNS[n][0]) for n in _M_NAMES})
    return Extract(as_of=as_of, info=info_table, households=households, members=members)


def _rows(qs) -> Iterator[tuple]:
    return qs.iterator(chunk_size=FETCH_ROWS)


# --- value readers (same meaning as policy.snapshot) -------------------------------------------------


def _data(pair) -> dict:
    """A fact's value: the decrypted blob of a sensitive kind, else the JSON value (non-dicts → {})."""
    if pair is None:
        return {}
    value, enc = pair
    if enc is not None:
        value = crypto.decrypt_json(bytes(enc))
    return value if isinstance(value, dict) else {}


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise _Bad(SKIP_BAD.format(what=what))
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise _Bad(SKIP_BAD.format(what=what)) from None
    if not number.is_finite() or number < 0:
        raise _Bad(SKIP_BAD.format(what=what))
    return number


def _fen(value: Any, what: str, default: int | None = 0) -> int:
    if type(value) is int and 0 <= value <= MAX_MONEY_FEN // 100:
        return value * 100
    if value is None and default is not None:
        return default
    fen = _decimal(value, what) * 100
    if fen != fen.to_integral_value() or fen > MAX_MONEY_FEN:
        raise _Bad(SKIP_BAD.format(what=what))
    return int(fen)


def _int(value: Any, what: str, low: int, high: int, default: int | None = 0) -> int:
    if type(value) is int and low <= value <= high:
        return value
    if value is None and default is not None:
        return default
    number = _decimal(value, what)
    if number != number.to_integral_value() or not low <= number <= high:
        raise _Bad(SKIP_BAD.format(what=what))
    return int(number)


def _bool(value: Any, what: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if not isinstance(value, bool):
        raise _Bad(SKIP_BAD.format(what=what))
    return value


def _location(pair, region: str, area: str) -> tuple[str, str]:
    data = _data(pair)
    region = str(data.get("region_code") or region)
    area = str(data.get("area_type") or area)
    if not (region.isascii() and region.isdigit() and len(region) in (6, 12)):
        raise _Bad(SKIP_BAD.format(what="所属区划"))
    if area not in codes.AREA_TYPES:
        raise _Bad(SKIP_BAD.format(what="城乡类别"))
    return region.ljust(12, "0"), area


def _household(
    facts, members, person_facts, cats, as_of_ymd, held=None, support=None
) -> tuple[dict, list[dict]]:
    if not members:
        raise _Bad(SKIP_NO_MEMBERS)
    if "income" not in facts:
        raise _Bad(SKIP_NO_INCOME)
    income = _data(facts["income"])
    rigid = _data(facts.get("rigid_expenditure"))
    assets = _data(facts.get("assets"))
    months = income.get("months", 12)
    if months is None:
        raise _Bad(SKIP_BAD.format(what="收入计算月数"))
    row = {
        "income_fen": _fen(income.get("total"), "家庭收入", default=None),
        "income_months": _int(months, "收入计算月数", 1, 120),
        "rigid_expense_fen": sum(_fen(rigid.get(k), "刚性支出") for k in RIGID_KINDS),
        "financial_fen": _fen(assets.get("financial"), "家庭财产"),
        "vehicles": _int(assets.get("vehicles"), "家庭财产", 0, 1000),
        "dwellings": _int(assets.get("dwellings"), "家庭财产", 0, 1000),
        "business": _bool(assets.get("business"), "家庭财产", False),
        "nonresidential": _bool(assets.get("nonresidential_property"), "家庭财产", False),
        "floor_area_e2": -1
        if assets.get("floor_area") is None
        else _fen(assets.get("floor_area"), "住房面积"),
        "existing_fpjc": "FPJC" in cats,
        "existing_other": "OTHER" in cats,
    }
    if len(members) > 99:
        raise _Bad(SKIP_BAD.format(what="成员人数超过99人"))
    ordered = sorted(members, key=lambda m: (m[1] != "head", m[2] or dt.date.max, m[1], m[0]))
    out = []
    for pid, _relation, birth in ordered:
        if birth is None:
            raise _Bad(SKIP_NO_BIRTH)
        birth_ymd = ymd(birth)
        if birth_ymd > as_of_ymd:
            raise _Bad(SKIP_BAD.format(what="出生日期晚于测算日"))
        member = _member(person_facts.get(pid, {}), birth_ymd)
        member["current_tekun"] = "TEKUN" in (held or {}).get(pid, ())
        verdict = (support or {}).get(pid)
        if verdict is not None:  # registered legal supporters win over the bare flag (R-T3)
            member["has_capable_supporter"] = verdict.capable
        out.append(member)
    return row, out


def _member(facts: dict, birth_ymd: int) -> dict:
    dis = _data(facts.get("disability"))
    kind, grade = 0, 0
    if dis and dis.get("kind") not in (None, "", "none"):
        if dis.get("kind") not in codes.DISABILITY_KINDS:
            raise _Bad(SKIP_BAD.format(what="残疾类别"))
        kind = codes.DISABILITY_KINDS[dis["kind"]]
        grade = _int(dis.get("grade"), "残疾等级", 1, 4, default=None)
    return {
        "birth_ymd": birth_ymd,
        "disability_kind": kind,
        "disability_grade": grade,
        "serious_illness": _bool(_data(facts.get("serious_illness")).get("flag"), "重病", False),
        "employed": _bool(_data(facts.get("employment")).get("employed"), "就业", False),
        "in_school": _bool(_data(facts.get("schooling")).get("in_school"), "在学", False),
        "adl_failed": _int(_data(facts.get("adl")).get("failed"), "生活自理能力", 0, codes.ADL_COUNT),
        "own_income_fen": _fen(_data(facts.get("own_income")).get("monthly"), "个人收入"),
        "own_assets_ok": _bool(_data(facts.get("own_assets")).get("ok"), "个人财产", True),
        "has_capable_supporter": _bool(
            _data(facts.get("supporter")).get("has_capable_supporter"), "赡养抚养扶养", True
        ),
    }
