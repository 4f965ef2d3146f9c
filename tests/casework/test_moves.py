# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""Moves (R-W37): within a county the case changes township keeping its history; across counties the
old case is paid up to the month the receiving county confirms the new case, the new case from the
next month — no gap, no double month; only the receiving county confirms."""

from __future__ import annotations

import pytest

from doudi.casework.base import CaseworkError
from doudi.casework.models import Case, CaseDecision, CaseMove
from doudi.casework.move_actions import confirm_move, request_move
from doudi.core.scoping import all_regions
from tests.casework.life_helpers import D, case  # noqa: F401
from tests.conftest import NANGUAN_T1, YANJI_T1, YANJI_T2

pytestmark = pytest.mark.django_db


def test_move_within_the_county_keeps_the_case(case, staff):
    move = request_move(actor=staff["township"], case=case, to_region=YANJI_T2, on=D(2026, 12, 2))
    with all_regions():
        c = Case.unscoped.get(pk=case.pk)
        decisions = list(CaseDecision.unscoped.filter(case=case).values_list("kind", flat=True))
    assert move.state == "done" and move.within_county and move.new_case_id == case.pk
    assert c.region_code == YANJI_T2 and c.state == "active" and c.pay_until is None
    assert decisions == ["confirm", "move"]


def test_move_across_counties_has_no_gap_and_no_double_month(case, staff, make_user):
    move = request_move(actor=staff["township"], case=case, to_region=NANGUAN_T1, on=D(2026, 12, 2))
    assert move.state == "requested" and not move.within_county
    with pytest.raises(PermissionError):
        confirm_move(actor=staff["county"], move=move, on=D(2026, 12, 3))  # the sending county
    new = confirm_move(actor=staff["other_county"], move=move, on=D(2026, 12, 4))
    with all_regions():
        old = Case.unscoped.get(pk=case.pk)
        assert CaseMove.unscoped.get(pk=move.pk).state == "done"
    assert old.state == "terminated" and old.pay_until == D(2026, 12, 1)
    assert new.region_code == NANGUAN_T1 and new.pay_from == D(2027, 1, 1) and new.tier == old.tier
    assert new.monthly_total == case.monthly_total


def test_move_to_the_same_or_an_unknown_place_is_refused(case, staff):
    with pytest.raises(CaseworkError):
        request_move(actor=staff["township"], case=case, to_region=YANJI_T1, on=D(2026, 12, 2))
    with pytest.raises(CaseworkError):
        request_move(actor=staff["township"], case=case, to_region="2224", on=D(2026, 12, 2))


def test_pages_name_the_regions_of_a_move(case, staff, client):
    request_move(actor=staff["township"], case=case, to_region=NANGUAN_T1, on=D(2026, 12, 2))
    client.force_login(staff["township"])
    page = client.get(f"/casework/cases/{case.pk}/").content.decode()
    assert "南岭街道" in page and NANGUAN_T1 not in page
    client.force_login(staff["other_county"])
    work = client.get("/casework/cases/").content.decode()
    assert "南岭街道" in work and "进学街道" in work and NANGUAN_T1 not in work
