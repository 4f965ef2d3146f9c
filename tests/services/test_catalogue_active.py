"""The county deactivates and reactivates a service type of its own catalogue from the catalogue page (a
confirmation step first): a deactivated type is offered for no new order, orders already placed go on; a
county elsewhere gets 404, a city cannot switch a county's type, a township may not use the page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from tests.payments.test_pages import login, text
from tests.services.conftest import order_for

pytestmark = pytest.mark.django_db


def _switch(c, st, active: bool):
    return c.post(
        "/services/catalogue/",
        {"what": "type_active", "service_type": st.pk, "active": "1" if active else "0"},
    )


def _active(st) -> bool:
    from doudi.services.models import ServiceType

    with all_regions():
        return ServiceType.unscoped.get(pk=st.pk).active


def test_county_deactivates_and_reactivates_a_service_type(world):
    from doudi.core.models import AuditEvent
    from doudi.services.base import ServicesError

    w = world
    care = w.types["care"]
    placed = order_for(w, on=timezone.localdate())
    county = login(w.staff["county"])
    page = county.get("/services/catalogue/").content.decode()
    assert f'id="type-active-{care.pk}"' in page and "确定停用吗" in page and "确认停用" in page
    r = _switch(county, care, False)
    assert r.status_code == 302 and r["Location"].endswith("/services/catalogue/#catalogue-types")
    assert not _active(care)
    page = text(county.get("/services/catalogue/"))
    assert "已停用" in page and "重新启用" in page and "确认启用" in page
    with all_regions():
        assert AuditEvent.objects.filter(action="services.catalogue", subject_id=str(care.pk),
                                         after__active=False).exists()  # fmt: skip
    # no new order of the type; the order already placed is still there to serve
    with all_regions():
        care.refresh_from_db()
    with pytest.raises(ServicesError, match="不在本地服务清单中"):
        order_for(w, service="care", on=timezone.localdate())
    town = text(login(w.staff["township"]).get(f"/services/orders/new/?person={w.persons['tekun'].pk}"))
    assert "生活照料" not in town and "上门探访与陪伴" in town
    assert login(w.staff["township"]).get(f"/services/orders/{placed.pk}/").status_code == 200

    assert _switch(county, care, True).status_code == 302
    assert _active(care)
    assert "生活照料" in text(
        login(w.staff["township"]).get(f"/services/orders/new/?person={w.persons['tekun'].pk}")
    )


def test_who_may_switch_a_service_type(world):
    w = world
    care = w.types["care"]
    assert _switch(login(w.staff["other_county"]), care, False).status_code == 404
    assert _switch(login(w.staff["township"]), care, False).status_code == 403
    city = login(w.staff["city"])
    page = city.get("/services/catalogue/").content.decode()
    assert f'id="type-active-{care.pk}"' not in page and "上级定义" in page
    r = city.post(
        "/services/catalogue/", {"what": "type_active", "service_type": care.pk, "active": "0"}, follow=True
    )
    assert "只能停用或启用本级定义的服务项目" in text(r)
    assert _active(care)
    assert _switch(login(w.staff["county"]), care, False).status_code == 302 and not _active(care)
    r = login(w.staff["county"]).post(
        "/services/catalogue/", {"what": "type_active", "service_type": "x", "active": "0"}
    )
    assert r.status_code == 404
