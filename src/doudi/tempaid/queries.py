"""Every read of temporary assistance, scoped to the caller's region subtree (``objects``); outside it a
look-up raises ``DoesNotExist`` (the views and the API answer 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from doudi.casework import clock
from doudi.tempaid.models import (
    ContingencyFund,
    FundLedger,
    PublicEmergency,
    TempAidCase,
    TopUpRequest,
)

S = TempAidCase.State
OPEN = (S.ACCEPTED, S.PAID_FIRST, S.READY, S.NOTICE, S.DELIBERATION)
FILTERS = {
    "open": "办理中",
    "paid_first": "先行救助待补办",
    "overdue": "已逾期",
    "ready": "待审批",
    "notice": "公示中",
    "deliberation": "待一事一议",
    "approved": "已批准",
    "refused": "不予救助",
    "referred": "已转介救助管理机构",
    "followup": "待后续筛查",
    "all": "全部",
}


def cases(which: str = "open", *, q: str = "", today: dt.date | None = None) -> QuerySet[TempAidCase]:
    today = today or timezone.localdate()
    qs = TempAidCase.objects.select_related("emergency")
    if which == "open":
        qs = qs.filter(state__in=OPEN)
    elif which == "overdue":
        qs = qs.filter(
            Q(state=S.PAID_FIRST, backfill_due__lt=today)
            | Q(state__in=(S.ACCEPTED, S.READY, S.NOTICE, S.DELIBERATION), decision_due__lt=today)
        )
    elif which == "followup":
        qs = qs.filter(state=S.APPROVED, followup_done=False)
    elif which in S.values:
        qs = qs.filter(state=which)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(applicant_name__icontains=q) | Q(event__icontains=q))
    return qs.order_by("-accepted_on", "-pk")


def get_case(pk: int) -> TempAidCase:
    return TempAidCase.objects.select_related("emergency", "household", "decided_by", "application").get(
        pk=pk
    )


def get_case_by_number(number: str) -> TempAidCase:
    return TempAidCase.objects.select_related("emergency").get(number=number)


def deadline(case: TempAidCase, today: dt.date | None = None) -> dict:
    """The case's clock: the back-fill of a pay-first case (R-TA5), else the decision (R-TA3)."""
    today = today or timezone.localdate()
    due: dt.date | None
    done: dt.date | None
    if case.paid_first_on and case.backfill_due:
        due, done, label = case.backfill_due, case.backfill_done_on, "补办手续"
    else:
        due, label = case.decision_due, "审批办结"
        done = case.decided_on
    if due is None:
        return {"label": label, "due": None, "status": "", "status_label": "", "overdue_days": 0}
    if done is None and case.state in (S.APPROVED, S.REFUSED, S.REFERRED):
        done = case.decided_on
    status = clock.status(due, done, today)
    return {
        "label": label,
        "due": due,
        "status": status,
        "status_label": clock.STATUS_LABELS[status],
        "overdue_days": clock.overdue_days(due, today) if status == "overdue" else 0,
    }


def rows(qs, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    return [{"c": c, "deadline": deadline(c, today)} for c in qs]


def counts(today: dt.date | None = None) -> dict:
    return {
        key: cases(key, today=today).count()
        for key in ("open", "paid_first", "overdue", "ready", "deliberation")
    }


def steps(case: TempAidCase):
    return case.steps.select_related("actor").order_by("on", "pk")


def objections(case: TempAidCase):
    return case.objections.order_by("received_on", "pk")


def get_objection(case: TempAidCase, pk: int):
    """One objection of the case (``DoesNotExist`` outside it or the caller's scope)."""
    return case.objections.get(pk=pk)


def letters(case: TempAidCase) -> list:
    """The case's letters (公示, 不予临时救助告知书), in the caller's scope."""
    from doudi.letters.queries import letters_for_ref

    return letters_for_ref("tempaid.case", case.pk)


def deliberations(case: TempAidCase):
    return case.deliberations.select_related("recorded_by").order_by("held_on", "pk")


def funds() -> QuerySet[ContingencyFund]:
    return ContingencyFund.objects.order_by("-year", "region_code")


def get_fund(pk: int) -> ContingencyFund:
    return ContingencyFund.objects.get(pk=pk)


def fund_for(township: str, year: int) -> ContingencyFund | None:
    return ContingencyFund.objects.filter(region_code=township, year=year).first()


def ledger(fund: ContingencyFund) -> QuerySet[FundLedger]:
    return FundLedger.objects.filter(fund=fund).select_related("case", "actor").order_by("-on", "-pk")


def topups(fund: ContingencyFund | None = None) -> QuerySet[TopUpRequest]:
    qs = TopUpRequest.objects.select_related("fund", "case", "requested_by")
    if fund is not None:
        qs = qs.filter(fund=fund)
    return qs.order_by("-at")


def get_topup(pk: int) -> TopUpRequest:
    return TopUpRequest.objects.select_related("fund").get(pk=pk)


def emergencies() -> QuerySet[PublicEmergency]:
    """Declarations of the caller's region, and those above it that cover it (a county sees its city's)."""
    from doudi.core.scoping import current_scope

    scope = current_scope()
    prefix = scope.prefix if scope is not None else ""
    above = {prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n <= len(prefix)} if prefix else set()
    return PublicEmergency.unscoped.filter(
        Q(pk__in=PublicEmergency.objects.values("pk")) | Q(region_code__in=above)
    ).order_by("-starts_on")


def paid_totals(qs) -> dict:
    got = qs.aggregate(first=Sum("paid_first_amount"), approved=Sum("approved_amount"))
    return {"first": got["first"] or 0, "approved": got["approved"] or 0}


def household_cases(household_id: int) -> QuerySet[TempAidCase]:
    return (
        TempAidCase.objects.filter(household_id=household_id)
        .select_related("application")
        .order_by("-accepted_on", "-pk")
    )
