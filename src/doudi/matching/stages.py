"""The linkage stages (DOMAIN R-M11), each one set-based SQL over the batch records and the registry.

Every stage reads ``rest`` (the records no earlier stage linked) and the prepared registry ``per``, and
materialises its links as ``l_<method>`` with the columns ``record_id, person_id, method,
match_weight`` (``match_weight`` only for the probabilistic stage; stages 1–2 also carry ``line``). A
record links at most one person; a stage that finds two candidates for a record leaves it to the next.

The SQL is the common subset of DuckDB and Spark SQL; the few differences (exploding a list, an empty
list literal, how a table is materialised) live in the ``Runner`` of each engine, so the DuckDB engine
(``DuckRunner`` below) and the Spark engine (``matching.spark``) run the very same stages.
Normalisation (numbers, names, pinyin) happened at intake and in the snapshot.

Cost at province scale: stages 1–2 share one join of the records with the registry on the blind index
(``id_pairs``); what they leave (``rest_2``, the records whose valid number no registry person holds, or
without a valid number) is kept as a table; stages 3 and 4 narrow it through anti-joins with their few
links; the probabilistic stage hands Splink only the rows that share a blocking key with the other side
(``staged_candidates``); the links file is assembled without joining the whole batch with its links.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from doudi.matching import model

LINK_COLUMNS = "record_id, person_id, method, match_weight"
VALID = "('valid', 'upgraded15')"
NO_WEIGHT = "CAST(NULL AS DOUBLE)"


class Runner(Protocol):
    dialect: str  # "duckdb" | "spark"
    materialize_records: bool  # keep the batch records as a table (else a view over the file)
    rest_name: str  # the view ``rest`` currently points at

    def table(self, name: str, sql: str) -> None:
        """Materialise a query as a table (replacing one of that name)."""

    def view(self, name: str, sql: str) -> None: ...

    def scalar(self, sql: str) -> Any: ...

    def drop(self, name: str) -> None: ...

    def explode(self, expr: str) -> str:
        """A select-list expression giving one row per element of a list column."""

    def null_string_list(self) -> str: ...

    def splink_api(self) -> Any:
        """A Splink DatabaseAPI over this runner's tables."""


class DuckRunner:
    """Runs the stages on a DuckDB connection."""

    dialect = "duckdb"
    materialize_records = False
    rest_name = "rec"

    def __init__(self, con) -> None:
        self.con = con

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def scalar(self, sql: str) -> Any:
        return self.con.execute(sql).fetchall()[0][0]

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")
        self.con.execute(f"DROP VIEW IF EXISTS {name}")

    def explode(self, expr: str) -> str:
        return f"unnest({expr})"

    def null_string_list(self) -> str:
        return "CAST(NULL AS VARCHAR[])"

    def splink_api(self):
        from splink import DuckDBAPI

        return DuckDBAPI(self.con)


def _nullif_blank(col: str) -> str:
    return f"CASE WHEN {col} = '' THEN NULL ELSE {col} END"


def prepare_records(run: Runner, source: str) -> int:
    """``rec``: the batch records with the columns the stages use (``source`` names a table/view)."""
    sql = f"""
        SELECT record_id, line, {_nullif_blank("id_index")} AS id_index, id_status,
               id_repair_indexes, {_nullif_blank("name")} AS name, name_pinyin,
               {_nullif_blank("sex")} AS sex, birth_date,
               {_nullif_blank("region_code")} AS region_code, {_nullif_blank("county_code")} AS county_code,
               coalesce(id_status IN {VALID}, FALSE) AS id_valid
        FROM {source}
    """
    if run.materialize_records:
        run.table("rec", sql)
    else:
        run.view("rec", sql)
    _set_rest(run, "rest_0", "SELECT * FROM rec")
    return int(run.scalar("SELECT count(*) FROM rec"))


