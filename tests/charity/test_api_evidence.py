"""A delivery recorded through the API carries its evidence file: ``POST /api/v1/charity/deliveries/{id}/evidence``
(multipart ``file``) with the page's checks (JPEG/PNG/WebP/PDF by content, 5 MB), read back with
``GET`` under the page's rule (the charity that recorded it, staff of the need's region); another charity and
staff elsewhere get 404; a confirmed delivery takes no new file (409); the confirm/reject steps still work."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from doudi.charity.models import Delivery
from doudi.core.scoping import all_regions
from tests.charity.test_api import _token

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _delivered(need, h) -> int:
    c = Client()
    r = c.post(f"/api/v1/charity/needs/{need.public_number}/claims", {"amount": "300"},
               content_type="application/json", headers=h)  # fmt: skip
    assert r.status_code == 201, r.content
    r = c.post(f"/api/v1/charity/claims/{r.json()['id']}/deliveries", {"kind": "money", "amount": "300",
               "description": "转账至家庭账户", "delivered_on": timezone.localdate().isoformat()},
               content_type="application/json", headers=h)  # fmt: skip
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_evidence_uploaded_and_read_back_through_the_api(make_need, people, charities):
    from doudi.core.models import AuditEvent

    need = make_need(target="1000")
    h = _token(people["ch_yanji"])
    pk = _delivered(need, h)
    c = Client()
    url = f"/api/v1/charity/deliveries/{pk}/evidence"
    assert c.get(url, headers=h).status_code == 404  # nothing uploaded yet
    r = c.post(url, {"file": SimpleUploadedFile("回执.png", PNG, content_type="image/png")}, headers=h)
    assert r.status_code == 200, r.content
    assert r.json()["evidence_name"] == "回执.png" and r.json()["state_label"] == "待确认"
    with all_regions():
        d = Delivery.unscoped.get(pk=pk)
        assert d.evidence and d.evidence.name.endswith(".png")
        assert AuditEvent.objects.filter(subject_type="charity_delivery", subject_id=str(pk),
                                         after__evidence="回执.png").exists()  # fmt: skip
    for who in ("ch_yanji", "township", "county"):
        got = c.get(url, headers=_token(people[who]))
        assert got.status_code == 200, who
        assert got["Content-Type"] == "image/png" and got["X-Content-Type-Options"] == "nosniff"
        assert b"".join(got.streaming_content) == PNG
    # the page shows the same file
    page = Client()
    page.force_login(people["township"])
    assert page.get(f"/charity/deliveries/{pk}/evidence/").status_code == 200
    # the township confirms (the {step} route is not shadowed); then no new file
    assert (
        c.post(f"/api/v1/charity/deliveries/{pk}/confirm", headers=_token(people["township"])).status_code
        == 200
    )
    r = c.post(url, {"file": SimpleUploadedFile("b.png", PNG)}, headers=h)
    assert r.status_code == 409 and "不能再上传" in r.json()["error"]


def test_a_refused_type_or_size_is_422_in_chinese(make_need, people, charities):
    need = make_need(target="1000")
    h = _token(people["ch_yanji"])
    pk = _delivered(need, h)
    c = Client()
    url = f"/api/v1/charity/deliveries/{pk}/evidence"
    for f, msg in ((SimpleUploadedFile("a.png", b"MZ" + b"0" * 40), "图片"),  # an executable named .png
                   (SimpleUploadedFile("big.png", PNG + b"0" * (5 * 1024 * 1024)), "5 MB")):  # fmt: skip
        r = c.post(url, {"file": f}, headers=h)
        assert r.status_code == 422 and msg in r.content.decode()
    with all_regions():
        assert not Delivery.unscoped.get(pk=pk).evidence


def test_another_charity_or_region_gets_404(make_need, people, charities):
    need = make_need(target="1000")
    h = _token(people["ch_yanji"])
    pk = _delivered(need, h)
    c = Client()
    url = f"/api/v1/charity/deliveries/{pk}/evidence"
    assert c.post(url, {"file": SimpleUploadedFile("a.png", PNG)}, headers=h).status_code == 200
    other = _token(people["ch_prov"])  # serves the province, sees the need, did not record the delivery
    assert c.post(url, {"file": SimpleUploadedFile("x.png", PNG)}, headers=other).status_code == 404
    assert c.get(url, headers=other).status_code == 404
    assert c.get(url, headers=_token(people["nanguan_town"])).status_code == 404
    assert c.get(f"/api/v1/charity/deliveries/{pk + 999}/evidence", headers=h).status_code == 404
    with all_regions():
        assert Delivery.unscoped.get(pk=pk).evidence_name == "a.png"
