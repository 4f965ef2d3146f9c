"""Publishing a county's month (R-PUB5, R-PUB6, R-PUB8): the recipient list and the figures are written as a
snapshot from the month's rosters past draft, in bulk SQL (``INSERT … SELECT``), replacing whatever the
county had published — so publishing twice gives the same rows, and a case that ended leaves the list with
the next month published. Exempt cases (R-PUB3) are never written to the list but count in the figures."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from doudi.casework.models import Application, CaseDecision, Deadline
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.disclosure import sql
from doudi.disclosure.models import PublishedList, PublishedRecipient, PublishedStat
from doudi.payments.models import Roster
from doudi.regions.models import Region


class DisclosureError(ValueError):
    pass


def minor_cutoff(on: dt.date) -> dt.date:
    """Born after this date = under 18 on ``on``."""
    try:
        return on.replace(year=on.year - 18)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 18, day=28)


def month_rosters(county_code: str, month: dt.date | None = None) -> tuple[dt.date, list[int]]:
    """The county's DIBAO and TEKUN rosters past draft (regular and supplementary) of ``month``, or of the
    latest month whose regular rosters are all past draft (a month with a programme's roster still in draft
    is not complete yet)."""
    every = Roster.unscoped.filter(region_code__startswith=county_code[:6], programme__in=("DIBAO", "TEKUN"))
    rosters = every.exclude(state=Roster.State.DRAFT)
    if month is None:
        unfinished = every.filter(state=Roster.State.DRAFT, kind=Roster.Kind.REGULAR).values("month")
        month = (
            rosters.exclude(month__in=unfinished).order_by("-month").values_list("month", flat=True).first()
        )
        if month is None:
            raise DisclosureError("本县（市、区）尚无已锁定的发放花名册，无法发布救助对象名单")
    ids = sorted(rosters.filter(month=month.replace(day=1)).values_list("pk", flat=True))
    if not ids:
        raise DisclosureError(f"{month:%Y年%m月}没有已锁定的发放花名册")
    return month.replace(day=1), ids


def _county(code: str) -> Region:
    region = Region.objects.filter(code=str(code).ljust(12, "0"), level="county").first()
    if region is None:
        raise DisclosureError("请选择一个县（市、区）")
    return region


def _stats_sql(roster_ids: list[int], month: dt.date, prefix: str) -> tuple[str, list]:
    """Per township: households, persons and amount by programme (exempt included: R-PUB3), and the month's
    applications received, confirmations, refusals, applications completed within the overall time limit
    (R-W13), terminations and transitions to another tier."""
    lo, hi = month.isoformat(), (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1).isoformat()
    town = "SUBSTR({col}, 1, 9) || '000'"
    on = connection.ops.quote_name("on")
    body = f"""
        WITH agg AS (
          SELECT {town.format(col="g.region_code")} AS region_code, g.programme AS programme, COUNT(*) AS n,
                 SUM({sql.SIZE}) AS persons, SUM(g.amount) AS amount
          FROM ({sql.grouped(roster_ids)}) g
          GROUP BY {town.format(col="g.region_code")}, g.programme
        )
        INSERT INTO {sql.t(PublishedStat)} (region_code, month, key, value)
        SELECT s.region_code, %s, s.k, SUM(s.v) FROM (
          SELECT region_code, 'households.' || programme AS k, n AS v FROM agg
          UNION ALL SELECT region_code, 'persons.' || programme, persons FROM agg
          UNION ALL SELECT region_code, 'amount.' || programme, amount FROM agg
          UNION ALL
          SELECT {town.format(col="d.region_code")}, CASE d.kind WHEN 'confirm' THEN 'confirmed'
                 WHEN 'refuse' THEN 'refused' WHEN 'transition' THEN 'transitions' ELSE 'exits' END, COUNT(*)
          FROM {sql.t(CaseDecision)} d
          WHERE d.region_code LIKE %s AND d.{on} >= %s AND d.{on} < %s
            AND d.kind IN ('confirm', 'refuse', 'terminate', 'transition')
          GROUP BY {town.format(col="d.region_code")}, d.kind
          UNION ALL
          SELECT {town.format(col="dl.region_code")}, 'on_time', COUNT(*)
          FROM {sql.t(Deadline)} dl
          WHERE dl.region_code LIKE %s AND dl.key = 'total' AND dl.done_on >= %s AND dl.done_on < %s
            AND dl.done_on <= dl.due
          GROUP BY {town.format(col="dl.region_code")}
          UNION ALL
          SELECT {town.format(col="a.region_code")}, 'applications', COUNT(*)
          FROM {sql.t(Application)} a
          WHERE a.region_code LIKE %s AND a.received_on >= %s AND a.received_on < %s
          GROUP BY {town.format(col="a.region_code")}
        ) s GROUP BY s.region_code, s.k
    """
    like = prefix + "%"
    return body, [lo, like, lo, hi, like, lo, hi, like, lo, hi]


@transaction.atomic
def publish_month(
    *, actor, county_code: str, month: dt.date | None = None, on: dt.date | None = None
) -> PublishedList:
    """Publish the county's recipient list and figures of ``month`` (default: its latest roster month past
    draft). Idempotent: the county's earlier list and the month's figures are replaced."""
    county = _county(county_code)
    on = on or timezone.localdate()
    month, roster_ids = month_rosters(county.code, month)
    prefix = county.code[:6]
    like = prefix + "%"
    listing = sql.with_holder(roster_ids, minor_cutoff(on))
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {sql.t(PublishedRecipient)} WHERE region_code LIKE %s", [like])
        cur.execute(
            f"DELETE FROM {sql.t(PublishedStat)} WHERE region_code LIKE %s AND month = %s", [like, month]
        )
        cur.execute(
            f"""INSERT INTO {sql.t(PublishedRecipient)}
                  (region_code, month, programme, name, household_size, amount, place)
                SELECT h.region_code, %s, h.programme, {sql.mask_sql("COALESCE(h.name, '')")}, h.size, h.amount,
                       h.place
                FROM ({listing}) h WHERE h.exempt = 0
                ORDER BY h.region_code, h.programme, h.amount DESC, h.name""",
            [month],
        )
        listed = cur.rowcount
        stats, params = _stats_sql(roster_ids, month, prefix)
        cur.execute(stats, params)
        cur.execute(
            f"SELECT COALESCE(SUM(value), 0) FROM {sql.t(PublishedStat)}"
            " WHERE region_code LIKE %s AND month = %s AND key IN ('households.DIBAO', 'households.TEKUN')",
            [like, month],
        )
        exempt = int(cur.fetchone()[0]) - listed  # every case paid, less those listed
    published, _ = PublishedList.unscoped.update_or_create(
        region_code=county.code,
        month=month,
        defaults={
            "published_at": timezone.now(),
            "published_by": actor if getattr(actor, "pk", None) else None,
            "rosters": roster_ids,
            "listed": listed,
            "exempt": exempt,
        },
    )
    record_audit(
        actor=actor,
        action=AuditAction.DISCLOSURE_PUBLISH,
        region_code=county.code,
        subject_type="published_list",
        subject_id=published.pk,
        after={"month": month.isoformat(), "rosters": roster_ids, "listed": listed, "exempt": exempt},
    )
    return published


def publish_all(*, actor, month: dt.date | None = None, on: dt.date | None = None) -> list[PublishedList]:
    """Every county with a roster month past draft (the command and the demo): one transaction per county."""
    counties = sorted(
        {
            code[:6]
            for code in Roster.unscoped.exclude(state=Roster.State.DRAFT)
            .filter(programme__in=("DIBAO", "TEKUN"))
            .values_list("region_code", flat=True)
            .distinct()
        }
    )
    out = []
    for prefix in counties:
        try:
            out.append(publish_month(actor=actor, county_code=prefix.ljust(12, "0"), month=month, on=on))
        except DisclosureError:
            continue
    return out
