"""The person table of ``policy.rules.entitlements`` built from the registry in bulk (one query per
table, no ORM call per person): current members of the households that hold a low-income category on
the date, and members who died within the funeral window (their categories held on the eve of death).

System work over the region tree: run under ``all_regions()`` or a scope the caller set; the managers
used here are the unscoped ones, restricted by the ``households`` subquery the caller passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.db.models import Q, QuerySet

from doudi.casework.models import DeathRecord
from doudi.core import crypto
from doudi.core.dates import holds_on
from doudi.monitoring.needs import sqlarrow as Q_
from doudi.policy.rules import entitlements as E
from doudi.registry.models import CategoryStatus, Household, HouseholdFact, Person, PersonFact

CHUNK = 20_000
DEATH_LOOKBACK_DAYS = 366  # the funeral window is a parameter; no region sets it beyond a year
SEVERE_KINDS = ("intellectual", "mental")


def _true(v) -> bool:
    return v is True or v == "true" or v == 1


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def category_households(as_of: dt.date, household_ids: Iterable[int] | None = None) -> QuerySet:
    """The ids of households with a category held on ``as_of`` (a subquery)."""
    qs = CategoryStatus.unscoped.filter(holds_on(as_of, "since", "until"))
    if household_ids is not None:
        qs = qs.filter(household_id__in=list(household_ids))
    return qs.values("household_id")


def _latest(rows) -> dict:
    """(person, kind) → value of the row with the latest valid_from."""
    best: dict = {}
    for pid, kind, vf, value in rows:
        key = (pid, kind)
        if key not in best or vf >= best[key][0]:
            best[key] = (vf, value)
    return {k: v for k, (_, v) in best.items()}


def _scope_sql(as_of: dt.date, household_ids: list[int] | None) -> str:
    """The households with a category held on ``as_of`` (among ``household_ids``), as SQL."""
    only = f" AND household_id IN {Q_.ids(household_ids)}" if household_ids is not None else ""
    return f"SELECT household_id FROM {_t(CategoryStatus)} WHERE {Q_.holds(as_of, 'since', 'until')}{only}"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _latest_sql(table: str, owner: str, kinds: tuple[str, ...], where: str, columns: str) -> str:
    """The row with the latest ``valid_from`` (then the latest recorded) per owner and kind."""
    inner = (
        f"SELECT f.{owner} AS owner, f.kind AS kind, f.value AS value, ROW_NUMBER() OVER"
        f" (PARTITION BY f.{owner}, f.kind ORDER BY f.valid_from DESC, f.id DESC) AS rn FROM {table} f"
        f" WHERE f.kind IN ({', '.join(repr(k) for k in kinds)}) AND {where}"
    )
    return f"SELECT owner, {columns} FROM ({inner}) latest WHERE rn = 1"


MEMBER_SCHEMA = pa.schema(
    [("person_id", pa.int64()), ("household_id", pa.int64()), ("is_head", pa.bool_()), ("birth", pa.int64())]
)


def _yyyymmdd(col: str) -> str:
    """A date column as the integer YYYYMMDD (NULL stays NULL)."""
    if Q_.pg():
        return f"CAST(to_char({col}, 'YYYYMMDD') AS INTEGER)"
    return f"CAST(replace({col}, '-', '') AS INTEGER)"


def load(as_of: dt.date, household_ids: Iterable[int] | None = None) -> pa.Table:
    """The person table on ``as_of`` for the given households (all category households when None): raw SQL
    per table straight into Arrow (JSON values extracted by the database, dates as integers), looked up and
    computed in Arrow."""
    hh_ids = sorted({int(h) for h in household_ids}) if household_ids is not None else None
    scope = _scope_sql(as_of, hh_ids)
    person = _t(Person)
    households = Q_.read(
        f"SELECT id, region_code, area_type FROM {_t(Household)} WHERE id IN ({scope})",
        pa.schema([("household_id", pa.int64()), ("region_code", pa.string()), ("area_type", pa.string())]),
    )
    members = Q_.read(
        f"SELECT p.id, p.household_id, CASE WHEN p.relation = 'head' THEN 1 ELSE 0 END,"
        f" {_yyyymmdd('p.birth_date')} FROM {person} p WHERE p.household_id IN ({scope})",
        MEMBER_SCHEMA,
    )
    cats = Q_.read(
        f"SELECT person_id, category FROM {_t(CategoryStatus)} WHERE {Q_.holds(as_of, 'since', 'until')}"
        f" AND household_id IN ({scope})",
        pa.schema([("person_id", pa.int64()), ("category", pa.string())]),
    )
    # deaths within the lookback: the member's household (current, else the last membership) and categories
    # held on the eve of death (a few rows: the ORM)
    qscope = category_households(as_of, hh_ids)
    since = as_of - dt.timedelta(days=DEATH_LOOKBACK_DAYS)
    deaths = dict(
        DeathRecord.unscoped.filter(died_on__gt=since, died_on__lte=as_of)
        .filter(Q(person__household_id__in=qscope) | Q(person__memberships__household_id__in=qscope))
        .values_list("person_id", "died_on")
        .distinct()
    )
    if deaths:
        dead_ids = pa.array(list(deaths), pa.int64())
        present = set(
            members.filter(pc.is_in(members["person_id"], value_set=dead_ids))["person_id"].to_pylist()
        )
        members, cats = _with_deaths(members, cats, deaths, qscope, present)

    facts = Q_.read(
        _latest_sql(
            _t(PersonFact), "person_id", ("schooling", "employment", "labour_capacity"),
            f"f.person_id IN (SELECT p.id FROM {person} p WHERE p.household_id IN ({scope}))"
            f" AND {Q_.holds(as_of, 'f.valid_from', 'f.valid_to')}",
            f"kind, CASE kind WHEN 'schooling' THEN {Q_.json_flag('value', 'in_school')}"
            f" WHEN 'employment' THEN {Q_.json_flag('value', 'employed')} ELSE 0 END,"
            f" {Q_.json_text('value', 'level')}",
        ),
        pa.schema([("person_id", pa.int64()), ("kind", pa.string()), ("flag", pa.bool_()),
                   ("level", pa.string())]),
    )  # fmt: skip
    assets = Q_.read(
        _latest_sql(
            _t(HouseholdFact), "household_id", ("assets",),
            f"f.household_id IN ({scope}) AND {Q_.holds(as_of, 'f.valid_from', 'f.valid_to')}",
            f"{Q_.json_int('value', 'dwellings')}, {Q_.json_text('value', 'dwellings')},"
            f" {Q_.json_flag('value', 'dwelling_unsafe')}",
        ),
        pa.schema([("household_id", pa.int64()), ("dwellings", pa.int64()), ("dwellings_text", pa.string()),
                   ("dwelling_unsafe", pa.bool_())]),
    )  # fmt: skip
    disability = _latest(
        PersonFact.unscoped.filter(person__household_id__in=qscope, kind="disability")
        .filter(holds_on(as_of))
        .values_list("person_id", "kind", "valid_from", "value_enc")
        .iterator(CHUNK)
    )
    return _columns(members, households, cats, deaths, facts, assets, disability, as_of)


def _with_deaths(members: pa.Table, cats: pa.Table, deaths: dict, qscope, present: set) -> tuple:
    """Add the deceased who left the household (their last membership in scope) and the categories the
    deceased held on the eve of death."""
    missing = [pid for pid in deaths if pid not in present]
    if missing:
        last: dict[int, tuple] = {}
        for pid, hid, rel, vf, birth in (
            Person.unscoped.filter(pk__in=missing, memberships__household_id__in=qscope)
            .values_list("pk", "memberships__household_id", "memberships__relation",
                         "memberships__valid_from", "birth_date")
        ):  # fmt: skip
            if pid not in last or vf >= last[pid][2]:
                last[pid] = (hid, rel, vf, birth)
        extra = [
            {"person_id": pid, "household_id": hid, "is_head": rel == "head",
             "birth": None if birth is None else birth.year * 10000 + birth.month * 100 + birth.day}
            for pid, (hid, rel, _vf, birth) in last.items()
        ]  # fmt: skip
        members = pa.concat_tables([members, pa.Table.from_pylist(extra, schema=MEMBER_SCHEMA)])
    eve_rows = []
    for pid, cat, s, u in CategoryStatus.unscoped.filter(person_id__in=list(deaths)).values_list(
        "person_id", "category", "since", "until"
    ):
        eve = deaths[pid] - dt.timedelta(days=1)
        if s <= eve and (u is None or u > eve):
            eve_rows.append({"person_id": pid, "category": cat})
    if eve_rows:
        cats = pa.concat_tables([cats, pa.Table.from_pylist(eve_rows, schema=cats.schema)])
    return members, cats


def _lookup(keys, table: pa.Table, key: str, column: str):
    """``table[column]`` for each of ``keys`` (null where the key is not in ``table``)."""
    if table.num_rows == 0:
        return pa.nulls(len(keys), table.schema.field(column).type)
    return table[column].take(pc.index_in(keys, value_set=table[key]))


def _columns(members, households, cats, deaths, facts, assets, disability, as_of: dt.date) -> pa.Table:
    """The person table computed column by column in Arrow (facts looked up by person / household)."""
    if members.num_rows == 0:
        return E.person_table([])
    n = members.num_rows
    pids, hids = members["person_id"], members["household_id"]
    kind_facts = {
        k: facts.filter(pc.equal(facts["kind"], k)) for k in ("schooling", "employment", "labour_capacity")
    }
    dead = pa.table(
        {
            "person_id": pa.array(list(deaths), pa.int64()),
            "died_on": pa.array(list(deaths.values()), pa.date32()),
            "died": pa.array([d.year * 10000 + d.month * 100 + d.day for d in deaths.values()], pa.int64()),
        }
    )
    died_on = _lookup(pids, dead, "person_id", "died_on")
    on = pc.coalesce(
        _lookup(pids, dead, "person_id", "died"), as_of.year * 10000 + as_of.month * 100 + as_of.day
    )
    birth = members["birth"]
    year = lambda d: pc.divide(d, 10000)  # noqa: E731 - integer division of YYYYMMDD
    age = pc.subtract(
        pc.subtract(year(on), year(birth)),
        pc.cast(pc.less(pc.remainder(on, 10000), pc.remainder(birth, 10000)), pa.int64()),
    )
    dwellings = _lookup(hids, assets, "household_id", "dwellings")
    texts = _lookup(hids, assets, "household_id", "dwellings_text")
    if texts.null_count < len(texts):  # a number written as text: Python's int() as before
        dwellings = pa.array(
            [
                d if s is None else _int(s)
                for d, s in zip(dwellings.to_pylist(), texts.to_pylist(), strict=True)
            ],
            pa.int64(),
        )
    grades: list = [None] * n
    severe: list = [False] * n
    if disability:
        for i, p in enumerate(pids.to_pylist()):
            blob = disability.get((p, "disability"))
            if blob is None:
                continue
            dis = crypto.decrypt_json(bytes(blob))
            grade = _int(dis.get("grade")) if isinstance(dis, dict) else None
            kind = dis.get("kind") if isinstance(dis, dict) else None
            grades[i] = grade
            severe[i] = grade is not None and (grade <= 2 or (grade == 3 and kind in SEVERE_KINDS))
    false = pa.scalar(False)
    cols = {
        "person_id": pids,
        "household_id": hids,
        "region_code": _lookup(hids, households, "household_id", "region_code"),
        "area_type": _lookup(hids, households, "household_id", "area_type"),
        "is_head": members["is_head"],
        "age": pc.cast(age, pa.int32()),
        "in_school": pc.coalesce(_lookup(pids, kind_facts["schooling"], "person_id", "flag"), false),
        "employed": pc.coalesce(_lookup(pids, kind_facts["employment"], "person_id", "flag"), false),
        "labour": _lookup(pids, kind_facts["labour_capacity"], "person_id", "level"),
        "disabled": pa.array([g is not None for g in grades], pa.bool_()),
        "severe_disabled": pa.array(severe, pa.bool_()),
        "dwellings": pc.cast(dwellings, pa.int32()),
        "dwelling_unsafe": pc.coalesce(_lookup(hids, assets, "household_id", "dwelling_unsafe"), false),
        "days_since_death": pc.cast(pc.days_between(died_on, pa.scalar(as_of, pa.date32())), pa.int32()),
    }
    for c in E.CATEGORIES:
        holders = cats.filter(pc.equal(cats["category"], c))["person_id"]
        cols[f"p_{c}"] = pc.is_in(pids, value_set=holders.combine_chunks() if holders.num_chunks else
                                  pa.array([], pa.int64()))  # fmt: skip
    return pa.table(cols, schema=E.PERSON_SCHEMA)


def _get(value, key: str):
    return value.get(key) if isinstance(value, dict) else None


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None
