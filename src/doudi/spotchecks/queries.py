"""Every read of spot checks, scoped to the caller's region subtree (``objects``); a round outside it is
``DoesNotExist`` (the views and the API answer 404). ``summary`` is what the performance evaluation (R-S2)
reads: per round or per region, items checked, with problems by category, corrected."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from doudi.accounts.models import User
from doudi.core.scoping import prefix_of
from doudi.core.workdays import working_days_between
from doudi.spotchecks import rules
from doudi.spotchecks.models import Item, Round, Step


def rounds(user) -> QuerySet[Round]:
    return Round.objects.select_related("drawn_by").order_by("-drawn_on", "-pk")


def get_round(user, pk: int) -> Round:
    return Round.objects.get(pk=pk)


def items(rnd: Round) -> QuerySet[Item]:
    return Item.unscoped.filter(round=rnd).select_related("assigned_to").order_by("kind", "due", "pk")


def get_item(user, pk: int) -> Item:
    item = Item.objects.select_related("round", "assigned_to").get(pk=pk)
    Round.objects.get(pk=item.round_id)  # the round itself must be in scope too
    return item


def steps(item: Item) -> QuerySet[Step]:
    return Step.unscoped.filter(item=item).order_by("pk")


def round_steps(rnd: Round) -> QuerySet[Step]:
    return Step.unscoped.filter(round=rnd, item__isnull=True).order_by("pk")


def deadline(item: Item, today: dt.date | None = None) -> dict:
    """The running limit: its label, due date, and whether it is overdue (working days)."""
    today = today or timezone.localdate()
    due = item.open_due
    if due is None:
        return {"label": "已办结", "due": None, "overdue": False, "overdue_days": 0, "left": 0}
    label = "核查期限" if item.state == "pending" else "整改期限"
    late = due < today
    return {
        "label": label,
        "due": due,
        "overdue": late,
        "overdue_days": working_days_between(due, today) if late else 0,
        "left": 0 if late else working_days_between(today, due),
    }


def rows(qs, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    return [{"i": i, "deadline": deadline(i, today)} for i in qs]


def _overdue(today: dt.date) -> Q:
    return Q(state="pending", due__lt=today) | Q(state="checked", correction_due__lt=today)


def round_counts(rnd_ids: list[int], today: dt.date | None = None) -> dict[int, dict]:
    today = today or timezone.localdate()
    got = (
        Item.unscoped.filter(round_id__in=rnd_ids)
        .values("round_id")
        .annotate(total=Count("pk"), open=Count("pk", filter=~Q(state__in=rules.CLOSED)),
                  overdue=Count("pk", filter=_overdue(today)), problems=Count("pk", filter=Q(result="problem")))
    )  # fmt: skip
    return {r["round_id"]: dict(r) for r in got}


def _tally(qs: QuerySet[Item], group: str | None) -> list[dict]:
    cats = {f"cat_{k}": Count("pk", filter=Q(category=k)) for k in rules.CATEGORIES}
    aggs = {
        "drawn": Count("pk"),
        "checked": Count("pk", filter=~Q(state="pending")),
        "problems": Count("pk", filter=Q(result="problem")),
        "corrected": Count("pk", filter=Q(state="corrected")),
        **cats,
    }
    got = [qs.aggregate(**aggs)] if group is None else list(qs.values(group).annotate(**aggs).order_by(group))
    out = []
    for r in got:
        out.append({
            "key": r.get(group) if group else None,
            "drawn": r["drawn"] or 0, "checked": r["checked"] or 0, "problems": r["problems"] or 0,
            "corrected": r["corrected"] or 0,
            "by_category": {k: r[f"cat_{k}"] or 0 for k in rules.CATEGORIES},
        })  # fmt: skip
    return out


def summary(
    user, *, round_pk: int | None = None, year: int | None = None, level: str = "county"
) -> list[dict]:
    """Spot-check results for the evaluation (R-S2): with ``round_pk`` one row for that round; otherwise one
    row per region at ``level`` (county / city / township) over the rounds of ``year`` the caller sees.
    Each row: ``key`` (round id or region code prefix padded to 12 digits), drawn, checked, problems,
    corrected, by_category {category: n}. Outside the caller's scope: ``Round.DoesNotExist``."""
    if round_pk is not None:
        rnd = get_round(user, round_pk)
        row = _tally(Item.unscoped.filter(round=rnd), None)[0]
        row["key"] = rnd.pk
        return [row]
    qs = Item.objects.filter(round__in=Round.objects.all())
    if year is not None:
        qs = qs.filter(round__year=year)
    length = {"city": 4, "county": 6, "township": 9}[level]
    rows_ = _tally(qs.annotate(region_key=Substr("region_code", 1, length)), "region_key")
    for r in rows_:
        r["key"] = str(r["key"]).ljust(12, "0")
    return rows_


def assignees(rnd: Round) -> QuerySet[User]:
    """Officers who may be assigned an item of the round: county/city/province officers inside its region."""
    return User.objects.filter(
        is_active=True, role__in=list(rules.ROLE_LEVEL), region__code__startswith=prefix_of(rnd.region_code)
    ).order_by("role", "username")


def assignee(rnd: Round, pk: int) -> User | None:
    return assignees(rnd).filter(pk=pk).first()
