"""The monthly payment run (R-PAY3, R-PAY4, R-PAY5, R-PAY7): ``doudi payments run`` and the monthly task.

One roster per paying region (county, or township where confirmation is delegated), programme and month.
The run is idempotent: it compares its lines with the entitlement and standard-change lines it made
earlier on DRAFT rosters of the month (dropped lines stay: an exclusion made at lock stays excluded),
keeps those equal in every column, deletes the others and writes the new and changed ones in bulk (COPY
on PostgreSQL, ``executemany`` in chunks elsewhere). A roster past draft is never
changed; a line whose payee, programme, line and rule is already on any roster of the month (province-
wide, R-PAY5) is not written again — a case confirmed after its region's roster was locked goes to a
draft supplementary roster (补发名册) of the month. Suspended cases' lines are ``held``. Each line
snapshots the household's (or the TEKUN person's) current account, masked (R-PAY1). Arrears of a
retroactive parameter change are computed by ``arrears`` and written on the month's draft rosters.
One audit entry per run.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, transaction
from django.utils import timezone

from doudi.casework import params as casework_params
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.payments import arrears
from doudi.payments.base import PaymentsConflict, county_code, month_start, township_code
from doudi.payments.entitlement import (
    compute_lines,
    lines_of_rosters,
    members_of,
    param_regions,
    payable_cases,
    payable_in,
    read_arrow,
    region_prefix,
)
from doudi.payments.models import RecipientAccount, Roster, RosterLine
from doudi.payments.roster_open_actions import draft_roster_for

REGENERATED = ("entitlement", "standard_change")
ENTITLEMENT_LINES = ("base", "topup", "care", "single")
PROVINCE = "220000000000"
CHUNK = 100_000
DELEGATION_KEY = "casework.confirm_authority"  # what base.paying_region reads (R-W10)


@dataclass
class RunResult:
    month: dt.date
    region_prefix: str
    rosters: list[int] = field(default_factory=list)
    lines: int = 0  # entitlement lines written
    arrears_lines: int = 0  # standard-change arrears lines written
    amount: int = 0  # yuan, both
    held: int = 0
    skipped: int = 0  # lines already on a roster of the month that the run may not change
    unchanged: int = 0  # lines of an earlier run that were already right (kept, not rewritten)
    deleted: int = 0  # earlier lines of draft rosters that changed or are no longer due
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_lines(self) -> int:
        return self.lines + self.arrears_lines


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _like(prefix: str) -> str:
    return f" AND l.region_code LIKE '{prefix}%'" if prefix else ""


def run_month(
    *,
    actor,
    month: dt.date,
    region_code: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Build (or rebuild) the month's entitlement lines and rosters for the region subtree."""
    month = month_start(month)
    prefix = region_prefix(region_code)
    say = progress or (lambda _msg: None)
    result = RunResult(month=month, region_prefix=prefix)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[name] = round(now - clock, 2)
        clock = now

    with transaction.atomic():
        say(f"读取 {month:%Y-%m} 在保对象及计算依据…")
        cases_all = payable_cases(None, prefix)
        members = members_of(cases_all["basis_id"])
        lap("read")
        say(f"在保对象 {cases_all.num_rows} 个，计算发放明细…")
        lines = compute_lines(payable_in(cases_all, month), members, month)
        lap("compute")
        lines, result.skipped = _without_existing(lines, month, prefix)
        say("计算标准调整补发…")
        extra = arrears.standard_change_lines(cases_all, members, month, prefix)
        lap("arrears")
        rosters = _rosters_for(lines, extra, month)
        accounts = _accounts(prefix)
        fresh = [
            _line_table(lines, rosters, accounts, month, origin="entitlement"),
            _line_table(extra, rosters, accounts, month, origin="standard_change"),
        ]
        fingerprint = (lines.schema.metadata or {}).get(b"params", b"").decode()
        changed, result.unchanged, result.deleted = _keep_unchanged(fresh, month, prefix, fingerprint)
        lap("compare")
        say(f"写入发放明细 {changed.num_rows} 条（{result.unchanged} 条与上次相同，保留）…")
        _write(changed, month)
        lap("insert")
        touched = _totals(month, prefix, fresh, fingerprint)
        lap("totals")
        result.rosters = sorted(set(rosters.values()) | touched)
        result.lines, result.arrears_lines = lines.num_rows, extra.num_rows
        amounts = [pc.sum(t["amount"]).as_py() or 0 for t in (lines, extra) if t.num_rows]
        result.amount = int(sum(amounts))
        result.held = int(pc.sum(pc.equal(lines["status"], "held")).as_py() or 0) if lines.num_rows else 0
        record_audit(
            actor=actor,
            action=AuditAction.PAYMENTS_RUN,
            region_code=(prefix or PROVINCE[:2]).ljust(12, "0"),
            subject_type="payments_run",
            subject_id=f"{month:%Y-%m}",
            after={
                "month": f"{month:%Y-%m}",
                "rosters": result.rosters[:200],
                "lines": result.lines,
                "arrears_lines": result.arrears_lines,
                "amount": result.amount,
                "held": result.held,
                "skipped": result.skipped,
                "unchanged": result.unchanged,
                "deleted": result.deleted,
            },
        )
    return result


