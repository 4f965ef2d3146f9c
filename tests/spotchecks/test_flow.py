"""Assign, finding and correction; deadlines in working days; the summary the evaluation reads."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.core.workdays import add_working_days
from doudi.spotchecks import actions, queries
from doudi.spotchecks.actions import SpotCheckError
from tests.spotchecks.conftest import DAY, draw, items

pytestmark = pytest.mark.django_db


def _do(fn, **kw):
    with all_regions():
        return fn(on=kw.pop("on", DAY), **kw)


def test_finding_and_correction_flow_closes_the_round(world, people):
    from doudi.core.audit_actions import AuditAction
    from doudi.core.models import AuditEvent
    from doudi.spotchecks.models import Round

    county = people["county"]
    rnd = draw(county, kinds=["warning"])
    a, b, c = items(rnd)
    a = _do(actions.record_finding, actor=county, item=a, result="ok")
    assert a.state == "no_correction" and a.category == ""
    with pytest.raises(SpotCheckError):
        _do(actions.record_finding, actor=county, item=b, result="problem", note="缺材料")  # no category
    with pytest.raises(SpotCheckError):
        _do(actions.record_finding, actor=county, item=b, result="problem", category="documents")  # no note
    with pytest.raises(SpotCheckError):
        _do(actions.record_correction, actor=county, item=b, correction="补齐")  # nothing found yet
    b = _do(
        actions.record_finding, actor=county, item=b, result="problem", category="documents", note="缺授权书"
    )
    assert b.state == "checked" and b.correction_due == add_working_days(DAY, 30)
    with pytest.raises(SpotCheckError):
        _do(actions.record_finding, actor=county, item=b, result="ok")  # already checked
    b = _do(
        actions.record_correction, actor=county, item=b, correction="已补签", on=DAY + dt.timedelta(days=2)
    )
    assert b.state == "corrected" and b.corrected_on == DAY + dt.timedelta(days=2)
    with all_regions():
        assert Round.unscoped.get(pk=rnd.pk).state == "open"
    _do(actions.record_finding, actor=county, item=c, result="problem", category="amount", note="少发20元")
    _do(actions.record_correction, actor=county, item=c, correction="已补发")
    with all_regions():
        assert Round.unscoped.get(pk=rnd.pk).state == "done"
        names = set(
            AuditEvent.unscoped.filter(subject_type="spotcheck_item").values_list("action", flat=True)
        )
    assert names == {AuditAction.SPOTCHECK_FINDING.value, AuditAction.SPOTCHECK_CORRECTION.value}
    assert [s.label for s in queries.steps(b)] == ["核查结论：有问题（材料不全）", "登记整改"]


def test_who_may_assign_and_record(world, people):
    rnd = draw(people["county"], kinds=["warning"])
    it = items(rnd)[0]
    with pytest.raises(SpotCheckError):
        _do(actions.assign, actor=people["county"], item=it, assignee=people["nanguan"])  # another county
    with pytest.raises(SpotCheckError):
        _do(actions.assign, actor=people["county"], item=it, assignee=people["township"])  # not an officer
    assert (
        _do(actions.assign, actor=people["county"], item=it, assignee=people["county2"]).assigned_to
        == people["county2"]
    )
    with pytest.raises(PermissionError):
        _do(actions.record_finding, actor=people["nanguan"], item=it, result="ok")
    with pytest.raises(PermissionError):
        _do(actions.record_finding, actor=people["auditor"], item=it, result="ok")
    assert _do(actions.record_finding, actor=people["city"], item=it, result="ok").state == "no_correction"


def test_deadlines_in_working_days_and_overdue(world, people):
    rnd = draw(people["county"], kinds=["warning"])
    it = items(rnd)[0]
    assert it.due == add_working_days(DAY, 20)
    assert queries.deadline(it, it.due) == {"label": "核查期限", "due": it.due, "overdue": False,
                                            "overdue_days": 0, "left": 0}  # fmt: skip
    late = queries.deadline(it, add_working_days(it.due, 2))
    assert late["overdue"] and late["overdue_days"] == 2
    with all_regions():
        counts = queries.round_counts([rnd.pk], add_working_days(it.due, 1))
    assert counts[rnd.pk]["overdue"] == 3 and counts[rnd.pk]["open"] == 3


def test_summary_per_round_and_per_region(world, people):
    county = people["county"]
    rnd = draw(county, kinds=["warning"], share=0.1)
    its = items(rnd)
    _do(actions.record_finding, actor=county, item=its[0], result="ok")
    _do(
        actions.record_finding,
        actor=county,
        item=its[1],
        result="problem",
        category="ineligible",
        note="有车",
    )
    _do(
        actions.record_finding,
        actor=county,
        item=its[2],
        result="problem",
        category="ineligible",
        note="有房",
    )
    _do(actions.record_correction, actor=county, item=its[2], correction="已停保")
    draw(people["nanguan"], kinds=["warning"])
    with using_scope("222401000000"):
        row = queries.summary(county, round_pk=rnd.pk)[0]
        assert (row["drawn"], row["checked"], row["problems"], row["corrected"]) == (6, 3, 2, 1)
        assert row["by_category"]["ineligible"] == 2 and row["by_category"]["amount"] == 0
        regions = queries.summary(county, year=2026, level="county")
    assert [r["key"] for r in regions] == ["222401000000"] and regions[0]["problems"] == 2
    with using_scope("220000000000"):
        both = queries.summary(people["province"], year=2026, level="county")
    assert [r["key"] for r in both] == ["220102000000", "222401000000"]
    with using_scope("220102000000"), pytest.raises(Exception) as exc:
        queries.summary(people["nanguan"], round_pk=rnd.pk)
    assert type(exc.value).__name__ == "DoesNotExist"
