"""Helpers for the staff web page tests."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions

PASSWORD = "Test-passw0rd!"  # what tests/conftest.py's make_user sets

# 金明哲, head of H-YJ1 (see tests/conftest.py: region 222401, born 1950-03-01, sequence 100, male)
JIN_ID18 = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)
JIN_ID15 = JIN_ID18[:6] + JIN_ID18[8:17]


@pytest.fixture
def login(client):
    """``login(user)`` → a client with that user's session."""

    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def person(households):
    from doudi.registry.models import Person

    def get(key: str) -> Person:
        with all_regions():
            return Person.unscoped.get(person_key=key)

    return get


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
HX_ON = re.compile(r"\shx-on", re.I)


def assert_csp_clean(response) -> None:
    """The page sends a CSP header and carries nothing the policy would block (no inline code)."""
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not STYLE_ATTR.search(html)
    assert not STYLE_TAG.search(html)
    assert not HX_ON.search(html)
