"""Entitlement-months (R-PAY3, R-PAY2): a month's payment lines for every payable case of a region
subtree, set-based.

A case is paid for month M when ``pay_from <= M`` and (``pay_until`` is open or ``M <= pay_until``) and
its state is active / under_review / adjusted / grace / suspended / terminated / transitioned; a
suspended case's lines are ``held`` (R-W34, they accrue). The amount is the engine's benefit formulas
(``policy.rules.benefits``, the very function the assessment uses) applied to the case's amount basis
with the parameters in force on M's first day (``params_store.provider(region, area type, M)``) and
ages on that day. A DIBAO case is paid R-B1 (``base``, the household), R-B2 (``topup``, per member)
and R-B4 (``single``, per member); a TEKUN case R-B3 basic living (``base``) and care (``care``) per
TEKUN member. MARGINAL and RIGID cases have no cash lines.

Three reads (cases with their basis and household, the bases' members, grace caps) go into Arrow
tables; the formulas run once per (region, area type) parameter group of the whole batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection

from doudi.casework.basis import CARE_CODES, SINGLE_CODES
from doudi.casework.lifecycle_models import AmountBasis, AmountBasisMember, GracePeriod
from doudi.casework.models import Case
from doudi.payments.base import PaymentsError, month_start
from doudi.payments.models import Roster, RosterLine
from doudi.policy import params_store
from doudi.policy.models import Decision
from doudi.policy.rules import UnknownRegionError, codes
from doudi.policy.rules.benefits import benefit_table
from doudi.policy.rules.params import ASSESSMENT_KEYS, ParameterError, Parameters
from doudi.registry.models import Household

PAYABLE_STATES = ("active", "under_review", "adjusted", "grace", "suspended", "terminated", "transitioned")
CASH_TIERS = ("DIBAO", "TEKUN")
HELD_REASON = "暂停发放"
CATEGORY_CODES = {"DIBAO": codes.CAT_DIBAO, "MARGINAL": codes.CAT_MARGINAL, "RIGID": codes.CAT_RIGID}
CATEGORY_CODES["TEKUN"] = codes.CAT_TEKUN
LINE_ORDER = {"base": 0, "topup": 1, "single": 2, "care": 3}

# One row per payment line; ``person_id`` 0 for a household line.
LINE_SCHEMA = pa.schema(
    [
        ("case_id", pa.int64()),
        ("household_id", pa.int64()),
        ("person_id", pa.int64()),
        ("payee_key", pa.string()),
        ("programme", pa.string()),
        ("tier", pa.string()),
        ("line", pa.string()),
        ("rule", pa.string()),
        ("amount", pa.int64()),
        ("members", pa.int64()),
        ("region_code", pa.string()),
        ("status", pa.string()),
        ("status_reason", pa.string()),
    ]
)


def region_prefix(region_code: str | None) -> str:
    """The code prefix of a region's subtree: ``222401000000`` → ``222401`` ('' = the province)."""
    code = (region_code or "").strip()
    if not code:
        return ""
    if not re.fullmatch(r"\d{2,12}", code):
        raise PaymentsError(f"行政区划代码“{code}”无效", "region")
    code = code.ljust(12, "0")
    for size in (2, 4, 6, 9, 12):
        if set(code[size:]) <= {"0"}:
            return code[:size]
    return code


def read_arrow(sql: str, schema: pa.Schema) -> pa.Table:
    """Run ``sql`` (literals only, validated by the caller) into an Arrow table: ``COPY … TO STDOUT``
    (CSV) on PostgreSQL, the cursor in blocks elsewhere. Dates travel as ISO text."""
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
                return schema.empty_table()
            table = pacsv.read_csv(
                tmp.name,
                read_options=pacsv.ReadOptions(column_names=raw.names, block_size=1 << 24),
                convert_options=pacsv.ConvertOptions(
                    column_types=raw,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    true_values=["t", "true"],
                    false_values=["f", "false"],
                ),
            )
        return table.cast(schema)
    batches = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while True:
            rows = cursor.fetchmany(200_000)
            if not rows:
                break
            cols = list(zip(*rows, strict=True))
            batches.append(
                pa.record_batch([pa.array(c, f.type) for c, f in zip(cols, raw, strict=True)], schema=raw)
            )
    if not batches:
        return schema.empty_table()
    return pa.Table.from_batches(batches, raw).cast(schema)


