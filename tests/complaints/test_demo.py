"""The demo complaints: every state, an escalated one, a sensitive report, an appeal; idempotent."""

from __future__ import annotations

import pytest

from doudi.complaints import rules
from doudi.complaints.models import Complaint
from doudi.core.scoping import all_regions

pytestmark = pytest.mark.django_db


def test_demo_complaints_in_every_state(people):
    from doudi.devtools.demo_complaints import seed_complaints
    from doudi.devtools.seed import _create_accounts

    with all_regions():
        _create_accounts()
    assert seed_complaints() == 12
    assert seed_complaints() == 0
    with all_regions():
        states = set(Complaint.unscoped.values_list("state", flat=True))
        assert states == set(rules.STATES)
        assert Complaint.unscoped.exclude(escalated_level="").exists()
        assert Complaint.unscoped.filter(sensitive=True, handler_level="county").exists()
        assert Complaint.unscoped.filter(appeal_of__isnull=False).exists()
