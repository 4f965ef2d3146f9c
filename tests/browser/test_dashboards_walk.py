"""A province officer drills down the dashboards province → city → county → township: the map of Jilin on the
province page, a table link at each level, the date range by htmx, the Excel export — on a desktop and at 360 px."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import _new_page
from .seed_dashboards import PROVINCE_USER
from .test_case_life_walk import _env
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cells(server, tmp_path_factory):
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("seed_dashboards.py"))],
        env=_env(tmp_path_factory), cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _drill(page, name: str, title: str) -> None:
    page.locator("#dash-children").get_by_role("link", name=name, exact=True).click()
    expect(page.locator("h1")).to_contain_text(title)


def test_province_officer_drills_down_to_a_township(browser, server, cells):
    context, page, console = _new_page(browser, server, viewport={"width": 1280, "height": 900})
    try:
        login(page, PROVINCE_USER)
        page.get_by_role("link", name="统计分析", exact=True).first.click()
        expect(page.locator("h1")).to_have_text("统计分析 · 吉林省")
        expect(page.locator("#dash-built")).to_contain_text("数据截至")
        expect(page.locator("#dash-map canvas")).to_have_count(1)  # the county map, boundaries fetched
        expect(page.locator("#chart-people canvas")).to_have_count(1)
        page.select_option("#dash-map-indicator", "warnings")
        expect(page.locator("#table-people caption")).to_contain_text("救助对象")
        _drill(page, "延边朝鲜族自治州", "延边朝鲜族自治州")
        expect(page.locator("#dash-map canvas")).to_have_count(1)
        _drill(page, "延吉市", "延吉市")
        expect(page.locator("#dash-map")).to_have_count(0)
        _drill(page, "进学街道", "进学街道")
        expect(page.locator("#dash-children")).to_have_count(0)  # the drill-down stops at the township
        crumbs = page.locator("nav.breadcrumb")
        expect(crumbs).to_contain_text("吉林省")
        expect(crumbs).to_contain_text("延吉市")
        page.fill("#dash-from", "2020-01-01")
        page.get_by_role("button", name="查询", exact=True).click()  # htmx swaps the figures
        expect(page).to_have_url(re.compile(r"from=2020-01-01"))
        expect(page.locator("#chart-payments canvas")).to_have_count(1)
        with page.expect_download() as dl:
            page.locator("#dash-export").click()
        assert dl.value.suggested_filename.startswith("dashboards-222401001000-")
        crumbs.get_by_role("link", name="吉林省").click()
        expect(page.locator("h1")).to_have_text("统计分析 · 吉林省")
        console.assert_clean()
    finally:
        context.close()


def test_the_dashboards_fit_a_phone(browser, server, cells):
    context, page, console = _new_page(browser, server, **PHONE)
    try:
        login(page, PROVINCE_USER)
        page.goto("/dashboards/")
        expect(page.locator("#dash-map canvas")).to_have_count(1)
        assert fits_width(page)
        page.goto("/dashboards/?region=222401000000")
        expect(page.locator("h1")).to_contain_text("延吉市")
        expect(page.locator("#chart-people canvas")).to_have_count(1)
        assert fits_width(page)
        console.assert_clean()
    finally:
        context.close()
