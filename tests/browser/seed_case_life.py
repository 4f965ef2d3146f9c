"""The family of the case-life walk: two elderly members of 进学街道, confirmed for DIBAO 45 days ago by the
county (a paper file walked through the casework actions), with a social security card; and the two
changes the walk will review — a small pension rise 20 days ago (still DIBAO, a lower amount) and a
larger income 12 days ago (above the standard, under the marginal line).

Run as a script in the running server's environment; prints the ids the walk needs as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os

HOUSEHOLD_KEY = "B-YJ-LIFE"
JINXUE = "222401001000"
HEAD = "金顺女"
SPOUSE = "李光洙"


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
    for i, (name, born, male, rel) in enumerate(
        [(HEAD, dt.date(1951, 5, 3), False, "head"), (SPOUSE, dt.date(1950, 10, 21), True, "spouse")]
    ):
        actions.add_person_to_household(
            actor=actor,
            household=hh,
            person_key=f"{HOUSEHOLD_KEY}-{i + 1}",
            name=name,
            id_number=idnumber.make("222401", born, 430 + i, male=male),
            relation=rel,
            since=since,
            birth_date=born,
            sex="M" if male else "F",
        )
    actions.record_household_fact(
        actor=actor,
        household=hh,
        kind="assets",
        value={"vehicles": 0, "dwellings": 1, "financial": 1000},
        valid_from=since,
        source="self_declared",
    )
    return hh


def _income(hh, per_person_month: int, on: dt.date) -> None:
    from doudi.registry import actions

    actions.record_household_fact(
        actor="browser-test seed",
        household=hh,
        kind="income",
        value={"total": per_person_month * 2 * 12, "months": 12},
        valid_from=on,
        source="self_declared",
    )


def _confirmed(hh, township, county, on: dt.date):
    """Window → acceptance → verification → visit → opinion → notice → the county's confirmation."""
    from doudi.casework import dispatch, intake_actions
    from doudi.casework.models import Case
    from doudi.core.scoping import using_scope
    from doudi.registry.models import Person

    start = on - dt.timedelta(days=14)
    with using_scope(JINXUE):
        app = intake_actions.open_application(actor=township, household=hh, channel="window", on=start)
        people = list(Person.unscoped.filter(household=hh).order_by("pk"))
        for person in people:
            intake_actions.record_authorization(
                actor=township, application=app, person=person, method="paper", signed_on=start
            )
        intake_actions.record_commitment(actor=township, application=app, on=start)
        app.refresh_from_db()
        steps = [
            ("accept", 0, {}),
            ("run_verification", 1, {}),
            (
                "record_investigation",
                2,
                {
                    "investigators": ["朴志勇", "金美兰"],
                    "findings": "两位老人同住，仅有少量养老金",
                    "housing_rating": "poor",
                    "labour_capacity": {str(p.pk): "none" for p in people},
                },
            ),
            ("propose", 3, {"note": "家庭人均收入低于低保标准"}),
            ("start_notice", 3, {}),
            ("end_notice", 11, {}),
        ]
        for name, day, fields in steps:
            app = dispatch.apply(township, app, name, on=start + dt.timedelta(days=day), fields=fields)
    with using_scope(JINXUE[:6]):
        app = dispatch.apply(county, app, "confirm", on=on, fields={})
    return Case.unscoped.get(application=app, tier="DIBAO")


def seed() -> dict:
    from doudi.accounts.models import User
    from doudi.core.scoping import all_regions, using_scope
    from doudi.payments import account_actions
    from doudi.policy import params_store
    from doudi.registry.models import Household

    with all_regions():
        existing = Household.unscoped.filter(household_key=HOUSEHOLD_KEY).first()
        if existing is not None:
            case = existing.cases.get(tier="DIBAO")
            return {"household": existing.pk, "case": case.pk, "pay_from": f"{case.pay_from:%Y-%m}"}
        township = User.objects.get(username="b-jinxue")
        county = User.objects.get(username="b-county")
        confirm_on = days_ago(45)
        standard = int(params_store.provider(JINXUE, "urban", confirm_on).entry("dibao_standard.urban").value)
        hh = _household()
        _income(hh, 150, dt.date(2024, 1, 1))
        case = _confirmed(hh, township, county, confirm_on)
        with using_scope(JINXUE):
            account_actions.set_account(
                actor=township,
                household=hh,
                kind="sscard",
                holder_name=HEAD,
                holder_relation="applicant",
                bank_name="吉林银行延吉分行",
                number="6217000012345678901",
                on=confirm_on,
            )
        _income(hh, standard // 2, days_ago(20))  # a pension rise: still under the standard
        _income(hh, standard * 6 // 5, days_ago(12))  # a son's wage counted: 1.2 × S a person
        return {"household": hh.pk, "case": case.pk, "pay_from": f"{case.pay_from:%Y-%m}"}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()
    print(json.dumps(seed()))
