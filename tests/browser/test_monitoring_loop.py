"""The warning loop end to end in chromium (DOMAIN §8): the county officer dispatches the seeded red
因病 warning of B-YJ-001 to 进学街道, the township caseworker assigns it to the grid worker, the grid
worker verifies it on a phone (375×812, with a photo), the township refers it to medical insurance,
the department answers, the township closes it, and the household page's chain shows it all in order."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import Page, expect

from .seed_browser import PASSWORD

pytestmark = pytest.mark.browser

VISIT_SCREENSHOT = "/tmp/doudi-visit-phone.png"
DETAIL_SCREENSHOT = "/tmp/doudi-warning-phone.png"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x1f\x5f\xa8" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def login(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".welcome h1")).to_contain_text("您好")


def open_warning(page: Page, phone: bool = False) -> None:
    if phone:
        page.locator(".nav-toggle-label").click()
    page.locator(".nav").get_by_role("link", name="预警").click()
    row = page.locator("#inbox-table tbody tr", has_text="B-YJ-001")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="因病").click()
    expect(page.locator("h1")).to_contain_text("因病预警")


def fits_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_warning_loop_from_county_to_closure(desktop, phone):
    page, console = desktop

    # county officer: the red warning waits in the inbox; dispatch it to the household's township
    login(page, "b-county")
    open_warning(page)
    expect(page.locator("#warning-evidence")).to_contain_text("近3个月自付医疗费用超过家庭年收入50%")
    form = page.locator("#dispatch-form")
    # the household's township is already chosen: the officer only confirms
    expect(form.locator("select option:checked")).to_have_text("进学街道")
    form.get_by_role("button", name="派发").click()
    expect(page.locator("#warning-status")).to_have_text("已派发乡镇")
    console.assert_clean()

    # township caseworker: assign the grid worker
    login(page, "b-jinxue")
    expect(page.locator("#bell .bell-count")).to_have_text("1")
    open_warning(page)
    form = page.locator("#assign-form")
    form.locator("select").select_option(label="进学街道测试网格员")
    form.get_by_role("button", name="指派").click()
    expect(page.locator("#warning-status")).to_have_text("已指派核查")
    console.assert_clean()

    # grid worker on a phone: the visit form, two visitors, findings, an updated fact, a photo
    mobile, mobile_console = phone
    login(mobile, "b-grid")
    # the home page is the to-do: the visit due, with its deadline, at 360 px
    todo = mobile.locator("#todo-warnings li", has_text="B-YJ-001")
    expect(todo).to_have_count(1)
    expect(todo).to_contain_text("期限")
    expect(mobile.locator("#todo .todo-count").first).to_contain_text("待入户核查")
    assert fits_width(mobile)
    open_warning(mobile, phone=True)
    mobile.get_by_role("link", name="录入入户核查").click()
    expect(mobile.locator("h1")).to_have_text("入户核查")
    assert fits_width(mobile)
    expect(mobile.locator("#id_visitor1")).to_have_value("进学街道测试网格员")
    mobile.fill("#id_visitor2", "朴协理")
    mobile.locator("label.choice", has_text="发现困难").first.click()
    mobile.fill("#id_findings", "户主崔明浩近期住院治疗，自付费用较高，家中收入仅靠低保金。")
    head_box = mobile.locator("details.member-box", has_text="崔明浩")
    illness = head_box.locator("select[name$='_illness']")
    illness.select_option("yes")
    head_box.locator("input[name$='_disease']").fill("脑梗死")
    mobile.set_input_files(
        "#id_photos", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    submit = mobile.locator("#visit-submit")
    box = submit.bounding_box()
    assert box and box["width"] >= 300 and box["height"] >= 40  # a thumb-sized full-width button
    assert fits_width(mobile)
    mobile.screenshot(path=VISIT_SCREENSHOT, full_page=True)
    submit.click()
    expect(mobile.locator("#warning-status")).to_have_text("已核查")
    expect(mobile.locator(".visit-card")).to_contain_text("进学街道测试网格员、朴协理")
    photo = mobile.locator(".visit-card img.photo-thumb")
    expect(photo).to_have_count(1)
    # the page renders before the thumbnail arrives: wait until the browser has finished with it (loaded or broken)
    expect(photo).to_have_js_property("complete", True)
    expect(photo).to_have_js_property("naturalWidth", 8)
    assert fits_width(mobile)
    mobile.screenshot(path=DETAIL_SCREENSHOT, full_page=True)
    mobile_console.assert_clean()

    # township: refer to medical insurance
    login(page, "b-jinxue")
    open_warning(page)
    page.get_by_role("link", name="登记处置").click()
    expect(page.locator(".kind-referral")).to_be_hidden()
    page.locator("label.choice", has_text="转介专项救助").click()
    expect(page.locator(".kind-referral")).to_be_visible()
    page.locator("label.choice", has_text="医疗保障").click()
    page.locator("#dispose-submit").click()
    expect(page.locator("#warning-status")).to_have_text("已处置")
    console.assert_clean()

    # the medical-insurance department answers the pushed need
    login(page, "b-medical")
    page.locator(".nav").get_by_role("link", name="需求推送").click()
    item = page.locator(".need-item", has_text="B-YJ-001")
    item.locator("select[name='status']").select_option("given")
    item.locator("input[name='amount']").fill("2800")
    item.locator("input[name='feedback']").fill("已落实住院医疗救助")
    item.get_by_role("button", name="提交答复").click()
    expect(page.locator(".need-item", has_text="B-YJ-001")).to_contain_text("已救助")
    expect(page.locator(".need-item", has_text="B-YJ-001")).to_contain_text("2800.00")
    console.assert_clean()

    # township closes it
    login(page, "b-jinxue")
    open_warning(page)
    page.fill("#close-form textarea", "已转医保部门落实住院医疗救助，家庭基本生活有保障")
    page.locator("#close-form").get_by_role("button", name="办结").click()
    expect(page.locator("#warning-status")).to_have_text("已办结")

    # the household's chain: warning → dispatch → assignment → visit → disposition → push → feedback → closure
    page.locator("#warning-summary").get_by_role("link", name="B-YJ-001").click()
    chain = page.locator("#household-chain")
    expect(chain).to_contain_text("因病预警（红色）")
    loop_items = chain.locator(".tl-item").evaluate_all(
        "els => els.map(e => e.dataset.kind).filter(k => k !== 'category' && k !== 'decision')"
    )
    assert loop_items == [
        "warning",
        "dispatch",
        "dispatch",
        "visit",
        "disposition",
        "need_push",
        "feedback",
        "closed",
    ]
    text = chain.inner_text()
    order = [
        "因病预警",
        "派发至进学街道",
        "指派网格员",
        "入户核查",
        "处置：转介专项救助",
        "需求推送至医疗保障",
        "医疗保障部门反馈：已救助",
        "办结：",
    ]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions), text
    console.assert_clean()
