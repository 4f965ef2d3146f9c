"""What each demo role sees (issue: no raw codes, a navigation that only offers what opens)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from doudi.accounts.models import User
from doudi.devtools import seed
from doudi.web.nav import NAV

pytestmark = pytest.mark.django_db

NAV_HTML = re.compile(r'<nav class="nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def demo(tmp_path, settings):
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    call_command("demo", "seed", "--households", "120", stdout=StringIO(), stderr=StringIO())


def nav_links(client) -> list[str]:
    page = client.get("/").content.decode()
    match = NAV_HTML.search(page)
    assert match, "no navigation on the home page"
    return HREF.findall(match.group(1))


def test_every_navigation_link_opens_for_every_demo_role(demo, client):
    """Each demo account follows every link of its menu: none answers 403/404/405/5xx; and every page
    the menu leaves out is really closed to the role (the menu asks the views' own access checks)."""
    broken, overshown = {}, {}
    for account in seed.ACCOUNTS:
        client.force_login(User.objects.get(username=account.username))
        links = nav_links(client)
        assert links, account.username
        codes = {url: client.get(url).status_code for url in links}
        bad = {url: code for url, code in codes.items() if code in (403, 404, 405) or code >= 500}
        if bad:
            broken[account.username] = bad
        hidden = [reverse(e.url_name) for e in NAV if reverse(e.url_name) not in links]
        opened = {url: code for url in hidden if (code := client.get(url).status_code) != 403}
        if opened:
            overshown[account.username] = opened
    assert broken == {}
    assert overshown == {}
