"""The SQL of a published month (R-PUB5, R-PUB6), shared by the publish action and the tests: the month's
entitlement lines of a county's rosters grouped per case, the holder, and who is exempt (R-PUB3).
Plain SQL that SQLite and PostgreSQL both run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import connection

from doudi.casework.models import Application, Case
from doudi.payments.models import RosterLine
from doudi.regions.models import Region
from doudi.registry.models import Person

ENTITLEMENT_LINES = ("base", "topup", "care", "single")
NOT_RECEIVED = ("dropped", "held")  # dropped at lock; held while suspended (R-W34): not in receipt


def t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def mask_sql(col: str) -> str:
    """``publicity.mask_name`` in SQL: 张* / 张*明 / 张**明 (first and last character kept)."""
    return (
        f"CASE WHEN LENGTH({col}) <= 1 THEN {col} "
        f"WHEN LENGTH({col}) = 2 THEN SUBSTR({col}, 1, 1) || '*' "
        f"ELSE SUBSTR({col}, 1, 1) || SUBSTR('********************', 1, LENGTH({col}) - 2) "
        f"|| SUBSTR({col}, LENGTH({col}), 1) END"
    )


def grouped(roster_ids: Collection[int]) -> str:
    """One row per case paid on the rosters: its region, household, amount of the month, household size and
    the person the lines name as holder (TEKUN person, single-person dibao), if any. One county's rosters
    are read through the roster index (a county is a few percent of a month's lines; the month's id range
    that ``payments.entitlement.lines_of_rosters`` reads is the whole province's). ``|| ''`` keeps the
    planner off the entitlement lines' unique index, which matches the whole province's month (PostgreSQL
    combined it with the roster index and read 226,000 entries for a county of 8,700 lines)."""
    lines = ", ".join(repr(x) for x in ENTITLEMENT_LINES)
    skip = ", ".join(repr(x) for x in NOT_RECEIVED)
    return f"""
        SELECT l.case_id AS case_id, l.programme AS programme, l.household_id AS household_id,
               MIN(l.region_code) AS region_code, SUM(l.amount) AS amount,
               MAX(CASE WHEN l.line IN ('base', 'single') THEN l.members ELSE 0 END) AS members,
               MIN(CASE WHEN l.line IN ('base', 'single', 'care') THEN l.person_id END) AS line_person
        FROM {t(RosterLine)} l
        WHERE l.roster_id IN ({", ".join(str(int(i)) for i in roster_ids) or "0"})
          AND (l.line || '') IN ({lines}) AND (l.status || '') NOT IN ({skip}) AND l.case_id IS NOT NULL
          AND l.programme IN ('DIBAO', 'TEKUN')
        GROUP BY l.case_id, l.programme, l.household_id
    """


SIZE = "CASE WHEN g.programme = 'TEKUN' THEN 1 WHEN g.members > 1 THEN g.members ELSE 1 END"


def with_holder(roster_ids: Collection[int], minor_born_after: dt.date) -> str:
    """``grouped`` plus the holder's name, the place and ``exempt`` (1 = never listed, R-PUB3): a Jilin
    HIV/AIDS case, a county-approved ``no_publication`` reason (protection orders and the like), a minor
    applicant or holder (TEKUN minors; a family's minors count only in its size)."""
    born = minor_born_after.isoformat()
    head = f"(SELECT MIN(hp.id) FROM {t(Person)} hp WHERE hp.household_id = g.household_id AND hp.relation = 'head')"
    return f"""
        SELECT g.region_code AS region_code, g.programme AS programme, g.amount AS amount,
               {SIZE} AS size,
               p.name AS name,
               CASE WHEN r.level = 'village' THEN COALESCE(tw.name, '') || r.name ELSE COALESCE(r.name, '') END
                 AS place,
               CASE WHEN a.hiv_flag OR COALESCE(a.no_publication, '') <> ''
                      OR p.birth_date > '{born}' OR ap.birth_date > '{born}' THEN 1 ELSE 0 END AS exempt
        FROM ({grouped(roster_ids)}) g
        JOIN {t(Case)} c ON c.id = g.case_id
        LEFT JOIN {t(Application)} a ON a.id = c.application_id
        LEFT JOIN {t(Person)} ap ON ap.id = a.applicant_id
        LEFT JOIN {t(Person)} p ON p.id = COALESCE(g.line_person, {head}, a.applicant_id)
        LEFT JOIN {t(Region)} r ON r.code = g.region_code
        LEFT JOIN {t(Region)} tw ON tw.code = r.parent_id
    """
