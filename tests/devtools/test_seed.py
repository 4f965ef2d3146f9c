"""``doudi demo seed``: loads synthetic households, their facts and one account per role through the
product's own import and actions, and a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from doudi.accounts.models import Role, User
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.devtools import seed, synth
from doudi.registry.models import CategoryStatus, Household, HouseholdFact, ImportBatch, Person, PersonFact

pytestmark = pytest.mark.django_db


def _counts():
    # households the demo adds beside the synthetic roster, not counted here: the temporary-assistance applicants
    # from other provinces, registered where they were paid ("LS-…", docs/tempaid.md), and the families the
    # service providers visit ("SV-…", docs/services.md)
    extra = ("LS-", "SV-")
    not_extra_household = ~Q(household_key__startswith=extra[0]) & ~Q(household_key__startswith=extra[1])
    not_extra_person = ~Q(person_key__startswith=extra[0]) & ~Q(person_key__startswith=extra[1])
    with all_regions():
        extra_persons = Person.unscoped.exclude(not_extra_person)
        return {
            "households": Household.unscoped.filter(not_extra_household).count(),
            "persons": Person.unscoped.filter(not_extra_person).count(),
            "categories": CategoryStatus.unscoped.exclude(person__in=extra_persons).count(),
            "person_facts": PersonFact.unscoped.exclude(person__in=extra_persons).count(),
            "household_facts": HouseholdFact.unscoped.exclude(household__household_key__startswith=extra[0])
            .exclude(household__household_key__startswith=extra[1])
            .count(),
            "batches": ImportBatch.unscoped.count(),
            "users": User.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


def test_demo_seed_loads_everything_once():
    out = StringIO()
    call_command("demo", "seed", "--households", "30", "--seed", "7", stdout=out)
    text = out.getvalue()
    data = synth.generate(30, seed=7, key_prefix=seed.DEMO_KEY_PREFIX)
    first = _counts()
    assert first["households"] == 30 and first["persons"] == data.n_persons
    assert first["categories"] == data.n_persons  # every member has the roster category
    # the importer adds a location fact per household; the seed adds every generated fact
    assert first["person_facts"] == data.person_facts.num_rows
    assert first["household_facts"] == data.household_facts.num_rows + 30
    assert f"新增家庭 30 户，人员 {data.n_persons} 人" in text

    with all_regions():
        record = next(f for f in data.person_fact_records() if f["kind"] == "disability")
        fact = PersonFact.unscoped.get(person__person_key=record["person_key"], kind="disability")
        assert fact.data() == record["value"] and fact.value is None  # sensitive: encrypted at rest
        assert fact.source_ref == "" and fact.valid_from == record["valid_from"]
        row = next(r for r in data.roster.to_pylist() if r["person_key"] == record["person_key"])
        person = Person.unscoped.get(person_key=record["person_key"])
        assert (person.household.household_key, person.region_code) == (
            row["household_key"],
            row["region_code"],
        )
        assert fact.region_code == person.region_code
        assert Household.unscoped.filter(household_key__startswith="DEMO-H").count() == 30

    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in seed.ACCOUNTS])}
    # 10 + a user of each department in 延吉市 (R-P1) + the peer counties' officers, caseworkers, grid workers,
    # 长春市 and two of its departments
    assert len(users) == len(seed.ACCOUNTS) == 29
    assert users["yanji"].role == Role.COUNTY and users["yanji"].region_id == "222401000000"
    assert (
        users["nanling"].region_id == "220102001000" and users["canlian"].department == "disabled_federation"
    )
    assert users["grid-jinxue"].role == Role.GRID_WORKER and users["admin"].role == Role.ADMIN
    assert users["jinxue"].check_password(seed.DEMO_PASSWORD)
    for username in users:
        assert username in text
    assert seed.DEMO_PASSWORD in text and "县级民政" in text and "延吉市进学街道" in text

    # disclosure: the demo guides written; every county with a DIBAO/TEKUN roster past draft published
    from doudi.disclosure.models import OfficeGuide, PublishedList
    from doudi.payments.models import Roster

    with all_regions():
        assert OfficeGuide.unscoped.filter(region_code__startswith="222401").count() == 3
        paid = Roster.unscoped.filter(programme__in=("DIBAO", "TEKUN")).exclude(state="draft")
        counties = {code[:6].ljust(12, "0") for code in paid.values_list("region_code", flat=True)}
        assert set(PublishedList.unscoped.values_list("region_code", flat=True)) == counties
    assert "演示信息公开：办事指南 3 份" in text

    again = StringIO()
    call_command("demo", "seed", "--households", "30", "--seed", "7", stdout=again)
    assert _counts() == first
    assert "演示数据已存在" in again.getvalue()
    assert "yanji" in again.getvalue()  # the accounts table is printed every time


def test_demo_seed_refuses_a_non_positive_count():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="households"):
        call_command("demo", "seed", "--households", "0", stdout=StringIO())
