"""Performance evaluation in chromium (R-S2): on a 360 px phone the province officer runs this year's county
evaluation, sees the bar chart drawn (ECharts from the vendored file, no inline script: CSP) with the ranking
table, and opens 延吉市's breakdown; the county officer sees its own row only. Every page fits the width."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from .conftest import _new_page
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser


def test_province_runs_and_a_county_sees_its_rank_on_a_phone(browser, server):
    context, page, watch = _new_page(browser, server, **PHONE)
    try:
        login(page, "b-province")
        page.goto("/evaluation/")
        assert fits_width(page)
        page.fill("#id_year", str(dt.date.today().year))  # the seeds date their work this year
        page.select_option("#id_level", "county")
        page.get_by_role("button", name="开始计算").click()
        expect(page.locator("h1")).to_contain_text("年度社会救助工作绩效评价")
        expect(page.locator("#evaluation-chart canvas")).to_have_count(1)
        expect(page.locator("#evaluation-ranking")).to_be_visible()
        assert fits_width(page)
        page.locator("#evaluation-ranking").get_by_role("link", name="延吉市").click()
        expect(page.locator("#evaluation-breakdown")).to_contain_text("申请按时办结率")
        assert fits_width(page)
        url = page.url
        watch.assert_clean()

        login(page, "b-county")
        page.goto(url.rsplit("/", 2)[0] + "/")
        rows = page.locator("#evaluation-ranking tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("延吉市")
        assert fits_width(page)
        watch.assert_clean()
    finally:
        context.close()
