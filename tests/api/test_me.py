"""GET /api/v1/me."""

from __future__ import annotations

import pytest

from doudi.accounts.models import ROLE_CAPABILITIES
from tests.conftest import YANJI_T1

from .conftest import body

pytestmark = pytest.mark.django_db


def test_me_describes_the_caller(make_user, caller):
    user = make_user("township_caseworker", YANJI_T1, username="jin")
    data = body(caller(user).get("/api/v1/me"))
    assert data == {
        "username": "jin",
        "display_name": "",
        "role": "township_caseworker",
        "role_label": "乡镇（街道）经办人",
        "region_code": YANJI_T1,
        "region_name": "进学街道",
        "region_full_name": data["region_full_name"],
        "department": "",
        "department_label": "",
        "capabilities": data["capabilities"],
    }
    assert data["capabilities"] == sorted(ROLE_CAPABILITIES["township_caseworker"])
    assert {"registry.read", "registry.reveal", "registry.write"} <= set(data["capabilities"])
    assert data["region_full_name"].startswith("吉林省") and data["region_full_name"].endswith("进学街道")


def test_me_of_a_department_user(make_user, caller):
    user = make_user("department_user", "220000000000", department="education")
    data = body(caller(user).get("/api/v1/me"))
    assert data["role_label"] == "部门用户"
    assert data["department"] == "education" and data["department_label"] == "教育"
    assert not any(c.startswith("registry.") for c in data["capabilities"])


def test_me_is_utf8_json(make_user, caller):
    response = caller(make_user("county_officer", YANJI_T1)).get("/api/v1/me")
    assert response["Content-Type"].startswith("application/json")
    assert "县级民政".encode() in response.content  # not \\u escapes
