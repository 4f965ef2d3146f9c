"""The demo round: drawn by 延吉市 with a fixed seed, a finding without problems, one corrected, one open;
idempotent."""

from __future__ import annotations

import pytest

from doudi.core.scoping import all_regions
from doudi.spotchecks.models import Item, Round

pytestmark = pytest.mark.django_db


def test_demo_round_with_findings(world):
    from doudi.devtools.demo_spotchecks import YANJI, seed_spotchecks
    from doudi.devtools.seed import _create_accounts

    with all_regions():
        _create_accounts()
    n = seed_spotchecks()
    assert n >= 3 and seed_spotchecks() == 0
    with all_regions():
        rnd = Round.unscoped.get(region_code=YANJI)
        states = sorted(
            Item.unscoped.filter(round=rnd).exclude(state="pending").values_list("state", flat=True)
        )
        assert Item.unscoped.filter(round=rnd).count() == n
    assert states == ["checked", "corrected", "no_correction"]