def read_numbers(sql: str, schema: pa.Schema) -> pa.Table:
    """``read_arrow`` for a query of integer columns whose row order does not matter. On PostgreSQL the
    server joins the rows into CSV blocks of ~20,000 (a COPY message per row costs more in Python than
    the query itself); elsewhere ``read_arrow``."""
    if connection.vendor != "postgresql":
        return read_arrow(sql, schema)
    cols = [f"c{i}" for i in range(len(schema))]
    line = " || ',' || ".join(f"COALESCE(q.{c}::text, '')" for c in cols)
    blocks = (
        f"SELECT string_agg({line}, E'\\n') FROM ({sql}) AS q({', '.join(cols)})"
        f" GROUP BY mod(q.{cols[0]}, 64)"
    )
    text = io.BytesIO()
    with connection.cursor() as cursor:
        cursor.execute(blocks)
        for (block,) in cursor.fetchall():
            text.write(block.encode())
            text.write(b"\n")
    if text.tell() == 0:
        return schema.empty_table()
    text.seek(0)
    return pacsv.read_csv(
        text,
        read_options=pacsv.ReadOptions(column_names=schema.names),
        convert_options=pacsv.ConvertOptions(column_types=schema),
    )


def lines_of_rosters(roster_ids: Collection[int]) -> str:
    """SQL condition on payment lines ``l``: on one of the given rosters (a month's). A month's lines were
    written together by its runs, so they lie in one range of ids: the condition reads that range in id
    order (a sequential scan) instead of following the roster index into a table many months long, line
    by line in random order. The range's bounds are each roster's first and last line on the
    (roster, id) index — an aggregate over the whole table would have the planner walk the primary key
    from one end until it met the month's lines, millions of rows for the newest or oldest month."""
    ids = ", ".join(str(int(i)) for i in roster_ids) or "0"
    line = connection.ops.quote_name(RosterLine._meta.db_table)
    roster = connection.ops.quote_name(Roster._meta.db_table)

    def bound(agg: str) -> str:
        first = f"SELECT {agg}(i.id) FROM {line} i WHERE i.roster_id = r.id"
        return f"SELECT {agg}(b) FROM (SELECT ({first}) AS b FROM {roster} r WHERE r.id IN ({ids})) q"

    # "+" keeps the planner off the roster index for the membership test
    return f"l.id BETWEEN ({bound('MIN')}) AND ({bound('MAX')}) AND +l.roster_id IN ({ids})"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def payable_cases(month: dt.date | None, prefix: str = "", case_ids: Sequence[int] | None = None) -> pa.Table:
    """Cases paid for ``month`` (cash tiers, with a basis) in the subtree, with their basis figures, the
    household's region, ``pay_from`` / ``pay_until`` (ISO text, '' = open) and ``assessed_on`` (the date
    of the basis's assessment: it is in force from the next month on); ordered by case id.
    ``month=None``: every case that has a paid month at all (``payable_in`` picks a month's)."""
    where = [
        f"c.state IN ({', '.join(repr(s) for s in PAYABLE_STATES)})",
        f"c.tier IN ({', '.join(repr(t) for t in CASH_TIERS)})",
        "c.basis_id IS NOT NULL",
        "c.pay_from IS NOT NULL",
    ]
    if month is not None:
        m = month_start(month).isoformat()
        where.append(f"c.pay_from <= '{m}' AND (c.pay_until IS NULL OR c.pay_until >= '{m}')")
    if prefix:
        where.append(f"h.region_code LIKE '{prefix}%'")
    if case_ids is not None:
        ids = [int(i) for i in case_ids] or [0]
        where.append(f"c.id IN ({', '.join(str(i) for i in ids)})")
    sql = (
        "SELECT c.id, c.household_id, c.tier, c.state, c.basis_id, h.region_code, b.area_type, b.category,"
        " b.n_assessed, b.income_fen, b.income_months, CAST(c.pay_from AS TEXT),"
        " CAST(COALESCE(c.pay_until, c.pay_from) AS TEXT), CASE WHEN c.pay_until IS NULL THEN 0 ELSE 1 END,"
        " CAST(d.as_of AS TEXT)"
        f" FROM {_t(Case)} c JOIN {_t(Household)} h ON h.id = c.household_id"
        f" JOIN {_t(AmountBasis)} b ON b.id = c.basis_id JOIN {_t(Decision)} d ON d.id = b.decision_id"
        f" WHERE {' AND '.join(where)} ORDER BY c.id"
    )
    schema = pa.schema(
        [
            ("case_id", pa.int64()),
            ("household_id", pa.int64()),
            ("tier", pa.string()),
            ("state", pa.string()),
            ("basis_id", pa.int64()),
            ("region_code", pa.string()),
            ("area_type", pa.string()),
            ("category", pa.string()),
            ("n_assessed", pa.int64()),
            ("income_fen", pa.int64()),
            ("income_months", pa.int64()),
            ("pay_from", pa.string()),
            ("pay_until", pa.string()),
            ("has_until", pa.int64()),
            ("assessed_on", pa.string()),
        ]
    )
    table = read_arrow(sql, schema)
    until = pc.if_else(pc.equal(table["has_until"], 1), table["pay_until"], "")
    return table.set_column(table.schema.get_field_index("pay_until"), "pay_until", until).drop_columns(
        ["has_until"]
    )


