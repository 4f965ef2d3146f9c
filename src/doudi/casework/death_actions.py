"""Deaths (R-W32, R-PAY2): one set-based write for one death reported by hand
(``lifecycle_actions.record_death``) and for the deaths found in department data
(``record_deaths_from_data``, run after a death batch is linked and in the daily pass).

``apply_deaths`` (inside the caller's transaction; no ORM call per person or case):

* a ``DeathRecord`` per person that has none (the persons are locked first; one already recorded is
  left as it is — re-sent data adds nothing);
* a change review (变化复核, ``deadline.change_review_wd`` working days) on each open case of the
  dead persons' households, or the death added to the case's open review; an active or adjusted case
  goes under review;
* where the dead person was the only person a DIBAO/TEKUN case paid (the category history on the day
  of death, other members already dead counted out), ``pay_until`` = the month of death
  (``pay.death_rule`` month_of_death) or the month after;
* the casework events (``review_opened`` for a new review, ``death`` per case and person).

The roster's lock (``payments.roster_actions``) drops the lines of a person with a DeathRecord.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from doudi.casework import clock, death_data, params
from doudi.casework.base import CaseworkError
from doudi.casework.events import CaseChange, CaseworkEvent, emit
from doudi.casework.lifecycle_base_actions import (
    OPEN_CASE_STATES,
    OPEN_REVIEW_STATES,
    PAID_TIERS,
    REPORT_ROLES,
    actor_user,
    check_actor,
    month_start,
    next_month,
)
from doudi.casework.models import Case, CaseReview, DeathRecord
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.registry.models import CategoryStatus, Person

CHUNK = 5_000
DATA_SOURCES = ("cremation", "hukou", "data")
PROVINCE = "220000000000"


@dataclass(frozen=True)
class Death:
    person_id: int
    died_on: dt.date
    source: str
    source_ref: str = ""


@dataclass
class Applied:
    """What ``apply_deaths`` wrote."""

    persons: list[int] = field(default_factory=list)  # the persons given a DeathRecord
    cases: list[int] = field(default_factory=list)  # the open cases of their households
    reviews_opened: list[int] = field(default_factory=list)
    reviews_joined: list[int] = field(default_factory=list)
    reviews_opened_cases: list[int] = field(default_factory=list)
    pay_until: dict[int, dt.date] = field(default_factory=dict)  # case id → last paid month
    regions: set[str] = field(default_factory=set)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


def trigger_for(source: str) -> str:
    if source in DATA_SOURCES:
        return CaseReview.Trigger.DATA
    return CaseReview.Trigger.GRID if source == "grid" else CaseReview.Trigger.FAMILY


def _line(on: dt.date, name: str, death: Death) -> str:
    """The review's change line, as ``open_change_review`` writes it (date：变化类型：detail)."""
    label = DeathRecord.Source(death.source).label
    return f"{on:%Y-%m-%d}：死亡：{name}于{death.died_on:%Y-%m-%d}死亡（{label}）"


def _last_month(rule: str, died_on: dt.date) -> dt.date:
    return next_month(died_on) if rule == "month_after" else month_start(died_on)


