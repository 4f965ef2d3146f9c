"""Reads of casework, always through the scoped managers (a row outside the caller's subtree is not
found: 404, never 403). Work lists run a fixed number of queries whatever the page size: the page of
applications ordered by their nearest open deadline, its count, the page's open deadlines, and one batch
of names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from doudi.casework import clock, states
from doudi.casework.models import (
    Application,
    Attachment,
    Authorization,
    Case,
    CaseDecision,
    Deadline,
    Investigation,
    Notice,
    Objection,
    Pause,
    SpotCheck,
    Step,
    VerificationReport,
)
from doudi.core.scoping import current_scope
from doudi.regions.queries import names_for

PAGE_SIZE = 50

# the steps a work list groups by (Chinese names on the page)
STEP_GROUPS: dict[str, tuple[str, ...]] = {
    "intake": ("draft", "submitted", "returned"),
    "investigation": (
        "accepted",
        "verifying",
        "verified_pass",
        "verified_fail",
        "rechecking",
        "investigating",
        "reinvestigating",
    ),
    "opinion": ("assessed", "prelim_opinion", "returned_to_township", "notice_objected", "appraisal"),
    "notice": ("in_notice",),
    "confirmation": ("awaiting_confirmation",),
}
# what a grid worker does: the home visit of an accepted application
GRID_STATES = frozenset({"accepted", "verifying", "verified_pass", "reinvestigating"})
STEP_GROUP_LABELS = {
    "intake": "受理",
    "investigation": "调查核对",
    "opinion": "初审意见",
    "notice": "公示",
    "confirmation": "审核确认",
}


def applications() -> QuerySet[Application]:
    return Application.objects.all()


def get_application(pk: int) -> Application:
    """Raises Application.DoesNotExist outside the scope too."""
    return Application.objects.select_related("household", "applicant", "proposal").get(pk=pk)


@dataclass
class WorkRow:
    application: Application
    due: dt.date | None
    due_what: str
    status: str
    overdue_wd: int
    escalated: bool
    region_name: str


@dataclass
class WorkList:
    rows: list[WorkRow]
    page: object
    counts: dict[str, int]


def _row(app: Application, deadline: Deadline | None, today: dt.date, names: dict[str, str]) -> WorkRow:
    if deadline is None:
        return WorkRow(app, None, "", "on_time", 0, False, names.get(app.region_code, ""))
    return WorkRow(
        app,
        deadline.due,
        deadline.what,
        clock.status(deadline.due, deadline.done_on, today),
        clock.overdue_days(deadline.due, today) if deadline.due < today else 0,  # no day-by-day count
        deadline.escalated_on is not None,
        names.get(app.region_code, ""),
    )


def _in_subtree(qs: QuerySet) -> QuerySet:
    """The caller's subtree once more as a range on ``region_code``, which the composite and partial
    indexes serve (the scoped manager's ``startswith`` is a LIKE: SQLite's, case-insensitive, uses no
    index; PostgreSQL's only the single-column pattern index). Codes are digits: the bound above is
    the next prefix of the same length."""
    scope = current_scope()
    if scope is None or not scope.prefix or not scope.prefix.isdigit():
        return qs
    qs = qs.filter(region_code__gte=scope.prefix)
    if set(scope.prefix) == {"9"}:
        return qs
    return qs.filter(region_code__lt=str(int(scope.prefix) + 1).zfill(len(scope.prefix)))


class _CountedPaginator(Paginator):
    """A paginator given its count, so the count query need not carry the ordering's subquery."""

    def __init__(self, object_list, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def work_list(
    user, *, group: str = "", overdue: bool = False, page: int = 1, today: dt.date | None = None
) -> WorkList:
    """The caller's open applications by nearest open deadline (those without one last): a township's
    own stages, a county's files awaiting confirmation plus every escalated step of its townships, a
    grid worker's investigations. The subtree's open deadlines are read once (escalated, overdue) and
    each application's nearest due by one index look-up; no join over every deadline of the subtree."""
    today = today or timezone.localdate()
    role = getattr(user, "role", "")
    wanted = STEP_GROUPS[group] if group in STEP_GROUPS else tuple(states.OPEN_STATES)
    apps = _in_subtree(Application.objects.all())
    if role == "grid_worker":
        wanted = tuple(s for s in wanted if s in GRID_STATES)
        apps = apps.filter(investigation_done=False)
    apps = apps.filter(state__in=sorted(wanted))
    open_dl = Deadline.unscoped.filter(application_id=OuterRef("pk"), done_on__isnull=True)
    open_here = _in_subtree(Deadline.objects.filter(done_on__isnull=True))  # few: open ones, this subtree
    if role == "county_officer" and not group:
        escalated = open_here.filter(escalated_on__isnull=False).values("application_id")
        apps = apps.filter(Q(state="awaiting_confirmation") | Q(pk__in=escalated))
    if overdue:
        apps = apps.filter(pk__in=open_here.filter(due__lt=today).values("application_id"))
    # the page's ids first (the subtree's index and the open deadlines' only), then its 50 rows
    ordered = (
        apps.annotate(next_due=Subquery(open_dl.order_by("due").values("due")[:1]))
        .order_by(F("next_due").asc(nulls_last=True), "pk")
        .values_list("pk", flat=True)
    )
    paginator = _CountedPaginator(ordered, PAGE_SIZE, apps.count())
    page_obj = paginator.get_page(page)
    ids = list(page_obj.object_list)
    by_pk = Application.unscoped.select_related("household").in_bulk(ids)
    items = [by_pk[pk] for pk in ids]
    page_obj.object_list = items
    first: dict[int, Deadline] = {}
    for d in Deadline.unscoped.filter(application_id__in=ids, done_on__isnull=True).order_by("due", "pk"):
        first.setdefault(d.application_id, d)
    names = names_for({a.region_code for a in items})
    rows = [_row(a, first.get(a.pk), today, names) for a in items]
    return WorkList(rows, page_obj, counts(user, today))


def counts(user, today: dt.date | None = None) -> dict[str, int]:
    """Counts for the home page and the list's tabs: by step group, overdue, escalated (applications
    with such an open deadline, whatever their state)."""
    today = today or timezone.localdate()
    by_state = dict(
        _in_subtree(Application.objects.filter(state__in=sorted(states.OPEN_STATES)))
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    out = {g: sum(by_state.get(s, 0) for s in sts) for g, sts in STEP_GROUPS.items()}
    open_dl = _in_subtree(Deadline.objects.filter(done_on__isnull=True))
    out["overdue"] = open_dl.filter(due__lt=today).values("application_id").distinct().count()
    out["escalated"] = open_dl.filter(escalated_on__isnull=False).values("application_id").distinct().count()
    out["spot_checks"] = _in_subtree(SpotCheck.objects.filter(result="")).count()
    out["unfiled"] = _in_subtree(
        CaseDecision.objects.filter(authority_level="township", kind="confirm", filed_on__isnull=True)
    ).count()
    return out


def history(app: Application) -> list[Step]:
    return list(Step.objects.filter(application=app).select_related("actor").order_by("pk"))


def deadlines(app: Application) -> list[Deadline]:
    return list(Deadline.objects.filter(application=app).order_by("start_on", "pk"))


def pauses(app: Application) -> list[Pause]:
    return list(Pause.objects.filter(application=app).order_by("start_on"))


def authorizations(app: Application) -> list[Authorization]:
    return list(Authorization.objects.filter(application=app).select_related("person").order_by("pk"))


def attachments(app: Application) -> list[Attachment]:
    return list(Attachment.objects.filter(application=app).order_by("pk"))


def reports(app: Application) -> list[VerificationReport]:
    return list(VerificationReport.objects.filter(application=app).order_by("-version"))


def investigations(app: Application) -> list[Investigation]:
    return list(
        Investigation.objects.filter(application=app).prefetch_related("photos").order_by("visited_on", "pk")
    )


def notices(app: Application) -> list[Notice]:
    return list(Notice.objects.filter(application=app).order_by("round"))


def objections(app: Application) -> list[Objection]:
    return list(Objection.objects.filter(application=app).order_by("pk"))


def decisions(app: Application) -> list[CaseDecision]:
    return list(CaseDecision.objects.filter(application=app).order_by("pk"))


def household_cases(household_id: int) -> list[Case]:
    return list(Case.objects.filter(household_id=household_id).order_by("-since", "pk"))


def household_applications(household_id: int) -> list[Application]:
    return list(Application.objects.filter(household_id=household_id).order_by("-received_on", "-pk"))


def open_spot_checks() -> list[SpotCheck]:
    return list(
        SpotCheck.objects.filter(result="")
        .select_related("decision", "decision__application")
        .order_by("drawn_on")
    )


def unfiled_confirmations() -> list[CaseDecision]:
    return list(
        CaseDecision.objects.filter(authority_level="township", kind="confirm", filed_on__isnull=True)
        .select_related("application")
        .order_by("on")
    )


def public_notice(public_key: str) -> Notice:
    """A notice as the public sees it (no login; not scoped — the key is unguessable and only a running
    notice is shown: an ended one is taken down, R-PUB8)."""
    today = timezone.localdate()
    return _public(Notice.unscoped.filter(public_key=public_key), today).get()


def public_notices(township_code: str) -> list[Notice]:
    """The running notices of a township (its public page)."""
    today = timezone.localdate()
    rows = Notice.unscoped.filter(region_code__startswith=township_code[:9])
    return list(_public(rows, today).order_by("start_on", "pk"))


def _public(notices, today: dt.date):
    """Running notices only, and never one of an exempt case (R-PUB3: flagged after its notice began)."""
    return notices.filter(
        ended_on__isnull=True,
        start_on__lte=today,
        end_on__gte=today,
        application__no_publication="",
        application__hiv_flag=False,
    )


# --- reads of the casework pages ------------------------------------------------------------------------


def household_for_application(pk: int):
    """A registry household in the caller's scope (the window picks it); DoesNotExist outside."""
    from doudi.registry.queries import get_household

    return get_household(pk)


def find_households(text: str, limit: int = 20) -> list[dict]:
    """Households in scope whose key or a member's name matches ``text`` (the window's search), each
    with its head's name and its open application, if any (three queries whatever ``limit``)."""
    from doudi.registry.queries import head_names, search_households

    text = (text or "").strip()
    if not text:
        return []
    by_key = list(search_households(household_key=text)[:limit])
    by_name = list(search_households(name=text)[:limit])
    found = list({h.pk: h for h in [*by_key, *by_name]}.values())[:limit]
    ids = [h.pk for h in found]
    heads = head_names(ids)
    open_apps = dict(
        Application.objects.filter(household_id__in=ids, state__in=states.OPEN_STATES).values_list(
            "household_id", "number"
        )
    )
    names = names_for({h.region_code for h in found})
    return [
        {
            "household": h,
            "head": heads.get(h.pk, ""),
            "open_number": open_apps.get(h.pk, ""),
            "region_name": names.get(h.region_code, ""),
        }
        for h in found
    ]


def household_members_for_window(household_id: int) -> list:
    """The members of a household today (the window's choice of applicant)."""
    from doudi.casework import household_data

    return household_data.members(household_id, timezone.localdate())


def members_on(app: Application, on: dt.date | None = None):
    """The application's household members on ``on`` (default: today)."""
    from doudi.casework import household_data

    return household_data.members(app.household_id, on or timezone.localdate())


def authorization_people(app: Application) -> list:
    """The persons the materials list asks an authorization of (members and legal supporters), in order."""
    from doudi.registry.models import Person

    ids = [
        m["person_id"] for m in app.materials or [] if m.get("kind") == "authorization" and m.get("person_id")
    ]
    people = {p.pk: p for p in Person.unscoped.filter(pk__in=ids)}
    return [people[i] for i in dict.fromkeys(ids) if i in people]


def open_pause(app: Application) -> Pause | None:
    return Pause.objects.filter(application=app, end_on__isnull=True).first()


def spot_checks_of(app: Application) -> list[SpotCheck]:
    return list(SpotCheck.objects.filter(decision__application=app).select_related("decision").order_by("pk"))


def get_decision(pk: int) -> CaseDecision:
    return CaseDecision.objects.select_related("application").get(pk=pk)


def get_spot_check(pk: int) -> SpotCheck:
    return SpotCheck.objects.select_related("decision", "decision__application").get(pk=pk)


def get_investigation_photo(pk: int):
    from doudi.casework.models import InvestigationPhoto

    return InvestigationPhoto.objects.get(pk=pk)


def get_attachment(pk: int) -> Attachment:
    return Attachment.objects.get(pk=pk)


def get_authorization(pk: int) -> Authorization:
    return Authorization.objects.get(pk=pk)