def prepare_persons(run: Runner, source: str) -> int:
    """``per``: the registry snapshot with the same derived columns and ``shared_index`` for the rare
    numbers held by several registry persons (duplicate registrations); ``valid_index``: the distinct
    valid numbers of the registry."""
    run.table(
        "per",
        f"""
        SELECT s.*, coalesce(d.n > 1, FALSE) AS shared_index
        FROM (
            SELECT person_id, person_key, {_nullif_blank("id_index")} AS id_index, id_status, name, name_pinyin,
                   {_nullif_blank("sex")} AS sex, birth_date, region_code, county_code,
                   coalesce(id_status IN {VALID}, FALSE) AS id_valid
            FROM {source}
        ) s
        LEFT JOIN (
            SELECT id_index, count(*) AS n FROM {source} WHERE id_index IS NOT NULL AND id_index <> ''
            GROUP BY id_index HAVING count(*) > 1
        ) d ON d.id_index = s.id_index
        """,
    )
    run.table("valid_index", "SELECT DISTINCT id_index FROM per WHERE id_valid")
    return int(run.scalar("SELECT count(*) FROM per"))


def _identity_pairs(run: Runner) -> None:
    """``id_pairs``: records and registry persons with the same valid number (after upgrading 15-digit
    numbers) — the one large join, shared by stages 1 and 2."""
    run.table(
        "id_pairs",
        """
        SELECT r.record_id, r.line, p.person_id, r.id_status = 'valid' AND p.id_status = 'valid' AS both_valid,
               coalesce(r.name = p.name, FALSE) AS same_name, p.shared_index
        FROM rest r JOIN per p ON r.id_index = p.id_index
        WHERE r.id_valid AND p.id_valid
        """,
    )


def _shared_index_picks() -> str:
    """For numbers several registry persons hold: one person per record — a plain valid match first,
    then the same name, then the lowest person id."""
    return """
        SELECT record_id, line, person_id, both_valid FROM (
            SELECT record_id, line, person_id, both_valid,
                   row_number() OVER (PARTITION BY record_id
                                      ORDER BY CASE WHEN both_valid THEN 0 ELSE 1 END,
                                               CASE WHEN same_name THEN 0 ELSE 1 END, person_id) AS rn
            FROM id_pairs WHERE shared_index
        ) t WHERE rn = 1
    """


def stage_exact(run: Runner) -> int:
    """(1) The same valid 18-character number on both sides."""
    _identity_pairs(run)
    run.table(
        "l_exact",
        f"""
        SELECT record_id, person_id, 'exact' AS method, {NO_WEIGHT} AS match_weight, line
        FROM id_pairs WHERE both_valid AND NOT shared_index
        UNION ALL
        SELECT record_id, person_id, 'exact' AS method, {NO_WEIGHT} AS match_weight, line
        FROM ({_shared_index_picks()}) s WHERE both_valid
        """,
    )
    return int(run.scalar("SELECT count(*) FROM l_exact"))


def stage_upgraded15(run: Runner) -> int:
    """(2) The same number once a legacy 15-digit number (on either side) is upgraded to 18 characters.
    Runs after ``stage_exact`` (uses its ``id_pairs``)."""
    run.table(
        "l_upgraded15",
        f"""
        SELECT record_id, person_id, 'upgraded15' AS method, {NO_WEIGHT} AS match_weight, line
        FROM id_pairs WHERE NOT both_valid AND NOT shared_index
        UNION ALL
        SELECT record_id, person_id, 'upgraded15' AS method, {NO_WEIGHT} AS match_weight, line
        FROM ({_shared_index_picks()}) s WHERE NOT both_valid
        """,
    )
    # every record with a valid number some registry person holds is now linked; what is left is
    # kept as a table (the later stages read it several times)
    run.table(
        "rest_2",
        f"""
        SELECT r.record_id, r.line, r.id_index, r.id_status, r.id_repair_indexes, r.name, r.name_pinyin,
               r.sex, r.birth_date, r.region_code, r.county_code, r.id_valid
        FROM {run.rest_name} r
        LEFT JOIN valid_index v ON r.id_valid AND v.id_index = r.id_index
        WHERE v.id_index IS NULL
        """,
    )
    _set_rest(run, "rest_2v", "SELECT * FROM rest_2")
    return int(run.scalar("SELECT count(*) FROM l_upgraded15"))


def _unique_by_record(pairs_sql: str, method: str) -> str:
    """Links only for records with exactly ONE candidate person (else ambiguous → not linked here)."""
    return f"""
        SELECT record_id, min(person_id) AS person_id, '{method}' AS method, {NO_WEIGHT} AS match_weight
        FROM ({pairs_sql}) m
        GROUP BY record_id
        HAVING count(DISTINCT person_id) = 1
    """


