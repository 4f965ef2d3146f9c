"""The payments pages for each role: the work page (rosters with the send-by day, lines to check, held
and dropped lines with reasons, accounts to fix), the roster page and its steps, the bank file and return
upload, Excel exports, summaries with the chart's table, the household section; 404 outside the scope;
no raw codes or full account numbers on the pages."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.payments import bankfile, fund_actions, roster_actions
from doudi.payments.models import RecipientAccount, Roster, RosterLine
from tests.payments import bank_fixtures
from tests.payments.bank_fixtures import DEC

world = bank_fixtures.world
pytestmark = pytest.mark.django_db
FULL = "6222020200112233445"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("who", ["township", "county", "city", "province", "auditor"])
def test_the_work_page_and_summaries_render_for_each_role(world, who):
    c = login(world.staff[who])
    for url in ("/payments/", "/payments/summaries/", "/payments/accounts/"):
        r = c.get(url)
        assert r.status_code == 200, url
        t = text(r)
        assert FULL not in t and "DIBAO" not in t and "draft" not in t


def test_township_sees_lines_to_check_with_deadline_held_reasons_and_accounts_to_fix(world):
    w = world
    with all_regions():
        RecipientAccount.unscoped.filter(pk=w.accounts["H-YJ1"].pk).update(problem="银行退回：账户已冻结")
        RosterLine.unscoped.filter(household=w.households["H-YJ1"], line="topup").update(
            status="held", status_reason="服刑或强制隔离戒毒，待复核"
        )
    t = text(login(w.staff["township"]).get("/payments/"))
    assert "待核对的发放明细" in t and "2026-12-10" in t
    assert "服刑或强制隔离戒毒，待复核" in t and "账户已冻结" in t
    assert "H-YJ2" not in t  # another township's household


def test_roster_page_steps_and_404_for_a_neighbour(world):
    w = world
    yj = w.rosters["yanji"]
    town, county = login(w.staff["township"]), login(w.staff["county"])
    page = town.get(f"/payments/rosters/{yj.pk}/")
    assert page.status_code == 200 and "锁定（核对完毕）" in text(page)
    assert login(w.staff["other_county"]).get(f"/payments/rosters/{yj.pk}/").status_code == 404
    assert login(w.staff["other_township"]).get(f"/payments/rosters/{yj.pk}/").status_code == 404
    town.post(f"/payments/rosters/{yj.pk}/steps/lock/", {"version": "1"})
    assert Roster.unscoped.get(pk=yj.pk).state == "locked"
    # the locker is not the approver: a county officer who did not lock approves
    r = county.post(f"/payments/rosters/{yj.pk}/steps/approve/", {"version": "2"}, follow=True)
    assert "已审批" in text(r)
    county.post(f"/payments/rosters/{yj.pk}/steps/release/", {})
    csv = county.get(f"/payments/rosters/{yj.pk}/bank-file.csv")
    assert csv.status_code == 200 and FULL.encode() in csv.content
    xlsx = county.get(f"/payments/rosters/{yj.pk}/bank-file.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    county.post(f"/payments/rosters/{yj.pk}/steps/send/", {"external_ref": "YKT-202612"})
    roster = Roster.unscoped.get(pk=yj.pk)
    assert roster.state == "sent" and roster.external_ref == "YKT-202612"
    with all_regions():
        refs = [row[1] for row in bankfile.rows(roster)]
    upload = io.BytesIO(
        ("付款标识,结果,原因,到账日期\n" + "\n".join(f"{x},成功,,2026-12-12" for x in refs)).encode()
    )
    upload.name = "return.csv"
    r = county.post(f"/payments/rosters/{yj.pk}/bank-return/", {"file": upload}, follow=True)
    assert "到账 4 条" in text(r)
    assert Roster.unscoped.get(pk=yj.pk).state == "reconciled"
    history = text(county.get(f"/payments/rosters/{yj.pk}/"))
    assert "已对账" in history and "reconciled" not in history


def test_a_township_cannot_download_the_bank_file(world):
    w = world
    assert (
        login(w.staff["township"]).get(f"/payments/rosters/{w.rosters['yanji'].pk}/bank-file.csv").status_code
        == 403
    )


def test_roster_excel_export_is_audited_and_masked(world):
    from openpyxl import load_workbook

    w = world
    r = login(w.staff["county"]).get(f"/payments/rosters/{w.rosters['yanji'].pk}/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "户编号" and len(rows) == 5
    assert {row[4] for row in rows[1:]} == {"基本救助金", "分类施保金"}
    assert FULL not in str(rows)
    assert AuditEvent.unscoped.filter(action="payments.export", subject_type="roster").exists()


def test_summaries_page_chart_table_and_excel(world):
    w = world
    with all_regions():
        RosterLine.unscoped.filter(month=DEC).update(status="paid")
        fund_actions.build_summaries(actor=w.staff["province"], month=DEC)
    c = login(w.staff["county"])
    page = c.get("/payments/summaries/?month=2026-12")
    t = text(page)
    assert "延吉市" in t and "低保" in t and "1200" in t
    assert 'id="payments-chart"' in page.content.decode() and "chart-table" in page.content.decode()
    assert "南关区" not in t  # the neighbour's summary is out of scope
    x = c.get("/payments/summaries/export.xlsx?month=2026-12")
    assert x.status_code == 200 and x.content[:2] == b"PK"


def test_household_section_shows_masked_accounts_and_months(world):
    w = world
    hh = w.households["H-YJ1"]
    c = login(w.staff["township"])
    page = c.get(f"/households/{hh.pk}/")
    t = text(page)
    assert "救助金发放" in t and "****3445" in t and FULL not in t
    assert "2026-12" in t and "基本救助金" in t
    r = c.post(f"/payments/accounts/{w.accounts['H-YJ1'].pk}/reveal/", {"reason": "核对"})
    assert FULL in text(r)
    assert (
        login(w.staff["other_township"])
        .post(f"/payments/accounts/{w.accounts['H-YJ1'].pk}/reveal/")
        .status_code
        == 404
    )


def test_register_a_new_account_from_the_page(world):
    w = world
    hh = w.households["H-YJ1"]
    c = login(w.staff["township"])
    assert c.get(f"/payments/households/{hh.pk}/account/").status_code == 200
    bad = c.post(
        f"/payments/households/{hh.pk}/account/",
        {
            "kind": "bank",
            "holder_name": "金志勇",
            "holder_relation": "agent",
            "number": "6222000011112222",
            "bank_name": "吉林银行",
        },
    )
    assert "须写明原因" in text(bad)
    ok = c.post(
        f"/payments/households/{hh.pk}/account/",
        {
            "kind": "bank",
            "holder_name": "金明哲",
            "holder_relation": "applicant",
            "number": "6222000011112222",
            "bank_name": "吉林银行",
        },
    )
    assert ok.status_code == 302
    with all_regions():
        assert (
            RecipientAccount.unscoped.filter(household=hh, valid_to__isnull=True).get().number_last4 == "2222"
        )
    assert login(w.staff["other_township"]).get(f"/payments/households/{hh.pk}/account/").status_code == 404


def test_home_panel_and_nav(world):
    page = login(world.staff["county"]).get("/")
    html = page.content.decode()
    assert "救助金发放" in html and 'id="payments-todo"' in html
    assert roster_actions.STEP_LABELS["lock"] == "锁定"
