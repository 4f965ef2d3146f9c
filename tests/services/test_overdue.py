"""The daily pass: an order not accepted by its working-day deadline and a planned visit passed with no
visit are raised to the township once (notification, audit), and the township's lists show them."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.services.conftest import DAY, accepted, order_for

pytestmark = pytest.mark.django_db


def test_late_acceptance_and_missed_visits_are_raised_once(world):
    from doudi.monitoring.models import Notification
    from doudi.services import actions, deadline_actions, queries

    late = order_for(world, person="pupil", service="visit")  # due 2026-12-10 (three working days)
    served = accepted(world)  # plans 12-07, 12-10, 12-14, …
    with all_regions():
        actions.record_visit(actor=world.staff["p1"], order=served, visited_on=DAY, minutes=60, worker="韩",
                             on=DAY)  # fmt: skip
        assert deadline_actions.raise_overdue(today=dt.date(2026, 12, 10)) == {
            "services_late_orders": 0, "services_missed_visits": 0}  # fmt: skip
        got = deadline_actions.raise_overdue(today=dt.date(2026, 12, 11))
        assert got == {"services_late_orders": 1, "services_missed_visits": 1}  # 12-10 planned, not visited
        assert deadline_actions.raise_overdue(today=dt.date(2026, 12, 11)) == {
            "services_late_orders": 0, "services_missed_visits": 0}  # fmt: skip
        notes = list(Notification.objects.filter(user=world.staff["township"]).values_list("text", flat=True))
        assert any("1个工单超期未接单" in n and "1次计划服务未按期上门" in n for n in notes)
        assert not Notification.objects.filter(user=world.staff["township2"], text__contains="逾期").exists()
    with all_regions():
        overdue = {
            o.pk for o in queries.orders(world.staff["township"], "overdue", today=dt.date(2026, 12, 11))
        }
        assert overdue == {late.pk, served.pk}
        rows = queries.rows(queries.orders(world.staff["township"], "all"), today=dt.date(2026, 12, 11))
        by = {r["o"].pk: r for r in rows}
        assert by[late.pk]["deadline"]["status"] == "overdue" and by[late.pk]["deadline"]["overdue_days"] == 1
        assert by[served.pk]["missed"] == 1


def test_the_daily_job_runs_the_services_pass(world):
    from doudi.monitoring import schedule

    order_for(world)
    assert "services" in schedule._DAILY
    with all_regions():
        assert schedule._DAILY["services"](dt.date(2026, 12, 14))["services_late_orders"] == 1