def payable_in(cases: pa.Table, month: dt.date) -> pa.Table:
    """The rows of ``payable_cases(None, …)`` paid for ``month`` (R-PAY2 effective months)."""
    m = month_start(month).isoformat()
    until = cases["pay_until"]
    ok = pc.and_(
        pc.less_equal(cases["pay_from"], m),
        pc.or_(pc.equal(until, ""), pc.greater_equal(until, m)),
    )
    return cases.filter(ok)


def basis_in_force(cases: pa.Table, month: dt.date) -> pa.Table:
    """The rows whose current basis was already in force in ``month`` (from the month after its
    assessment's date): a past month is recomputed only with the basis it was paid on."""
    last_day = (month_start(month) - dt.timedelta(days=1)).isoformat()  # assessed before M began
    return cases.filter(pc.less_equal(cases["assessed_on"], last_day))


def _basis_members(cases_sql_filter: str) -> pa.Table:
    sql = (
        "SELECT m.basis_id, m.person_id, m.birth_ymd, m.serious_illness, m.severe_disability, m.tekun,"
        " m.care_level, m.single, m.own_income_fen"
        f" FROM {_t(AmountBasisMember)} m WHERE m.basis_id IN ({cases_sql_filter})"
        " ORDER BY m.basis_id, m.person_id"
    )
    schema = pa.schema(
        [
            ("basis_id", pa.int64()),
            ("person_id", pa.int64()),
            ("birth_ymd", pa.int64()),
            ("serious_illness", pa.bool_()),
            ("severe_disability", pa.bool_()),
            ("tekun", pa.bool_()),
            ("care_level", pa.string()),
            ("single", pa.int64()),
            ("own_income_fen", pa.int64()),
        ]
    )
    return read_arrow(sql, schema)


def members_of(basis_ids: pa.Array) -> pa.Table:
    """The members of the given bases (sorted by basis, person)."""
    ids = pc.unique(basis_ids).to_pylist()
    if not ids:
        return _basis_members("0").slice(0, 0)
    if len(ids) <= 5000:
        return _basis_members(", ".join(str(int(i)) for i in ids))
    lo, hi = min(ids), max(ids)  # a range read, then the members of other bases are dropped
    table = _basis_members(f"SELECT id FROM {_t(AmountBasis)} WHERE id BETWEEN {lo} AND {hi}")
    return table.filter(pc.is_in(table["basis_id"], value_set=pa.array(ids, pa.int64())))


