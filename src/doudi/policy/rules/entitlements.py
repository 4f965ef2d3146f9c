"""Entitlements to special assistance (DOMAIN R-P1, seed §6–§9, §12): one declaration per assistance —
who is entitled (categories and registry facts), which department gives it, in how many working days
it must answer — and their set-based evaluation over a table of persons (Arrow).

Pure: no Django. The Django side (``monitoring.needs``) builds the person table from the registry in
bulk, resolves the parameters per region (``needs.<code>.enabled``, ``needs.<code>.deadline_wd`` and the
few thresholds below, dated rows of the policy parameter table) and reconciles the due needs with the
needs already pushed. The monitoring loop's policy-reach check (W-GAP) reads the same ``evaluate``.

Person table (``PERSON_SCHEMA``): one row per current member of a household that holds a low-income
category on the date, and one per recently deceased member (``days_since_death`` set). Categories are
the person's own (``p_<CAT>``); the household's (``h_<CAT>``: any member holds it) and the household
facts (zero employment, the representative member) are derived here, so a rule's test reads one row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

CATEGORIES = ("DIBAO", "TEKUN", "MARGINAL", "RIGID", "FPJC", "OTHER")
LOW_INCOME_FAMILY = ("DIBAO", "TEKUN", "MARGINAL", "RIGID")  # seed §7, §8: 低保、特困、边缘、刚性支出困难
SEED_DATE = dt.date(2024, 4, 3)  # 吉政办规〔2024〕2号

PERSON_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("household_id", pa.int64()),
        ("region_code", pa.string()),
        ("area_type", pa.string()),  # urban / rural
        ("is_head", pa.bool_()),
        ("age", pa.int32()),  # null: birth date unknown
        ("in_school", pa.bool_()),  # schooling fact: pre-school to university
        ("employed", pa.bool_()),
        ("labour", pa.string()),  # labour_capacity level: full / partial / none (null: not recorded)
        ("disabled", pa.bool_()),
        ("severe_disabled", pa.bool_()),
        ("dwellings", pa.int32()),  # household assets fact (null: not recorded)
        ("dwelling_unsafe", pa.bool_()),  # household assets fact: the dwelling is rated dangerous (危房)
        ("days_since_death", pa.int32()),  # null: alive
        *[(f"p_{c}", pa.bool_()) for c in CATEGORIES],
    ]
)
DUE_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("household_id", pa.int64()),
        ("region_code", pa.string()),
        ("need", pa.string()),
        ("department", pa.string()),
        ("deadline_wd", pa.int32()),
    ]
)


@dataclass(frozen=True)
class Entitlement:
    code: str  # NeedPush.need
    label: str  # Chinese name shown to departments
    department: str  # accounts.models.Department value
    seed: str  # the measure of the seed
    who: str  # Chinese: who is entitled (docs and pages)
    level: str  # "person" or "household" (pushed for the household's representative member)
    effective_from: dt.date
    test: Callable[[pa.Table], pa.ChunkedArray]  # boolean per row of the enriched table
    deadline_wd: int = 10  # default when the parameter does not resolve
    extra: tuple[str, ...] = ()  # further parameter keys the test reads (as columns)

    @property
    def enabled_key(self) -> str:
        return f"needs.{self.code}.enabled"

    @property
    def deadline_key(self) -> str:
        return f"needs.{self.code}.deadline_wd"


# ------------------------------------------------------------------------------------- row helpers


def _f(col) -> pc.Expression | pa.ChunkedArray:
    return pc.fill_null(col, False)


def _any_of(t: pa.Table, prefix: str, cats: tuple[str, ...]):
    out = _f(t[f"{prefix}_{cats[0]}"])
    for c in cats[1:]:
        out = pc.or_(out, _f(t[f"{prefix}_{c}"]))
    return out


def _alive(t: pa.Table):
    return pc.is_null(t["days_since_death"])


def _rep(t: pa.Table):
    return pc.and_(_f(t["is_rep"]), _alive(t))


def _and(*parts):
    out = parts[0]
    for p in parts[1:]:
        out = pc.and_(out, p)
    return out


def _age_between(t: pa.Table, lo, hi):
    """lo <= age < hi; an unknown age is never in range."""
    age = t["age"]
    return _f(pc.and_(pc.greater_equal(age, lo), pc.less(age, hi)))


def _able(t: pa.Table):
    return pc.is_in(pc.fill_null(t["labour"], ""), value_set=pa.array(["full", "partial"]))


# ----------------------------------------------------------------------------------------- the rules


def _premium_full(t):
    return _and(_alive(t), _f(t["p_TEKUN"]))


def _premium_fixed(t):
    return _and(_alive(t), pc.invert(_f(t["p_TEKUN"])), _any_of(t, "p", ("DIBAO", "MARGINAL", "FPJC")))


def _education(t):
    return _and(_alive(t), _f(t["in_school"]), _any_of(t, "h", LOW_INCOME_FAMILY))


def _rental(t):
    return _and(
        _rep(t),
        pc.equal(t["area_type"], "urban"),
        _any_of(t, "h", LOW_INCOME_FAMILY),
        _f(pc.equal(t["dwellings"], 0)),
    )


def _renovation(t):
    return _and(
        _rep(t),
        pc.equal(t["area_type"], "rural"),
        _any_of(t, "h", LOW_INCOME_FAMILY),
        _f(t["dwelling_unsafe"]),
    )


def _employment(t):
    return _and(
        _alive(t),
        _any_of(t, "h", ("DIBAO", "MARGINAL", "RIGID", "FPJC")),
        _age_between(t, t["employment_age_from"], t["employment_age_to"]),
        _able(t),
        pc.invert(_f(t["employed"])),
    )


def _zero_employment(t):
    return _and(_rep(t), _any_of(t, "h", ("DIBAO", "MARGINAL", "RIGID", "FPJC")), _f(t["h_zero_employment"]))


def _heating(t):
    return _and(_rep(t), _any_of(t, "h", ("DIBAO", "TEKUN", "MARGINAL")))


def _funeral(t):
    died = _f(pc.less_equal(t["days_since_death"], t["funeral_window_days"]))
    core = _any_of(t, "h", ("DIBAO", "TEKUN"))
    wider = pc.and_(_f(t["funeral_extended"]), _any_of(t, "h", ("MARGINAL", "RIGID")))
    return _and(died, pc.or_(core, wider))


def _rehab_child(t):
    young = _f(pc.less_equal(t["age"], t["rehab_max_age"]))
    return _and(_alive(t), _f(t["disabled"]), young, _any_of(t, "h", CATEGORIES))


def _accessibility(t):
    return _and(_alive(t), _f(t["severe_disabled"]), _any_of(t, "h", LOW_INCOME_FAMILY))


ENTITLEMENTS: tuple[Entitlement, ...] = (
    Entitlement("medical_premium_full", "城乡居民医保参保全额资助", "medical_insurance", "§6",
                "特困人员", "person", SEED_DATE, _premium_full, 10),
    Entitlement("medical_premium_fixed", "城乡居民医保参保定额资助", "medical_insurance", "§6",
                "低保对象、低保边缘家庭成员、防止返贫监测对象（特困人员除外）", "person", SEED_DATE, _premium_fixed, 10),
    Entitlement("education_aid", "教育救助（学前至高等教育）", "education", "§7",
                "低保、特困、低保边缘、刚性支出困难家庭中在学前教育至普通高等教育阶段就学的成员", "person",
                SEED_DATE, _education, 15),
    Entitlement("housing_rental", "公租房配租或租赁补贴", "housing", "§8",
                "城市低保、特困、低保边缘、刚性支出困难家庭，无自有住房", "household", SEED_DATE, _rental, 20),
    Entitlement("housing_renovation", "农村危房改造", "housing", "§8",
                "农村低保、特困、低保边缘、刚性支出困难家庭，住房鉴定为危房", "household", SEED_DATE, _renovation, 20),
    Entitlement("employment_aid", "就业救助（岗位推荐、培训、社保补贴）", "hrss", "§9",
                "低收入家庭中法定劳动年龄内有劳动能力、未就业的成员", "person", SEED_DATE, _employment, 15,
                ("needs.employment_aid.age_from", "needs.employment_aid.age_to")),
    Entitlement("zero_employment", "零就业家庭就业援助", "hrss", "§9",
                "有劳动年龄内有劳动能力的成员、但无一人就业的低收入家庭", "household", SEED_DATE, _zero_employment, 10),
    Entitlement("heating_aid", "取暖救助", "housing", "§12",
                "低保、特困、低保边缘家庭", "household", SEED_DATE, _heating, 20),
    Entitlement("funeral_waiver", "基本殡葬服务费用减免", "civil_affairs", "§12",
                "低保、特困家庭（可拓展至低保边缘、刚性支出困难家庭）中近期去世的成员", "person", SEED_DATE,
                _funeral, 5, ("needs.funeral_waiver.window_days", "needs.funeral_waiver.extended")),
    Entitlement("rehab_child", "残疾儿童康复救助", "disabled_federation", "§12",
                "低收入家庭中的残疾儿童", "person", SEED_DATE, _rehab_child, 15, ("needs.rehab_child.max_age",)),
    Entitlement("accessibility", "困难重度残疾人家庭无障碍改造", "disabled_federation", "§12",
                "低保、特困、低保边缘、刚性支出困难家庭中的重度残疾人", "person", SEED_DATE, _accessibility, 20),
)  # fmt: skip
BY_CODE: dict[str, Entitlement] = {e.code: e for e in ENTITLEMENTS}
LABELS: dict[str, str] = {e.code: e.label for e in ENTITLEMENTS}

# the further parameters: key → (column, default, kind)
EXTRA_PARAMS: dict[str, tuple[str, Decimal | str, str]] = {
    "needs.employment_aid.age_from": ("employment_age_from", Decimal(16), "count"),
    "needs.employment_aid.age_to": ("employment_age_to", Decimal(60), "count"),
    "needs.funeral_waiver.window_days": ("funeral_window_days", Decimal(90), "count"),
    "needs.funeral_waiver.extended": ("funeral_extended", "false", "enum"),
    "needs.rehab_child.max_age": ("rehab_max_age", Decimal(6), "count"),
}


def in_force(as_of: dt.date) -> tuple[Entitlement, ...]:
    return tuple(e for e in ENTITLEMENTS if e.effective_from <= as_of)


# ----------------------------------------------------------------------------------------- parameters


def region_params(values: Mapping[str, object]) -> dict[str, object]:
    """One region's parameter columns from its resolved values (``key → value``; missing → defaults)."""
    row: dict[str, object] = {}
    for e in ENTITLEMENTS:
        row[f"{e.code}_on"] = str(values.get(e.enabled_key, "true")) != "false"
        wd = values.get(e.deadline_key)
        row[f"{e.code}_wd"] = int(wd) if isinstance(wd, (int, Decimal)) else e.deadline_wd
    for key, (col, default, kind) in EXTRA_PARAMS.items():
        v = values.get(key, default)
        row[col] = (
            (str(v) == "true") if kind == "enum" else int(v if isinstance(v, (int, Decimal)) else default)
        )
    return row


