"""The window's pages: 登记新家庭 (a formset of member rows, "增加一行" without JavaScript) and the
household page's 法定赡养/抚养/扶养义务人 panel (masked numbers, add and end)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doudi.core import idnumber
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.registry.models import Household, LegalSupporter, Person
from doudi.web import nav
from tests.conftest import NANGUAN_T1, YANJI_T1

pytestmark = pytest.mark.django_db

HEAD_ID = idnumber.make("222401", dt.date(1958, 4, 2), 210, male=True)
WIFE_ID = idnumber.make("222401", dt.date(1960, 9, 9), 211, male=False)
FATHER_ID = idnumber.make("220102", dt.date(1932, 2, 2), 5, male=True)
URL = reverse("registry:register")


@pytest.fixture
def window(client, make_user, households):
    client.force_login(make_user("township_caseworker", YANJI_T1))
    return client


def form_data(rows, total=4, **household):
    data = {
        "region_code": YANJI_T1, "area_type": "urban", "address": "进学街道新兴小区3号楼2单元501",
        "on": "2025-07-01", "members-TOTAL_FORMS": str(total), "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "30",
    } | household  # fmt: skip
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"members-{i}-{k}"] = v
    return data


ROWS = [
    {"name": "崔永浩", "id_number": HEAD_ID, "relation": "head", "phone": "13900001111"},
    {"name": "韩顺姬", "id_number": WIFE_ID, "relation": "spouse"},
]


def test_the_page_renders_in_chinese_with_four_member_rows(window):
    html = window.get(URL).content.decode()
    assert "登记新家庭" in html and "增加一行成员" in html
    assert html.count('name="members-') >= 4 * 6
    assert f'<option value="{YANJI_T1}" selected>' in html  # the caseworker's township preselected
    assert NANGUAN_T1 not in html  # only the user's own subtree is offered


def test_add_row_keeps_the_values_and_shows_no_errors(window):
    response = window.post(URL, form_data(ROWS[:1], add_member="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="members-4-name"' in html and HEAD_ID in html  # the typed value is kept
    assert "field-error" not in html
    with all_regions():
        assert not Household.unscoped.filter(household_key__startswith="W").exists()


def test_register_redirects_to_the_household_page_with_masked_numbers(window):
    response = window.post(URL, form_data(ROWS))
    with all_regions():
        hh = Household.unscoped.get(household_key=f"W{YANJI_T1}-00001")
    assert response.status_code == 302 and response["Location"] == reverse("registry:household", args=[hh.pk])
    html = window.get(response["Location"]).content.decode()
    assert "崔永浩" in html and idnumber.mask(HEAD_ID) in html and HEAD_ID not in html
    assert "法定赡养/抚养/扶养义务人" in html and "登记义务人" in html
    found = window.post(reverse("registry:search"), {"id_number": WIFE_ID}).content.decode()
    assert f"W{YANJI_T1}-00001" in found


def test_errors_are_shown_on_their_rows(window):
    bad = WIFE_ID[:17] + ("0" if WIFE_ID[17] != "0" else "1")
    rows = [
        ROWS[0],
        {**ROWS[1], "id_number": bad},
        {"name": "崔小龙", "relation": "head", "birth_date": "2015-01-01"},
    ]
    response = window.post(URL, form_data(rows))
    html = response.content.decode()
    assert response.status_code == 422
    assert "第2位成员（韩顺姬）：身份证号校验位错误" in html
    assert "第1、3位成员都登记为户主，一户只能有一位户主" in html
    jin = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)  # H-YJ1's head
    html = window.post(URL, form_data([{**ROWS[0], "id_number": jin}])).content.decode()
    assert idnumber.mask(jin) in html and "进学街道" in html and "不能重复登记" in html


def test_region_outside_scope_is_refused(window):
    response = window.post(URL, form_data(ROWS, region_code=NANGUAN_T1))
    assert response.status_code == 422 and "所选区划不在您的辖区内" in response.content.decode()


def test_nav_link_for_writers_only(make_user, households):
    labels = lambda user: [i["label"] for i in nav.entries(user)]  # noqa: E731
    assert "登记新家庭" in labels(make_user("township_caseworker", YANJI_T1))
    assert "登记新家庭" not in labels(make_user("grid_worker", YANJI_T1))
    assert "登记新家庭" not in labels(make_user("city_officer", "222400000000"))


def test_read_only_role_gets_403(client, make_user, households):
    client.force_login(make_user("grid_worker", YANJI_T1))
    assert client.get(URL).status_code == 403


def test_supporter_panel_add_and_end(window, households):
    window.post(URL, form_data(ROWS))
    with all_regions():
        hh = Household.unscoped.get(household_key=f"W{YANJI_T1}-00001")
        wife = Person.unscoped.get(household=hh, relation="spouse")
    add = reverse("registry:supporters", args=[hh.pk])
    data = {"person": str(wife.pk), "name": "韩父", "id_number": FATHER_ID, "relation": "parent",
            "address": "长春市南关区某街1号", "phone": "", "incapacity": "", "on": "2025-07-01"}  # fmt: skip
    response = window.post(add, data)
    assert response.status_code == 302 and response["Location"].endswith("#supporters")
    html = window.get(reverse("registry:household", args=[hh.pk]) + "?as_of=2025-07-02").content.decode()
    assert "韩父" in html and idnumber.mask(FATHER_ID) in html and FATHER_ID not in html
    assert "另居，已登记住址（加密）" in html
    bad = window.post(add, {**data, "id_number": FATHER_ID[:17] + "Y"})
    assert bad.status_code == 422 and "义务人身份证号" in bad.content.decode()
    with all_regions():
        link = LegalSupporter.unscoped.get(person=wife)
    end = reverse("registry:end_supporter", args=[hh.pk, link.pk])
    too_early = window.post(end, {"on": "2025-07-01"})
    assert too_early.status_code == 422 and "终止日期应晚于起始日期" in too_early.content.decode()
    assert window.post(end, {"on": "2025-08-01"}).status_code == 302
    link.refresh_from_db()
    assert link.valid_to == dt.date(2025, 8, 1)
    with all_regions():
        assert AuditEvent.unscoped.filter(action="registry.legal_supporter_end").count() == 1


def test_supporter_pages_outside_scope_are_404(window, households):
    other = households["H-NG1"].pk
    assert window.get(reverse("registry:supporters", args=[other])).status_code == 404
    assert (
        window.post(reverse("registry:end_supporter", args=[other, 1]), {"on": "2025-08-01"}).status_code
        == 404
    )