def grace_caps(month: dt.date, case_ids: pa.Array) -> dict[int, int]:
    """Case → persons of the capped grace amount (``grace.amount_mode`` capped) in force for ``month``."""
    m = month_start(month)
    rows = GracePeriod.unscoped.filter(
        amount_mode="capped", start_month__lte=m, end_month__gte=m, cap_persons__isnull=False
    ).values_list("case_id", "cap_persons")
    wanted = set(case_ids.to_pylist()) if len(case_ids) < 100_000 else None
    return {c: int(p or 0) for c, p in rows if wanted is None or c in wanted}


def param_regions(regions: pa.ChunkedArray | pa.Array, keys: Collection[str] = ASSESSMENT_KEYS) -> pa.Array:
    """Each region → the deepest region of its ancestry with rows of its own for ``keys``: regions that
    resolve to the same values share one group (a province of villages is a few groups)."""
    own = {row.region_code for row in params_store.active_rows() if row.key in keys}
    distinct = pc.unique(regions)
    mapped = []
    for code in distinct.to_pylist():
        chain = params_store.ancestry(code) if code else []
        mapped.append(next((c for c in chain if c in own), code))
    return pc.take(pa.array(mapped, pa.string()), pc.index_in(regions, value_set=distinct))


def params_for(region: str, area: str, month: dt.date) -> Parameters:
    try:
        params = params_store.provider(region, area, month)
        params.check_complete()
        params.ints  # noqa: B018 - convert once, so a bad value fails here
    except (UnknownRegionError, ParameterError) as exc:
        raise PaymentsError(
            f"行政区划 {region} 在 {month.isoformat()} 没有可用的救助标准参数：{exc}"
        ) from None
    return params


@dataclass
class Benefits:
    """The engine's amounts of a batch of cases for one month: ``b1`` per basis of ``bases``, the member
    amounts per row of ``member_rows``, and each basis's parameter group."""

    bases: pa.Table
    member_rows: pa.Table
    b1: pa.Array
    per_member: pa.Table
    groups: list[Parameters]
    param_group: pa.Array
    digest: str


def benefits_of(cases: pa.Table, members: pa.Table, month: dt.date) -> Benefits:
    # one row per distinct basis, in basis order; its parameter group (household region, area type)
    first = pc.sort_indices(cases, [("basis_id", "ascending")])
    by_basis = cases.take(first)
    keep = pc.invert(pc.equal(by_basis["basis_id"], _shift_prev(by_basis["basis_id"])))
    bases = by_basis.filter(keep)
    # only bases with members (a contract-only member is never paid)
    bases = bases.filter(pc.is_in(bases["basis_id"], value_set=pc.unique(members["basis_id"])))
    group_keys = pc.binary_join_element_wise(param_regions(bases["region_code"]), bases["area_type"], "|")
    distinct = pc.unique(group_keys)
    groups = []
    for key in distinct.to_pylist():
        region, _, area = str(key).partition("|")
        groups.append(params_for(region, area, month))
    param_group = pc.index_in(group_keys, value_set=distinct)
    digest = hashlib.sha256(month.isoformat().encode())
    for key, g in sorted(zip(distinct.to_pylist(), groups, strict=True), key=lambda kv: str(kv[0])):
        digest.update(f"{key}={g.ints!r};".encode())
    member_rows = members.filter(pc.is_in(members["basis_id"], value_set=bases["basis_id"]))
    b_index = pc.index_in(member_rows["basis_id"], value_set=bases["basis_id"])
    care = _codes_of(member_rows["care_level"], CARE_CODES, codes.CARE_NONE)
    single_map = pa.array([SINGLE_CODES[i] for i in range(3)], pa.int64())
    category = _codes_of(bases["category"], CATEGORY_CODES, codes.CAT_NONE)
    b1, mb = benefit_table(
        {
            "category": category,
            "n_assessed": bases["n_assessed"],
            "income_fen": bases["income_fen"],
            "income_months": bases["income_months"],
            "param_group": param_group,
        },
        {
            "household": b_index,
            "birth_ymd": member_rows["birth_ymd"],
            "serious_illness": member_rows["serious_illness"],
            "severe_disability": member_rows["severe_disability"],
            "tekun": member_rows["tekun"],
            "care_level": care,
            "single": pc.take(single_map, member_rows["single"]),
            "own_income_fen": member_rows["own_income_fen"],
        },
        groups,
    )
    return Benefits(bases, member_rows, b1, mb, groups, param_group, digest.hexdigest())


