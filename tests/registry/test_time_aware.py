"""R-H4: facts are dated with a source; the household as of a date is one call."""

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, using_scope
from doudi.registry import actions, queries
from doudi.registry.models import IdStatus, Person, PersonFact

from ..conftest import YANJI


@pytest.fixture
def yj1(households):
    return households["H-YJ1"]


def test_household_as_of_follows_membership_dates(yj1):
    with all_regions():
        actions.add_person_to_household(
            actor="t",
            household=yj1,
            person_key="P-NEW",
            name="金小明",
            id_number=idnumber.make("222401", dt.date(2010, 2, 2), 7, male=True),
            relation="grandchild",
            since=dt.date(2025, 1, 1),
        )
        leaver = Person.objects.get(person_key="P-YJ1-2")
        actions.end_membership(actor="t", person=leaver, on=dt.date(2025, 6, 1), reason="死亡")
    with using_scope(YANJI):
        names = lambda d: sorted(m.person.name for m in queries.household_as_of(yj1, d).members)  # noqa: E731
        assert names(dt.date(2024, 12, 31)) == ["朴英子", "金明哲"]
        assert names(dt.date(2025, 1, 1)) == ["朴英子", "金小明", "金明哲"]
        assert names(dt.date(2025, 6, 1)) == ["金小明", "金明哲"]  # half-open: gone on the leaving day
        assert names(dt.date(2023, 12, 31)) == []


def test_new_fact_closes_the_previous_one_and_is_encrypted_when_sensitive(yj1):
    with all_regions():
        p = Person.objects.get(person_key="P-YJ1-1")
        actions.record_person_fact(
            actor="t",
            person=p,
            kind="disability",
            value={"kind": "physical", "grade": 3},
            valid_from=dt.date(2024, 2, 1),
            source="department",
            source_ref="batch-1",
        )
        actions.record_person_fact(
            actor="t",
            person=p,
            kind="disability",
            value={"kind": "physical", "grade": 2},
            valid_from=dt.date(2025, 2, 1),
            source="home_visit",
        )
        rows = list(PersonFact.objects.filter(person=p, kind="disability").order_by("valid_from"))
        assert rows[0].valid_to == dt.date(2025, 2, 1) and rows[1].valid_to is None
        assert rows[0].value is None and rows[0].value_enc  # encrypted at rest
        assert rows[1].data() == {"kind": "physical", "grade": 2}
        audit = AuditEvent.objects.filter(action="registry.person_fact").last()
        assert "grade" not in str(audit.after)  # no sensitive value in the log
    with using_scope(YANJI):
        snap = queries.household_as_of(yj1, dt.date(2024, 6, 1))
        head = next(m for m in snap.members if m.person.person_key == "P-YJ1-1")
        assert head.facts["disability"].data()["grade"] == 3
        assert head.facts["disability"].source == "department"
        snap = queries.household_as_of(yj1, dt.date(2025, 6, 1))
        head = next(m for m in snap.members if m.person.person_key == "P-YJ1-1")
        assert head.facts["disability"].data()["grade"] == 2


def test_backdated_fact_before_an_open_one_is_refused(yj1):
    with all_regions():
        p = Person.objects.get(person_key="P-YJ1-1")
        actions.record_person_fact(
            actor="t",
            person=p,
            kind="employment",
            value={"employed": True},
            valid_from=dt.date(2025, 2, 1),
            source="self_declared",
        )
        with pytest.raises(actions.RegistryError, match="按时间顺序"):
            actions.record_person_fact(
                actor="t",
                person=p,
                kind="employment",
                value={"employed": False},
                valid_from=dt.date(2025, 1, 1),
                source="self_declared",
            )


def test_category_history(yj1):
    with all_regions():
        p = Person.objects.get(person_key="P-YJ1-1")
        actions.set_category(
            actor="t", person=p, category="TEKUN", since=dt.date(2025, 3, 1), source="caseworker"
        )
    with using_scope(YANJI):

        def cats(d):
            return {
                c.category
                for c in queries.household_as_of(yj1, d).categories
                if c.person.person_key == "P-YJ1-1"
            }

        assert cats(dt.date(2025, 2, 28)) == {"DIBAO"}
        assert cats(dt.date(2025, 3, 1)) == {"TEKUN"}
        assert cats(dt.date(2024, 1, 1)) == set()


def test_identity_numbers_encrypted_indexed_and_flagged(households):
    with all_regions():
        hh = households["H-NG1"]
        good = idnumber.make("220102", dt.date(1970, 1, 1), 3, male=True)
        p1 = actions.add_person_to_household(
            actor="t",
            household=hh,
            person_key="P-15",
            name="赵一",
            id_number=good[:6] + good[8:17],
            relation="spouse",
            since=dt.date(2024, 1, 1),
        )
        p2 = actions.add_person_to_household(
            actor="t",
            household=hh,
            person_key="P-BAD",
            name="赵二",
            id_number="220102197001010000",
            relation="child",
            since=dt.date(2024, 1, 1),
        )
        p3 = actions.add_person_to_household(
            actor="t",
            household=hh,
            person_key="P-NONE",
            name="赵三",
            id_number="",
            relation="child",
            since=dt.date(2024, 1, 1),
        )
    assert p1.id_status == IdStatus.UPGRADED and p1.id_number() == good
    assert p1.birth_date == dt.date(1970, 1, 1) and p1.sex == "M"
    assert good.encode() not in bytes(p1.id_enc)
    assert p2.id_status == IdStatus.INVALID and p2.id_number() == "220102197001010000"
    assert p3.id_status == IdStatus.MISSING
    with using_scope("220102"):
        assert list(queries.search_households(id_number=good)) == [hh]
        assert list(queries.search_households(id_number=good[:6] + good[8:17])) == [hh]
        assert {p.person_key for p in queries.data_quality_findings()} == {"P-BAD", "P-NONE"}
    with using_scope(YANJI):
        assert list(queries.search_households(id_number=good)) == []


def test_counts_by_category_are_scoped(households):
    with using_scope(YANJI):
        c = queries.counts_by_category(dt.date(2025, 1, 1))
        assert c["by_category"]["DIBAO"]["urban"] == {"persons": 3, "households": 2}
        assert c["totals"] == {"households": 2, "persons": 3}
    with using_scope("22"):
        assert queries.counts_by_category(dt.date(2025, 1, 1))["totals"]["households"] == 3
