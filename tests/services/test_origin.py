"""A township orders a service from a casework application or a confirmed case (``?application=`` /
``?case=`` on the new-order page): the household's members are offered, the origin is recorded on the order
and shown on it; an origin of another household is refused in Chinese (no raw field name on the page), and
one outside the township's scope offers nobody."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from tests.payments.test_pages import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def origins(world):
    from doudi.casework.models import Application, Case

    out = {}
    with all_regions():
        for key in ("tekun", "pupil", "t2"):
            hh = world.persons[key].household
            out[f"application:{key}"] = Application.unscoped.create(
                number=f"SQ-SV-{key}", household=hh, applicant_name=world.persons[key].name, channel="window",
                state="approved", received_on=dt.date(2026, 1, 5), region_code=hh.region_code,
            )  # fmt: skip
            out[f"case:{key}"] = Case.unscoped.create(
                household=hh, tier="TEKUN" if key != "pupil" else "DIBAO", since=dt.date(2025, 1, 1),
                support_form="dispersed" if key != "pupil" else "", region_code=hh.region_code,
            )  # fmt: skip
    return out


def _post(c, person, origin, origin_id, offer):
    today = timezone.localdate()
    data = {"offer": offer, "frequency": "week", "visits_per_period": "1", "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(), "note": "", "origin": origin,
            "origin_id": str(origin_id)}  # fmt: skip
    return c.post(f"/services/orders/new/?person={person.pk}&{origin}={origin_id}", data)


@pytest.mark.parametrize(("origin", "label"), [("application", "救助申请"), ("case", "救助档案")])
def test_order_from_an_application_or_a_case_records_its_origin(world, origins, origin, label):
    from doudi.services.models import ServiceOrder

    w = world
    tekun, src = w.persons["tekun"], origins[f"{origin}:tekun"]
    town = login(w.staff["township"])
    page = town.get(f"/services/orders/new/?{origin}={src.pk}").content.decode()
    assert label in page and tekun.name in page and f"person={tekun.pk}&amp;{origin}={src.pk}" in page
    form = town.get(f"/services/orders/new/?person={tekun.pk}&{origin}={src.pk}").content.decode()
    assert re.search(rf'name="origin" value="{origin}"', form) and re.search(
        rf'name="origin_id" value="{src.pk}"', form
    )
    r = _post(town, tekun, origin, src.pk, f"{w.types['care'].pk}:{w.providers[0].pk}")
    assert r.status_code == 302, text(r)
    with all_regions():
        o = ServiceOrder.unscoped.get()
    assert (o.origin, o.origin_id) == (origin, src.pk)
    assert f"{label}（编号{src.pk}）" in text(town.get(f"/services/orders/{o.pk}/"))


@pytest.mark.parametrize(("origin", "label"), [("application", "救助申请"), ("case", "救助档案")])
def test_an_origin_of_another_household_is_refused_in_chinese(world, origins, origin, label):
    from doudi.services.models import ServiceOrder

    w = world
    other = origins[f"{origin}:pupil"]  # 进学街道 too, but the pupil's household
    town = login(w.staff["township"])
    r = _post(town, w.persons["tekun"], origin, other.pk, f"{w.types['care'].pk}:{w.providers[0].pk}")
    assert r.status_code == 200
    page = text(r)
    assert f"来源的{label}不存在，或不属于该家庭" in page
    assert "origin" not in page and "Hidden" not in page and "隐藏字段" not in page
    with all_regions():
        assert not ServiceOrder.unscoped.exists()


def test_an_origin_outside_the_township_offers_nobody(world, origins):
    w = world
    src = origins["case:t2"]  # 北山街道
    page = text(login(w.staff["township"]).get(f"/services/orders/new/?case={src.pk}"))
    assert w.persons["t2"].name not in page
    assert w.persons["t2"].name in text(
        login(w.staff["township2"]).get(f"/services/orders/new/?case={src.pk}")
    )
