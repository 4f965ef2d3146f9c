"""Shared fixtures: the division tree, users of every role, and a few households in two townships
of different counties (延吉市 in 延边州 and 南关区 in 长春市)."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("DOUDI_DATA_DIR", os.path.abspath("var/test"))

import pytest
from hypothesis import HealthCheck, settings

from doudi.core import idnumber
from doudi.core.scoping import all_regions

# Property tests check behaviour, not time: a loaded CI machine must not turn a slow example into a failure.
settings.register_profile("doudi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("doudi")

# Two real townships in different counties and cities.
YANJI = "222401000000"  # 延吉市
YANJI_T1 = "222401001000"  # 延吉市 进学街道
YANJI_T2 = "222401002000"  # 延吉市 北山街道
NANGUAN = "220102000000"  # 长春市 南关区
NANGUAN_T1 = "220102001000"  # 南关区 南岭街道
YANBIAN = "222400000000"
CHANGCHUN = "220100000000"
PROVINCE = "220000000000"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_anchors(settings, tmp_path_factory):
    """Each test's database starts a new audit chain: its anchors go to a file of its own."""
    settings.DOUDI_AUDIT_ANCHORS = tmp_path_factory.mktemp("anchors") / "audit-anchors.log"


@pytest.fixture
def regions(db):
    from doudi.regions.actions import load_divisions

    with all_regions():
        load_divisions()


@pytest.fixture
def make_user(regions):
    from doudi.accounts.actions import create_user

    counter = {"n": 0}

    def make(role: str, region_code: str, department: str = "", username: str | None = None):
        counter["n"] += 1
        with all_regions():
            return create_user(
                actor="test",
                username=username or f"{role}-{counter['n']}",
                password="Test-passw0rd!",
                role=role,
                region_code=region_code,
                department=department,
                check_password=False,
            )

    return make


@pytest.fixture
def households(regions):
    """Three households: two in 延吉 (two townships), one in 南关区. Returns a dict by household_key."""
    from doudi.registry import actions

    out = {}
    specs = [
        (
            "H-YJ1",
            YANJI_T1,
            "urban",
            [
                ("P-YJ1-1", "金明哲", "222401", dt.date(1950, 3, 1), True, "head"),
                ("P-YJ1-2", "朴英子", "222401", dt.date(1952, 7, 9), False, "spouse"),
            ],
        ),
        ("H-YJ2", YANJI_T2, "urban", [("P-YJ2-1", "李春花", "222401", dt.date(1985, 5, 20), False, "head")]),
        ("H-NG1", NANGUAN_T1, "urban", [("P-NG1-1", "王建国", "220102", dt.date(1960, 1, 15), True, "head")]),
    ]
    with all_regions():
        for key, region, area, members in specs:
            hh = actions.create_household(
                actor="test", household_key=key, region_code=region, area_type=area, since=dt.date(2024, 1, 1)
            )
            for i, (pkey, name, r6, born, male, rel) in enumerate(members):
                person = actions.add_person_to_household(
                    actor="test",
                    household=hh,
                    person_key=pkey,
                    name=name,
                    id_number=idnumber.make(r6, born, 100 + i, male=male),
                    relation=rel,
                    since=dt.date(2024, 1, 1),
                )
                actions.set_category(
                    actor="test", person=person, category="DIBAO", since=dt.date(2024, 3, 1), source="roster"
                )
            out[key] = hh
    return out