def apply_deaths(actor, deaths: Sequence[Death], on: dt.date) -> Applied:
    """See the module's docstring. ``on``: the day the deaths are recorded (checked by the caller)."""
    wanted: dict[int, Death] = {}
    for d in deaths:
        if d.source not in DeathRecord.Source.values:
            raise CaseworkError("未知的死亡信息来源", "source")
        wanted.setdefault(int(d.person_id), d)
    out = Applied()
    persons: dict[int, tuple[int | None, str, str]] = {}  # pk → household, region, name
    for chunk in _chunks(sorted(wanted)):
        rows = Person.unscoped.select_for_update().filter(pk__in=chunk)
        persons.update({pk: (hh, region, name) for pk, hh, region, name in
                        rows.values_list("pk", "household_id", "region_code", "name")})  # fmt: skip
        done = set(DeathRecord.unscoped.filter(person_id__in=chunk).values_list("person_id", flat=True))
        for pk in done:
            persons.pop(pk, None)
    if not persons:
        return out
    for region in {region for _, region, _ in persons.values()}:
        check_actor(actor, region, REPORT_ROLES)
    user = actor_user(actor)
    DeathRecord.unscoped.bulk_create(
        [
            DeathRecord(
                person_id=pk,
                region_code=region,
                died_on=wanted[pk].died_on,
                source=wanted[pk].source,
                source_ref=wanted[pk].source_ref[:64],
                recorded_on=on,
                recorded_by=user,
            )
            for pk, (_, region, _) in sorted(persons.items())
        ],
        batch_size=CHUNK,
    )
    out.persons = sorted(persons)
    out.regions = {region for _, region, _ in persons.values()}
    dead_by_household: dict[int, list[int]] = defaultdict(list)
    for pk, (hh, _, _) in sorted(persons.items(), key=lambda kv: (wanted[kv[0]].died_on, kv[0])):
        if hh is not None:
            dead_by_household[hh].append(pk)
    cases: list[Case] = []
    for chunk in _chunks(sorted(dead_by_household)):
        cases += Case.unscoped.select_for_update().filter(household_id__in=chunk, state__in=OPEN_CASE_STATES)
    cases.sort(key=lambda c: c.pk)
    out.cases = [c.pk for c in cases]
    if not cases:
        return out
    _reviews(actor, cases, dead_by_household, persons, wanted, on, out)
    _pay_until(cases, dead_by_household, persons, wanted, on, out)
    person_objs: dict[int, Person] = {}
    for chunk in _chunks(out.persons):
        person_objs.update(Person.unscoped.in_bulk(chunk))
    opened = set(out.reviews_opened_cases)
    for case in cases:
        if case.pk in opened:
            emit(
                CaseworkEvent.CASE_CHANGED,
                case=case,
                kind=CaseChange.REVIEW_OPENED,
                decision=None,
                actor=actor,
            )
        for pk in dead_by_household[case.household_id]:
            emit(CaseworkEvent.CASE_CHANGED, case=case, kind=CaseChange.DEATH, decision=None,
                 person=person_objs.get(pk), died_on=wanted[pk].died_on, actor=actor)  # fmt: skip
    return out


def _reviews(actor, cases: list[Case], dead_by_household, persons, wanted, on: dt.date, out: Applied) -> None:
    """A new change review per case without an open one; the deaths added to the open ones."""
    now = timezone.now()
    open_reviews: dict[int, CaseReview] = {}
    for chunk in _chunks([c.pk for c in cases]):
        qs = CaseReview.unscoped.select_for_update().filter(case_id__in=chunk, state__in=OPEN_REVIEW_STATES)
        open_reviews.update({r.case_id: r for r in qs})
    due: dict[str, dt.date] = {}
    joined: list[CaseReview] = []
    new: list[CaseReview] = []
    for case in cases:
        dead = dead_by_household[case.household_id]
        lines = [_line(on, persons[pk][2], wanted[pk]) for pk in dead]
        review = open_reviews.get(case.pk)
        if review is not None:
            review.change_detail = "\n".join(
                [review.change_detail, *lines] if review.change_detail else lines
            )
            review.change_type = review.change_type or "death"
            review.updated_at = now
            joined.append(review)
            continue
        if case.region_code not in due:
            n = params.days("deadline.change_review_wd", region_code=case.region_code, on=on)
            due[case.region_code] = clock.due(on, n)
        new.append(
            CaseReview(
                case=case,
                region_code=case.region_code,
                kind=CaseReview.Kind.CHANGE,
                trigger=trigger_for(wanted[dead[0]].source),
                change_type="death",
                change_detail="\n".join(lines),
                reported_on=on,
                opened_on=on,
                due=due[case.region_code],
                opened_by=actor_user(actor),
            )
        )
    if joined:
        CaseReview.unscoped.bulk_update(
            joined, ["change_detail", "change_type", "updated_at"], batch_size=CHUNK
        )
    out.reviews_joined = sorted(r.pk for r in joined)
    if not new:
        return
    CaseReview.unscoped.bulk_create(new, batch_size=CHUNK)
    out.reviews_opened_cases = sorted(r.case_id for r in new)
    under_review = (Case.State.ACTIVE, Case.State.ADJUSTED)
    for chunk in _chunks(out.reviews_opened_cases):
        out.reviews_opened += CaseReview.unscoped.filter(
            case_id__in=chunk, state__in=OPEN_REVIEW_STATES
        ).values_list("pk", flat=True)
        Case.unscoped.filter(pk__in=chunk, state__in=under_review).update(
            state=Case.State.UNDER_REVIEW, updated_at=now
        )
    opened = set(out.reviews_opened_cases)
    for case in cases:
        if case.pk in opened and case.state in under_review:
            case.state = Case.State.UNDER_REVIEW
    out.reviews_opened.sort()


