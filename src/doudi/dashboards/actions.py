"""Rebuild the dashboards' cells (docs/dashboards.md): set-based, one transaction, idempotent.

Every topic but payments is rebuilt whole from one ``INSERT … SELECT`` each. Payments are rebuilt per month,
and only the months that may have changed: a month whose rosters are all reconciled or closed is immutable, so
once built (with the same rosters' signature) its cells are kept. Readers never see half a build: PostgreSQL
readers see the previous cells until the commit, SQLite serialises the writer.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.dashboards import build
from doudi.dashboards.models import Build, Cell
from doudi.payments.models import Roster

ROOT = "220000000000"  # the province: the refresh covers all of it
FINAL_ROSTER_STATES = frozenset({"reconciled", "closed"})
_COLUMNS = "region_code, grain, topic, month, d1, d2, d3, n, amount"


def _insert(topic: str, qs: QuerySet) -> int:
    sql, params = qs.query.sql_with_params()
    table = connection.ops.quote_name(Cell._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({_COLUMNS}) "
            f"SELECT q.c_region, 'township', %s, q.c_month, q.c_d1, q.c_d2, q.c_d3, q.c_n, q.c_amount FROM ({sql}) q",
            [topic, *params],
        )
        return max(cur.rowcount, 0)


OVERDUE_FLAG = (
    "CASE WHEN (topic = 'warnings' AND d1 = 'overdue') OR (topic IN ('deadlines', 'needs', 'complaints') "
    "AND d2 = 'overdue') THEN 'overdue' ELSE '' END"
)
# the coarser grains, each summed from the one below: (grain, code prefix length, built from)
ROLL_UPS = (("county", 6, "township"), ("city", 4, "county"), ("province", 2, "city"))


def _roll_ups() -> int:
    """The county, city and province cells: the township cells summed per region (small set-based passes over
    the cells, each from the grain below)."""
    Cell.unscoped.exclude(grain="township").delete()
    table = connection.ops.quote_name(Cell._meta.db_table)
    n = 0
    with connection.cursor() as cur:
        for grain, length, source in ROLL_UPS:
            pad = "0" * (12 - length)
            cur.execute(
                f"INSERT INTO {table} ({_COLUMNS}) "
                f"SELECT SUBSTR(region_code, 1, {length}) || '{pad}', '{grain}', topic, month, d1, d2, d3, SUM(n), "
                f"SUM(amount) FROM {table} WHERE grain = '{source}' "
                f"GROUP BY SUBSTR(region_code, 1, {length}), topic, month, d1, d2, d3"
            )
            n += max(cur.rowcount, 0)
        # the county indicator cells (grain "kpi"): only what the child table and the map show — each topic's
        # count and amount, and whether it is overdue — so a province page's map reads a tenth of the rows
        cur.execute(
            f"INSERT INTO {table} ({_COLUMNS}) "
            f"SELECT SUBSTR(region_code, 1, 6) || '000000', 'kpi', topic, month, {OVERDUE_FLAG}, '', '', SUM(n), "
            f"SUM(amount) FROM {table} WHERE grain = 'township' "
            f"GROUP BY SUBSTR(region_code, 1, 6), topic, month, {OVERDUE_FLAG}"
        )
        n += max(cur.rowcount, 0)
    return n


def _roster_months() -> dict[dt.date, tuple[str, bool]]:
    """Each roster month's signature (rosters by state: count, versions, amounts) and whether it is final."""
    per: dict[dt.date, list[str]] = {}
    final: dict[dt.date, bool] = {}
    rows = (
        Roster.unscoped.values("month", "state")
        .annotate(n=Count("pk"), v=Sum("version"), a=Sum("amount"), p=Sum("paid_amount"),
                  f=Sum("failed_amount"), lines=Sum("lines"))
        .order_by("month", "state")
    )  # fmt: skip
    for r in rows:
        per.setdefault(r["month"], []).append(
            f"{r['state']}:{r['n']}:{r['v']}:{r['a']}:{r['p']}:{r['f']}:{r['lines']}"
        )
        final[r["month"]] = final.get(r["month"], True) and r["state"] in FINAL_ROSTER_STATES
    return {m: (";".join(parts), final[m]) for m, parts in per.items()}


def _payments(now, *, full: bool) -> tuple[int, int]:
    """Rebuild the payment months that may differ from their cells; returns (months rebuilt, cells)."""
    months = _roster_months()
    built = {b.key: b.signature for b in Build.objects.filter(key__startswith="payments:")}
    key = lambda m: f"payments:{m:%Y-%m}"  # noqa: E731
    stale = [m for m, (sig, final) in months.items() if full or not final or built.get(key(m)) != sig]
    gone = [k for k in built if k not in {key(m) for m in months}]
    Cell.unscoped.filter(topic="payments", month__in=stale).delete()
    if gone:
        Cell.unscoped.filter(
            topic="payments", month__in=[dt.date.fromisoformat(k[9:] + "-01") for k in gone]
        ).delete()
        Build.objects.filter(key__in=gone).delete()
    n = _insert("payments", build.payments_for(stale)) if stale else 0
    for m in stale:
        Build.objects.update_or_create(key=key(m), defaults={"signature": months[m][0], "built_at": now})
    return len(stale), n


def refresh(*, today: dt.date | None = None, actor: object = "system", full: bool = False) -> dict:
    """Rebuild every topic's cells as of ``today`` (default: today). ``full`` rebuilds paid months too.

    Idempotent: the same data gives the same cells. Returns counts for the command and the daily job."""
    today = today or timezone.localdate()
    now = timezone.now()
    out: dict[str, int] = {}
    with transaction.atomic():
        Cell.unscoped.filter(grain="township").exclude(topic="payments").delete()
        for topic, fn in build.BUILDERS.items():
            out[topic] = _insert(topic, fn(today))
        out["payment_months"], out["payments"] = _payments(now, full=full)
        out["rolled_up"] = _roll_ups()
        total = Cell.unscoped.count()
        Build.objects.update_or_create(key="all", defaults={"built_at": now, "as_of": today, "rows": total})
        record_audit(
            actor=actor,
            action=AuditAction.DASHBOARDS_REFRESH,
            region_code=ROOT,
            subject_type="dashboards",
            subject_id=today.isoformat(),
            detail=f"生成统计分析数据（截至 {today.isoformat()}，{total} 个统计单元）",
        )
    out["cells"] = total
    return out


def daily(today: dt.date) -> dict:
    """The daily job's part (``monitoring.schedule.register_daily``)."""
    return {"dashboard_cells": refresh(today=today, actor="定时任务")["cells"]}
