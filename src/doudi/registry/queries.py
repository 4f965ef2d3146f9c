"""Reads of the registry, always through the scoped managers (a missing scope raises).

``household_as_of`` is the one call that answers "what did this household look like on date D" (R-H4).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from doudi.core import idnumber
from doudi.core.dates import holds_on
from doudi.registry.identity import index_for
from doudi.registry.models import (
    CategoryStatus,
    Household,
    HouseholdFact,
    IdStatus,
    LegalSupporter,
    Membership,
    Person,
    PersonFact,
    PersonFactKind,
)


def get_household(pk: int) -> Household:
    """Raises Household.DoesNotExist outside the scope too — existence is not leaked."""
    return Household.objects.get(pk=pk)


def get_household_by_key(key: str) -> Household:
    return Household.objects.get(household_key=key)


def find_household_by_key(key: str) -> Household | None:
    """The household with this key in the caller's scope, or None."""
    return Household.objects.filter(household_key=key).first()


def household_members(household_id: int) -> QuerySet[Person]:
    """The persons recorded in a household (scoped; unordered)."""
    return Person.objects.filter(household_id=household_id)


def household_head(household_id: int) -> Person | None:
    return Person.objects.filter(household_id=household_id, relation="head").first()


def head_names(household_ids) -> dict[int, str]:
    """Household id → its head's name, for a page of households (one query)."""
    return dict(
        Person.objects.filter(household_id__in=household_ids, relation="head").values_list(
            "household_id", "name"
        )
    )


def count_households_under(prefix: str) -> int:
    """How many households in scope lie under the region code prefix."""
    return Household.objects.filter(region_code__startswith=prefix).count()


def current_member_names(household_ids, on: dt.date):
    """(household id, relation, person name) of the memberships holding on ``on`` (one query)."""
    return Membership.objects.filter(holds_on(on), household_id__in=household_ids).values_list(
        "household_id", "relation", "person__name"
    )


def current_household_categories(household_ids, on: dt.date):
    """(household id, category) of the category statuses holding on ``on`` (one query)."""
    return CategoryStatus.objects.filter(
        holds_on(on, "since", "until"), household_id__in=household_ids
    ).values_list("household_id", "category")


def current_person_categories(person_ids, on: dt.date) -> QuerySet[CategoryStatus]:
    return CategoryStatus.objects.filter(holds_on(on, "since", "until"), person_id__in=person_ids).order_by(
        "since"
    )


def current_person_facts(person: Person, on: dt.date) -> QuerySet[PersonFact]:
    return PersonFact.objects.filter(holds_on(on), person=person).order_by("kind", "valid_from")


def lookup_persons(id_number: str, name: str) -> QuerySet[Person]:
    """Persons in scope by exact identity number (through the blind index) and/or exact name."""
    qs = Person.objects.select_related("household")
    if id_number:
        idx = index_for(id_number)
        qs = qs.filter(id_index=idx) if idx else qs.none()
    if name:
        qs = qs.filter(name=name)
    return qs.order_by("name", "person_key")


def get_person(pk: int) -> Person:
    return Person.objects.get(pk=pk)


# Substring matching (a name's given part, a fragment of a household key) scans the persons of the
# searched subtree; it is offered only where that subtree is a county or smaller (a few hundred
# thousand persons at most). Above, names and keys match by their beginning, which an index serves.
SUBSTRING_MIN_PREFIX = 6


