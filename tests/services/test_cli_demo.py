"""The command line (orders, overdue, settle, export) and the demo seed (idempotent, a settled month)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from doudi.core.scoping import all_regions
from tests.services.conftest import accepted

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("services", *args, stdout=out)
    return out.getvalue()


def test_cli(world, tmp_path):
    from doudi.services import actions

    today = timezone.localdate()
    o = accepted(world, on=today)
    with all_regions():
        v = actions.record_visit(actor=world.staff["p1"], order=o, visited_on=today, minutes=60, worker="韩")
        actions.confirm_visit(actor=world.staff["township"], visit=v, family_confirmer="本人", method="phone")
    out = run("orders", "--show", "all")
    assert o.number in out and "服务中" in out and out.strip().endswith("orders: 1")
    assert run("orders", "--as", world.staff["p2"].username).strip() == "orders: 0"
    out = run("settle", "--month", f"{today:%Y-%m}")
    assert "HT-0" in out and out.strip().endswith("total: 32.50")
    assert "missed visits:" in run("overdue")
    from doudi.services.models import Settlement

    with all_regions():
        sid = Settlement.unscoped.get(contract=world.contracts[0]).pk
    target = tmp_path / "s.xlsx"
    assert "rows:" in run("export", "--settlement", str(sid), "--out", str(target))
    assert target.read_bytes()[:2] == b"PK"


def test_demo_seed_is_idempotent(regions):
    from doudi.accounts.actions import create_user
    from doudi.devtools.demo_services import seed_services
    from doudi.devtools.seed import ACCOUNTS
    from doudi.services.models import PlannedVisit, ServiceOrder, ServiceVisit, Settlement

    with all_regions():
        for a in ACCOUNTS:
            if a.username in ("yanji", "jinxue", "grid-jinxue", "anxin", "kangning"):
                create_user(actor="test", username=a.username, password="Demo-passw0rd!", role=a.role,
                            region_code=a.region_code, display_name=a.display_name, check_password=False)  # fmt: skip
    assert seed_services() == 3
    assert seed_services() == 3
    with all_regions():
        assert ServiceOrder.unscoped.count() == 3
        states = set(ServiceVisit.unscoped.values_list("state", flat=True))
        assert states == {"confirmed", "recorded", "disputed"}
        assert Settlement.unscoped.filter(state="confirmed", total__gt=0).exists()
        from doudi.services.deadline_actions import missed_plans

        assert missed_plans(timezone.localdate()).exists()
        assert PlannedVisit.unscoped.exists()
