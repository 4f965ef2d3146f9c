"""The audit log on a 360 px phone: an auditor filters by action, switches to the page-view tab and
runs the chain check, and nothing overflows the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import _new_page
from .seed_browser import PASSWORD
from .test_user_admin import log_in

pytestmark = pytest.mark.browser


def test_auditor_uses_the_audit_log_on_a_phone(browser, server):
    context, page, console = _new_page(
        browser, server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        log_in(page, "b-auditor", PASSWORD)
        page.goto("/households/")  # a page view of the auditor's own
        page.goto("/audit/")
        expect(page.locator("h1")).to_have_text("审计日志")
        page.select_option("#id_action", label="新建家庭")
        page.get_by_role("button", name="筛选", exact=True).click()
        expect(page.locator("#audit-table")).to_contain_text("新建家庭")
        expect(page.locator("#audit-table")).not_to_contain_text("审计/纪检人员访问")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("link", name="审计/纪检人员访问记录").click()
        expect(page.locator("#audit-table")).to_contain_text("/households/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("button", name="立即校验").click()
        expect(page.locator("#chain-result")).to_contain_text("校验结果：正常")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        console.assert_clean()
    finally:
        context.close()
