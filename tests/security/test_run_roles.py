"""Only the roles that may start reassessment and what-if runs can: not the auditor, not the grid worker."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from doudi.policy import run_actions
from doudi.policy.models import PolicyRun
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "region"), [("auditor", YANJI), ("grid_worker", YANJI_T1)])
def test_read_only_roles_cannot_start_runs(client, make_user, households, role, region):
    user = make_user(role, region)
    client.force_login(user)
    response = client.post("/policy/runs/reassess/", {"region": region, "as_of": "2025-01-31"})
    assert response.status_code == 403
    response = client.post("/policy/runs/simulate/", {"region": region, "as_of": "2025-01-31"})
    assert response.status_code == 403
    with all_regions(), pytest.raises(PermissionError):
        run_actions.create_run(
            actor=user, kind="reassessment", region_code=region, as_of=dt.date(2025, 1, 31)
        )
    assert not PolicyRun.unscoped.exists()


def test_an_auditor_still_sees_the_runs_page(client, make_user, households):
    client.force_login(make_user("auditor", YANJI))
    assert client.get("/policy/runs/").status_code == 200


def test_a_county_officer_starts_a_run(make_user, households):
    user = make_user("county_officer", YANJI)
    with all_regions():
        run = run_actions.create_run(
            actor=user, kind="reassessment", region_code=YANJI, as_of=dt.date(2025, 1, 31)
        )
    assert run.pk
