# ruff: noqa: F811  (the pytest fixture imported from life_helpers)
"""A case ended by casework (R-W35): when its categories end, the household's unanswered needs are withdrawn
in the same transaction (the CASE_CHANGED listener), with the reason; the daily pass then changes nothing."""

from __future__ import annotations

import datetime as dt

from doudi.core.scoping import all_regions
from tests.casework.life_helpers import set_income, today  # noqa: F401 - fixture

D = dt.date


def test_termination_withdraws_the_unanswered_needs_once_the_category_ends(
    walk, depts, student_family, today
):
    from doudi.casework.lifecycle_actions import open_change_review
    from doudi.casework.models import Case
    from doudi.casework.review_decide_actions import decide_review, end_notice
    from doudi.monitoring.models import NeedPush
    from doudi.monitoring.needs import push_actions
    from doudi.registry.models import CategoryStatus

    hh, _people, child = student_family
    app = walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    with all_regions():
        case = Case.unscoped.get(application=app, tier="DIBAO")
    today(D(2026, 12, 2))
    set_income(hh, 180000, D(2026, 12, 1))
    staff = walk.staff
    review = open_change_review(actor=staff["township"], case=case, trigger="family", change_type="income",
                                on=D(2026, 12, 1))  # fmt: skip
    review = decide_review(actor=staff["county"], review=review, outcome="terminate", on=D(2026, 12, 2),
                           reasons=["收入超过标准"])  # fmt: skip
    today(D(2026, 12, 10))
    end_notice(actor=staff["county"], review=review, on=D(2026, 12, 10))
    with all_regions():
        edu = NeedPush.unscoped.get(household=hh, need="education_aid", person=child)
        until = CategoryStatus.unscoped.filter(person=child).values_list("until", flat=True).get()
    # the category ended with the termination: the listener withdrew the unanswered needs at once
    assert until == D(2026, 12, 10)
    assert edu.status == "withdrawn" and edu.ended_on == until and "不属于低收入人口" in edu.withdraw_reason
    with all_regions():
        assert not NeedPush.unscoped.filter(household=hh, status="pushed").exists()
        again = push_actions.reconcile_all(as_of=until)
    assert (again.pushed, again.withdrawn) == (0, 0)
