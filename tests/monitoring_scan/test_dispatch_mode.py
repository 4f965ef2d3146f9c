"""Warnings reach the township without waiting (issue 9 item 5; DOMAIN R-M13): ``warning.dispatch_mode``
is a region parameter — ``direct`` (default): the scan dispatches to the household's township and the
county watches, recalls or reassigns; ``county``: the warning waits in the county inbox."""

from __future__ import annotations

import pytest

from doudi.core.scoping import all_regions
from doudi.monitoring.loop import base, warning_actions
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.models import EarlyWarning, Notification, PotentialCase
from doudi.monitoring.scans import params
from doudi.policy import params_store
from doudi.policy.actions import PolicyError, approve_proposal, propose_parameter_change

from .conftest import AS_OF, NG, T1, T2, D, make_family, open_warnings, run_all, write_batch

pytestmark = pytest.mark.django_db

YANJI = "222401000000"


def students():
    yanji = make_family("H-YJ", region=T1, category="MARGINAL")
    nanguan = make_family("H-NG", region=NG, category="MARGINAL")
    county_level = make_family("H-YJC", region=YANJI, category="MARGINAL")
    write_batch(1, "student", [
        {"person": f.head, "stage": "senior", "school": "一中", "hardship_flag": True}
        for f in (yanji, nanguan, county_level)
    ])  # fmt: skip
    return yanji, nanguan, county_level


def set_mode(region: str, mode: str, make_user) -> None:
    """``warning.dispatch_mode`` through the reviewed parameter mechanism (R-S3), like any other key."""
    county = make_user("county_officer", region)
    city = make_user("city_officer", region[:4] + "00000000")
    with all_regions():
        proposal = propose_parameter_change(
            actor=county, region_code=region, reason="本县预警由县级统一派发",
            changes=[{"key": "warning.dispatch_mode", "value": mode, "effective_from": "2025-07-01"}],
        )  # fmt: skip
        approve_proposal(actor=city, proposal=proposal)
    params_store.clear_cache()


def by_household(fams) -> dict[str, EarlyWarning]:
    ids = {f.household.pk: key for key, f in fams.items()}
    return {ids[w.household_id]: w for w in open_warnings("W-EDU") if w.household_id in ids}


def test_direct_is_the_default_the_scan_dispatches_to_the_township(scan_env, make_user):
    county = make_user("county_officer", YANJI)
    township = make_user("township_caseworker", T1)
    yanji, nanguan, county_level = students()
    run_all()
    w = by_household({"yj": yanji, "ng": nanguan, "c": county_level})
    assert (w["yj"].status, w["yj"].township_code) == ("dispatched", T1)
    assert (w["ng"].status, w["ng"].township_code) == ("dispatched", NG)
    assert (w["c"].status, w["c"].township_code) == ("raised", "")  # known only by its county: waits there
    texts = {n.user_id: n.text for n in Notification.objects.all()}
    assert "请指派网格员入户核查" in texts[township.pk]
    assert "已直接派发至乡镇（街道）" in " ".join(n.text for n in Notification.objects.filter(user=county))
    assert params.resolve(T1, "urban", AS_OF)["dispatch_direct"] is True


def test_county_mode_keeps_warnings_in_the_county_inbox(scan_env, make_user):
    set_mode(YANJI, "county", make_user)
    yanji, nanguan, _ = students()
    run_all()
    w = by_household({"yj": yanji, "ng": nanguan})
    assert (w["yj"].status, w["yj"].township_code) == ("raised", "")  # 延吉: dispatched by hand
    assert w["ng"].status == "dispatched"  # 南关区 keeps the default
    assert params.resolve(T1, "urban", D(2025, 6, 30))["dispatch_direct"] is True  # before it took effect


def test_the_parameter_is_listed_in_chinese_and_validated(scan_env, make_user):
    set_mode(YANJI, "county", make_user)
    [entry] = [e for e in params_store.parameters_in_force(T1, AS_OF) if e["key"] == "warning.dispatch_mode"]
    assert entry["label"].startswith("预警派发方式") and entry["value"] == "county"
    assert dict(params_store.keys())["warning.dispatch_mode"].startswith("预警派发方式")
    county = make_user("county_officer", YANJI)
    with all_regions(), pytest.raises(PolicyError):
        propose_parameter_change(
            actor=county, region_code=YANJI, reason="试",
            changes=[{"key": "warning.dispatch_mode", "value": "township", "effective_from": "2025-07-01"}],
        )  # fmt: skip


