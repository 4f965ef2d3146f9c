"""One application from the window to a confirmed case (CASEWORK R-W16–R-W27): every step recorded,
the clock's deadlines, the decision put into effect, the letters issued; and the refusals on the way."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from doudi.casework import dispatch
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.models import Application, Case, CaseDecision, Deadline, Notice, Step
from doudi.core.scoping import all_regions, using_scope
from doudi.letters.models import Letter
from doudi.monitoring.models import ChainEvent
from doudi.registry.models import CategoryStatus
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db
D = dt.date


def pdf_text(letter: Letter) -> str:
    pages = PdfReader(io.BytesIO(letter.pdf_bytes())).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def letters_of(app, kind=None):
    qs = Letter.unscoped.filter(ref_type="casework.application", ref_id=app.pk).order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


def test_acceptance_needs_every_authorization_and_the_commitment(walk):
    app = walk.open()
    labels = {m["label"]: m["status"] for m in app.materials}
    assert labels["崔永浩签署的授权书"] == "missing" and labels["承诺书"] == "missing"
    assert labels["崔永浩的身份证明"] == "fetched"  # 户籍 is fetched, never asked for (R-W19)
    with pytest.raises(CaseworkError, match="授权书和承诺书齐全后才能受理"):
        walk.event(app, "accept", D(2026, 11, 2))
    walk.authorize(app)
    app = walk.event(app, "accept", D(2026, 11, 2))
    assert app.state == "accepted" and app.accepted_on == D(2026, 11, 2)
    due = {d.key: d.due for d in Deadline.unscoped.filter(application=app)}
    assert due == {
        "total": D(2026, 12, 14),
        "investigate_start": D(2026, 11, 5),
        "verify_start": D(2026, 11, 5),
    }
    receipt = letters_of(app, "receipt")
    assert len(receipt) == 1 and "受理回执" in pdf_text(receipt[0]) and app.number in pdf_text(receipt[0])


def test_return_lists_everything_missing_once(walk):
    app = walk.open()
    app = walk.event(app, "return", D(2026, 11, 3), missing=["近6个月银行流水"])
    assert app.state == "returned"
    step = Step.unscoped.filter(application=app, event="return").get()
    assert "崔永浩签署的授权书" in step.data["missing"] and "近6个月银行流水" in step.data["missing"]
    text = pdf_text(letters_of(app, "materials")[0])
    assert "承诺书" in text and "近6个月银行流水" in text
    app = walk.event(app, "resubmit", D(2026, 11, 6))
    assert app.state == "submitted"


def test_from_window_to_confirmed_case(walk, staff):
    app = walk.to_assessed()
    assert app.state == "assessed"
    assert app.review["items"] and float(app.review["total"]) >= float(app.review["pass_mark"])
    app = walk.event(app, "propose", D(2026, 11, 5))
    assert app.state == "prelim_opinion" and app.proposed_category == "DIBAO" and app.proposed_total > 0
    app = walk.event(app, "start_notice", D(2026, 11, 5))
    notice = Notice.unscoped.get(application=app)
    assert app.state == "in_notice" and notice.end_on == D(2026, 11, 11)
    assert notice.content["name"] == "崔*浩" and "身份证" not in str(notice.content)
    with pytest.raises(CaseworkConflict, match="公示期未满"):
        walk.event(app, "end_notice", D(2026, 11, 11))
    app = walk.event(app, "end_notice", D(2026, 11, 12))
    assert app.state == "awaiting_confirmation"
    assert Deadline.unscoped.get(application=app, key="confirm").due == D(2026, 11, 26)
    # the township cannot confirm where the region has not delegated it (R-W10)
    with pytest.raises(PermissionError):
        walk.event(app, "confirm", D(2026, 11, 13))
    app = walk.event(app, "confirm", D(2026, 11, 13), who="county")
    assert app.state == "confirmed" and app.decided_on == D(2026, 11, 13)
    # the decision put into effect: categories from the confirmation date, one case, payment next month
    with all_regions():
        cats = {
            (c.person.name, c.category, c.since)
            for c in CategoryStatus.objects.filter(household=walk.household)
        }
    assert cats == {("崔永浩", "DIBAO", D(2026, 11, 13)), ("韩顺姬", "DIBAO", D(2026, 11, 13))}
    case = Case.unscoped.get(household=walk.household)
    assert case.tier == "DIBAO" and case.state == "active" and case.pay_from == D(2026, 12, 1)
    assert case.monthly_total == app.proposed_total and case.review_class == "A"
    decision = CaseDecision.unscoped.get(application=app)
    assert decision.kind == "confirm" and decision.authority_level == "county"
    # every step with actor, role, level and rule
    steps = list(Step.unscoped.filter(application=app).order_by("pk"))
    assert [s.event for s in steps] == [
        "open",
        "accept",
        "record_verification",
        "record_investigation",
        "propose",
        "start_notice",
        "end_notice",
        "confirm",
    ]
    assert steps[-1].role == "county_officer" and steps[-1].level == "county" and steps[-1].rule == "R-W24"
    # the letters: receipt, notice, confirmation — with the figures and no full identity number
    kinds = [letter.kind for letter in letters_of(app)]
    assert kinds == ["receipt", "notice", "confirmation"]
    text = pdf_text(letters_of(app, "confirmation")[0])
    assert "确认通知书" in text and str(app.proposed_total) in text and "2026年12月" in text
    with all_regions():
        numbers = [p.id_masked for p in walk.people]
    assert numbers[0] in text
    from doudi.registry.actions import reveal_id_number

    with all_regions():
        full = reveal_id_number(actor=staff["county"], person=walk.people[0])
    assert full not in text
    # the household's chain shows the result
    with all_regions():
        summaries = [e.summary for e in ChainEvent.objects.filter(household=walk.household)]
    assert any("审核确认为低保" in s for s in summaries) and any("救助类别变化" in s for s in summaries)


def test_an_objection_stops_confirmation_until_the_county_visits(walk):
    app = walk.to_notice()
    app = walk.event(app, "object", D(2026, 11, 6), text="邻居反映其子女在外地有稳定收入")
    assert app.state == "notice_objected" and app.complaint_before_confirmation
    app = walk.event(app, "reinvestigate", D(2026, 11, 9))
    app = walk.event(
        app,
        "record_investigation",
        D(2026, 11, 10),
        investigators=["朴志勇", "金美兰"],
        findings="子女未履行赡养义务，确无收入",
    )
    assert app.state == "assessed"
    app = walk.event(walk.event(app, "propose", D(2026, 11, 10)), "start_notice", D(2026, 11, 10))
    assert Notice.unscoped.filter(application=app).count() == 2
    app = walk.event(app, "end_notice", D(2026, 11, 17))
    with pytest.raises(CaseworkError, match="县级入户调查"):
        walk.event(app, "confirm", D(2026, 11, 18), who="county")
    walk.event(
        app,
        "record_investigation",
        D(2026, 11, 18),
        who="county",
        level="county",
        investigators=["县民政局张科长", "李干事"],
        findings="县级入户核实，情况属实",
    )
    app = Application.unscoped.get(pk=app.pk)
    assert app.state == "awaiting_confirmation" and app.county_visit_done
    assert walk.event(app, "confirm", D(2026, 11, 19), who="county").state == "confirmed"


def test_refusal_states_every_failed_condition_with_figures(walk):
    # the same family, now with an income far above the standard
    from doudi.registry import actions

    with all_regions():
        actions.record_household_fact(
            actor="test",
            household=walk.household,
            kind="income",
            value={"total": 240000, "months": 12},
            valid_from=D(2026, 10, 1),
            source="self_declared",
        )
    app = walk.event(walk.to_assessed(), "propose", D(2026, 11, 5), note="收入明显高于标准，综合评审分数偏高")
    assert app.proposed_category == ""
    app = walk.event(app, "start_notice", D(2026, 11, 5))
    assert app.state == "awaiting_confirmation"  # a refusal is not put on notice
    app = walk.event(app, "refuse", D(2026, 11, 9), who="county", reasons=["家庭人均收入高于当地低保标准"])
    assert app.state == "refused"
    decision = CaseDecision.unscoped.get(application=app)
    assert any(r["rule"] == "R-D1" for r in decision.reasons)
    text = pdf_text(letters_of(app, "refusal")[0])
    assert "不予确认" in text and "行政复议" in text and "60" in text and "R-D1" in text
    assert not Case.unscoped.filter(household=walk.household).exists()


def test_a_disagreeing_review_needs_a_written_reason(walk):
    from doudi.registry import actions

    with all_regions():
        actions.record_household_fact(
            actor="test",
            household=walk.household,
            kind="income",
            value={"total": 240000, "months": 12},
            valid_from=D(2026, 10, 1),
            source="self_declared",
        )
    app = walk.to_assessed()
    if app.review["needs_reason"]:
        with pytest.raises(CaseworkError, match="须书面说明理由"):
            walk.event(app, "propose", D(2026, 11, 5))
    else:  # the checklist agrees with the income test: no reason is asked
        assert walk.event(app, "propose", D(2026, 11, 5)).state == "prelim_opinion"


def test_optimistic_locking_and_the_table(walk):
    app = walk.authorize(walk.open())
    with using_scope(YANJI_T1):
        with pytest.raises(CaseworkConflict, match="已被他人更新"):
            dispatch.apply(
                walk.staff["township"], app, "accept", on=D(2026, 11, 2), expected_version=app.version - 1
            )
        with pytest.raises(CaseworkConflict, match="不能审核确认"):
            dispatch.apply(walk.staff["county"], app, "confirm", on=D(2026, 11, 2))


def test_dates_of_paper_files_are_checked(walk):
    app = walk.authorize(walk.open(on=D(2026, 11, 2)))
    with pytest.raises(CaseworkError, match="不能早于"):
        walk.event(app, "accept", D(2026, 10, 30))
    with pytest.raises(CaseworkError, match="不能晚于今天"):
        walk.event(app, "accept", D(2099, 1, 1))


def test_delegated_township_confirms_files_and_the_county_checks(walk, staff):
    from doudi.casework import decision_actions
    from doudi.policy import params_store
    from doudi.policy.models import ParameterValue

    with all_regions():
        ParameterValue.objects.create(
            key="casework.confirm_authority",
            region_code=YANJI.ljust(12, "0"),
            value="township",
            unit="enum",
            effective_from=D(2024, 1, 1),
            source="测试：授权乡镇审核确认",
        )
    params_store.clear_cache()
    app = walk.to_authority()
    app = walk.event(app, "confirm", D(2026, 11, 13))
    decision = CaseDecision.unscoped.get(application=app)
    assert decision.authority_level == "township"
    assert Deadline.unscoped.get(application=app, key="filing").done_on is None
    with using_scope(YANJI_T1):
        check = decision_actions.file_with_county(
            actor=staff["township"], decision=decision, on=D(2026, 11, 16), draw=0.0
        )
    assert check is not None and Deadline.unscoped.get(application=app, key="filing").done_on == D(
        2026, 11, 16
    )
    with pytest.raises(PermissionError):
        decision_actions.record_spot_check(
            actor=staff["township"], check=check, result="overruled", finding="x"
        )
    with using_scope(YANJI):
        decision_actions.record_spot_check(
            actor=staff["county"], check=check, result="overruled", finding="隐瞒经营收入", on=D(2026, 11, 20)
        )
    case = Case.unscoped.get(application=app)
    assert case.state == "terminated" and case.until == D(2026, 11, 20)
    with all_regions():
        assert not CategoryStatus.objects.filter(
            household=walk.household, category="DIBAO", until__isnull=True
        ).exists()
