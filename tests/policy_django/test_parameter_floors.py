"""Published figures in the store (issue 9 item 10): province floors flagged on the parameters page and on
decisions (full and summary views), dates before the first figure, the baseline reload retiring the old
placeholders, and region resolution that never crashes (issue 9 item 1)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.policy import actions, params_store, service
from doudi.policy.models import ParameterValue
from doudi.policy.rules import UnknownRegionError
from doudi.policy.rules.params import FLOOR_NOTE
from tests.policy_django.conftest import AS_OF, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db


def _only_floors_for_yanji_urban() -> None:
    """延吉 as a county whose own urban standard is not entered: only its province floors remain."""
    ParameterValue.objects.filter(key="dibao_standard.urban", region_code=YANJI, floor=False).update(
        status=ParameterValue.Status.RETIRED
    )
    params_store.clear_cache()


def test_store_resolves_floors_and_local_figures(store):
    on = dt.date(2025, 8, 1)
    local = params_store.provider(YANJI_T1, "urban", on).entry("dibao_standard.urban")
    assert (local.value_text(), local.floor) == ("760", False)
    rural = params_store.provider(YANJI_T1, "rural", on).entry("dibao_standard.rural")
    assert (rural.value_text(), rural.floor, rural.note_zh()) == ("415", True, FLOOR_NOTE)
    linjiang = params_store.provider("220681", "rural", on).entry("dibao_standard.rural")
    assert (linjiang.value_text(), linjiang.floor) == ("470", False)
    assert params_store.provider("220102", "urban", on).decimal("min_wage.monthly") == 2120


def test_decision_with_a_floor_says_so_everywhere(client, assessed_household, users):
    _only_floors_for_yanji_urban()
    with using_scope(YANJI_T1):
        decision = actions.take_decision(actor=users["township"], household=assessed_household, as_of=AS_OF)
    result = decision.result_data()
    used = {p["key"]: p for p in result["parameters_used"]}
    assert (
        used["dibao_standard.urban"]["value"] == "660"
        and used["dibao_standard.urban"]["note_zh"] == FLOOR_NOTE
    )
    assert FLOOR_NOTE in result["explanation_zh"]
    assert decision.result["parameter_notes"][0]["key"] == "dibao_standard.urban"
    assert service.replay(decision).identical
    url = f"/policy/decisions/{decision.pk}/"
    client.force_login(users["township"])  # full details
    page = client.get(url).content.decode()
    assert page.count(FLOOR_NOTE) >= 3  # the notice, the parameter table and the explanation
    client.force_login(users["grid"])  # summary only: the notice still shows
    page = client.get(url).content.decode()
    assert "逐条认定依据" not in page and "城市低保标准 660 元/人·月：" + FLOOR_NOTE in page


def test_decision_with_local_figure_has_no_notice(client, assessed_household, users):
    with using_scope(YANJI_T1):
        decision = actions.take_decision(actor=users["township"], household=assessed_household, as_of=AS_OF)
    assert "parameter_notes" not in decision.result
    client.force_login(users["township"])
    assert "parameter-notes" not in client.get(f"/policy/decisions/{decision.pk}/").content.decode()


def test_parameters_page_before_the_first_figure(client, users):
    client.force_login(users["township"])
    page = client.get("/policy/parameters/", {"region": "220122", "date": "2021-06-01"}).content.decode()
    row = page.split('data-key="dibao_standard.urban"', 1)[1].split("</tr>", 1)[0]
    assert ">550" in row and "认定日期早于已录入的最早标准" in row and "2022-01-01" in row


def test_baseline_reload_retires_superseded_placeholders(store, users):
    old = ParameterValue.objects.create(
        key="dibao_standard.urban", region_code="220000000000", value="640", unit="yuan/month",
        effective_from=dt.date(2024, 1, 1), source="全省兜底默认值", unverified=True,
    )  # fmt: skip
    with all_regions():
        p = actions.propose_parameter_change(
            actor=users["county"],
            region_code=YANJI,
            changes=[{"key": "dibao_standard.urban", "value": "800", "effective_from": "2025-09-01"}],
            reason="当地标准",
        )
        actions.approve_proposal(actor=users["city"], proposal=p)
        assert actions.load_baseline_parameters(actor="test") == 0
    old.refresh_from_db()
    assert old.status == ParameterValue.Status.RETIRED
    assert ParameterValue.objects.filter(proposal=p, status=ParameterValue.Status.ACTIVE).exists()
    assert params_store.provider("220381", "urban", dt.date(2025, 8, 1)).dibao_standard == 560


def test_resolution_is_total_on_regions(store):
    for bad in ("110101", "110101001000", "abc", ""):
        with pytest.raises(UnknownRegionError):
            params_store.provider(bad, "urban", AS_OF)
    # the monitoring scan's resolver used to raise IndexError here (issue 9 item 1)
    from doudi.monitoring.scans.params import resolve

    row = resolve("110101000000", "urban", AS_OF)
    assert row["ill_on"] is True and row["dl_red"] == 3
