"""Disclosure in chromium (CASEWORK §9): on a 360 px phone, without logging in, a citizen finds 延吉市 and
进学街道 from the index, reads the office guide, the standards, the complaint phone and the recipient list
and figures pages, all fitting the width without console errors (CSP); the county officer edits the
township's guide at a desk and a new visitor sees the change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import _new_page
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser
PLACE = "进学街道便民服务中心二楼社会救助窗口（浏览器测试）"


def test_a_citizen_reads_the_disclosure_pages_on_a_phone(browser, server, desktop):
    context, page, watch = _new_page(browser, server, **PHONE)
    try:
        page.goto("/public/")
        expect(page.locator("h1")).to_have_text("吉林省社会救助信息公开")
        assert fits_width(page)
        page.get_by_role("link", name="延吉市", exact=True).click()
        expect(page.locator("h1")).to_contain_text("延吉市社会救助信息公开")
        expect(page.locator("#guide")).to_be_visible()
        expect(page.get_by_text("投诉举报电话")).to_be_visible()
        expect(page.get_by_role("row", name="最低生活保障标准")).to_be_visible()
        assert fits_width(page)
        page.get_by_role("link", name="进学街道").click()
        expect(page.locator("#notices")).to_be_visible()
        assert fits_width(page)
        page.get_by_role("link", name="救助对象名单").first.click()
        expect(page.locator("h1")).to_contain_text("救助对象名单")
        assert fits_width(page)
        page.go_back()
        page.get_by_role("link", name="统计数据").first.click()
        expect(page.locator("h1")).to_contain_text("统计数据")
        assert fits_width(page)
        watch.assert_clean()

        desk, _ = desktop
        login(desk, "b-county")
        desk.goto("/disclosure/")
        desk.get_by_role("row", name="进学街道").get_by_role("link", name="编辑办事指南").click()
        desk.fill("#id_place", PLACE)
        desk.get_by_role("button", name="保存并公开").click()
        expect(desk.get_by_text("进学街道的办事指南已保存并公开")).to_be_visible()

        # the page is cacheable for five minutes: the phone that saw it may keep it; a new visitor sees the change
        fresh, other, other_watch = _new_page(browser, server, **PHONE)
        try:
            other.goto("/public/222401001000/")
            expect(other.get_by_text(PLACE)).to_be_visible()
            assert fits_width(other)
            other_watch.assert_clean()
        finally:
            fresh.close()
        watch.assert_clean()
    finally:
        context.close()