def _pay_until(cases: list[Case], dead_by_household, persons, wanted, on: dt.date, out: Applied) -> None:
    """``pay_until`` of the DIBAO/TEKUN cases whose only paid person died (see the module's docstring)."""
    paid = [c for c in cases if c.tier in PAID_TIERS]
    if not paid:
        return
    households = sorted({c.household_id for c in paid})
    holders: dict[tuple[int, str], list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for chunk in _chunks(households):
        rows = CategoryStatus.unscoped.filter(household_id__in=chunk, category__in=PAID_TIERS)
        for hh, category, person, since, until in rows.values_list(
            "household_id", "category", "person_id", "since", "until"
        ):
            holders[(hh, category)].append((person, since, until))
    holder_ids = sorted({p for rows in holders.values() for p, _, _ in rows})
    died: dict[int, dt.date] = {}
    for chunk in _chunks(holder_ids):
        died.update(DeathRecord.unscoped.filter(person_id__in=chunk).values_list("person_id", "died_on"))
    rules: dict[str, str] = {}
    by_month: dict[dt.date, list[int]] = defaultdict(list)
    for case in paid:
        last = None
        for pk in dead_by_household[case.household_id]:
            day = wanted[pk].died_on
            held = {p for p, since, until in holders[(case.household_id, case.tier)]
                    if since <= day and (until is None or until >= day)}  # fmt: skip
            alive = {p for p in held if not (p in died and died[p] <= day)}
            if pk in held and alive <= {pk}:
                region = persons[pk][1]
                if region not in rules:
                    rules[region] = str(params.value("pay.death_rule", region_code=region, on=on))
                month = _last_month(rules[region], day)
                last = month if last is None else min(last, month)
        if last is not None and (case.pay_until is None or case.pay_until > last):
            case.pay_until = last
            by_month[last].append(case.pk)
            out.pay_until[case.pk] = last
    now = timezone.now()
    for month, ids in sorted(by_month.items()):
        for chunk in _chunks(ids):
            Case.unscoped.filter(pk__in=chunk).update(pay_until=month, updated_at=now)


def audit_region(regions: Iterable[str]) -> str:
    """The region an audit entry of a run is filed under: the one region, the county all of them
    lie in, or the province."""
    codes = sorted(set(regions))
    if len(codes) == 1:
        return codes[0]
    counties = {c[:6] for c in codes}
    return (counties.pop() + "000000") if len(counties) == 1 else PROVINCE


@transaction.atomic
def record_deaths_from_data(
    *, actor, batch_ids: Iterable[int] | None = None, on: dt.date | None = None
) -> int:
    """The deaths of the linked death batches (the given ones, or all of them) for the persons of paid
    cases not yet known dead (``death_data.find_deaths``) → ``apply_deaths``; one audit entry per run.
    Returns the number of DeathRecords written (0 on a re-run)."""
    on = on or timezone.localdate()  # the daily pass's day (a job, not a person's entry)
    ids = sorted({int(b) for b in batch_ids}) if batch_ids is not None else None
    found = death_data.find_deaths(ids, on=on)
    if not found:
        return 0
    applied = apply_deaths(actor, [Death(f.person_id, f.died_on, f.source, f.source_ref) for f in found], on)
    if applied.persons:
        written = set(applied.persons)
        record_audit(
            actor=actor,
            action=AuditAction.CASE_DEATHS_FROM_DATA,
            region_code=audit_region(applied.regions),
            subject_type="job",
            subject_id="deaths_from_data",
            after={
                "on": on,
                "batches": sorted({f.batch_id for f in found if f.person_id in written}),
                "deaths": len(applied.persons),
                "persons": applied.persons[:1000],
                "cases": applied.cases[:1000],
                "reviews_opened": len(applied.reviews_opened),
                "reviews_joined": len(applied.reviews_joined),
                "pay_until": {str(k): v for k, v in list(applied.pay_until.items())[:1000]},
            },
        )
    return len(applied.persons)
