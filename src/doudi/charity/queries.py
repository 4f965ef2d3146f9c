"""Every read of the charity app. Staff read needs of their region subtree (``objects``: outside it
``DoesNotExist``, the views answer 404). A charity reads only published needs inside its service area, and
only their anonymised public fields (``public_row``); the public pages read the same fields of open needs and
of the year's fulfilled ones. ``summary`` gives the supervision figures by county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from doudi.charity import rules
from doudi.charity.base import area_q, county_of
from doudi.charity.models import Charity, CharityMember, Claim, Delivery, Need, NeedStep
from doudi.core.scoping import require_scope
from doudi.regions.queries import names_for

PAGE_SIZE = 20
STAFF_FILTERS = {
    "live": "发布中",
    "draft": "草稿",
    "pending": "待审核",
    "to_confirm": "待确认收到",
    "completed": "已完成",
    "closed": "已关闭或撤回",
    "all": "全部",
}
# what a public need shows, and nothing else (R-P4, R-S4)
PUBLIC_FIELDS = ("number", "county", "category", "title", "story", "unit", "target", "claimed", "remaining",
                 "fulfilled", "due_on", "state", "published_on")  # fmt: skip


# --- staff ----------------------------------------------------------------------------------------------


def staff_needs(which: str = "live", *, q: str = "", category: str = "") -> QuerySet[Need]:
    qs = Need.objects.all()
    if which == "live":
        qs = qs.filter(state__in=rules.LIVE)
    elif which == "to_confirm":
        qs = qs.filter(pk__in=Delivery.objects.filter(state="submitted").values("need_id"))
    elif which == "closed":
        qs = qs.filter(state__in=("closed", "withdrawn"))
    elif which in rules.STATES:
        qs = qs.filter(state=which)
    if category in rules.CATEGORIES:
        qs = qs.filter(category=category)
    if q:
        qs = qs.filter(Q(public_number__icontains=q) | Q(title__icontains=q) | Q(household__household_key=q))
    return qs.select_related("household").order_by("due_on", "pk")


def staff_counts() -> dict[str, int]:
    got = Need.objects.aggregate(
        live=Count("pk", filter=Q(state__in=rules.LIVE)),
        draft=Count("pk", filter=Q(state="draft")),
        pending=Count("pk", filter=Q(state="pending")),
        completed=Count("pk", filter=Q(state="completed")),
    )
    got["to_confirm"] = Delivery.objects.filter(state="submitted").count()
    return {k: v or 0 for k, v in got.items()}


def get_need(pk: int) -> Need:
    return Need.objects.select_related("household", "person", "created_by", "story_approved_by").get(pk=pk)


def steps(need: Need) -> list[NeedStep]:
    return list(NeedStep.objects.filter(need=need).order_by("pk"))


def claims_of(need: Need) -> list[Claim]:
    return list(Claim.objects.filter(need=need).select_related("charity").order_by("pk"))


def deliveries_of(need: Need) -> list[Delivery]:
    return list(Delivery.objects.filter(need=need).select_related("charity").order_by("pk"))


def get_delivery(pk: int) -> Delivery:
    return Delivery.objects.select_related("need", "charity", "claim").get(pk=pk)


def members_of(household_id: int) -> list:
    from doudi.registry.models import Person

    return list(Person.objects.filter(household_id=household_id).order_by("pk"))


def household_by_key(key: str):
    from doudi.registry.models import Household

    return Household.objects.filter(household_key=(key or "").strip()).first()


def origin_record(origin: str, ref: str):
    """The case, application or warning a need comes from, in the caller's scope (None when not found)."""
    ref = (ref or "").strip()
    if not ref:
        return None
    if origin == "application":
        from doudi.casework.models import Application

        return Application.objects.filter(number=ref).first()
    if not ref.isdigit():
        return None
    if origin == "case":
        from doudi.casework.models import Case

        return Case.objects.filter(pk=int(ref)).first()
    if origin == "warning":
        from doudi.monitoring.models import EarlyWarning

        return EarlyWarning.objects.filter(pk=int(ref)).first()
    return None


