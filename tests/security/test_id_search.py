"""Searching by identity number never puts the number in a URL or a log (pages and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from tests.api.conftest import ID_NUMBERS, body
from tests.conftest import PROVINCE, YANJI
from tests.web.conftest import JIN_ID18

pytestmark = pytest.mark.django_db


def _audit_text() -> str:
    with all_regions():
        rows = AuditEvent.objects.values_list("detail", "before", "after", "subject_id")
        return " ".join(str(r) for r in rows)


def test_the_search_form_posts_and_a_url_number_is_refused(client, make_user, households):
    client.force_login(make_user("county_officer", YANJI))
    page = client.get(reverse("registry:search")).content.decode()
    assert (
        'method="post"' in page
        and "hx-post" in page
        and 'hx-get="' + reverse("registry:search") + '"' not in page
    )
    found = client.post(reverse("registry:search"), {"id_number": JIN_ID18})
    assert found.status_code == 200 and "H-YJ1" in found.content.decode()
    refused = client.get(reverse("registry:search"), {"id_number": JIN_ID18})
    assert "H-YJ1" not in refused.content.decode() and "不能放在网址中" in refused.content.decode()


def test_a_post_without_a_number_goes_to_the_bookmarkable_address(client, make_user, households):
    client.force_login(make_user("county_officer", YANJI))
    response = client.post(reverse("registry:search"), {"name": "李春花"})
    assert response.status_code == 302 and response["Location"].endswith("?name=%E6%9D%8E%E6%98%A5%E8%8A%B1")
    htmx = client.post(reverse("registry:search"), {"name": "李春花"}, headers={"HX-Request": "true"})
    assert "H-YJ2" in htmx.content.decode() and htmx["HX-Push-Url"].startswith(
        reverse("registry:search") + "?name="
    )
    by_id = client.post(reverse("registry:search"), {"id_number": JIN_ID18}, headers={"HX-Request": "true"})
    assert "H-YJ1" in by_id.content.decode() and by_id["HX-Push-Url"] == reverse("registry:search")


def test_no_full_number_in_the_audit_table_or_page_after_an_auditor_searches(client, make_user, households):
    auditor = make_user("auditor", PROVINCE)
    client.force_login(auditor)
    client.post(reverse("registry:search"), {"id_number": JIN_ID18})
    client.get(reverse("registry:search"), {"id_number": JIN_ID18})  # typed into the address bar anyway
    client.get("/api/v1/persons", {"id_number": JIN_ID18})
    assert AuditEvent.unscoped.filter(action="audit.supervisor_access").count() >= 2
    assert JIN_ID18 not in _audit_text()
    page = client.get(reverse("web:audit"), {"tab": "views"}).content.decode()  # page views: their own tab
    assert JIN_ID18 not in page and "（已隐去）" in page


def test_the_audit_page_masks_numbers_of_rows_logged_before(client, make_user, households):
    from doudi.core.audit import record_read

    auditor = make_user("auditor", PROVINCE)
    with all_regions():
        record_read(actor=auditor, action="audit.supervisor_access", region_code=PROVINCE,
                    subject_type="request", subject_id="200", detail=f"GET /registry/?id_number={JIN_ID18}")  # fmt: skip
    client.force_login(auditor)
    page = client.get(reverse("web:audit"), {"tab": "views"}).content.decode()
    assert JIN_ID18 not in page and JIN_ID18[:6] + "********" + JIN_ID18[-4:] in page


def test_api_search_by_number_is_a_post_body(make_user, caller, households):
    county = caller(make_user("county_officer", YANJI))
    refused = county.get("/api/v1/persons", id_number=ID_NUMBERS["P-YJ1-2"])
    assert refused.status_code == 422 and body(refused)["path"] == "id_number"
    assert county.get("/api/v1/households", id_number=ID_NUMBERS["P-YJ1-2"]).status_code == 422
    found = county.post("/api/v1/persons/search", {"id_number": ID_NUMBERS["P-YJ1-2"]})
    assert [i["person_key"] for i in body(found)["items"]] == ["P-YJ1-2"]
    found = county.post("/api/v1/households/search", {"id_number": ID_NUMBERS["P-YJ1-2"]})
    assert [i["household_key"] for i in body(found)["items"]] == ["H-YJ1"]


@pytest.mark.parametrize("url", ["/api/v1/households", "/api/v1/persons?name=x", "/api/v1/batches"])
def test_a_huge_offset_is_a_422_not_a_500(make_user, caller, households, url):
    province = caller(make_user("province_officer", PROVINCE))
    sep = "&" if "?" in url else "?"
    response = province.client.get(f"{url}{sep}offset={2**63}", headers=province.headers)
    assert response.status_code in (400, 422), response.content
