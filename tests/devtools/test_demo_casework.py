"""The demo applications (``doudi demo seed``'s casework step): every state of the state machine, some
deadlines overdue and some due within two working days, letters issued, delegated confirmations filed
and spot-checked — through the real actions by the demo users; a second run adds nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from doudi.casework import clock, queries, states
from doudi.casework.models import Application, CaseDecision, Deadline, SpotCheck, Step
from doudi.core.scoping import all_regions
from doudi.devtools import demo_casework, seed
from doudi.letters.models import Letter
from tests.casework.conftest import make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(regions):
    from doudi.policy.actions import load_baseline_parameters

    with all_regions():
        load_baseline_parameters(actor="test")
        seed._create_accounts()
        for i in range(len(demo_casework.SCENARIOS) + 5):
            make_family(f"DEMO-T{i:03d}", demo_casework.TOWNSHIP)


def test_every_state_once_and_only_once(demo):
    today = timezone.localdate()
    with all_regions():
        report = demo_casework.seed_casework(today=today)
        assert not report.skipped and set(report.by_state) == set(states.STATES)
        found = Counter(Application.unscoped.values_list("state", flat=True))
        assert set(found) == set(states.STATES) and sum(found.values()) == report.applications
        # the demo users did the work, with past dates
        actors = set(Step.unscoped.exclude(actor=None).values_list("actor__username", flat=True))
        assert {"jinxue", "yanji", "grid-jinxue"} <= actors
        assert Step.unscoped.filter(on__lt=today).exists()
        # deadlines: some overdue today, some due within two working days
        statuses = Counter(
            clock.status(d.due, d.done_on, today) for d in Deadline.unscoped.filter(done_on__isnull=True)
        )
        assert statuses["overdue"] >= 3 and statuses["due_soon"] >= 2
        # letters along the way
        kinds = set(Letter.unscoped.filter(ref_type="casework.application").values_list("kind", flat=True))
        assert {"receipt", "notice", "confirmation", "refusal", "materials", "not_accepted"} <= kinds
        # delegated confirmations filed with the county, which spot-checks them (one done, one open)
        assert CaseDecision.unscoped.filter(authority_level="township", kind="confirm").count() == 3
        assert SpotCheck.unscoped.count() == report.spot_checks == 2
        assert SpotCheck.unscoped.filter(result="upheld").count() == 1
        # the township's public board has running notices
        assert len(queries.public_notices(demo_casework.TOWNSHIP)) >= 3
        # idempotent
        again = demo_casework.seed_casework(today=today)
        assert again.skipped and again.applications == 0
        assert Application.unscoped.count() == report.applications


def test_without_the_demo_users_nothing_is_walked(regions):
    with all_regions():
        assert demo_casework.seed_casework().skipped
        assert not Application.unscoped.exists()
