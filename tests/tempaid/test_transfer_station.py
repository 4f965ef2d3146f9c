"""R-TA10: after aid, a registry household in the actor's region gets one casework application for every
regular tier (with the family's consent), linked both ways and shown on the case page; an applicant from
elsewhere is told to apply at the household registration. R-TA2: a person living rough is referred to the
救助管理站, the case closed with no payment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from doudi.casework.models import Application
from doudi.core import idnumber
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.monitoring.models import NeedPush
from doudi.payments.models import RosterLine
from doudi.tempaid import actions, transfer_actions
from doudi.tempaid.base import TempAidConflict, TempAidError
from doudi.tempaid.models import CaseStep, NoticeObjection, TempAidCase
from tests.payments.test_api import call  # noqa: F401  (fixture)
from tests.tempaid.conftest import DAY, S, apply_fire

pytestmark = pytest.mark.django_db
ST = TempAidCase.State
JIN_ID = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)  # 金明哲, H-YJ1 (进学街道)
LI_ID = idnumber.make("222401", dt.date(1985, 5, 20), 100, male=False)  # 李春花, H-YJ2 (北山街道)


def _approved(w, **kw):
    case = apply_fire(w, **kw)
    with all_regions():
        for kind in ("verify", "investigate"):
            case = actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已核实", on=DAY)
        return actions.approve(actor=w.staff["township"], case=case, amount=2 * S, on=DAY)


def test_transfer_opens_one_application_linked_both_ways(world, households, client):
    w = world
    case = _approved(w, applicant_name="金明哲", id_number=JIN_ID, hukou_place="延吉市进学街道")
    assert case.household_id == households["H-YJ1"].pk
    with all_regions():
        with pytest.raises(TempAidError, match="同意"):
            transfer_actions.open_regular_application(
                actor=w.staff["township"], case=case, consent_by=" ", on=DAY
            )
        case = transfer_actions.open_regular_application(
            actor=w.staff["grid"], case=case, consent_by="金明哲", on=DAY
        )
        app = Application.unscoped.get(pk=case.application_id)
        assert app.household_id == households["H-YJ1"].pk and app.channel == "proactive"
        assert app.tiers == ["DIBAO", "TEKUN", "MARGINAL", "RIGID"]
        assert app.consent["temp_aid_case"] == case.number and app.consent["temp_aid_id"] == str(case.pk)
        assert app.consent["given_by"] == "金明哲"
        assert case.followup_done
        step = CaseStep.unscoped.get(case=case, kind="transfer")
        assert app.number in step.note
        # the needs rules ran for the household (R-P1): a DIBAO household's due needs are pushed, noted once
        pushed = NeedPush.unscoped.filter(household=households["H-YJ1"]).count()
        assert pushed > 0 and f"推送需求{pushed}项" in step.note
        assert AuditEvent.objects.filter(action="tempaid.transfer", subject_id=str(case.pk)).exists()
        with pytest.raises(TempAidConflict):  # once
            transfer_actions.open_regular_application(
                actor=w.staff["township"], case=case, consent_by="金明哲"
            )
    client.force_login(w.staff["township"])
    page = client.get(reverse("tempaid:case", args=[case.pk])).content.decode()
    assert app.number in page and reverse("casework:detail", args=[app.pk]) in page
    detail = client.get(reverse("casework:detail", args=[app.pk])).content.decode()
    assert case.number in detail and reverse("tempaid:case", args=[case.pk]) in detail


def test_transfer_refused_for_outsiders_and_other_townships(world, households):
    w = world
    outsider = _approved(w)  # 河北 identity, unknown to the registry
    with all_regions(), pytest.raises(TempAidError, match="户籍所在地"):
        transfer_actions.open_regular_application(
            actor=w.staff["township"], case=outsider, consent_by="赵立新"
        )
    elsewhere = _approved(w, applicant_name="李春花", id_number=LI_ID)
    with all_regions(), pytest.raises(TempAidError, match="北山街道"):
        transfer_actions.open_regular_application(
            actor=w.staff["township"], case=elsewhere, consent_by="李春花"
        )
    assert not Application.unscoped.exists()


def test_transfer_only_after_approval(world, households):
    w = world
    case = apply_fire(w, applicant_name="金明哲", id_number=JIN_ID)
    with all_regions(), pytest.raises(TempAidConflict, match="批准后"):
        transfer_actions.open_regular_application(actor=w.staff["township"], case=case, consent_by="金明哲")


def test_person_living_rough_is_referred_to_the_station(world, client):
    w = world
    case = apply_fire(w, event="冬夜在火车站露宿，无固定住所，生活无着", hukou_place="不详")
    with all_regions():
        case = transfer_actions.refer_to_station(
            actor=w.staff["grid"], case=case, note="已联系站内接收", on=DAY
        )
        assert case.state == ST.REFERRED and case.station == "延吉市救助管理站"
        assert not RosterLine.unscoped.filter(payee_key=f"t{case.pk}").exists()
        assert "生活无着流浪乞讨人员" in CaseStep.unscoped.get(case=case, kind="station").note
        assert AuditEvent.objects.filter(action="tempaid.station", subject_id=str(case.pk)).exists()
        with pytest.raises(TempAidConflict):  # closed
            actions.pay_first(actor=w.staff["township"], case=case, amount=500, on=DAY)
        with pytest.raises(TempAidConflict):
            actions.refuse(actor=w.staff["township"], case=case, reason="x", on=DAY)
    client.force_login(w.staff["township"])
    listed = client.get(reverse("tempaid:index") + "?show=referred").content.decode()
    assert case.number in listed and "已转介救助管理机构" in listed
    page = client.get(reverse("tempaid:case", args=[case.pk])).content.decode()
    assert "延吉市救助管理站" in page


def test_case_page_posts_notice_objection_and_station(world, client, monkeypatch):
    from doudi.tempaid import notice_actions

    monkeypatch.setattr(notice_actions, "notice_days", lambda case, on: 3)
    w = world
    case = apply_fire(w, on=dt.date.today(), event_date=dt.date.today())
    with all_regions():
        for kind in ("verify", "investigate"):
            case = actions.record_step(actor=w.staff["township"], case=case, kind=kind, note="已核实")
    client.force_login(w.staff["township"])
    page = client.get(reverse("tempaid:case", args=[case.pk])).content.decode()
    assert "开始公示" in page and "请先公示" not in page
    client.post(reverse("tempaid:more", args=[case.pk, "notice"]))
    case.refresh_from_db()
    assert case.state == ST.NOTICE
    client.post(
        reverse("tempaid:more", args=[case.pk, "objection"]), {"content": "反映其有车辆", "raised_by": ""}
    )
    page = client.get(reverse("tempaid:case", args=[case.pk])).content.decode()
    assert "反映其有车辆" in page and "待核实" in page and "临时救助公示" in page
    obj = NoticeObjection.unscoped.get(case=case)
    client.post(
        reverse("tempaid:more", args=[case.pk, "answer"]),
        {"objection": obj.pk, "upheld": "1", "finding": "属实"},
    )
    obj.refresh_from_db()
    assert obj.upheld is True and obj.answered_on is not None
    assert client.post(reverse("tempaid:more", args=[case.pk, "nope"])).status_code == 404


def test_api_notice_objection_refusal_letter_and_station(world, call, monkeypatch):  # noqa: F811
    from doudi.tempaid import notice_actions

    monkeypatch.setattr(notice_actions, "notice_days", lambda case, on: 3)
    w = world
    today = dt.date.today()
    t = call(w.staff["township"])
    body = {"aid_type": "emergency", "event": "房屋失火", "event_date": today.isoformat(),
            "applicant_name": "赵立新", "degree": 1}  # fmt: skip
    cid = t.post("/api/v1/tempaid/cases", body).json()["id"]
    ev = f"/api/v1/tempaid/cases/{cid}/events"
    for kind in ("verify", "investigate"):
        assert t.post(ev, {"event": kind, "note": "已核实"}).status_code == 200
    assert t.post(ev, {"event": "approve", "amount": S}).status_code == 409  # notice first
    got = t.post(ev, {"event": "notice"}).json()
    assert got["state"] == "notice" and got["notice"]["end"] and got["letters"][0]["title"] == "临时救助公示"
    got = t.post(ev, {"event": "objection", "note": "反映另有收入"}).json()
    oid = got["objections"][0]["id"]
    got = t.post(
        ev, {"event": "answer_objection", "objection_id": oid, "upheld": True, "note": "属实"}
    ).json()
    assert got["objections"][0]["upheld"] is True
    got = t.post(ev, {"event": "refuse", "note": "公示异议经核实成立：另有稳定收入"}).json()
    assert got["state"] == "refused" and [x["title"] for x in got["letters"]] == [
        "临时救助公示",
        "不予临时救助告知书",
    ]
    cid2 = t.post("/api/v1/tempaid/cases", body).json()["id"]
    got = t.post(f"/api/v1/tempaid/cases/{cid2}/events", {"event": "station", "note": "露宿街头"}).json()
    assert got["state"] == "referred" and got["station"] == "延吉市救助管理站"
    r = t.post(f"/api/v1/tempaid/cases/{cid2}/events", {"event": "transfer", "consent_by": "赵立新"})
    assert r.status_code == 409
