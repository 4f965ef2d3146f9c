"""The demo step of temporary assistance: both types, a pay-first case completed afterwards, one still due,
one overdue, a 一事一议 case approved by the county, through the demo users' own actions; idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from doudi.devtools import demo_tempaid, seed
from doudi.payments.models import RosterLine
from doudi.tempaid import queries
from doudi.tempaid.models import ContingencyFund, Deliberation, TempAidCase

pytestmark = pytest.mark.django_db


def test_demo_cases(regions):
    from doudi.policy.actions import load_baseline_parameters

    today = timezone.localdate()
    with all_regions():
        load_baseline_parameters(actor="test")
        seed._create_accounts()
        report = demo_tempaid.seed_tempaid(today=today)
        assert report.cases == 5 and not report.skipped
        cases = TempAidCase.unscoped.all()
        assert {c.aid_type for c in cases} == {"emergency", "expenditure"}
        states = sorted(c.state for c in cases)
        assert states.count("approved") == 3 and states.count("paid_first") == 2
        fire = cases.get(applicant_name="赵立新")
        assert fire.hukou_place.startswith("河北") and fire.paid_first_on == fire.accepted_on
        assert fire.state == "approved" and fire.backfill_done_on
        assert Deliberation.unscoped.filter(decision="pay").exists()
        assert cases.get(authority="deliberation").state == "approved"
        overdue = list(queries.cases("overdue", today=today))
        assert [c.applicant_name for c in overdue] == ["钱志刚"]
        assert ContingencyFund.unscoped.get(region_code=demo_tempaid.TOWNSHIP, year=today.year).balance >= 0
        assert RosterLine.unscoped.filter(programme="TEMP", status="paid").count() == 3
        assert demo_tempaid.seed_tempaid(today=today).skipped


def test_local_demo_families_link_to_their_households(households):
    from doudi.policy.actions import load_baseline_parameters

    today = timezone.localdate()
    with all_regions():
        load_baseline_parameters(actor="test")
        seed._create_accounts()
        demo_tempaid.seed_tempaid(today=today)
        local = TempAidCase.unscoped.filter(aid_type="expenditure")
        # the one registered head of 进学街道 in the fixture applies as herself; the other family is synthetic
        assert "H-YJ1" in {c.household.household_key for c in local}
        outsiders = TempAidCase.unscoped.filter(aid_type="emergency")
        assert all(c.household.household_key.startswith("LS-") for c in outsiders)
