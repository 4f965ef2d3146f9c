"""The pages: a township orders for an eligible person (and is told in Chinese why another is refused), the
provider accepts and records a visit with a photo, the township confirms it, the county settles and exports;
outside the scope — another township, county or provider — 404; pages show no raw codes."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from tests.payments.test_pages import login, text
from tests.services.conftest import accepted

pytestmark = pytest.mark.django_db


def _post_order(c, person, offer, **kw):
    today = timezone.localdate()
    data = {"offer": offer, "frequency": "week", "visits_per_period": "2", "starts_on": today.isoformat(),
            "ends_on": (today + timezone.timedelta(days=60)).isoformat(), "note": ""}  # fmt: skip
    data.update(kw)
    return c.post(f"/services/orders/new/?person={person.pk}", data)


def test_order_accept_visit_confirm_settle_through_the_pages(world):
    from doudi.services.models import ServiceOrder, ServiceVisit

    w = world
    town = login(w.staff["township"])
    r = town.get(f"/services/orders/new/?person={w.persons['adult'].pk}")
    assert r.status_code == 200 and "该人员不符合条件" in text(r)
    offer = f"{w.types['care'].pk}:{w.providers[0].pk}"
    r = _post_order(town, w.persons["adult"], offer)
    assert r.status_code == 200 and "该人员不符合条件" in text(r)
    r = _post_order(town, w.persons["tekun"], offer, origin="warning", origin_id="")
    assert r.status_code == 200 and "工单来源无效" in text(r)
    r = _post_order(town, w.persons["tekun"], offer)
    assert r.status_code == 302
    with all_regions():
        o = ServiceOrder.unscoped.get()
    page = text(town.get(f"/services/orders/{o.pk}/"))
    assert "待机构接单" in page and "接单期限" in page and "placed" not in page

    prov = login(w.staff["p1"])
    assert prov.post(f"/services/orders/{o.pk}/steps/accept/").status_code == 302
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    png.name = "visit.png"
    today = timezone.localdate().isoformat()
    r = prov.post(f"/services/orders/{o.pk}/visit/", {"visited_on": today, "start_time": "09:30", "minutes": "90",
                                                      "worker": "韩秀兰", "notes": "助浴", "photo": png})  # fmt: skip
    assert r.status_code == 302, text(r)
    with all_regions():
        v = ServiceVisit.unscoped.get()
    assert prov.get(f"/services/visits/{v.pk}/photo").status_code == 200
    assert "今天没有待上门的服务" in text(prov.get("/services/today/"))  # today's plan is served

    r = town.post(f"/services/visits/{v.pk}/confirm/", {"family_confirmer": "本人", "method": "present"})
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.state == "confirmed"

    county = login(w.staff["county"])
    r = county.post("/services/settlements/", {"contract": w.contracts[0].pk, "month": today[:7]})
    assert r.status_code == 302
    page = text(county.get(r["Location"]))
    assert "48.75" in page  # 1.5 小时 × 32.50 元
    x = county.get(r["Location"] + "export.xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")


def test_scope_is_404_outside(world):
    w = world
    o = accepted(w, on=timezone.localdate())
    for who in ("township2", "other_township", "other_county", "p2"):
        assert login(w.staff[who]).get(f"/services/orders/{o.pk}/").status_code == 404, who
    assert login(w.staff["p2"]).post(f"/services/orders/{o.pk}/visit/", {}).status_code == 404
    for who in ("township", "grid", "county", "city", "p1", "auditor"):
        assert login(w.staff[who]).get(f"/services/orders/{o.pk}/").status_code == 200, who
    p2_list = text(login(w.staff["p2"]).get("/services/orders/?show=all"))
    assert o.number not in p2_list
    assert o.number in text(login(w.staff["p1"]).get("/services/orders/?show=all"))


def test_role_gates(world):
    w = world
    assert login(w.staff["p1"]).get("/services/catalogue/").status_code == 403
    assert login(w.staff["p1"]).get("/services/settlements/").status_code == 403
    assert login(w.staff["township"]).get("/services/today/").status_code == 403
    assert login(w.staff["grid"]).get("/services/orders/new/").status_code == 403
    page = text(login(w.staff["county"]).get("/services/catalogue/"))
    assert "生活照料" in page and "分散供养特困人员" in page and "tekun_home" not in page


def test_home_panel_and_menu(world):
    w = world
    accepted(w, on=timezone.localdate())
    home = login(w.staff["township"]).get("/").content.decode()
    assert 'id="services-todo"' in home and "服务记录待确认" in home
    home = login(w.staff["p1"]).get("/").content.decode()
    assert "今日及逾期待上门" in home and "服务清单与合同" not in home
    home = login(w.staff["county"]).get("/").content.decode()
    assert "服务清单与合同" in home and "今日服务" not in home


def test_settlement_pages_scope_and_deadline(world):
    from doudi.services import settlement_actions

    w = world
    with all_regions():
        s = settlement_actions.settle(
            actor=w.staff["county"], contract=w.contracts[0], month=timezone.localdate()
        )
    county = login(w.staff["county"])
    listing = text(county.get("/services/settlements/"))
    assert "起可确认" in listing and "待县级确认" in listing
    for who in ("other_county", "p1"):
        assert login(w.staff[who]).get(f"/services/settlements/{s.pk}/").status_code in (403, 404), who
    assert login(w.staff["other_county"]).get(f"/services/settlements/{s.pk}/").status_code == 404
    assert login(w.staff["township"]).post(f"/services/settlements/{s.pk}/steps/confirm/").status_code == 403


def test_household_page_lists_the_orders(world):
    w = world
    o = accepted(w, on=timezone.localdate())
    page = login(w.staff["township"]).get(f"/households/{o.household_id}/")
    assert page.status_code == 200
    assert 'id="household-services"' in page.content.decode() and o.number in page.content.decode()
