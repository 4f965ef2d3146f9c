"""One-off payments (R-PAY9): a region-wide decision with a rule and a selection, two persons, applied
set-based as lines (origin oneoff) on draft rosters; re-applying adds nothing."""

from __future__ import annotations

import pytest

from doudi.core.scoping import all_regions
from doudi.payments import oneoff_actions as one
from doudi.payments.base import PaymentsConflict, PaymentsError
from doudi.payments.models import Roster, RosterLine
from tests.payments import bank_fixtures
from tests.payments.bank_fixtures import DEC

world = bank_fixtures.world
pytestmark = pytest.mark.django_db


def _propose(w, **kw):
    args = {
        "actor": w.staff["county"],
        "title": "2027年春节一次性生活补贴",
        "rule": "延市民发〔2026〕12号",
        "month": DEC,
        "programme": "DIBAO",
        "amount": 200,
        "selection": {"tiers": ["DIBAO"]},
    }
    args.update(kw)
    return one.propose(**args)


def test_two_persons_then_lines_on_the_draft_rosters_once(world):
    w = world
    with all_regions():
        d = _propose(w)
        assert d.selection == {"tiers": ["DIBAO"], "area_type": "", "region_prefix": "222401"}
        with pytest.raises(PaymentsConflict):
            one.apply(actor=w.staff["county2"], decision=d)
        with pytest.raises(PaymentsError, match="另一人"):
            one.approve(actor=w.staff["county"], decision=d)
        with pytest.raises(PaymentsError):
            one.approve(actor=w.staff["other_county"], decision=d)
        d = one.approve(actor=w.staff["county2"], decision=d)
        assert one.apply(actor=w.staff["county2"], decision=d) == 2  # the two 延吉 households, not 南关
        lines = RosterLine.unscoped.filter(oneoff=d)
        assert {(x.line, x.rule, x.amount, x.origin) for x in lines} == {
            ("oneoff", "延市民发〔2026〕12号", 200, "oneoff")
        }
        assert {x.roster_id for x in lines} == {w.rosters["yanji"].pk}
        assert one.apply(actor=w.staff["county2"], decision=d) == 0


def test_per_person_and_a_locked_roster_gets_a_supplementary_one(world):
    w = world
    from doudi.payments import roster_actions

    with all_regions():
        roster_actions.lock(actor=w.staff["township"], roster=w.rosters["yanji"])
        d = _propose(w, per_person=True, selection={"tiers": ["DIBAO"], "region_prefix": "222401001"})
        d = one.approve(actor=w.staff["county2"], decision=d)
        assert one.apply(actor=w.staff["county2"], decision=d) == 1
        line = RosterLine.unscoped.get(oneoff=d)
        assert line.amount == 400 and line.members == 2  # H-YJ1 has two members
        assert line.roster.kind == Roster.Kind.SUPPLEMENTARY and line.roster.state == "draft"


def test_selection_checks(world):
    w = world
    with all_regions():
        with pytest.raises(PaymentsError):
            _propose(w, selection={"tiers": []})
        with pytest.raises(PaymentsError):
            _propose(w, selection={"tiers": ["DIBAO"], "region_prefix": "220102"})
        with pytest.raises(PaymentsError):
            _propose(w, actor=w.staff["township"])