def params_schema() -> pa.Schema:
    fields = [pa.field("region_code", pa.string()), pa.field("area_type", pa.string())]
    for e in ENTITLEMENTS:
        fields += [pa.field(f"{e.code}_on", pa.bool_()), pa.field(f"{e.code}_wd", pa.int32())]
    for _key, (col, _d, kind) in EXTRA_PARAMS.items():
        fields.append(pa.field(col, pa.bool_() if kind == "enum" else pa.int32()))
    return pa.schema(fields)


def params_table(rows: list[dict]) -> pa.Table:
    """``rows``: dicts with ``region_code``, ``area_type`` and ``region_params(...)``."""
    return pa.Table.from_pylist(rows, schema=params_schema())


def default_params(pairs) -> pa.Table:
    return params_table([{"region_code": r, "area_type": a, **region_params({})} for r, a in set(pairs)])


# ----------------------------------------------------------------------------------------- evaluation


def _household_columns(persons: pa.Table) -> pa.Table:
    """Per household: any member holds each category; zero employment; the representative member."""
    working = pc.and_(_age_between(persons, 16, 60), _alive(persons))
    able_working = pc.and_(working, _able(persons))
    employed_working = pc.and_(working, _f(persons["employed"]))
    base = persons.select(["household_id", "person_id"]).append_column("is_head", _f(persons["is_head"]))
    base = base.append_column("able", able_working).append_column("emp", employed_working)
    for c in CATEGORIES:
        base = base.append_column(f"c_{c}", _f(persons[f"p_{c}"]))
    aggs = [("able", "any"), ("emp", "any"), ("person_id", "min")] + [(f"c_{c}", "any") for c in CATEGORIES]
    heads = base.filter(pc.and_(base["is_head"], _alive(persons)))
    head = (
        heads.group_by("household_id")
        .aggregate([("person_id", "min")])
        .rename_columns(["household_id", "head_id"])
        if heads.num_rows
        else pa.table({"household_id": pa.array([], pa.int64()), "head_id": pa.array([], pa.int64())})
    )
    alive = base.filter(_alive(persons))
    hh = alive.group_by("household_id").aggregate(aggs)
    hh = hh.join(head, "household_id", join_type="left outer")
    rep = pc.coalesce(hh["head_id"], hh["person_id_min"])
    out = pa.table(
        {
            "household_id": hh["household_id"],
            "rep_id": rep,
            "h_zero_employment": pc.and_(_f(hh["able_any"]), pc.invert(_f(hh["emp_any"]))),
            **{f"h_{c}": hh[f"c_{c}_any"] for c in CATEGORIES},
        }
    )
    return out


