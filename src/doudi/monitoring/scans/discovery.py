"""Proactive discovery, 政策找人 (DOMAIN R-M16): department records of persons NOT in the registry
(links method ``none``) with strong hardship signals become potential cases for the township where
they live, each with a W-NEW warning in that township's county inbox.

Strong signals (``SIGNALS``), evaluated set-based in DuckDB:

* ``severe_disability_no_employment`` — severe disability (DOMAIN §3) and no social-insurance
  contribution (``contribution_base`` > 0) under the same identity number in the 3 months before
  the scan date;
* ``large_medical_expense`` — out-of-pocket medical expense over those 3 months of at least
  ``warning.W-NEW.threshold`` yuan (param; the person's income is unknown outside the registry);
* ``disaster_dwelling`` — a disaster in the last 12 months with the dwelling severely damaged or
  collapsed (collapsed → red).

A person is the blind index of their identity number (``id_index``): records without a number are
not routable to a person and are counted as ``skipped_no_id``. Every record is routed to a region of
the Jilin tree first (``monitoring.routing``: the record's region, else the number's county, else the
providing department's region); the counts say how many needed a fallback (``routed_by_id``,
``routed_by_provider``). A person none of whose records can be routed is ``unroutable``: the records
are listed for the province officer (``unroutable_records``), not dropped and never fatal. The store
keeps no plain number; the case shows the masked number the intake stored (``id_masked``), or
``未知`` for batches stored before it.

Idempotent by ``id_index``: evidence already on any case of the person is dropped (first batch that
showed a fact only, as in ``scan``); what is left merges into the person's open case (and its open
W-NEW warning) or opens a new case.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

import pyarrow as pa

from doudi.core import store
from doudi.monitoring.evidence import SIGNALS, evidence_key
from doudi.monitoring.models import EarlyWarning, Indicator, PotentialCase
from doudi.monitoring.scans import params, routing, sources

logger = logging.getLogger(__name__)
UNKNOWN_MASK = "未知"
TOWNSHIP = "CASE WHEN r IS NULL THEN NULL ELSE left(r, 9) || '000' END"


def _signal_rows(con) -> None:
    """``sig_raw``: one row per unmatched record carrying a strong signal (medical: every record in
    the window; the amount test is applied per person in ``find``), with its routed region ``r``."""
    common = "r, route, region_code AS given_region, id_county, name, sex, birth_date"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE sig_raw AS
        SELECT id_index, batch_id, batch_as_of, target, record_id, 'disability' AS dataset,
               'severe_disability_no_employment' AS signal, coalesce(certified_on, batch_as_of) AS event_date,
               {common}, FALSE AS red, 'severe' AS fact_key, id_masked
        FROM u_disability WHERE id_index IS NULL OR id_index NOT IN (SELECT id_index FROM si_emp)
        UNION ALL
        SELECT id_index, batch_id, batch_as_of, target, record_id, 'medical_expense', 'large_medical_expense',
               period_end, {common}, FALSE,
               'med:' || period_start || ':' || period_end || ':' || out_of_pocket, id_masked
        FROM u_medical_expense
        UNION ALL
        SELECT id_index, batch_id, batch_as_of, target, record_id, 'disaster', 'disaster_dwelling', occurred_on,
               {common}, dwelling_damage = 'collapsed', 'dsr:' || event || ':' || occurred_on, id_masked
        FROM u_disaster"""
    )


def _param_region(r: str = "r") -> str:
    """SQL: the region whose parameters apply to a routed record (the province's for an unroutable one)."""
    return f"coalesce(left({r}, 9) || '000', '{routing.PROVINCE}')"