def _month_rosters(month: dt.date) -> tuple[list[int], list[int]]:
    """The ids of the month's draft rosters and of its rosters past draft."""
    rows = list(Roster.unscoped.filter(month=month).values_list("pk", "state"))
    drafts = [pk for pk, state in rows if state == Roster.State.DRAFT]
    return drafts, [pk for pk, state in rows if state != Roster.State.DRAFT]


def _ids(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "0"


def _replaceable(prefix: str) -> str:
    """SQL condition (lines ``l`` of draft rosters): the run's own earlier lines, which it may rewrite —
    entitlement and standard-change lines of the region subtree that were not dropped at lock."""
    return f"l.origin IN ({', '.join(repr(o) for o in REGENERATED)}) AND l.status <> 'dropped'" + _like(
        prefix
    )


def _keys(table: pa.Table) -> pa.Array:
    return pc.binary_join_element_wise(
        table["payee_key"], table["programme"], table["line"], table["rule"], "|"
    )


def _without_existing(lines: pa.Table, month: dt.date, prefix: str) -> tuple[pa.Table, int]:
    """Drop lines already on a roster of the month anywhere in the province (R-PAY5) that the run may not
    change: rosters past draft, dropped exclusions, other regions' lines."""
    drafts, past = _month_rosters(month)
    if lines.num_rows == 0 or not (drafts or past):
        return lines, 0
    sql = (
        f"SELECT l.payee_key, l.programme, l.line, l.rule FROM {_t(RosterLine)} l"
        f" WHERE {lines_of_rosters(past + drafts)}"
        f" AND l.line IN ({', '.join(repr(x) for x in ENTITLEMENT_LINES)})"
        f" AND (l.roster_id IN ({_ids(past)}) OR NOT ({_replaceable(prefix)}))"
    )
    schema = pa.schema([(n, pa.string()) for n in ("payee_key", "programme", "line", "rule")])
    existing = read_arrow(sql, schema)
    if existing.num_rows == 0:
        return lines, 0
    taken = pc.is_in(_keys(lines), value_set=_keys(existing))
    skipped = int(pc.sum(taken).as_py() or 0)
    return lines.filter(pc.invert(taken)), skipped


SEPARATOR = "\x1f"
NULL_MARK = "∅"


def _signature_sql(fields: list[str]) -> str:
    """One text per line of every column the run writes, as ``_signatures`` spells them."""
    parts = [f"COALESCE(CAST(l.{connection.ops.quote_name(c)} AS TEXT), '{NULL_MARK}')" for c in fields]
    return f" || '{SEPARATOR}' || ".join(parts)


def _signatures(table: pa.Table, fields: list[str]) -> pa.Array:
    cols = [pc.fill_null(table[c].cast(pa.string()), NULL_MARK) for c in fields]
    return pc.binary_join_element_wise(*cols, SEPARATOR)


def _keep_unchanged(
    fresh: list[pa.Table], month: dt.date, prefix: str, fingerprint: str
) -> tuple[pa.Table, int, int]:
    """Compare the run's lines with its earlier lines on the month's draft rosters: a line that is the
    same in every column stays as it is, the others are deleted, and only new or changed lines are
    returned to be written — a run repeated on unchanged data writes nothing. When the month's
    parameters differ from those the drafts were generated with (a new standard: nearly every amount
    changes), the comparison would only cost time: every earlier line is deleted and all are written.
    Returns (lines to write, unchanged, deleted)."""
    table = pa.concat_tables([t for t in fresh if t.num_rows] or [fresh[0]])
    drafts, _past = _month_rosters(month)
    if not drafts:
        return table, 0, 0
    stored = set(
        Roster.unscoped.filter(pk__in=drafts)
        .exclude(params_fingerprint="")
        .values_list("params_fingerprint", flat=True)
    )
    if stored and fingerprint not in stored:
        return table, 0, _delete([], True, drafts, prefix)
    fields = [c for c in table.column_names if c != "month"]
    sql = (
        f"SELECT l.id, {_signature_sql(fields)} FROM {_t(RosterLine)} l"
        f" WHERE {lines_of_rosters(drafts)} AND {_replaceable(prefix)}"
    )
    earlier = read_arrow(sql, pa.schema([("id", pa.int64()), ("signature", pa.string())]))
    if earlier.num_rows == 0:
        return table, 0, 0
    mine = _signatures(table, fields)
    same = pc.is_in(mine, value_set=earlier["signature"])
    # a signature twice among the earlier lines (never made by a run) is not matched one-to-one: rewrite
    if pc.count_distinct(earlier["signature"]).as_py() != earlier.num_rows:
        same = pa.array([False] * table.num_rows)
    gone = earlier.filter(pc.invert(pc.is_in(earlier["signature"], value_set=mine.filter(same))))["id"]
    _delete(gone.to_pylist(), len(gone) == earlier.num_rows, drafts, prefix)
    unchanged = int(pc.sum(same).as_py() or 0)
    return table.filter(pc.invert(same)), unchanged, len(gone)


def _delete(ids: list[int], everything: bool, drafts: list[int], prefix: str) -> int:
    """Delete the given earlier lines, or (``everything``) all the run's earlier lines; how many."""
    with connection.cursor() as cursor:
        if everything:  # one statement: every earlier line of the run changed (a new standard, say)
            cursor.execute(
                f"DELETE FROM {_t(RosterLine)} WHERE id IN (SELECT l.id FROM {_t(RosterLine)} l"
                f" WHERE {lines_of_rosters(drafts)} AND {_replaceable(prefix)})"
            )
            return max(cursor.rowcount, 0)
        for start in range(0, len(ids), 50_000):
            cursor.execute(f"DELETE FROM {_t(RosterLine)} WHERE id IN ({_ids(ids[start : start + 50_000])})")
        return len(ids)


def _rosters_for(lines: pa.Table, extra: pa.Table, month: dt.date) -> dict[tuple[str, str], int]:
    """(household region, programme) → the draft roster of its paying region (opened if needed)."""
    pairs: set[tuple[str, str]] = set()
    for t in (lines, extra):
        if t.num_rows:
            both = t.select(["region_code", "programme"]).group_by(["region_code", "programme"]).aggregate([])
            pairs |= set(zip(both["region_code"].to_pylist(), both["programme"].to_pylist(), strict=True))
    payer = paying_regions(sorted({region for region, _ in pairs}), month)
    by_payer: dict[tuple[str, str], int] = {}
    out: dict[tuple[str, str], int] = {}
    for region, programme in sorted(pairs):
        key = (payer[region], programme)
        if key not in by_payer:
            roster = draft_roster_for(key[0], programme, month)
            locked = Roster.unscoped.select_for_update().get(pk=roster.pk)
            if locked.state != Roster.State.DRAFT:
                raise PaymentsConflict("花名册已被锁定，请重新生成")
            by_payer[key] = roster.pk
        out[(region, programme)] = by_payer[key]
    return out


def paying_regions(regions: list[str], month: dt.date) -> dict[str, str]:
    """Household region → paying region (``base.paying_region``), resolving the delegation setting once
    per distinct parameter region (townships without a setting of their own share their county's)."""
    townships = sorted({township_code(r) for r in regions})
    setting = param_regions(pa.array(townships, pa.string()), keys={DELEGATION_KEY}).to_pylist()
    delegated: dict[str, bool] = {}
    for code in set(setting):
        delegated[code] = casework_params.delegated(code, month)
    payer = {
        t: (t if delegated[code] else county_code(t)) for t, code in zip(townships, setting, strict=True)
    }
    return {r: payer[township_code(r)] for r in regions}


def masked_accounts(accounts: pa.Table) -> pa.Array:
    """Each row of ``_accounts`` masked as "<kind label> ****<last 4>" (the label alone without digits),
    vectorised: a province has a million accounts."""
    kinds = dict(RecipientAccount.Kind.choices)
    label = pc.fill_null(
        pc.take(
            pa.array(list(kinds.values()), pa.string()), pc.index_in(accounts["kind"], pa.array(list(kinds)))
        ),
        "",
    )
    last4 = pc.fill_null(accounts["last4"], "")
    with_number = pc.binary_join_element_wise(label, " ****", last4, "")
    return pc.if_else(pc.equal(last4, ""), label, with_number)


def _accounts(prefix: str) -> pa.Table:
    sql = (
        "SELECT a.household_id, COALESCE(a.person_id, 0), a.id, a.kind, a.number_last4, a.bank_name"
        f" FROM {_t(RecipientAccount)} a WHERE a.valid_to IS NULL"
        + (f" AND a.region_code LIKE '{prefix}%'" if prefix else "")
        + " ORDER BY a.id"
    )
    schema = pa.schema(
        [
            ("household_id", pa.int64()),
            ("person_id", pa.int64()),
            ("account_id", pa.int64()),
            ("kind", pa.string()),
            ("last4", pa.string()),
            ("bank_name", pa.string()),
        ]
    )
    return read_arrow(sql, schema)


def _account_columns(lines: pa.Table, accounts: pa.Table) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(account id or null, masked number, bank) per line: the person's own account, else the
    household's; the newest current one."""
    n = lines.num_rows
    if accounts.num_rows == 0 or n == 0:
        return pa.nulls(n, pa.int64()), pa.array([""] * n, pa.string()), pa.array([""] * n, pa.string())
    acc_key = pc.binary_join_element_wise(
        accounts["household_id"].cast(pa.string()), accounts["person_id"].cast(pa.string()), "|"
    )
    # the newest row wins: index_in finds the first match, so search the reversed table
    rev = pa.array(range(accounts.num_rows - 1, -1, -1), pa.int64())
    accounts, acc_key = accounts.take(rev), pc.take(acc_key, rev)
    hh = lines["household_id"].cast(pa.string())
    own = pc.index_in(pc.binary_join_element_wise(hh, lines["person_id"].cast(pa.string()), "|"), acc_key)
    house = pc.index_in(pc.binary_join_element_wise(hh, pa.scalar("0"), "|"), acc_key)
    pick = pc.coalesce(own, house)
    masked = pc.fill_null(pc.take(masked_accounts(accounts), pick), "")
    bank = pc.fill_null(pc.take(accounts["bank_name"], pick), "")
    return pc.take(accounts["account_id"], pick), masked, bank


def _roster_ids(lines: pa.Table, rosters: dict[tuple[str, str], int]) -> pa.Array:
    """Each line's draft roster: ``rosters`` by (household region, programme)."""
    key = pc.binary_join_element_wise(lines["region_code"], lines["programme"], "|")
    names = pc.unique(key)
    ids = pa.array([rosters[tuple(k.split("|"))] for k in names.to_pylist()], pa.int64())  # type: ignore[index]
    return pc.take(ids, pc.index_in(key, value_set=names))


def _line_table(
    lines: pa.Table,
    rosters: dict[tuple[str, str], int],
    accounts: pa.Table,
    month: dt.date,
    *,
    origin: str,
) -> pa.Table:
    """The computed lines as rows of ``RosterLine`` (its columns, in its order): roster, account
    snapshot, origin."""
    n = lines.num_rows
    roster_id = _roster_ids(lines, rosters) if n else pa.array([], pa.int64())
    account_id, masked, bank = _account_columns(lines, accounts)
    person = lines["person_id"]
    covers = lines["covers"] if "covers" in lines.column_names else pa.array(["[]"] * n, pa.string())
    null_i = pa.nulls(n, pa.int64())
    cols = {
        "region_code": lines["region_code"],
        "roster_id": roster_id,
        "case_id": lines["case_id"],
        "household_id": lines["household_id"],
        "person_id": pc.if_else(pc.equal(person, 0), null_i, person),
        "payee_key": lines["payee_key"],
        "programme": lines["programme"],
        "tier": lines["tier"],
        "month": pa.array([month] * n, pa.date32()),
        "line": lines["line"],
        "rule": lines["rule"],
        "amount": lines["amount"],
        "covers": covers,
        "members": lines["members"],
        "origin": pa.array([origin] * n, pa.string()),
        "status": lines["status"],
        "status_reason": lines["status_reason"],
        "account_id": account_id,
        "account_masked": masked,
        "bank_name": bank,
        "paid_on": pa.nulls(n, pa.date32()),
        "bank_reason": pa.array([""] * n, pa.string()),
        "source_line_id": null_i,
        "oneoff_id": null_i,
        "claim_id": null_i,
    }
    fields = [str(f.column) for f in RosterLine._meta.concrete_fields if not f.primary_key]
    missing = set(fields) ^ set(cols)
    if missing:
        raise RuntimeError(f"payment lines: columns out of step with the model: {sorted(missing)}")
    return pa.table({c: cols[c] for c in fields})


def _write(table: pa.Table, month: dt.date) -> None:
    """Insert the rows in chunks: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""
    if table.num_rows == 0:
        return
    qn = connection.ops.quote_name
    fields = table.column_names
    target = f"{_t(RosterLine)} ({', '.join(qn(c) for c in fields)})"
    # SQLite binds every value from Python: the columns that are the same on every line of a run go
    # into the statement as literals, so a million lines bind only what differs
    same = {"month": month.isoformat(), "paid_on": None, "bank_reason": ""}
    same |= {"source_line_id": None, "oneoff_id": None, "claim_id": None}
    bound = [c for c in fields if c not in same]
    marks = ", ".join(_literal(same[c]) if c in same else "%s" for c in fields)
    insert = f"INSERT INTO {target} VALUES ({marks})"
    size = CHUNK * 5 if connection.vendor == "postgresql" else CHUNK
    with connection.cursor() as cursor:
        for start in range(0, table.num_rows, size):
            chunk = table.slice(start, size)
            if connection.vendor == "postgresql":
                buf = io.BytesIO()
                pacsv.write_csv(chunk, buf, pacsv.WriteOptions(include_header=False))
                with cursor.cursor.copy(f"COPY {target} FROM STDIN WITH (FORMAT csv)") as cp:
                    cp.write(buf.getvalue())
            else:
                cursor.executemany(insert, list(zip(*(chunk[c].to_pylist() for c in bound), strict=True)))


def _literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _totals(month: dt.date, prefix: str, fresh: list[pa.Table], fingerprint: str) -> set[int]:
    """Recount every draft roster of the month (lines, households, amount of lines not dropped): the
    run's own lines (``fresh``: written or kept unchanged) are counted in memory, the others (other
    origins, other regions) in the database — a fresh month reads nothing back."""
    drafts, _past = _month_rosters(month)
    if not drafts:
        return set()
    others = (
        f" FROM {_t(RosterLine)} l WHERE {lines_of_rosters(drafts)} AND l.status <> 'dropped'"
        f" AND NOT ({_replaceable(prefix)})"
    )
    schema = pa.schema([("roster_id", pa.int64()), ("household_id", pa.int64()), ("amount", pa.int64())])
    parts = [read_arrow(f"SELECT l.roster_id, l.household_id, l.amount{others}", schema)]
    parts += [t.select(["roster_id", "household_id", "amount"]) for t in fresh if t.num_rows]
    every = pa.concat_tables(parts)
    counts = {
        row["roster_id"]: row
        for row in every.group_by("roster_id")
        .aggregate([("amount", "count"), ("amount", "sum"), ("household_id", "count_distinct")])
        .to_pylist()
    }
    now = timezone.now()
    for pk in drafts:
        row = counts.get(pk, {})
        Roster.unscoped.filter(pk=pk).update(
            lines=row.get("amount_count", 0),
            households=row.get("household_id_count_distinct", 0),
            amount=int(row.get("amount_sum") or 0),
            generated_at=now,
            params_fingerprint=fingerprint,
        )
    return set(drafts)


@transaction.atomic
def record_export(*, actor, month: dt.date, region_code: str | None, rows: int, out: str) -> None:
    """The audit entry of an export of a month's lines (``doudi payments export``)."""
    prefix = region_prefix(region_code)
    record_audit(
        actor=actor,
        action=AuditAction.PAYMENTS_EXPORT,
        region_code=(prefix or PROVINCE[:2]).ljust(12, "0"),
        subject_type="payments_export",
        subject_id=f"{month_start(month):%Y-%m}",
        after={"rows": rows, "file": str(out)[-200:]},
    )