def enrich(persons: pa.Table, prm: pa.Table) -> pa.Table:
    """The person table with the household columns and the region's parameters (one row per person)."""
    persons = persons.cast(PERSON_SCHEMA) if persons.schema != PERSON_SCHEMA else persons
    hh = _household_columns(persons)
    t = persons.join(hh, "household_id", join_type="left outer")
    t = t.append_column("is_rep", _f(pc.equal(t["person_id"], t["rep_id"])))
    for c in CATEGORIES:  # a deceased member's household (no living member left) keeps the member's own
        t = t.set_column(
            t.schema.get_field_index(f"h_{c}"), f"h_{c}", pc.or_(_f(t[f"h_{c}"]), _f(t[f"p_{c}"]))
        )
    t = t.join(prm, ["region_code", "area_type"], join_type="left outer")
    defaults = region_params({})
    for name in prm.column_names:
        if name in ("region_code", "area_type"):
            continue
        col = t[name]
        if col.null_count:
            t = t.set_column(t.schema.get_field_index(name), name, pc.fill_null(col, defaults[name]))
    return t


def evaluate(persons: pa.Table, prm: pa.Table, as_of: dt.date) -> pa.Table:
    """The due needs (``DUE_SCHEMA``): one row per person (or household representative) and entitlement
    in force on ``as_of`` and enabled in the person's region."""
    if persons.num_rows == 0:
        return DUE_SCHEMA.empty_table()
    t = enrich(persons, prm)
    parts = []
    for e in in_force(as_of):
        mask = pc.and_(_f(e.test(t)), _f(t[f"{e.code}_on"]))
        hit = t.filter(mask)
        if hit.num_rows == 0:
            continue
        n = hit.num_rows
        parts.append(
            pa.table(
                {
                    "person_id": hit["person_id"],
                    "household_id": hit["household_id"],
                    "region_code": hit["region_code"],
                    "need": pa.array([e.code] * n, pa.string()),
                    "department": pa.array([e.department] * n, pa.string()),
                    "deadline_wd": hit[f"{e.code}_wd"].cast(pa.int32()),
                },
                schema=DUE_SCHEMA,
            )
        )
    return pa.concat_tables(parts) if parts else DUE_SCHEMA.empty_table()


def person_table(rows: list[dict]) -> pa.Table:
    """A person table from dicts (missing columns null / False for categories) — tests and small jobs."""
    cols = {}
    for f in PERSON_SCHEMA:
        default = False if f.name.startswith("p_") else None
        cols[f.name] = pa.array([r.get(f.name, default) for r in rows], f.type)
    return pa.table(cols, schema=PERSON_SCHEMA)
