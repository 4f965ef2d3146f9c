"""Spot checks' test world: closed warnings, refused applications and open cases in 延吉市 (two townships) and
南关区, and the officers who draw and check."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import CHANGCHUN, NANGUAN, NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1, YANJI_T2

DAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def people(make_user):
    return {
        "county": make_user("county_officer", YANJI),
        "county2": make_user("county_officer", YANJI),
        "nanguan": make_user("county_officer", NANGUAN),
        "city": make_user("city_officer", YANBIAN),
        "changchun": make_user("city_officer", CHANGCHUN),
        "province": make_user("province_officer", PROVINCE),
        "auditor": make_user("auditor", YANBIAN),
        "township": make_user("township_caseworker", YANJI_T1),
    }


@pytest.fixture
def world(households):
    """60 closed warnings in 延吉 (40 + 20 by township), 20 in 南关区, 3 open ones; 延吉: 2 refused
    applications in 2026 and one in 2025, one open DIBAO case per household."""
    from doudi.casework.models import Application, Case
    from doudi.monitoring.models import EarlyWarning

    def warning(n, town, closed=True):
        return EarlyWarning(
            region_code=town, indicator="W-ILL", level="yellow", status="closed" if closed else "assigned",
            is_open=not closed, dedupe_key=f"W-ILL:t{n}", raised_on=dt.date(2026, 3, 1),
            deadline=dt.date(2026, 3, 20), closed_on=dt.date(2026, 3, 10) if closed else None,
        )  # fmt: skip

    rows = [warning(i, YANJI_T1) for i in range(40)] + [warning(100 + i, YANJI_T2) for i in range(20)]
    rows += [warning(200 + i, NANGUAN_T1) for i in range(20)] + [
        warning(300 + i, YANJI_T1, False) for i in range(3)
    ]
    yj1, yj2, ng1 = households["H-YJ1"], households["H-YJ2"], households["H-NG1"]
    with all_regions():
        EarlyWarning.unscoped.bulk_create(rows)
        for n, (hh, decided) in enumerate([(yj1, dt.date(2026, 5, 1)), (yj2, dt.date(2026, 6, 1)),
                                           (yj1, dt.date(2025, 6, 1)), (ng1, dt.date(2026, 6, 1))]):  # fmt: skip
            Application.unscoped.create(
                number=f"SQ-TEST-{n}", household=hh, applicant_name="申请人", channel="window", state="refused",
                received_on=decided - dt.timedelta(days=30), decided_on=decided, region_code=hh.region_code,
            )  # fmt: skip
        for hh in (yj1, yj2, ng1):
            Case.unscoped.create(
                household=hh, tier="DIBAO", since=dt.date(2025, 1, 1), region_code=hh.region_code
            )
    return {"warnings": len(rows)}


def draw(actor, **kw):
    from doudi.spotchecks import actions

    args = {"actor": actor, "year": 2026, "seed": 42, "on": DAY}
    args.update(kw)
    with all_regions():
        return actions.draw_round(**args)


def items(rnd):
    from doudi.spotchecks.models import Item

    with all_regions():
        return list(Item.unscoped.filter(round=rnd).order_by("kind", "subject_id"))
