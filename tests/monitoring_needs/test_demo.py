"""The demo seed gives the department users of 延吉市 a queue: needs pushed by rule, answered and overdue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions, using_scope


@pytest.mark.django_db(transaction=False)
def test_demo_department_queues(regions):
    from django.core.management import call_command

    from doudi.accounts.models import User
    from doudi.devtools import seed
    from doudi.devtools.demo_needs import DEPARTMENT_USERS
    from doudi.monitoring.models import NeedPush
    from doudi.monitoring.needs import queries

    call_command("init", stdout=open("/dev/null", "w"))  # noqa: SIM115
    report = seed.seed_demo(households=60, seed=7)
    assert report.needs is not None and report.needs.pushed > 0
    with all_regions():
        assert NeedPush.unscoped.filter(source="rule").exists()
        answered = NeedPush.unscoped.filter(source="rule", status__in=["given", "declined", "accepted"])
        assert answered.filter(status="declined").exclude(feedback="").exists()
    today = timezone.localdate()
    counts = {}
    for username, _dept in DEPARTMENT_USERS:
        user = User.objects.get(username=username)
        with using_scope(user.region_id):
            counts[username] = queries.tab_counts(user, today)
    assert sum(c["overdue"] for c in counts.values()) > 0
    assert sum(c["given"] for c in counts.values()) > 0
    again = seed.seed_demo(households=60, seed=7)
    assert again.needs is not None and again.needs.pushed == 0 and again.needs.answered == {}