def find(con, batches, targets, as_of: dt.date, dates: dict[str, str]) -> dict:
    """Evaluate the signals; returns ``{"new", "merges", "warning_merges", "case_warnings", "counts"}``."""
    by_ds = defaultdict(list)
    for b in batches:
        by_ds[b.dataset].append(b)
    d, d3, d12 = dates["D"], dates["D3"], dates["D12"]
    sources.create_unmatched_table(
        con, "disability", by_ds["disability"], targets,
        f"{sources.severe('r.disability_grade', 'r.disability_kind')} AND coalesce(r.certified_on, DATE '1900-01-01') <= {d}",
    )  # fmt: skip
    sources.create_unmatched_table(
        con,
        "medical_expense",
        by_ds["medical_expense"],
        targets,
        f"r.period_end > {d3} AND r.period_end <= {d}",
    )
    sources.create_unmatched_table(
        con, "disaster", by_ds["disaster"], targets,
        f"r.dwelling_damage IN ('severe', 'collapsed') AND r.occurred_on > {d12} AND r.occurred_on <= {d}",
    )  # fmt: skip
    si_files = [store.sql_path(b.records) for b in by_ds["social_insurance"]]
    if si_files:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE si_emp AS SELECT DISTINCT id_index
                FROM read_parquet([{", ".join(si_files)}], union_by_name = true)
                WHERE id_index IN (SELECT id_index FROM u_disability) AND coalesce(contribution_base, 0) > 0
                  AND month > strftime({d3}, '%Y-%m') AND month <= {dates["M"]}"""
        )
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE si_emp (id_index VARCHAR)")
    routing.load_tree(con)
    routing.load_providers(con, [b.batch_id for b in batches])
    for name in ("u_disability", "u_medical_expense", "u_disaster"):
        routing.route_table(con, name)
    # parameters of the regions the unmatched records are routed to (they need not hold registry households)
    regions = con.execute(
        f"""SELECT DISTINCT {_param_region()} FROM (SELECT r FROM u_disability UNION ALL
                 SELECT r FROM u_medical_expense UNION ALL SELECT r FROM u_disaster)"""
    ).fetchall()
    regions.append((routing.PROVINCE,))
    con.register("src_prm_new", params.table([(r[0], "urban") for r in regions], as_of))
    con.execute("CREATE OR REPLACE TEMP TABLE prm_new AS SELECT * FROM src_prm_new")
    con.unregister("src_prm_new")
    _signal_rows(con)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE sig AS
            SELECT s.*, {TOWNSHIP} AS township, coalesce(CAST(s.batch_id AS VARCHAR), 'None') || ':' || s.record_id AS ekey
            FROM sig_raw s
            JOIN prm_new p ON p.region_code = {_param_region()}
            WHERE s.id_index IS NOT NULL AND p.new_on
              AND (s.signal <> 'large_medical_expense' OR s.id_index IN (
                    SELECT u.id_index FROM u_medical_expense u
                    JOIN prm_new q ON q.region_code = {_param_region("u.r")}
                    GROUP BY u.id_index HAVING sum(u.out_of_pocket) >= min(q.new_t)))
            QUALIFY dense_rank() OVER (PARTITION BY s.id_index, s.fact_key
                                       ORDER BY coalesce(s.batch_as_of, DATE '1900-01-01'), s.batch_id) = 1"""
    )
    triggered = con.execute(
        "SELECT DISTINCT id_index FROM sig GROUP BY id_index HAVING bool_or(target)"
    ).fetchall()
    ids = [r[0] for r in triggered]
    existing = _existing_cases(ids)
    con.register(
        "src_known",
        pa.table(
            {"id_index": [k[0] for k in existing["keys"]], "ekey": [k[1] for k in existing["keys"]]},
            schema=pa.schema([("id_index", pa.string()), ("ekey", pa.string())]),
        ),  # fmt: skip
    )
    con.execute("CREATE OR REPLACE TEMP TABLE known AS SELECT * FROM src_known")
    con.unregister("src_known")
    labels = ", ".join(f"('{k}', '{v}')" for k, v in SIGNALS.items())
    rows = (
        con.sql(
            f"""WITH lbl(signal, detail) AS (VALUES {labels}),
            fresh AS (SELECT s.* FROM sig s
                      WHERE s.id_index IN (SELECT id_index FROM sig GROUP BY id_index HAVING bool_or(target))
                        AND NOT EXISTS (SELECT 1 FROM known k WHERE k.id_index = s.id_index AND k.ekey = s.ekey))
            SELECT f.id_index, arg_max(f.township, f.event_date) FILTER (WHERE f.township IS NOT NULL) AS region_code,
                   arg_max(f.name, f.event_date) AS name,
                   any_value(f.sex) AS sex, any_value(f.birth_date) AS birth_date, min(f.event_date) AS first_seen,
                   arg_max(f.id_masked, f.event_date) AS id_masked,
                   bool_or(f.red) AS red, min(f.batch_id) AS source_batch_id,
                   list({{'dataset': f.dataset, 'batch_id': f.batch_id, 'record_id': f.record_id, 'signal': f.signal,
                          'detail': l.detail, 'as_of': CAST(f.event_date AS VARCHAR)}}
                        ORDER BY f.event_date, f.batch_id, f.record_id) AS signals
            FROM fresh f JOIN lbl l USING (signal)
            GROUP BY f.id_index ORDER BY region_code, f.id_index"""
        )
        .to_arrow_table()
        .to_pylist()
    )
    counts = _route_counts(con)
    prm = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT region_code, new_level, dl_red, dl_orange, dl_yellow FROM prm_new"
        ).fetchall()
    }
    out: dict[str, Any] = {
        "new": [],
        "merges": [],
        "warning_merges": [],
        "case_warnings": [],
        "unroutable": [],
        "skipped": [],
        "counts": counts,
    }
    stray: list[str] = []
    for row in rows:
        if row["region_code"] is None and row["id_index"] not in existing["open"]:
            stray.append(row["id_index"])  # no region of the tree for any record of the person
            continue
        try:
            _plan(row, prm, existing, out)
        except Exception as exc:  # one bad person is reported, never fatal to the scan
            logger.exception("discovery: person of batch %s skipped", row.get("source_batch_id"))
            out["skipped"].append(
                {
                    "what": "potential_case",
                    "batch_id": row.get("source_batch_id"),
                    "error": type(exc).__name__,
                }
            )
    out["unroutable"] = _unroutable(con, stray, labels)
    counts["unroutable"] = len(out["unroutable"])
    return out


