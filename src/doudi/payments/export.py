"""``doudi payments export`` (contracts/casework.md): one CSV row per roster line of a month in a region
subtree, in the contract's columns and order — roster_id, month, household_key, person_key, programme,
line, rule, amount, case_id. Lines dropped at lock are not paid and not exported. Rows are sorted on
their content (roster, household, person, programme, line, rule, case, amount), never on row ids, so
the same month exported again gives the same file even after a draft roster was regenerated with the
same lines (R-B6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection

from doudi.payments.base import month_start
from doudi.payments.entitlement import lines_of_rosters, read_arrow, region_prefix
from doudi.payments.models import Roster, RosterLine
from doudi.registry.models import Household, Person

COLUMNS = (
    "roster_id",
    "month",
    "household_key",
    "person_key",
    "programme",
    "line",
    "rule",
    "amount",
    "case_id",
)
LINE_RANK = {"base": 0, "topup": 1, "single": 2, "care": 3, "arrears": 4, "recovery": 5, "oneoff": 6}


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def export_table(month: dt.date, region_code: str | None = None) -> pa.Table:
    """The export's rows as an Arrow table (columns ``COLUMNS``), in the export's order."""
    month = month_start(month)
    prefix = region_prefix(region_code)
    like = f" AND l.region_code LIKE '{prefix}%'" if prefix else ""
    rosters = list(Roster.unscoped.filter(month=month).values_list("pk", flat=True))
    sql = (
        "SELECT l.roster_id, h.household_key, COALESCE(p.person_key, ''), l.programme, l.line, l.rule,"
        " l.amount, COALESCE(l.case_id, 0)"
        f" FROM {_t(RosterLine)} l JOIN {_t(Household)} h ON h.id = l.household_id"
        f" LEFT JOIN {_t(Person)} p ON p.id = l.person_id"
        f" WHERE {lines_of_rosters(rosters)} AND l.status <> 'dropped'{like}"
    )
    schema = pa.schema(
        [
            ("roster_id", pa.int64()),
            ("household_key", pa.string()),
            ("person_key", pa.string()),
            ("programme", pa.string()),
            ("line", pa.string()),
            ("rule", pa.string()),
            ("amount", pa.int64()),
            ("case_id", pa.int64()),
        ]
    )
    t = read_arrow(sql, schema)
    rank = pc.index_in(t["line"], value_set=pa.array(list(LINE_RANK)))
    t = t.append_column("_rank", pc.fill_null(rank, len(LINE_RANK)))
    t = t.sort_by(
        [
            ("roster_id", "ascending"),
            ("household_key", "ascending"),
            ("case_id", "ascending"),
            ("_rank", "ascending"),
            ("person_key", "ascending"),
            ("programme", "ascending"),
            ("rule", "ascending"),
            ("amount", "ascending"),
        ]
    )
    case = pc.if_else(pc.equal(t["case_id"], 0), pa.scalar(None, pa.int64()), t["case_id"])
    out = {
        "roster_id": t["roster_id"],
        "month": pa.array([f"{month:%Y-%m}"] * t.num_rows, pa.string()),
        "household_key": t["household_key"],
        "person_key": t["person_key"],
        "programme": t["programme"],
        "line": t["line"],
        "rule": t["rule"],
        "amount": t["amount"],
        "case_id": case,
    }
    return pa.table({c: out[c] for c in COLUMNS})


def write_csv(table: pa.Table, out: Path | str) -> int:
    """Write the rows (UTF-8, header line, ``\\n`` line ends); returns the number of rows."""
    pacsv.write_csv(table, str(out), pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    return table.num_rows
