"""Fixtures for the JSON API: tokens, an authenticated caller, and the raw identity numbers of the
shared households (tests/conftest.py builds them with ``idnumber.make``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions

# person_key -> the identity number tests/conftest.py gave the person
ID_NUMBERS = {
    "P-YJ1-1": idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True),
    "P-YJ1-2": idnumber.make("222401", dt.date(1952, 7, 9), 101, male=False),
    "P-YJ2-1": idnumber.make("222401", dt.date(1985, 5, 20), 100, male=False),
    "P-NG1-1": idnumber.make("220102", dt.date(1960, 1, 15), 100, male=True),
}
PERSON_HOUSEHOLD = {"P-YJ1-1": "H-YJ1", "P-YJ1-2": "H-YJ1", "P-YJ2-1": "H-YJ2", "P-NG1-1": "H-NG1"}


@pytest.fixture
def token_for(db):
    from doudi.accounts.actions import create_token

    def make(user, name: str = "test") -> str:
        with all_regions():
            return create_token(actor="test", user=user, name=name)

    return make


class Caller:
    """The Django test client with a bearer token; ``.json`` decodes the body."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, **params):
        return self.client.get(url, params or None, headers=self.headers)

    def post(self, url: str, data=None):
        return self.client.post(url, data or {}, content_type="application/json", headers=self.headers)


@pytest.fixture
def caller(client, token_for):
    """``caller(user)`` → a Caller authenticated by a fresh token of ``user``."""

    def make(user) -> Caller:
        return Caller(client, token_for(user))

    return make


def body(response) -> dict:
    return json.loads(response.content)


@pytest.fixture
def persons(households):
    """person_key -> Person (read without scope, for ids)."""
    from doudi.registry.models import Person

    return {p.person_key: p for p in Person.unscoped.all()}
