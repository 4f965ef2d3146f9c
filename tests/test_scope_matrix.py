"""Scope matrix (R-S5): every role × every read path sees exactly the households of its region
subtree — through the JSON API, the scoped query layer and the staff pages — and roles without
``registry.read`` are refused before any registry row is read.

Fixture households (tests/conftest.py): H-YJ1 in 延吉市进学街道, H-YJ2 in 延吉市北山街道, H-NG1 in
长春市南关区南岭街道. Each gets one extra member without an identity number, so the data-quality
list differs by scope too.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from doudi.core.scoping import ScopeNotSet, current_scope, user_scope, using_scope
from doudi.registry import queries
from tests.conftest import PROVINCE, YANBIAN, YANJI, YANJI_T1

ALL = frozenset({"H-YJ1", "H-YJ2", "H-NG1"})
YJ = frozenset({"H-YJ1", "H-YJ2"})
PERSONS = {"H-YJ1": 3, "H-YJ2": 2, "H-NG1": 2}  # fixture members + one data-quality member each

# role, region, department, households visible (None: no registry.read → 403 everywhere)
ROLES = [
    ("grid_worker", YANJI_T1, "", frozenset({"H-YJ1"})),
    ("township_caseworker", YANJI_T1, "", frozenset({"H-YJ1"})),
    ("county_officer", YANJI, "", YJ),
    ("city_officer", YANBIAN, "", YJ),
    ("province_officer", PROVINCE, "", ALL),
    ("auditor", PROVINCE, "", ALL),
    ("department_user", PROVINCE, "health", None),
    ("charity", PROVINCE, "", None),
]
ROLE_IDS = [r[0] for r in ROLES]
READERS = [r for r in ROLES if r[3] is not None]


@pytest.fixture
def world(households):
    """The shared households plus a member without an identity number in each."""
    from doudi.core.scoping import all_regions
    from doudi.registry import actions

    with all_regions():
        for key, hh in households.items():
            actions.add_person_to_household(
                actor="test",
                household=hh,
                person_key=f"{key}-Q",
                name=f"待核{key}",
                id_number=None,
                relation="other",
                since=dt.date(2024, 1, 1),
            )
    return households


@pytest.fixture
def id_numbers(world):
    """household_key -> the identity numbers of its members (decrypted without scope, for lookups)."""
    from doudi.registry.models import Person

    out: dict[str, list[str]] = {}
    for p in Person.unscoped.select_related("household").exclude(id_enc=None):
        out.setdefault(p.household.household_key, []).append(p.id_number())
    return out


@pytest.fixture
def as_role(make_user, world):
    """``as_role(role_tuple)`` → (user, headers carrying a fresh token)."""
    from doudi.accounts.actions import create_token

    def make(spec):
        role, region, department, _ = spec
        user = make_user(role, region, department=department)
        return user, {"X-API-Token": create_token(actor="test", user=user, name="matrix")}

    return make


def _json(response) -> dict:
    return json.loads(response.content)


# ---- the JSON API ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_api_household_list(client, as_role, spec):
    _, headers = as_role(spec)
    response = client.get("/api/v1/households", {"limit": 200}, headers=headers)
    if spec[3] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    data = _json(response)
    assert {i["household_key"] for i in data["items"]} == spec[3]
    assert data["count"] == len(spec[3])


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_api_household_detail(client, as_role, world, spec):
    _, headers = as_role(spec)
    for key, hh in world.items():
        response = client.get(f"/api/v1/households/{hh.pk}", headers=headers)
        if spec[3] is None:
            assert response.status_code == 403
        elif key in spec[3]:
            assert response.status_code == 200
            assert _json(response)["household_key"] == key
            assert len(_json(response)["members"]) == PERSONS[key]
        else:
            assert response.status_code == 404, (key, spec[0])
            assert _json(response) == {"error": "记录不存在"}


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_api_person_lookup_by_id_number(client, as_role, id_numbers, spec):
    """A person outside the scope is not found by their identity number (and in scope, is)."""
    _, headers = as_role(spec)
    for key, numbers in id_numbers.items():
        for number in numbers:
            response = client.post(
                "/api/v1/persons/search",
                {"id_number": number},
                content_type="application/json",
                headers=headers,
            )
            if spec[3] is None:
                assert response.status_code == 403
                continue
            assert response.status_code == 200
            found = [i["household_key"] for i in _json(response)["items"]]
            assert found == ([key] if key in spec[3] else []), (key, spec[0])
            assert number not in response.content.decode()


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_api_person_detail(client, as_role, world, spec):
    from doudi.registry.models import Person

    _, headers = as_role(spec)
    for p in Person.unscoped.select_related("household"):
        response = client.get(f"/api/v1/persons/{p.pk}", headers=headers)
        expected = 403 if spec[3] is None else 200 if p.household.household_key in spec[3] else 404
        assert response.status_code == expected, (p.person_key, spec[0])


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_api_stats_counts(client, as_role, spec):
    _, headers = as_role(spec)
    response = client.get("/api/v1/stats/categories", {"as_of": "2024-06-01"}, headers=headers)
    if spec[3] is None:
        assert response.status_code == 403
        return
    data = _json(response)
    assert data["totals"] == {"households": len(spec[3]), "persons": sum(PERSONS[k] for k in spec[3])}
    # the data-quality members hold no category: DIBAO counts the fixture members only
    dibao = [r for r in data["rows"] if r["category"] == "DIBAO"]
    assert sum(r["households"] for r in dibao) == len(spec[3])
    assert sum(r["persons"] for r in dibao) == sum(PERSONS[k] - 1 for k in spec[3])


# ---- the scoped query layer --------------------------------------------------------------------


@pytest.mark.parametrize("spec", READERS, ids=[r[0] for r in READERS])
def test_query_layer_under_the_users_scope(as_role, world, spec):
    user, _ = as_role(spec)
    visible = spec[3]
    with using_scope(user_scope(user)):
        assert set(queries.search_households().values_list("household_key", flat=True)) == visible
        assert set(queries.search_households(name="金明哲").values_list("household_key", flat=True)) == (
            visible & {"H-YJ1"}
        )
        counts = queries.counts_by_category(dt.date(2024, 6, 1))
        assert counts["totals"]["households"] == len(visible)
        assert {p.name for p in queries.data_quality_findings()} == {f"待核{k}" for k in visible}
        for key, hh in world.items():
            if key in visible:
                assert queries.get_household(hh.pk).household_key == key
            else:
                with pytest.raises(type(hh).DoesNotExist):
                    queries.get_household(hh.pk)
    assert current_scope() is None


def test_reading_region_owned_models_without_scope_raises(world):
    from doudi.core.models import AuditEvent
    from doudi.registry.models import (
        CategoryStatus,
        Household,
        HouseholdFact,
        ImportBatch,
        Membership,
        Person,
        PersonFact,
    )

    assert current_scope() is None
    for model in (
        Household,
        Person,
        Membership,
        PersonFact,
        HouseholdFact,
        CategoryStatus,
        ImportBatch,
        AuditEvent,
    ):
        with pytest.raises(ScopeNotSet):
            list(model.objects.all())
    with pytest.raises(ScopeNotSet):
        list(queries.search_households(name="金明哲"))
    with pytest.raises(ScopeNotSet):
        queries.counts_by_category()
    with pytest.raises(ScopeNotSet):
        list(queries.data_quality_findings())
    with pytest.raises(ScopeNotSet):
        queries.get_household(world["H-YJ1"].pk)


# ---- staff pages (Django test client, session login) -------------------------------------------


def _page(path: str) -> str:
    """``path`` once it resolves: a page of the matrix that no longer resolves (renamed or removed
    URL) fails the test instead of skipping it."""
    try:
        resolve(path)
    except Resolver404:
        pytest.fail(f"page {path} of the scope matrix does not resolve (renamed or removed URL?)")
    return path


def _logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_page_household_search(as_role, spec):
    user, _ = as_role(spec)
    response = _logged_in(user).get(_page("/households/"))
    if spec[3] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert {k for k in ALL if k in html} == spec[3]


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_page_household_detail(as_role, world, spec):
    user, _ = as_role(spec)
    c = _logged_in(user)
    for key, hh in world.items():
        response = c.get(_page(f"/households/{hh.pk}/"))
        expected = 403 if spec[3] is None else 200 if key in spec[3] else 404
        assert response.status_code == expected, (key, spec[0])
        if expected == 404:
            assert key not in response.content.decode()


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_page_export(as_role, spec):
    from openpyxl import load_workbook

    user, _ = as_role(spec)
    response = _logged_in(user).post(_page("/households/export/"), {})
    if spec[3] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    keys = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert keys == spec[3]


@pytest.mark.parametrize("spec", ROLES, ids=ROLE_IDS)
def test_page_data_quality(as_role, spec):
    user, _ = as_role(spec)
    response = _logged_in(user).get(_page("/households/quality/"))
    if spec[3] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert {k for k in ALL if f"待核{k}" in html} == spec[3]