def _set_rest(run: Runner, name: str, sql: str) -> None:
    """Point ``rest`` at a new view (each version has its own name: DuckDB views bind by name)."""
    run.view(name, sql)
    run.view("rest", f"SELECT * FROM {name}")
    run.rest_name = name


def _narrow(run: Runner, linked: str, step: int) -> None:
    """Narrow ``rest`` by the (few) records a stage linked."""
    _set_rest(
        run,
        f"rest_{step}",
        f"""SELECT r.* FROM {run.rest_name} r LEFT JOIN {linked} k ON k.record_id = r.record_id
            WHERE k.record_id IS NULL""",
    )


def stage_repaired(run: Runner) -> int:
    """(3) An invalid number one character from exactly one registry person's valid number, confirmed
    by the same name (or the same pinyin). Two confirmed candidates are ambiguous: no link here."""
    run.table(
        "l_repaired",
        _unique_by_record(
            f"""
            SELECT c.record_id, p.person_id
            FROM (SELECT record_id, name, name_pinyin, {run.explode("id_repair_indexes")} AS cand
                  FROM rest WHERE id_status = 'invalid') c
            JOIN per p ON p.id_index = c.cand
            WHERE p.id_valid AND (p.name = c.name OR p.name_pinyin = c.name_pinyin)
            """,
            "repaired",
        ),
    )
    _narrow(run, "l_repaired", 3)
    return int(run.scalar("SELECT count(*) FROM l_repaired"))


def stage_demographic(run: Runner) -> int:
    """(4) Same name, birth date and sex in the same county, when exactly one registry person qualifies.
    Two different valid numbers are two persons, so such pairs never qualify (the join is written as two,
    so that the large side — records with a valid number — meets only persons without one)."""
    same = (
        "r.county_code = p.county_code AND r.name = p.name AND r.birth_date = p.birth_date AND r.sex = p.sex"
    )
    run.table(
        "l_demographic",
        _unique_by_record(
            f"""
            SELECT r.record_id, p.person_id FROM rest r JOIN per p ON {same}
            WHERE r.id_valid AND NOT p.id_valid
            UNION ALL
            SELECT r.record_id, p.person_id FROM rest r JOIN per p ON {same}
            WHERE NOT r.id_valid
            """,
            "demographic",
        ),
    )
    _narrow(run, "l_demographic", 4)
    return int(run.scalar("SELECT count(*) FROM l_demographic"))


def staged_candidates(run: Runner) -> tuple[str, str]:
    """The records and persons that can take part in a staged candidate pair (``model.blocking_rules``
    with ``staged=True``): exactly the rows the rules can pair, so Splink's work follows the number of
    candidates, not the size of the batch. Every record without a valid number may pair (``rest_open``,
    a few percent of ``rest``); a record with one only shares a key with a person without one; and
    symmetrically for persons."""
    run.table("rest_open", "SELECT * FROM rest WHERE NOT id_valid")

    def shares_key(row: str, other: str, where: str) -> str:
        return " OR ".join(
            f"EXISTS (SELECT 1 FROM {other} o WHERE {where} AND {model.key_condition(k, row, 'o')})"
            for k in model.BLOCKING_KEYS
        )

    return (
        f"""SELECT * FROM rest_open
            UNION ALL SELECT * FROM rest r WHERE r.id_valid AND ({shares_key("r", "per", "NOT o.id_valid")})""",
        f"""SELECT * FROM per p WHERE NOT p.id_valid OR {shares_key("p", "rest_open", "TRUE")}
            OR EXISTS (SELECT 1 FROM rest_open o WHERE o.id_index = p.id_index)""",
    )


def splink_inputs(run: Runner, records_sql: str, persons_sql: str) -> int:
    """Materialise ``a_records`` and ``b_persons`` with exactly ``model.SPLINK_COLUMNS``."""
    cols = """name, name_pinyin, sex, birth_date, CAST(birth_date AS STRING) AS birth_str,
              year(birth_date) AS birth_year, county_code, region_code, id_index, id_valid"""
    run.table(
        model.RECORDS_TABLE,
        f"SELECT record_id AS unique_id, {cols}, id_repair_indexes FROM ({records_sql}) r",
    )
    run.table(
        model.PERSONS_TABLE,
        f"""SELECT CAST(person_id AS STRING) AS unique_id, {cols},
                   {run.null_string_list()} AS id_repair_indexes FROM ({persons_sql}) p""",
    )
    return int(run.scalar(f"SELECT count(*) FROM {model.RECORDS_TABLE}"))


