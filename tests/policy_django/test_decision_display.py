"""A decision is explained with its members' names and relations, never their registry keys
(the stored explanation keeps the keys; the page substitutes them)."""

from __future__ import annotations

import pytest

from doudi.core.scoping import using_scope
from doudi.policy import actions, display
from tests.policy_django.conftest import AS_OF, YANJI_T1

pytestmark = pytest.mark.django_db


def test_the_decision_page_names_members_not_their_keys(client, assessed_household, users):
    with using_scope(YANJI_T1):
        d = actions.take_decision(actor=users["township"], household=assessed_household, as_of=AS_OF)
    client.force_login(users["township"])
    html = client.get(f"/policy/decisions/{d.pk}/").content.decode()
    assert "P-YJ1-" not in html
    assert "金明哲（户主）" in html
    # the summary a role without sensitive access sees numbers the members instead
    summary = display.decision_context(d, details=False)
    assert [m["who"] for m in summary["members"]] == ["成员1", "成员2"]


def test_keys_inside_explanation_texts_are_replaced():
    names = {"P-1": "成员1（户主）", "P-10": "成员10（子女）"}
    assert display.readable("P-10 与 P-1 同住", names) == "成员10（子女） 与 成员1（户主） 同住"
    assert display.readable(None, names) is None
