"""The public notice pages (R-PUB2, R-PUB3, R-PUB8): no login, only a running notice's masked content,
taken down when it ends, never an exempt case; the same page for everyone, so cacheable and cookie-free."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from doudi.casework.models import Application, Notice
from doudi.core.scoping import all_regions, using_scope
from tests.conftest import YANJI, YANJI_T1

pytestmark = pytest.mark.django_db


def running_notice(walk) -> tuple[Application, Notice]:
    """An application of the walk's family in notice since yesterday (dates near today: the page shows
    a notice only during its period)."""
    today = timezone.localdate()
    d0 = today - dt.timedelta(days=2)
    app = walk.authorize(walk.open(on=d0), on=d0)
    app = walk.event(app, "accept", d0)
    app = walk.event(app, "run_verification", d0)
    app = walk.event(
        app,
        "record_investigation",
        d0,
        investigators=["朴志勇", "金美兰"],
        findings="家中两位老人，收入仅靠少量养老金",
        housing_rating="poor",
        labour_capacity={str(p.pk): "none" for p in walk.people},
    )
    app = walk.event(app, "propose", today - dt.timedelta(days=1))
    app = walk.event(app, "start_notice", today - dt.timedelta(days=1))
    assert app.state == "in_notice"
    return app, Notice.unscoped.get(application=app)


def notice_url(notice: Notice) -> str:
    return reverse("casework_public:notice", args=[notice.public_key])


def township_url(code: str = YANJI_T1) -> str:
    return reverse("casework_public:township", args=[code])


def test_the_notice_page_shows_the_masked_notice_and_nothing_private(client, walk):
    app, notice = running_notice(walk)
    r = client.get(notice_url(notice))
    assert r.status_code == 200
    html = r.content.decode()
    assert "崔*浩" in html and "进学街道" in html and str(app.proposed_total) in html
    assert "低保" in html and "如有异议" in html and f"{notice.end_on:%Y年%m月%d日}" in html
    with all_regions():
        head, spouse = walk.people
        full = head.id_number()
    # no name in clear, no identity number (full or masked), no income item, no illness
    for private in ("崔永浩", "韩顺姬", full, head.id_masked, spouse.id_masked, "3600", "收入构成", "疾病"):
        assert private not in html, private
    # the township's board lists it, with a link to the notice
    board = client.get(township_url()).content.decode()
    assert "崔*浩" in board and notice_url(notice) in board and "崔永浩" not in board and full not in board


def test_unknown_key_ended_and_not_started_notices_are_404(client, walk):
    app, notice = running_notice(walk)
    assert client.get(reverse("casework_public:notice", args=["x" * 24])).status_code == 404
    Notice.unscoped.filter(pk=notice.pk).update(start_on=timezone.localdate() + dt.timedelta(days=1))
    assert client.get(notice_url(notice)).status_code == 404
    Notice.unscoped.filter(pk=notice.pk).update(start_on=timezone.localdate() - dt.timedelta(days=9))
    Notice.unscoped.filter(pk=notice.pk).update(end_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(notice_url(notice)).status_code == 404
    Notice.unscoped.filter(pk=notice.pk).update(end_on=timezone.localdate() + dt.timedelta(days=3))
    assert client.get(notice_url(notice)).status_code == 200
    # an objection ends the notice: taken down at once (R-PUB8)
    walk.event(app, "object", timezone.localdate(), text="邻居反映其子女在外地有稳定收入")
    r = client.get(notice_url(notice))
    assert r.status_code == 404 and "崔*浩" not in r.content.decode()
    assert "崔*浩" not in client.get(township_url()).content.decode()


def test_exempt_cases_never_appear(client, walk):
    app, notice = running_notice(walk)
    for flags in ({"hiv_flag": True}, {"no_publication": "minor"}):
        Application.unscoped.filter(pk=app.pk).update(**{"hiv_flag": False, "no_publication": "", **flags})
        assert client.get(notice_url(notice)).status_code == 404
        assert "崔*浩" not in client.get(township_url()).content.decode()


def test_an_exempt_application_gets_no_notice_at_all(walk):
    today = timezone.localdate()
    d0 = today - dt.timedelta(days=2)
    app = walk.authorize(walk.open(on=d0), on=d0)
    Application.unscoped.filter(pk=app.pk).update(hiv_flag=True)
    app.refresh_from_db()
    app = walk.event(app, "accept", d0)
    app = walk.event(app, "run_verification", d0)
    app = walk.event(
        app,
        "record_investigation",
        d0,
        investigators=["朴志勇", "金美兰"],
        findings="家中两位老人",
        housing_rating="poor",
        labour_capacity={str(p.pk): "none" for p in walk.people},
    )
    app = walk.event(walk.event(app, "propose", today), "start_notice", today)
    assert app.state == "awaiting_confirmation" and not Notice.unscoped.filter(application=app).exists()


def test_only_a_township_has_a_board(client, walk):
    running_notice(walk)
    assert client.get(township_url()).status_code == 200
    for code in (YANJI, "222401001001", "999999999000", "abc", "222401001000x"):
        assert client.get(township_url(code)).status_code == 404, code
    # another township's board does not show this notice
    assert "崔*浩" not in client.get(township_url("222401002000")).content.decode()


def test_pages_are_public_cacheable_and_set_no_cookie(client, walk, staff):
    _, notice = running_notice(walk)
    for url in (notice_url(notice), township_url(), reverse("casework_public:notice", args=["nope"])):
        r = client.get(url)
        cache = r.headers.get("Cache-Control", "")
        assert (
            "public" in cache
            and "max-age=300" in cache
            and "private" not in cache
            and "no-store" not in cache
        )
        assert not r.cookies, url
        assert "cookie" not in r.headers.get("Vary", "").lower()
        assert "nonce-" not in r.headers.get("Content-Security-Policy", "")
    # a logged-in visitor sees the same page and no cookie is (re)set
    client.force_login(staff["township"])
    client.cookies.clear()
    client.force_login(staff["township"])
    r = client.get(notice_url(notice))
    assert r.status_code == 200 and not r.cookies and "csrfmiddlewaretoken" not in r.content.decode()
    # no login redirect, and nothing but GET
    client.logout()
    assert client.post(notice_url(notice)).status_code in (403, 405)


def test_the_board_prints(client, walk):
    running_notice(walk)
    html = client.get(township_url()).content.decode()
    assert "casework/public.css" in html
    from django.contrib.staticfiles import finders

    css = Path(finders.find("casework/public.css")).read_text("utf-8")
    assert "@media print" in css


def test_staff_scope_plays_no_part(client, walk, staff):
    """The county officer of another county reads the same public page (it is public, not scoped)."""
    _, notice = running_notice(walk)
    client.force_login(staff["other_county"])
    with using_scope("220102"):
        assert client.get(notice_url(notice)).status_code == 200
