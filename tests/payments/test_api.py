"""The payments API: rosters, lines, steps, accounts and a household's payments (R-PAY11); scoped (a
neighbour county's roster is 404), audited, errors ``{"error", "path"}``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.payments import bank_actions, bankfile, roster_actions
from doudi.payments.models import RosterLine
from tests.payments import bank_fixtures

world = bank_fixtures.world
pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client):
    from doudi.accounts.actions import create_token

    def make(user):
        with all_regions():
            token = create_token(actor="test", user=user, name="test")
        headers = {"Authorization": f"Bearer {token}"}

        class C:
            def get(self, url, **params):
                return client.get(url, params or None, headers=headers)

            def post(self, url, data):
                return client.post(url, json.dumps(data), content_type="application/json", headers=headers)

        return C()

    return make


def test_lists_and_scope(world, call):
    w = world
    yj, ng = w.rosters["yanji"].pk, w.rosters["nanguan"].pk
    county = call(w.staff["county"])
    items = county.get("/api/v1/rosters").json()["items"]
    assert [i["id"] for i in items] == [yj]
    assert items[0]["send_by"] == "2026-12-10" and items[0]["state_label"] == "草稿"
    assert county.get(f"/api/v1/rosters/{ng}").status_code == 404
    assert county.get(f"/api/v1/rosters/{ng}/lines").status_code == 404
    town = call(w.staff["township2"])
    assert [i["id"] for i in town.get("/api/v1/rosters").json()["items"]] == [yj]  # its county's roster
    lines = town.get(f"/api/v1/rosters/{yj}/lines").json()
    assert lines["count"] == 2 and {x["household_id"] for x in lines["items"]} == {w.households["H-YJ2"].pk}
    assert AuditEvent.unscoped.filter(action="payments.read", subject_type="roster").exists()
    assert call(w.staff["other_county"]).get(f"/api/v1/rosters/{yj}").status_code == 404


def test_steps_with_versions_and_errors(world, call):
    w = world
    r = w.rosters["yanji"]
    town, county = call(w.staff["township"]), call(w.staff["county"])
    bad = county.post(f"/api/v1/rosters/{r.pk}/events", {"event": "approve"})
    assert bad.status_code == 409 and bad.json()["path"] == "state"
    stale = town.post(f"/api/v1/rosters/{r.pk}/events", {"event": "lock", "version": 99})
    assert stale.status_code == 409 and stale.json()["path"] == "version"
    ok = town.post(f"/api/v1/rosters/{r.pk}/events", {"event": "lock", "version": 1})
    assert ok.status_code == 200 and ok.json()["state"] == "locked"
    no_reason = town.post(f"/api/v1/rosters/{r.pk}/events", {"event": "unlock"})
    assert no_reason.status_code == 422 and no_reason.json()["path"] == "reason"
    assert town.post(f"/api/v1/rosters/{r.pk}/events", {"event": "approve"}).status_code == 403
    done = county.post(f"/api/v1/rosters/{r.pk}/events", {"event": "approve"})
    assert done.json()["state"] == "approved"
    assert [e["to"] for e in done.json()["events"]] == ["locked", "approved"]
    assert (
        call(w.staff["other_county"]).post(f"/api/v1/rosters/{r.pk}/events", {"event": "release"}).status_code
        == 404
    )


def test_household_payments_with_breakdown_status_and_accounts(world, call):
    w = world
    hh = w.households["H-YJ1"]
    with all_regions():
        r = roster_actions.lock(actor=w.staff["township"], roster=w.rosters["yanji"])
        r = roster_actions.approve(actor=w.staff["county"], roster=r)
        r = roster_actions.release(actor=w.staff["county"], roster=r)
        _c, _n, digest = bank_actions.bank_file(actor=w.staff["county"], roster=r)
        r = roster_actions.send(actor=w.staff["county"], roster=r, external_ref="X", checksum=digest)
        refs = [x[1] for x in bankfile.rows(r)]
        bank_actions.import_return(
            actor=w.staff["county"],
            roster=r,
            content=("\n".join(f"{x},成功,,2026-12-15" for x in refs)).encode(),
        )
    got = call(w.staff["township"]).get(f"/api/v1/households/{hh.pk}/payments").json()
    dec = got["months"][0]
    assert (dec["month"], dec["amount"], dec["status"], dec["paid_on"]) == (
        "2026-12",
        600,
        "paid",
        "2026-12-15",
    )
    assert sorted((x["line"], x["rule"], x["amount"]) for x in dec["lines"]) == [
        ("base", "R-B1", 500),
        ("topup", "R-B2", 100),
    ]
    assert got["accounts"][0]["number"] == "****3445"
    assert "6222020200112233445" not in json.dumps(got)
    assert AuditEvent.unscoped.filter(
        action="payments.read", subject_type="household", subject_id=str(hh.pk)
    ).exists()
    assert call(w.staff["other_county"]).get(f"/api/v1/households/{hh.pk}/payments").status_code == 404
    assert call(w.staff["township2"]).get(f"/api/v1/households/{hh.pk}/payments").status_code == 404
    accounts = call(w.staff["township"]).get(f"/api/v1/households/{hh.pk}/accounts").json()
    assert accounts[0]["number"] == "****3445" and accounts[0]["kind_label"] == "社会保障卡"
    with all_regions():
        assert RosterLine.unscoped.filter(household=hh, status="paid").count() == 2
    assert dt.date(2026, 12, 15).isoformat() == dec["paid_on"]
