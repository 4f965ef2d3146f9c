"""Inputs of a monitoring scan, loaded set-based into DuckDB (DOMAIN R-M11, R-M12).

Two kinds of input:

* the batch store (STORE-CONTRACT): per dataset, the records of every linked batch joined to their
  links, as the temporary table ``d_<dataset>`` — one row per record linked to a CURRENT registry
  member, with ``batch_id``, ``batch_as_of``, ``target`` (the record's batch is one the scan was
  asked to look at), ``record_id``, ``person_id``, ``household_id`` and the dataset's own columns;
* the registry, exported from the database in bulk (one query per table, streamed in chunks):
  ``mem`` (current members with age on the scan date), ``hh`` (households), ``cat`` (categories
  held on the date), ``emp``/``sch`` (employment and schooling facts, plain JSON), ``need``
  (assistance that reached a person, R-P1) and, only for the candidate persons/households an
  indicator names, the SENSITIVE facts (``dis_reg``, ``ill_reg``, ``inc_reg``) decrypted once per
  row with ``crypto.decrypt_json``.

Raw SQL over the registry tables is deliberate: scans are system jobs over the whole province, so
the region-scoped managers do not apply (the callers run under ``all_regions()``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import connection

from doudi.core import crypto, store
from doudi.datasets import DATASETS
from doudi.linked_store import StoredBatch, dataset_columns
from doudi.monitoring.models import NeedPush
from doudi.registry.models import CategoryStatus, Household, HouseholdFact, Person, PersonFact, Source

CHUNK = 100_000
ID_CHUNK = 5_000  # ids per IN (…) query elsewhere (discovery's existing cases)
WORKING_AGE = (16, 60)  # 劳动年龄: 16 to 59 years old on the scan date
SEVERE_SQL = "({g} <= 2 OR ({g} = 3 AND {k} IN ('intellectual', 'mental')))"  # DOMAIN §3 重度残疾
# Assistance that counts as having reached the person (W-GAP): a need push (R-P1) the department accepted or
# gave, of the entitlement's own code or of the code a hand referral (R-M15) uses for the same department.
REACHED_STATUSES = (NeedPush.Status.ACCEPTED, NeedPush.Status.GIVEN)


def severe(grade: str, kind: str) -> str:
    return SEVERE_SQL.format(g=grade, k=kind)


def lit(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


# ------------------------------------------------------------------------------------------- batches

# Which batches are linked, and their datasets' column types: ``doudi.linked_store`` (shared with casework).

COMMON_RECORD_COLUMNS = (
    ("id_index", "VARCHAR"),
    ("name", "VARCHAR"),
    ("sex", "VARCHAR"),
    ("birth_date", "DATE"),
    ("region_code", "VARCHAR"),
    ("county_code", "VARCHAR"),
)


def create_linked_table(con, dataset: str, batches: Sequence[StoredBatch], targets: set[int] | None) -> int:
    """``d_<dataset>``: records of the dataset's batches linked to a current member (``mem``)."""
    cols = dataset_columns(dataset)
    typed = ", ".join(f"{name} {kind}" for name, kind in cols)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE d_{dataset} (batch_id BIGINT, batch_as_of DATE, target BOOLEAN,
            record_id VARCHAR, person_id BIGINT, household_id BIGINT{", " + typed if typed else ""})"""
    )
    own = "".join(f", CAST(r.{name} AS {kind})" for name, kind in cols)
    for b in batches:
        target = "TRUE" if targets is None or b.batch_id in targets else "FALSE"
        con.execute(
            f"""INSERT INTO d_{dataset}
                SELECT {b.batch_id}, {lit(b.as_of)}, {target}, r.record_id, l.person_id, m.household_id{own}
                FROM read_parquet({store.sql_path(b.records)}) r
                JOIN (SELECT record_id, person_id FROM read_parquet({store.sql_path(b.links)})
                      WHERE person_id IS NOT NULL) l USING (record_id)
                JOIN mem m ON m.person_id = l.person_id"""
        )
    return con.execute(f"SELECT count(*) FROM d_{dataset}").fetchall()[0][0]


def create_unmatched_table(
    con, dataset: str, batches: Sequence[StoredBatch], targets: set[int] | None, where: str = "TRUE"
) -> None:
    """``u_<dataset>``: records of the dataset that matched no registry person (method none), with
    the identity and address columns discovery needs, filtered by ``where`` (over ``r.``)."""
    cols = dataset_columns(dataset)
    common = ", ".join(f"{n} {k}" for n, k in COMMON_RECORD_COLUMNS)
    typed = ", ".join(f"{name} {kind}" for name, kind in cols)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE u_{dataset} (batch_id BIGINT, batch_as_of DATE, target BOOLEAN,
            record_id VARCHAR, id_masked VARCHAR, {common}{", " + typed if typed else ""})"""
    )
    sel = ", ".join(f"CAST(r.{n} AS {k})" for n, k in (*COMMON_RECORD_COLUMNS, *cols))
    for b in batches:
        target = "TRUE" if targets is None or b.batch_id in targets else "FALSE"
        # batches stored before the intake kept the masked number have no such column
        masked = "r.id_masked" if "id_masked" in pq.read_schema(b.records).names else "NULL"
        con.execute(
            f"""INSERT INTO u_{dataset}
                SELECT {b.batch_id}, {lit(b.as_of)}, {target}, r.record_id, {masked}, {sel}
                FROM read_parquet({store.sql_path(b.records)}) r
                JOIN (SELECT record_id FROM read_parquet({store.sql_path(b.links)})
                      WHERE person_id IS NULL) l USING (record_id)
                WHERE {where}"""
        )


