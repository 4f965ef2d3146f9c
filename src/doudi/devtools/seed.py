"""Demo seeding (``doudi demo seed``): synthetic households in a few real townships plus one demo
account per role, loaded through the product's own paths — the roster importer, the bulk fact
action and ``create_user`` — so the demo exercises what production uses.

Idempotent, step by step: the roster is skipped when a loaded batch named ``DEMO_FILE_NAME`` exists,
the facts when the demo persons have facts besides their identity, and each account when its username exists. A
run that adds nothing reports that the demo data is already present.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from doudi.accounts.actions import create_user
from doudi.accounts.models import Department, Role, User
from doudi.core.scoping import all_regions
from doudi.devtools import synth
from doudi.regions.models import Region
from doudi.registry.actions import bulk_add_facts
from doudi.registry.models import (
    Household,
    HouseholdFact,
    ImportBatch,
    Person,
    PersonFact,
    PersonFactKind,
)
from doudi.registry.roster import import_roster

if TYPE_CHECKING:
    from doudi.devtools.demo_activity import ActivitySeed
    from doudi.devtools.demo_casework import CaseworkSeed
    from doudi.devtools.demo_counties import CountiesSeed
    from doudi.devtools.demo_disclosure import DisclosureSeed
    from doudi.devtools.demo_monitoring import MonitoringSeed
    from doudi.devtools.demo_needs import NeedsSeed
    from doudi.devtools.demo_payments import PaymentsSeed
    from doudi.devtools.demo_tempaid import TempAidSeed

ACTOR = "demo seed"
DEMO_FILE_NAME = "doudi-demo-roster.csv"  # marks the demo roster batch
DEMO_SOURCE_REF = ""  # users read a fact's reference: the demo facts carry none (no "demo" tag)
DEMO_KEY_PREFIX = "DEMO-"
DEMO_PASSWORD = "Doudi-demo-2025"
DEFAULT_HOUSEHOLDS = 600


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region_code: str
    department: str = ""
    display_name: str = ""


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("province", Role.PROVINCE, "220000000000", display_name="省民政厅演示用户"),
    DemoAccount("yanbian", Role.CITY, "222400000000", display_name="延边州民政局演示用户"),
    DemoAccount("yanji", Role.COUNTY, "222401000000", display_name="延吉市民政局演示用户"),
    DemoAccount("jinxue", Role.TOWNSHIP, "222401001000", display_name="进学街道经办人"),
    DemoAccount("grid-jinxue", Role.GRID_WORKER, "222401001000", display_name="进学街道网格员"),
    DemoAccount("nanling", Role.TOWNSHIP, "220102001000", display_name="南岭街道经办人"),
    DemoAccount("canlian", Role.DEPARTMENT, "220000000000", "disabled_federation", "省残联演示用户"),
    DemoAccount("charity", Role.CHARITY, "220000000000", display_name="慈善总会演示用户"),
    # service providers in 延吉市 (R-P3, ``demo_services``): two organisations under contract with the county
    DemoAccount("anxin", Role.PROVIDER, "222401000000", display_name="安馨居家养老服务中心护理员"),
    DemoAccount("kangning", Role.PROVIDER, "222401000000", display_name="康宁社会工作服务中心社工"),
    DemoAccount("auditor", Role.AUDITOR, "220000000000", display_name="审计演示用户"),
    DemoAccount("admin", Role.ADMIN, "220000000000", display_name="系统管理员"),
    # the department portal (R-P1): a user of each department that needs are pushed to, in 延吉市
    DemoAccount("yibao-yanji", Role.DEPARTMENT, "222401000000", "medical_insurance", "延吉市医保局演示用户"),
    DemoAccount("jiaoyu-yanji", Role.DEPARTMENT, "222401000000", "education", "延吉市教育局演示用户"),
    DemoAccount("zhujian-yanji", Role.DEPARTMENT, "222401000000", "housing", "延吉市住建局演示用户"),
    DemoAccount("renshe-yanji", Role.DEPARTMENT, "222401000000", "hrss", "延吉市人社局演示用户"),
    DemoAccount(
        "minzheng-yanji", Role.DEPARTMENT, "222401000000", "civil_affairs", "延吉市民政局殡葬管理演示用户"
    ),
    DemoAccount(
        "canlian-yanji", Role.DEPARTMENT, "222401000000", "disabled_federation", "延吉市残联演示用户"
    ),
    # the peer counties of the demo (``demo_counties``): months of work in 长春 and 白城 to compare and rank
    DemoAccount("changchun", Role.CITY, "220100000000", display_name="长春市民政局演示用户"),
    DemoAccount("nanguan", Role.COUNTY, "220102000000", display_name="南关区民政局演示用户"),
    DemoAccount("grid-nanling", Role.GRID_WORKER, "220102001000", display_name="南岭街道网格员"),
    DemoAccount("nongan", Role.COUNTY, "220122000000", display_name="农安县民政局演示用户"),
    DemoAccount("fulongquan", Role.TOWNSHIP, "220122101000", display_name="伏龙泉镇经办人"),
    DemoAccount("grid-fulongquan", Role.GRID_WORKER, "220122101000", display_name="伏龙泉镇网格员"),
    DemoAccount("taobei", Role.COUNTY, "220802000000", display_name="洮北区民政局演示用户"),
    DemoAccount("pingan", Role.TOWNSHIP, "220802100000", display_name="平安镇经办人"),
    DemoAccount("grid-pingan", Role.GRID_WORKER, "220802100000", display_name="平安镇网格员"),
    DemoAccount(
        "yibao-changchun", Role.DEPARTMENT, "220100000000", "medical_insurance", "长春市医保局演示用户"
    ),
    DemoAccount("renshe-changchun", Role.DEPARTMENT, "220100000000", "hrss", "长春市人社局演示用户"),
)


@dataclass
class SeedReport:
    households: int = 0  # households created by the roster load
    persons: int = 0  # persons created by the roster load
    rejected: int = 0  # roster rows rejected (should be 0)
    facts: int = 0
    users_created: list[str] = field(default_factory=list)
    roster_skipped: bool = False
    facts_skipped: bool = False
    monitoring: MonitoringSeed | None = None
    casework: CaseworkSeed | None = None
    payments: PaymentsSeed | None = None
    counties: CountiesSeed | None = None
    needs: NeedsSeed | None = None
    tempaid: TempAidSeed | None = None
    complaints: int = 0
    disclosure: DisclosureSeed | None = None
    spotchecks: int = 0
    activity: ActivitySeed | None = None
    evaluation: list[int] = field(default_factory=list)
    services: int = 0  # service orders created (``demo_services``)
    charity: int = 0  # needs created (``demo_charity``)
    dashboard_cells: int = 0

    @property
    def added_nothing(self) -> bool:
        batches = bool(self.monitoring and (self.monitoring.imported or self.monitoring.new_warnings))
        applications = bool(self.casework and self.casework.applications)
        applications = applications or bool(self.payments and self.payments.lines)
        applications = applications or bool(self.counties and any(self.counties.applications.values()))
        applications = applications or bool(self.activity and any(self.activity.warnings.values()))
        applications = applications or bool(self.tempaid and self.tempaid.cases and not self.tempaid.skipped)
        return (
            self.roster_skipped
            and self.facts_skipped
            and not self.users_created
            and not batches
            and not applications
        )


ROSTER_AS_OF = dt.date(2019, 1, 1)


def seed_demo(
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = 2024,
    as_of: dt.date = synth.DEFAULT_AS_OF,
    roster_only: bool = False,
) -> SeedReport:
    """Seed the demo data on a database prepared by ``doudi init``. ``roster_only``: the households, their facts
    and the accounts, without the months of work on them (for tests of the registry and the policy runs)."""
    report = SeedReport()
    with all_regions():
        report.roster_skipped = ImportBatch.unscoped.filter(
            file_name=DEMO_FILE_NAME, status=ImportBatch.Status.LOADED
        ).exists()
        report.facts_skipped = (
            # the roster load itself adds only identity facts
            PersonFact.unscoped.filter(person__person_key__startswith=DEMO_KEY_PREFIX)
            .exclude(kind=PersonFactKind.IDENTITY)
            .exists()
            # facts of an older seed, which marked them
            or PersonFact.unscoped.filter(source_ref="demo").exists()
            or HouseholdFact.unscoped.filter(source_ref="demo").exists()
        )
        if not (report.roster_skipped and report.facts_skipped):
            data = synth.generate(households, seed=seed, as_of=as_of, key_prefix=DEMO_KEY_PREFIX)
            if not report.roster_skipped:
                _load_roster(data, report)
            if not report.facts_skipped:
                report.facts = _load_facts(data)
        report.users_created = _create_accounts()
        if roster_only:
            return report
        # the warning loop: demo department batches imported, linked and scanned (idempotent)
        from doudi.devtools.demo_monitoring import seed_monitoring

        report.monitoring = seed_monitoring()
        # applications in every state, walked by the demo users with past dates (idempotent)
        from doudi.devtools.demo_casework import seed_casework

        report.casework = seed_casework()
        # cases with months of history and their rosters in every state (idempotent)
        from doudi.devtools.demo_payments import seed_payments

        report.payments = seed_payments()
        # the peer counties: six months of applications, exits and rosters in 南关区, 农安县, 洮北区 (idempotent)
        from doudi.devtools.demo_counties import seed_counties

        report.counties = seed_counties()
        # service-type assistance: the catalogue, two providers, orders, visits and a settled month (idempotent);
        # before the needs, which its families' categories push too
        from doudi.devtools.demo_services import seed_services

        report.services = seed_services()
        # the needs pushed to departments by rule, answered and overdue ones (idempotent)
        from doudi.devtools.demo_needs import seed_needs

        report.needs = seed_needs()
        # temporary assistance: the township fund, pay-first and 一事一议 cases (idempotent)
        from doudi.devtools.demo_tempaid import seed_tempaid

        report.tempaid = seed_tempaid()
        # complaints in every state, an escalated one, a sensitive report and an appeal (idempotent)
        from doudi.devtools.demo_complaints import seed_complaints

        report.complaints = seed_complaints()
        # disclosure: the demo office guides and the latest roster month published (idempotent)
        from doudi.devtools.demo_disclosure import seed_disclosure

        report.disclosure = seed_disclosure()
        # spot checks: one round drawn by the demo county, with findings and a correction (idempotent)
        from doudi.devtools.demo_spotchecks import seed_spotchecks

        report.spotchecks = seed_spotchecks()
        # months of warnings, complaints and two more spot-check rounds in the four demo counties (idempotent)
        from doudi.devtools.demo_activity import seed_activity

        report.activity = seed_activity()
        # charity: needs in every state and a charity that claims and fulfils one (idempotent)
        from doudi.devtools.demo_charity import seed_charity

        report.charity = seed_charity()
        # performance evaluation: last year's and this year's county rankings from the data above (idempotent)
        from doudi.devtools.demo_evaluation import seed_evaluation

        report.evaluation = seed_evaluation()
        # the dashboards' cells, built from everything above (a second seed that added nothing keeps them)
        from doudi.dashboards import queries as dashboard_queries
        from doudi.dashboards.actions import refresh

        if not (report.added_nothing and dashboard_queries.built() is not None):
            report.dashboard_cells = int(refresh(actor=ACTOR).get("cells", 0))
    return report


def _load_roster(data: synth.SynthData, report: SeedReport) -> None:
    exports = Path(settings.DATA_DIR) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=exports, prefix="demo-") as tmp:
        path = synth.write_roster(data, Path(tmp) / DEMO_FILE_NAME)
        # Memberships start before the earliest generated fact/category (2019), so the households
        # look complete whatever "as of" date a demo user picks after that.
        result = import_roster(path, actor=ACTOR, as_of=ROSTER_AS_OF, file_name=DEMO_FILE_NAME)
    report.households = result.households_created
    report.persons = result.created
    report.rejected = result.rejected


def _load_facts(data: synth.SynthData) -> int:
    """Map the generator's keys to registry ids (one query per table) and bulk-load the facts."""
    persons = {
        key: (pk, region)
        for key, pk, region in Person.unscoped.filter(person_key__startswith=DEMO_KEY_PREFIX).values_list(
            "person_key", "id", "region_code"
        )
    }
    households = {
        key: (pk, region)
        for key, pk, region in Household.unscoped.filter(
            household_key__startswith=DEMO_KEY_PREFIX
        ).values_list("household_key", "id", "region_code")
    }
    person_facts = [
        {"person_id": persons[f["person_key"]][0], "region_code": persons[f["person_key"]][1], **_fact(f)}
        for f in data.person_fact_records()
        if f["person_key"] in persons
    ]
    household_facts = [
        {
            "household_id": households[f["household_key"]][0],
            "region_code": households[f["household_key"]][1],
            **_fact(f),
        }
        for f in data.household_fact_records()
        if f["household_key"] in households
    ]
    return bulk_add_facts(
        actor=ACTOR, person_facts=person_facts, household_facts=household_facts, source_ref=DEMO_SOURCE_REF
    )


def _fact(record: dict) -> dict:
    return {k: record[k] for k in ("kind", "value", "valid_from", "source")}


def _create_accounts() -> list[str]:
    existing = set(
        User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list("username", flat=True)
    )
    created = []
    for a in ACCOUNTS:
        if a.username in existing:
            continue
        create_user(
            actor=ACTOR,
            username=a.username,
            password=DEMO_PASSWORD,
            role=a.role,
            region_code=a.region_code,
            department=a.department,
            display_name=a.display_name,
            check_password=False,
        )
        created.append(a.username)
    return created


def account_rows() -> list[tuple[str, str, str, str]]:
    """(username, password, role in Chinese, region name) of the demo accounts, for printing."""
    names = dict(
        Region.objects.filter(code__in={a.region_code for a in ACCOUNTS}).values_list("code", "full_name")
    )
    rows = []
    for a in ACCOUNTS:
        role = Role(a.role).label + (f"（{Department(a.department).label}）" if a.department else "")
        rows.append((a.username, DEMO_PASSWORD, role, names.get(a.region_code, a.region_code)))
    return rows
