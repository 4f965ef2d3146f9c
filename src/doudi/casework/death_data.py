"""Deaths found in department data (R-W32, R-PAY2; issue 12 "deaths found in department data reach
the next roster before it is sent"): reads only, set-based.

``find_deaths(batch_ids=None, on=...)`` — the persons of the given linked "death" batches (default:
every linked death batch in the store) who are current members of a household with a paid case
(DIBAO/TEKUN, open — active, under review, adjusted, grace, suspended — or ended but still paid up
to a ``pay_until`` on or after the month of death) and who have no ``DeathRecord`` yet; per person the
earliest ``died_on`` not after ``on`` (then the lowest batch and record id), with the batch and
record it came from and the source the providing department tells:

* 公安 (``public_security``) → ``hukou`` (户籍注销);
* 民政 (``civil_affairs``: funeral homes) → ``cremation`` (火化信息);
* a batch the catalog does not place (a store-only batch, another department) → ``data`` (部门数据).

The store side is one DuckDB query over the batches' per-person indexes (or records + links where an
index is missing or stale), like ``verify_data``; the registry side one query per ``ID_CHUNK``
persons. ``death_actions.record_deaths_from_data`` writes what this finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, Subquery

from doudi import linked_store
from doudi.accounts.models import Department
from doudi.casework.lifecycle_base_actions import OPEN_CASE_STATES, PAID_TIERS, month_start
from doudi.casework.models import Case, DeathRecord
from doudi.core import store
from doudi.registry.models import Person

DATASET = "death"
ID_CHUNK = 5_000
ENDED_PAID_STATES = (Case.State.TERMINATED, Case.State.TRANSITIONED)
SOURCE_BY_PROVIDER = {Department.PUBLIC_SECURITY: "hukou", Department.CIVIL_AFFAIRS: "cremation"}
QUERY_THREADS = 2
QUERY_MEMORY = "1GB"


def source_for(provider: str) -> str:
    """The ``DeathRecord.Source`` of a batch's providing department."""
    return SOURCE_BY_PROVIDER.get(provider, "data")  # type: ignore[call-overload]


@dataclass(frozen=True)
class FoundDeath:
    person_id: int
    household_id: int
    region_code: str
    died_on: dt.date
    batch_id: int
    record_id: str
    source: str

    @property
    def source_ref(self) -> str:
        """The batch and record the death was read from (``DeathRecord.source_ref``)."""
        return f"{self.batch_id}:{self.record_id}"[:64]


def death_batches(batch_ids: Iterable[int] | None = None) -> list[linked_store.StoredBatch]:
    """The linked batches of the death dataset (of the given ones, or all)."""
    return [b for b in linked_store.linked_batches(batch_ids) if b.dataset == DATASET]


def _sql_date(d: dt.date) -> str:
    return f"DATE '{d.isoformat()}'"


def linked_deaths(batches: list[linked_store.StoredBatch], on: dt.date, con=None) -> list[tuple]:
    """(person_id, died_on, batch_id, record_id) per linked person of the batches: the earliest death
    not after ``on``, ordered by person."""
    if not batches:
        return []
    indexed, rest = linked_store.split_indexed(batches)
    parts = []
    if indexed:
        files = ", ".join(store.sql_path(b.person_index) for b in indexed)
        parts.append(
            "SELECT person_id, CAST(record_id AS VARCHAR) AS record_id, batch_id, "
            f"CAST(died_on AS DATE) AS died_on FROM read_parquet([{files}])"
        )
    for b in rest:
        parts.append(
            f"""SELECT l.person_id, CAST(r.record_id AS VARCHAR) AS record_id,
                       CAST({int(b.batch_id)} AS BIGINT) AS batch_id, CAST(r.died_on AS DATE) AS died_on
                FROM read_parquet({store.sql_path(b.records)}) r
                JOIN (SELECT record_id, person_id FROM read_parquet({store.sql_path(b.links)})
                      WHERE person_id IS NOT NULL) l USING (record_id)"""
        )
    sql = f"""SELECT person_id, died_on, batch_id, record_id FROM (
                SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY died_on, batch_id, record_id) AS n
                FROM ({" UNION ALL ".join(parts)}) d
                WHERE person_id IS NOT NULL AND died_on IS NOT NULL AND died_on <= {_sql_date(on)}
              ) WHERE n = 1 ORDER BY person_id"""
    own_con = con is None
    con = con or store.duckdb_connection(memory_limit=QUERY_MEMORY, threads=QUERY_THREADS)
    try:
        return con.execute(sql).fetchall()
    finally:
        if own_con:
            con.close()


def _paid_members(person_ids: list[int]) -> list[tuple]:
    """(person_id, household_id, region_code, open paid case?, latest pay_until of an ended paid case)
    of the persons who are current members of a household with a paid case and have no DeathRecord."""
    household = OuterRef("household_id")
    open_paid = Case.unscoped.filter(household_id=household, tier__in=PAID_TIERS, state__in=OPEN_CASE_STATES)
    ended_until = (
        Case.unscoped.filter(
            household_id=household, tier__in=PAID_TIERS, state__in=ENDED_PAID_STATES, pay_until__isnull=False
        )
        .order_by()
        .values("household_id")
        .annotate(m=Max("pay_until"))
        .values("m")
    )
    return list(
        Person.unscoped.filter(pk__in=person_ids, household__isnull=False)
        .filter(~Exists(DeathRecord.unscoped.filter(person_id=OuterRef("pk"))))
        .annotate(open_paid=Exists(open_paid), ended_until=Subquery(ended_until))
        .filter(Q(open_paid=True) | Q(ended_until__isnull=False))
        .values_list("pk", "household_id", "region_code", "open_paid", "ended_until")
    )


def find_deaths(batch_ids: Iterable[int] | None = None, *, on: dt.date) -> list[FoundDeath]:
    """See the module's docstring. Ordered by person."""
    batches = death_batches(batch_ids)
    deaths = linked_deaths(batches, on)
    if not deaths:
        return []
    source = {b.batch_id: source_for(b.provider) for b in batches}
    by_person = {int(p): (died_on, int(batch), str(record)) for p, died_on, batch, record in deaths}
    ids = sorted(by_person)
    found = []
    for i in range(0, len(ids), ID_CHUNK):
        for pk, household_id, region, open_paid, ended_until in _paid_members(ids[i : i + ID_CHUNK]):
            died_on, batch, record = by_person[pk]
            if not open_paid and ended_until < month_start(died_on):
                continue  # an ended case already paid out before the death: nothing to stop
            found.append(FoundDeath(pk, household_id, region, died_on, batch, record, source[batch]))
    return sorted(found, key=lambda f: f.person_id)
