"""The needs library's life (R-P4): a draft needs the family's consent and a public story before it can be
submitted; the township approves and publishes; withdrawing consent unpublishes at once and releases claims;
closing releases them too; writers are limited to their region and capability."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doudi.charity import actions, claim_actions
from doudi.charity.base import CharityConflict, CharityError
from doudi.charity.models import Claim, NeedStep
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions

pytestmark = pytest.mark.django_db


def test_no_consent_no_submission_and_no_publication(make_need, people):
    need = make_need("draft")
    town = people["township"]
    with all_regions():
        with pytest.raises(CharityError, match="家庭同意"):
            actions.submit(actor=town, need=need)
        need = actions.record_consent(
            actor=town, need=need, by="金明哲", on=timezone.localdate(), method="paper"
        )
        need = actions.submit(actor=town, need=need)
        # consent withdrawn while awaiting approval: the need can no longer be published
        need = actions.withdraw_consent(actor=town, need=need, note="不愿公开")
        assert need.state == "withdrawn"
        with pytest.raises(CharityConflict):
            actions.approve(actor=town, need=need)


def test_approval_publishes_with_history_and_audit(make_need, people):
    need = make_need("published")
    assert need.state == "published" and need.published_on == timezone.localdate()
    assert need.story_approved_by == people["township"]
    with all_regions():
        labels = list(NeedStep.unscoped.filter(need=need).values_list("label", flat=True))
        assert labels == ["登记帮扶需求", "登记家庭同意", "提交审核", "审核通过并发布"]
        assert AuditEvent.unscoped.filter(action="charity.need", subject_id=str(need.pk)).count() == 3


def test_public_number_is_random_not_the_pk(make_need):
    a, b = make_need(), make_need()
    assert a.public_number.startswith("XQ") and a.public_number != b.public_number
    assert str(a.pk) not in a.public_number[2:4]


def test_only_the_township_approves_and_a_grid_worker_only_proposes(make_need, people):
    need = make_need("pending")
    with all_regions():
        for who in ("grid", "county", "ch_prov"):
            with pytest.raises(PermissionError):
                actions.approve(actor=people[who], need=need)
        # another township's officer cannot write here (outside the region)
        with pytest.raises(PermissionError):
            actions.approve(actor=people["nanguan_town"], need=need)


def test_withdrawal_unpublishes_and_releases_claims(make_need, people, charities):
    need = make_need("published", target="1000")
    with all_regions():
        c1 = claim_actions.claim(actor=people["ch_prov"], need=need, amount="400")
        c2 = claim_actions.claim(actor=people["ch_yanji"], need=need, amount="300")
        claim_actions.pledge(actor=people["ch_yanji"], claim=c2)
        need = actions.withdraw_consent(actor=people["township"], need=need)
        assert need.state == "withdrawn" and need.claimed == 0 and need.consent_withdrawn_on is not None
        states = set(Claim.unscoped.filter(pk__in=[c1.pk, c2.pk]).values_list("state", "release_reason"))
        assert states == {("released", "家庭撤回同意，认领已释放")}
        from doudi.charity import queries

        assert not queries.public_open().filter(pk=need.pk).exists()


def test_close_releases_claims_and_refuses_with_a_delivery_waiting(make_need, people, charities):
    need = make_need("published", target="500")
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="500")
        claim_actions.record_delivery(actor=people["ch_prov"], claim=c, kind="money", amount="500",
                                      description="转账至家庭账户", delivered_on=timezone.localdate())  # fmt: skip
        with pytest.raises(CharityConflict, match="待确认"):
            actions.close(actor=people["township"], need=need, reason="情况变化")
        other = make_need("published", target="300")
        claim_actions.claim(actor=people["ch_prov"], need=other, amount="100")
        other = actions.close(actor=people["township"], need=other, reason="家庭情况好转")
        assert other.state == "closed" and other.claimed == 0


def test_editing_only_before_publication(make_need, people):
    need = make_need("published")
    with all_regions(), pytest.raises(CharityConflict):
        actions.update_need(actor=people["township"], need=need, category="living", title="改标题试试",
                            description="改一下内部说明内容", measure="money", target="10", unit="元",
                            due_on=timezone.localdate() + dt.timedelta(days=3), public_story="改")  # fmt: skip


def test_expired_needs_are_closed_by_the_daily_job(make_need, people, charities):
    need = make_need("published", target="800", due_days=2)
    with all_regions():
        claim_actions.claim(actor=people["ch_prov"], need=need, amount="300")
        later = timezone.localdate() + dt.timedelta(days=3)
        assert claim_actions.close_expired(today=later) == 1
        need.refresh_from_db()
        assert need.state == "closed" and need.claimed == 0 and need.close_reason == "已过需求截止日期"
