"""What each demo role sees (issue: no raw codes, a navigation that only offers what opens)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from doudi.accounts.models import User
from doudi.core.shell import nav_entries
from doudi.devtools import seed

pytestmark = pytest.mark.django_db

NAV_HTML = re.compile(r'<nav class="nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def demo(tmp_path, settings):
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    call_command("demo", "seed", "--households", "40", stdout=StringIO(), stderr=StringIO())


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
        hidden = [reverse(e.url_name) for e in nav_entries() if reverse(e.url_name) not in links]
        opened = {url: code for url in hidden if (code := client.get(url).status_code) not in (403, 404)}
        if opened:
            overshown[account.username] = opened
    assert broken == {}
    assert overshown == {}


# --- no raw codes -------------------------------------------------------------------------------------

SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
FILE_NAME = re.compile(r"\S+\.(?:csv|xlsx|xls)\b", re.I)


def visible_text(html: str) -> str:
    import html as htmllib

    text = htmllib.unescape(TAG.sub(" ", SCRIPT.sub(" ", html)))
    return FILE_NAME.sub(" ", text)  # a file's own name is what the user called it


def raw_code_patterns() -> dict[str, re.Pattern]:
    from doudi.datasets import DATASETS
    from doudi.monitoring.scans.discovery import SIGNALS
    from doudi.policy.rules.params import SPECS

    def words(keys) -> re.Pattern:
        return re.compile(
            r"(?<![\w.-])(" + "|".join(sorted(map(re.escape, keys), key=len, reverse=True)) + r")(?![\w-])"
        )

    return {
        "dataset key": words(DATASETS),
        "discovery reason": words(SIGNALS),
        "parameter key": words(SPECS),
        "indicator id": re.compile(r"(?<![\w-])W-[A-Z]{2,5}(?![\w-])"),
        "dotted code": re.compile(r"(?<![\w./-])[a-z_]{2,}\.[a-z_]{2,}(?![\w./-])"),
        "demo key": re.compile(r"DEMO-P"),
        "coded value": re.compile(r"(?<![\w-])(true|false|highest|intellectual:\d)(?![\w-])"),
        "demo tag": re.compile(r"(?<![\w-])demo(?![\w-])"),
    }


def find_raw_codes(text: str) -> dict[str, set[str]]:
    found = {}
    for name, pattern in raw_code_patterns().items():
        hits = {m.group(0) for m in pattern.finditer(text)}
        if hits:
            found[name] = hits
    return found


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def test_no_raw_codes_on_the_pages_and_exports_users_read(demo, client):
    """Warning evidence, supervision (page and workbook), parameters, audit log, household and
    decision pages, batch pages and the household export: Chinese names only — no dataset or reason
    keys, parameter keys, bare indicator ids, audit action codes, member keys or "demo" tags."""
    import datetime as dt

    from doudi.core.scoping import all_regions
    from doudi.exchange.models import Batch
    from doudi.monitoring.models import EarlyWarning
    from doudi.policy.actions import propose_parameter_change, take_decision
    from doudi.registry.models import Household

    yanji = User.objects.get(username="yanji")
    with all_regions():
        # 延吉市's warnings (the demo's peer counties have their own, outside the county officer's region)
        warnings = list(EarlyWarning.unscoped.filter(region_code__startswith="222401").order_by("pk"))
        households = sorted({w.household_id for w in warnings if w.household_id})[:4]
        decisions = [
            take_decision(actor=yanji, household=h, as_of=dt.date.today()).pk
            for h in Household.unscoped.filter(pk__in=households)
        ]
        batches = list(Batch.unscoped.values_list("pk", flat=True))
        proposal = propose_parameter_change(
            actor=yanji,
            region_code=yanji.region_id,
            changes=[{"key": "warning.W-ILL.enabled", "value": "false", "effective_from": "2099-01-01"}],
            reason="试点暂停",
        )
        # warnings go straight to the townships (dispatch mode ``direct``): the county recalls one to
        # dispatch it again by hand, where the dispatch form must preselect the household's township
        from doudi.monitoring.loop.warning_actions import recall

        dispatched = next(w for w in warnings if w.status == "dispatched" and w.household_id)
        waiting = recall(actor=yanji, warning=dispatched)
        waiting_township = waiting.household.region_code[:9] + "000"
    assert warnings and decisions and batches
    assert any(w.potential_case_id for w in warnings)  # discovery reasons are among the evidence
    pages = {
        "yanji": [
            "/",
            "/monitoring/warnings/?view=all",
            "/monitoring/supervision/",
            "/policy/parameters/",
            "/policy/parameters/?key=dibao_standard.urban",
            "/policy/runs/",
            "/policy/runs/simulate/",
            "/policy/proposals/new/",
            "/policy/proposals/",
            f"/policy/proposals/{proposal.pk}/",
            *(f"/monitoring/warnings/{w.pk}/" for w in warnings),
            *(f"/households/{h}/" for h in households),
            *(f"/policy/households/{h}/assessment/" for h in households),
            *(f"/policy/decisions/{d}/" for d in decisions),
        ],
        "admin": [
            "/audit/",
            "/audit/?action=policy.decision",
            "/exchange/",
            *(f"/exchange/{b}/" for b in batches),
        ],
        "canlian": ["/monitoring/needs/", "/exchange/", "/exchange/upload/"],
        "jinxue": ["/", "/monitoring/warnings/?view=all", "/monitoring/notifications/"],
        "grid-jinxue": ["/", "/monitoring/warnings/"],
        "auditor": ["/audit/"],
        "charity": ["/", "/policy/parameters/", "/charity/library/", "/charity/claims/"],
    }
    found = {}
    for username, urls in pages.items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            if hits := find_raw_codes(visible_text(response.content.decode())):
                found[f"{username} {url}"] = hits
    client.force_login(yanji)
    # the county's dispatch form starts on the household's own township
    html = client.get(f"/monitoring/warnings/{waiting.pk}/").content.decode()
    select = re.search(r'<select name="township".*?</select>', html, re.S)
    assert select and re.findall(r'<option value="(\d+)"[^>]*selected', select.group(0)) == [waiting_township]
    exports = {
        "supervision.xlsx": client.get(reverse("supervision:export")),
        "households.xlsx": client.post(reverse("registry:export"), {}),
    }
    for name, response in exports.items():
        assert response.status_code == 200, name
        if hits := find_raw_codes(_xlsx_text(response.content)):
            found[name] = hits
    assert found == {}
