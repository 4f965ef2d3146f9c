"""Drawing a round: reproducible from the seed, the share and the minimum, the region subtree, no repeats."""

from __future__ import annotations

import pytest

from doudi.spotchecks import rules
from tests.conftest import NANGUAN, PROVINCE, YANJI
from tests.spotchecks.conftest import draw, items

pytestmark = pytest.mark.django_db


def _ids(rnd, kind="warning"):
    return [i.subject_id for i in items(rnd) if i.kind == kind]


def test_sample_size_share_minimum_and_cap():
    assert rules.sample_size(60, 0.05, 3) == 3
    assert rules.sample_size(60, 0.25, 3) == 15
    assert rules.sample_size(61, 0.05, 0) == 4  # ceil
    assert rules.sample_size(60, 0.05, 10) == 10
    assert rules.sample_size(2, 0.05, 3) == 2  # never more than the population
    assert rules.sample_size(0, 0.5, 3) == 0
    assert rules.draw(list(range(50)), 0.2, 0, 7) == rules.draw(list(reversed(range(50))), 0.2, 0, 7)


def test_same_seed_same_sample_other_seed_other_sample(world, people):
    a = draw(people["county"], kinds=["warning"], share=0.1)
    b = draw(people["county"], kinds=["warning"], share=0.1)
    c = draw(people["county"], kinds=["warning"], share=0.1, seed=43)
    assert a.seed == b.seed == 42
    assert _ids(a) == _ids(b) and len(_ids(a)) == 6
    assert _ids(c) != _ids(a)


def test_share_and_minimum_from_params_and_overrides(world, people):
    rnd = draw(people["county"])  # defaults: warnings 5 %, refusals 10 %, cases 5 %, at least 3 each
    got = {k: len(_ids(rnd, k)) for k in rules.KINDS}
    assert rnd.population == {"case": 2, "refusal": 2, "warning": 60}
    assert got == {"case": 2, "refusal": 2, "warning": 3}
    assert rnd.shares == {"case": "0.05", "refusal": "0.1", "warning": "0.05"} and rnd.min_count == 3
    assert len(_ids(draw(people["county"], kinds=["warning"], share=0.25))) == 15
    assert len(_ids(draw(people["county"], kinds=["warning"], min_count=10))) == 10


def test_county_city_and_province_draw_in_their_own_subtree(world, people):
    county = draw(people["county"], kinds=["warning", "refusal"], share=1)
    assert len(_ids(county)) == 60 and all(i.region_code.startswith("222401") for i in items(county))
    assert sorted(i.subject_ref for i in items(county) if i.kind == "refusal") == ["SQ-TEST-0", "SQ-TEST-1"]
    assert county.region_code == YANJI and county.level == "county"
    city = draw(people["city"], kinds=["warning"], share=1)
    assert len(_ids(city)) == 60 and city.level == "city"
    province = draw(people["province"], kinds=["warning"], share=1)
    assert len(_ids(province)) == 80 and province.region_code == PROVINCE
    nanguan = draw(people["nanguan"], kinds=["warning"], share=1)
    assert len(_ids(nanguan)) == 20 and all(i.region_code.startswith("220102") for i in items(nanguan))


def test_no_drawing_outside_the_own_region_or_below_the_county(world, people):
    from doudi.spotchecks.actions import SpotCheckError

    with pytest.raises(SpotCheckError):
        draw(people["county"], region_code=NANGUAN)
    with pytest.raises(SpotCheckError):
        draw(people["township"])
    with pytest.raises(PermissionError):
        draw(people["auditor"], region_code="222400000000")


def test_never_the_same_subject_twice_in_a_round(world, people):
    rnd = draw(people["province"], share=1)
    keys = [(i.kind, i.subject_id) for i in items(rnd)]
    assert len(keys) == len(set(keys)) == 80 + 3 + 3  # warnings, refusals of 2026, open cases


def test_draw_is_audited_with_the_seed_and_history(world, people):
    from doudi.core.audit_actions import AuditAction
    from doudi.core.models import AuditEvent
    from doudi.spotchecks.models import Step

    rnd = draw(people["county"], kinds=["warning"])
    ev = AuditEvent.unscoped.get(action=AuditAction.SPOTCHECK_DRAW, subject_id=str(rnd.pk))
    assert ev.after["seed"] == 42 and ev.after["drawn"] == 3
    assert AuditAction.SPOTCHECK_DRAW.label == "抽取抽查样本"
    assert Step.unscoped.get(round=rnd).note == "已办结预警60件抽3件"
