"""Fixtures for the monthly pipeline: the department files and users of the exchange tests, and a
private store per test."""

from __future__ import annotations

import pytest

from tests.exchange.conftest import dept_user, disability_csv  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def private_store(settings, tmp_path):
    """Each test writes its own store and incoming files."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DOUDI_STORE_DIR = tmp_path / "data" / "store"
    return settings.DOUDI_STORE_DIR


@pytest.fixture
def store_dir(private_store):
    return private_store
