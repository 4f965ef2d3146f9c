"""R-TA3: the notice (公示) when ``temp_aid.notice_days`` > 0 — a deadline in working days, objections
recorded and answered, approval only after it — and the refusal letter (R-W25 text: reason, figures,
remedies) issued through the letters app, numbered and kept as issued."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from doudi.letters.models import Letter
from doudi.tempaid import actions, notice_actions, queries
from doudi.tempaid.base import TempAidConflict, TempAidError
from doudi.tempaid.models import CaseStep, TempAidCase
from tests.tempaid.conftest import DAY, S, apply_fire

pytestmark = pytest.mark.django_db
ST = TempAidCase.State


def _ready(w, case, on=DAY):
    with all_regions():
        for kind in ("verify", "investigate"):
            case = actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已核实", on=on)
    return case


@pytest.fixture
def three_days(monkeypatch):
    monkeypatch.setattr(notice_actions, "notice_days", lambda case, on: 3)


def test_no_notice_when_the_parameter_is_zero(world):
    w = world
    case = _ready(w, apply_fire(w))
    assert not notice_actions.needs_notice(case, DAY)
    with all_regions(), pytest.raises(TempAidConflict, match="无需公示"):
        notice_actions.start_notice(actor=w.staff["township"], case=case, on=DAY)
    with all_regions():
        assert (
            actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=DAY).state == ST.APPROVED
        )


def test_notice_period_in_working_days_objection_answered_then_approval(world, three_days):
    w = world
    case = _ready(w, apply_fire(w))
    with all_regions():
        with pytest.raises(TempAidConflict, match="请先公示"):  # an ordinary case is not approved unseen
            actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=DAY)
        with pytest.raises(TempAidConflict, match="请先公示"):
            actions.to_deliberation(actor=w.staff["township"], case=case, on=DAY)
        case = notice_actions.start_notice(actor=w.staff["township"], case=case, on=DAY)
    assert case.state == ST.NOTICE and case.notice_start == DAY
    assert case.notice_end == add_working_days(DAY, 3)
    notice = Letter.unscoped.get(ref_type="tempaid.case", ref_id=case.pk, kind="temp_aid_notice")
    assert notice.title == "临时救助公示" and notice.context["notice_rows"][0]["applicant_name"] == "赵立新"
    assert notice.context["notice_days"] == 3 and notice.issued_on == DAY
    with all_regions():
        obj = notice_actions.record_objection(
            actor=w.staff["grid"], case=case, content="邻居反映其另有住房", raised_by="邻居", on=DAY
        )
        with pytest.raises(TempAidConflict, match="期满后"):  # still inside the period
            actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=case.notice_end)
        after = case.notice_end + dt.timedelta(days=1)
        with pytest.raises(TempAidError, match="公示期已结束"):
            notice_actions.record_objection(actor=w.staff["grid"], case=case, content="迟到的异议", on=after)
        with pytest.raises(TempAidConflict, match="异议尚未核实"):
            actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=after)
        with pytest.raises(TempAidError):  # a grid worker does not decide an objection
            notice_actions.answer_objection(
                actor=w.staff["grid"], objection=obj, upheld=False, finding="经核实无其他住房", on=after
            )
        notice_actions.answer_objection(
            actor=w.staff["township"],
            objection=obj,
            upheld=False,
            finding="经核实为租住房屋，无其他住房",
            on=after,
        )
        case = actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=after)
    assert case.state == ST.APPROVED
    kinds = list(CaseStep.unscoped.filter(case=case).values_list("kind", flat=True))
    assert {"notice", "objection", "answer", "approve"} <= set(kinds)
    with all_regions():
        assert AuditEvent.objects.filter(action="tempaid.notice", subject_id=str(case.pk)).count() == 3


def test_pay_first_cases_are_not_put_on_notice(world, three_days):
    w = world
    case = apply_fire(w)
    with all_regions():
        case, _ = actions.pay_first(actor=w.staff["township"], case=case, amount=800, on=DAY)
        for kind in ("statement", "verify", "investigate"):
            case = actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已补办", on=DAY)
        assert not notice_actions.needs_notice(case, DAY)  # R-TA5: paid before verification and notice
        assert (
            actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=DAY).state == ST.APPROVED
        )


def test_refusal_issues_the_letter_with_reason_figures_and_remedies(world):
    w = world
    case = apply_fire(w)
    with all_regions():
        case, _ = actions.pay_first(actor=w.staff["township"], case=case, amount=600, on=DAY)
        case = actions.refuse(
            actor=w.staff["township"], case=case, reason="经调查，失火前已搬离，损失已由保险赔付", on=DAY
        )
    letter = Letter.unscoped.get(ref_type="tempaid.case", ref_id=case.pk)
    assert letter.kind == "temp_aid_refusal" and letter.title == "不予临时救助告知书"
    assert letter.number.startswith("吉") and letter.region_code == case.region_code
    ctx = letter.context
    assert ctx["failed_conditions"][0]["text"] == "经调查，失火前已搬离，损失已由保险赔付"
    assert f"{S}元/月" in ctx["failed_conditions"][0]["figures"]
    assert "不自动追回" in ctx["paid_first_note"]
    assert "行政复议" in ctx["remedies"] and "行政诉讼" in ctx["remedies"]
    assert ctx["issuer"].endswith("办事处")  # the township decided
    assert ctx["application_no"].replace("-", "") == case.number
    step = CaseStep.unscoped.get(case=case, kind="refuse")
    assert letter.number in step.note
    with all_regions():
        assert [x.pk for x in queries.letters(case)] == [letter.pk]


def test_a_county_refusal_is_issued_by_the_county_bureau(world):
    w = world
    case = apply_fire(w)
    with all_regions():
        case = actions.refuse(actor=w.staff["county"], case=case, reason="不属于突发性、紧迫性困难", on=DAY)
    letter = Letter.unscoped.get(ref_type="tempaid.case", ref_id=case.pk)
    assert letter.context["issuer"] == "延吉市民政局"


def test_the_county_deliberation_waits_for_the_notice_too(world, three_days):
    from doudi.tempaid import decision_actions

    w = world
    case = _ready(w, apply_fire(w, degree=3))
    record = {"participants": "副县长、民政局长", "departments": "民政、医保", "decision": "pay",
              "amount": 12 * S, "payer": "县民政局临时救助资金"}  # fmt: skip
    with all_regions():
        with pytest.raises(TempAidConflict, match="请先公示"):  # no way around the notice
            decision_actions.record_deliberation(actor=w.staff["county"], case=case, held_on=DAY, **record)
        case = notice_actions.start_notice(actor=w.staff["county"], case=case, on=DAY)
        with pytest.raises(TempAidConflict, match="期满后"):
            decision_actions.record_deliberation(actor=w.staff["county"], case=case, held_on=DAY, **record)