@pytest.fixture
def dispatched(scan_env, make_user):
    yanji, *_ = students()
    run_all()
    return by_household({"yj": yanji})["yj"]


def test_the_county_recalls_a_dispatched_warning(dispatched, make_user):
    county, township = make_user("county_officer", YANJI), make_user("township_caseworker", T1)
    with pytest.raises(FlowDenied):
        warning_actions.recall(actor=township, warning=dispatched)
    w = warning_actions.recall(actor=county, warning=dispatched)
    assert (w.status, w.township_code, w.assigned_to_id) == ("raised", "", None)
    assert "已被县级民政收回" in Notification.objects.filter(user=township).latest("id").text
    w = warning_actions.dispatch(actor=county, warning=w, township_code=T1)  # and dispatches it again
    assert w.status == "dispatched"


def test_a_household_warning_is_not_reassigned_away_from_its_township(dispatched, make_user):
    county = make_user("county_officer", YANJI)
    with pytest.raises(FlowDenied, match="所在乡镇"):
        warning_actions.reassign(actor=county, warning=dispatched, township_code=T2)


def test_the_county_reassigns_a_potential_case_to_another_township(scan_env, make_user):
    from doudi.core import idnumber

    county, t1, t2 = (make_user("county_officer", YANJI), make_user("township_caseworker", T1),
                      make_user("township_caseworker", T2))  # fmt: skip
    number = idnumber.make("222401", D(1970, 2, 2), 51, male=True)
    write_batch(1, "disability", [{"person": None, "id_number": number, "name": "赵大", "region_code": T1,
                                   "disability_kind": "physical", "disability_grade": 1,
                                   "certified_on": D(2025, 7, 1)}])  # fmt: skip
    run_all()
    [w] = open_warnings("W-NEW")
    assert (w.status, w.township_code) == ("dispatched", T1)
    with pytest.raises(base.MonitoringError, match="其他乡镇"):
        warning_actions.reassign(actor=county, warning=w, township_code=T1)
    with pytest.raises(base.MonitoringError, match="所在县"):
        warning_actions.reassign(actor=county, warning=w, township_code=NG)
    w = warning_actions.reassign(actor=county, warning=w, township_code=T2)
    assert (w.status, w.township_code, w.region_code) == ("dispatched", T2, T2)
    assert PotentialCase.unscoped.get(pk=w.potential_case_id).region_code == T2
    assert "改派" in Notification.objects.filter(user=t2).latest("id").text
    assert "改派其他乡镇" in Notification.objects.filter(user=t1).latest("id").text


def test_the_detail_page_offers_recall_and_reassign_to_the_county(scan_env, client, make_user):
    from doudi.core import idnumber

    number = idnumber.make("222401", D(1970, 2, 2), 52, male=True)
    write_batch(1, "disability", [{"person": None, "id_number": number, "name": "钱二", "region_code": T1,
                                   "disability_kind": "physical", "disability_grade": 1,
                                   "certified_on": D(2025, 7, 1)}])  # fmt: skip
    run_all()
    [w] = open_warnings("W-NEW")
    client.force_login(make_user("township_caseworker", T1))
    page = client.get(f"/monitoring/warnings/{w.pk}/").content.decode()
    assert "recall-form" not in page and "reassign-form" not in page
    assert client.post(f"/monitoring/warnings/{w.pk}/recall/").status_code == 403
    client.force_login(make_user("county_officer", YANJI))
    page = client.get(f"/monitoring/warnings/{w.pk}/").content.decode()
    assert 'id="recall-form"' in page and 'id="reassign-form"' in page and "北山街道" in page
    response = client.post(f"/monitoring/warnings/{w.pk}/reassign/", {"township": T2})
    assert response.status_code == 302
    assert EarlyWarning.unscoped.get(pk=w.pk).township_code == T2
    response = client.post(f"/monitoring/warnings/{w.pk}/recall/")
    assert response.status_code == 302 and EarlyWarning.unscoped.get(pk=w.pk).status == "raised"
