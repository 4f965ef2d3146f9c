"""Demo applications (a step of ``doudi demo seed``): about forty applications of demo households of 进学街道
(延吉市) and a few of 南岭街道 (长春市南关区), in every state of the application's state machine, taken
through the product's own actions (``casework.intake_actions`` and ``casework.dispatch.apply``) by the
demo users — the township caseworker, the county officer and the grid worker — with past ``on`` dates,
as a paper file is entered. Dates count back from the day of the seed in working days, so some steps
are overdue today and some are due within one or two working days; letters are issued along the way
(receipts, notices, decisions). 延吉市 delegates confirmation to its townships (R-W10): a few
confirmations are the township's, filed with the county, which spot-checks them.

Idempotent: nothing is added when a demo household already has an application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from doudi.accounts.models import User
from doudi.casework import decision_actions, dispatch, household_data, intake_actions, params
from doudi.casework.models import Application, CaseDecision, SpotCheck
from doudi.casework.states import OPEN_STATES
from doudi.core.scoping import using_scope
from doudi.core.workdays import add_working_days, is_workday
from doudi.policy import params_store
from doudi.policy.actions import approve_proposal, propose_parameter_change
from doudi.registry.models import Household, Person

PROVINCE = "220000000000"
TOWNSHIP = "222401001000"  # 进学街道 (jinxue, grid-jinxue; the county: yanji)
OTHER_TOWNSHIP = "220102001000"  # 南岭街道 (nanling; no demo county officer there)
DELEGATION_SOURCE = "演示数据：延吉市授权乡镇（街道）审核确认（R-W10）"
INVESTIGATORS = ["朴志勇", "金美兰"]
PROPOSAL_NOTE = "经入户调查和家庭经济状况核对，家庭人均收入低于当地保障标准，财产状况符合规定"


@dataclass
class CaseworkSeed:
    applications: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    spot_checks: int = 0
    skipped: bool = False


class NotSuitable(Exception):
    """The household's assessment proposes no support where the scenario needs a notice: try another."""


@dataclass
class Staff:
    township: User
    county: User | None
    grid: User | None
    scope: str  # the township's region code (the actions run in its scope; the county's for the county)

    def who(self, role: str) -> User:
        user = {"township": self.township, "county": self.county, "grid": self.grid}[role]
        assert user is not None, role
        return user


class Plan:
    """One application walked from ``start`` working days ago; each step moves the cursor forward."""

    def __init__(self, staff: Staff, household: Household, today: dt.date, start_wd: int):
        self.staff, self.household, self.today = staff, household, today
        self.on = add_working_days(today, -start_wd) if start_wd else today
        self.app: Application | None = None

    def _scope(self, role: str) -> str:
        return self.staff.scope[:6] if role == "county" else self.staff.scope

    def at(self, wd: int = 0, days: int = 0) -> Plan:
        """Move the cursor ``wd`` working days (then ``days`` calendar days, rolled to a working day)."""
        on = add_working_days(self.on, wd) if wd else self.on
        if days:
            on += dt.timedelta(days=days)
            while not is_workday(on):
                on += dt.timedelta(days=1)
        self.on = min(on, self.today)
        return self

    def open(self, *, draft: bool = False, authorize: bool = True) -> Plan:
        with using_scope(self.staff.scope):
            self.app = intake_actions.open_application(
                actor=self.staff.township, household=self.household, channel="window", on=self.on, draft=draft
            )
            if authorize and not draft:
                ids = [m["person_id"] for m in self.app.materials if m["kind"] == "authorization"]
                for person in Person.unscoped.filter(pk__in=ids).order_by("pk"):
                    intake_actions.record_authorization(
                        actor=self.staff.township,
                        application=self.app,
                        person=person,
                        method="paper",
                        signed_on=self.on,
                    )
                intake_actions.record_commitment(actor=self.staff.township, application=self.app, on=self.on)
                self.app.refresh_from_db()  # the actions took their own copies
        return self

    def event(self, name: str, who: str = "township", **fields) -> Plan:
        assert self.app is not None
        with using_scope(self._scope(who)):
            self.app = dispatch.apply(self.staff.who(who), self.app, name, on=self.on, fields=fields)
        return self

    # the common stretches of the way
    def accepted(self) -> Plan:
        return self.open().event("accept")

    def verified(self, result: str = "pass") -> Plan:
        reasons = [] if result == "pass" else ["核对发现家庭成员名下登记有小型轿车一辆，不符合财产条件"]
        return self.event("record_verification", result=result, reasons=reasons)

    def investigated(self) -> Plan:
        assert self.app is not None
        people = household_data.members(self.household.pk, self.on)
        labour = {str(p.pk): _labour(p, self.on) for p in people}
        who = "grid" if self.staff.grid is not None else "township"
        return self.event(
            "record_investigation",
            who=who,
            investigators=INVESTIGATORS,
            findings="入户查看住房和生活用品，询问家庭收入来源；家庭成员如实说明情况",
            housing_rating="poor",
            labour_capacity=labour,
            members_present=[p.name for p in people[:2]],
            living_conditions="住房陈旧，家具简单，无大额消费迹象",
            income_answers="主要靠零星务工和少量养老金维持生活",
        )

    def proposed(self) -> Plan:
        self.event("propose", note=PROPOSAL_NOTE)
        assert self.app is not None
        if not self.app.proposed_category:
            raise NotSuitable
        return self

    def assessed(self) -> Plan:
        return self.accepted().at(1).verified().at(1).investigated()

    def in_notice(self) -> Plan:
        return self.assessed().at(1).proposed().event("start_notice")

    def awaiting(self) -> Plan:
        return self.in_notice().at(days=7).event("end_notice")


