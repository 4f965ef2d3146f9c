"""The registry roster import: an action module (exchange contract "Registry roster", DOMAIN R-H1, R-H4).

``import_roster`` loads a roster file in one transaction: new persons and households are created,
a changed row becomes new dated facts (membership, category, location, identity) closing the old
ones at ``as_of`` — history is never overwritten — and an unchanged row (same ``roster_hash``) costs
one indexed lookup. Writes are set-based: rows are read in chunks, existing state is fetched with
``__in`` lookups, and inserts/updates go out in bulk (``COPY`` on PostgreSQL, ``executemany`` on
SQLite). One ``ImportBatch`` row and one audit event record the load.

Design choices: unknown extra columns are kept per person in the ``raw`` part of an encrypted
IDENTITY ``PersonFact`` (``{"name", "id_number", "sex", "birth_date", "raw"}``, as the row said).
A new person gets such a fact only when the row has extra values — otherwise the Person row is the
current identity. When a later row changes the identity, the open identity fact is closed at
``as_of`` (or, when there is none, the previous identity is first recorded as a closed fact from
the person's first membership) and a new one opens. Persons absent from the file are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from doudi.core import crypto
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.regions.models import Region
from doudi.registry.bulk_sql import BulkSql, chunks
from doudi.registry.identity import StoredIdentity, encode_identity
from doudi.registry.models import (
    CategoryStatus,
    Household,
    HouseholdFact,
    HouseholdFactKind,
    ImportBatch,
    Membership,
    Person,
    PersonFact,
    PersonFactKind,
    Source,
)
from doudi.registry.roster_changes import (
    CATEGORY_FIELDS,
    FACT_FIELDS,
    MEMBER_FIELDS,
    PERSON_FIELDS,
    PFACT_FIELDS,
    PersonChanges,
    iso,
)
from doudi.registry.roster_read import RosterFileError, RosterRow, RosterSource, RowChecker, open_roster

__all__ = ["RosterFileError", "RosterReport", "import_roster"]

log = logging.getLogger(__name__)

CHUNK_ROWS = 20_000  # rows validated, looked up and written together
ERRORS_KEPT = 10_000  # rejected-row details stored on the batch (all are counted)
PROVINCE = "220000000000"
IDENTITY = PersonFactKind.IDENTITY
LOCATION = HouseholdFactKind.LOCATION


@dataclass
class RosterReport:
    batch_id: int | None
    rows_read: int = 0
    created: int = 0  # new persons
    changed: int = 0  # persons whose row differed from the last load: new dated facts
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)  # [{"line", "column", "reason"}], first ERRORS_KEPT
    persons_total: int = 0
    households_total: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    households_created: int = 0
    households_moved: int = 0  # region or urban/rural changed
    id_status: dict[str, int] = field(default_factory=dict)  # of created and changed persons
    identity_conflicts: int = 0  # recorded birth date/sex differs from a valid identity number
    extra_columns: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (benchmarks)

    def counts(self) -> dict:
        keys = ("rows_read", "created", "changed", "unchanged", "rejected", "persons_total",
                "households_total", "households_created", "households_moved", "identity_conflicts")  # fmt: skip
        return {k: getattr(self, k) for k in keys} | {
            "rejected_by_reason": self.rejected_by_reason,
            "id_status": self.id_status,
            "extra_columns": self.extra_columns,
        }


def import_roster(
    path: Path | str,
    *,
    actor,
    as_of: dt.date | None = None,
    file_name: str | None = None,
    progress: bool = False,
    scope_code: str | None = None,
) -> RosterReport:
    """Load a roster file. Raises ``RosterFileError`` (Chinese message, nothing loaded) when the file
    is unreadable or lacks a required column; bad rows are reported and skipped, the rest loads."""
    as_of = as_of or timezone.localdate()
    source = open_roster(path, file_name)
    try:
        return _import(source, actor=actor, as_of=as_of, scope_code=scope_code, progress=progress)
    finally:
        source.close()


def _import(source: RosterSource, *, actor, as_of: dt.date, scope_code: str | None, progress: bool):
    regions = dict(Region.objects.values_list("code", "level"))
    checker = RowChecker(source.header, regions=regions, scope_code=scope_code, today=timezone.localdate())
    batch_region = scope_code.ljust(12, "0") if scope_code else PROVINCE
    user = actor if getattr(actor, "pk", None) else None
    try:
        with transaction.atomic():
            batch = ImportBatch.unscoped.create(
                region_code=batch_region,
                file_name=source.file_name[:255],
                content_hash=source.content_hash,
                as_of=as_of,
                created_by=user,
            )
            loader = _Loader(batch, checker, as_of=as_of, user=user, scope_code=scope_code)
            loader.run(source.rows, total=source.rows_hint, progress=progress)
            report = loader.finish()
            record_audit(
                actor=actor,
                action=AuditAction.REGISTRY_ROSTER_IMPORT,
                region_code=batch_region,
                subject_type="import_batch",
                subject_id=batch.pk,
                after={"file": source.file_name, "as_of": as_of, **report.counts()},
                detail=f"名册导入 {source.file_name}",
            )
            return report
    except Exception as exc:
        _record_failure(source, as_of, batch_region, actor, user, exc)
        raise


def _record_failure(source, as_of, region, actor, user, exc: Exception) -> None:
    """The load was rolled back; keep a failed batch row so the attempt is visible."""
    reason = str(exc) if isinstance(exc, RosterFileError) else f"导入失败，已全部回滚：{type(exc).__name__}"
    try:
        with transaction.atomic():
            batch = ImportBatch.unscoped.create(
                region_code=region,
                file_name=source.file_name[:255],
                content_hash=source.content_hash,
                as_of=as_of,
                status=ImportBatch.Status.FAILED,
                errors=[{"line": 0, "column": "", "reason": reason[:500]}],
                created_by=user,
            )
            record_audit(
                actor=actor,
                action=AuditAction.REGISTRY_ROSTER_IMPORT_FAILED,
                region_code=region,
                subject_type="import_batch",
                subject_id=batch.pk,
                detail=reason[:500],
            )
    except Exception:  # the outer error is what matters (e.g. the connection itself broke)
        log.exception("could not record the failed roster import")


@dataclass(slots=True)
class _Hh:
    id: int
    region: str
    area: str
    line: int


class _Loader:
    def __init__(self, batch: ImportBatch, checker: RowChecker, *, as_of, user, scope_code):
        self.batch = batch
        self.checker = checker
        self.as_of = as_of
        self.as_of_s = as_of.isoformat()
        self.ref = str(batch.pk)
        self.user_id = user.pk if user else None
        self.scope = checker.scope_prefix
        self.timings: defaultdict[str, float] = defaultdict(float)
        self.sql = BulkSql(timezone.now(), self.timings)
        self.report = RosterReport(batch_id=batch.pk, extra_columns=[c for c, _ in checker.extra])
        self.hh: dict[str, _Hh] = {}
        self.bad_hh: dict[str, str] = {}  # household key → why all its rows are rejected
        self.id_status: Counter = Counter()
        self.reasons: Counter = Counter()
        self.in_size = min(connection.features.max_query_params or 10_000, 10_000) - 10
        # a fresh registry needs no lookups at all
        self.any_persons = Person.unscoped.exists()
        self.any_households = Household.unscoped.exists()

    # ------------------------------------------------------------------------------------ driver

    def run(self, rows: Iterator[tuple[int, Any]], *, total: int | None, progress: bool) -> None:
        from tqdm import tqdm

        cpu = time.thread_time()
        try:
            self._run(
                rows, tqdm(total=total, disable=not progress, unit="行", desc="名册导入", mininterval=1)
            )
        finally:
            self.sql.close()  # the writer thread is done with the connection before any rollback
            self.timings["main thread cpu"] += time.thread_time() - cpu

    def _run(self, rows, bar) -> None:
        with bar:
            clock = time.perf_counter()
            for chunk in chunks(rows, CHUNK_ROWS):
                good = []
                for line, values in chunk:
                    row, errs = self.checker.check(line, values)
                    if row is None:
                        self.reject_line(line, errs)
                    else:
                        good.append(row)
                now = time.perf_counter()
                self.timings["read and check"] += now - clock
                self.load(good)
                clock = time.perf_counter()
                self.timings["load"] += clock - now
                bar.update(len(chunk))

    def reject(self, row: RosterRow, column: str, label: str, detail: str = "") -> None:
        self.reject_line(row.line, [(column, label, detail)])

    def reject_line(self, line: int, errs: list[tuple[str, str, str]]) -> None:
        self.report.rejected += 1
        for column, label, detail in errs:
            self.reasons[label] += 1
            if len(self.report.errors) < ERRORS_KEPT:
                reason = f"{label}：{detail}" if detail else label
                self.report.errors.append({"line": line, "column": column, "reason": reason})

    def load(self, rows: list[RosterRow]) -> None:
        clock = time.perf_counter()
        # into a fresh registry every row is a new person: encrypt while the writer works
        idents = {r.line: encode_identity(r.id_number) for r in rows} if not self.any_persons else {}
        now = time.perf_counter()
        self.timings["identity"] += now - clock
        self.sql.drain()
        self.timings["wait for writer"] += time.perf_counter() - now
        clock = time.perf_counter()
        rows = self.households(rows)
        now = time.perf_counter()
        self.timings["households"] += now - clock
        new, changed = [], []
        existing = self.lookup_persons([r.person_key for r in rows]) if self.any_persons else {}
        self.timings["person lookup"] += time.perf_counter() - now
        for r in rows:
            cur = existing.get(r.person_key)
            if cur is None:
                new.append(r)
            elif self.scope is not None and not cur[2].startswith(self.scope):
                self.reject(r, "person_key", "该人员属于辖区外，不能通过本辖区的名册修改")
            elif cur[1] == r.roster_hash:
                self.report.unchanged += 1
            else:
                changed.append((r, cur[0]))
        if new:
            self.create_persons(new, idents)
        if changed:
            self.change_persons(changed)

    def finish(self) -> RosterReport:
        self.sql.close()
        rep = self.report
        rep.rows_read = self.checker.rows_read
        rep.errors.sort(key=lambda e: e["line"])
        rep.rejected_by_reason = dict(self.reasons.most_common())
        rep.id_status = dict(self.id_status)
        rep.timings = {k: round(v, 2) for k, v in self.timings.items()}
        persons, households = Person.unscoped.all(), Household.unscoped.all()
        if self.scope:
            persons = persons.filter(region_code__startswith=self.scope)
            households = households.filter(region_code__startswith=self.scope)
        rep.persons_total, rep.households_total = persons.count(), households.count()
        if self.sql.pg and rep.created + rep.changed >= 50_000:
            # fresh statistics after a bulk load keep the planner on the indexes (and autovacuum
            # would only get to it later)
            tables = (Person, Household, Membership, CategoryStatus, HouseholdFact, PersonFact)
            with connection.cursor() as cur:
                cur.execute("ANALYZE " + ", ".join(f'"{m._meta.db_table}"' for m in tables))
        b = self.batch
        b.status = ImportBatch.Status.LOADED
        b.rows_read, b.rows_loaded = rep.rows_read, rep.created + rep.changed
        b.rows_rejected, b.rows_unchanged = rep.rejected, rep.unchanged
        b.errors = rep.errors
        b.summary = rep.counts()
        b.save()
        return rep

    # -------------------------------------------------------------------------------- households

    def households(self, rows: list[RosterRow]) -> list[RosterRow]:
        """Resolve each row's household: create new ones, move existing ones whose region or
        urban/rural type changed (dated location fact), and reject rows contradicting their
        household's first row in the file."""
        kept: list[RosterRow] = []
        pending: dict[str, RosterRow] = {}
        for r in rows:
            if r.household_key in self.bad_hh:
                self.reject(r, "household_key", self.bad_hh[r.household_key])
                continue
            h = self.hh.get(r.household_key)
            if h is None:
                first = pending.get(r.household_key)
                if first is None:
                    pending[r.household_key] = r
                elif self._conflicts(r, first.region_code, first.area_type, first.line):
                    continue
            elif self._conflicts(r, h.region, h.area, h.line):
                continue
            kept.append(r)
        if not pending:
            return kept
        found = {}
        if self.any_households:
            cols = ("household_key", "id", "region_code", "area_type")
            found = {k: (i, rc, a) for k, i, rc, a in self.sql.select(Household, cols, list(pending))}
        new, moves = [], []
        for key, r in pending.items():
            if key not in found:
                new.append(r)
                continue
            hid, region, area = found[key]
            if self.scope is not None and not region.startswith(self.scope):
                self.bad_hh[key] = "该户属于辖区外，不能通过本辖区的名册修改"
                continue
            self.hh[key] = _Hh(hid, r.region_code, r.area_type, r.line)
            if (region, area) != (r.region_code, r.area_type):
                moves.append((hid, key, r, region))
        if moves:
            self.move_households(moves)
        if new:
            self.create_households(new)
        out = []
        for r in kept:
            if r.household_key in self.bad_hh:
                self.reject(r, "household_key", self.bad_hh[r.household_key])
            else:
                out.append(r)
        return out

    def _conflicts(self, r: RosterRow, region: str, area: str, line: int) -> bool:
        if r.region_code != region:
            self.reject(r, "region_code", "与同户其他行的区划代码不一致", f"第 {line} 行为 {region}")
        elif r.area_type != area:
            self.reject(r, "area_type", "与同户其他行的城乡类别不一致", f"第 {line} 行为 {area}")
        else:
            return False
        return True

    def create_households(self, rows: list[RosterRow]) -> None:
        ids = self.sql.next_ids(Household, len(rows))
        hh, facts = [], []
        for hid, r in zip(ids, rows, strict=True):
            self.hh[r.household_key] = _Hh(hid, r.region_code, r.area_type, r.line)
            hh.append((hid, r.region_code, r.household_key, r.area_type))
            value = json.dumps({"region_code": r.region_code, "area_type": r.area_type})
            facts.append((r.region_code, hid, LOCATION, value, self.as_of_s, Source.ROSTER, self.ref, self.user_id))  # fmt: skip
        self.sql.insert(Household, ("id", "region_code", "household_key", "area_type"), hh)
        self.sql.insert(HouseholdFact, FACT_FIELDS, facts)
        self.report.households_created += len(rows)

    def move_households(self, moves: list[tuple[int, str, RosterRow, str]]) -> None:
        self.sql.drain()
        ids = [m[0] for m in moves]
        open_facts = list(
            HouseholdFact.unscoped.filter(household_id__in=ids, kind=LOCATION, valid_to__isnull=True)
            .values_list("id", "household_id", "valid_from")
        )  # fmt: skip
        late = {hid for _, hid, vf in open_facts if vf > self.as_of}
        moves_ok = []
        for m in moves:
            if m[0] in late:
                self.bad_hh[m[1]] = f"该户已有晚于 {self.as_of_s} 的区划记录，不能按此日期变更"
                del self.hh[m[1]]
            else:
                moves_ok.append(m)
        self.sql.close_rows(HouseholdFact, "valid_to", [(i, self.as_of) for i, hid, _ in open_facts if hid not in late])  # fmt: skip
        facts, updates, relocated = [], [], []
        for hid, _key, r, old_region in moves_ok:
            value = json.dumps({"region_code": r.region_code, "area_type": r.area_type})
            facts.append((r.region_code, hid, LOCATION, value, self.as_of_s, Source.ROSTER, self.ref, self.user_id))  # fmt: skip
            updates.append((hid, r.region_code, r.area_type, self.sql.now_db))
            if old_region != r.region_code:
                relocated.append(hid)
        self.sql.update(Household, ("region_code", "area_type", "updated_at"), updates)
        # the household's rows, its current members and their facts follow it to the new region
        household_region = Subquery(
            Household.unscoped.filter(pk=OuterRef("household_id")).values("region_code")[:1]
        )
        person_region = Subquery(Person.unscoped.filter(pk=OuterRef("person_id")).values("region_code")[:1])
        for chunk in chunks(relocated, self.in_size):
            for model in (Person, Membership, CategoryStatus, HouseholdFact):
                model.unscoped.filter(household_id__in=chunk).update(region_code=household_region)
            PersonFact.unscoped.filter(person__household_id__in=chunk).update(region_code=person_region)
        self.sql.insert(HouseholdFact, FACT_FIELDS, facts)
        self.report.households_moved += len(moves_ok)

    # ----------------------------------------------------------------------------------- persons

    def lookup_persons(self, keys: list[str]) -> dict[str, tuple[int, str, str]]:
        cols = ("person_key", "id", "roster_hash", "region_code")
        return {k: (i, h, rc) for k, i, h, rc in self.sql.select(Person, cols, keys)}

    def identity(self, r: RosterRow, ident: StoredIdentity | None = None) -> StoredIdentity:
        """The row's identity number encoded (or ``ident``, encoded already), counted in the report."""
        ident = ident or encode_identity(r.id_number)
        self.id_status[ident.id_status] += 1
        if ident.birth_date and (
            (r.birth_date and r.birth_date != ident.birth_date) or (r.sex and r.sex != ident.sex)
        ):
            self.report.identity_conflicts += 1
        return ident

    def _identity_value(self, r: RosterRow) -> dict:
        """What the row said about the person's identity (kept encrypted)."""
        return {"name": r.name, "id_number": r.id_number, "sex": r.sex, "birth_date": iso(r.birth_date),
                "raw": r.extras}  # fmt: skip

    def create_persons(self, rows: list[RosterRow], idents: dict) -> None:
        ids = self.sql.next_ids(Person, len(rows))
        persons, members, cats, facts = [], [], [], []
        as_of, ref, uid = self.as_of_s, self.ref, self.user_id
        clock = time.perf_counter()
        for pid, r in zip(ids, rows, strict=True):
            h = self.hh[r.household_key]
            ident = self.identity(r, idents.get(r.line))
            persons.append((pid, h.region, r.person_key, r.name, ident.id_enc, ident.id_index, ident.id_masked,
                            ident.id_status, ident.id_problem, iso(r.birth_date or ident.birth_date),
                            r.sex or ident.sex, h.id, r.relation, r.roster_hash))  # fmt: skip
            members.append((h.region, h.id, pid, r.relation, as_of, None, Source.ROSTER, ref))
            if r.category:
                cats.append(
                    (h.region, pid, h.id, r.category, iso(r.since) or as_of, None, Source.ROSTER, ref)
                )
            if r.extras:
                enc = crypto.encrypt_json(self._identity_value(r))
                facts.append((h.region, pid, IDENTITY, enc, as_of, Source.ROSTER, ref, uid))
        self.timings["person rows"] += time.perf_counter() - clock
        self.sql.insert(Person, PERSON_FIELDS, persons)
        self.sql.insert(Membership, MEMBER_FIELDS, members)
        self.sql.insert(CategoryStatus, CATEGORY_FIELDS, cats)
        self.sql.insert(PersonFact, PFACT_FIELDS, facts)
        self.report.created += len(rows)

    def change_persons(self, rows: list[tuple[RosterRow, int]]) -> None:
        """Each difference becomes a dated fact from ``as_of``; the open one is closed there."""
        diff = PersonChanges(self, [pid for _, pid in rows])
        for r, pid in rows:
            problem = diff.plan(r, pid)
            if problem:
                self.reject(r, *problem)
            else:
                self.report.changed += 1
        diff.write()
