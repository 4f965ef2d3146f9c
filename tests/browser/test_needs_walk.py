"""A confirmed DIBAO pupil appears in the education department's queue without anyone referring it, the
department answers on a phone (360 px) and the household's chain shows it; the department's status query
answers categories only; the command line sees the same queue."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import BIN, _new_page
from .seed_needs_walk import EDUCATION_USER, PUPIL
from .test_case_life_walk import _env
from .test_casework_walk import PHONE, fits_width, login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def family(server, tmp_path_factory):
    env = _env(tmp_path_factory)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("seed_needs_walk.py"))],
        env=env, cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ids = json.loads(result.stdout.strip().splitlines()[-1])

    def doudi(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "doudi"), *args], env=env, cwd=root, capture_output=True, text=True, timeout=300
        )

    return ids, doudi


@pytest.fixture
def phone(browser, server):
    context, page, watch = _new_page(browser, server, **PHONE)
    yield page, watch
    context.close()


def test_education_department_answers_the_pupil_and_the_chain_shows_it(family, phone, desktop):
    ids, doudi = family
    page, console = phone
    login(page, EDUCATION_USER)
    page.goto("/monitoring/needs/")
    row = page.locator(".need-item", has_text=PUPIL)
    expect(row).to_contain_text("教育救助")
    expect(row).to_contain_text("按政策自动推送")
    expect(row).to_contain_text("答复时限")
    expect(row).to_contain_text(ids["masked"])
    assert fits_width(page)
    row.get_by_role("button", name="查看完整号码").click()
    expect(row.locator(".mono").first).not_to_contain_text("*")
    row.locator("select[name=status]").select_option("given")
    row.locator("input[name=amount]").fill("1000")
    row.locator("input[name=feedback]").fill("已发放义务教育阶段生活补助")
    row.get_by_role("button", name="提交答复").click()
    row = page.locator(".need-item", has_text=PUPIL)
    expect(row).to_contain_text("已救助")
    expect(row).to_contain_text("1000")
    page.locator("#tab-given").click()
    expect(page.locator(".need-item", has_text=PUPIL)).to_contain_text("已救助")
    assert fits_width(page)

    # the status query: categories and since when, nothing else
    page.goto("/monitoring/needs/status/")
    page.locator("#q-id").fill(ids["id_number"])
    page.locator("#q-purpose").select_option("education_aid")
    page.get_by_role("button", name="查询", exact=True).click()
    answer = page.locator("#status-answer")
    expect(answer).to_contain_text("低保对象，自")
    expect(answer).not_to_contain_text(PUPIL)
    assert fits_width(page)
    console.assert_clean()

    # the township sees the push and the answer on the household's chain
    desk, desk_console = desktop
    login(desk, "b-jinxue")
    desk.goto(f"/households/{ids['household']}/")
    chain = desk.locator("#household-chain")
    expect(chain).to_contain_text("按政策推送至教育部门")
    expect(chain).to_contain_text("教育部门反馈：已救助")
    desk_console.assert_clean()

    # the command line: the given tab holds it
    listed = doudi("needs", "list", "--as", EDUCATION_USER, "--tab", "given")
    assert listed.returncode == 0, listed.stderr
    assert PUPIL in listed.stdout and listed.stdout.strip().splitlines()[-1].startswith("needs: ")
