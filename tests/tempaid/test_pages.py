"""Temporary-assistance pages: a township accepts an outsider's application, pays first the same day, the
list shows the back-fill deadline, the file is completed and approved; the pages speak Chinese (no raw
codes); another region's user gets 404; exports are Excel and audited."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.tempaid import fund_actions
from doudi.tempaid.models import TempAidCase
from tests.conftest import YANJI_T1
from tests.payments.test_pages import login, text
from tests.tempaid.conftest import OUTSIDER_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_fund(world):
    today = timezone.localdate()
    if today.year != 2026:
        with all_regions():
            fund_actions.allocate(
                actor=world.staff["county"], township=YANJI_T1, year=today.year, amount=5000, on=today
            )
    return world


def _new(c, **kw):
    data = {
        "township": YANJI_T1, "aid_type": "emergency", "degree": "2", "event": "租住房屋失火",
        "event_date": timezone.localdate().isoformat(), "applicant_name": "赵立新", "id_number": OUTSIDER_ID,
        "hukou_place": "河北省石家庄市", "area_type": "urban", "form": "cash",
    }  # fmt: skip
    data.update(kw)
    return c.post("/tempaid/new/", data)


def test_township_pays_first_and_completes_the_file_in_pages(today_fund):
    w = today_fund
    c = login(w.staff["township"])
    r = _new(c)
    assert r.status_code == 302, r.content.decode()[:2000]
    case = TempAidCase.unscoped.get()
    page = text(c.get(f"/tempaid/{case.pk}/"))
    assert "急难型" in page and "先行救助" in page and OUTSIDER_ID not in page and "emergency" not in page
    r = c.post(f"/tempaid/{case.pk}/steps/pay_first/", {"amount": "1000"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "paid_first" and case.paid_first_amount == 1000
    listing = text(c.get("/tempaid/?show=paid_first"))
    assert case.number in listing and "补办手续" in listing and "paid_first" not in listing
    for kind in ("statement", "verify", "investigate"):
        c.post(f"/tempaid/{case.pk}/steps/record/", {"kind": kind, "note": "已核实失火情况"})
    case.refresh_from_db()
    assert case.state == "ready"
    c.post(f"/tempaid/{case.pk}/steps/approve/", {"amount": "2000"})
    case.refresh_from_db()
    assert case.state == "approved" and case.approved_amount == 2000
    assert "已批准" in text(c.get(f"/tempaid/{case.pk}/"))
    fund_page = text(c.get(f"/tempaid/funds/{fund_actions.fund_of(YANJI_T1, timezone.localdate().year).pk}/"))
    assert "先行救助支出" in fund_page and "4000" in fund_page


def test_other_region_gets_404_and_grid_worker_cannot_pay(today_fund):
    w = today_fund
    _new(login(w.staff["township"]))
    case = TempAidCase.unscoped.get()
    other = login(w.staff["other_township"])
    assert other.get(f"/tempaid/{case.pk}/").status_code == 404
    assert case.number not in text(other.get("/tempaid/?show=all"))
    grid = login(w.staff["grid"])
    assert grid.get(f"/tempaid/{case.pk}/").status_code == 200
    assert grid.post(f"/tempaid/{case.pk}/steps/pay_first/", {"amount": "500"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "accepted"  # refused: a grid worker records, the township pays


def test_reveal_is_audited_and_exports_are_excel(today_fund):
    w = today_fund
    c = login(w.staff["township"])
    _new(c)
    case = TempAidCase.unscoped.get()
    r = c.post(f"/tempaid/{case.pk}/reveal/")
    assert OUTSIDER_ID in r.content.decode()
    with all_regions():
        assert AuditEvent.unscoped.filter(action="tempaid.reveal_id", subject_id=str(case.pk)).exists()
    r = c.get("/tempaid/export.xlsx?show=all")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and rows[1][0] == case.number and rows[1][2] == "急难型"
    assert OUTSIDER_ID not in str(rows)
    with all_regions():
        assert AuditEvent.unscoped.filter(action="tempaid.export").exists()


@pytest.mark.parametrize("who", ["grid", "township", "county", "city"])
def test_pages_render_for_each_role(today_fund, who):
    c = login(today_fund.staff[who])
    for url in ("/tempaid/", "/tempaid/funds/", "/tempaid/emergencies/"):
        r = c.get(url)
        assert r.status_code == 200, url
    assert ("受理临时救助申请" in text(c.get("/tempaid/"))) == (who in ("grid", "township", "county"))


def test_home_panel_and_household_section(today_fund):
    w = today_fund
    c = login(w.staff["township"])
    _new(c)
    case = TempAidCase.unscoped.get()
    with all_regions():
        from doudi.tempaid import actions

        case, _ = actions.pay_first(actor=w.staff["township"], case=case, amount=500)
    home = text(c.get("/"))
    assert "临时救助" in home and "先行救助待补办" in home
    page = text(c.get(f"/households/{case.household_id}/"))
    assert case.number in page and "先行救助 500 元" in page


def test_city_declares_a_public_emergency_on_its_page(today_fund):
    from tests.conftest import YANBIAN

    w = today_fund
    today = timezone.localdate().isoformat()
    data = {"region_code": YANBIAN, "title": "洪涝灾害", "document": "延州政发〔2026〕10号", "starts_on": today,
            "ends_on": today}  # fmt: skip
    assert login(w.staff["county"]).post("/tempaid/emergencies/", data).status_code == 404
    r = login(w.staff["city"]).post("/tempaid/emergencies/", data)
    assert r.status_code == 302
    page = text(login(w.staff["township"]).get("/tempaid/emergencies/"))
    assert "洪涝灾害" in page and "延边朝鲜族自治州" in page
