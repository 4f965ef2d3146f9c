"""The daily review scheduler's plan (R-W30, R-W31, R-W9): which cases are due, grouped by the county
parameters that shape their review rows (the decide-by date, a declared emergency's extension, the
visit rule). Reads only; ``review_schedule_actions.daily`` writes the rows set-based, one
INSERT … SELECT per group, so a million cases cost a handful of statements."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection

from doudi.casework import clock, params
from doudi.casework.lifecycle_base_actions import OPEN_CASE_STATES, OPEN_REVIEW_STATES
from doudi.casework.models import Case, CaseReview
from doudi.core.scoping import prefix_of

VISIT_C = "C类对象（收入不稳定、有劳动能力成员）"
VISIT_ALWAYS = "本地区规定每次复核均须入户"


@dataclass
class Group:
    """Counties sharing the parameters that shape today's review rows."""

    cutoff: dt.date  # next_review on or before this is due (today − a declared emergency's extension)
    due: dt.date  # decide by
    visit_always: bool
    counties: list[str] = field(default_factory=list)


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # fixed state codes and 6-digit county codes only


def due_counties(today: dt.date) -> list[str]:
    """Counties with a case whose next review has come (one read over the next_review index)."""
    table = Case._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT substr(region_code, 1, 6) FROM {table} "  # noqa: S608 - fixed identifiers
            f"WHERE next_review <= %s AND state IN ({_in(OPEN_CASE_STATES)})",
            [today],
        )
        return sorted(r[0] for r in cur.fetchall())


KEYS = ("review.emergency_extension_days", "deadline.change_review_wd", "review.visit_always")
PROVINCE = "220000000000"


def _own_rows(today: dt.date) -> list[str]:
    """Regions below the province with a row of their own for one of the plan's parameters."""
    from doudi.policy.models import ParameterValue

    rows = ParameterValue.objects.filter(key__in=KEYS, status="active", effective_from__lte=today).exclude(
        region_code=PROVINCE
    )
    return sorted({prefix_of(code) for code in rows.values_list("region_code", flat=True)})


def _values(region: str, today: dt.date) -> tuple[int, int, bool]:
    return (
        params.days("review.emergency_extension_days", region_code=region, on=today),
        params.days("deadline.change_review_wd", region_code=region, on=today),
        params.flag("review.visit_always", region_code=region, on=today),
    )


def plan(today: dt.date) -> list[Group]:
    """Counties grouped by their parameters: the province's values once, a county's own only where a
    row below the province exists (a few look-ups, not one per county)."""
    groups: dict[tuple, Group] = {}
    own = _own_rows(today)
    province = _values(PROVINCE, today)
    for county in due_counties(today):
        region = county.ljust(12, "0")
        key = _values(region, today) if any(region.startswith(p) for p in own) else province
        if key not in groups:
            extension, n, always = key
            groups[key] = Group(
                cutoff=today - dt.timedelta(days=extension), due=clock.due(today, n), visit_always=always
            )
        groups[key].counties.append(county)
    return list(groups.values())


def _json(value: list[str]) -> str:
    text = json.dumps(value, ensure_ascii=False).replace("'", "''")
    return f"CAST('{text}' AS jsonb)" if connection.vendor == "postgresql" else f"'{text}'"


def insert_sql(group: Group) -> str:
    """INSERT … SELECT of one group's review rows: due cases without an open review; RIGID → its
    re-recognition; class C (or the region's rule) → a visit with its reason."""
    reviews, cases = CaseReview._meta.db_table, Case._meta.db_table
    always = [VISIT_ALWAYS] if group.visit_always else []
    visit = "TRUE" if group.visit_always else "c.review_class = 'C'"
    if connection.vendor == "sqlite":
        visit = "1" if group.visit_always else "(c.review_class = 'C')"
    reasons = f"CASE WHEN c.review_class = 'C' THEN {_json([VISIT_C, *always])} ELSE {_json(always)} END"
    return (
        f"INSERT INTO {reviews} (region_code, case_id, kind, {_columns_tail()}) "  # noqa: S608 - fixed identifiers
        f"SELECT c.region_code, c.id, CASE WHEN c.tier = 'RIGID' THEN 'rigid' ELSE 'periodic' END, "
        f"'due', '', '', NULL, %s, %s, "
        f"CASE WHEN {visit} THEN 'visit' ELSE 'open' END, {visit}, {reasons}, "
        f"'', '', '', %s, %s "
        f"FROM {cases} c WHERE c.next_review <= %s AND c.state IN ({_in(OPEN_CASE_STATES)}) "
        f"AND substr(c.region_code, 1, 6) IN ({_in(group.counties)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {reviews} r WHERE r.case_id = c.id "
        f"AND r.state IN ({_in(OPEN_REVIEW_STATES)}))"
    )


def _columns_tail() -> str:
    return (
        "trigger, change_type, change_detail, reported_on, opened_on, due, state, visit_needed, "
        "visit_reasons, objection, outcome, note, created_at, updated_at"
    )


def update_cases_sql(group: Group) -> str:
    """The group's due cases that were active (or adjusted) now have their review open: under review
    (grace and suspended keep their state). A range of the next_review index, no join, so the
    planner needs no statistics of the rows just inserted. Parameters: updated_at, cutoff."""
    cases = Case._meta.db_table
    return (
        f"UPDATE {cases} SET state = 'under_review', updated_at = %s "  # noqa: S608 - fixed identifiers
        f"WHERE next_review <= %s AND state IN ('active', 'adjusted') "
        f"AND substr(region_code, 1, 6) IN ({_in(group.counties)})"
    )
