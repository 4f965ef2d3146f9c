"""The refresh: idempotent, one transaction, paid months built once and rebuilt when their rosters change; the
command and the daily job run it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from doudi.core.scoping import all_regions
from doudi.dashboards import actions
from doudi.dashboards.models import Build, Cell

from . import world as w

pytestmark = pytest.mark.django_db


def _cells() -> list[tuple]:
    return sorted(Cell.unscoped.values_list("region_code", "topic", "month", "d1", "d2", "d3", "n", "amount"))


def test_refresh_is_idempotent(built):
    first = _cells()
    with all_regions():
        actions.refresh(today=w.TODAY)
        actions.refresh(today=w.TODAY, full=True)
    assert _cells() == first and len(first) > 10
    # the county, city and province cells are the township cells summed per region
    for grain in ("township", "county", "city", "province", "kpi"):
        assert (
            sum(Cell.unscoped.filter(grain=grain, topic="payments").values_list("amount", flat=True)) == 1500
        )
    assert Build.objects.get(key="all").as_of == w.TODAY


def test_a_closed_month_is_kept_and_rebuilt_when_its_rosters_change(built):
    from doudi.payments.models import Roster, RosterLine

    with all_regions():
        stamp = Build.objects.get(key="payments:2026-04").built_at
        actions.refresh(today=w.TODAY)
        assert Build.objects.get(key="payments:2026-04").built_at == stamp  # all rosters closed: kept
        line = RosterLine.unscoped.filter(amount=800).get()
        RosterLine.unscoped.filter(pk=line.pk).update(amount=900)
        Roster.unscoped.filter(pk=line.roster_id).update(amount=900, version=2)
        actions.refresh(today=w.TODAY)
    assert Build.objects.get(key="payments:2026-04").built_at > stamp
    assert (
        sum(Cell.unscoped.filter(topic="payments", grain="township").values_list("amount", flat=True)) == 1600
    )


def test_an_open_month_is_rebuilt_every_time(built):
    from doudi.payments.models import Roster, RosterLine

    with all_regions():
        Roster.unscoped.update(state="released")
        RosterLine.unscoped.filter(amount=700).update(amount=100)  # a line changed, the roster not
        actions.refresh(today=w.TODAY)
    assert (
        sum(Cell.unscoped.filter(topic="payments", grain="township").values_list("amount", flat=True)) == 900
    )


def test_a_failed_refresh_leaves_the_cells_as_they_were(built, monkeypatch):
    before = _cells()

    def boom(today):
        raise RuntimeError("boom")

    monkeypatch.setitem(actions.build.BUILDERS, "complaints", boom)
    with all_regions(), pytest.raises(RuntimeError):
        actions.refresh(today=w.TODAY)
    assert _cells() == before


def test_the_command_and_the_daily_job(built):
    from doudi.monitoring import schedule

    out = io.StringIO()
    call_command("dashboards", "refresh", "--date", w.TODAY.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert "people: 3" in lines and lines[-1] == f"cells: {Cell.unscoped.count()}"
    assert "zz_dashboards" in schedule._DAILY
    assert schedule._DAILY["zz_dashboards"](w.TODAY) == {"dashboard_cells": Cell.unscoped.count()}