def attach_registrations(con, batches: Sequence[StoredBatch], targets: set[int] | None) -> int:
    """Add to ``d_household_registration`` the births and moves-in of persons not (yet) in the registry,
    attached to the registry household whose 户号 they name: the ``household_number`` of a linked
    record of the same dataset, or the household's key. The household head stands as their person."""
    if not batches:
        return 0
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hnum AS
           SELECT DISTINCT household_number, household_id FROM d_household_registration
           WHERE household_number IS NOT NULL
           UNION SELECT household_key, household_id FROM hh_base WHERE household_key IS NOT NULL"""
    )
    before = con.execute("SELECT count(*) FROM d_household_registration").fetchall()[0][0]
    own = "".join(f", CAST(r.{name} AS {kind})" for name, kind in dataset_columns("household_registration"))
    for b in batches:
        target = "TRUE" if targets is None or b.batch_id in targets else "FALSE"
        con.execute(
            f"""INSERT INTO d_household_registration
                SELECT {b.batch_id}, {lit(b.as_of)}, {target}, r.record_id, hd.person_id, n.household_id{own}
                FROM read_parquet({store.sql_path(b.records)}) r
                JOIN (SELECT record_id FROM read_parquet({store.sql_path(b.links)})
                      WHERE person_id IS NULL) l USING (record_id)
                JOIN (SELECT household_number, min(household_id) AS household_id FROM hnum GROUP BY 1
                      HAVING count(DISTINCT household_id) = 1) n ON n.household_number = r.household_number
                JOIN (SELECT household_id, arg_min(person_id, (NOT is_head, person_id)) AS person_id
                      FROM mem GROUP BY 1) hd ON hd.household_id = n.household_id
                WHERE r.event IN ('birth', 'move_in')"""
        )
    return con.execute("SELECT count(*) FROM d_household_registration").fetchall()[0][0] - before


def load_region_names(con) -> None:
    """``rgn(code, name)``: the names of the destination regions of the moves in view."""
    from doudi.regions.models import Region

    codes = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT rpad(to_region_code, 12, '0') FROM d_household_registration "
            "WHERE regexp_full_match(to_region_code, '[0-9]{6}|[0-9]{9}|[0-9]{12}')"
        ).fetchall()
    ]
    rows = list(Region.objects.filter(code__in=codes).values_list("code", "full_name")) if codes else []
    con.register(
        "src_rgn",
        pa.table({"code": pa.array([r[0] for r in rows], pa.string()),
                  "name": pa.array([r[1] for r in rows], pa.string())}),
    )  # fmt: skip
    con.execute("CREATE OR REPLACE TEMP TABLE rgn AS SELECT * FROM src_rgn")
    con.unregister("src_rgn")


# ------------------------------------------------------------------------------------------ registry


def _arrow(sql: str, schema: pa.Schema) -> pa.Table:
    """Run ``sql`` (no parameters: only literals the scan itself writes) on the Django connection and
    stream the rows into an Arrow table: ``COPY … TO STDOUT`` (CSV) on PostgreSQL, the cursor in
    chunks elsewhere. Dates travel as ISO text and are parsed by Arrow."""
    raw = pa.schema([pa.field(f.name, pa.string() if pa.types.is_date(f.type) else f.type) for f in schema])
    if connection.vendor == "postgresql":
        with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as cp,
            ):
                for block in cp:
                    tmp.write(block)
            tmp.flush()
            if tmp.tell() == 0:
                return raw.empty_table().cast(schema)
            table = pacsv.read_csv(
                tmp.name,
                read_options=pacsv.ReadOptions(column_names=raw.names, block_size=1 << 24),
                convert_options=pacsv.ConvertOptions(
                    column_types=raw, strings_can_be_null=True, quoted_strings_can_be_null=False
                ),  # fmt: skip
            )
    else:
        batches = []
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(CHUNK):
                arrays = [pa.array(col, f.type) for f, col in zip(raw, zip(*rows, strict=True), strict=True)]
                batches.append(pa.RecordBatch.from_arrays(arrays, schema=raw))
        table = pa.Table.from_batches(batches, schema=raw)
    return table.cast(schema)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _holds(day: dt.date, start: str = "valid_from", end: str = "valid_to") -> str:
    d = "'" + day.isoformat() + "'"
    return f"{start} <= {d} AND ({end} IS NULL OR {end} > {d})"


def load_registry(con, as_of: dt.date) -> dict[str, int]:
    """Create ``mem``, ``hh_base``, ``cat``, ``emp``, ``sch`` and ``need`` in ``con``."""
    tables = {
        "persons": _arrow(
            f"SELECT id, household_id, relation, CAST(birth_date AS TEXT) FROM {_t(Person)} "
            "WHERE household_id IS NOT NULL",
            pa.schema(
                [
                    ("person_id", pa.int64()),
                    ("household_id", pa.int64()),
                    ("relation", pa.string()),
                    ("birth_date", pa.date32()),
                ]
            ),  # fmt: skip
        ),
        "households": _arrow(
            f"SELECT id, region_code, area_type, household_key FROM {_t(Household)}",
            pa.schema(
                [
                    ("household_id", pa.int64()),
                    ("region_code", pa.string()),
                    ("area_type", pa.string()),
                    ("household_key", pa.string()),
                ]
            ),  # fmt: skip
        ),
        "categories": _arrow(
            f"SELECT person_id, household_id, category, CAST(since AS TEXT) FROM {_t(CategoryStatus)} "
            f"WHERE category IN ('DIBAO', 'TEKUN', 'FPJC') AND {_holds(as_of, 'since', 'until')}",
            pa.schema(
                [
                    ("person_id", pa.int64()),
                    ("household_id", pa.int64()),
                    ("category", pa.string()),
                    ("since", pa.date32()),
                ]
            ),  # fmt: skip
        ),
        "plain_facts": _arrow(
            f"SELECT person_id, kind, CAST(value AS TEXT), CAST(valid_from AS TEXT) FROM {_t(PersonFact)} "
            f"WHERE kind IN ('employment', 'schooling') AND {_holds(as_of)}",
            pa.schema(
                [
                    ("person_id", pa.int64()),
                    ("kind", pa.string()),
                    ("value", pa.string()),
                    ("valid_from", pa.date32()),
                ]
            ),  # fmt: skip
        ),
        "needs": _arrow(
            f"SELECT person_id, need FROM {_t(NeedPush)} WHERE person_id IS NOT NULL AND status IN "
            f"({', '.join(repr(str(s)) for s in REACHED_STATUSES)})",
            pa.schema([("person_id", pa.int64()), ("need", pa.string())]),
        ),
    }
    for name, table in tables.items():
        con.register(f"src_{name}", table)
    lo, hi = WORKING_AGE
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mem AS
            SELECT person_id, household_id, relation, birth_date, relation = 'head' AS is_head,
                   date_diff('year', birth_date, {lit(as_of)})
                     - CASE WHEN strftime(birth_date, '%m%d') > {lit(as_of.strftime("%m%d"))} THEN 1 ELSE 0 END AS age
            FROM src_persons WHERE household_id IS NOT NULL"""
    )
    con.execute("ALTER TABLE mem ADD COLUMN working_age BOOLEAN")
    con.execute(f"UPDATE mem SET working_age = coalesce(age >= {lo} AND age < {hi}, FALSE)")
    con.execute("CREATE OR REPLACE TEMP TABLE hh_base AS SELECT * FROM src_households")
    con.execute("CREATE OR REPLACE TEMP TABLE cat AS SELECT * FROM src_categories")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE emp AS
           SELECT person_id, arg_max(json_extract_string(value, '$.employed') = 'true', valid_from) AS employed
           FROM src_plain_facts WHERE kind = 'employment' GROUP BY person_id"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE sch AS
           SELECT person_id,
                  arg_max(json_extract_string(value, '$.in_school') = 'true', valid_from) AS in_school,
                  arg_max(json_extract_string(value, '$.stage'), valid_from) AS stage
           FROM src_plain_facts WHERE kind = 'schooling' GROUP BY person_id"""
    )
    con.execute("CREATE OR REPLACE TEMP TABLE need AS SELECT DISTINCT person_id, need FROM src_needs")
    for name in tables:
        con.unregister(f"src_{name}")
    return {name: table.num_rows for name, table in tables.items()}


# ------------------------------------------------------------------------- sensitive, on demand only


def _decrypt_all(blobs: list[bytes]) -> list:
    return [crypto.decrypt_json(b) for b in blobs]


@contextlib.contextmanager
def _id_table(cursor, ids: list[int]) -> Iterator[str]:
    """A session-local temporary table holding ``ids`` (scratch space of the scan, not domain data):
    a join against it beats long ``IN (…)`` lists on both databases."""
    name = connection.ops.quote_name("tmp_scan_ids")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} (id bigint PRIMARY KEY)")
    try:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} (id) FROM STDIN") as copy:
                for i in ids:
                    copy.write_row((i,))
        else:
            cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", [(i,) for i in ids])
        yield name
    finally:
        cursor.execute(f"DROP TABLE {name}")


def _decrypted(model, owner: str, kind: str, ids: list[int], as_of: dt.date) -> list[tuple[int, Any]]:
    """(owner id, value) of the ``kind`` fact holding on ``as_of`` for each of ``ids``; sensitive values
    are decrypted once per row, only for these candidates."""
    return [(o, value) for o, value, _source in decrypted_facts(model, owner, kind, ids, as_of)]


def decrypted_facts(
    model, owner: str, kind: str, ids: list[int], as_of: dt.date
) -> list[tuple[int, Any, str]]:
    """(owner id, value, source) of the latest ``kind`` fact holding on ``as_of`` for each of ``ids``."""
    latest: dict[int, tuple[str, Any, Any, str]] = {}
    if not ids:
        return []
    with connection.cursor() as cursor, _id_table(cursor, ids) as cand:
        cursor.execute(
            f"SELECT f.{owner}, CAST(f.valid_from AS TEXT), f.value_enc, CAST(f.value AS TEXT), f.source "
            f"FROM {_t(model)} f JOIN {cand} c ON c.id = f.{owner} WHERE f.kind = '{kind}' AND {_holds(as_of, 'f.valid_from', 'f.valid_to')}"
        )
        while rows := cursor.fetchmany(CHUNK):
            for oid, since, enc, value, source in rows:
                if oid not in latest or since > latest[oid][0]:
                    latest[oid] = (since, enc, value, source or "")
    owners = list(latest)
    sealed = [o for o in owners if latest[o][1] is not None]
    opened = dict(zip(sealed, _decrypt_all([bytes(latest[o][1]) for o in sealed]), strict=True))
    return [
        (o, opened[o] if o in opened else json.loads(latest[o][2] or "null"), latest[o][3]) for o in owners
    ]


def _num(value, default=None):
    if value is None or value == "":
        return default
    try:
        return float(value) if not isinstance(value, bool) else default
    except (TypeError, ValueError):
        return default


def _ids(con, sql: str) -> list[int]:
    return sorted(int(r[0]) for r in con.execute(sql).fetchall() if r[0] is not None)


def load_disability(con, candidates_sql: str, as_of: dt.date) -> int:
    """``dis_reg(person_id, kind, grade)``: the registry's disability fact of the candidates."""
    rows = _decrypted(PersonFact, "person_id", "disability", _ids(con, candidates_sql), as_of)
    table = pa.table(
        {
            "person_id": pa.array([r[0] for r in rows], pa.int64()),
            "kind": pa.array([str((r[1] or {}).get("kind") or "") for r in rows], pa.string()),
            "grade": pa.array([int(_num((r[1] or {}).get("grade"), 9)) for r in rows], pa.int32()),
        }
    )
    con.register("src_dis", table)
    con.execute("CREATE OR REPLACE TEMP TABLE dis_reg AS SELECT * FROM src_dis")
    con.unregister("src_dis")
    return len(rows)


