import pytest

from doudi.core.scoping import ScopeNotSet, using_scope
from doudi.registry.models import Household

from .conftest import NANGUAN, YANJI


def test_scoped_manager_fails_closed(households):
    with pytest.raises(ScopeNotSet):
        list(Household.objects.all())


def test_scope_limits_rows(households):
    with using_scope(YANJI):
        assert sorted(Household.objects.values_list("household_key", flat=True)) == ["H-YJ1", "H-YJ2"]
    with using_scope(NANGUAN):
        assert list(Household.objects.values_list("household_key", flat=True)) == ["H-NG1"]
