"""Charity assistance in chromium (R-P4, seed §14): on a 360 px phone the charity finds an anonymised published
need in the needs library (no name, no village), claims it whole (the lock's expiry is shown), pledges it and
records the delivery with a photo of the receipt; at the desk the township confirms receipt, the need is 已完成
and the household's chain shows the charity's help; the public page lists it no longer as open."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import _new_page
from .seed_browser import HEAD_NAME
from .seed_charity_walk import CHARITY_USER
from .test_case_life_walk import _env
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def world(server, tmp_path_factory):
    env = _env(tmp_path_factory)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("seed_charity_walk.py"))],
        env=env, cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def phone(browser, server):
    context, page, watch = _new_page(browser, server, **PHONE)
    yield page, watch
    context.close()


def test_charity_claims_delivers_and_the_township_confirms_onto_the_chain(world, phone, desktop):
    number = world["number"]
    page, console = phone
    login(page, CHARITY_USER)
    page.goto("/charity/library/")
    item = page.locator("#library-list li", has_text=number)
    expect(item).to_contain_text("冬季取暖费用")
    expect(item).to_contain_text("延吉市")
    assert fits_width(page)
    item.get_by_role("link", name="冬季取暖费用").click()
    expect(page.locator("#public-need-story")).to_contain_text("家中老人行动不便")
    body = page.locator("main").inner_text()
    assert HEAD_NAME not in body and "进学" not in body
    page.locator("#claim-form input[name=amount]").fill("1200")
    page.locator("#claim-submit").click()
    expect(page.locator("#claim-state")).to_contain_text("锁定中")
    expect(page.locator("#claim-lock")).to_contain_text("锁定至")
    assert fits_width(page)
    page.locator("#claim-pledge").click()
    expect(page.locator("#claim-state")).to_contain_text("已认捐")
    form = page.locator("#delivery-form")
    form.locator("select[name=kind]").select_option("money")
    form.locator("input[name=amount]").fill("1200")
    form.locator("textarea[name=description]").fill("取暖费1200元已转入家庭账户")
    form.locator("input[name=evidence]").set_input_files(
        files=[{"name": "回执.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("#delivery-save").click()
    expect(page.locator("#claim-state")).to_contain_text("已交付待确认")
    expect(page.locator("#claim-deliveries")).to_contain_text("取暖费1200元已转入家庭账户")
    assert fits_width(page)
    console.assert_clean()

    desk, desk_console = desktop
    login(desk, "b-jinxue")
    desk.goto("/charity/?show=to_confirm")
    desk.locator("#need-list").get_by_role("link", name=number).click()
    expect(desk.locator("#need-deliveries")).to_contain_text("延吉市爱心慈善会")
    desk.locator("#need-deliveries button", has_text="确认收到").click()
    expect(desk.locator("#need-state")).to_contain_text("已完成")
    desk.goto(f"/households/{world['household']}/")
    expect(desk.locator("main")).to_contain_text("慈善帮扶：延吉市爱心慈善会资金帮扶“冬季取暖费用”1200.00 元")
    desk.goto("/public/needs/")
    expect(desk.locator("main")).not_to_contain_text(number)
    desk_console.assert_clean()