def load_illness(con, candidates_sql: str, as_of: dt.date) -> int:
    """``ill_reg(person_id, flag)``: persons the registry already knows as seriously ill."""
    rows = _decrypted(PersonFact, "person_id", "serious_illness", _ids(con, candidates_sql), as_of)
    flagged = [r[0] for r in rows if (r[1] or {}).get("flag") in (True, "true", 1)]
    con.register("src_ill", pa.table({"person_id": pa.array(flagged, pa.int64())}))
    con.execute("CREATE OR REPLACE TEMP TABLE ill_reg AS SELECT person_id, TRUE AS flag FROM src_ill")
    con.unregister("src_ill")
    return len(rows)


# Which income W-ILL and W-EXP compare against (DOMAIN R-M12), in this order of precedence; the first
# that the household has is used and named in the warning (``inc_reg.basis``):
# 1. the household's recorded income (the ``income`` fact), named with its source (本人申报, 入户核查…);
# 2. else the members' own incomes (``own_income`` facts, monthly) summed over the current members, × 12;
# 3. else department data: each member's latest month (within 12 months) of social insurance
#    (contribution base + pension) and of public-sector pay, summed over the household, × 12.
INCOME_DATASETS = ("social_insurance", "public_payroll")
_DEPT_MONTHLY = {
    "social_insurance": "coalesce(contribution_base, 0) + coalesce(pension_monthly, 0)",
    "public_payroll": "coalesce(gross_pay, 0)",
}


