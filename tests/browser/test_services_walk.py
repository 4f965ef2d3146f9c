"""Service-type assistance in chromium (R-P3): 进学街道 orders 生活照料 for an elderly TEKUN man living alone; on a
360 px phone the provider's carer accepts the order and records a 90-minute visit; the township confirms it
on the family's side; the county (re)computes the month's settlement and sees the visit paid at the contracted
price (1.5 hours × 32.00 元 = 48.00 元 more than before)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import _new_page
from .seed_services_walk import ELDER, PROVIDER, PROVIDER_USER
from .test_case_life_walk import _env
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(server, tmp_path_factory):
    env = _env(tmp_path_factory)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("seed_services_walk.py"))],
        env=env, cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _settle(page, contract_id: int, month: str) -> Decimal:
    page.goto("/services/settlements/")
    form = page.locator("#settle-form")
    form.locator("select[name=contract]").select_option(str(contract_id))
    form.locator("input[name=month]").fill(month)
    page.locator("#settle").click()
    expect(page.locator("#settlement-total")).to_be_visible()
    return Decimal(page.locator("#settlement-total").inner_text().strip())


def test_township_orders_care_the_provider_visits_the_county_settles(seeded, desktop, browser, server):
    today = dt.date.today()
    month = f"{today:%Y-%m}"
    desk, desk_console = desktop

    # county: the month's settlement before the visit
    login(desk, "b-county")
    before = _settle(desk, seeded["contract_id"], month)

    # township, desk: the order for the elderly TEKUN man living alone
    login(desk, "b-jinxue")
    desk.goto("/services/orders/new/")
    desk.locator("#person-q").fill(ELDER)
    desk.locator("#person-search button").click()
    desk.locator("#person-results a", has_text=ELDER).click()
    expect(desk.locator("#services-eligibility")).to_contain_text("分散供养特困人员")
    form = desk.locator("#order-form")
    offer = form.locator("select[name=offer] option", has_text=f"生活照料｜{PROVIDER}").first.get_attribute(
        "value"
    )
    form.locator("select[name=offer]").select_option(offer)
    form.locator("select[name=frequency]").select_option("week")
    form.locator("input[name=visits_per_period]").fill("2")
    form.locator("input[name=starts_on]").fill(today.isoformat())
    form.locator("input[name=ends_on]").fill((today + dt.timedelta(days=90)).isoformat())
    desk.locator("#order-save").click()
    expect(desk.locator("#order-state")).to_contain_text("待机构接单")
    expect(desk.locator("#order-deadline")).to_be_visible()  # the acceptance deadline
    number = desk.locator("h1 .mono").inner_text().strip()
    order_url = desk.url
    desk_console.assert_clean()

    # provider, 360 px phone: accept, record a visit
    context, page, console = _new_page(browser, server, **PHONE)
    try:
        login(page, PROVIDER_USER)
        page.goto("/services/orders/?show=placed")
        row = page.locator("#services-orders tbody tr", has_text=number)
        expect(row).to_contain_text("接单期限")
        assert fits_width(page)
        row.get_by_role("link", name=number).click()
        page.locator("#accept").click()
        expect(page.locator("#order-state")).to_contain_text("服务中")
        assert fits_width(page)
        page.locator("#record-visit").click()
        f = page.locator("#visit-form")
        f.locator("input[name=visited_on]").fill(today.isoformat())
        f.locator("input[name=start_time]").fill("09:30")
        f.locator("input[name=minutes]").fill("90")
        f.locator("input[name=worker]").fill("韩秀兰")
        f.locator("textarea[name=notes]").fill("助浴、整理房间、陪同散步")
        assert fits_width(page)
        page.locator("#visit-save").click()
        expect(page.locator("#order-visits")).to_contain_text("助浴、整理房间、陪同散步")
        expect(page.locator("#order-visits")).to_contain_text("待确认")
        assert fits_width(page)
        console.assert_clean()
    finally:
        context.close()

    # township: confirms the visit on the family's side
    desk.goto(order_url)
    confirm = desk.locator("form.visit-confirm").first
    confirm.locator("input[name=family_confirmer]").fill("本人")
    confirm.locator("select[name=method]").select_option("phone")
    confirm.get_by_role("button", name="确认服务").click()
    expect(desk.locator("#order-visits")).to_contain_text("已确认")
    expect(desk.locator("#order-visits")).to_contain_text("电话回访确认")

    # county: the month's settlement now pays the visit
    login(desk, "b-county")
    after = _settle(desk, seeded["contract_id"], month)
    assert after - before == Decimal("48.00")
    expect(desk.locator("#settlement-lines")).to_contain_text("生活照料")
    desk_console.assert_clean()


def test_county_switches_a_type_on_a_phone_and_the_township_exports_the_list(seeded, browser, server):
    context, page, console = _new_page(browser, server, **PHONE)
    try:
        login(page, "b-county")
        page.goto("/services/catalogue/")
        row = page.locator("#catalogue-types tbody tr", has_text="生活照料").first
        row.locator(".sv-confirm summary").click()
        expect(row.locator(".sv-confirm p")).to_contain_text("确定停用吗")
        assert fits_width(page)
        row.get_by_role("button", name="确认停用").click()
        row = page.locator("#catalogue-types tbody tr", has_text="生活照料").first
        expect(row).to_contain_text("已停用")
        assert fits_width(page)
        row.locator(".sv-confirm summary").click()
        row.get_by_role("button", name="确认启用").click()
        expect(page.locator("#catalogue-types tbody tr", has_text="生活照料").first).to_contain_text("在用")

        login(page, "b-jinxue")
        page.goto("/services/orders/?show=all")
        assert fits_width(page)
        with page.expect_download() as got:
            page.locator("#services-export").click()
        assert got.value.suggested_filename.startswith("services-orders-all-")
        console.assert_clean()
    finally:
        context.close()
