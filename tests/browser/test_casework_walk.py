"""One application in chromium from the window to the county's confirmation (CASEWORK R-W16–R-W24): the
township caseworker opens it and accepts it on a phone (360×740), runs the verification, the grid
worker fills the home visit on his phone with a photo, the township proposes, publishes and ends the
notice, and the county officer confirms at a desk; each step as the user sees it (state labels, the
deadlines, the confirmation letter). A paper file: every step carries the day it happened."""

from __future__ import annotations

import datetime as dt
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import _new_page, _PostgresDatabase
from .seed_browser import PASSWORD
from .seed_casework import HEAD, HOUSEHOLD_KEY

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
D0 = dt.date.today() - dt.timedelta(days=30)  # the day the family came to the window


def day(n: int) -> str:
    return (D0 + dt.timedelta(days=n)).isoformat()


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


@pytest.fixture(scope="module")
def family(server, tmp_path_factory):
    """Seed the walk's own household into the running server's database."""
    data_dirs = [
        p for p in tmp_path_factory.getbasetemp().glob("doudi-browser*") if (p / "server.log").exists()
    ]
    assert data_dirs, "the browser server's data directory was not found"
    env = {**os.environ, "DOUDI_DATA_DIR": str(data_dirs[0]), "DJANGO_SETTINGS_MODULE": "doudi.settings"}
    env.pop("DOUDI_DEBUG", None)
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = _PostgresDatabase(os.environ["DATABASE_URL"]).url
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("seed_casework.py"))],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return HOUSEHOLD_KEY


@pytest.fixture
def small_phone(browser, server):
    context, page, watch = _new_page(browser, server, **PHONE)
    yield page, watch
    context.close()


def login(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".welcome h1")).to_contain_text("您好")


def fits_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def do(page: Page, event: str, button: str, on: str, **fields: str) -> None:
    form = page.locator(f"#ev-{event}")
    form.locator("input[name=on]").fill(on)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.get_by_role("button", name=button).click()


def test_an_application_from_the_window_to_confirmation(family, small_phone, desktop):
    page, console = small_phone

    # township caseworker, phone: the work list, the window, the household, the application
    login(page, "b-jinxue")
    page.locator(".nav-toggle-label").click()
    page.locator(".nav").get_by_role("link", name="救助申请").click()
    expect(page.locator("h1")).to_have_text("救助申请工作台")
    page.get_by_role("link", name="窗口受理新申请").click()
    page.fill("input[name=q]", HOUSEHOLD_KEY)
    page.get_by_role("button", name="查找").click()
    row = page.locator("#household-results li", has_text=HOUSEHOLD_KEY)
    expect(row).to_contain_text(HEAD)
    row.get_by_role("link", name="为该家庭登记申请").click()
    expect(page.locator("#new-form select[name=applicant] option:checked")).to_have_text(HEAD)
    page.fill("#new-form input[name=received_on]", day(0))
    page.get_by_role("button", name="登记申请").click()
    expect(page.locator("#app-state")).to_have_text("已提交待受理")
    expect(page.locator("#materials")).to_contain_text("缺少")
    assert fits_width(page)

    # the two authorizations and the commitment, signed at the window that day
    for _ in range(2):
        form = page.locator("#auth-form")
        form.locator("input[name=signed_on]").fill(day(0))
        form.get_by_role("button", name="登记授权书").click()
        expect(page.locator(".messages")).to_contain_text("授权书")
    page.locator("#commit-form input[name=on]").fill(day(0))
    page.locator("#commit-form").get_by_role("button", name="登记承诺书").click()
    expect(page.locator("#authorizations")).to_contain_text("签署")

    do(page, "accept", "受理", day(0))
    expect(page.locator("#app-state")).to_have_text("已受理")
    expect(page.locator("#deadlines")).to_contain_text("启动入户调查")
    expect(page.locator("#total-deadline")).to_be_visible()
    expect(page.locator("#letters")).to_contain_text("受理")
    do(page, "run_verification", "运行核对", day(1))
    expect(page.locator("#verification")).to_contain_text("第 1 版核对报告")
    assert fits_width(page)
    console.assert_clean()

    # grid worker, phone: his task list, the home-visit form, a photo
    login(page, "b-grid")
    page.goto("/casework/")
    expect(page.locator("h1")).to_have_text("我的入户调查")
    page.locator(".cw-task", has_text=HEAD).click()
    expect(page.locator("h1")).to_have_text("入户调查")
    assert fits_width(page)
    page.fill("input[name=visited_on]", day(2))
    page.fill("input[name=investigator2]", "金美兰")
    page.locator("#investigate-form").get_by_text(HEAD, exact=True).first.click()  # present
    page.select_option("select[name=housing_rating]", label="差")
    for select in page.locator(".cw-grid-members select").all():
        select.select_option(label="无劳动能力")
    page.fill("textarea[name=findings]", "两位老人同住，收入仅靠少量养老金，无其他收入来源")
    page.set_input_files(
        "input[name=photos]", files=[{"name": "visit.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#investigate-submit").click()
    expect(page.locator("#app-state")).to_have_text("已完成调查核对")
    expect(page.locator("#investigations")).to_contain_text("金美兰")
    expect(page.locator("#investigations img")).to_have_count(1)
    expect(page.locator("#review-table")).to_contain_text("劳动能力")
    console.assert_clean()

    # township: the preliminary opinion, the notice, its end
    login(page, "b-jinxue")
    page.goto("/casework/?group=opinion")
    page.locator("#worklist-table").get_by_role("link").first.click()
    do(page, "propose", "提出初审意见", day(3), note="收入低于低保标准，两位老人无劳动能力")
    expect(page.locator("#app-state")).to_have_text("已提出初审意见")
    expect(page.locator("#proposal")).to_contain_text("低保")
    do(page, "start_notice", "开始公示", day(3))
    expect(page.locator("#app-state")).to_have_text("公示中")
    do(page, "end_notice", "公示期满报送审核确认", day(17))
    expect(page.locator("#app-state")).to_have_text("待审核确认")
    expect(page.locator(".cw-stages li.current")).to_have_text("审核确认")
    assert fits_width(page)
    console.assert_clean()

    # county officer, desk: the file waits in his list; he confirms it
    desk, desk_console = desktop
    login(desk, "b-county")
    desk.goto("/casework/")
    row = desk.locator("#worklist-table tbody tr", has_text=HEAD)
    expect(row).to_contain_text("待审核确认")
    expect(row).to_contain_text("进学街道")
    expect(row).to_contain_text("审核确认")
    row.get_by_role("link").first.click()
    expect(desk.locator("#ev-confirm")).to_be_visible()
    do(desk, "confirm", "审核确认", day(18))
    expect(desk.locator("#app-state")).to_have_text("已确认")
    expect(desk.locator(".cw-stages li.current")).to_have_text("办结")
    expect(desk.locator("#decisions")).to_contain_text("确认")
    letter = desk.locator("#letters li", has_text="确认通知书")
    expect(letter).to_have_count(1)
    href = letter.get_by_role("link", name="打印（PDF）").get_attribute("href")
    pdf = desk.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    desk_console.assert_clean()
