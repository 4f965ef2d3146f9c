"""Demo data of service-type assistance (R-P3), idempotent: 延吉市's catalogue of six services, two providers
under contract for 进学街道 and 北山街道 (安馨居家养老服务中心 with the account ``anxin``, 康宁社会工作服务中心 with
``kangning``), three families of 进学街道 with orders — an elderly TEKUN man living alone receiving 生活照料
twice a week, an elderly DIBAO woman living alone visited weekly, a DIBAO pupil with psychological support —
visits over the last three months (confirmed, one disputed, one still to confirm, one missed last week), and
the months before last settled and confirmed by the county (last month left as a draft)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.services.rules import make_credit_code

YANJI = "222401000000"
JINXUE = "222401001000"
BEISHAN = "222401002000"
CATALOGUE: tuple[tuple[str, str, str, list[str], str], ...] = (
    (
        "上门探访与陪伴",
        "visit",
        "40.00",
        ["elderly_alone", "tekun_home", "severe_disability", "minor"],
        "上门看望、聊天陪伴、安全检查",
    ),
    (
        "生活照料",
        "hour",
        "35.00",
        ["tekun_home", "elderly_alone", "severe_disability"],
        "助浴、助洁、助行、代购",
    ),
    (
        "清洁卫生",
        "visit",
        "60.00",
        ["tekun_home", "elderly_alone", "severe_disability"],
        "居室清洁、衣物清洗",
    ),
    ("助餐服务", "day", "15.00", ["tekun_home", "elderly"], "送餐上门或助餐点就餐"),
    ("心理疏导", "hour", "80.00", [], "社会工作者心理疏导、资源链接"),
    ("康复辅助", "hour", "60.00", ["severe_disability"], "康复训练指导"),
)
PROVIDERS = (
    ("安馨居家养老服务中心", make_credit_code("52222401MJY12345X"[:17]), "韩秀兰", "0433-2510001", "anxin",
     {"上门探访与陪伴": "38.00", "生活照料": "32.00", "清洁卫生": "55.00", "助餐服务": "15.00"}),
    ("康宁社会工作服务中心", make_credit_code("52222401MJY65432X"[:17]), "李文博", "0433-2510002", "kangning",
     {"上门探访与陪伴": "40.00", "心理疏导": "75.00", "康复辅助": "58.00"}),
)  # fmt: skip
# their households are keyed "SV-…", not "DEMO-…": the demo department batches are drawn from the "DEMO-" roster
FAMILIES = (  # key, name, born, male, category, service, provider, per week
    ("SV-1", "金永福", dt.date(1941, 2, 14), True, "TEKUN", "生活照料", 0, 2),
    ("SV-2", "朴贞淑", dt.date(1946, 9, 3), False, "DIBAO", "上门探访与陪伴", 1, 1),
    ("SV-3", "崔海龙", dt.date(2011, 5, 20), True, "DIBAO", "心理疏导", 1, 1),
)


def _users() -> dict:
    from doudi.accounts.models import User

    names = ("yanji", "jinxue", "grid-jinxue", "anxin", "kangning")
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _person(key, name, born, male, category, since):
    from doudi.core import idnumber
    from doudi.registry import actions
    from doudi.registry.models import Person

    found = Person.unscoped.filter(person_key=f"{key}-1").select_related("household").first()
    if found is not None:
        return found
    hh = actions.create_household(actor="demo seed", household_key=key, region_code=JINXUE, area_type="urban",
                                  since=since)  # fmt: skip
    person = actions.add_person_to_household(
        actor="demo seed", household=hh, person_key=f"{key}-1", name=name,
        id_number=idnumber.make("222401", born, 60 + int(key[-1]), male=male), relation="head", since=since,
    )  # fmt: skip
    actions.set_category(actor="demo seed", person=person, category=category, since=since, source="roster")
    return Person.unscoped.select_related("household").get(pk=person.pk)


def seed_services() -> int:
    from doudi.core.scoping import all_regions
    from doudi.services import actions, catalogue_actions, settlement_actions
    from doudi.services.models import Provider, ServiceOrder, ServiceType

    users = _users()
    if len(users) < 5:
        return 0
    with all_regions():
        if Provider.unscoped.filter(credit_code=PROVIDERS[0][1]).exists():
            return ServiceOrder.unscoped.filter(region_code=JINXUE, number__startswith="FW").count()
        county, township, grid = users["yanji"], users["jinxue"], users["grid-jinxue"]
        today = timezone.localdate()
        types = {}
        for name, unit, price, tags, desc in CATALOGUE:
            types[name] = ServiceType.unscoped.filter(region_code=YANJI, name=name).first() or (
                catalogue_actions.add_service_type(actor=county, name=name, unit=unit, unit_price=price, tags=tags,
                                                   description=desc))  # fmt: skip
        providers: list = []
        for name, code, contact, phone, username, prices in PROVIDERS:
            p = catalogue_actions.register_provider(actor=county, name=name, credit_code=code, contact=contact,
                                                    phone=phone, address="延吉市进学街道")  # fmt: skip
            catalogue_actions.link_staff(actor=county, provider=p, user=users[username])
            catalogue_actions.create_contract(
                actor=county, provider=p, number=f"YJMZ-FW-{today.year - 1}-{len(providers) + 1:02d}",
                valid_from=dt.date(today.year - 1, 1, 1), valid_to=dt.date(today.year + 1, 12, 31),
                townships=[JINXUE, BEISHAN], items=[(types[n], v) for n, v in prices.items()],
            )  # fmt: skip
            providers.append(p)
        start = (today.replace(day=1) - dt.timedelta(days=70)).replace(day=1)
        orders = []
        for key, name, born, male, category, service, prov, per_week in FAMILIES:
            person = _person(key, name, born, male, category, dt.date(today.year - 2, 3, 1))
            order = actions.place_order(
                actor=township, person=person, service_type=types[service], provider=providers[prov],
                starts_on=start, ends_on=dt.date(today.year + 1, 6, 30), visits_per_period=per_week,
                note="独居，行动不便，需要定期上门" if prov == 0 else "", on=start,
            )  # fmt: skip
            actions.accept(actor=users[PROVIDERS[prov][4]], order=order, on=start)
            orders.append((order, users[PROVIDERS[prov][4]]))
        _visits(orders, township, grid, today)
        for month in (start, (start + dt.timedelta(days=32)).replace(day=1)):
            for p in providers:
                for contract in p.contracts.all():
                    s = settlement_actions.settle(actor=county, contract=contract, month=month)
                    settlement_actions.confirm(actor=county, settlement=s)
        last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        settlement_actions.settle_month(actor=county, month=last)
        return len(orders)


def _visits(orders, township, grid, today: dt.date) -> None:
    """Visits on the planned dates up to yesterday; the last planned date of last week is missed; one visit
    of last month disputed, the latest one left to confirm."""
    from doudi.services import actions
    from doudi.services.models import PlannedVisit

    week_ago = today - dt.timedelta(days=7)
    for n, (order, staff) in enumerate(orders):
        dates = sorted(PlannedVisit.unscoped.filter(order=order, on__lt=today).values_list("on", flat=True))
        missed = max((d for d in dates if d <= week_ago), default=None) if n == 0 else None
        for i, d in enumerate(dates):
            if d == missed:
                continue
            v = actions.record_visit(
                actor=staff, order=order, visited_on=d, start_time=dt.time(9, 30), minutes=90 if i % 3 else 60,
                worker=staff.display_name[:10] or staff.username, notes="按计划上门服务，老人状况平稳",
            )  # fmt: skip
            if i == len(dates) - 1:
                continue  # the latest visit: still to be confirmed
            if n == 1 and i == 2:
                actions.dispute_visit(actor=township, visit=v, reason="电话回访：老人称当天无人上门")
                continue
            actions.confirm_visit(actor=grid if i % 2 else township, visit=v,
                                  family_confirmer="本人" if n != 2 else "母亲", method="home" if i % 2 else "phone")  # fmt: skip
