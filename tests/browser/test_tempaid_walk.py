"""Temporary assistance in chromium (CASEWORK §6): "a fire victim from another province is paid temporary
assistance the same day and the file is completed afterwards". The county sizes 进学街道's contingency
fund; on a 360 px phone the township accepts the application at the place of the fire (the victim's
household registration is in 河北), pays first from the fund the same day, and the list shows the
back-fill deadline; the statement, verification and investigation are recorded, the township approves
within its cap, the fund's ledger shows the payment, and the command line shows the file approved."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import BIN
from .test_case_life_walk import (
    _env,
    small_phone,  # noqa: F401  (fixture)
)
from .test_casework_walk import fits_width, login

pytestmark = pytest.mark.browser
VICTIM = "邢家宝"


@pytest.fixture(scope="module")
def doudi(server, tmp_path_factory):
    """``doudi …`` in the running server's environment."""
    env = _env(tmp_path_factory)
    root = Path(__file__).resolve().parents[2]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "doudi"), *args], env=env, cwd=root, capture_output=True, text=True, timeout=300
        )

    return run


def _victim_id() -> str:
    from doudi.core import idnumber

    return idnumber.make("130102", dt.date(1984, 8, 8), 37, male=True)  # 河北省石家庄市长安区


def test_fire_victim_paid_first_the_same_day_and_file_completed_afterwards(doudi, desktop, small_phone):  # noqa: F811
    today = dt.date.today()

    # county, desk: the township's contingency fund for the year
    desk, desk_console = desktop
    login(desk, "b-county")
    desk.goto("/tempaid/funds/")
    form = desk.locator("form", has=desk.locator("#allocate"))
    form.locator("select[name=township]").select_option("222401001000")
    form.locator("input[name=year]").fill(str(today.year))
    form.locator("input[name=amount]").fill("20000")
    desk.locator("#allocate").click()
    expect(desk.locator("#fund-balance")).to_be_visible()
    before = int(desk.locator("#fund-balance").inner_text())
    assert before >= 20000
    desk_console.assert_clean()

    # township, phone: the application at the place of the fire, paid first the same day
    page, console = small_phone
    login(page, "b-jinxue")
    page.goto("/tempaid/")
    page.locator("#tempaid-new").click()
    f = page.locator("#tempaid-form")
    f.locator("select[name=aid_type]").select_option("emergency")
    f.locator("select[name=degree]").select_option("2")
    f.locator("textarea[name=event]").fill("租住平房夜间失火，被褥衣物和生活用品全部烧毁")
    f.locator("input[name=event_date]").fill(today.isoformat())
    f.locator("input[name=applicant_name]").fill(VICTIM)
    f.locator("input[name=id_number]").fill(_victim_id())
    f.locator("input[name=hukou_place]").fill("河北省石家庄市长安区")
    assert fits_width(page)
    page.locator("#tempaid-save").click()
    expect(page.locator("#tempaid-state")).to_contain_text("已受理")
    expect(page.locator("#tempaid-summary")).not_to_contain_text(_victim_id())
    number = page.locator("h1 .mono").inner_text().strip()
    pay = page.locator("#form-pay-first")
    pay.locator("input[name=amount]").fill("1000")
    page.locator("#pay-first").click()
    expect(page.locator("#tempaid-state")).to_contain_text("已先行救助")
    expect(page.locator("#tempaid-paid-first")).to_contain_text(f"1000 元，{today.isoformat()}")
    expect(page.locator("#tempaid-summary")).to_contain_text("补办手续期限")
    expect(page.locator("#tempaid-missing")).to_contain_text("事后补充说明")
    assert fits_width(page)
    page.goto("/tempaid/?show=paid_first")
    row = page.locator("#tempaid-cases tbody tr", has_text=number)
    expect(row).to_contain_text("补办手续")
    expect(row).to_contain_text("1000 元")
    assert fits_width(page)

    # afterwards: the statement, verification and investigation, then the township approves
    row.get_by_role("link", name=number).click()
    notes = {
        "statement": "事后补充说明：消防出警记录证实当晚失火，先行发放救助金解决临时生活",
        "verify": "经济状况核对未见异常",
        "investigate": "两名工作人员入户调查，住处已无法居住",
    }
    for kind, note in notes.items():
        step = page.locator("#form-step")
        step.locator("select[name=kind]").select_option(kind)
        step.locator("textarea[name=note]").fill(note)
        page.locator("#record-step").click()
        expect(page.locator("#tempaid-steps")).to_contain_text(note)
    expect(page.locator("#tempaid-state")).to_contain_text("手续齐全")
    approve = page.locator("#form-approve")
    approve.locator("input[name=amount]").fill("2000")
    page.locator("#approve").click()
    expect(page.locator("#tempaid-state")).to_contain_text("已批准")
    expect(page.locator("#tempaid-approved")).to_contain_text("2000 元")
    assert fits_width(page)
    # R-TA10: the follow-up transfer; a victim registered in another province applies at home (R-W19b)
    transfer = page.locator("#form-transfer")
    transfer.locator("input[name=consent_by]").fill(VICTIM)
    page.locator("#transfer").click()
    expect(page.locator("body")).to_contain_text("须向户籍所在地乡镇（街道）申请")
    expect(page.locator("#form-transfer")).to_be_visible()
    console.assert_clean()

    # the fund's ledger shows the same-day payment
    desk.goto("/tempaid/funds/")
    desk.locator("#funds a").first.click()
    expect(desk.locator("#ledger")).to_contain_text(number)
    assert int(desk.locator("#fund-balance").inner_text()) == before - 1000

    # the command line: the file approved
    shown = doudi("tempaid", "show", number)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["state"] == "approved" and data["paid_first_on"] == today.isoformat()
    assert [s["kind"] for s in data["steps"]][:2] == ["accept", "pay_first"]
