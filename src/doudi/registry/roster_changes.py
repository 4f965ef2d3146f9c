"""A changed roster row becomes dated facts (DOMAIN R-H4): the open membership, category and identity
fact close at ``as_of`` and new ones open — history is never overwritten. Part of the roster import
action (``registry.roster``): plans per person from one read of the current state, then writes in bulk."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Protocol

from django.db.models import Min, OuterRef, Subquery

from doudi.core import crypto
from doudi.registry.bulk_sql import BulkSql, chunks
from doudi.registry.identity import StoredIdentity
from doudi.registry.models import CategoryStatus, Membership, Person, PersonFact, PersonFactKind, Source
from doudi.registry.roster_read import RosterRow, RowChecker

IDENTITY = PersonFactKind.IDENTITY


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


FACT_FIELDS = ("region_code", "household_id", "kind", "value", "valid_from", "source", "source_ref", "recorded_by_id")  # fmt: skip
PFACT_FIELDS = ("region_code", "person_id", "kind", "value_enc", "valid_from", "source", "source_ref", "recorded_by_id")  # fmt: skip
PERSON_FIELDS = ("id", "region_code", "person_key", "name", "id_enc", "id_index", "id_masked", "id_status",
                  "id_problem", "birth_date", "sex", "household_id", "relation", "roster_hash")  # fmt: skip
PERSON_READ = ("id", "name", "id_enc", "id_index", "id_masked", "id_status", "id_problem", "birth_date", "sex",
                "household_id", "relation", "region_code")  # fmt: skip
PERSON_UPDATE = ("name", "id_enc", "id_index", "id_masked", "id_status", "id_problem", "birth_date", "sex",
                  "household_id", "relation", "region_code", "roster_hash", "updated_at")  # fmt: skip
MEMBER_FIELDS = ("region_code", "household_id", "person_id", "relation", "valid_from", "valid_to", "source", "source_ref")  # fmt: skip
CATEGORY_FIELDS = ("region_code", "person_id", "household_id", "category", "since", "until", "source", "source_ref")  # fmt: skip


class LoadedHousehold(Protocol):
    """A household of the roster as loaded so far."""

    @property
    def id(self) -> int: ...

    @property
    def region(self) -> str: ...


class Loader(Protocol):
    """What a change plan reads from the running import (``registry.roster``): its date, batch and
    user, the row checker, the bulk writer, the households loaded so far and the identity encoder."""

    as_of: dt.date
    as_of_s: str
    ref: str
    user_id: int | None
    in_size: int
    checker: RowChecker
    sql: BulkSql

    @property
    def hh(self) -> Mapping[str, LoadedHousehold]: ...

    def identity(self, r: RosterRow) -> StoredIdentity: ...


class PersonChanges:
    """Plans the dated facts for persons whose row changed (reads only), then writes them in bulk."""

    def __init__(self, loader: Loader, ids: list[int]):
        loader.sql.drain()
        self.L = loader
        self.cur: dict[int, tuple] = {}
        self.mems: defaultdict[int, list[tuple]] = defaultdict(list)  # open memberships by person
        self.cats: defaultdict[int, list[tuple]] = defaultdict(list)  # open categories
        self.facts: defaultdict[int, list[tuple]] = defaultdict(list)  # open identity facts
        for chunk in chunks(ids, loader.in_size):
            persons = Person.unscoped.filter(id__in=chunk).values_list(*PERSON_READ)
            self.cur.update((p[0], p) for p in persons)
            members = Membership.unscoped.filter(person_id__in=chunk, valid_to__isnull=True)
            for m in members.values_list("id", "person_id", "household_id", "relation", "valid_from"):
                self.mems[m[1]].append(m)
            if loader.checker.has_category:
                cats = CategoryStatus.unscoped.filter(person_id__in=chunk, until__isnull=True)
                for c in cats.values_list("id", "person_id", "category", "since", "household_id"):
                    self.cats[c[1]].append(c)
            facts = PersonFact.unscoped.filter(person_id__in=chunk, kind=IDENTITY, valid_to__isnull=True)
            for f in facts.values_list("id", "person_id", "valid_from", "value_enc"):
                self.facts[f[1]].append(f)
        self.updates: list[tuple] = []
        self.new_members: list[tuple] = []
        self.new_cats: list[tuple] = []
        self.new_facts: list[tuple] = []
        self.close_members: list[tuple[int, dt.date]] = []
        self.close_cats: list[tuple[int, dt.date]] = []
        self.close_facts: list[tuple[int, dt.date]] = []
        self.backfill: list[tuple[int, str, dict, bytes | None]] = []
        self.moved: list[int] = []

    def plan(self, r: RosterRow, pid: int) -> tuple[str, str] | None:
        L, as_of = self.L, self.L.as_of
        has = L.checker.has
        _, name, id_enc, id_index, id_masked, id_status, id_problem, birth, sex, hh_id, relation, region = (
            self.cur[pid]
        )
        h = L.hh[r.household_key]
        ids = (id_enc, id_index, id_masked, id_status, id_problem)
        id_birth = id_sex = None
        if has["id_number"]:
            ident = L.identity(r)
            id_birth, id_sex = ident.birth_date, ident.sex
            if (ident.id_index, ident.id_status) != (id_index, id_status):
                ids = (ident.id_enc, ident.id_index, ident.id_masked, ident.id_status, ident.id_problem)
        new_birth = (r.birth_date or id_birth) if has["birth_date"] or has["id_number"] else birth
        new_sex = (r.sex or id_sex or "") if has["sex"] or has["id_number"] else sex
        identity_changed = (r.name, ids[1], ids[3], new_birth, new_sex) != (
            name,
            id_index,
            id_status,
            birth,
            sex,
        )

        facts = self.facts[pid]
        prev_raw = crypto.decrypt_json(facts[-1][3]).get("raw") if facts and facts[-1][3] else None
        raw_changed = bool(L.checker.extra) and r.extras != prev_raw
        if (identity_changed or raw_changed) and any(f[2] > as_of for f in facts):
            return "name", f"该人员已有晚于 {L.as_of_s} 的身份记录，不能按此日期变更"

        mems = self.mems[pid]
        new_member = not mems or any(m[2] != h.id or m[3] != r.relation for m in mems)
        if new_member and any(m[4] > as_of for m in mems):
            return "household_key", f"该人员已有晚于 {L.as_of_s} 的家庭成员关系，不能按此日期变更"

        cat_close, cat_new, cat_end = [], None, as_of
        if has["category"]:
            cats, want = self.cats[pid], r.category
            if want is None:
                cat_close = cats
            elif not (len(cats) == 1 and cats[0][2] == want and cats[0][4] == h.id):
                cat_changed = not cats or any(c[2] != want for c in cats)
                cat_end = (r.since or as_of) if cat_changed else as_of
                cat_close, cat_new = cats, (want, cat_end)
            if any(c[3] > cat_end for c in cat_close):
                return "since", f"现有救助类别的起始日期晚于 {cat_end.isoformat()}，不能按此日期变更"

        # the plan holds: record it
        ref, as_of_s = L.ref, L.as_of_s
        if identity_changed or raw_changed:
            value = {
                "name": r.name,
                "id_number": r.id_number if has["id_number"] else None,
                "sex": r.sex if has["sex"] else None,
                "birth_date": iso(r.birth_date) if has["birth_date"] else None,
                "raw": r.extras if L.checker.extra else prev_raw,
            }
            if not facts and identity_changed:
                old = {"name": name, "sex": sex, "birth_date": iso(birth), "raw": None}
                self.backfill.append((pid, h.region, old, id_enc))
            self.close_facts += [(f[0], as_of) for f in facts]
            enc = crypto.encrypt_json(value)
            self.new_facts.append((h.region, pid, IDENTITY, enc, as_of_s, Source.ROSTER, ref, L.user_id))
        if new_member:
            self.close_members += [(m[0], as_of) for m in mems]
            self.new_members.append((h.region, h.id, pid, r.relation, as_of_s, None, Source.ROSTER, ref))
        self.close_cats += [(c[0], cat_end) for c in cat_close]
        if cat_new:
            self.new_cats.append((h.region, pid, h.id, cat_new[0], cat_new[1].isoformat(), None, Source.ROSTER, ref))  # fmt: skip
        if region != h.region:
            self.moved.append(pid)
        self.updates.append((pid, r.name, *ids, iso(new_birth), new_sex, h.id, r.relation, h.region,
                             r.roster_hash, L.sql.now_db))  # fmt: skip
        return None

    def write(self) -> None:
        L, sql = self.L, self.L.sql
        sql.close_rows(Membership, "valid_to", self.close_members)
        sql.close_rows(CategoryStatus, "until", self.close_cats)
        sql.close_rows(PersonFact, "valid_to", self.close_facts)
        if self.backfill:
            # the identity held before this change, from the person's first membership (R-H4)
            pids = [b[0] for b in self.backfill]
            first: dict[int, dt.date] = {}
            for chunk in chunks(pids, L.in_size):
                qs = Membership.unscoped.filter(person_id__in=chunk).values("person_id")
                first.update(qs.annotate(d=Min("valid_from")).values_list("person_id", "d"))
            for pid, region, old, id_enc in self.backfill:
                start = first.get(pid)
                if start is None or start >= L.as_of:
                    continue
                old["id_number"] = crypto.decrypt(id_enc) if id_enc else ""
                enc = crypto.encrypt_json(old)
                self.new_facts.append((region, pid, IDENTITY, enc, start.isoformat(), Source.ROSTER, L.ref,
                                       L.user_id, L.as_of_s))  # fmt: skip
        sql.update(Person, PERSON_UPDATE, self.updates)
        # a person's facts follow them to their new region
        person_region = Subquery(Person.unscoped.filter(pk=OuterRef("person_id")).values("region_code")[:1])
        for chunk in chunks(self.moved, L.in_size):
            PersonFact.unscoped.filter(person_id__in=chunk).update(region_code=person_region)
        sql.insert(Membership, MEMBER_FIELDS, self.new_members)
        sql.insert(CategoryStatus, CATEGORY_FIELDS, self.new_cats)
        closed = [f for f in self.new_facts if len(f) > 8]
        sql.insert(PersonFact, PFACT_FIELDS, [f for f in self.new_facts if len(f) == 8])
        sql.insert(PersonFact, (*PFACT_FIELDS, "valid_to"), closed)
