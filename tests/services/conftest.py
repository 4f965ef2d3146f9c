"""The services test world: 延吉市's county officer defines the catalogue and contracts two providers for
进学街道 (T1) only; persons of 进学街道: an elderly TEKUN man living alone, a DIBAO adult of working age, a DIBAO
pupil, a person with no category; a person of 北山街道 (T2) and one of 南关区."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, YANBIAN, YANJI, YANJI_T1, YANJI_T2

DAY = dt.date(2026, 12, 7)  # a Monday
SINCE = dt.date(2024, 1, 1)


@dataclass
class World:
    staff: dict
    types: dict
    providers: list
    contracts: list
    persons: dict = field(default_factory=dict)


def _person(key, region, name, born, male, category, extra_members=0):
    from doudi.registry import actions
    from doudi.registry.models import Person

    hh = actions.create_household(
        actor="test", household_key=key, region_code=region, area_type="urban", since=SINCE
    )
    p = actions.add_person_to_household(actor="test", household=hh, person_key=f"{key}-1", name=name,
                                        id_number=idnumber.make(region[:6], born, 31, male=male), relation="head",
                                        since=SINCE)  # fmt: skip
    for i in range(extra_members):
        actions.add_person_to_household(actor="test", household=hh, person_key=f"{key}-{i + 2}", name=f"家属{i}",
                                        id_number=None, relation="child", since=SINCE)  # fmt: skip
    if category:
        actions.set_category(actor="test", person=p, category=category, since=SINCE, source="roster")
    return Person.unscoped.select_related("household").get(pk=p.pk)


@pytest.fixture
def world(make_user):
    from doudi.services import catalogue_actions
    from doudi.services.rules import make_credit_code

    staff = {
        "county": make_user("county_officer", YANJI),
        "city": make_user("city_officer", YANBIAN),
        "township": make_user("township_caseworker", YANJI_T1),
        "grid": make_user("grid_worker", YANJI_T1),
        "township2": make_user("township_caseworker", YANJI_T2),
        "other_county": make_user("county_officer", NANGUAN),
        "other_township": make_user("township_caseworker", NANGUAN_T1),
        "p1": make_user("service_provider", YANJI),
        "p2": make_user("service_provider", YANJI),
        "auditor": make_user("auditor", YANJI),
    }
    county = staff["county"]
    with all_regions():
        types = {
            "care": catalogue_actions.add_service_type(actor=county, name="生活照料", unit="hour", unit_price="35",
                                                       tags=["tekun_home", "elderly_alone"]),
            "visit": catalogue_actions.add_service_type(actor=county, name="上门探访与陪伴", unit="visit",
                                                        unit_price="40", tags=["elderly_alone", "minor"]),
            "talk": catalogue_actions.add_service_type(actor=county, name="心理疏导", unit="hour", unit_price="80"),
        }  # fmt: skip
        providers, contracts = [], []
        for i, (name, user) in enumerate((("安馨居家养老服务中心", "p1"), ("康宁社会工作服务中心", "p2"))):
            p = catalogue_actions.register_provider(actor=county, name=name, credit_code=make_credit_code(
                f"5222240100000{i}00A"[:17]), contact="联系人", phone="0433-1234567")  # fmt: skip
            catalogue_actions.link_staff(actor=county, provider=p, user=staff[user])
            contracts.append(catalogue_actions.create_contract(
                actor=county, provider=p, number=f"HT-{i}", valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2027, 12, 31), townships=[YANJI_T1],
                items=[(types["care"], "32.50"), (types["visit"], "38"), (types["talk"], "75")]))  # fmt: skip
            providers.append(p)
        persons = {
            "tekun": _person("H-SV-1", YANJI_T1, "金永福", dt.date(1941, 2, 14), True, "TEKUN"),
            "adult": _person(
                "H-SV-2", YANJI_T1, "李春花", dt.date(1985, 5, 20), False, "DIBAO", extra_members=1
            ),
            "pupil": _person(
                "H-SV-3", YANJI_T1, "崔海龙", dt.date(2014, 5, 20), True, "DIBAO", extra_members=1
            ),
            "none": _person("H-SV-4", YANJI_T1, "赵一", dt.date(1940, 1, 1), True, None),
            "t2": _person("H-SV-5", YANJI_T2, "朴贞淑", dt.date(1946, 9, 3), False, "TEKUN"),
            "nanguan": _person("H-SV-6", NANGUAN_T1, "王建国", dt.date(1945, 1, 15), True, "TEKUN"),
        }
    return World(staff=staff, types=types, providers=providers, contracts=contracts, persons=persons)


def order_for(w: World, person="tekun", service="care", provider=0, on=DAY, **kw):
    from doudi.services import actions

    args = {"actor": w.staff["township"], "person": w.persons[person], "service_type": w.types[service],
            "provider": w.providers[provider], "starts_on": on, "ends_on": on + dt.timedelta(days=90), "on": on,
            "visits_per_period": 2}  # fmt: skip
    args.update(kw)
    with all_regions():
        return actions.place_order(**args)


def accepted(w: World, **kw):
    from doudi.services import actions

    o = order_for(w, **kw)
    with all_regions():
        return actions.accept(
            actor=w.staff["p1" if kw.get("provider", 0) == 0 else "p2"], order=o, on=o.placed_on
        )
