"""The demo is spread over counties and months (issue 14 item 8): every dashboard chart and the ranking among peer
counties show real work — applications, warnings, roster payments and complaints in at least four counties of at
least two cities over at least six months, complaints in every state, exits and transitions, needs answered by
several departments, spot-check findings in two counties, differences between counties — and a second seed
adds nothing."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.utils import timezone

from doudi.casework.models import Application, CaseDecision, Deadline
from doudi.complaints import rules as complaint_rules
from doudi.complaints.models import Complaint
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.devtools import seed
from doudi.exchange.models import Batch
from doudi.monitoring.models import Disposition, EarlyWarning, NeedPush, PotentialCase
from doudi.payments.models import Roster, RosterLine
from doudi.spotchecks.models import Item, Round
from tests.monitoring_scan.demo_checks import check_the_townships_have_warnings_to_work_on

pytestmark = pytest.mark.django_db


def _months_by_county(rows) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for region, day in rows:
        out[region[:6]].add(f"{day:%Y-%m}")
    return out


def _spread(rows) -> dict[str, set[str]]:
    """The counties with activity in at least six distinct months."""
    return {county: months for county, months in _months_by_county(rows).items() if len(months) >= 6}


def _counts() -> dict[str, int]:
    tables = (Application, CaseDecision, EarlyWarning, Disposition, NeedPush, Roster, RosterLine, Complaint)
    tables += (Batch, PotentialCase)
    with all_regions():
        out = {m.__name__: m.unscoped.count() for m in (*tables, Item)}
        return {**out, "audit": AuditEvent.objects.count()}


@pytest.fixture
def demo(regions):
    from doudi.policy.actions import load_baseline_parameters

    with all_regions():
        load_baseline_parameters(actor="test")
    seed.seed_demo(households=250, seed=2024)


def test_demo_activity_is_spread_over_counties_and_months_and_seeds_once(demo):
    today = timezone.localdate()
    with all_regions():
        paid = RosterLine.unscoped.filter(programme__in=["DIBAO", "TEKUN"])
        spreads = {
            "applications": _spread(Application.unscoped.values_list("region_code", "received_on")),
            "warnings": _spread(EarlyWarning.unscoped.values_list("region_code", "raised_on")),
            "roster payments": _spread(paid.values_list("region_code", "month")),
            "complaints": _spread(Complaint.unscoped.values_list("region_code", "received_on")),
        }
        for what, counties in spreads.items():
            assert len(counties) >= 4, (what, counties)
            assert len({c[:4] for c in counties}) >= 2, (what, counties)  # cities

        # complaints in every state, in several counties, some answered after their time limit
        assert set(Complaint.unscoped.values_list("state", flat=True)) == set(complaint_rules.STATES)
        states_by_county: dict[str, set[str]] = defaultdict(set)
        for region, state in Complaint.unscoped.values_list("region_code", "state"):
            states_by_county[region[:6]].add(state)
        assert len([c for c, states in states_by_county.items() if len(states) >= 3]) >= 4
        closed = Complaint.unscoped.filter(state="closed", closed_on__isnull=False)
        assert len({c[:6] for c in closed.values_list("region_code", flat=True)}) >= 4
        late = [c for c in closed if c.closed_on > c.resolve_due]
        assert "220122" in {c.region_code[:6] for c in late}  # 农安县 answers late

        # applications decided on time and late, refused; exits and category transitions
        decisions = CaseDecision.unscoped.values_list("region_code", "kind")
        kinds_by_county: dict[str, set[str]] = defaultdict(set)
        for region, kind in decisions:
            kinds_by_county[region[:6]].add(kind)
        assert sum("confirm" in k and "refuse" in k for k in kinds_by_county.values()) >= 4
        exits = {c for c, k in kinds_by_county.items() if k & {"terminate", "transition"}}
        assert exits >= {"220102", "220802"}
        done = Deadline.unscoped.filter(key="confirm", done_on__isnull=False)
        late_share = {
            county: sum(d.done_on > d.due for d in done if d.region_code.startswith(county))
            / max(1, sum(1 for d in done if d.region_code.startswith(county)))
            for county in ("220122", "220102")
        }
        assert late_share["220122"] > late_share["220102"]  # 农安县 is slower on confirmations

        # warnings verified on time and late, some still overdue, with several dispositions
        verified = EarlyWarning.unscoped.filter(verified_on__isnull=False)
        assert any(w.verified_on <= w.deadline for w in verified)
        assert any(w.verified_on > w.deadline for w in verified)
        overdue = EarlyWarning.unscoped.filter(is_open=True, verified_on__isnull=True, deadline__lt=today)
        by_county = defaultdict(int)
        for region in overdue.values_list("region_code", flat=True):
            by_county[region[:6]] += 1
        assert by_county["220802"] > by_county["220102"]  # 洮北区 leaves verifications overdue
        assert len(set(Disposition.unscoped.values_list("kind", flat=True))) >= 3

        # needs answered by several departments in several counties
        answered = NeedPush.unscoped.exclude(responded_by=None).values_list("region_code", "department")
        assert len({d for _, d in answered}) >= 3 and len({r[:6] for r, _ in answered}) >= 3

        # spot-check rounds with findings in at least two counties
        problems = Item.unscoped.filter(result="problem").values_list("region_code", flat=True)
        assert len({r[:6] for r in problems}) >= 2
        assert Round.unscoped.count() >= 3

        # the dashboards and this year's ranking show the four counties' work (built at the end of the seed)
        from doudi.dashboards.models import Cell
        from doudi.evaluation.models import Row

        county_cells = Cell.unscoped.filter(grain="county", n__gt=0).values_list("region_code", "topic")
        topics_by_county: dict[str, set[str]] = defaultdict(set)
        for region, topic in county_cells:
            topics_by_county[region[:6]].add(topic)
        assert all(len(topics_by_county[c]) >= 5 for c in ("222401", "220102", "220122", "220802")), (
            topics_by_county
        )
        scored = Row.unscoped.filter(run__year=today.year, score__isnull=False, level="county")
        assert {r[:6] for r in scored.values_list("region_code", flat=True)} >= {
            "222401",
            "220102",
            "220122",
            "220802",
        }
        assert len(set(scored.values_list("score", flat=True))) >= 3  # the counties differ

    check_the_townships_have_warnings_to_work_on()
    first = _counts()
    assert first["PotentialCase"] >= 3
    seed.seed_demo(households=250, seed=2024)
    assert _counts() == first
