"""The upload page: reachable by GET, and its date starts with a value the date input accepts, so the
first submit works."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ..conftest import YANJI

pytestmark = pytest.mark.django_db


def test_get_upload_shows_the_form_to_a_department_user(client, dept_user):
    client.force_login(dept_user("disabled_federation", YANJI))
    r = client.get("/exchange/upload/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'enctype="multipart/form-data"' in html
    # a date input only takes YYYY-MM-DD; anything else shows empty and the first submit fails
    value = re.search(r'<input type="date" name="as_of" value="([^"]*)"', html)
    assert value and value.group(1) == timezone.localdate().isoformat()
    # the dataset choices are Chinese names
    assert re.search(r'<option value="disability"[^>]*>残疾人信息</option>', html)


def test_get_upload_is_refused_to_those_who_cannot_send(client, make_user):
    client.force_login(make_user("county_officer", YANJI))
    assert client.get("/exchange/upload/").status_code == 403