def standards_of_capped(cases: pa.Table, ben: Benefits, caps: dict[int, int]) -> dict[int, int]:
    """Case → the DIBAO standard (fen) of its parameter group, for the capped cases (R-X2)."""
    s_of_basis = dict(
        zip(
            ben.bases["basis_id"].to_pylist(),
            (ben.groups[g].ints.dibao_fen for g in ben.param_group.to_pylist()),
            strict=True,
        )
    )
    return {
        c: s_of_basis[b]
        for c, b in zip(cases["case_id"].to_pylist(), cases["basis_id"].to_pylist(), strict=True)
        if c in caps and b in s_of_basis
    }


def compute_lines(cases: pa.Table, members: pa.Table, month: dt.date) -> pa.Table:
    """The payment lines (``LINE_SCHEMA``) of ``cases`` for ``month`` from their bases' ``members``."""
    month = month_start(month)
    if cases.num_rows == 0:
        return LINE_SCHEMA.empty_table()
    ben = benefits_of(cases, members, month)
    basis_b1 = pa.table({"basis_id": ben.bases["basis_id"], "b1": ben.b1})
    mb, member_rows = ben.per_member, ben.member_rows
    person_lines = pa.table(
        {
            "basis_id": member_rows["basis_id"],
            "person_id": member_rows["person_id"],
            "b2": mb["b2"],
            "b4": mb["b4"],
            "b3_basic": mb["b3_basic"],
            "b3_care": mb["b3_care"],
        }
    )
    case_cols = cases.select(
        ["case_id", "household_id", "tier", "state", "basis_id", "region_code", "n_assessed"]
    )
    parts = []
    dibao = case_cols.filter(pc.equal(case_cols["tier"], "DIBAO"))
    tekun = case_cols.filter(pc.equal(case_cols["tier"], "TEKUN"))
    if dibao.num_rows:
        hh = dibao.join(basis_b1, "basis_id", join_type="inner")
        parts.append(_lines(hh, hh["b1"], None, "DIBAO", "base", "R-B1", hh["n_assessed"]))
        per = dibao.join(person_lines, "basis_id", join_type="inner")
        parts.append(_lines(per, per["b2"], per["person_id"], "DIBAO", "topup", "R-B2"))
        parts.append(_lines(per, per["b4"], per["person_id"], "DIBAO", "single", "R-B4"))
    if tekun.num_rows:
        per = tekun.join(person_lines, "basis_id", join_type="inner")
        parts.append(_lines(per, per["b3_basic"], per["person_id"], "TEKUN", "base", "R-B3"))
        parts.append(_lines(per, per["b3_care"], per["person_id"], "TEKUN", "care", "R-B3"))
    table = pa.concat_tables([p for p in parts if p.num_rows] or [LINE_SCHEMA.empty_table()])
    caps = grace_caps(month, cases["case_id"])
    if caps:
        s_of_case = standards_of_capped(cases, ben, caps)
        table = _apply_caps(table, caps, s_of_case)
    table = table.append_column("_o", _codes_of(table["line"], LINE_ORDER, 0))
    table = table.sort_by([("case_id", "ascending"), ("_o", "ascending"), ("person_id", "ascending")])
    return table.drop_columns(["_o"]).replace_schema_metadata({"params": ben.digest})


