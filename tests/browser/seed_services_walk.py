"""The people of the services walk: an elderly TEKUN man living alone in 进学街道 (分散供养), an account of
安馨居家养老服务中心 (``b-anxin``, role 服务机构), and — when the demo seed did not make them — 延吉市's 生活照料
service type, the provider and its contract for 进学街道. Run as a script in the running server's environment;
prints the contract's number as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os

JINXUE = "222401001000"
YANJI = "222401000000"
ELDER = "郑福顺"
PROVIDER_USER = "b-anxin"
PROVIDER = "安馨居家养老服务中心"


def seed() -> dict:
    from doudi.accounts.actions import create_user
    from doudi.accounts.models import User
    from doudi.core import idnumber
    from doudi.registry import actions
    from doudi.services import catalogue_actions
    from doudi.services.models import Contract, Provider, ServiceType
    from doudi.services.rules import make_credit_code
    from tests.browser.seed_browser import PASSWORD

    county = User.objects.get(username="b-county")
    since = dt.date(2023, 1, 1)
    hh = actions.create_household(actor="browser-test seed", household_key="B-YJ-SERVICES", region_code=JINXUE,
                                  area_type="urban", since=since)  # fmt: skip
    elder = actions.add_person_to_household(
        actor="browser-test seed", household=hh, person_key="B-YJ-SERVICES-1", name=ELDER,
        id_number=idnumber.make("222401", dt.date(1940, 10, 3), 71, male=True), relation="head", since=since,
    )  # fmt: skip
    actions.set_category(
        actor="browser-test seed", person=elder, category="TEKUN", since=since, source="roster"
    )
    user = create_user(actor="browser-test seed", username=PROVIDER_USER, password=PASSWORD, role="service_provider",
                       region_code=YANJI, display_name="安馨护理员", check_password=False)  # fmt: skip
    care = ServiceType.unscoped.filter(region_code=YANJI, name="生活照料").first() or catalogue_actions.add_service_type(
        actor=county, name="生活照料", unit="hour", unit_price="35", tags=["tekun_home", "elderly_alone"])  # fmt: skip
    provider = Provider.unscoped.filter(name=PROVIDER).first()
    if provider is None:
        provider = catalogue_actions.register_provider(actor=county, name=PROVIDER, credit_code=make_credit_code(
            "52222401MJY99999X"[:17]), contact="韩秀兰", phone="0433-2510001")  # fmt: skip
        today = dt.date.today()
        catalogue_actions.create_contract(actor=county, provider=provider, number="B-YJMZ-FW-01",
                                          valid_from=dt.date(today.year - 1, 1, 1),
                                          valid_to=dt.date(today.year + 1, 12, 31), townships=[JINXUE],
                                          items=[(care, "32.00")])  # fmt: skip
    catalogue_actions.link_staff(actor=county, provider=provider, user=user)
    contract = (
        Contract.unscoped.filter(provider=provider, items__service_type=care).order_by("-valid_to").first()
    )
    return {"contract": contract.number, "contract_id": contract.pk}


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()
    from doudi.core.scoping import all_regions

    with all_regions():
        print(json.dumps(seed(), ensure_ascii=False))
