"""Reads of the policy app, always through the region-scoped managers: proposals, runs and
decisions outside the caller's subtree are simply not found (the pages turn that into a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from doudi.policy.models import Decision, ParameterProposal, PolicyRun


def pending_proposal_count() -> int:
    return ParameterProposal.objects.filter(status=ParameterProposal.Status.PENDING).count()


def proposals(status: str = "") -> QuerySet[ParameterProposal]:
    """Proposals in scope, optionally of one status (an unknown status means all)."""
    qs = ParameterProposal.objects.select_related("proposed_by", "reviewed_by")
    if status in ParameterProposal.Status.values:
        qs = qs.filter(status=status)
    return qs


def get_proposal(pk: int) -> ParameterProposal:
    """Raises ParameterProposal.DoesNotExist outside the scope too."""
    return ParameterProposal.objects.select_related("proposed_by", "reviewed_by").get(pk=pk)


def get_run(pk: int) -> PolicyRun:
    """Raises PolicyRun.DoesNotExist outside the scope too."""
    return PolicyRun.objects.select_related("created_by").get(pk=pk)


def recent_runs(limit: int) -> list[PolicyRun]:
    return list(PolicyRun.objects.select_related("created_by")[:limit])


def household_decisions(household, limit: int) -> list[Decision]:
    """A household's latest decisions, newest first."""
    return list(
        Decision.objects.filter(household=household).select_related("taken_by").order_by("-taken_at")[:limit]
    )


def get_decision(pk: int) -> Decision:
    """Raises Decision.DoesNotExist outside the scope too."""
    return Decision.objects.select_related("household", "taken_by").get(pk=pk)
