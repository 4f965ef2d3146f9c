"""The household as casework needs it on a date, read from the registry: current members with the facts
that decide the materials (R-W19), legal supporters living apart (R-H3), the location and area type."""

from __future__ import annotations

import datetime as dt

from doudi.casework import materials
from doudi.core.dates import holds_on
from doudi.registry.models import (
    HouseholdFact,
    HouseholdFactKind,
    IdStatus,
    LegalSupporter,
    Membership,
    Person,
    PersonFact,
    PersonFactKind,
    Source,
)


def members(household_id: int, on: dt.date) -> list[Person]:
    ids = Membership.unscoped.filter(holds_on(on), household_id=household_id).values_list(
        "person_id", flat=True
    )
    people = list(Person.unscoped.filter(pk__in=list(ids)).order_by("pk"))
    if not people:  # a household registered today may have memberships starting today only
        people = list(Person.unscoped.filter(household_id=household_id).order_by("pk"))
    return people


def supporters(person_ids: list[int], on: dt.date) -> list[Person]:
    rows = LegalSupporter.unscoped.filter(holds_on(on), person_id__in=person_ids).exclude(
        supporter_id__in=person_ids
    )
    ids = list(dict.fromkeys(rows.values_list("supporter_id", flat=True)))
    return list(Person.unscoped.filter(pk__in=ids).order_by("pk"))


def _fact_sources(person_ids: list[int], kind: str, on: dt.date) -> dict[int, str]:
    out: dict[int, str] = {}
    for pid, source in PersonFact.unscoped.filter(
        holds_on(on), person_id__in=person_ids, kind=kind
    ).values_list("person_id", "source"):
        out[pid] = "department" if source == Source.DEPARTMENT or out.get(pid) == "department" else "declared"
    return out


def for_materials(household_id: int, on: dt.date, *, tiers: list[str], proxy: bool) -> materials.Household:
    people = members(household_id, on)
    ids = [p.pk for p in people]
    disability = _fact_sources(ids, PersonFactKind.DISABILITY, on)
    illness = _fact_sources(ids, PersonFactKind.SERIOUS_ILLNESS, on)
    valid = (IdStatus.VALID, IdStatus.UPGRADED)
    rigid = HouseholdFact.unscoped.filter(
        holds_on(on), household_id=household_id, kind=HouseholdFactKind.RIGID_EXPENDITURE
    ).exists()
    return materials.Household(
        members=[
            materials.Member(
                p.pk,
                p.name,
                p.birth_date,
                p.id_status in valid,
                disability=disability.get(p.pk, ""),
                serious_illness=illness.get(p.pk, ""),
            )
            for p in people
        ],
        supporters=[
            materials.Member(s.pk, s.name, s.birth_date, s.id_status in valid, co_resident=False)
            for s in supporters(ids, on)
        ],
        tiers=tiers,
        rigid_expenditure=rigid,
        proxy=proxy,
    )
