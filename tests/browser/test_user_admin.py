"""User administration in chromium: the administrator creates an account, reads its one-time
password, and the new user logs in and must choose a password first; the list fits 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import _new_page
from .seed_browser import JINXUE, PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_administrator_creates_a_user_who_then_logs_in(desktop):
    page, console = desktop
    log_in(page, "b-admin", PASSWORD)
    expect(page.locator(".welcome h1")).to_contain_text("您好")
    page.locator(".nav").get_by_role("link", name="用户管理").click()
    expect(page.locator("h1")).to_have_text("用户管理")
    expect(page.locator("#users-table")).to_contain_text("b-jinxue")
    page.get_by_role("link", name="新建用户").click()
    page.fill("#id_username", "b-new-grid")
    page.fill("#id_display_name", "新来的网格员")
    page.select_option("#id_role", "grid_worker")
    page.select_option("#id_region", JINXUE)
    page.get_by_role("button", name="创建", exact=True).click()
    expect(page.locator("#new-password")).to_contain_text("只显示这一次")
    password = page.locator("#new-password-value").inner_text().strip()
    assert len(password) >= 10
    expect(page.locator("#user-facts")).to_contain_text("网格员/协理员")
    console.assert_clean()

    page.get_by_role("button", name="退出登录").click()
    log_in(page, "b-new-grid", password)
    expect(page.locator("h1")).to_have_text("修改密码")
    page.fill("#id_old_password", password)
    page.fill("#id_password1", "Grid-chosen-2026")
    page.fill("#id_password2", "Grid-chosen-2026")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.locator(".welcome h1")).to_contain_text("您好")
    expect(page.locator(".user-menu")).to_contain_text("新来的网格员")
    expect(page.locator(".nav")).not_to_contain_text("用户管理")
    console.assert_clean()


def test_user_list_fits_a_360_px_phone(browser, server):
    context, page, console = _new_page(
        browser, server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        log_in(page, "b-county", PASSWORD)
        page.goto("/admin/")
        expect(page.locator("#users-table")).to_contain_text("b-jinxue")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.locator("#users-table").get_by_role("link", name="b-grid").click()
        expect(page.locator("#user-facts")).to_contain_text("进学街道")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        console.assert_clean()
    finally:
        context.close()
