"""The staff and charity pages: scope (another county's township, a charity outside its service area: 404), the
township's flow (new need, consent, approval refusing an identifying story with a suggestion, confirmation), the
charity's flow (library with filters, claim, pledge, delivery with evidence), the county's registry and summary,
the home panels and the Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from doudi.charity import claim_actions
from doudi.charity.models import Claim, Delivery, Need
from doudi.core.scoping import all_regions

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def test_scope_outside_is_404(make_need, people, charities, as_user):
    need = make_need()
    nanling = make_need(household="H-NG1")
    client = as_user(people["nanguan_town"])
    assert client.get(reverse("charity:need", args=[need.pk])).status_code == 404
    assert client.get(reverse("charity:need", args=[nanling.pk])).status_code == 200
    # the 延吉 charity does not see 南关区's need, in the library or by number
    client = as_user(people["ch_yanji"])
    assert client.get(reverse("charity:need_public", args=[nanling.public_number])).status_code == 404
    html = client.get(reverse("charity:library")).content.decode()
    assert need.public_number in html and nanling.public_number not in html
    response = client.post(reverse("charity:need_public", args=[nanling.public_number]), {"amount": "10"})
    assert response.status_code == 404
    # a charity never opens staff pages; staff never the charity's
    assert client.get(reverse("charity:need", args=[need.pk])).status_code == 403
    assert as_user(people["township"]).get(reverse("charity:library")).status_code == 403


def test_township_creates_consents_and_approval_refuses_names(people, households, as_user):
    client = as_user(people["township"])
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post(reverse("charity:new"), {
        "household_key": "H-YJ1", "origin": "township", "category": "medical", "title": "慢性病长期用药费用",
        "description": "金明哲患糖尿病，需长期用药。", "measure": "money", "target": "3000", "due_on": due,
        "public_story": "金明哲患糖尿病，电话13812345678，需长期用药。",
    })  # fmt: skip
    assert response.status_code == 302
    need = Need.unscoped.get()
    step = lambda s, data=None: client.post(reverse("charity:need_step", args=[need.pk, s]), data or {})  # noqa: E731
    assert "须先登记家庭同意" in step("submit").content.decode()
    step(
        "consent",
        {"consent_by": "金明哲", "consent_on": timezone.localdate().isoformat(), "consent_method": "paper"},
    )
    assert step("submit").status_code == 302
    html = step(
        "approve", {"title": "慢性病长期用药费用", "public_story": need.public_story}
    ).content.decode()
    assert "家庭成员姓名“金明哲”" in html and "电话号码" in html and 'id="story-suggestion"' in html
    assert Need.unscoped.get().state == "pending"
    assert (
        step(
            "approve", {"title": "慢性病长期用药费用", "public_story": "某某患糖尿病，需长期用药。"}
        ).status_code
        == 302
    )
    assert Need.unscoped.get().state == "published"


def test_charity_claims_pledges_delivers_and_township_confirms(make_need, people, charities, as_user):
    need = make_need(target="1000")
    client = as_user(people["ch_prov"])
    html = client.get(
        reverse("charity:library"), {"category": "medical", "max_amount": "2000"}
    ).content.decode()
    assert need.public_number in html and "金明哲" not in html and "进学" not in html
    assert (
        need.public_number
        not in client.get(reverse("charity:library"), {"category": "housing"}).content.decode()
    )
    page = client.get(reverse("charity:need_public", args=[need.public_number])).content.decode()
    assert "金明哲" not in page and "糖尿病" not in page  # the private description never reaches a charity
    response = client.post(reverse("charity:need_public", args=[need.public_number]), {"amount": "1000"})
    claim = Claim.unscoped.get()
    assert response.status_code == 302 and response["Location"] == reverse("charity:claim", args=[claim.pk])
    assert "锁定至" in client.get(response["Location"]).content.decode()
    client.post(reverse("charity:claim_step", args=[claim.pk, "pledge"]))
    client.post(reverse("charity:claim_step", args=[claim.pk, "deliver"]), {
        "kind": "money", "amount": "1000", "description": "转账至家庭账户", "delivered_on": timezone.localdate().isoformat(),
        "evidence": SimpleUploadedFile("回执.png", PNG, content_type="image/png"),
    })  # fmt: skip
    d = Delivery.unscoped.get()
    assert client.get(reverse("charity:evidence", args=[d.pk])).status_code == 200
    assert as_user(people["ch_yanji"]).get(reverse("charity:evidence", args=[d.pk])).status_code == 404
    town = as_user(people["township"])
    assert town.get(reverse("charity:evidence", args=[d.pk])).status_code == 200
    assert (
        town.get(reverse("charity:index"), {"show": "to_confirm"}).content.decode().count(need.public_number)
        == 1
    )
    town.post(reverse("charity:delivery_step", args=[d.pk, "confirm"]))
    assert Need.unscoped.get(pk=need.pk).state == "completed"
    chain = town.get(reverse("registry:household", args=[need.household_id])).content.decode()
    assert "慈善帮扶" in chain and "测试慈善会prov" in chain


def test_claim_lock_expiry_and_due_dates_on_the_work_lists(make_need, people, charities, as_user):
    need = make_need(target="500", due_days=5)
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="200")
    html = as_user(people["ch_prov"]).get(reverse("charity:claims")).content.decode()
    assert f"{c.locked_until:%Y-%m-%d}" in html and f"{need.due_on:%Y-%m-%d}" in html
    html = as_user(people["township"]).get(reverse("charity:index")).content.decode()
    assert f"{need.due_on:%Y-%m-%d}（剩5天）" in html
    home = as_user(people["ch_prov"]).get("/").content.decode()
    assert 'id="charity-home"' in home and "锁定中 1" in home


def test_county_registers_a_charity_and_sees_the_summary(make_need, people, charities, as_user, make_user):
    client = as_user(people["county"])
    response = client.post(reverse("charity:charities"), {
        "name": "延吉市爱心慈善协会", "credit_code": "51222401MJ00000099", "authority": "延吉市民政局",
        "service_area": ["222401000000"], "contact_name": "李会长", "contact_phone": "0433-1234567",
    })  # fmt: skip
    assert response.status_code == 302
    # a city's area is not the county's to give
    response = client.post(reverse("charity:charities"), {
        "name": "越权登记的组织", "credit_code": "51222401MJ00000088", "authority": "延吉市民政局",
        "service_area": ["222400000000"], "contact_name": "李会长", "contact_phone": "0433-1234567",
    })  # fmt: skip
    assert response.status_code == 200 and "越权登记的组织" not in str(list(response.context["charities"]))
    with all_regions():
        need = make_need(target="800")
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="800")
        d = claim_actions.record_delivery(actor=people["ch_prov"], claim=c, kind="money", amount="800",
                                          description="转账", delivered_on=timezone.localdate())  # fmt: skip
        claim_actions.confirm_delivery(actor=people["township"], delivery=d)
        make_need(target="300")
        make_need(household="H-NG1", target="999")
    html = client.get(reverse("charity:summary")).content.decode()
    assert "延吉市" in html and "南关区" not in html and "1100.00" in html and "800.00" in html
    assert as_user(people["township"]).get(reverse("charity:charities")).status_code == 403


def test_excel_export_is_masked(make_need, people, as_user):
    from openpyxl import load_workbook

    make_need()
    response = as_user(people["township"]).get(reverse("charity:export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "H-YJ1" in text and "需求编号" in text and "金明哲" not in text and "糖尿病" not in text
