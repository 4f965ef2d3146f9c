"""Supervision pages (R-S1): figures per region subtree, drill-down within the user's scope, export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, using_scope
from doudi.monitoring.models import Disposition, EarlyWarning
from doudi.monitoring.supervision import queries as supervision
from doudi.regions.models import Region

from ..conftest import NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1, YANJI_T2

pytestmark = pytest.mark.django_db
URL = "/monitoring/supervision/"


@pytest.fixture
def warnings_data(households, make_user):
    """In 进学 (T1): one verified on time, one verified late, one overdue; in 北山 (T2): one open not
    yet due; in 南关 (another city): one overdue red."""
    today = timezone.localdate()
    decider = make_user("county_officer", YANJI)
    rows = [
        (
            "H-YJ1",
            "W-DIS",
            "orange",
            "closed",
            today - dt.timedelta(days=20),
            today - dt.timedelta(days=25),
            False,
        ),
        (
            "H-YJ1",
            "W-ILL",
            "yellow",
            "verified",
            today - dt.timedelta(days=10),
            today - dt.timedelta(days=5),
            True,
        ),
        ("H-YJ1", "W-JOB", "red", "dispatched", today - dt.timedelta(days=2), None, True),
        ("H-YJ2", "W-EDU", "yellow", "raised", today + dt.timedelta(days=5), None, True),
        ("H-NG1", "W-DSR", "red", "raised", today - dt.timedelta(days=1), None, True),
    ]
    out = {}
    with all_regions():
        for key, ind, level, status, deadline, verified, is_open in rows:
            hh = households[key]
            w = EarlyWarning.unscoped.create(
                region_code=hh.region_code, household=hh, indicator=ind, level=level, status=status,
                dedupe_key=f"{ind}:h{hh.pk}", is_open=is_open, raised_on=today - dt.timedelta(days=30),
                deadline=deadline, verified_on=verified, closed_on=today if not is_open else None,
            )  # fmt: skip
            out[(key, ind)] = w
        Disposition.unscoped.create(region_code=YANJI_T1, warning=out[("H-YJ1", "W-DIS")], kind="no_hardship",
                                    decided_by=decider)  # fmt: skip
    return out


def client_for(client, make_user, role, region):
    user = make_user(role, region)
    client.force_login(user)
    return user


def chart_data(response) -> dict:
    html = response.content.decode()
    marker = 'id="supervision-data" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


def test_overview_figures_of_a_county(warnings_data):
    county = Region.objects.get(code=YANJI)
    with using_scope(YANJI):
        ov = supervision.overview(county, timezone.localdate())
    assert ov.totals["total"] == 4 and ov.totals["open"] == 3
    assert (ov.totals["verified"], ov.totals["on_time"], ov.on_time_rate) == (2, 1, 50.0)
    assert ov.totals["overdue"] == 1 and [w.indicator for w in ov.overdue] == ["W-JOB"]
    assert {r["indicator"]: r["n"] for r in ov.by_indicator} == {
        "W-ILL": 1,
        "W-DIS": 1,
        "W-EDU": 1,
        "W-JOB": 1,
    }
    assert {d["kind"]: d["n"] for d in ov.dispositions}["no_hardship"] == 1
    assert ov.child_level == "township"
    kids = {c["code"]: c for c in ov.children}
    assert kids[YANJI_T1]["total"] == 3 and kids[YANJI_T1]["overdue"] == 1 and kids[YANJI_T2]["total"] == 1
    assert sum(c["total"] for c in ov.children) == 4  # every child listed, zeros included


def test_province_drill_down_groups_by_city(warnings_data):
    province = Region.objects.get(code=PROVINCE)
    with all_regions():
        ov = supervision.overview(province, timezone.localdate())
    kids = {c["code"]: c["total"] for c in ov.children}
    assert kids[YANBIAN] == 4 and kids["220100000000"] == 1 and ov.totals["overdue"] == 2


def test_township_user_sees_only_its_numbers(client, make_user, warnings_data):
    client_for(client, make_user, "township_caseworker", YANJI_T2)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sv-total">1<' in html and 'id="sv-children"' not in html  # the drill-down stops here
    assert chart_data(response)["causes"] == ["因学"]
    # the county above, a sibling township and another city are "not found"
    for code in (YANJI, YANJI_T1, NANGUAN_T1):
        assert client.get(URL, {"region": code}).status_code == 404


def test_county_user_drills_down_to_townships(client, make_user, warnings_data):
    client_for(client, make_user, "county_officer", YANJI)
    html = client.get(URL).content.decode()
    assert 'id="sv-total">4<' in html and 'id="sv-overdue">1<' in html
    assert f'?region={YANJI_T1}"' in html and 'id="sv-children"' in html
    page = client.get(URL, {"region": YANJI_T1})
    assert page.status_code == 200 and 'id="sv-total">3<' in page.content.decode()
    assert reverse("monitoring:detail", args=[warnings_data[("H-YJ1", "W-JOB")].pk]) in page.content.decode()
    assert client.get(URL, {"region": YANBIAN}).status_code == 404  # nothing above the user's region
    assert client.get(URL, {"region": "abc"}).status_code == 404


def test_excel_export_is_audited(client, make_user, warnings_data):
    client_for(client, make_user, "county_officer", YANJI)
    response = client.get(reverse("supervision:export"), {"region": YANJI})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(response.content))
    assert {"概况", "按原因", "按等级与状态", "下级区划", "逾期未核查"} <= set(wb.sheetnames)
    overdue = list(wb["逾期未核查"].iter_rows(values_only=True))
    assert len(overdue) == 2 and overdue[1][4] == "H-YJ1"
    link = wb["逾期未核查"]["E2"].hyperlink
    assert link is not None and link.target == "http://testserver/households/key/?k=H-YJ1"
    assert client.get("/households/key/", {"k": "H-YJ1"}).status_code == 302
    with all_regions():
        assert AuditEvent.objects.filter(action="monitoring.supervision_export").count() == 1


def test_access_needs_login_and_a_reading_role(client, make_user, warnings_data):
    assert client.get(URL).status_code == 302
    client_for(client, make_user, "charity", PROVINCE)
    assert client.get(URL).status_code == 403
