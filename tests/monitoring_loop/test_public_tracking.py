"""The public report form gives a tracking number; the status page shows the stage and dates only."""

from __future__ import annotations

import re

import pytest

from doudi.core import tracking
from doudi.core.scoping import all_regions
from doudi.monitoring.loop import report_actions, warning_actions
from doudi.monitoring.models import GrassrootsReport

from .test_reports_and_chain import FORM

pytestmark = pytest.mark.django_db


def test_check_character_refuses_typos_and_swaps():
    code = tracking.new_code()
    assert tracking.normalize(code) == code
    assert tracking.normalize(tracking.display(code).lower()) == code
    for i in range(len(code)):
        other = next(c for c in tracking.ALPHABET if c != code[i])
        assert tracking.normalize(code[:i] + other + code[i + 1 :]) is None
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert tracking.normalize(swapped) is None
    assert len({tracking.new_code() for _ in range(200)}) == 200


def _submit(client) -> str:
    response = client.post("/report/", FORM, REMOTE_ADDR="10.7.7.7")
    assert response.status_code == 200
    match = re.search(r'id="tracking-code">([^<]+)<', response.content.decode())
    assert match, "the thanks page shows the tracking number"
    return match.group(1)


def test_status_follows_the_warning_and_shows_no_personal_data(client, staff):
    shown = _submit(client)
    report = GrassrootsReport.unscoped.get()
    assert report.tracking_code == tracking.normalize(shown)
    page = client.get("/report/status/", {"code": shown}).content.decode()
    assert 'data-stage="received"' in page and "受理" in page
    for private in ("北山街道", "独居老人", "10.7.7.7", "北山街道某小区3栋"):
        assert private not in page
    with all_regions():
        w = report.warning
        warning_actions.assign(actor=staff["t2"], warning=w, user=staff["grid2"])
    page = client.get("/report/status/", {"code": shown.lower().replace("-", " ")}).content.decode()
    assert 'data-stage="checking"' in page and "核查中" in page
    with all_regions():
        w.refresh_from_db()
        w.status, w.is_open, w.closed_on = "closed", False, w.raised_on
        w.save()
    page = client.get("/report/status/", {"code": shown}).content.decode()
    assert 'data-stage="done"' in page and "已办结" in page and "办结日期" in page


def test_wrong_or_unknown_numbers_are_refused(client, staff):
    shown = _submit(client)
    code = tracking.normalize(shown)
    typo = code[:-1] + next(c for c in tracking.ALPHABET if c != code[-1])
    unknown = tracking.new_code()
    for raw in (typo, unknown, "1234", "<script>"):
        response = client.get("/report/status/", {"code": raw})
        assert response.status_code == 404
        assert "查询码有误或不存在" in response.content.decode()
    assert client.get("/report/status/").status_code == 200
    assert 'href="/report/status/"' in client.get("/report/").content.decode()


def test_grid_worker_reports_get_no_public_number(staff, households):
    with all_regions():
        report = report_actions.submit_report(
            actor_or_none=staff["grid1"],
            region_code=FORM["township"].replace("002", "001"),
            description="家里很困难需要帮助",
        )
    assert report.tracking_code is None
