"""Letter pages and API: scoped (another township's letter is 404), downloads audited, delivery
recorded, batch printing concatenates the stored PDFs."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.models import AuditEvent
from doudi.letters import actions, queries
from doudi.letters.render import LetterError
from tests.conftest import YANJI, YANJI_T1, YANJI_T2
from tests.letters.conftest import ON, pdf_pages, pdf_text


@pytest.fixture
def two_letters(issue):
    return issue(region=YANJI_T1), issue(region=YANJI_T2)


def test_a_township_user_gets_404_for_another_townships_letter(client, make_user, two_letters):
    own, other = two_letters
    client.force_login(make_user("township_caseworker", YANJI_T1))
    for url in (
        f"/letters/{other.pk}.pdf",
        f"/letters/{other.pk}/",
        f"/api/v1/letters/{other.pk}.pdf",
        f"/api/v1/letters/{other.pk}",
    ):
        assert client.get(url).status_code == 404, url
    page = client.get(f"/letters/{own.pk}.pdf")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert bytes(page.content) == own.pdf_bytes()
    api_pdf = client.get(f"/api/v1/letters/{own.pk}.pdf")
    assert api_pdf.status_code == 200 and api_pdf["Content-Type"] == "application/pdf"
    assert bytes(api_pdf.content) == own.pdf_bytes()
    assert AuditEvent.unscoped.filter(action="letters.download", subject_id=str(own.pk)).count() == 2
    assert not AuditEvent.unscoped.filter(action="letters.download", subject_id=str(other.pk)).exists()


def test_api_metadata(client, make_user, two_letters):
    own, _ = two_letters
    client.force_login(make_user("county_officer", YANJI))
    data = client.get(f"/api/v1/letters/{own.pk}").json()
    assert data["number"] == own.number and data["kind_label"] == "确认通知书"
    assert data["issued_on"] == ON.isoformat() and data["url"] == f"/api/v1/letters/{own.pk}.pdf"
    assert data["delivered"] is False and data["delivery"] is None
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/letters/{letter_id}.pdf" in schema["paths"]
    assert "application/pdf" in str(schema["paths"]["/api/v1/letters/{letter_id}.pdf"])


def test_the_list_shows_the_scope_and_filters(client, make_user, two_letters):
    own, other = two_letters
    client.force_login(make_user("county_officer", YANJI))
    html = client.get("/letters/").content.decode()
    assert own.number in html and other.number in html
    html = client.get("/letters/", {"township": YANJI_T1}).content.decode()
    assert own.number in html and other.number not in html
    html = client.get("/letters/", {"delivered": "yes"}).content.decode()
    assert own.number not in html
    html = client.get("/letters/", {"date_from": "2026-12-07"}).content.decode()
    assert own.number not in html
    client.force_login(make_user("township_caseworker", YANJI_T2))
    html = client.get("/letters/").content.decode()
    assert other.number in html and own.number not in html


def test_delivery_is_recorded_and_audited(client, make_user, two_letters, caseworker):
    own, _ = two_letters
    actions.record_delivery(
        actor=caseworker, letter=own, method="in_person", on=ON, addressee="金明哲", note="本人签收"
    )
    own.refresh_from_db()
    assert (own.delivery_method, own.delivered_on, own.delivery_note) == ("in_person", ON, "本人签收")
    assert AuditEvent.unscoped.filter(action="letters.delivery", subject_id=str(own.pk)).exists()
    with pytest.raises(LetterError, match="早于出具日期"):
        actions.record_delivery(actor=caseworker, letter=own, method="post", on=ON - dt.timedelta(days=1))
    with pytest.raises(LetterError, match="送达方式"):
        actions.record_delivery(actor=caseworker, letter=own, method="pigeon", on=ON)

    client.force_login(caseworker)
    response = client.post(f"/letters/{own.pk}/", {"method": "post", "on": "2026-12-07", "note": "挂号信"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.delivery_method == "post" and own.delivered_on == dt.date(2026, 12, 7)
    with_delivery = client.get(f"/api/v1/letters/{own.pk}").json()
    assert with_delivery["delivery"]["method_label"] == "邮寄"
    from doudi.core.scoping import using_scope

    with using_scope(YANJI_T1):
        assert queries.undelivered_of_township(YANJI_T1) == []


def test_batch_pdf_has_the_sum_of_pages(client, make_user, two_letters, issue):
    own, other = two_letters
    long_one = issue(
        region=YANJI_T1,
        kind="materials",
        context={
            "applicant_name": "金明哲",
            "application_no": "SQ2026-000042",
            "received_on": ON,
            "materials_deadline": ON + dt.timedelta(days=30),
            "missing_materials": [f"第{i}项材料：近十二个月的医疗费用票据及报销凭证原件" for i in range(60)],
        },
    )
    pages = [pdf_pages(x.pdf_bytes()) for x in (own, other, long_one)]
    assert pages[2] > 1
    combined = queries.batch_pdf([own, other, long_one])
    assert pdf_pages(combined) == sum(pages)
    text = pdf_text(combined)
    assert text.index(own.number) < text.index(other.number) < text.index(long_one.number)

    client.force_login(make_user("township_caseworker", YANJI_T1))
    response = client.post(
        "/letters/batch/", {"township": YANJI_T1, "date_from": "2026-12-01", "date_to": "2026-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert pdf_pages(response.content) == pages[0] + pages[2]  # only the user's township
    picked = client.post("/letters/batch/", {"letter": [str(other.pk), str(own.pk)]})
    assert pdf_pages(picked.content) == pages[0]  # the other township's letter is left out
    none = client.post("/letters/batch/", {"letter": [str(other.pk)]})
    assert none.status_code == 200 and "不在您的管辖范围内" in none.content.decode()
    assert AuditEvent.unscoped.filter(action="letters.batch_print").count() == 2