def starts_with_q(field: str, text: str) -> Q:
    """``field`` begins with ``text``, in a form the column's index serves: on SQLite (binary
    collation) a range, since its case-insensitive LIKE cannot use the index; on PostgreSQL LIKE
    'x%', served by the ``varchar_pattern_ops`` index Django adds to indexed text columns."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})
    return Q(**{f"{field}__startswith": text})


def _searched_prefix(region: str = "") -> str:
    from doudi.core.scoping import current_scope, prefix_of

    if region.strip():
        return prefix_of(region.strip())
    scope = current_scope()
    return scope.prefix if scope is not None else ""


def substring_allowed(region: str = "") -> bool:
    """Whether a search over ``region`` (or the caller's whole scope) also matches inside names/keys."""
    return len(_searched_prefix(region)) >= SUBSTRING_MIN_PREFIX


def _partial_q(field: str, text: str, substring: bool) -> Q:
    q = starts_with_q(field, text)
    return q | Q(**{f"{field}__contains": text}) if substring else q


def search_households(
    *,
    name: str = "",
    id_number: str = "",
    region: str = "",
    category: str = "",
    area_type: str = "",
    household_key: str = "",
) -> QuerySet[Household]:
    """Households in scope with a current member matching the name / identity number, narrowed by
    region subtree, current category and area type. A name or household key matches by its
    beginning (indexed) and, within a county or smaller (``substring_allowed``), anywhere inside
    ("明哲" finds 金明哲); identity numbers match only whole, through the blind index (15-digit
    numbers find their upgraded form)."""
    qs = Household.objects.all()
    prefix = _searched_prefix(region)
    substring = len(prefix) >= SUBSTRING_MIN_PREFIX
    # the subtree again as an index range: lets SQLite (whose LIKE cannot use the index) read only
    # the subtree's rows for a substring match instead of every row
    subtree = starts_with_q("region_code", prefix) if substring else Q()
    person_filter = Q()
    if name.strip():
        person_filter &= _partial_q("name", name.strip(), substring)
    if id_number.strip():
        idx = index_for(id_number)
        person_filter &= Q(id_index=idx) if idx else Q(pk__in=[])
    if person_filter:
        persons = Person.objects.filter(person_filter, subtree, household__isnull=False)
        qs = qs.filter(pk__in=persons.values("household_id"))
    if region.strip():
        from doudi.core.scoping import prefix_of

        qs = qs.filter(region_code__startswith=prefix_of(region.strip()))
    if category:
        qs = qs.filter(
            pk__in=CategoryStatus.objects.filter(category=category, until__isnull=True).values("household_id")
        )
    if area_type:
        qs = qs.filter(area_type=area_type)
    if household_key.strip():
        qs = qs.filter(_partial_q("household_key", household_key.strip(), substring), subtree)
    return qs.order_by("household_key")


@dataclass
class MemberSnapshot:
    person: Person
    relation: str
    valid_from: dt.date
    categories: list[CategoryStatus] = field(default_factory=list)
    facts: dict[str, PersonFact] = field(default_factory=dict)


@dataclass
class HouseholdSnapshot:
    household: Household
    as_of: dt.date
    members: list[MemberSnapshot]
    facts: dict[str, HouseholdFact]
    categories: list[CategoryStatus]

    @property
    def current_category(self) -> str | None:
        cats = {c.category for c in self.categories}
        for c in ("TEKUN", "DIBAO", "MARGINAL", "RIGID", "FPJC", "OTHER"):
            if c in cats:
                return c
        return None


def age_on(birth: dt.date | None, d: dt.date) -> int | None:
    if birth is None:
        return None
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def household_as_of(household: Household, as_of: dt.date) -> HouseholdSnapshot:
    """Members, their facts and categories, and the household's facts, as they stood on ``as_of``.
    Five queries whatever the household size."""
    memberships = list(
        Membership.objects.filter(holds_on(as_of), household=household)
        .select_related("person")
        .order_by("relation", "person__birth_date")
    )
    person_ids = [m.person_id for m in memberships]
    pfacts: dict[int, dict[str, PersonFact]] = defaultdict(dict)
    for f in PersonFact.objects.filter(holds_on(as_of), person_id__in=person_ids).order_by("valid_from"):
        pfacts[f.person_id][f.kind] = f
    cats = list(
        CategoryStatus.objects.filter(holds_on(as_of, "since", "until"), household=household).order_by(
            "since"
        )
    )
    by_person: dict[int, list[CategoryStatus]] = defaultdict(list)
    for c in cats:
        by_person[c.person_id].append(c)
    members = [
        MemberSnapshot(
            m.person, m.relation, m.valid_from, by_person.get(m.person_id, []), pfacts.get(m.person_id, {})
        )
        for m in memberships
    ]
    members.sort(key=lambda m: (m.relation != "head", m.person.birth_date or dt.date.max))
    hfacts = {
        f.kind: f
        for f in HouseholdFact.objects.filter(holds_on(as_of), household=household).order_by("valid_from")
    }
    return HouseholdSnapshot(household, as_of, members, hfacts, cats)


def category_history(household: Household) -> QuerySet[CategoryStatus]:
    return CategoryStatus.objects.filter(household=household).select_related("person").order_by("-since")


def membership_history(household: Household) -> QuerySet[Membership]:
    return Membership.objects.filter(household=household).select_related("person").order_by("-valid_from")


def fact_history(household: Household) -> dict[str, Any]:
    return {
        "person": PersonFact.objects.filter(person__memberships__household=household)
        .select_related("person")
        .distinct()
        .order_by("-valid_from"),
        "household": HouseholdFact.objects.filter(household=household).order_by("-valid_from"),
    }


def counts_by_category(as_of: dt.date | None = None) -> dict[str, Any]:
    """Households and persons in scope by category and area type (home page, R-S1).

    A household is counted under each category any of its members holds on the date."""
    as_of = as_of or dt.date.today()
    rows = (
        CategoryStatus.objects.filter(holds_on(as_of, "since", "until"))
        .values("category", "household__area_type")
        .annotate(persons=Count("person_id", distinct=True), households=Count("household_id", distinct=True))
    )
    table: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for r in rows:
        table[r["category"]][r["household__area_type"]] = {
            "persons": r["persons"],
            "households": r["households"],
        }
    totals = {
        "households": Household.objects.count(),
        "persons": Person.objects.filter(household__isnull=False).count(),
    }
    return {"by_category": dict(table), "totals": totals, "as_of": as_of}


def data_quality_findings() -> QuerySet[Person]:
    """Persons whose identity number is invalid or missing (R-H1: kept and listed, never fixed)."""
    return Person.objects.filter(id_status__in=[IdStatus.INVALID, IdStatus.MISSING]).order_by(
        "region_code", "name"
    )


def duplicate_id_numbers() -> QuerySet:
    """Blind indexes held by more than one person in scope."""
    return (
        Person.objects.exclude(id_index__isnull=True)
        .values("id_index")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n")
    )


def describe_id_problem(person: Person) -> str:
    if person.id_status == IdStatus.MISSING:
        return "身份证号缺失"
    try:
        return idnumber.PROBLEM_ZH[idnumber.IdProblem(person.id_problem)]
    except ValueError:
        return ""


def household_supporters(household: Household, on: dt.date) -> list[LegalSupporter]:
    """The legal-supporter records holding on ``on`` of the household's current members, with the
    persons and the supporter's own household (one query)."""
    return list(
        LegalSupporter.objects.filter(holds_on(on), person__household=household)
        .select_related("person", "supporter", "supporter__household")
        .order_by("person__relation", "person_id", "valid_from")
    )


def persons_with_contact(person_ids, on: dt.date) -> set[int]:
    """Which of these persons have a recorded address/phone holding on ``on`` (one query)."""
    return set(
        PersonFact.objects.filter(holds_on(on), person_id__in=list(person_ids), kind=PersonFactKind.CONTACT)
        .values_list("person_id", flat=True)
    )  # fmt: skip


def get_supporter_link(pk: int, household: Household) -> LegalSupporter:
    """A supporter record of a member of ``household`` (scoped; DoesNotExist otherwise)."""
    return LegalSupporter.objects.select_related("person", "supporter").get(
        pk=pk, person__household=household
    )


def current_member(household: Household, person_id: int) -> Person:
    """A current member of ``household`` (scoped; DoesNotExist otherwise)."""
    return Person.objects.get(pk=person_id, household=household)


def audit_subjects(id_index: str) -> list[tuple[str, int]]:
    """The audit subjects of the persons in scope with this blind index: each person and its household
    (registered in ``core.audit_queries`` for the audit log's person filter)."""
    pairs = Person.objects.filter(id_index=id_index).values_list("pk", "household_id")
    out: list[tuple[str, int]] = []
    for pk, household_id in pairs:
        out.append(("person", pk))
        if household_id:
            out.append(("household", household_id))
    return out
