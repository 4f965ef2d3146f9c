"""The casework pages through the Django test client: one window application from the search for the
household to the county's confirmation, every step a plain form POST; the refusals shown in Chinese on
the page; a stale page refused; another township's application not found; a grid worker cannot confirm;
no page shows a full identity number."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doudi.casework.models import Application, Investigation, InvestigationPhoto
from doudi.core.scoping import all_regions
from tests.casework.conftest import make_family

pytestmark = pytest.mark.django_db
D = dt.date


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x1f\x5f\xa8" * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clients(client, staff, django_user_model):
    from django.test import Client

    out = {}
    for who in ("township", "county", "grid", "other_township"):
        c = Client()
        c.force_login(staff[who])
        out[who] = c
    return out


def full_ids(people) -> list[str]:
    with all_regions():
        return [p.id_number() for p in people]


def visible_text(html: str) -> str:
    """The page's main part as a reader sees it (the top bar shows the test user's login name)."""
    html = html[html.index("<main") : html.index("</main>")]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def app_of(household) -> Application:
    return Application.unscoped.get(household=household)


def post_event(c, app, event, **data):
    app.refresh_from_db()
    payload = {"version": app.version, **data}
    return c.post(reverse("casework:event", args=[app.pk, event]), payload)


def open_at_window(clients, family) -> Application:
    household, people = family
    c = clients["township"]
    found = c.get(reverse("casework:new"), {"q": "H-APPLY"})
    assert found.status_code == 200
    assert "H-APPLY" in found.content.decode() and "为该家庭登记申请" in found.content.decode()
    form = c.get(reverse("casework:new"), {"household": household.pk})
    assert "登记申请" in form.content.decode() and "崔永浩" in form.content.decode()
    r = c.post(
        reverse("casework:new"),
        {
            "household": household.pk,
            "applicant": people[0].pk,
            "channel": "window",
            "received_on": "2026-11-02",
            "tiers": ["DIBAO", "TEKUN", "MARGINAL", "RIGID"],
            "proxy": "",
        },
    )
    app = app_of(household)
    assert r.status_code == 302 and r["Location"] == reverse("casework:detail", args=[app.pk])
    assert app.channel == "window" and app.tiers == [] and app.received_on == D(2026, 11, 2)
    return app


def authorize_all(c, app, people) -> None:
    for p in people:
        r = c.post(
            reverse("casework:authorize", args=[app.pk]),
            {
                "person": p.pk,
                "method": "paper",
                "signed_on": "2026-11-02",
                "scan": SimpleUploadedFile("auth.png", png(), content_type="image/png"),
            },
        )
        assert r.status_code == 302, r.content.decode()[:2000]
    r = c.post(reverse("casework:commitment", args=[app.pk]), {"on": "2026-11-02", "method": "paper"})
    assert r.status_code == 302


def test_the_window_application_from_search_to_confirmation(clients, family, staff):
    household, people = family
    township, county, grid = clients["township"], clients["county"], clients["grid"]
    app = open_at_window(clients, family)

    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "已提交待受理" in page and "系统已获取" in page and "缺少" in page
    assert "崔永浩签署的授权书" in page

    # acceptance is refused until every authorization and the commitment are in: the reason on the page
    r = post_event(township, app, "accept", on="2026-11-02")
    assert r.status_code == 422
    assert "授权书和承诺书齐全后才能受理" in r.content.decode()

    authorize_all(township, app, people)
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "纸质签字（扫描件）" in page and "已于 2026-11-02 签署" in page

    r = post_event(township, app, "accept", on="2026-11-02")
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "accepted" and app.accepted_on == D(2026, 11, 2)

    r = post_event(township, app, "run_verification", on="2026-11-03")
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.verification_result == "pass"

    # the grid worker fills the home visit on his phone, with a photo
    form = grid.get(reverse("casework:investigate", args=[app.pk]))
    assert form.status_code == 200 and "入户调查" in form.content.decode()
    app.refresh_from_db()
    data = {
        "version": app.version,
        "visited_on": "2026-11-04",
        "method": "home",
        "level": "township",
        "investigator1": "朴志勇",
        "investigator2": "金美兰",
        "members_present": [str(people[0].pk), str(people[1].pk)],
        "living_conditions": "两位老人同住，房屋老旧",
        "income_answers": "仅有少量养老金",
        "housing_rating": "poor",
        "findings": "家中两位老人，收入仅靠少量养老金",
        "members_signed": "yes",
        f"labour_{people[0].pk}": "none",
        f"labour_{people[1].pk}": "none",
        "photos": [SimpleUploadedFile("a.png", png(), content_type="image/png")],
    }
    r = grid.post(reverse("casework:investigate", args=[app.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    app.refresh_from_db()
    assert app.state == "assessed" and app.investigation_done
    inv = Investigation.unscoped.get(application=app)
    assert inv.investigators == ["朴志勇", "金美兰"] and inv.housing_rating == "poor"
    assert inv.labour_capacity == {str(people[0].pk): "none", str(people[1].pk): "none"}
    photo = InvestigationPhoto.unscoped.get(investigation=inv)
    assert len(photo.sha256) == 64
    assert township.get(reverse("casework:photo", args=[photo.pk]))["Content-Type"] == "image/png"

    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "综合量化评审" in page and "合格线" in page and "已完成调查核对" in page

    assert post_event(township, app, "propose", on="2026-11-05").status_code == 302
    app.refresh_from_db()
    assert app.state == "prelim_opinion" and app.proposed_category == "DIBAO"
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert reverse("policy:decision", args=[app.proposal_id]) in page

    assert post_event(township, app, "start_notice", on="2026-11-05").status_code == 302
    r = post_event(township, app, "end_notice", on="2026-11-11")  # the notice runs to the 11th
    assert r.status_code == 302
    page = township.get(r["Location"]).content.decode()
    assert "公示期未满" in page
    assert post_event(township, app, "end_notice", on="2026-11-12").status_code == 302
    app.refresh_from_db()
    assert app.state == "awaiting_confirmation"

    # the county sees it in its list awaiting confirmation and confirms
    listing = county.get(reverse("casework:worklist"), {"group": "confirmation"}).content.decode()
    assert app.number in listing and "审核确认" in listing and "进学街道" in listing
    assert post_event(county, app, "confirm", on="2026-11-13").status_code == 302
    app.refresh_from_db()
    assert app.state == "confirmed"
    page = county.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "已确认" in page and "确认" in page and "低保" in page
    from doudi.letters.models import Letter

    letter = Letter.unscoped.get(ref_type="casework.application", ref_id=app.pk, kind="confirmation")
    assert reverse("letters:pdf", args=[letter.pk]) in page and letter.title in page
    for number in full_ids(people):
        assert number not in page


def test_a_stale_page_is_refused(clients, family, walk):
    app = walk.authorize(walk.open())
    township = clients["township"]
    stale = app.version
    assert post_event(township, app, "accept", on="2026-11-02").status_code == 302
    r = township.post(
        reverse("casework:event", args=[app.pk, "return"]),
        {"version": stale, "on": "2026-11-03"},
        follow=True,
    )
    assert "该申请已被他人更新，请刷新页面后重试" in r.content.decode()
    app.refresh_from_db()
    assert app.state == "accepted"


def test_errors_are_chinese_form_errors(clients, walk):
    app = walk.authorize(walk.open())
    township = clients["township"]
    r = post_event(township, app, "not_accept", on="2026-11-02", reason="")
    assert r.status_code == 422 and "这个字段是必填项" in r.content.decode()
    r = post_event(township, app, "accept", on="2099-01-01")
    assert r.status_code == 422 and "办理日期不能晚于今天" in r.content.decode()
    # an investigation with one investigator: the action's rule, on the investigation form
    app = walk.event(app, "accept", D(2026, 11, 2))
    r = clients["grid"].post(
        reverse("casework:investigate", args=[app.pk]),
        {
            "version": app.version,
            "visited_on": "2026-11-04",
            "method": "home",
            "level": "township",
            "investigator1": "朴志勇",
            "investigator2": "朴志勇",
            "findings": "情况属实",
            "members_signed": "no",
        },
    )
    text = r.content.decode()
    assert r.status_code == 422 and "家庭成员未签字的，须记录拒绝签字的情况" in text
    app.refresh_from_db()
    assert app.state == "accepted"


def test_another_township_does_not_find_the_application(clients, walk):
    app = walk.open()
    other = clients["other_township"]
    assert other.get(reverse("casework:detail", args=[app.pk])).status_code == 404
    assert other.get(reverse("casework:investigate", args=[app.pk])).status_code == 404
    assert post_event(other, app, "accept", on="2026-11-02").status_code == 404
    assert app.number not in other.get(reverse("casework:worklist")).content.decode()


def test_a_grid_worker_cannot_confirm(clients, walk):
    app = walk.to_authority()
    r = post_event(clients["grid"], app, "confirm", on="2026-11-13")
    assert r.status_code == 403
    app.refresh_from_db()
    assert app.state == "awaiting_confirmation"
    # nor does his page offer it
    page = clients["grid"].get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert 'id="ev-confirm"' not in page
    assert (
        'id="ev-confirm"' in clients["county"].get(reverse("casework:detail", args=[app.pk])).content.decode()
    )


def test_worklists_by_role(clients, walk, staff):
    app = walk.authorize(walk.open())
    app = walk.event(app, "accept", D(2026, 11, 2))
    township = clients["township"].get(reverse("casework:worklist")).content.decode()
    assert app.number in township and "已受理" in township and "启动入户调查" in township
    assert "已逾期" in township  # the investigation should have started by 5 November
    overdue = clients["township"].get(reverse("casework:worklist"), {"overdue": "1"}).content.decode()
    assert app.number in overdue
    grid = clients["grid"].get(reverse("casework:worklist")).content.decode()
    assert "我的入户调查" in grid and reverse("casework:investigate", args=[app.pk]) in grid
    # an htmx tab click gets only the results
    part = (
        clients["township"]
        .get(reverse("casework:worklist"), {"group": "investigation"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "<html" not in part and app.number in part
    county = clients["county"].get(reverse("casework:worklist")).content.decode()
    assert app.number not in county  # the county's own list: files awaiting confirmation and escalations


def test_pages_show_no_full_identity_number(clients, walk, family):
    household, people = family
    app = walk.event(walk.authorize(walk.open()), "accept", D(2026, 11, 2))
    visit = clients["grid"].get(reverse("casework:investigate", args=[app.pk]))
    app = walk.event(
        app,
        "record_investigation",
        D(2026, 11, 4),
        investigators=["朴志勇", "金美兰"],
        findings="家中两位老人",
        housing_rating="poor",
    )
    numbers = full_ids(people)
    pages = [
        clients["township"].get(reverse("casework:detail", args=[app.pk])),
        clients["township"].get(reverse("casework:new"), {"q": "崔永浩"}),
        clients["township"].get(reverse("casework:worklist")),
        visit,
    ]
    for r in pages:
        html = r.content.decode()
        for number in numbers:
            assert number not in html
    detail = visible_text(pages[0].content.decode())
    assert people[0].id_masked in detail
    # no raw state or event codes on the page a reader sees
    assert "乡镇（街道）经办人" in detail and "调查中" in detail  # role and state in Chinese
    # (the actor's name is the test user's login name, which spells its role: not checked)
    for code in ("investigating", "accepted", "record_investigation", "chinese-calendar", "poor", "paper"):
        assert code not in detail, (code, detail[detail.index(code) - 100 : detail.index(code) + 100])


def test_new_application_preselects_a_registered_household(clients, staff):
    with all_regions():
        household, _ = make_family("H-NEW")
    r = clients["township"].get(reverse("casework:new"), {"household": household.pk})
    assert r.status_code == 200 and f'name="household" value="{household.pk}"' in r.content.decode()
    with all_regions():
        far, _ = make_family("H-FAR", region="220102001000", r6="220102")
    assert clients["township"].get(reverse("casework:new"), {"household": far.pk}).status_code == 404


def test_a_second_application_of_the_household_is_a_form_error(clients, walk, family):
    household, people = family
    walk.open()
    r = clients["township"].post(
        reverse("casework:new"),
        {
            "household": household.pk,
            "applicant": people[0].pk,
            "channel": "window",
            "received_on": "2026-11-03",
        },
    )
    assert r.status_code == 422 and "该家庭已有办理中的申请" in r.content.decode()


def test_materials_scans_and_the_clock(clients, walk):
    app = walk.authorize(walk.open())
    township = clients["township"]
    form_key = next(m["key"] for m in app.materials if m["status"] == "missing")
    r = township.post(reverse("casework:material", args=[app.pk]), {"key": form_key, "provided": "1"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert next(m for m in app.materials if m["key"] == form_key)["status"] == "provided"
    pdf = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    r = township.post(reverse("casework:scan", args=[app.pk]), {"material": form_key, "scan": pdf})
    assert r.status_code == 302
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    link = re.search(r'href="(/casework/attachments/\d+/)"', page)
    assert link and township.get(link.group(1))["Content-Type"] == "application/pdf"
    bad = SimpleUploadedFile("x.pdf", b"<html>not a scan</html>", content_type="application/pdf")
    r = township.post(
        reverse("casework:scan", args=[app.pk]), {"material": form_key, "scan": bad}, follow=True
    )
    assert "不是图片或PDF文件" in r.content.decode()

    app = walk.event(app, "accept", D(2026, 11, 2))
    clock_url = reverse("casework:clock", args=[app.pk, "extend"])
    r = township.post(clock_url, {"reason": "other", "text": "", "on": "2026-11-03"})
    assert r.status_code == 422 and "选择“其他”理由时须写明具体情况" in r.content.decode()
    r = township.post(clock_url, {"reason": "cross_region", "on": "2026-11-03"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.extended and "跨地区调查" in app.extension_reason
    r = township.post(
        reverse("casework:clock", args=[app.pk, "pause"]), {"missing": "近6个月银行流水", "on": "2026-11-04"}
    )
    assert r.status_code == 302
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "等待申请人补充材料" in page and "恢复计时" in page
    assert (
        township.post(reverse("casework:clock", args=[app.pk, "resume"]), {"on": "2026-11-06"}).status_code
        == 302
    )
    # a grid worker may not touch the materials
    r = clients["grid"].post(reverse("casework:material", args=[app.pk]), {"key": form_key, "provided": "0"})
    assert r.status_code == 403


def test_the_home_panel_links_to_the_filtered_lists(clients, walk):
    walk.open()
    page = clients["township"].get(reverse("web:home")).content.decode()
    assert reverse("casework:worklist") + "?group=intake" in page
    assert reverse("casework:worklist") + "?overdue=1" in page


def test_delegated_confirmation_filed_and_spot_checked(clients, walk):
    from doudi.casework.models import CaseDecision, SpotCheck
    from doudi.policy import params_store
    from doudi.policy.models import ParameterValue
    from tests.conftest import YANJI

    with all_regions():
        ParameterValue.objects.create(
            key="casework.confirm_authority",
            region_code=YANJI,
            value="township",
            unit="enum",
            effective_from=D(2024, 1, 1),
            source="测试：授权乡镇审核确认",
        )
    params_store.clear_cache()
    app = walk.to_authority()
    township, county = clients["township"], clients["county"]
    assert post_event(township, app, "confirm", on="2026-11-13").status_code == 302
    decision = CaseDecision.unscoped.get(application=app)
    assert decision.authority_level == "township"
    assert app.number in township.get(reverse("casework:worklist")).content.decode()  # 尚未报县级备案
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert 'id="file-form"' in page and "确认结果报县级备案" in page
    r = township.post(reverse("casework:file", args=[decision.pk]), {"on": "2026-11-16"})
    assert r.status_code == 302
    decision.refresh_from_db()
    assert decision.filed_on == D(2026, 11, 16)
    check = SpotCheck.unscoped.filter(decision=decision).first() or SpotCheck.unscoped.create(
        decision=decision, region_code=decision.region_code, drawn_on=D(2026, 11, 16)
    )
    listing = county.get(reverse("casework:worklist")).content.decode()
    assert "待县级抽查的授权确认" in listing and app.number in listing
    r = county.post(
        reverse("casework:spot_check", args=[check.pk]), {"result": "upheld", "finding": "", "on": ""}
    )
    assert r.status_code == 422 and "这个字段是必填项" in r.content.decode()
    r = township.post(
        reverse("casework:spot_check", args=[check.pk]),
        {"result": "upheld", "finding": "属实", "on": "2026-11-20"},
    )
    assert r.status_code == 403
    r = county.post(
        reverse("casework:spot_check", args=[check.pk]),
        {"result": "upheld", "finding": "材料齐全，认定准确", "on": "2026-11-20"},
    )
    assert r.status_code == 302
    check.refresh_from_db()
    assert check.result == "upheld"
    assert "维持" in county.get(reverse("casework:detail", args=[app.pk])).content.decode()


def test_future_dates_are_refused_on_the_forms_whose_actions_do_not_check_them(clients, walk):
    app = walk.open()
    r = clients["township"].post(
        reverse("casework:commitment", args=[app.pk]), {"on": "2099-01-01", "method": "paper"}
    )
    assert r.status_code == 422 and "日期不能晚于今天" in r.content.decode()
    app.refresh_from_db()
    assert app.commitment_on is None


def test_an_objection_to_the_notice_goes_to_the_appraisal(clients, walk):
    app = walk.to_notice()
    township = clients["township"]
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "公示中" in page and 'id="ev-object"' in page
    r = post_event(township, app, "object", on="2026-11-06", text="群众反映其子女有稳定收入")
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "notice_objected"
    assert post_event(township, app, "start_appraisal", on="2026-11-09").status_code == 302
    r = post_event(
        township, app, "record_appraisal", on="2026-11-10", minutes="评议记录", participants="甲、乙"
    )
    assert r.status_code == 422 and "不少于三名参加人员" in r.content.decode()
    r = post_event(
        township,
        app,
        "record_appraisal",
        on="2026-11-10",
        minutes="经评议，子女无赡养能力",
        participants="甲、乙、丙",
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "assessed"
    page = township.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert "群众反映其子女有稳定收入" in page and "登记民主评议结果" in page