def _source_label(source: str) -> str:
    return dict(Source.choices).get(source, "名册")


def load_income(con, candidates_sql: str, as_of: dt.date) -> int:
    """``inc_reg(household_id, total, months, basis)`` and ``rigid_reg(household_id, other)``: the
    income of the candidate households by the precedence above (the registry's values are sensitive
    and decrypted for the candidates only) and their non-medical rigid expenditure."""
    ids = _ids(con, candidates_sql)
    income = [
        (
            h,
            _num((v or {}).get("total")),
            _num((v or {}).get("months"), 12),
            f"登记的家庭收入（{_source_label(src)}）",
        )
        for h, v, src in decrypted_facts(HouseholdFact, "household_id", "income", ids, as_of)
    ]
    income = [r for r in income if r[1] is not None and r[1] >= 0]
    known = {r[0] for r in income}
    rest = [h for h in ids if h not in known]
    if rest:
        con.register("src_rest", pa.table({"household_id": pa.array(rest, pa.int64())}))
        members = _ids(
            con, "SELECT person_id FROM mem WHERE household_id IN (SELECT household_id FROM src_rest)"
        )
        con.unregister("src_rest")
        own = [
            (p, _num((v or {}).get("monthly")), _source_label(src))
            for p, v, src in decrypted_facts(PersonFact, "person_id", "own_income", members, as_of)
        ]
        con.register(
            "src_own",
            pa.table(
                {
                    "person_id": pa.array([r[0] for r in own], pa.int64()),
                    "monthly": pa.array([r[1] for r in own], pa.float64()),
                    "source": pa.array([r[2] for r in own], pa.string()),
                }
            ),
        )
        for h, total, label in con.execute(
            """SELECT m.household_id, sum(o.monthly) * 12, string_agg(DISTINCT o.source, '、' ORDER BY o.source)
               FROM src_own o JOIN mem m USING (person_id) WHERE o.monthly >= 0 GROUP BY m.household_id"""
        ).fetchall():
            income.append((h, total, 12, f"家庭成员个人收入合计（{label}）"))
        con.unregister("src_own")
    con.register(
        "src_inc",
        pa.table(
            {
                "household_id": pa.array([r[0] for r in income], pa.int64()),
                "total": pa.array([r[1] for r in income], pa.float64()),
                "months": pa.array([r[2] for r in income], pa.float64()),
                "basis": pa.array([r[3] for r in income], pa.string()),
            }
        ),
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE inc_reg AS
           SELECT household_id, CAST(round(total, 2) AS DECIMAL(18, 2)) AS total,
                  CAST(CASE WHEN months > 0 THEN months ELSE 12 END AS INTEGER) AS months, basis
           FROM src_inc WHERE total IS NOT NULL AND total >= 0"""
    )
    con.unregister("src_inc")
    _department_income(con, candidates_sql, as_of)
    rigid = list(_decrypted(HouseholdFact, "household_id", "rigid_expenditure", ids, as_of))
    other = [sum(_num((r[1] or {}).get(k), 0) for k in ("education", "housing", "care")) for r in rigid]
    con.register(
        "src_rigid",
        pa.table(
            {
                "household_id": pa.array([r[0] for r in rigid], pa.int64()),
                "other": pa.array(other, pa.float64()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rigid_reg AS "
        "SELECT household_id, CAST(round(other, 2) AS DECIMAL(18, 2)) AS other FROM src_rigid"
    )
    con.unregister("src_rigid")
    return con.execute("SELECT count(*) FROM inc_reg").fetchall()[0][0]


def _department_income(con, candidates_sql: str, as_of: dt.date) -> None:
    """Tier 3 of the income precedence, set-based over the linked department tables (``d_*``)."""
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
    parts = [
        f"SELECT person_id, household_id, month, {expr} AS amt, {lit(DATASETS[ds].label)} AS label FROM d_{ds}"
        for ds, expr in _DEPT_MONTHLY.items()
        if f"d_{ds}" in present
    ]
    if not parts:
        return
    first = lit(dt.date(as_of.year - 1, as_of.month, 1).strftime("%Y-%m"))
    con.execute(
        f"""INSERT INTO inc_reg
            WITH pay AS ({" UNION ALL ".join(parts)}),
            win AS (SELECT * FROM pay WHERE month > {first} AND month <= {lit(as_of.strftime("%Y-%m"))}
                      AND household_id IN ({candidates_sql})
                      AND household_id NOT IN (SELECT household_id FROM inc_reg)),
            last AS (SELECT person_id, label, max(month) AS month FROM win GROUP BY ALL),
            per AS (SELECT w.household_id, w.label, w.month, sum(w.amt) AS amt
                    FROM win w JOIN last l USING (person_id, label, month) GROUP BY ALL)
            SELECT household_id, CAST(round(sum(amt) * 12, 2) AS DECIMAL(18, 2)), 12,
                   '部门数据推算（' || string_agg(DISTINCT label, '、' ORDER BY label) || '，最近月份'
                     || max(month) || '）'
            FROM per GROUP BY household_id HAVING sum(amt) > 0"""
    )


def load_due_needs(con, candidates_sql: str, as_of: dt.date) -> int:
    """``due(person_id, household_id, need, department, since)``: the needs due by the entitlement rules
    (R-P1, ``policy.rules.entitlements`` through ``monitoring.needs``) — the same rules that push them —
    with the date the person's low-income status began (W-GAP waits ``gap_months`` from it). Loaded only
    when W-GAP runs (``candidates_sql`` is then non-empty)."""
    empty = "SELECT NULL WHERE FALSE"
    table = pa.table(
        {
            "person_id": pa.array([], pa.int64()),
            "household_id": pa.array([], pa.int64()),
            "need": pa.array([], pa.string()),
            "department": pa.array([], pa.string()),
            "since": pa.array([], pa.date32()),
        }
    )
    if candidates_sql != empty:
        from django.db.models import Min

        from doudi.core.dates import holds_on
        from doudi.monitoring.needs.push_actions import due_needs

        _people, due = due_needs(as_of)
        since = (
            CategoryStatus.unscoped.filter(holds_on(as_of, "since", "until"))
            .values("person_id")
            .annotate(first=Min("since"))
            .values_list("person_id", "first")
        )
        pairs = list(since.iterator(chunk_size=CHUNK))
        lic = pa.table(
            {
                "person_id": pa.array([p for p, _ in pairs], pa.int64()),
                "since": pa.array([d for _, d in pairs], pa.date32()),
            }
        )
        table = due.select(["person_id", "household_id", "need", "department"]).join(lic, "person_id")
    con.register("src_due", table)
    con.execute("CREATE OR REPLACE TEMP TABLE due AS SELECT * FROM src_due")
    con.unregister("src_due")
    from doudi.accounts.models import Department
    from doudi.policy.rules.entitlements import ENTITLEMENTS

    labels = pa.table(
        {
            "need": pa.array([e.code for e in ENTITLEMENTS], pa.string()),
            "label": pa.array([e.label for e in ENTITLEMENTS], pa.string()),
            "dept": pa.array([Department(e.department).label for e in ENTITLEMENTS], pa.string()),
        }
    )
    con.register("src_nl", labels)
    con.execute("CREATE OR REPLACE TEMP TABLE need_labels AS SELECT * FROM src_nl")
    con.unregister("src_nl")
    return table.num_rows


LOADERS = {"dis_reg": load_disability, "ill_reg": load_illness, "inc_reg": load_income, "due": load_due_needs}
