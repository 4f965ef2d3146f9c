"""R-M15: each disposition kind and its follow-up; R-P1 need pushes answered by departments."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.monitoring.loop import base, disposition_actions
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.models import (
    ChainEvent,
    Disposition,
    EarlyWarning,
    NeedPush,
    Notification,
)

pytestmark = pytest.mark.django_db


def _chain(w):
    with all_regions():
        return list(ChainEvent.objects.filter(household=w.household).order_by("at", "id"))


def test_no_hardship_is_ready_to_close(raise_on, loop):
    w = loop.to("verified", raise_on())
    d = loop.dispose(w, "no_hardship")
    w.refresh_from_db()
    assert w.status == EarlyWarning.Status.DISPOSED and d.kind == "no_hardship" and d.detail == {}
    assert _chain(w)[-1].summary.startswith("处置：经核实无困难")


def test_application_requires_the_familys_consent(raise_on, loop, staff):
    w = loop.to("verified", raise_on())
    with pytest.raises(base.MonitoringError, match="同意"):
        loop.dispose(w, "application", {"consent": {}})
    with pytest.raises(base.MonitoringError, match="同意"):
        loop.dispose(w, "application", {"consent": {"given_by": "金明哲", "method": "by pigeon"}})
    assert not Disposition.unscoped.exists()
    loop.dispose(
        w, "application", {"consent": {"given_by": "金明哲", "given_on": "2025-06-03", "method": "signed"}}
    )
    from doudi.casework.models import Application

    app = Application.unscoped.get(warning_id=w.pk)
    assert app.household == w.household and app.state == "submitted" and app.channel == "warning"
    assert app.consent == {"given_by": "金明哲", "given_on": "2025-06-03", "method": "signed"}
    assert Disposition.unscoped.get(warning=w).detail["application"] == app.pk
    assert [e.kind for e in _chain(w)][-2:] == ["disposition", "application"]
    # one open application per household (R-W1): a second warning's disposition cannot open another
    assert "救助申请" in _chain(w)[-1].summary and app.number in _chain(w)[-1].summary


def test_referral_pushes_needs_to_the_chosen_departments(raise_on, loop, staff):
    w = loop.to("verified", raise_on())
    with pytest.raises(base.MonitoringError, match="至少一个"):
        loop.dispose(w, "referral", {"departments": []})
    loop.dispose(w, "referral", {"departments": ["medical_insurance", "education"]})
    pushes = {p.department: p for p in NeedPush.unscoped.filter(warning=w)}
    assert set(pushes) == {"medical_insurance", "education"}
    assert pushes["medical_insurance"].need == "medical_assistance"
    assert Notification.objects.filter(user=staff["medical"], text__contains="医疗救助").exists()
    assert Notification.objects.filter(user=staff["education"]).exists()
    assert [e.kind for e in _chain(w)][-3:] == ["disposition", "need_push", "need_push"]


def test_emergency_records_the_referrals(raise_on, loop):
    w = loop.to("verified", raise_on())
    with pytest.raises(base.MonitoringError):
        loop.dispose(w, "emergency", {"measures": ["lottery"]})
    d = loop.dispose(w, "emergency", {"measures": ["temporary_assistance", "charity"], "amount": "1500"})
    assert d.detail["measures"] == ["temporary_assistance", "charity"] and d.detail["amount"] == "1500.00"
    tail = _chain(w)[-2:]
    assert [e.kind for e in tail] == ["referral", "referral"]
    assert "临时救助，金额 1500.00 元" in tail[0].summary and "慈善帮扶" in tail[1].summary


def test_eligibility_reassesses_with_the_policy_engine(raise_on, loop, staff):
    from doudi.policy.actions import load_baseline_parameters
    from doudi.policy.models import Decision

    with all_regions():
        load_baseline_parameters(actor="test")
    w = loop.to("assigned", raise_on("H-YJ1", indicator="W-ELIG"))
    # the visit finds a good income: the household no longer qualifies for dibao
    loop.visit(
        w,
        hardship_found=False,
        updated_facts=[{"scope": "household", "id": None, "kind": "income", "value": {"total": "360000"}}],
    )
    w.refresh_from_db()
    d = loop.dispose(w, "eligibility")
    decision = Decision.unscoped.get(pk=d.detail["decision_id"])
    assert d.detail["before"] == "DIBAO"
    assert d.detail["after"] == decision.household_category != "DIBAO"
    event = _chain(w)[-1]
    assert event.kind == "decision" and event.ref_type == "policy.decision" and event.ref_id == decision.pk
    assert event.summary.startswith("复核认定：低保对象 → ")


def test_eligibility_without_the_data_is_a_clear_error(raise_on, loop):
    w = loop.to("verified", raise_on("H-YJ1"))  # no income recorded for the household
    with pytest.raises(base.MonitoringError, match="复核认定未完成.*收入"):
        loop.dispose(w, "eligibility")
    w.refresh_from_db()
    assert w.status == EarlyWarning.Status.VERIFIED


def test_deliberation_records_minutes(raise_on, loop):
    w = loop.to("verified", raise_on())
    with pytest.raises(base.MonitoringError, match="纪要"):
        loop.dispose(w, "deliberation", {"minutes": ""})
    d = loop.dispose(
        w,
        "deliberation",
        {
            "minutes": "经村民代表评议，同意给予临时救助",
            "participants": ["甲", "乙"],
            "held_on": dt.date(2025, 6, 4),
        },
    )
    assert d.detail == {
        "minutes": "经村民代表评议，同意给予临时救助",
        "participants": ["甲", "乙"],
        "held_on": "2025-06-04",
    }
    assert "一事一议（2025-06-04）" in _chain(w)[-1].summary


def _pushes(raise_on, loop):
    w = loop.to("verified", raise_on())
    loop.dispose(w, "referral", {"departments": ["medical_insurance", "education"]})
    return w, {p.department: p for p in NeedPush.unscoped.filter(warning=w)}


def test_a_department_answers_its_own_pushes(raise_on, loop, staff):
    w, pushes = _pushes(raise_on, loop)
    medical = staff["medical"]
    with using_scope(medical.region_id):
        p = disposition_actions.respond_need(
            actor=medical, push=pushes["medical_insurance"], status="accepted"
        )
        assert p.status == "accepted"
        with pytest.raises(base.MonitoringError, match="理由"):
            disposition_actions.respond_need(actor=medical, push=p, status="declined", feedback="")
        p = disposition_actions.respond_need(
            actor=medical, push=p, status="given", feedback="已落实门诊救助", amount="3200"
        )
        assert (p.status, p.amount, p.responded_by) == ("given", 3200, medical)
        with pytest.raises(base.MonitoringError, match="不能改为"):
            disposition_actions.respond_need(actor=medical, push=p, status="declined", feedback="x")
        with pytest.raises(FlowDenied):
            disposition_actions.respond_need(actor=medical, push=pushes["education"], status="accepted")
    feedback = [e for e in _chain(w) if e.kind == "feedback"]
    assert [e.summary for e in feedback] == [
        "医疗保障部门反馈：已受理",
        "医疗保障部门反馈：已救助，金额 3200.00 元（已落实门诊救助）",
    ]
    assert Notification.objects.filter(user=staff["t1"], text__contains="医疗保障部门反馈").exists()


def test_staff_cannot_answer_for_a_department(raise_on, loop, staff):
    _, pushes = _pushes(raise_on, loop)
    with using_scope(staff["t1"].region_id), pytest.raises(FlowDenied):
        disposition_actions.respond_need(
            actor=staff["t1"], push=pushes["medical_insurance"], status="accepted"
        )


def test_a_department_of_another_region_cannot_answer(raise_on, loop, make_user):
    _, pushes = _pushes(raise_on, loop)
    far = make_user("department_user", "220102000000", department="medical_insurance")
    with using_scope(far.region_id), pytest.raises(FlowDenied):
        disposition_actions.respond_need(actor=far, push=pushes["medical_insurance"], status="accepted")
