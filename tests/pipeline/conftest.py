"""Fixtures for the monthly pipeline: the department files and users of the exchange tests, and a
private store per test."""

from __future__ import annotations

import pytest

from tests.exchange.conftest import dept_user, disability_csv, private_store  # noqa: F401 - fixtures


@pytest.fixture
def store_dir(settings):
    """The test's own store (set by the autouse ``private_store``)."""
    return settings.DOUDI_STORE_DIR
