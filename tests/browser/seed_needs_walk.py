"""The family of the needs walk: a DIBAO household of 进学街道 with a pupil, confirmed by the county 20 days
ago (a paper file walked through the casework actions; nobody refers any need), and a user of the
education department of 延吉市. Run as a script in the running server's environment; prints the ids the
walk needs as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os

HOUSEHOLD_KEY = "B-YJ-NEEDS"
JINXUE = "222401001000"
YANJI = "222401000000"
PUPIL = "朴小英"
EDUCATION_USER = "b-education"


def days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)


def _household():
    from doudi.core import idnumber
    from doudi.registry import actions

    actor = "browser-test seed"
    since = dt.date(2024, 1, 1)
    hh = actions.create_household(
        actor=actor, household_key=HOUSEHOLD_KEY, region_code=JINXUE, area_type="urban", since=since
    )
    members = [
        ("朴明淑", dt.date(1958, 3, 9), False, "head"),
        (PUPIL, dt.date(2013, 6, 1), False, "grandchild"),
    ]
    people = []
    for i, (name, born, male, rel) in enumerate(members):
        people.append(
            actions.add_person_to_household(
                actor=actor, household=hh, person_key=f"{HOUSEHOLD_KEY}-{i + 1}", name=name,
                id_number=idnumber.make("222401", born, 310 + i, male=male), relation=rel, since=since,
                birth_date=born, sex="M" if male else "F",
            )
        )  # fmt: skip
    actions.record_person_fact(actor=actor, person=people[1], kind="schooling",
                               value={"in_school": True, "stage": "primary"}, valid_from=dt.date(2024, 9, 1),
                               source="department")  # fmt: skip
    actions.record_household_fact(actor=actor, household=hh, kind="assets",
                                  value={"vehicles": 0, "dwellings": 1, "financial": 500}, valid_from=since,
                                  source="self_declared")  # fmt: skip
    actions.record_household_fact(actor=actor, household=hh, kind="income",
                                  value={"total": 2400, "months": 12}, valid_from=since,
                                  source="self_declared")  # fmt: skip
    return hh, people


def _confirmed(hh, adult, township, county, on: dt.date) -> None:
    from doudi.casework import dispatch, intake_actions
    from doudi.core.scoping import using_scope

    start = on - dt.timedelta(days=14)
    with using_scope(JINXUE):
        app = intake_actions.open_application(actor=township, household=hh, channel="window", on=start)
        intake_actions.record_authorization(actor=township, application=app, person=adult, method="paper",
                                            signed_on=start)  # fmt: skip
        intake_actions.record_commitment(actor=township, application=app, on=start)
        app.refresh_from_db()
        steps = [
            ("accept", 0, {}),
            ("run_verification", 1, {}),
            ("record_investigation", 2, {"investigators": ["朴志勇", "金美兰"], "findings": "祖孙二人同住，收入微薄",
                                         "housing_rating": "poor", "labour_capacity": {str(adult.pk): "none"}}),
            ("propose", 3, {"note": "家庭人均收入低于低保标准"}),
            ("start_notice", 3, {}),
            ("end_notice", 11, {}),
        ]  # fmt: skip
        for name, day, fields in steps:
            app = dispatch.apply(township, app, name, on=start + dt.timedelta(days=day), fields=fields)
    with using_scope(JINXUE[:6]):
        dispatch.apply(county, app, "confirm", on=on, fields={})


def seed() -> dict:
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.core.scoping import all_regions
    from doudi.registry.models import Household, Person
    from tests.browser.seed_browser import PASSWORD

    with all_regions():
        if not User.objects.filter(username=EDUCATION_USER).exists():
            create_user(actor="browser-test seed", username=EDUCATION_USER, password=PASSWORD,
                        role="department_user", region_code=YANJI, display_name="延吉市教育局测试用户",
                        department="education", check_password=False)  # fmt: skip
        hh = Household.unscoped.filter(household_key=HOUSEHOLD_KEY).first()
        if hh is None:
            hh, people = _household()
            _confirmed(hh, people[0], User.objects.get(username="b-jinxue"), User.objects.get(username="b-county"),
                       days_ago(20))  # fmt: skip
        pupil = Person.unscoped.get(household=hh, name=PUPIL)
        return {
            "household": hh.pk,
            "pupil": pupil.pk,
            "masked": pupil.id_masked,
            "id_number": pupil.id_number(),
        }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    print(json.dumps(seed()))
