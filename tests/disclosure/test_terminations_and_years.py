"""Termination notices on the township's public page (R-PUB4, R-PUB3, R-PUB8) and a year's aggregate figures
(R-PUB6: flows summed over the published months, recipients of the last one; on time and transitions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from doudi.core.scoping import all_regions
from doudi.disclosure import publish_actions
from tests.conftest import YANJI, YANJI_T1, YANJI_T2


def _notice(case, *, outcome="terminate", start=-2, days=7):
    from doudi.casework.lifecycle_models import CaseReview

    today = timezone.localdate()
    with all_regions():
        return CaseReview.unscoped.create(
            case=case, kind="periodic", trigger="due", opened_on=today - dt.timedelta(days=20),
            due=today, state="in_notice", outcome=outcome, region_code=case.region_code,
            notice_from=today + dt.timedelta(days=start),
            notice_until=today + dt.timedelta(days=start + days - 1),
        )  # fmt: skip


@pytest.mark.django_db
def test_a_running_termination_notice_is_published_masked_on_its_township_only(client, world):
    ended = world.case([("王大明", dt.date(1960, 1, 1))])
    _notice(ended)
    moving = world.case([("赵二", dt.date(1958, 3, 1))], tier="TEKUN")
    _notice(moving, outcome="transition")
    html = client.get(reverse("disclosure_public:region", args=[YANJI_T1])).content.decode()
    assert "王*明" in html and "王大明" not in html and "拟终止救助" in html
    assert "赵*" in html and "拟终止并转入其他救助类别" in html and "特困人员" in html
    api = client.get(f"/api/v1/public/regions/{YANJI_T1}/termination-notices")
    assert api.status_code == 200 and api["Cache-Control"].startswith("public")
    assert {r["name"] for r in api.json()} == {"王*明", "赵*"}
    # the neighbouring township and the county page show none of them
    other = client.get(f"/api/v1/public/regions/{YANJI_T2}/termination-notices").json()
    assert other == [] and client.get(f"/api/v1/public/regions/{YANJI}/termination-notices").json() == []


@pytest.mark.django_db
def test_exempt_cases_and_notices_out_of_their_period_are_never_shown(client, world):
    hiv = world.case([("钱艾滋", dt.date(1970, 1, 1))], app={"hiv_flag": True})
    _notice(hiv)
    protected = world.case([("孙保护", dt.date(1975, 1, 1))], app={"no_publication": "人身安全保护令"})
    _notice(protected)
    minor = world.case([("周小童", dt.date.today().replace(year=dt.date.today().year - 12))], tier="TEKUN")
    _notice(minor)
    over = world.case([("吴已过", dt.date(1950, 1, 1))])
    _notice(over, start=-10, days=7)  # ended three days ago (R-PUB8)
    later = world.case([("郑未到", dt.date(1950, 1, 1))])
    _notice(later, start=2)
    shown = world.case([("李公示", dt.date(1950, 1, 1))])
    _notice(shown)
    rows = client.get(f"/api/v1/public/regions/{YANJI_T1}/termination-notices").json()
    assert [r["name"] for r in rows] == ["李*示"]


@pytest.mark.django_db
def test_a_year_adds_up_its_published_months_and_keeps_the_last_months_recipients(client, world):
    from doudi.disclosure.models import PublishedStat

    for i in range(6):
        world.case([(f"李{i}花", dt.date(1970, 1, 1))], amount=100)
    with all_regions():
        publish_actions.publish_month(actor="test", county_code=YANJI, on=dt.date(2026, 12, 7))
        # an earlier month of the same year, as published then
        PublishedStat.unscoped.bulk_create(
            [PublishedStat(region_code=YANJI_T1, month=dt.date(2026, 10, 1), key=k, value=v)
             for k, v in (("households.DIBAO", 9), ("amount.DIBAO", 900), ("applications", 7), ("on_time", 5),
                          ("transitions", 6))]
        )  # fmt: skip
    year = client.get(f"/api/v1/public/regions/{YANJI}/statistics?year=2026").json()
    cells = {r["name"]: r["cells"] for r in year["rows"]}["进学街道"]
    assert year["year"] == 2026 and year["month"] == "2026-11-01"
    assert cells["低保户数"] == 6  # November's recipients, not 6 + 9
    assert cells["低保金（元）"] == 600 + 900  # amounts add up
    assert cells["受理申请"] == 7 and cells["按时办结"] == 5 and cells["转入其他类别"] == 6
    month = client.get(f"/api/v1/public/regions/{YANJI}/statistics").json()
    assert {r["name"]: r["cells"] for r in month["rows"]}["进学街道"]["低保金（元）"] == 600
    page = client.get(reverse("disclosure_public:statistics", args=[YANJI]) + "?year=2026").content.decode()
    assert "2026年（10—11月）" in page
    # a year without figures, or anything else, is the same 404
    assert client.get(reverse("disclosure_public:statistics", args=[YANJI]) + "?year=2019").status_code == 404
    assert client.get(reverse("disclosure_public:statistics", args=[YANJI]) + "?year=abc").status_code == 404
    assert client.get(f"/api/v1/public/regions/{YANJI}/statistics?year=2019").status_code == 404


@pytest.mark.django_db
def test_the_month_counts_applications_done_on_time_and_transitions(client, world):
    from doudi.casework.models import CaseDecision, Deadline
    from doudi.disclosure.models import PublishedStat

    on_time = world.case([("甲乙丙", dt.date(1970, 1, 1))], app={})
    late = world.case([("丁戊己", dt.date(1970, 1, 1))], app={})
    with all_regions():
        for case, done in ((on_time, dt.date(2026, 11, 5)), (late, dt.date(2026, 11, 20))):
            Deadline.unscoped.create(
                application=case.application, key="total", rule="R-W13", what="办结时限",
                start_on=dt.date(2026, 10, 1), days=30, due=dt.date(2026, 11, 10), done_on=done,
                region_code=YANJI_T1,
            )  # fmt: skip
        CaseDecision.unscoped.create(
            case=late,
            household=late.household,
            kind="transition",
            on=dt.date(2026, 11, 15),
            authority_level="county",
            region_code=YANJI_T1,
        )
        publish_actions.publish_month(actor="test", county_code=YANJI, on=dt.date(2026, 12, 7))
        got = dict(PublishedStat.unscoped.filter(region_code=YANJI_T1).values_list("key", "value"))
    assert got["on_time"] == 1 and got["transitions"] == 1  # the late one is not on time
