"""A citizen files and tracks a complaint on a 360 px phone (CASEWORK §8, R-G1, R-G4): no login, the county
and township chosen, a tracking number given; the status lookup needs the number and the phone's last four
digits, a wrong check shows nothing; after the township accepts it (desk), the citizen sees 已受理."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_case_life_walk import small_phone  # noqa: F401  (fixture)
from .test_casework_walk import fits_width, login

pytestmark = pytest.mark.browser


def test_citizen_files_and_tracks_a_complaint_on_a_phone(desktop, small_phone):  # noqa: F811
    phone, _ = small_phone
    phone.goto("/complaint/")
    assert fits_width(phone)
    phone.select_option("#id_county", "222401000000")
    expect(phone.locator("#id_township option[value='222401001000']")).to_have_count(1)
    phone.select_option("#id_township", "222401001000")
    phone.select_option("#id_ctype", "payment")
    phone.fill("#id_summary", "低保金两个月没有到账")
    phone.fill("#id_content", "十月和十一月的低保金都没有到账，银行说没有收到拨款")
    phone.fill("#id_reporter_name", "朴顺子")
    phone.fill("#id_reporter_phone", "13604337788")
    phone.locator("#complaint-submit").click()
    expect(phone.locator("#complaint-thanks h1")).to_have_text("已收到您的反映")
    code = phone.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}", code)
    assert fits_width(phone)

    phone.goto("/complaint/status/")
    phone.fill("#id_code", code)
    phone.fill("#id_check", "0000")
    phone.locator("#complaint-lookup").click()
    expect(phone.locator("#complaint-status .field-error")).to_contain_text("有误")
    expect(phone.locator("#complaint-result")).to_have_count(0)
    phone.fill("#id_code", code)
    phone.fill("#id_check", "7788")
    phone.locator("#complaint-lookup").click()
    expect(phone.locator("#complaint-state")).to_have_text("待受理")
    number = phone.locator("#complaint-result dd").first.inner_text().strip()
    assert "朴顺子" not in phone.content() and fits_width(phone)

    desk, _ = desktop
    login(desk, "b-jinxue")
    desk.goto("/complaints/?show=new")
    desk.get_by_role("link", name=number).click()
    desk.locator("#do-accept").click()
    expect(desk.locator("#complaint-state")).to_have_text("已受理，待分办")

    phone.goto("/complaint/status/")
    phone.fill("#id_code", code.replace("-", "").lower())
    phone.fill("#id_check", "7788")
    phone.locator("#complaint-lookup").click()
    expect(phone.locator("#complaint-state")).to_have_text("已受理，待分办")
