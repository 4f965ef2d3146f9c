"""The life of a ticket: per-type deadlines in working days and the 信访 limits (R-G5), a decision before
closing (R-G4), root cause at closing (R-G9), the maker-checker approval, appeals one level up, history and
audit in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.complaints import actions, deadline_actions, params, queries
from doudi.complaints.base import ComplaintConflict, ComplaintError
from doudi.complaints.models import ComplaintStep
from doudi.core.audit_actions import AuditAction
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, using_scope
from doudi.core.workdays import add_working_days
from tests.complaints.conftest import DAY, file, move
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db


def test_deadlines_are_working_days_per_type(people):
    c = file(people["township"])
    # service: respond within 5 WD, resolve within 15 WD (baseline params) — Mon 7 Dec → Mon 14 Dec / Mon 28 Dec
    assert c.response_due == dt.date(2026, 12, 14)
    assert c.resolve_due == dt.date(2026, 12, 28)
    r = file(people["county"], ctype="report", summary="举报某户隐瞒收入", subject_name="王某")
    assert r.resolve_due == add_working_days(DAY, 30) > c.resolve_due  # a report: 30 WD
    # over the Spring Festival (15–23 Feb 2026 holidays, Saturday 14 Feb a make-up workday): not 20 Feb
    s = file(people["township"], on=dt.date(2026, 2, 13))
    assert s.response_due == dt.date(2026, 2, 27)


def test_xinfang_stricter_limit_and_extension(people, monkeypatch):
    monkeypatch.setattr(params, "days", lambda key, **kw: 60 if key == "grievance.resolve_wd.report"
                        else int(params.DEFAULTS[key]))  # fmt: skip
    c = file(
        people["county"], ctype="report", channel="xinfang", xinfang=True, summary="信访转办：举报优亲厚友"
    )
    assert c.xinfang and c.resolve_due == DAY + dt.timedelta(days=60)  # stricter than 60 WD
    assert c.response_due == dt.date(2026, 12, 14)  # 5 WD is stricter than 15 days
    with all_regions():
        c = actions.extend_xinfang(
            actor=people["county"], complaint=c, reason="涉及多个部门，情况复杂", on=DAY
        )
        assert c.resolve_due >= DAY + dt.timedelta(days=90)
        with pytest.raises(ComplaintConflict):
            actions.extend_xinfang(actor=people["county"], complaint=c, reason="再次延期", on=DAY)


def test_closing_needs_a_decision_a_reply_and_a_root_cause(people):
    t, t2 = people["township"], people["township2"]
    c = file(t)
    with pytest.raises(ComplaintConflict):
        move(t, c, "reply", root_cause="staff", reply="已答复", reply_method="phone")  # no decision yet
    c = move(t, c, "accept")
    c = move(t, c, "assign", handler=t)
    with pytest.raises(ComplaintError, match="处理决定"):
        move(t, c, "propose", finding="经查属实")
    c = move(
        t,
        c,
        "propose",
        finding="经调取监控，工作人员答复不耐心属实",
        decision="upheld",
        decision_note="批评教育",
    )
    with pytest.raises(ComplaintError, match="提出人以外"):
        move(t, c, "approve")
    c = move(t2, c, "approve")
    assert c.state == "decided"
    with pytest.raises(ComplaintError, match="问题原因"):
        move(t, c, "reply", reply="已电话答复", reply_method="phone")
    with pytest.raises(ComplaintError, match="答复投诉人"):
        move(t, c, "reply", root_cause="staff", reply="", reply_method="phone")
    c = move(t, c, "reply", root_cause="staff", reply="已对工作人员批评教育，向您致歉", reply_method="phone")
    assert (c.state, c.decision, c.root_cause, c.closed_on) == ("closed", "upheld", "staff", DAY)
    with all_regions():
        labels = list(ComplaintStep.unscoped.filter(complaint=c).values_list("label", flat=True))
        assert labels == ["登记投诉举报", "受理", "分办调查", "提出处理意见", "审批处理决定", "答复并办结"]
        actions_ = set(AuditEvent.objects.filter(subject_type="complaint", subject_id=str(c.pk))
                       .values_list("action", flat=True))  # fmt: skip
    assert actions_ == {AuditAction.COMPLAINTS_FILE.value, AuditAction.COMPLAINTS_MOVE.value}
    assert AuditAction.COMPLAINTS_MOVE.label == "投诉举报办理环节"


def test_not_accepting_needs_a_reason_and_closes_with_that_decision(people):
    t = people["township"]
    c = file(t)
    with pytest.raises(ComplaintError, match="理由"):
        move(t, c, "not_accept")
    c = move(t, c, "not_accept", note="不属于社会救助事项，已告知向住建部门反映", reply_method="phone")
    assert (c.state, c.decision) == ("closed", "not_accepted")


def test_appeal_goes_one_level_up(people):
    t, t2 = people["township"], people["township2"]
    c = file(t)
    for ev, kw in (("accept", {}), ("assign", {"handler": t}),
                   ("propose", {"finding": "不属实", "decision": "rejected"})):  # fmt: skip
        c = move(t, c, ev, **kw)
    c = move(t2, c, "approve")
    c = move(t, c, "reply", root_cause="none", reply="经核实不属实", reply_method="phone")
    with all_regions():
        a = actions.appeal(actor=t, original=c, reason="对答复不满意，申请复查", on=DAY)
        with pytest.raises(ComplaintConflict):
            actions.appeal(actor=t, original=c, reason="再次申请复查", on=DAY)
    assert (a.appeal_of_id, a.handler_level) == (c.pk, "county")
    with pytest.raises(PermissionError, match="县级民政"):
        move(t, a, "accept")  # the township cannot handle its own appeal
    assert move(people["county"], a, "accept").state == "accepted"


def test_overdue_tickets_escalate_once_to_the_level_above(people):
    t = people["township"]
    late = file(t, on=dt.date(2026, 11, 2))  # respond by 9 Nov: breached on 7 Dec
    fresh = file(t)
    with all_regions():
        assert deadline_actions.escalate_overdue(today=DAY) == 1
        assert deadline_actions.escalate_overdue(today=DAY) == 0  # once
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert (late.escalated_level, late.escalated_on, fresh.escalated_level) == ("county", DAY, "")
    with using_scope(YANJI):
        assert [c.pk for c in queries.complaints(people["county"], "escalated")] == [late.pk]
        assert queries.deadline(late, DAY)["status"] == "breached"
        assert queries.deadline(fresh, DAY)["status"] == "on_track"
        assert queries.deadline(fresh, dt.date(2026, 12, 11))["status"] == "at_risk"  # 4 of 5 WD used
    with all_regions():
        assert ComplaintStep.unscoped.filter(complaint=late, event="escalate").count() == 1
        assert AuditEvent.objects.filter(action=AuditAction.COMPLAINTS_ESCALATE).count() == 1
    with using_scope(YANJI_T1):
        assert [c.pk for c in queries.complaints(t, "overdue", today=DAY)] == [late.pk]


def test_cli_list_and_escalate(people):
    from io import StringIO

    from django.core.management import call_command

    file(people["township"], on=dt.date(2026, 11, 2))
    out = StringIO()
    call_command("complaints", "escalate", "--date", "2026-12-07", stdout=out)
    assert out.getvalue().strip() == "escalated: 1"
    out = StringIO()
    call_command("complaints", "list", "--as", people["county"].username, "--show", "escalated", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "complaints: 1" and "服务投诉" in lines[0]


def test_daily_job_runs_the_escalation(people):
    from doudi.monitoring import schedule

    late = file(people["township"], on=dt.date(2026, 11, 2))
    with all_regions():
        assert schedule._DAILY["complaints"](DAY) == {"complaints_escalated": 1}
    late.refresh_from_db()
    assert late.escalated_level == "county"
