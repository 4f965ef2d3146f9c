"""R-T3 from the registry: a person's registered legal supporters (R-H3) and their own status on a date.

A person with legal-supporter records holding on the date has a capable supporter unless every one of
them lacks capacity (DOMAIN R-T3):

* the record says so (no civil capacity, missing, in prison or compulsory drug rehabilitation);
* the supporter holds TEKUN on the date;
* the supporter holds DIBAO and is aged 60 or over;
* the supporter is aged 70 or over, or severely disabled, and the supporter's recorded own income is
  below the rigid ceiling (``rigid_income_ceiling.annual``, previous year's per-capita disposable income).

Without such records the assessment input keeps the ``supporter`` fact (or the contract default, "has
a capable supporter"). Co-residents who are not legal supporters are never recorded as supporters, so
they never count. Set-based: five queries whatever the number of persons. The supporters' own rows are
read unscoped (a supporter may live outside the user's region); only the verdict leaves this module,
with supporters named by person key, never by name or identity number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from doudi.core.dates import holds_on
from doudi.policy import params_store
from doudi.policy.rules import ParameterError, codes
from doudi.registry.models import (
    CategoryStatus,
    LegalSupporter,
    Person,
    PersonFact,
    SupporterIncapacity,
)

INCAPACITY_ZH = dict(SupporterIncapacity.choices)
REASON_TEKUN = "本人为特困人员"
REASON_DIBAO_60 = "本人为低保对象且年满60周岁"
REASON_OLD_OR_SEVERE = "{who}且本人月收入 {own} 元低于上年度居民人均可支配收入月均 {cm} 元"


@dataclass(frozen=True)
class SupporterStatus:
    supporter_key: str
    relation: str
    capable: bool
    reason_zh: str  # why the supporter lacks capacity ("" when capable)


@dataclass(frozen=True)
class Verdict:
    """R-T3 input for one person: ``capable`` is "has a capable supporter"."""

    capable: bool
    supporters: tuple[SupporterStatus, ...]

    def note_zh(self) -> str:
        parts = [
            f"{s.supporter_key}（{'有履行能力' if s.capable else '无履行能力：' + s.reason_zh}）"
            for s in self.supporters
        ]
        return "登记的法定义务人：" + "；".join(parts)


def _age(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _monthly(data: object) -> Decimal | None:
    value = data.get("monthly") if isinstance(data, dict) else None
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number >= 0 else None


def _severe(data: object) -> bool:
    if not isinstance(data, dict) or data.get("kind") not in codes.DISABILITY_KINDS:
        return False
    try:
        grade = int(str(data.get("grade")))
    except (TypeError, ValueError):
        return False
    return 1 <= grade <= codes.SEVERE_DISABILITY_MAX_GRADE[codes.DISABILITY_KINDS[data["kind"]]]


def verdicts(
    person_ids: Iterable[int], as_of: dt.date, ceiling_for: Callable[[int], Decimal | None]
) -> dict[int, Verdict]:
    """R-T3 verdicts for the persons among ``person_ids`` with supporter records holding on ``as_of``.

    ``ceiling_for(person_id)`` is the annual rigid ceiling of the assessed person's region and area
    type on the date (None when unknown: the income test then cannot show incapacity)."""
    ids = list(person_ids)
    links: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    rows = LegalSupporter.objects.filter(holds_on(as_of, "valid_from", "valid_to"), person_id__in=ids)
    for pid, sid, relation, incapacity in rows.values_list(
        "person_id", "supporter_id", "relation", "incapacity"
    ):
        links[pid].append((sid, relation, incapacity))
    if not links:
        return {}
    sids = {sid for pairs in links.values() for sid, _, _ in pairs}
    people = dict(
        (pk, (key, birth))
        for pk, key, birth in Person.unscoped.filter(id__in=sids).values_list(
            "id", "person_key", "birth_date"
        )
    )
    held: dict[int, set[str]] = defaultdict(set)
    categories = CategoryStatus.unscoped.filter(holds_on(as_of, "since", "until"), person_id__in=sids)
    for sid, category in categories.values_list("person_id", "category"):
        held[sid].add(category)
    facts: dict[int, dict[str, object]] = defaultdict(dict)
    pf = PersonFact.unscoped.filter(
        holds_on(as_of, "valid_from", "valid_to"), person_id__in=sids, kind__in=("disability", "own_income")
    ).order_by("person_id", "valid_from", "id")
    for fact in pf.only("person_id", "kind", "value", "value_enc"):
        facts[fact.person_id][fact.kind] = fact.data()

    out: dict[int, Verdict] = {}
    for pid, pairs in links.items():
        ceiling = ceiling_for(pid)
        statuses = []
        for sid, relation, incapacity in pairs:
            key, birth = people.get(sid, (str(sid), None))
            statuses.append(
                _status(key, relation, incapacity, held[sid], facts[sid], _age(birth, as_of), ceiling)
            )
        out[pid] = Verdict(any(s.capable for s in statuses), tuple(statuses))
    return out


def _status(
    key: str,
    relation: str,
    incapacity: str,
    held: set[str],
    facts: dict[str, object],
    age: int | None,
    ceiling: Decimal | None,
) -> SupporterStatus:
    def lacks(reason: str) -> SupporterStatus:
        return SupporterStatus(key, relation, False, reason)

    if incapacity:
        return lacks(INCAPACITY_ZH.get(incapacity, incapacity))
    if codes.TEKUN in held:
        return lacks(REASON_TEKUN)
    if codes.DIBAO in held and age is not None and age >= codes.AGE_ELDERLY:
        return lacks(REASON_DIBAO_60)
    old = age is not None and age >= codes.AGE_ELDERLY_TOPUP
    severe = _severe(facts.get("disability"))
    own = _monthly(facts.get("own_income"))
    if (old or severe) and own is not None and ceiling is not None and own * 12 < ceiling:
        who = "年满70周岁" if old else "重度残疾"
        cm = (ceiling / 12).quantize(Decimal("0.01"))
        return lacks(REASON_OLD_OR_SEVERE.format(who=who, own=own, cm=cm))
    return SupporterStatus(key, relation, True, "")


def ceiling_lookup(as_of: dt.date) -> Callable[[str, str], Decimal | None]:
    """(12-digit region, area type) → the annual rigid ceiling on ``as_of`` from the parameter store."""
    cache: dict[tuple[str, str], Decimal | None] = {}

    def ceiling(region12: str, area_type: str) -> Decimal | None:
        key = (region12, area_type)
        if key not in cache:
            try:
                params = params_store.provider(region12, area_type, as_of)
                cache[key] = params.decimal("rigid_income_ceiling.annual")
            except (ParameterError, ValueError):
                cache[key] = None
        return cache[key]

    return ceiling
