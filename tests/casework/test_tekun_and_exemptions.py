"""R-W27 (TEKUN: the six-activity assessment sets the care level, the care agreement) and R-PUB3 (no
notice for the Jilin HIV rule or an approved exemption; the county decides the former itself)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.casework import decision_actions, intake_actions
from doudi.casework.base import CaseworkError
from doudi.casework.models import CareAgreement, Case, Notice
from doudi.core import idnumber
from doudi.core.scoping import all_regions, using_scope
from tests.casework.conftest import Walk
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def elder(staff):
    """An 84-year-old living alone, no income, no capable supporter: TEKUN (R-T1–R-T3)."""
    from doudi.registry import actions

    with all_regions():
        hh = actions.create_household(
            actor="test", household_key="H-TK", region_code=YANJI_T1, area_type="urban", since=D(2024, 1, 1)
        )
        p = actions.add_person_to_household(
            actor="test",
            household=hh,
            person_key="H-TK-1",
            name="朴老汉",
            id_number=idnumber.make("222401", D(1942, 2, 2), 401, male=True),
            relation="head",
            since=D(2024, 1, 1),
            birth_date=D(1942, 2, 2),
            sex="M",
        )
        actions.record_household_fact(
            actor="test",
            household=hh,
            kind="income",
            value={"total": 0, "months": 12},
            valid_from=D(2024, 1, 1),
            source="self_declared",
        )
        actions.record_household_fact(
            actor="test",
            household=hh,
            kind="assets",
            value={"vehicles": 0, "dwellings": 1, "financial": 0},
            valid_from=D(2024, 1, 1),
            source="self_declared",
        )
        actions.record_person_fact(
            actor="test",
            person=p,
            kind="supporter",
            value={"has_capable_supporter": False},
            valid_from=D(2024, 1, 1),
            source="self_declared",
        )
    return Walk(staff, hh, [p])


def test_adl_sets_the_tekun_care_level_and_the_agreement_is_recorded(elder):
    app = elder.authorize(elder.open())
    app = elder.event(app, "accept", D(2026, 11, 2))
    app = elder.event(app, "run_verification", D(2026, 11, 3))
    from doudi.casework import review_actions

    with using_scope(YANJI_T1):
        review_actions.record_investigation(
            actor=elder.staff["township"],
            application=app,
            investigators=["朴志勇", "金美兰"],
            findings="独居，卧床",
            on=D(2026, 11, 4),
            labour_capacity={str(elder.people[0].pk): "none"},
            adl={str(elder.people[0].pk): ["eating", "dressing", "transfer", "toileting", "walking"]},
        )
        with pytest.raises(CaseworkError, match="生活自理能力评估项目"):
            review_actions.record_investigation(
                actor=elder.staff["township"],
                application=app,
                investigators=["甲", "乙"],
                findings="x",
                on=D(2026, 11, 4),
                adl={str(elder.people[0].pk): ["juggling"]},
            )
    app = elder.event(app, "propose", D(2026, 11, 5))
    assert app.proposed_category == "TEKUN" and app.tekun_care["care_level"] == "full"
    app = elder.event(elder.event(app, "start_notice", D(2026, 11, 5)), "end_notice", D(2026, 11, 12))
    app = elder.event(app, "confirm", D(2026, 11, 13), who="county")
    case = Case.unscoped.get(household=elder.household, tier="TEKUN")
    assert case.care_level == "full" and case.support_form == "dispersed"
    with using_scope(YANJI):
        agreement = decision_actions.record_care_agreement(
            actor=elder.staff["county"],
            case=case,
            person=elder.people[0],
            carer="延吉市进学街道养老服务中心",
            care_level="full",
            signed_on=D(2026, 11, 20),
        )
    assert CareAgreement.unscoped.get(pk=agreement.pk).case == case


def test_the_hiv_rule_skips_the_notice_and_only_the_county_decides(walk):
    app = walk.to_assessed()
    with using_scope(YANJI_T1), pytest.raises(PermissionError):
        intake_actions.set_exemption(actor=walk.staff["township"], application=app, hiv=True)
    with using_scope(YANJI):
        intake_actions.set_exemption(actor=walk.staff["county"], application=app, hiv=True)
    app = walk.event(walk.event(app, "propose", D(2026, 11, 5)), "start_notice", D(2026, 11, 5))
    assert app.state == "awaiting_confirmation" and not Notice.unscoped.filter(application=app).exists()
    assert app.no_publication  # the reason is on the file
    assert walk.event(app, "confirm", D(2026, 11, 6), who="county").state == "confirmed"


def test_an_approved_exemption_keeps_the_family_off_the_notice(walk):
    app = walk.to_assessed()
    with using_scope(YANJI):
        intake_actions.set_exemption(
            actor=walk.staff["county"], application=app, reason="家庭暴力受害人，受保护令保护"
        )
    app = walk.event(walk.event(app, "propose", D(2026, 11, 5)), "start_notice", D(2026, 11, 5))
    assert app.state == "awaiting_confirmation" and app.no_publication.startswith("家庭暴力")
