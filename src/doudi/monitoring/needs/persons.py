"""The person table of ``policy.rules.entitlements`` built from the registry in bulk (one query per
table, no ORM call per person): current members of the households that hold a low-income category on
the date, and members who died within the funeral window (their categories held on the eve of death).

System work over the region tree: run under ``all_regions()`` or a scope the caller set; the managers
used here are the unscoped ones, restricted by the ``households`` subquery the caller passes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Q, QuerySet

from doudi.casework.models import DeathRecord
from doudi.core import crypto
from doudi.core.dates import holds_on
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


def load(as_of: dt.date, household_ids: Iterable[int] | None = None) -> pa.Table:
    """The person table on ``as_of`` for the given households (all category households when None)."""
    hh_ids = list(household_ids) if household_ids is not None else None
    scope = category_households(as_of, hh_ids)
    hh_filter = Q(household_id__in=scope)

    households = {
        pk: (region, area)
        for pk, region, area in Household.unscoped.filter(pk__in=scope).values_list(
            "pk", "region_code", "area_type"
        )
    }
    cats: dict[int, set[str]] = defaultdict(set)
    for pid, cat in (
        CategoryStatus.unscoped.filter(hh_filter, holds_on(as_of, "since", "until"))
        .values_list("person_id", "category")
        .iterator(chunk_size=CHUNK)
    ):
        cats[pid].add(cat)
    members = list(
        Person.unscoped.filter(hh_filter)
        .values_list("pk", "household_id", "relation", "birth_date")
        .iterator(CHUNK)
    )
    # deaths within the lookback: the member's household (current, else the last membership) and categories
    # held on the eve of death
    since = as_of - dt.timedelta(days=DEATH_LOOKBACK_DAYS)
    deaths = dict(
        DeathRecord.unscoped.filter(died_on__gt=since, died_on__lte=as_of)
        .filter(Q(person__household_id__in=scope) | Q(person__memberships__household_id__in=scope))
        .values_list("person_id", "died_on")
        .distinct()
    )
    if deaths:
        present = {m[0] for m in members}
        missing = [pid for pid in deaths if pid not in present]
        if missing:
            last: dict[int, tuple] = {}
            for pid, hid, rel, vf, birth in (
                Person.unscoped.filter(pk__in=missing, memberships__household_id__in=scope)
                .values_list("pk", "memberships__household_id", "memberships__relation",
                             "memberships__valid_from", "birth_date")
            ):  # fmt: skip
                if pid not in last or vf >= last[pid][2]:
                    last[pid] = (hid, rel, vf, birth)
            members += [(pid, hid, rel, birth) for pid, (hid, rel, _vf, birth) in last.items()]
        for pid, cat, s, u in CategoryStatus.unscoped.filter(person_id__in=list(deaths)).values_list(
            "person_id", "category", "since", "until"
        ):
            eve = deaths[pid] - dt.timedelta(days=1)
            if s <= eve and (u is None or u > eve):
                cats[pid].add(cat)

    person_ids = Q(person__household_id__in=scope)
    plain = _latest(
        PersonFact.unscoped.filter(person_ids, holds_on(as_of))
        .filter(kind__in=("schooling", "employment", "labour_capacity"))
        .values_list("person_id", "kind", "valid_from", "value")
        .iterator(CHUNK)
    )
    disability = _latest(
        PersonFact.unscoped.filter(person_ids, holds_on(as_of), kind="disability")
        .values_list("person_id", "kind", "valid_from", "value_enc")
        .iterator(CHUNK)
    )
    assets = {
        hid: v
        for (hid, _k), v in _latest(
            HouseholdFact.unscoped.filter(hh_filter, holds_on(as_of), kind="assets")
            .values_list("household_id", "kind", "valid_from", "value")
            .iterator(CHUNK)
        ).items()
    }

    return _columns(members, households, cats, deaths, plain, disability, assets, as_of)


def _columns(members, households, cats, deaths, plain, disability, assets, as_of: dt.date) -> pa.Table:
    """The person table built column by column (no dict per person)."""
    members = [m for m in members if m[1] in households]
    if not members:
        return E.person_table([])
    pids, hids, relations, births = (list(c) for c in zip(*members, strict=True))
    n = len(pids)
    region = [households[h][0] for h in hids]
    area = [households[h][1] for h in hids]
    died = [deaths.get(p) for p in pids]
    on = [d or as_of for d in died]
    age = [
        None if b is None else o.year - b.year - ((o.month, o.day) < (b.month, b.day))
        for b, o in zip(births, on, strict=True)
    ]

    def fact(kind: str, key: str) -> list:
        return [_get(plain.get((p, kind)), key) for p in pids]

    grades: list = [None] * n
    severe: list = [False] * n
    if disability:
        for i, p in enumerate(pids):
            blob = disability.get((p, "disability"))
            if blob is None:
                continue
            dis = crypto.decrypt_json(bytes(blob))
            grade = _int(dis.get("grade")) if isinstance(dis, dict) else None
            kind = dis.get("kind") if isinstance(dis, dict) else None
            grades[i] = grade
            severe[i] = grade is not None and (grade <= 2 or (grade == 3 and kind in SEVERE_KINDS))
    dwellings = [_int(_get(assets.get(h), "dwellings")) for h in hids]
    cols = {
        "person_id": pa.array(pids, pa.int64()),
        "household_id": pa.array(hids, pa.int64()),
        "region_code": pa.array(region, pa.string()),
        "area_type": pa.array(area, pa.string()),
        "is_head": pa.array([r == "head" for r in relations], pa.bool_()),
        "age": pa.array(age, pa.int32()),
        "in_school": pa.array([_true(v) for v in fact("schooling", "in_school")], pa.bool_()),
        "employed": pa.array([_true(v) for v in fact("employment", "employed")], pa.bool_()),
        "labour": pa.array(
            [v if isinstance(v, str) else None for v in fact("labour_capacity", "level")], pa.string()
        ),
        "disabled": pa.array([g is not None for g in grades], pa.bool_()),
        "severe_disabled": pa.array(severe, pa.bool_()),
        "dwellings": pa.array(dwellings, pa.int32()),
        "dwelling_unsafe": pa.array(
            [_true(_get(assets.get(h), "dwelling_unsafe")) for h in hids], pa.bool_()
        ),
        "days_since_death": pa.array([(as_of - d).days if d else None for d in died], pa.int32()),
    }
    ids = cols["person_id"]
    for c in E.CATEGORIES:
        holders = pa.array([p for p, held in cats.items() if c in held], pa.int64())
        cols[f"p_{c}"] = pc.is_in(ids, value_set=holders)
    return pa.table(cols, schema=E.PERSON_SCHEMA)


def _get(value, key: str):
    return value.get(key) if isinstance(value, dict) else None


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None
