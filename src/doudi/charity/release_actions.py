"""The need's row lock and the set-based release of claims (shared by the need writes and the claim writes): a
released claim's part returns to its need, whose ``claimed`` and state are recomputed in SQL."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from doudi.charity import rules
from doudi.charity.models import Claim, Delivery, Need


def locked(need: Need) -> Need:
    """The need, re-read under its row lock (every state change and claim goes through here)."""
    return Need.unscoped.select_for_update().get(pk=need.pk)


def release(claim_ids: list[int], *, reason: str) -> list[int]:
    """Release these claims and bring their needs' ``claimed`` and state in line (the needs must be locked by
    the caller). Returns the ids of the needs touched."""
    if not claim_ids:
        return []
    today = timezone.localdate()
    need_ids = sorted(set(Claim.unscoped.filter(pk__in=claim_ids).values_list("need_id", flat=True)))
    Delivery.unscoped.filter(claim_id__in=claim_ids, state="submitted").update(
        state="rejected", reject_reason=reason[:200], confirmed_on=today
    )
    Claim.unscoped.filter(pk__in=claim_ids).update(state="released", released_on=today, release_reason=reason,
                                                   locked_until=None)  # fmt: skip
    counted = (
        Claim.unscoped.filter(need_id=OuterRef("pk"), state__in=rules.COUNTED_CLAIMS)
        .values("need_id")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    Need.unscoped.filter(pk__in=need_ids).update(
        claimed=Coalesce(Subquery(counted, output_field=money), Value(Decimal(0)), output_field=money),
        version=F("version") + 1,
    )
    Need.unscoped.filter(pk__in=need_ids, state__in=rules.LIVE).update(
        state=Case(
            When(Q(claimed__lte=0), then=Value("published")),
            When(Q(claimed__lt=F("target")), then=Value("partly_claimed")),
            default=Value("claimed"),
        )
    )
    return need_ids


def release_claims_of(need: Need, *, reason: str) -> int:
    """Release every live claim of a (locked) need: consent withdrawn, need closed."""
    ids = list(
        Claim.unscoped.filter(need_id=need.pk, state__in=rules.LIVE_CLAIMS).values_list("pk", flat=True)
    )
    release(ids, reason=reason)
    need.refresh_from_db(fields=["claimed", "state", "version"])
    return len(ids)
