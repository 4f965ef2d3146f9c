"""Claims (认领认捐): split among charities without ever exceeding the need, the lock and its expiry, pledge,
delivery with evidence, the township's confirmation (已完成 and the household chain) or return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doudi.charity import claim_actions
from doudi.charity.base import CharityConflict, CharityError
from doudi.charity.models import Claim, Need
from doudi.core.scoping import all_regions
from doudi.monitoring.models import ChainEvent

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _need(pk):
    return Need.unscoped.get(pk=pk)


def test_split_among_charities_never_exceeds_the_need(make_need, people, charities):
    need = make_need(target="1000")
    with all_regions():
        claim_actions.claim(actor=people["ch_prov"], need=need, amount="600")
        assert _need(need.pk).state == "partly_claimed"
        with pytest.raises(CharityConflict, match="剩余 400"):
            claim_actions.claim(actor=people["ch_yanji"], need=need, amount="401")
        claim_actions.claim(actor=people["ch_yanji"], need=need, amount="400")
        n = _need(need.pk)
        assert n.state == "claimed" and n.claimed == Decimal("1000") and n.remaining == 0
        with pytest.raises(CharityConflict):
            claim_actions.claim(actor=people["ch_prov"], need=need, amount="1")


def test_charity_outside_its_service_area_cannot_claim(make_need, people, charities):
    need = make_need(target="500")
    with all_regions(), pytest.raises(Need.DoesNotExist):
        claim_actions.claim(actor=people["ch_nanguan"], need=need, amount="100")
    with all_regions(), pytest.raises(PermissionError):
        claim_actions.claim(actor=people["township"], need=need, amount="100")


def test_lock_expiry_releases_the_part(make_need, people, charities, settings):
    need = make_need(target="1000")
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="700")
        assert c.locked_until == timezone.localdate() + dt.timedelta(days=7)
        p = claim_actions.claim(actor=people["ch_yanji"], need=need, amount="300")
        claim_actions.pledge(actor=people["ch_yanji"], claim=p)
        # the day after the lock ended: the unpledged claim is released, the pledge (30 days) holds
        assert claim_actions.release_expired(today=c.locked_until + dt.timedelta(days=1)) == 1
        n = _need(need.pk)
        assert n.claimed == Decimal("300") and n.state == "partly_claimed"
        assert Claim.unscoped.get(pk=c.pk).state == "released"
        assert Claim.unscoped.get(pk=p.pk).state == "pledged"
        assert claim_actions.release_expired(today=c.locked_until + dt.timedelta(days=1)) == 0


def test_delivery_confirmation_completes_the_need_and_lands_on_the_chain(make_need, people, charities):
    need = make_need(target="1000")
    with all_regions():
        a = claim_actions.claim(actor=people["ch_prov"], need=need, amount="600")
        b = claim_actions.claim(actor=people["ch_yanji"], need=need, amount="400")
        d1 = claim_actions.record_delivery(actor=people["ch_prov"], claim=a, kind="money", amount="600",
                                           description="转账至家庭账户", delivered_on=timezone.localdate(),
                                           evidence=SimpleUploadedFile("回执.png", PNG))  # fmt: skip
        assert d1.evidence and d1.evidence_name == "回执.png"
        claim_actions.confirm_delivery(actor=people["township"], delivery=d1)
        n = _need(need.pk)
        assert n.fulfilled == Decimal("600") and n.state == "claimed"
        # the second gives less than it claimed: the rest returns to the need
        d2 = claim_actions.record_delivery(actor=people["ch_yanji"], claim=b, kind="goods", amount="300",
                                           description="米面油", delivered_on=timezone.localdate())  # fmt: skip
        claim_actions.confirm_delivery(actor=people["township"], delivery=d2)
        n = _need(need.pk)
        assert (n.claimed, n.fulfilled, n.state) == (Decimal("900"), Decimal("900"), "partly_claimed")
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="100")
        d3 = claim_actions.record_delivery(actor=people["ch_prov"], claim=c, kind="service", amount="100",
                                           description="上门照料", delivered_on=timezone.localdate())  # fmt: skip
        claim_actions.confirm_delivery(actor=people["township"], delivery=d3)
        n = _need(need.pk)
        assert n.state == "completed" and n.completed_on == timezone.localdate()
        events = list(
            ChainEvent.unscoped.filter(household_id=need.household_id, kind="charity").order_by("pk")
        )
        assert len(events) == 3 and "测试慈善会prov" in events[0].summary and "确认收到" in events[0].summary
        assert events[0].ref_type == "charity.delivery"


def test_rejected_delivery_returns_the_claim_to_pledged(make_need, people, charities):
    need = make_need(target="200")
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="200")
        d = claim_actions.record_delivery(actor=people["ch_prov"], claim=c, kind="money", amount="200",
                                          description="转账", delivered_on=timezone.localdate())  # fmt: skip
        with pytest.raises(PermissionError):
            claim_actions.confirm_delivery(actor=people["grid"], delivery=d)
        with pytest.raises(Exception):  # noqa: B017 - another township's officer: not in the region
            claim_actions.confirm_delivery(actor=people["nanguan_town"], delivery=d)
        claim_actions.reject_delivery(actor=people["township"], delivery=d, reason="家庭未收到")
        c.refresh_from_db()
        assert c.state == "pledged" and _need(need.pk).fulfilled == 0


def test_evidence_type_and_size_are_restricted(make_need, people, charities):
    need = make_need(target="200")
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="200")
        for f, msg in ((SimpleUploadedFile("a.exe", b"MZ" + b"0" * 40), "图片"),
                       (SimpleUploadedFile("big.png", PNG + b"0" * (5 * 1024 * 1024)), "5 MB")):  # fmt: skip
            with pytest.raises(CharityError, match=msg):
                claim_actions.record_delivery(actor=people["ch_prov"], claim=c, kind="money", amount="200",
                                              description="转账", delivered_on=timezone.localdate(), evidence=f)  # fmt: skip


def test_only_the_claiming_charity_pledges_or_delivers(make_need, people, charities):
    need = make_need(target="200")
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="100")
        with pytest.raises(Claim.DoesNotExist):
            claim_actions.pledge(actor=people["ch_yanji"], claim=c)
