"""Needs pushed by rule (R-P1): a confirmed DIBAO family's student is pushed to education once, without
anyone referring it; a need no longer due is withdrawn with its reason; every step on the chain."""

from __future__ import annotations

import datetime as dt

from doudi.core.scoping import all_regions

D = dt.date


def _pushes(**kw):
    from doudi.monitoring.models import NeedPush

    with all_regions():
        return list(NeedPush.unscoped.filter(**kw).order_by("pk"))


def _confirm(walk):
    from doudi.casework.models import Case

    app = walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    with all_regions():
        return Case.unscoped.get(application=app, tier="DIBAO")


def test_confirmation_pushes_education_aid_once(walk, depts, student_family):
    from doudi.monitoring.models import ChainEvent, NeedPush, Notification
    from doudi.monitoring.needs import push_actions

    hh, _people, child = student_family
    assert _pushes(household=hh) == []
    _confirm(walk)
    edu = _pushes(household=hh, need="education_aid")
    assert [(p.person_id, p.department, p.status, p.source) for p in edu] == [
        (child.pk, "education", "pushed", "rule")
    ]
    assert edu[0].due_on is not None and edu[0].due_on > D(2026, 11, 13)
    with all_regions():
        chain = ChainEvent.unscoped.filter(household=hh, kind=ChainEvent.Kind.NEED_PUSH, ref_id=edu[0].pk)
        assert chain.count() == 1 and "教育" in chain.get().summary
        assert Notification.objects.filter(user=depts["education"]).exists()
        assert not Notification.objects.filter(user=depts["education_other"]).exists()
    # medical insurance's fixed premium subsidy for every DIBAO member
    assert {p.need for p in _pushes(household=hh, department="medical_insurance")} == {
        "medical_premium_fixed"
    }
    before = len(_pushes(household=hh))
    # again, the same day and later: nothing new (idempotent)
    with all_regions():
        again = push_actions.reconcile_households([hh.pk])
        daily = push_actions.reconcile_all()
    assert (again.pushed, again.withdrawn, daily.pushed, daily.withdrawn) == (0, 0, 0, 0)
    assert len(_pushes(household=hh)) == before
    assert all(p.status == NeedPush.Status.PUSHED for p in _pushes(household=hh))


def test_need_no_longer_due_is_withdrawn_and_answered_one_is_kept(walk, depts, student_family):
    from django.utils import timezone

    from doudi.monitoring.loop.disposition_actions import respond_need
    from doudi.monitoring.models import ChainEvent, NeedPush
    from doudi.monitoring.needs import push_actions
    from doudi.registry import actions

    hh, people, child = student_family
    _confirm(walk)
    medical = _pushes(household=hh, person=people[0], need="medical_premium_fixed")[0]
    with all_regions():
        respond_need(actor=depts["medical"], push=medical, status="given", feedback="已资助参保")
        actions.record_person_fact(actor="test", person=child, kind="schooling",
                                   value={"in_school": False}, valid_from=timezone.localdate(), source="department")  # fmt: skip
        for p in people + [child]:
            actions.set_category(
                actor="test", person=p, category=None, since=timezone.localdate(), source="caseworker"
            )
        result = push_actions.reconcile_households([hh.pk])
    assert result.pushed == 0 and result.withdrawn >= 1
    edu = _pushes(household=hh, need="education_aid")[0]
    assert edu.status == NeedPush.Status.WITHDRAWN and edu.ended_on is not None
    assert "撤回" in edu.withdraw_reason
    given = _pushes(pk=medical.pk)[0]
    assert given.status == NeedPush.Status.GIVEN and given.ended_on is not None  # the answer stays
    with all_regions():
        assert ChainEvent.unscoped.filter(household=hh, ref_id=edu.pk, summary__contains="撤回").exists()
    # due again later: pushed anew (the ended rows do not block)
    with all_regions():
        actions.set_category(actor="test", person=child, category="DIBAO",
                             since=timezone.localdate(), source="caseworker")  # fmt: skip
        actions.record_person_fact(actor="test", person=child, kind="schooling", value={"in_school": True},
                                   valid_from=timezone.localdate() + dt.timedelta(days=1), source="department")  # fmt: skip
        later = push_actions.reconcile_households([hh.pk], as_of=timezone.localdate() + dt.timedelta(days=1))
    assert later.pushed >= 1
    assert [p.status for p in _pushes(household=hh, need="education_aid")] == ["withdrawn", "pushed"]


def test_a_referral_by_hand_gets_its_departments_answer_deadline(staff):
    from doudi.monitoring.loop.disposition_actions import REFERRAL_DEADLINE_WD, referral_deadline_days

    on = D(2026, 12, 1)
    with all_regions():
        assert (
            referral_deadline_days("education", "222401001000", on) == 15
        )  # needs.education_aid.deadline_wd
        assert referral_deadline_days("medical_insurance", "222401001000", on) == 10
        assert referral_deadline_days("emergency", "222401001000", on) == REFERRAL_DEADLINE_WD
