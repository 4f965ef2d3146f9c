"""The parameter store and reviewed changes: baseline load, proposals (county proposes for its county;
city/province of the subtree approves or rejects; rows closed and added; audited), what-if preview,
and the parameters page (values in force, inheritance, unverified flags, history)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.policy import actions, params_store
from doudi.policy.models import ParameterProposal, ParameterValue, PolicyRun
from doudi.policy.rules import load_baseline_rows
from doudi.policy.simulation import SimulationError
from tests.policy_django.conftest import NANGUAN, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db

STANDARD = {"key": "dibao_standard.urban", "value": "800", "effective_from": "2025-09-01"}


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.unscoped.filter(action=action).order_by("id"))


def _yanji_urban_rows():
    return list(
        # 延吉's own figures; its province floors (2022: 650, 2024: 660) are separate rows
        ParameterValue.objects.filter(key="dibao_standard.urban", region_code=YANJI, floor=False).order_by(
            "effective_from"
        )
    )


def test_baseline_load_is_idempotent_and_audited(store):
    assert store == len(load_baseline_rows()) == ParameterValue.objects.count()
    with all_regions():
        assert actions.load_baseline_parameters(actor="test") == 0
    assert len(_audit("policy.parameters_baseline")) == 1
    assert params_store.provider(YANJI_T1, "urban", dt.date(2025, 8, 1)).dibao_standard == 760


def test_county_proposes_city_approves(users):
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"], region_code=YANJI, changes=[STANDARD], reason="物价上涨"
        )
    assert p.status == "pending" and p.changes[0]["unit"] == "yuan/month"
    assert _audit("policy.parameter_propose")[-1].subject_id == str(p.pk)
    assert [r.value for r in _yanji_urban_rows()] == ["660", "760"]  # nothing changes before approval

    with all_regions():
        actions.approve_proposal(actor=users["city"], proposal=p, note="同意")
    old660, old760, new = _yanji_urban_rows()
    assert old760.effective_to == dt.date(2025, 8, 31)  # new effective_from − 1 day, inclusive
    assert old660.effective_to == dt.date(2025, 6, 30)  # untouched
    assert (new.value, new.effective_from, new.effective_to, new.proposal_id) == (
        "800",
        dt.date(2025, 9, 1),
        None,
        p.pk,
    )
    assert not new.unverified and "参数调整申请" in new.source
    p.refresh_from_db()
    assert p.status == "approved" and p.reviewed_by == users["city"] and p.review_note == "同意"
    event = _audit("policy.parameter_approve")[-1]
    closed = {c["id"] for c in event.before["closed"]}
    assert old760.pk in closed and event.after["created"] == [new.pk]
    # the local figure also ends 延吉's open province floors (issue 9 item 10)
    floors = ParameterValue.objects.filter(key="dibao_standard.urban", region_code=YANJI, floor=True)
    assert {f.pk for f in floors} <= closed and {f.effective_to for f in floors} == {dt.date(2025, 8, 31)}
    # in force: 760 on the last day, 800 from the first day
    assert params_store.provider(YANJI_T1, "urban", dt.date(2025, 8, 31)).dibao_standard == 760
    assert params_store.provider(YANJI_T1, "urban", dt.date(2025, 9, 1)).dibao_standard == 800
    with all_regions(), pytest.raises(actions.PolicyError):
        actions.approve_proposal(actor=users["province"], proposal=p)  # already reviewed


def test_a_window_change_resumes_the_old_value(users):
    change = {**STANDARD, "effective_to": "2025-12-31"}
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"], region_code=YANJI, changes=[change], reason="临时"
        )
        actions.approve_proposal(actor=users["province"], proposal=p)
    on = lambda d: params_store.provider(YANJI, "urban", d).dibao_standard  # noqa: E731
    assert (on(dt.date(2025, 8, 31)), on(dt.date(2025, 10, 1)), on(dt.date(2026, 1, 1))) == (760, 800, 760)


def test_who_may_propose(users):
    with all_regions():
        with pytest.raises(PermissionError):
            actions.propose_parameter_change(
                actor=users["township"], region_code=YANJI, changes=[STANDARD], reason="x"
            )
        with pytest.raises(PermissionError):  # another county
            actions.propose_parameter_change(
                actor=users["county_nanguan"], region_code=YANJI, changes=[STANDARD], reason="x"
            )
        with pytest.raises(PermissionError):  # a city officer reviews, does not propose
            actions.propose_parameter_change(
                actor=users["city"], region_code=YANJI, changes=[STANDARD], reason="x"
            )
        with pytest.raises(actions.PolicyError, match="参数"):
            actions.propose_parameter_change(
                actor=users["county"], region_code=YANJI, changes=[{**STANDARD, "value": "abc"}], reason="x"
            )
        with pytest.raises(actions.PolicyError, match="未知的参数"):
            actions.propose_parameter_change(
                actor=users["county"], region_code=YANJI, changes=[{**STANDARD, "key": "nope"}], reason="x"
            )
        with pytest.raises(actions.PolicyError, match="理由"):
            actions.propose_parameter_change(
                actor=users["county"], region_code=YANJI, changes=[STANDARD], reason=" "
            )
    assert ParameterProposal.unscoped.count() == 0


def test_who_may_review(users, settings):
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"], region_code=YANJI, changes=[STANDARD], reason="x"
        )
        for who in ("county", "township", "city_changchun"):
            with pytest.raises(PermissionError):
                actions.approve_proposal(actor=users[who], proposal=p)
        settings.DOUDI_PARAMETER_APPROVER_ROLES = ["county_officer"]  # the administrator's choice
        with pytest.raises(PermissionError, match="本人"):
            actions.approve_proposal(actor=users["county"], proposal=p)
    assert ParameterProposal.unscoped.get(pk=p.pk).status == "pending"


def test_rejection_leaves_parameters_unchanged(users):
    before = list(ParameterValue.objects.order_by("pk").values())
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"], region_code=YANJI, changes=[STANDARD], reason="x"
        )
        with pytest.raises(actions.PolicyError, match="驳回理由"):
            actions.reject_proposal(actor=users["city"], proposal=p, note="")
        actions.reject_proposal(actor=users["city"], proposal=p, note="依据不足")
    assert list(ParameterValue.objects.order_by("pk").values()) == before
    p.refresh_from_db()
    assert p.status == "rejected" and p.review_note == "依据不足"
    assert _audit("policy.parameter_reject")[-1].subject_id == str(p.pk)


# --- pages ---------------------------------------------------------------------------------------


def test_parameters_page_shows_inheritance_unverified_and_history(client, users):
    client.force_login(users["township"])
    page = client.get("/policy/parameters/").content.decode()
    assert "延吉市" in page and "进学街道" in page
    row = page.split('data-key="dibao_standard.urban"', 1)[1].split("</tr>", 1)[0]
    assert "760" in row and "延吉市" in row and "继承" in row and "未核实" not in row
    rural = page.split('data-key="dibao_standard.rural"', 1)[1].split("</tr>", 1)[0]
    # was the province-wide guess 480; now 延吉's 2022 rural floor (no 2024 rural floor published for it)
    assert (
        "415" in rural
        and "延吉市" in rural
        and "未核实" in rural
        and "省定最低指导标准（当地标准待录入）" in rural
    )
    older = client.get("/policy/parameters/", {"date": "2025-06-30"}).content.decode()
    assert ">660" in older.split('data-key="dibao_standard.urban"', 1)[1].split("</tr>", 1)[0]
    other = client.get("/policy/parameters/", {"region": NANGUAN, "date": "2025-08-01"}).content.decode()
    nanguan = other.split('data-key="dibao_standard.urban"', 1)[1].split("</tr>", 1)[0]
    assert ">770" in nanguan and "省定最低指导标准（当地标准待录入）" in nanguan  # was the guess 640
    history = client.get("/policy/parameters/", {"key": "dibao_standard.urban"}).content.decode()
    table = history.split('id="history-table"', 1)[1]
    assert table.index("760") < table.index("660") < table.index("650") < table.index("560")  # county first
    bad = client.get("/policy/parameters/", {"region": "222499000000"}).content.decode()
    assert "不存在" in bad


def test_proposal_pages_with_preview(client, users, assessed_household, monkeypatch):
    """The proposal runs the real what-if simulation (spied on for its arguments) and the page shows
    its summary."""
    from doudi.policy import simulation

    calls = []
    real = simulation.simulate
    monkeypatch.setattr(simulation, "simulate", lambda **kw: calls.append(kw) or real(**kw))

    client.force_login(users["county"])
    assert client.get("/policy/proposals/new/").status_code == 200
    response = client.post(
        "/policy/proposals/new/",
        {
            "key": "dibao_standard.urban",
            "area_type": "",
            "value": "800",
            "effective_from": "2025-09-01",
            "reason": "物价上涨",
        },
    )
    p = ParameterProposal.unscoped.get()
    assert response.status_code == 302 and response.url == f"/policy/proposals/{p.pk}/"
    assert calls and calls[0]["region_code"] == YANJI and calls[0]["as_of"] == dt.date(2025, 9, 1)
    assert calls[0]["changes"][0]["key"] == "dibao_standard.urban"
    cost = p.preview["summary"]["cost"]
    assert p.preview["summary"]["assessed"] == 1 and cost["delta"] != 0 and p.preview_note == ""
    assert p.preview["run_id"] == PolicyRun.unscoped.get(kind="simulation").pk
    page = client.get(f"/policy/proposals/{p.pk}/").content.decode()
    assert 'id="preview-headline"' in page and str(cost["delta"]) in page
    assert "760" in page and "800" in page and 'id="review"' not in page

    client.force_login(users["city"])
    page = client.get(f"/policy/proposals/{p.pk}/").content.decode()
    assert 'id="review"' in page and str(cost["delta"]) in page
    response = client.post(f"/policy/proposals/{p.pk}/review/", {"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    assert ParameterProposal.unscoped.get(pk=p.pk).status == "approved"

    client.force_login(users["township"])  # a township neither proposes nor reviews
    assert client.get("/policy/proposals/new/").status_code == 403


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (SimulationError("所选区划不在您的管辖范围内"), "所选区划不在您的管辖范围内"),
        (RuntimeError("disk full at /var/x"), "系统内部错误"),  # an internal reason is only logged
    ],
)
def test_a_failed_preview_says_so_and_keeps_the_proposal(client, users, monkeypatch, error, shown):
    from doudi.policy import simulation

    def fail(**kw):
        raise error

    monkeypatch.setattr(simulation, "simulate", fail)
    client.force_login(users["county"])
    response = client.post(
        "/policy/proposals/new/",
        {"key": "dibao_standard.urban", "value": "800", "effective_from": "2025-09-01", "reason": "物价上涨"},
    )
    p = ParameterProposal.unscoped.get()
    assert response.status_code == 302 and p.preview is None and p.status == "pending"
    page = client.get(f"/policy/proposals/{p.pk}/").content.decode()
    assert "测算预览生成失败" in page and shown in page and "申请已照常提交" in page
    assert "尚未启用" not in page and "disk full" not in page


def test_proposals_are_scoped(client, users):
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"], region_code=YANJI, changes=[STANDARD], reason="x"
        )
    client.force_login(users["city_changchun"])
    assert client.get(f"/policy/proposals/{p.pk}/").status_code == 404
    assert f"第 {p.pk} 号" not in client.get("/policy/proposals/").content.decode()
    client.force_login(users["city"])
    assert f"第 {p.pk} 号" in client.get("/policy/proposals/").content.decode()
    client.force_login(users["city_changchun"])
    assert client.post(f"/policy/proposals/{p.pk}/review/", {"decision": "approve"}).status_code == 404


def test_proposal_preview_with_the_real_simulation(client, users, assessed_household):
    client.force_login(users["county"])
    client.post(
        "/policy/proposals/new/",
        {"key": "dibao_standard.urban", "value": "900", "effective_from": "2025-08-01", "reason": "测算"},
    )
    p = ParameterProposal.unscoped.get()
    assert p.preview is not None and isinstance(p.preview["summary"], dict), p.preview
    assert p.preview["as_of"] == "2025-08-01"
    page = client.get(f"/policy/proposals/{p.pk}/").content.decode()
    assert 'id="preview-headline"' in page and "进学街道" in page  # tiers, cost, by region


def test_two_equally_ranked_rows_resolve_to_the_newest_entered_whatever_the_row_order(store):
    """Rows written outside the reviewed path (an import, a script) can leave two rows of a key in force from
    the same day for the same region: the newest entered wins, on every database and in every process."""
    row = _yanji_urban_rows()[-1]
    on = dt.date(2031, 1, 1)
    for value in ("901", "902"):
        ParameterValue.objects.create(
            key=row.key, region_code=row.region_code, area_type=row.area_type, value=value, unit=row.unit,
            effective_from=on, source="测试：同日两行", floor=False,
        )  # fmt: skip
    params_store.clear_cache()
    assert params_store.provider(YANJI_T1, "urban", on).dibao_standard == 902
