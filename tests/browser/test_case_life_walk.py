"""A confirmed case over time (CASEWORK §5, §7), in chromium and from the command line: the month after
confirmation is paid (``doudi payments run``, then the township locks the roster and the county approves
it — maker ≠ checker); the family's pension rise is reported on a phone and reviewed within its
deadline, the county adjusts the amount (调整通知书); a larger income ends the dibao with a notice and
moves the family to MARGINAL directly, without a new application, both letters issued together. Every
step is a paper date in the past."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import BIN, _new_page, _PostgresDatabase
from .seed_case_life import HEAD
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser


def ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=n)).isoformat()


def _env(tmp_path_factory) -> dict:
    data_dirs = [
        p for p in tmp_path_factory.getbasetemp().glob("doudi-browser*") if (p / "server.log").exists()
    ]
    assert data_dirs, "the browser server's data directory was not found"
    env = {**os.environ, "DOUDI_DATA_DIR": str(data_dirs[0]), "DJANGO_SETTINGS_MODULE": "doudi.settings"}
    env.pop("DOUDI_DEBUG", None)
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = _PostgresDatabase(os.environ["DATABASE_URL"]).url
    return env


@pytest.fixture(scope="module")
def life(server, tmp_path_factory):
    """Seed the family into the running server's database; the command line in the same environment."""
    env = _env(tmp_path_factory)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("seed_case_life.py"))],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    ids = json.loads(result.stdout.strip().splitlines()[-1])

    def doudi(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "doudi"), *args], env=env, cwd=root, capture_output=True, text=True, timeout=300
        )

    return ids, doudi


@pytest.fixture
def small_phone(browser, server):
    context, page, watch = _new_page(browser, server, **PHONE)
    yield page, watch
    context.close()


def step(page: Page, form_id: str, button: str, on: str, **fields: str) -> None:
    form = page.locator(f"#{form_id}")
    form.locator("input[name=on]").fill(on)
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.get_by_role("button", name=button).click()


def test_a_case_paid_reviewed_adjusted_and_moved_to_marginal(life, desktop, small_phone):
    ids, doudi = life
    month = ids["pay_from"]

    # the command line: the month after confirmation is paid (run twice: the same lines)
    first = doudi("payments", "run", "--month", month)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("lines: ")
    again = doudi("payments", "run", "--month", month)
    assert again.stdout.strip().splitlines()[-1] == first.stdout.strip().splitlines()[-1]

    # township, desk: the household's page shows the month due; the roster is locked
    desk, desk_console = desktop
    login(desk, "b-jinxue")
    desk.goto(f"/households/{ids['household']}/")
    months = desk.locator("#household-months")
    y, m = month.split("-")
    expect(months).to_contain_text(month)
    expect(months).to_contain_text("基本救助金")
    expect(desk.locator("#household-accounts")).to_contain_text("社会保障卡")
    expect(desk.locator("#household-accounts")).not_to_contain_text("6217000012345678901")
    desk.goto("/payments/")
    row = desk.locator("#rosters tbody tr", has_text=f"{y}年{int(m)}月").filter(has_text="最低生活保障")
    expect(row).to_contain_text("草稿")
    row.get_by_role("link").first.click()
    expect(desk.locator("body")).to_contain_text(HEAD)
    desk.locator("#step-lock").click()
    expect(desk.locator("body")).to_contain_text("已锁定")
    desk_console.assert_clean()

    # county: approves the roster the township locked (a different person)
    login(desk, "b-county")
    desk.goto("/payments/")
    row = desk.locator("#rosters tbody tr", has_text=f"{y}年{int(m)}月").filter(has_text="最低生活保障")
    row.get_by_role("link").first.click()
    desk.locator("#step-approve").click()
    expect(desk.locator("body")).to_contain_text("已审批")

    # township, phone: the family reports the pension rise; the change review opens with its deadline
    page, console = small_phone
    login(page, "b-jinxue")
    page.goto(f"/casework/cases/{ids['case']}/")
    expect(page.locator("#summary")).to_contain_text("在保")
    page.get_by_role("link", name="登记家庭变化").click()
    form = page.locator("#change-form")
    form.locator("input[name=on]").fill(ago(19))
    form.locator("select[name=trigger]").select_option("family")
    form.locator("select[name=change_type]").select_option("income")
    form.locator("textarea[name=detail]").fill("两位老人养老金上调，每人每月增加约230元")
    form.get_by_role("button", name="提交").click()
    expect(page.locator("#review")).to_contain_text("变化复核")
    expect(page.locator("#review")).to_contain_text("办结时限")
    assert fits_width(page)
    if page.locator("#rv-visit").count():
        step(page, "rv-visit", "登记入户情况", ago(18), findings="朴志勇、金美兰入户核实养老金调整属实")
    console.assert_clean()

    # county: adjusts the amount (effective next month, with its letter)
    login(desk, "b-county")
    desk.goto(f"/casework/cases/{ids['case']}/")
    before = desk.locator("#summary").inner_text()
    step(desk, "rv-decide", "作出复核决定", ago(17), outcome="adjust", reasons="养老金上调，家庭人均收入增加")
    expect(desk.locator("#decisions")).to_contain_text("调整金额")
    expect(desk.locator("#letters")).to_contain_text("调整通知书")
    assert desk.locator("#summary").inner_text() != before

    # a larger income: the township reports it, the county ends the dibao with a notice and the move
    login(page, "b-jinxue")
    page.goto(f"/casework/cases/{ids['case']}/")
    page.get_by_role("link", name="登记家庭变化").click()
    form = page.locator("#change-form")
    form.locator("input[name=on]").fill(ago(11))
    form.locator("select[name=trigger]").select_option("grid")
    form.locator("select[name=change_type]").select_option("employment")
    form.locator("textarea[name=detail]").fill("儿子回家居住并在本地就业，工资计入家庭收入")
    form.get_by_role("button", name="提交").click()
    if page.locator("#rv-visit").count():
        step(page, "rv-visit", "登记入户情况", ago(11), findings="入户核实就业和工资情况属实")
    login(desk, "b-county")
    desk.goto(f"/casework/cases/{ids['case']}/")
    step(
        desk, "rv-decide", "作出复核决定", ago(10), outcome="transition", reasons="家庭人均收入已高于低保标准"
    )
    expect(desk.locator("#review")).to_contain_text("终止公示中")
    step(desk, "rv-end", "公示期满，终止救助", ago(2))
    expect(desk.locator("#summary")).to_contain_text("已转入其他类别")
    expect(desk.locator("#letters")).to_contain_text(f"{ago(2)} 暂停/停发/终止告知书")
    desk.goto(f"/households/{ids['household']}/")
    expect(desk.locator("#household-cases")).to_contain_text("低保边缘")
    desk.locator("#household-cases").get_by_role("link", name="低保边缘", exact=True).click()
    expect(desk.locator("#summary")).to_contain_text("在保")
    expect(desk.locator("#letters")).to_contain_text(f"{ago(2)} 转入边缘/刚性告知书")  # issued with the other
    desk_console.assert_clean()

    # the command line: the household's cases as the contract gives them
    shown = doudi("cases", "list", "--as", "b-county")
    assert shown.returncode == 0, shown.stderr
