"""Publishing a county's month (R-PUB3, R-PUB5, R-PUB6, R-PUB8): the list is the roster's lines received
that month, one row per case, masked, minus the exempt; idempotent; the next month replaces it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from doudi.casework.publicity import mask_name
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.disclosure import publish_actions
from doudi.disclosure.models import PublishedList, PublishedRecipient, PublishedStat
from doudi.payments.models import Roster, RosterLine
from tests.disclosure.conftest import MONTH, NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2

pytestmark = pytest.mark.django_db

ADULT, OLD, CHILD = dt.date(1970, 1, 1), dt.date(1940, 5, 5), dt.date(2015, 6, 1)


def publish(county: str = YANJI, month=None):
    with all_regions():
        return publish_actions.publish_month(
            actor="test", county_code=county, month=month, on=dt.date(2026, 12, 7)
        )


def listed() -> list[tuple]:
    with all_regions():
        return sorted(
            PublishedRecipient.unscoped.values_list(
                "region_code", "programme", "name", "household_size", "amount"
            )
        )


@pytest.fixture
def mixed(world):
    """Published and exempt cases of every kind in 延吉市, one in 南关区."""
    w = world
    w.case([("李春花", ADULT), ("王小", CHILD), ("王二", CHILD)], amount=900, topup=120)  # 3 persons + top-up
    w.case([("欧阳小明", OLD)], region=YANJI_T2, amount=400)
    w.case([("朴老汉", OLD)], tier="TEKUN", amount=1300)
    w.case([("张三", ADULT)], amount=300, app={})  # an application without a flag: published
    # R-PUB3 exemptions
    w.case([("艾滋甲", ADULT)], amount=500, app={"hiv_flag": True})
    w.case([("保护乙", ADULT)], amount=500, app={"no_publication": "人身安全保护令"})
    w.case([("孤儿丙", CHILD)], tier="TEKUN", amount=1300)
    w.case([("少年丁", CHILD), ("奶奶", OLD)], amount=600, app={})  # a minor applicant and head
    # not received this month
    w.case([("暂停戊", ADULT)], amount=500, status="held")
    w.case([("剔除己", ADULT)], amount=500, status="dropped")
    # another county
    w.case([("王建国", ADULT)], region=NANGUAN_T1, amount=700)
    return w


def expected_from_roster(county: str) -> list[tuple]:
    """Straight from the roster lines, in Python: per case, its received entitlement lines, minus R-PUB3."""
    cutoff = dt.date(2008, 12, 7)
    groups: dict[int, list[RosterLine]] = defaultdict(list)
    with all_regions():
        for line in RosterLine.unscoped.filter(roster__region_code__startswith=county[:6]).select_related(
            "case__application__applicant", "household", "person"
        ):
            if line.status not in ("dropped", "held"):
                groups[line.case_id].append(line)
        out = []
        for lines in groups.values():
            case = lines[0].case
            app = case.application
            holder = next(
                (x.person for x in lines if x.line in ("base", "single", "care") and x.person), None
            )
            holder = holder or case.household.current_members.get(relation="head")
            if app and (app.hiv_flag or app.no_publication):
                continue
            if holder.birth_date > cutoff or (app and app.applicant.birth_date > cutoff):
                continue
            size = 1 if case.tier == "TEKUN" else max(x.members for x in lines if x.line == "base")
            out.append(
                (lines[0].region_code, case.tier, mask_name(holder.name), size, sum(x.amount for x in lines))
            )
    return sorted(out)


def test_the_list_is_the_rosters_received_lines_minus_the_exempt(mixed):
    published = publish()
    rows = listed()
    assert rows == expected_from_roster(YANJI)
    assert len(rows) == 4 and published.listed == 4 and published.exempt == 4
    assert (
        YANJI_T1,
        "DIBAO",
        "李*花",
        3,
        1020,
    ) in rows  # base and top-up summed, household size from the roster
    assert (YANJI_T2, "DIBAO", "欧**明", 1, 400) in rows and (YANJI_T1, "DIBAO", "张*", 1, 300) in rows
    assert (YANJI_T1, "TEKUN", "朴*汉", 1, 1300) in rows


def test_exempt_cases_are_never_listed_but_count_in_the_figures(mixed):
    publish()
    names = {r[2] for r in listed()}
    for secret in ("艾*甲", "保*乙", "孤*丙", "少*丁", "暂*戊", "剔*己", "王*国"):
        assert secret not in names
    with all_regions():
        figures = {(s.region_code, s.key): s.value for s in PublishedStat.unscoped.filter(month=MONTH)}
    # 进学街道 DIBAO: 李春花, 张三, 艾滋甲, 保护乙, 少年丁 (held and dropped not received)
    assert figures[(YANJI_T1, "households.DIBAO")] == 5
    assert figures[(YANJI_T1, "households.TEKUN")] == 2
    assert figures[(YANJI_T1, "amount.DIBAO")] == 1020 + 300 + 500 + 500 + 600
    assert (NANGUAN_T1, "households.DIBAO") not in figures  # another county's month is its own


def test_masking_matches_the_notice_mask_for_every_length(world):
    names = ["李", "张三", "李春花", "欧阳小明", "爱新觉罗溥仪"]
    for name in names:
        world.case([(name, ADULT)], amount=100)
    publish()
    assert sorted(r[2] for r in listed()) == sorted(mask_name(n) for n in names)
    assert {r[2] for r in listed()} >= {"李", "张*", "李*花", "欧**明", "爱****仪"}


def test_publishing_is_idempotent_and_audited(mixed):
    publish()
    first = listed()
    publish()
    assert listed() == first
    with all_regions():
        assert PublishedList.unscoped.filter(region_code=YANJI).count() == 1
        assert (
            PublishedStat.unscoped.filter(month=MONTH, key="households.DIBAO", region_code=YANJI_T1).count()
            == 1
        )
        events = AuditEvent.unscoped.filter(action="disclosure.publish")
        assert events.count() == 2 and events.first().region_code == YANJI


def test_the_next_month_replaces_the_list_and_an_ended_case_leaves_it(world):
    world.case([("李春花", ADULT)], amount=500)
    world.case([("张大山", ADULT)], amount=400)
    publish()
    assert {r[2] for r in listed()} == {"李*花", "张*山"}
    december = dt.date(2026, 12, 1)
    with all_regions():
        roster = Roster.unscoped.create(region_code=YANJI, programme="DIBAO", month=december, state="locked")
        keep = RosterLine.unscoped.filter(case__household__current_members__name="李春花").get()
        keep.pk = None
        keep.roster, keep.month = roster, december
        keep.save()
    publish()
    assert {r[2] for r in listed()} == {"李*花"}  # R-PUB8: 张大山's case ended, not on December's roster
    with all_regions():
        assert set(PublishedRecipient.unscoped.values_list("month", flat=True)) == {december}


def test_a_draft_roster_is_not_published(world):
    with all_regions():
        Roster.unscoped.update(state="draft")
    world.case([("李春花", ADULT)], amount=500)
    with pytest.raises(publish_actions.DisclosureError):
        publish()


def test_the_latest_month_is_one_whose_regular_rosters_are_all_locked(world):
    world.case([("李春花", ADULT)], amount=500)
    world.case([("朴老汉", OLD)], tier="TEKUN", amount=1300)
    december = dt.date(2026, 12, 1)
    with all_regions():
        Roster.unscoped.create(region_code=YANJI, programme="DIBAO", month=december, state="draft")
        Roster.unscoped.create(region_code=YANJI, programme="TEKUN", month=december, state="locked")
    assert publish().month == MONTH  # December's DIBAO roster is still a draft: November, both programmes
    assert {r[2] for r in listed()} == {"李*花", "朴*汉"}