def _labour(person: Person, on: dt.date) -> str:
    born = person.birth_date
    age = on.year - born.year if born else 40
    return "none" if age < 16 or age >= 60 else "partial"


def _confirm_delegated(plan: Plan, *, file_after: int | None, check: str = "") -> None:
    """The township confirms (delegated), files with the county ``file_after`` WD later (None: not yet),
    and the county records its spot check (``check``: upheld | overruled | "" = still open)."""
    plan.event("confirm")
    if file_after is None:
        return
    decision = CaseDecision.unscoped.get(application=plan.app, kind="confirm")
    plan.at(file_after)
    with using_scope(plan.staff.scope):
        spot = decision_actions.file_with_county(
            actor=plan.staff.township, decision=decision, on=plan.on, draw=0.0
        )
    if spot is not None and check:
        plan.at(2)
        with using_scope(plan.staff.scope[:6]):
            decision_actions.record_spot_check(
                actor=plan.staff.who("county"),
                check=spot,
                result=check,
                finding="县级入户抽查，家庭情况与调查结论一致"
                if check == "upheld"
                else "抽查发现隐瞒经营收入",
                on=plan.on,
            )


Scenario = tuple[str, int, Callable[[Plan], object]]

# (label, start in working days before today, steps); each ends in the state named first.
SCENARIOS: list[Scenario] = [
    ("draft", 0, lambda p: p.open(draft=True, authorize=False)),
    ("submitted", 1, lambda p: p.open()),
    ("submitted", 3, lambda p: p.open(authorize=False)),
    ("returned", 3, lambda p: p.open(authorize=False).at(1).event("return", missing=["近6个月银行流水"])),
    (
        "not_accepted",
        6,
        lambda p: p.open().at(1).event("not_accept", reason="申请人户籍和居住地均不在本街道"),
    ),
    ("accepted", 1, lambda p: p.accepted()),  # investigation and verification due in 2 WD
    ("accepted", 6, lambda p: p.accepted()),  # both overdue
    ("verifying", 2, lambda p: p.accepted().event("request_verification")),
    ("investigating", 3, lambda p: p.accepted().at(2).investigated()),
    ("verified_pass", 5, lambda p: p.accepted().at(1).verified()),  # investigation overdue
    ("verified_fail", 6, lambda p: p.accepted().at(2).verified("fail")),
    (
        "rechecking",
        9,
        lambda p: (
            p.accepted()
            .at(2)
            .verified("fail")
            .at(2)
            .event("request_recheck", evidence="车辆已于上月转让，附转让合同和车管所证明")
        ),
    ),  # fmt: skip
    ("assessed", 4, lambda p: p.assessed()),
    ("prelim_opinion", 5, lambda p: p.assessed().at(1).proposed()),
    ("in_notice", 4, lambda p: p.in_notice()),
    ("in_notice", 5, lambda p: p.in_notice()),
    ("in_notice", 6, lambda p: p.in_notice()),
    (
        "notice_objected",
        8,
        lambda p: p.in_notice().at(2).event("object", text="群众反映其子女在外地务工，收入较稳定"),
    ),
    (
        "reinvestigating",
        9,
        lambda p: (
            p.in_notice().at(2).event("object", text="邻居反映家中新购农用车").at(1).event("reinvestigate")
        ),
    ),
    (
        "appraisal",
        9,
        lambda p: (
            p.in_notice().at(2).event("object", text="群众反映家庭经营小卖部").at(1).event("start_appraisal")
        ),
    ),
    ("awaiting_confirmation", 16, lambda p: p.awaiting()),  # confirmation due in about 2 WD
    ("awaiting_confirmation", 22, lambda p: p.awaiting()),  # confirmation overdue
    (
        "returned_to_township",
        22,
        lambda p: (
            p.awaiting()
            .at(3)
            .event("return_to_township", who="county", reasons="入户调查记录缺少家庭成员签字")
        ),
    ),
    ("confirmed", 25, lambda p: p.awaiting().at(3).event("confirm", who="county")),
    ("confirmed", 30, lambda p: p.awaiting().at(2).event("confirm", who="county")),
    ("confirmed", 40, lambda p: p.awaiting().at(4).event("confirm", who="county")),
    ("confirmed", 28, lambda p: _confirm_delegated(p.awaiting().at(2), file_after=2, check="upheld")),
    ("confirmed", 26, lambda p: _confirm_delegated(p.awaiting().at(2), file_after=3)),  # spot check open
    ("confirmed", 24, lambda p: _confirm_delegated(p.awaiting().at(1), file_after=None)),  # filing overdue
    (
        "refused",
        30,
        lambda p: p.awaiting().at(3).event("refuse", who="county", reasons=["家庭人均收入高于当地低保标准"]),
    ),
    (
        "refused",
        12,
        lambda p: (
            p.accepted()
            .at(2)
            .verified("fail")
            .at(2)
            .event("refuse", who="county", reasons=["家庭成员名下有小型轿车一辆，不符合财产条件"])
        ),
    ),  # fmt: skip
    (
        "withdrawn",
        10,
        lambda p: p.accepted().at(2).event("withdraw", reason="家庭成员已就业，申请人主动撤回"),
    ),
]
# 南岭街道: the township's own stages (its county has no demo officer)
OTHER_SCENARIOS: list[Scenario] = [
    ("submitted", 2, lambda p: p.open()),
    ("accepted", 4, lambda p: p.accepted()),
    ("in_notice", 5, lambda p: p.in_notice()),
]


