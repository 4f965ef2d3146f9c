"""The registry facts the eligibility rules need (``rules.PersonFacts``), read for a set of persons at once:
current categories, current household size, the latest disability fact (decrypted here, never shown), and
whether a TEKUN case is centralised (集中供养, casework's case)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from doudi.casework.models import Case
from doudi.core import crypto
from doudi.core.dates import holds_on
from doudi.registry.models import CategoryStatus, Membership, Person, PersonFact
from doudi.services.rules import PersonFacts

OPEN_CASE = ("active", "under_review", "adjusted", "grace", "suspended")


def facts_for(person_ids: list[int], on: dt.date) -> dict[int, PersonFacts]:
    persons = list(Person.unscoped.filter(pk__in=person_ids).values("pk", "birth_date", "household_id"))
    hh_ids = {p["household_id"] for p in persons if p["household_id"]}
    cats: dict[int, set[str]] = defaultdict(set)
    for pid, cat in CategoryStatus.unscoped.filter(
        Q(person_id__in=person_ids), Q(since__lte=on), Q(until__isnull=True) | Q(until__gt=on)
    ).values_list("person_id", "category"):
        cats[pid].add(cat)
    sizes = dict(
        Membership.unscoped.filter(household_id__in=hh_ids)
        .filter(holds_on(on))
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    disability: dict[int, tuple[dt.date, bytes]] = {}
    for pid, since, blob in (
        PersonFact.unscoped.filter(person_id__in=person_ids, kind="disability")
        .filter(holds_on(on))
        .values_list("person_id", "valid_from", "value_enc")
    ):
        if blob is not None and (pid not in disability or since > disability[pid][0]):
            disability[pid] = (since, bytes(blob))
    centralized = set(
        Case.unscoped.filter(
            household_id__in=hh_ids, tier="TEKUN", state__in=OPEN_CASE, support_form="centralized"
        ).values_list("household_id", flat=True)
    )
    out = {}
    for p in persons:
        grade, kind = None, ""
        if p["pk"] in disability:
            value = crypto.decrypt_json(disability[p["pk"]][1])
            if isinstance(value, dict):
                raw = value.get("grade")
                try:
                    grade = int(raw) if raw is not None else None
                except (TypeError, ValueError):
                    grade = None
                kind = str(value.get("kind") or "")
        out[p["pk"]] = PersonFacts(
            birth_date=p["birth_date"],
            categories=frozenset(cats.get(p["pk"], ())),
            household_size=sizes.get(p["household_id"], 0),
            disability_grade=grade,
            disability_kind=kind,
            tekun_centralized=p["household_id"] in centralized,
        )
    return out


def facts_of(person_id: int, on: dt.date) -> PersonFacts:
    return facts_for([person_id], on)[person_id]
