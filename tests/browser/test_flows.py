"""End-to-end flows in chromium: search → household → audited reveal → the auditor finds it; and the
same on a phone-size screen (collapsing nav, no sideways scrolling, a screenshot to look at)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .seed_browser import HEAD_NAME, PASSWORD, child_bad_id, head_id

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/doudi-phone.png"


def login(page: Page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".welcome h1")).to_contain_text("您好")


def fits_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def test_search_open_reveal_then_auditor_finds_it(desktop):
    page, console = desktop
    login(page, "b-jinxue")
    expect(page.locator(".topbar")).to_contain_text("兜底 · 低收入人口动态监测与分层分类救助")
    expect(page.locator(".welcome")).to_contain_text("进学街道")
    expect(page.locator("#category-chart canvas")).to_have_count(1)  # ECharts drew under the CSP

    page.locator(".nav").get_by_role("link", name="家庭查询").click()
    page.fill("#id_name", HEAD_NAME)
    page.get_by_role("button", name="查询", exact=True).click()
    results = page.locator("#results-table")
    expect(results).to_contain_text("B-YJ-001")
    expect(results).to_contain_text(masked(head_id()))
    expect(page).to_have_url(re.compile(r"/households/\?.*name="))  # htmx pushed the search URL
    expect(page.locator("#results-table tbody tr")).to_have_count(1)

    page.get_by_role("link", name="B-YJ-001").click()
    expect(page.locator("h1")).to_contain_text("B-YJ-001")
    head = page.locator("tr[data-person='B-P-001']")
    expect(head).to_contain_text(masked(head_id()))
    expect(head).not_to_contain_text(head_id())
    head.get_by_role("button", name="显示").click()
    expect(head).to_contain_text(head_id())
    expect(head).to_contain_text("已记入审计日志")
    expect(page.locator("tr[data-person='B-P-003']")).to_contain_text("身份证号校验位错误")
    expect(page.locator("tr[data-person='B-P-003']")).not_to_contain_text(child_bad_id())

    facts = page.locator("#facts")
    expect(facts).not_to_contain_text("肢体")
    facts.get_by_role("button", name="已加密（点击查看）").first.click()
    expect(facts).to_contain_text("类别：肢体；等级：2")
    expect(facts).to_contain_text("月收入：820")

    page.fill("#as_of", "2024-12-31")  # the grandchild joined on 2025-03-01
    expect(page.locator("#members h2")).to_contain_text("2024-12-31")
    expect(page.locator("#members-table")).not_to_contain_text("崔小宇")
    expect(page.locator("#members-table")).to_contain_text("金顺姬")
    expect(page).to_have_url(re.compile(r"as_of=2024-12-31"))
    console.assert_clean()

    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("h1")).to_have_text("工作人员登录")
    login(page, "b-auditor")
    page.locator(".nav").get_by_role("link", name="审计日志").click()
    page.select_option("#id_action", "registry.reveal_id")
    page.get_by_role("button", name="筛选").click()
    latest = page.locator("#audit-table tbody tr").first
    expect(latest).to_contain_text("查看完整身份证号")
    expect(latest).to_contain_text("b-jinxue")
    expect(latest).to_contain_text(masked(head_id()))
    console.assert_clean()


def test_phone_nav_search_and_household_page(phone):
    page, console = phone
    login(page, "b-jinxue")
    assert fits_width(page)
    nav = page.locator(".nav")
    expect(nav).to_be_hidden()
    page.locator(".nav-toggle-label").click()
    expect(nav).to_be_visible()
    expect(page.locator(".user-menu")).to_contain_text("乡镇（街道）经办人")
    nav.get_by_role("link", name="家庭查询").click()
    expect(page.locator(".nav")).to_be_hidden()
    assert fits_width(page)

    legacy15 = head_id()[:6] + head_id()[8:17]
    page.fill("#id_id_number", legacy15)
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#results-table")).to_contain_text("B-YJ-001")
    assert fits_width(page)
    page.get_by_role("link", name="B-YJ-001").click()
    expect(page.locator("h1")).to_contain_text("B-YJ-001")
    assert fits_width(page)

    head = page.locator("tr[data-person='B-P-001']")
    button = head.get_by_role("button", name="显示")
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 28
    button.click()
    expect(head).to_contain_text(head_id())
    assert fits_width(page)
    # the members table is stacked into cards: each cell carries its label
    label = page.evaluate(
        "getComputedStyle(document.querySelector(\"tr[data-person='B-P-001'] td\"), '::before').content"
    )
    assert "姓名" in label
    page.screenshot(path=SCREENSHOT, full_page=True)
    console.assert_clean()


def test_admin_adds_a_village_and_expands_the_tree(desktop):
    page, console = desktop
    login(page, "b-admin")
    page.locator(".nav").get_by_role("link", name="区划").click()
    expect(page.locator("h1")).to_have_text("延吉市")
    page.get_by_role("link", name="进学街道").click()
    expect(page.locator("h1")).to_have_text("进学街道")
    form = page.locator(".add-region-form")
    form.locator("#id_code").fill("123")
    form.locator("#id_name").fill("测试新村")
    form.get_by_role("button", name="添加").click()
    expect(page.locator(".add-region-form .form-errors")).to_contain_text("区划代码应为12位数字")
    page.locator(".add-region-form #id_code").fill("222401001201")
    page.locator(".add-region-form #id_name").fill("测试新村")
    page.locator(".add-region-form").get_by_role("button", name="添加").click()
    expect(page.locator("#region-block .notice")).to_contain_text("已添加 测试新村（222401001201）")
    expect(page.locator("#region-block .tree")).to_contain_text("测试新村")

    page.get_by_role("link", name="延吉市").click()
    township = page.locator("details", has_text="进学街道")
    expect(township).to_contain_text("1 个下级")
    township.locator("summary").click()
    expect(township.locator(".subtree")).to_contain_text("测试新村")
    console.assert_clean()