def _lapsed(staff: Staff, household: Household, today: dt.date) -> Application:
    """Returned for materials more than ``returned_lapse_days`` ago, then lapsed by the daily job."""
    limit = params.days("returned_lapse_days", region_code=household.region_code, on=today)
    plan = Plan(staff, household, today, 0)
    plan.on = today - dt.timedelta(days=limit + 5)
    plan.open(authorize=False).event("return", missing=["残疾人证复印件"])
    intake_actions.lapse_returned(today)
    assert plan.app is not None
    plan.app.refresh_from_db()
    return plan.app


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _delegate(today: dt.date) -> None:
    """延吉市 confirms in its townships (R-W10) from a year back: a region setting of the demo, proposed by
    the county and approved by the province like any parameter change (a reviewed row is never retired
    by a later baseline load)."""
    region = TOWNSHIP[:6].ljust(12, "0")
    county, province = _user("yanji"), _user("province")
    if params.delegated(TOWNSHIP, on=today) or county is None or province is None:
        return
    with using_scope(region):
        proposal = propose_parameter_change(
            actor=county,
            region_code=region,
            changes=[
                {
                    "key": "casework.confirm_authority",
                    "value": "township",
                    "effective_from": (today - dt.timedelta(days=365)).isoformat(),
                    "source": DELEGATION_SOURCE,
                }
            ],
            reason="延吉市授权各乡镇（街道）审核确认，县级负责备案和抽查",
        )
    with using_scope(province.region_id or PROVINCE):
        approve_proposal(actor=province, proposal=proposal, note="同意授权")
    params_store.clear_cache()


def _households(region: str) -> list[Household]:
    busy = Application.unscoped.filter(state__in=list(OPEN_STATES)).values("household_id")
    return list(
        Household.unscoped.filter(region_code=region, household_key__startswith="DEMO-")
        .exclude(pk__in=busy)
        .order_by("household_key")
    )


def _run(
    scenarios: list[Scenario], staff: Staff, pool: list[Household], today: dt.date, out: CaseworkSeed
) -> None:
    for label, start, steps in scenarios:
        while pool:
            household = pool.pop(0)
            plan = Plan(staff, household, today, start)
            try:
                steps(plan)
            except NotSuitable:
                # proposed refusal where a notice was wanted: the applicant withdraws; next household
                plan.event("withdraw", reason="申请人主动撤回")
                _count(out, plan.app)
                continue
            _count(out, plan.app)
            assert plan.app is not None and plan.app.state == label, (label, plan.app and plan.app.state)
            break


def _count(out: CaseworkSeed, app: Application | None) -> None:
    if app is None:
        return
    app.refresh_from_db()
    out.applications += 1
    out.by_state[app.state] = out.by_state.get(app.state, 0) + 1


def seed_casework(*, today: dt.date | None = None) -> CaseworkSeed:
    """Walk the demo applications (run under ``all_regions()``; needs the demo households and users)."""
    today = today or timezone.localdate()
    out = CaseworkSeed()
    if Application.unscoped.filter(household__household_key__startswith="DEMO-").exists():
        out.skipped = True
        return out
    township, county, grid = _user("jinxue"), _user("yanji"), _user("grid-jinxue")
    pool = _households(TOWNSHIP)
    if township is None or county is None or len(pool) < len(SCENARIOS) + 4:
        out.skipped = True
        return out
    _delegate(today)
    staff = Staff(township, county, grid, TOWNSHIP)
    _run(SCENARIOS, staff, pool, today, out)
    if pool:
        _count(out, _lapsed(staff, pool.pop(0), today))
    nanling = _user("nanling")
    other = _households(OTHER_TOWNSHIP)
    if nanling is not None and len(other) >= len(OTHER_SCENARIOS) + 2:
        _run(OTHER_SCENARIOS, Staff(nanling, None, None, OTHER_TOWNSHIP), other, today, out)
    out.spot_checks = _spot_checks()
    return out


def _spot_checks() -> int:
    return SpotCheck.unscoped.filter(decision__household__household_key__startswith="DEMO-").count()