def due_label(need: Need, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    left = (need.due_on - today).days
    finished = need.state in ("completed", "closed", "withdrawn")
    return {
        "due": need.due_on,
        "left": left,
        "overdue": left < 0 and not finished,
        "finished": finished,
        "overdue_days": max(-left, 0),
    }


def rows(items, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    items = list(items)
    names = names_for({n.region_code for n in items} | {n.county_code for n in items})
    return [{"n": n, "due": due_label(n, today), "town": names.get(n.region_code[:9].ljust(12, "0"), "")
             or names.get(n.region_code, ""), "county": names.get(n.county_code, "")} for n in items]  # fmt: skip


# --- charities (registry) -------------------------------------------------------------------------------


def charities() -> QuerySet[Charity]:
    """Charities registered in the caller's subtree."""
    return Charity.objects.order_by("name")


def get_charity(pk: int) -> Charity:
    return Charity.objects.get(pk=pk)


def charity_members(charity: Charity) -> list[CharityMember]:
    return list(CharityMember.unscoped.filter(charity=charity).select_related("user").order_by("pk"))


def unlinked_charity_users() -> list:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(role="charity", is_active=True, charity_member__isnull=True)
        .order_by("username")[:200]
    )


# --- the needs library (charities) ----------------------------------------------------------------------


def library(charity: Charity | None, *, county: str = "", category: str = "", min_amount=None, max_amount=None,
            due_before: dt.date | None = None) -> QuerySet[Need]:  # fmt: skip
    """Open needs in the charity's service area, soonest due first."""
    qs = _in_scope(Need.unscoped.filter(listed=1)).filter(area_q(charity))
    return _filtered(qs, county, category, min_amount, max_amount, due_before)


def _in_scope(qs: QuerySet[Need]) -> QuerySet[Need]:
    """The caller's region scope on the needs, like ``Need.objects`` (fails closed without a scope), but without
    the no-op ``LIKE '22%'`` of a province-wide scope that would make the library's count read every row."""
    scope = require_scope()
    return qs.filter(region_code__startswith=scope.prefix) if len(scope.prefix) > 2 else qs


def _filtered(qs, county, category, min_amount, max_amount, due_before):
    if county:
        qs = qs.filter(county_code=county_of(county))
    if category in rules.CATEGORIES:
        qs = qs.filter(category=category)
    if min_amount is not None:
        qs = qs.filter(target__gte=min_amount)
    if max_amount is not None:
        qs = qs.filter(target__lte=max_amount)
    if due_before is not None:
        qs = qs.filter(due_on__lte=due_before)
    return qs.order_by("due_on", "id")


def page_of(qs, number: int, size: int = PAGE_SIZE) -> dict:
    """One page of public rows (``None`` past the end)."""
    paginator = Paginator(qs.only(*_PUBLIC_COLUMNS), size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        if number == 1:
            return {"items": [], "page": 1, "pages": 1, "total": 0}
        raise
    items = list(page.object_list)
    return {
        "items": public_rows(items),
        "page": number,
        "pages": paginator.num_pages,
        "total": paginator.count,
    }


_PUBLIC_COLUMNS = ("id", "public_number", "county_code", "category", "title", "public_story", "unit", "target",
                   "claimed", "fulfilled", "due_on", "state", "published_on", "region_code")  # fmt: skip


def public_rows(items: list[Need]) -> list[dict]:
    names = names_for({n.county_code for n in items})
    return [public_row(n, names) for n in items]


def public_row(n: Need, names: dict[str, str]) -> dict:
    """The anonymised need: these fields only (never a name, number, address, village or township)."""
    return {
        "number": n.public_number,
        "county": names.get(n.county_code, ""),
        "category": rules.CATEGORIES.get(n.category, ""),
        "title": n.title,
        "story": n.public_story,
        "unit": n.unit,
        "target": n.target,
        "claimed": n.claimed,
        "remaining": rules.remaining(n.target, n.claimed),
        "fulfilled": n.fulfilled,
        "due_on": n.due_on,
        "state": rules.STATES.get(n.state, ""),
        "published_on": n.published_on,
    }


def charity_need(charity: Charity | None, number: str) -> Need:
    """A published need of the charity's area by its public number, or one it has claimed."""
    mine = Claim.objects.filter(charity=charity).values("need_id") if charity else Claim.objects.none()
    return (
        Need.objects.filter(area_q(charity))
        .filter(Q(state__in=rules.PUBLIC) | Q(pk__in=mine))
        .get(public_number=number)
    )


def my_claims(charity: Charity | None, which: str = "open") -> QuerySet[Claim]:
    if charity is None:
        return Claim.objects.none()
    qs = Claim.objects.filter(charity=charity).select_related("need")
    if which == "open":
        qs = qs.filter(state__in=rules.LIVE_CLAIMS)
    return qs.order_by("locked_until", "pk") if which == "open" else qs.order_by("-pk")


def my_claim(charity: Charity | None, pk: int) -> Claim:
    if charity is None:
        raise Claim.DoesNotExist
    return Claim.objects.select_related("need", "charity").get(pk=pk, charity=charity)


def my_delivery(charity: Charity | None, pk: int) -> Delivery:
    """A delivery the charity recorded (another charity's, or none: ``DoesNotExist``)."""
    if charity is None:
        raise Delivery.DoesNotExist
    return Delivery.objects.get(pk=pk, charity=charity)


def claim_deliveries(claim: Claim) -> list[Delivery]:
    return list(Delivery.objects.filter(claim=claim).order_by("pk"))


def charity_counts(charity: Charity | None) -> dict[str, int]:
    if charity is None:
        return {}
    got = Claim.objects.filter(charity=charity).aggregate(
        locked=Count("pk", filter=Q(state="locked")),
        pledged=Count("pk", filter=Q(state="pledged")),
        delivered=Count("pk", filter=Q(state="delivered")),
        fulfilled=Count("pk", filter=Q(state="fulfilled")),
    )
    got["open_needs"] = library(charity).count()
    return {k: v or 0 for k, v in got.items()}


# --- the public pages -----------------------------------------------------------------------------------


def public_open(*, county: str = "", category: str = "") -> QuerySet[Need]:
    """Open needs of the whole province (the public page: no login, anonymised fields only)."""
    return _filtered(Need.unscoped.filter(listed=1), county, category, None, None, None)


def public_counties() -> list[tuple[str, str]]:
    """Every county-level region (the public filter: one small read, whatever the number of needs)."""
    from doudi.regions.queries import county_choices

    return [(code, full.removeprefix("吉林省")) for code, full in county_choices()]


def fulfilled_years() -> list[int]:
    dates = Need.unscoped.filter(state="completed").values_list("completed_on__year", flat=True).distinct()
    return sorted({y for y in dates if y}, reverse=True)


def fulfilled_by_region(year: int) -> dict:
    """The year's fulfilled needs by county: how many, money given (元) and goods (件数 as recorded)."""
    rows_ = list(
        Need.unscoped.filter(state="completed", completed_on__year=year)
        .values("county_code", "measure")
        .annotate(n=Count("pk"), amount=Sum("fulfilled"))
        .order_by("county_code")
    )
    names = names_for({r["county_code"] for r in rows_})
    by: dict[str, dict] = {}
    for r in rows_:
        e = by.setdefault(r["county_code"], {"county": names.get(r["county_code"], ""), "needs": 0,
                                             "money": Decimal(0), "goods_needs": 0})  # fmt: skip
        e["needs"] += r["n"]
        if r["measure"] == "money":
            e["money"] += Decimal(r["amount"] or 0)
        else:
            e["goods_needs"] += r["n"]
    regions = [by[c] for c in sorted(by)]
    return {
        "year": year,
        "regions": regions,
        "total_needs": sum(e["needs"] for e in regions),
        "total_money": sum((e["money"] for e in regions), Decimal(0)),
    }


# --- supervision figures (R-S1) -------------------------------------------------------------------------


def summary(year: int | None = None) -> dict:
    """By county in the caller's subtree: needs published, claimed, fulfilled, and the money asked, claimed
    and given (money needs only); ``year`` limits to needs published that year."""
    qs = Need.objects.filter(state__in=(*rules.PUBLIC, "closed"), published_on__isnull=False)
    if year:
        qs = qs.filter(published_on__year=year)
    money = Q(measure="money")
    got: list[dict] = [
        dict(r)
        for r in qs.values("county_code")
        .annotate(
            n_published=Count("pk"),
            n_claimed=Count("pk", filter=Q(state__in=("claimed", "completed"))),
            n_partly=Count("pk", filter=Q(state="partly_claimed")),
            n_fulfilled=Count("pk", filter=Q(state="completed")),
            sum_target=Sum("target", filter=money),
            sum_claimed=Sum("claimed", filter=money),
            sum_fulfilled=Sum("fulfilled", filter=money),
        )
        .order_by("county_code")
    ]
    names = names_for({r["county_code"] for r in got})
    for r in got:
        r["county"] = names.get(r["county_code"], "")
        for k in ("sum_target", "sum_claimed", "sum_fulfilled"):
            r[k] = Decimal(r[k] or 0)
    counts = ("n_published", "n_claimed", "n_partly", "n_fulfilled")
    sums = ("sum_target", "sum_claimed", "sum_fulfilled")
    total = {k: sum(r[k] for r in got) for k in counts} | {
        k: sum((r[k] for r in got), Decimal(0)) for k in sums
    }
    return {"rows": got, "total": total, "year": year}


def evidence_for(user, pk: int, charity: Charity | None) -> Delivery | None:
    """A delivery whose evidence ``user`` may open: the charity's own, or one of the staff's region."""
    if charity is not None:
        return Delivery.objects.filter(pk=pk, charity=charity).first()
    if user.can("charity.read"):
        return Delivery.objects.filter(pk=pk).first()
    return None


def area_choices(user_region: str) -> list[tuple[str, str]]:
    """The service areas an officer may give a charity: their own region and the counties (and cities) in it."""
    from doudi.regions.models import Region

    prefix = user_region[:2] if user_region.endswith("0000000000") else user_region[:4] if \
        user_region.endswith("00000000") else user_region[:6]  # fmt: skip
    qs = Region.objects.filter(code__startswith=prefix, level__in=("province", "city", "county")).order_by(
        "code"
    )
    return list(qs.values_list("code", "full_name"))


def library_counties(charity: Charity | None) -> list[tuple[str, str]]:
    """The counties of the charity's service area (the library's county filter)."""
    from doudi.regions.models import Region

    if charity is None:
        return []
    q = Q(pk__in=[])
    for code in charity.service_area or []:
        q |= Q(
            code__startswith=code[:6] if code[4:6] != "00" else code[:4] if code[2:4] != "00" else code[:2]
        )
    return list(Region.objects.filter(q, level="county").order_by("code").values_list("code", "name"))