def _codes_of(values: pa.ChunkedArray | pa.Array, mapping: dict[str, int], default: int) -> pa.Array:
    """``mapping[value]`` for each value (``default`` for others and nulls), vectorised: millions of
    members and lines are mapped in one pass, not a Python loop."""
    keys = pa.array(list(mapping), pa.string())
    found = pc.index_in(values, value_set=keys)
    return pc.fill_null(pc.take(pa.array(list(mapping.values()), pa.int64()), found), default)


def _shift_prev(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pa.concat_arrays([pa.array([-1], pa.int64()), arr.slice(0, max(len(arr) - 1, 0))])


def _lines(t: pa.Table, amount, person, programme: str, line: str, rule: str, members=None) -> pa.Table:
    amount = amount.combine_chunks() if isinstance(amount, pa.ChunkedArray) else amount
    mask = pc.greater(amount, 0)
    t, amount = t.filter(mask), amount.filter(mask)
    n = t.num_rows
    if person is None:
        person_ids = pa.array([0] * n, pa.int64())
        payee = pc.binary_join_element_wise("h", t["household_id"].cast(pa.string()), "")
    else:
        person_ids = t["person_id"]
        payee = pc.binary_join_element_wise("p", person_ids.cast(pa.string()), "")
    held = pc.equal(t["state"], "suspended")
    return pa.table(
        {
            "case_id": t["case_id"],
            "household_id": t["household_id"],
            "person_id": person_ids,
            "payee_key": payee,
            "programme": pa.array([programme] * n, pa.string()),
            "tier": t["tier"],
            "line": pa.array([line] * n, pa.string()),
            "rule": pa.array([rule] * n, pa.string()),
            "amount": amount,
            "members": t["n_assessed"] if members is not None else pa.array([1] * n, pa.int64()),
            "region_code": t["region_code"],
            "status": pc.if_else(held, "held", "due"),
            "status_reason": pc.if_else(held, HELD_REASON, ""),
        },
        schema=LINE_SCHEMA,
    )


def _apply_caps(table: pa.Table, caps: dict[int, int], standard_fen: dict[int, int]) -> pa.Table:
    """R-X2 capped grace (``grace.amount_mode`` capped): a case's month at most S × the persons of its
    new household, rounded half-up to the yuan; the excess comes off its household line first, then
    its member lines in order."""
    if not caps or table.num_rows == 0:
        return table
    in_caps = pc.is_in(table["case_id"], value_set=pa.array(list(caps), pa.int64()))
    capped = table.filter(in_caps)
    if capped.num_rows == 0:
        return table
    rows = capped.to_pylist()
    totals: dict[int, int] = {}
    for r in rows:
        totals[r["case_id"]] = totals.get(r["case_id"], 0) + r["amount"]
    excess = {c: t - (standard_fen[c] * caps[c] + 50) // 100 for c, t in totals.items() if c in standard_fen}
    kept = []
    for r in rows:
        cut = min(max(excess.get(r["case_id"], 0), 0), r["amount"])
        if cut:
            r["amount"] -= cut
            excess[r["case_id"]] -= cut
        if r["amount"] > 0:
            kept.append(r)
    rest = table.filter(pc.invert(in_caps))
    return pa.concat_tables([rest, pa.Table.from_pylist(kept, schema=LINE_SCHEMA)])


def month_lines(month: dt.date, region_code: str | None = None) -> pa.Table:
    """Every payment line of ``month`` for the payable cases of the region subtree (``LINE_SCHEMA``),
    ordered by case, line and person."""
    month = month_start(month)
    cases = payable_cases(month, region_prefix(region_code))
    return compute_lines(cases, members_of(cases["basis_id"]), month)


def case_lines(case_ids: Sequence[int], month: dt.date) -> pa.Table:
    """The payment lines of the given cases for ``month`` (same computation as ``month_lines``)."""
    month = month_start(month)
    cases = payable_cases(month, case_ids=case_ids)
    return compute_lines(cases, members_of(cases["basis_id"]), month)


def case_amount(case, month: dt.date) -> int:
    """The amount a case is paid for ``month`` (0 when it is not paid that month)."""
    table = case_lines([case.pk], month)
    return int(pc.sum(table["amount"]).as_py() or 0)
