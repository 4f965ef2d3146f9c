"""Temporary assistance's test world: the division tree, the Jilin baseline parameters (S of 延吉市 urban is
760 yuan from July 2025), staff of 延吉 (township 进学街道, its county and city) and of 南关区, and 进学街道's
contingency fund for 2026 with 5,000 yuan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, YANBIAN, YANJI, YANJI_T1, YANJI_T2

DAY = dt.date(2026, 12, 7)  # a Monday
S = 760
OUTSIDER_ID = idnumber.make("130102", dt.date(1980, 4, 2), 17, male=True)  # 河北石家庄: another province


@dataclass
class World:
    staff: dict
    fund: object


@pytest.fixture
def baseline(regions):
    from doudi.policy import params_store
    from doudi.policy.actions import load_baseline_parameters

    load_baseline_parameters(actor="test")
    params_store.clear_cache()
    yield
    params_store.clear_cache()


@pytest.fixture
def world(baseline, make_user):
    from doudi.tempaid import fund_actions

    staff = {
        "grid": make_user("grid_worker", YANJI_T1),
        "township": make_user("township_caseworker", YANJI_T1),
        "township2": make_user("township_caseworker", YANJI_T2),
        "county": make_user("county_officer", YANJI),
        "city": make_user("city_officer", YANBIAN),
        "other_township": make_user("township_caseworker", NANGUAN_T1),
        "other_county": make_user("county_officer", NANGUAN),
    }
    with all_regions():
        fund = fund_actions.allocate(
            actor=staff["county"], township=YANJI_T1, year=2026, amount=5000, on=dt.date(2026, 1, 5)
        )
    return World(staff=staff, fund=fund)


def apply_fire(w, **kw):
    from doudi.tempaid import actions

    args = {
        "actor": w.staff["township"],
        "aid_type": "emergency",
        "event": "租住房屋夜间失火，衣物和生活用品全部烧毁",
        "event_date": DAY,
        "applicant_name": "赵立新",
        "id_number": OUTSIDER_ID,
        "hukou_place": "河北省石家庄市长安区",
        "degree": 2,
        "on": DAY,
    }
    args.update(kw)
    with all_regions():
        return actions.apply(**args)
