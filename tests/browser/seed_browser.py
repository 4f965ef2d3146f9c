"""Known accounts and households for the browser tests, loaded through the registry actions.

Run as a script in the server's environment (``DOUDI_DATA_DIR``/``DATABASE_URL`` set) after
``doudi init`` (and ``doudi demo seed`` when available); the tests import the constants below.
"""

from __future__ import annotations

import datetime as dt
import os

PASSWORD = "Browser-test-2025!"
YANJI = "222401000000"
JINXUE = "222401001000"  # 延吉市 进学街道
BEISHAN = "222401002000"  # 延吉市 北山街道
NANLING = "220102001000"  # 长春市 南关区 南岭街道

# username, role, region, display name
ACCOUNTS = (
    ("b-jinxue", "township_caseworker", JINXUE, "进学街道测试经办人"),
    ("b-grid", "grid_worker", JINXUE, "进学街道测试网格员"),
    ("b-county", "county_officer", YANJI, "延吉市测试民政干部"),
    ("b-auditor", "auditor", YANJI, "延吉市测试审计员"),
    ("b-admin", "administrator", YANJI, "延吉市测试管理员"),
    ("b-province", "province_officer", "220000000000", "省民政厅测试干部"),
)

HEAD_NAME = "崔明浩"
HEAD_BORN = dt.date(1958, 4, 12)
CHILD_SINCE = dt.date(2025, 3, 1)  # the grandchild joined the household on this day


def head_id() -> str:
    from doudi.core import idnumber

    return idnumber.make("222401", HEAD_BORN, 21, male=True)


def child_bad_id() -> str:
    """A number with a wrong check character: kept as recorded and flagged (R-H1)."""
    from doudi.core import idnumber

    good = idnumber.make("222401", dt.date(2012, 6, 18), 23, male=True)
    return good[:-1] + ("1" if good[-1] != "1" else "2")


def seed() -> None:
    from doudi.accounts.actions import create_user
    from doudi.core import idnumber
    from doudi.core.scoping import all_regions
    from doudi.registry import actions

    actor = "browser-test seed"
    since = dt.date(2023, 1, 1)
    with all_regions():
        for username, role, region, name in ACCOUNTS:
            create_user(
                actor=actor,
                username=username,
                password=PASSWORD,
                role=role,
                region_code=region,
                display_name=name,
                check_password=False,
            )
        hh = actions.create_household(
            actor=actor, household_key="B-YJ-001", region_code=JINXUE, area_type="urban", since=since
        )
        head = actions.add_person_to_household(
            actor=actor,
            household=hh,
            person_key="B-P-001",
            name=HEAD_NAME,
            id_number=head_id(),
            relation="head",
            since=since,
        )
        spouse = actions.add_person_to_household(
            actor=actor,
            household=hh,
            person_key="B-P-002",
            name="金顺姬",
            id_number=idnumber.make("222401", dt.date(1960, 9, 3), 22, male=False),
            relation="spouse",
            since=since,
        )
        actions.add_person_to_household(
            actor=actor,
            household=hh,
            person_key="B-P-003",
            name="崔小宇",
            id_number=child_bad_id(),
            relation="grandchild",
            since=CHILD_SINCE,
            birth_date=dt.date(2012, 6, 18),
            sex="M",
        )
        for person in (head, spouse):
            actions.set_category(actor=actor, person=person, category="DIBAO", since=since, source="roster")
        actions.record_person_fact(
            actor=actor,
            person=head,
            kind="disability",
            value={"kind": "肢体", "grade": 2},
            valid_from=dt.date(2023, 5, 1),
            source="department",
            source_ref="残联-2023-05",
        )
        actions.record_person_fact(
            actor=actor,
            person=spouse,
            kind="employment",
            value={"employed": False},
            valid_from=since,
            source="home_visit",
        )
        actions.record_household_fact(
            actor=actor,
            household=hh,
            kind="income",
            value={"monthly": 820},
            valid_from=since,
            source="self_declared",
        )
        other = actions.create_household(
            actor=actor, household_key="B-YJ-002", region_code=BEISHAN, area_type="urban", since=since
        )
        p = actions.add_person_to_household(
            actor=actor,
            household=other,
            person_key="B-P-010",
            name="朴秀珍",
            id_number=idnumber.make("222401", dt.date(1979, 1, 30), 24, male=False),
            relation="head",
            since=since,
        )
        actions.set_category(actor=actor, person=p, category="MARGINAL", since=since, source="roster")
        far = actions.create_household(
            actor=actor, household_key="B-NG-001", region_code=NANLING, area_type="urban", since=since
        )
        actions.add_person_to_household(
            actor=actor,
            household=far,
            person_key="B-P-020",
            name="赵长春",
            id_number=idnumber.make("220102", dt.date(1966, 2, 2), 25, male=True),
            relation="head",
            since=since,
        )


MONITORING_ACCOUNTS = (("b-medical", "department_user", YANJI, "延吉市医保局测试用户", "medical_insurance"),)


def seed_monitoring() -> None:
    """The warning loop (tests/browser/test_monitoring_loop.py): a medical-insurance department user
    and a red W-ILL warning on B-YJ-001 waiting in the county inbox."""
    from doudi.accounts.actions import create_user
    from doudi.core.scoping import all_regions
    from doudi.monitoring.loop.warning_actions import raise_warning
    from doudi.registry.models import Household

    actor = "browser-test seed"
    with all_regions():
        for username, role, region, name, department in MONITORING_ACCOUNTS:
            create_user(
                actor=actor,
                username=username,
                password=PASSWORD,
                role=role,
                region_code=region,
                display_name=name,
                department=department,
                check_password=False,
            )
        raise_warning(
            actor=actor,
            household=Household.objects.get(household_key="B-YJ-001"),
            indicator="W-ILL",
            level="red",
            raised_on=dt.date.today(),
            evidence=[
                {
                    "source": "医保结算数据",
                    "batch_id": 1,
                    "record_id": "B-MED-1",
                    "detail": "近3个月自付医疗费用超过家庭年收入50%",
                }
            ],
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()
    seed()
    seed_monitoring()
    print("browser seed: ok")
