"""A family applying at the window of 进学街道 (延吉市): not yet in any category, low income, no assets;
the staff of the township, the county and a grid worker; the baseline parameters loaded."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions, using_scope
from tests.conftest import NANGUAN, NANGUAN_T1, YANJI, YANJI_T1

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Parameters and the holiday overrides are cached per process; a test's rows roll back, the cache
    would not."""
    from doudi.core import workdays
    from doudi.policy import params_store

    params_store.clear_cache()
    workdays.clear_cache()
    yield
    params_store.clear_cache()
    workdays.clear_cache()


@pytest.fixture
def staff(make_user, regions):
    from doudi.policy.actions import load_baseline_parameters

    with all_regions():
        load_baseline_parameters(actor="test")
    return {
        "township": make_user("township_caseworker", YANJI_T1),
        "county": make_user("county_officer", YANJI),
        "grid": make_user("grid_worker", YANJI_T1),
        "other_township": make_user("township_caseworker", NANGUAN_T1),
        "other_county": make_user("county_officer", NANGUAN),
    }


def make_family(
    key: str = "H-APPLY", region: str = YANJI_T1, *, income_total: int = 3600, r6: str = "222401"
):
    """A two-person urban household (head 70, spouse 68) with the income and assets it declared."""
    from doudi.registry import actions

    hh = actions.create_household(
        actor="test", household_key=key, region_code=region, area_type="urban", since=D(2024, 1, 1)
    )
    people = []
    for i, (name, born, male, rel) in enumerate(
        [("崔永浩", D(1956, 4, 2), True, "head"), ("韩顺姬", D(1958, 9, 12), False, "spouse")]
    ):
        people.append(
            actions.add_person_to_household(
                actor="test",
                household=hh,
                person_key=f"{key}-{i + 1}",
                name=name,
                id_number=idnumber.make(r6, born, 300 + i, male=male),
                relation=rel,
                since=D(2024, 1, 1),
                birth_date=born,
                sex="M" if male else "F",
            )
        )
    actions.record_household_fact(
        actor="test",
        household=hh,
        kind="income",
        value={"total": income_total, "months": 12},
        valid_from=D(2024, 1, 1),
        source="self_declared",
    )
    actions.record_household_fact(
        actor="test",
        household=hh,
        kind="assets",
        value={"vehicles": 0, "dwellings": 1, "financial": 2000},
        valid_from=D(2024, 1, 1),
        source="self_declared",
    )
    return hh, people


@pytest.fixture
def family(staff):
    with all_regions():
        return make_family()


class Walk:
    """Moves one application along with the township's, the county's and the grid worker's hands."""

    def __init__(self, staff, household, people):
        self.staff, self.household, self.people = staff, household, people

    def open(self, on=None, **kw):
        from doudi.casework import intake_actions

        with using_scope(YANJI_T1):
            return intake_actions.open_application(
                actor=self.staff["township"],
                household=self.household,
                channel="window",
                on=on or D(2026, 11, 2),
                **kw,
            )

    def authorize(self, app, on=None):
        on = on or D(2026, 11, 2)
        from doudi.casework import intake_actions

        with using_scope(YANJI_T1):
            for p in self.people:
                intake_actions.record_authorization(
                    actor=self.staff["township"], application=app, person=p, method="paper", signed_on=on
                )
            intake_actions.record_commitment(actor=self.staff["township"], application=app, on=on)
        app.refresh_from_db()
        return app

    def event(self, app, event, on, who="township", **fields):
        from doudi.casework import dispatch

        scope = YANJI if who == "county" else YANJI_T1
        with using_scope(scope):
            return dispatch.apply(self.staff[who], app, event, on=on, fields=fields)

    def to_assessed(self):
        app = self.authorize(self.open())
        app = self.event(app, "accept", D(2026, 11, 2))
        app = self.event(app, "run_verification", D(2026, 11, 3))
        return self.event(
            app,
            "record_investigation",
            D(2026, 11, 4),
            investigators=["朴志勇", "金美兰"],
            findings="家中两位老人，收入仅靠少量养老金",
            housing_rating="poor",
            labour_capacity={str(self.people[0].pk): "none", str(self.people[1].pk): "none"},
        )

    def to_notice(self):
        app = self.event(self.to_assessed(), "propose", D(2026, 11, 5))
        return self.event(app, "start_notice", D(2026, 11, 5))

    def to_authority(self):
        return self.event(self.to_notice(), "end_notice", D(2026, 11, 12))


@pytest.fixture
def walk(staff, family):
    household, people = family
    return Walk(staff, household, people)
