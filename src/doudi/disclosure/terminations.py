"""Termination notices (终止公示, CASEWORK R-PUB4, R-W35): a case whose review proposes to end it (or to end
it and move it to another tier) is published on its township's public page for the notice period the review
set (``CaseReview.notice_from`` … ``notice_until``: 7 days for TEKUN, ``notice.termination_days`` for
DIBAO). Deaths and confirmed moves never reach notice (casework decides that).

What is shown follows R-PUB2: the holder's name masked, the village or community, the tier and what is
proposed, the last day, how to object — never the reasons (they name income, illness, family events).
Exempt cases (R-PUB3: HIV/AIDS, a county-approved ``no_publication`` reason, a minor holder or applicant)
are never shown. The notice leaves the page the day after its last day (R-PUB8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from doudi.casework.lifecycle_models import CaseReview
from doudi.casework.publicity import mask_name, place_of
from doudi.disclosure.publish_actions import minor_cutoff
from doudi.regions.models import Region
from doudi.registry.models import CATEGORY_NAMES, Person

PROPOSAL: dict[str, str] = {
    CaseReview.Outcome.TERMINATE: "拟终止救助",
    CaseReview.Outcome.TRANSITION: "拟终止并转入其他救助类别",
}


@dataclass(frozen=True)
class TerminationNotice:
    name: str  # masked
    place: str
    tier: str  # Chinese name
    proposal: str
    notice_from: dt.date | None
    notice_until: dt.date | None


def _place(cache: dict[str, str], code: str) -> str:
    if code not in cache:
        cache[code] = place_of(code)
    return cache[code]


def termination_notices(region: Region, today: dt.date) -> list[TerminationNotice]:
    """The township's running termination notices (two queries: the reviews, then the holders)."""
    if region.level != "township":
        return []
    reviews = list(
        CaseReview.unscoped.filter(
            state=CaseReview.State.IN_NOTICE,
            notice_from__lte=today,
            notice_until__gte=today,
            case__region_code__startswith=region.code[:9],
        )
        .exclude(case__application__hiv_flag=True)
        .exclude(case__application__no_publication__gt="")
        .values(
            "outcome",
            "notice_from",
            "notice_until",
            "case__household_id",
            "case__tier",
            "case__region_code",
            "case__application__applicant__birth_date",
        )
        .order_by("notice_until", "pk")
    )
    heads: dict[int, tuple[str, dt.date | None]] = {}
    for household, name, born in Person.unscoped.filter(
        household_id__in={r["case__household_id"] for r in reviews}, relation="head"
    ).values_list("household_id", "name", "birth_date"):
        heads.setdefault(household, (name, born))
    minor = minor_cutoff(today)
    places: dict[str, str] = {}  # a township's notices share a few villages: one lookup each
    out = []
    for r in reviews:
        name, born = heads.get(r["case__household_id"], ("", None))
        applicant_born = r["case__application__applicant__birth_date"]
        if (born and born > minor) or (applicant_born and applicant_born > minor) or not name:
            continue  # R-PUB3: minors are never named; a household without a holder cannot be published
        out.append(
            TerminationNotice(
                name=mask_name(name),
                place=_place(places, r["case__region_code"]),
                tier=CATEGORY_NAMES.get(r["case__tier"], ""),
                proposal=PROPOSAL.get(str(r["outcome"]), "拟终止救助"),
                notice_from=r["notice_from"],  # both set with the notice state (casework)
                notice_until=r["notice_until"],
            )
        )
    return out
