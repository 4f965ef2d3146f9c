"""The charity walk's world: a charity serving 延吉市 with its user ``b-charity``, and a published need of the
household of its own, B-CH-001 in 进学街道 (the other walks' households keep their chains as they expect), written by the township with the family's consent and an anonymised story.
Run as a script in the running server's environment; prints the ids the walk needs as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os

CHARITY_USER = "b-charity"
YANJI = "222401000000"
JINXUE = "222401001000"
STORY = "家中老人行动不便，冬季需要取暖和御寒物资，希望资助取暖费用。"


def _household():
    from doudi.registry import actions

    since = dt.date(2020, 1, 1)
    hh = actions.create_household(actor="browser-test seed", household_key="B-CH-001", region_code=JINXUE,
                                  area_type="urban", since=since)  # fmt: skip
    actions.add_person_to_household(actor="browser-test seed", household=hh, person_key="B-CH-001-1", name="韩春梅",
                                    id_number=None, relation="head", since=since)  # fmt: skip
    return hh


def seed() -> dict:
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.charity import actions
    from doudi.core.scoping import all_regions
    from doudi.registry.models import Household
    from tests.browser.seed_browser import PASSWORD

    with all_regions():
        county = User.objects.get(username="b-county")
        town = User.objects.get(username="b-jinxue")
        user = create_user(actor="browser-test seed", username=CHARITY_USER, password=PASSWORD, role="charity",
                           region_code="220000000000", display_name="爱心慈善会测试用户", check_password=False)  # fmt: skip
        charity = actions.register_charity(actor=county, name="延吉市爱心慈善会", credit_code="51222401MJB0000011",
                                           authority="延吉市民政局", service_area=[YANJI], contact_name="李会长",
                                           contact_phone="0433-2512345")  # fmt: skip
        actions.add_member(actor=county, charity=charity, user=user)
        hh = Household.unscoped.filter(household_key="B-CH-001").first() or _household()
        need = actions.create_need(actor=town, household=hh, category="living", title="冬季取暖费用",
                                   description="韩春梅年迈，冬季取暖费用无力承担。", target="1200",
                                   due_on=dt.date.today() + dt.timedelta(days=30), public_story=STORY)  # fmt: skip
        actions.record_consent(actor=town, need=need, by="韩春梅", on=dt.date.today(), method="paper")
        actions.submit(actor=town, need=need)
        need = actions.approve(actor=town, need=need)
    return {"number": need.public_number, "need": need.pk, "household": hh.pk}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    print(json.dumps(seed()))