def _plan(row: dict, prm: dict, existing: dict, out: dict) -> None:
    """Turn one person's fresh signals into a new case, or a merge into their open case."""
    region_prm = prm.get(row["region_code"]) or ("orange", 3, 7, 15)
    level = "red" if row["red"] else region_prm[0]
    days = {"red": region_prm[1], "orange": region_prm[2], "yellow": region_prm[3]}[level] or 7
    signals = [{k: v for k, v in s.items() if v is not None} for s in row["signals"]]
    evidence = [
        {"source": "主动发现", "dataset": s["dataset"], "batch_id": s.get("batch_id"),
         "record_id": s["record_id"], "signal": s["signal"], "detail": s["detail"], "as_of": s.get("as_of")}
        for s in signals
    ]  # fmt: skip
    case_id = existing["open"].get(row["id_index"])
    if case_id is None:
        out["new"].append(
            {
                **row,
                "signals": signals,
                "evidence": evidence,
                "level": level,
                "deadline_days": days,
                "id_masked": row.get("id_masked") or UNKNOWN_MASK,
            }  # fmt: skip
        )
        return
    out["merges"].append({"case_id": case_id, "signals": signals})
    warning = existing["warnings"].get(case_id)
    common = {
        "indicator": Indicator.DISCOVERY,
        "level": level,
        "deadline_days": days,
        "evidence": evidence,
    }
    if warning is not None:
        out["warning_merges"].append({**common, "warning_id": warning})
    else:
        out["case_warnings"].append(
            {**common, "region_code": row["region_code"], "potential_case_id": case_id,
             "dedupe_key": f"{Indicator.DISCOVERY}:p{case_id}", "source_batch_id": row["source_batch_id"]}
        )  # fmt: skip


def _route_counts(con) -> dict[str, int]:
    """Records of the scanned batches: without a number, and routed by a fallback (R-M16 routing)."""
    no_id = con.execute("SELECT count(*) FROM sig_raw WHERE target AND id_index IS NULL").fetchall()[0][0]
    by_id, by_provider = con.execute(
        "SELECT count(*) FILTER (WHERE route = 'id'), count(*) FILTER (WHERE route = 'provider') FROM sig WHERE target"
    ).fetchall()[0]
    return {"skipped_no_id": no_id, "routed_by_id": by_id, "routed_by_provider": by_provider, "unroutable": 0}


def _unroutable(con, ids: list[str], labels: str) -> list[dict]:
    """The signal records of persons that no record routes to a region: for the province's list."""
    if not ids:
        return []
    con.register("src_stray", pa.table({"id_index": pa.array(ids, pa.string())}))
    rows = (
        con.sql(
            f"""WITH lbl(signal, detail) AS (VALUES {labels})
            SELECT s.batch_id, s.record_id, s.dataset, s.signal, l.detail, s.name, s.id_masked, s.given_region,
                   s.id_county, s.event_date, s.id_index, s.sex, s.birth_date
            FROM sig s JOIN lbl l USING (signal)
            WHERE s.id_index IN (SELECT id_index FROM src_stray)
              AND NOT EXISTS (SELECT 1 FROM known k WHERE k.id_index = s.id_index AND k.ekey = s.ekey)
            ORDER BY s.batch_id, s.record_id, s.signal"""
        )
        .to_arrow_table()
        .to_pylist()
    )
    con.unregister("src_stray")
    for r in rows:
        r["reason"] = routing.unroutable_reason(r["given_region"], r["id_county"])
    return rows


def _existing_cases(ids: list[str]) -> dict:
    """Evidence keys already on any case of these persons, their open case and its open W-NEW warning."""
    keys: list[tuple[str, str]] = []
    open_cases: dict[str, int] = {}
    for start in range(0, len(ids), sources.ID_CHUNK):
        part = ids[start : start + sources.ID_CHUNK]
        for pk, idx, status, signals in PotentialCase.unscoped.filter(id_index__in=part).values_list(
            "id", "id_index", "status", "signals"
        ):
            keys += [(str(idx), evidence_key(s)) for s in signals or []]
            if status == PotentialCase.Status.OPEN:
                open_cases[str(idx)] = pk
    warnings: dict[int, int] = {}
    case_ids = list(open_cases.values())
    for start in range(0, len(case_ids), sources.ID_CHUNK):
        chunk = case_ids[start : start + sources.ID_CHUNK]
        warnings |= dict(
            EarlyWarning.unscoped.filter(
                potential_case_id__in=chunk, is_open=True, indicator=Indicator.DISCOVERY
            ).values_list("potential_case_id", "id")
        )
    return {"keys": keys, "open": open_cases, "warnings": warnings}