def splink_predict(run: Runner, mdl: model.Model) -> str:
    """Score the candidate pairs of ``a_records`` × ``b_persons``; returns the predictions' table name."""
    from splink import Linker

    api = run.splink_api()
    left = api.register(model.RECORDS_TABLE, table_name=model.RECORDS_TABLE)
    right = api.register(model.PERSONS_TABLE, table_name=model.PERSONS_TABLE)
    linker = Linker([left, right], mdl.settings(), log_level=logging.WARNING)
    predictions = linker.inference.predict(threshold_match_probability=mdl.threshold, warning_mode="never")
    return predictions.physical_name


def best_links(predictions: str) -> str:
    """One best person per record; a tie for the best weight is ambiguous and not linked."""
    return f"""
        SELECT record_id, person_id, 'probabilistic' AS method, match_weight
        FROM (
            SELECT record_id, person_id, match_weight, rn,
                   sum(CASE WHEN match_weight = best THEN 1 ELSE 0 END) OVER (PARTITION BY record_id) AS n_best
            FROM (
                SELECT unique_id_l AS record_id, CAST(unique_id_r AS BIGINT) AS person_id, match_weight,
                       max(match_weight) OVER (PARTITION BY unique_id_l) AS best,
                       row_number() OVER (PARTITION BY unique_id_l
                                          ORDER BY match_weight DESC, CAST(unique_id_r AS BIGINT)) AS rn
                FROM {predictions}
            ) s
        ) t
        WHERE rn = 1 AND n_best = 1
    """


def stage_probabilistic(run: Runner, mdl: model.Model) -> int:
    """(5) Splink 5 on what is left, with the fixed model of ``matching.model``."""
    records, persons = staged_candidates(run) if mdl.staged else ("SELECT * FROM rest", "SELECT * FROM per")
    if splink_inputs(run, records, persons) == 0:
        run.table("l_probabilistic", f"SELECT {LINK_COLUMNS} FROM l_repaired WHERE 1 = 0")
    else:
        predictions = splink_predict(run, mdl)
        run.table("l_probabilistic", best_links(predictions))
        run.drop(predictions)
    for name in (model.RECORDS_TABLE, model.PERSONS_TABLE, "rest_open"):
        run.drop(name)
    return int(run.scalar("SELECT count(*) FROM l_probabilistic"))


STAGES: tuple[str, ...] = ("exact", "upgraded15", "repaired", "demographic", "probabilistic")


def assemble(run: Runner) -> None:
    """``links``: one row per record — ``record_id, line, person_id, person_key, method, match_weight``
    (method "none" when no stage linked it). Stages 1–2 linked every record missing from ``rest_2``,
    so the records are the links of stages 1–2 plus ``rest_2`` with the (few) links of stages 3–5:
    no join of the whole batch with all its links."""
    later = " UNION ALL ".join(f"SELECT {LINK_COLUMNS} FROM l_{m}" for m in STAGES[2:])
    run.view(
        "links",
        f"""
        SELECT k.record_id, k.line, k.person_id, p.person_key, k.method, k.match_weight
        FROM (
            SELECT record_id, line, person_id, method, match_weight FROM l_exact
            UNION ALL
            SELECT record_id, line, person_id, method, match_weight FROM l_upgraded15
            UNION ALL
            SELECT r.record_id, r.line, k.person_id, coalesce(k.method, 'none') AS method, k.match_weight
            FROM rest_2 r LEFT JOIN ({later}) k ON k.record_id = r.record_id
        ) k
        LEFT JOIN per p ON p.person_id = k.person_id
        """,
    )


def run_stages(
    run: Runner, mdl: model.Model, records: int, tick: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Run stages 1–5 over ``rec``/``per`` (already prepared), then ``assemble`` the links."""
    counts: dict[str, int] = {}
    for name, stage in (
        ("exact", stage_exact),
        ("upgraded15", stage_upgraded15),
        ("repaired", stage_repaired),
        ("demographic", stage_demographic),
    ):
        counts[name] = stage(run)
        tick(name)
    counts["probabilistic"] = stage_probabilistic(run, mdl)
    tick("probabilistic")
    assemble(run)
    counts["none"] = records - sum(counts.values())
    return counts
