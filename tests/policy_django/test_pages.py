"""The policy pages carry nothing the Content-Security-Policy would block, and link where they say."""

from __future__ import annotations

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.policy import actions
from tests.policy_django.conftest import AS_OF, YANJI, YANJI_T1
from tests.web.conftest import assert_csp_clean

pytestmark = pytest.mark.django_db


def test_pages_are_csp_clean(client, assessed_household, users):
    with using_scope(YANJI_T1):
        d = actions.take_decision(actor=users["township"], household=assessed_household, as_of=AS_OF)
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"],
            region_code=YANJI,
            changes=[{"key": "topup.minor", "value": "0.15", "effective_from": "2025-09-01"}],
            reason="提高未成年人增发比例",
        )
    client.force_login(users["township"])
    for url in (
        "/policy/parameters/",
        "/policy/parameters/?key=topup.minor",
        f"/policy/decisions/{d.pk}/",
        f"/households/{assessed_household.pk}/",
        f"/policy/households/{assessed_household.pk}/assessment/",
        "/policy/proposals/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response)
    client.force_login(users["county"])
    assert_csp_clean(client.get("/policy/proposals/new/"))
    assert_csp_clean(client.get(f"/policy/proposals/{p.pk}/"))
    client.force_login(users["city"])
    assert 'id="review"' in client.get(f"/policy/proposals/{p.pk}/").content.decode()
    client.force_login(users["township"])
    section = client.post(
        f"/policy/households/{assessed_household.pk}/assessment/",
        {"as_of": "2025-08-01"},
        headers={"HX-Request": "true"},
    )
    assert section.status_code == 200 and "低保家庭" in section.content.decode()


def test_anonymous_users_are_sent_to_login(client, store):
    response = client.get("/policy/parameters/")
    assert response.status_code == 302 and "/login/" in response.url
