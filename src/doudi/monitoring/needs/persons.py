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

    rows = []
    for pid, hid, relation, birth in members:
        if hid not in households:
            continue
        region, area = households[hid]
        school = plain.get((pid, "schooling")) or {}
        job = plain.get((pid, "employment")) or {}
        labour = plain.get((pid, "labour_capacity")) or {}
        dis_blob = disability.get((pid, "disability"))
        dis = crypto.decrypt_json(bytes(dis_blob)) if dis_blob is not None else None
        grade = _int(dis.get("grade")) if isinstance(dis, dict) else None
        kind = dis.get("kind") if isinstance(dis, dict) else None
        asset = assets.get(hid) or {}
        died = deaths.get(pid)
        own = cats.get(pid, set())
        rows.append(
            {
                "person_id": pid,
                "household_id": hid,
                "region_code": region,
                "area_type": area,
                "is_head": relation == "head",
                "age": _age(birth, died or as_of),
                "in_school": _true(school.get("in_school")) if isinstance(school, dict) else False,
                "employed": _true(job.get("employed")) if isinstance(job, dict) else False,
                "labour": labour.get("level") if isinstance(labour, dict) else None,
                "disabled": grade is not None,
                "severe_disabled": grade is not None
                and (grade <= 2 or (grade == 3 and kind in SEVERE_KINDS)),
                "dwellings": _int(asset.get("dwellings")) if isinstance(asset, dict) else None,
                "dwelling_unsafe": _true(asset.get("dwelling_unsafe")) if isinstance(asset, dict) else False,
                "days_since_death": (as_of - died).days if died else None,
                **{f"p_{c}": c in own for c in E.CATEGORIES},
            }
        )
    return E.person_table(rows)


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None
