"""Fixtures for batch reassessment and simulation: the demo data (40 synthetic households in six
townships, loaded by ``doudi demo seed``), its demo accounts, the immediate task backend and a private
result store."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from doudi.core.scoping import all_regions

AS_OF = dt.date(2025, 8, 1)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    from doudi.policy import params_store

    settings.TASKS = IMMEDIATE
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    params_store.clear_cache()
    yield
    params_store.clear_cache()


@pytest.fixture
def demo(db):
    """Seed the demo roster (init + 40 households with their facts + demo accounts, without the months of
    work on them); returns the accounts by username."""
    from doudi.accounts.models import User

    call_command("demo", "seed", "--households", "40", "--roster-only", stdout=StringIO(), stderr=StringIO())
    return {u.username: u for u in User.objects.all()}


# the demo's temporary-assistance applicants from elsewhere are registered at the township that paid them
# (households "LS-…", docs/tempaid.md): no member before they were paid, so not assessable on AS_OF
OUTSIDERS = "LS-"


def demo_households():
    """The synthetic roster's households (without the temporary-assistance outsiders)."""
    from doudi.registry.models import Household

    with all_regions():
        return list(Household.unscoped.exclude(household_key__startswith=OUTSIDERS).order_by("id"))


def outsiders() -> int:
    from doudi.registry.models import Household

    with all_regions():
        return Household.unscoped.filter(household_key__startswith=OUTSIDERS).count()
