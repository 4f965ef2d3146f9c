"""Demo months of supervision work in the four demo counties (the last steps of ``doudi demo seed``): warnings
raised in each of the last seven months, verified on time or late (or still overdue) and disposed; complaints
received over six months and closed on time or late; and a spot-check round in two more counties — all through
the product's own actions with past dates, so the dashboards' months and the evaluation's rankings differ
between counties: 洮北区 verifies late and leaves warnings overdue, 农安县 verifies late every other month and
closes complaints late, 南关区 and 延吉市 keep their time limits.

Idempotent: a county's warnings are skipped once it has a disposition, its complaints once it has one received
more than sixty days ago, a spot-check round once the county has one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from doudi.complaints import actions as complaint_actions
from doudi.complaints.models import Complaint
from doudi.core.workdays import add_working_days
from doudi.devtools.demo_casework import _user
from doudi.monitoring.loop import disposition_actions, visit_actions, warning_actions
from doudi.monitoring.models import Disposition, EarlyWarning, NeedPush
from doudi.registry.models import Household
from doudi.spotchecks import actions as spot_actions
from doudi.spotchecks.models import Item, Round

ACTOR = "demo seed"
MONTHS = 7  # this month and the six before


@dataclass(frozen=True)
class Office:
    county: str  # 12-digit code
    township: str
    county_user: str
    township_user: str
    grid_user: str
    late: frozenset[int]  # months back whose warnings are verified after their deadline
    overdue: frozenset[int] = frozenset()  # months back whose warnings are still not verified
    slow_complaints: bool = False
    open_state: str = "in_progress"  # where the county's latest complaint stands


OFFICES: tuple[Office, ...] = (
    Office("222401000000", "222401001000", "yanji", "jinxue", "grid-jinxue", frozenset({4}),
           open_state="for_approval"),
    Office("220102000000", "220102001000", "nanguan", "nanling", "grid-nanling", frozenset(), open_state="on_hold"),
    Office("220122000000", "220122101000", "nongan", "fulongquan", "grid-fulongquan", frozenset({1, 3, 5}),
           slow_complaints=True, open_state="for_approval"),
    Office("220802000000", "220802100000", "taobei", "pingan", "grid-pingan", frozenset({2, 3, 4, 5, 6}),
           overdue=frozenset({1, 2}), open_state="accepted"),
)  # fmt: skip
# (indicator, level, source, dataset, record prefix, detail) of the warnings of each month, as a scan writes them
CAUSES = (
    ("W-ILL", "orange", "重特大疾病", "serious_illness", "ILL", "卫健/医保数据：新确诊重特大疾病"),
    ("W-JOB", "yellow", "失业登记", "unemployment", "UNE", "人社数据：劳动年龄成员登记失业"),
    ("W-DSR", "red", "受灾信息", "disaster", "DSR", "应急管理数据：受灾，住房严重损坏"),
    (
        "W-INC",
        "yellow",
        "社会保险",
        "social_insurance",
        "SI",
        "人社数据：家庭社保缴费基数较上期下降30.00%以上",
    ),
)
DISPOSALS: tuple[tuple[str, dict[str, object], str], ...] = (
    ("no_hardship", {}, "入户核实家庭收支正常，暂无困难"),
    ("referral", {"departments": ["medical_insurance", "hrss"], "note": "转介医疗救助和就业帮扶"}, "已转介相关部门"),
    ("emergency", {"measures": ["temporary_assistance"], "amount": "1500"}, "给予临时救助"),
    ("referral", {"departments": ["education", "housing"], "note": "转介教育救助和住房救助"}, "已转介相关部门"),
)  # fmt: skip


@dataclass
class ActivitySeed:
    warnings: dict[str, int] = field(default_factory=dict)  # county code → warnings raised
    complaints: dict[str, int] = field(default_factory=dict)
    spot_items: dict[str, int] = field(default_factory=dict)
    answers: int = 0


def _households(township: str) -> list[Household]:
    """The township's demo households without an open warning, in a stable order."""
    busy = EarlyWarning.unscoped.filter(is_open=True, household__isnull=False).values("household_id")
    return list(
        Household.unscoped.filter(region_code=township, household_key__startswith="DEMO-")
        .exclude(pk__in=busy)
        .order_by("-household_key")
    )


def _warnings(o: Office, today: dt.date) -> int:
    county, township, grid = _user(o.county_user), _user(o.township_user), _user(o.grid_user)
    if county is None or township is None or grid is None:
        return 0
    if Disposition.unscoped.filter(region_code__startswith=o.county[:6]).exists():
        return 0
    pool = _households(o.township)
    n = 0
    for back in range(MONTHS - 1, -1, -1):
        for k in range(2):
            if not pool:
                return n
            household = pool.pop(0)
            indicator, level, source, dataset, prefix, text = CAUSES[(back + k) % len(CAUSES)]
            raised = add_working_days(today, -(21 * back + 3 + 4 * k) if back else -1 - k)
            evidence = {"source": source, "dataset": dataset, "batch_id": None, "record_id": f"{prefix}-M{back}{k}",
                        "detail": text, "as_of": raised.isoformat()}  # fmt: skip
            w = warning_actions.raise_warning(
                actor=ACTOR, household=household, indicator=indicator, level=level, raised_on=raised,
                evidence=[evidence],
            )  # fmt: skip
            n += 1
            w = warning_actions.dispatch(actor=county, warning=w, township_code=o.township)
            if back == 0:
                continue  # this month's: at the township, not yet due
            w = warning_actions.assign(actor=township, warning=w, user=grid)
            if back in o.overdue:
                continue  # assigned, past its deadline and not verified
            late = back in o.late
            visited = add_working_days(w.deadline, 4 if late else -1)
            visited = min(max(visited, raised), today)
            visit_actions.record_visit(
                actor=grid, warning=w, visited_on=visited, visitors=["朴志勇", "金美兰"],
                findings="入户查看住房和生活用品，询问家庭收入和支出情况；与部门数据一致" if k == 0
                else "入户核实：家庭成员情况属实，已留存相关证明材料", hardship_found=k == 1,
            )  # fmt: skip
            w.refresh_from_db()
            kind, follow_up, note = DISPOSALS[(back + k) % len(DISPOSALS)] if k else DISPOSALS[0]
            disposition_actions.dispose(
                actor=township, warning=w, kind=kind, detail=dict(follow_up), note=note
            )
            if back >= 2:  # the latest disposals are still being followed up
                w.refresh_from_db()
                warning_actions.close(actor=township, warning=w, outcome=note)
    return n


# (type, channel, summary, working days ago, final state) of each county's tickets over the months
TICKETS = (
    ("payment", "hotline", "低保金到账时间推迟", 125, "closed"),
    ("service", "window", "窗口工作人员解释政策不清楚", 100, "closed"),
    ("decision", "letter", "对终止低保的决定有异议", 78, "closed"),
    ("data_change", "online", "申请更正家庭成员就业信息", 55, "closed"),
    ("payment", "h12345", "12345转办：特困供养金少发", 32, "decided"),
    ("service", "hotline", "入户调查预约时间多次变更", 20, "in_progress"),  # the county's ``open_state``
)


def _walk(c: Complaint, state: str, late: bool, township, county, today: dt.date) -> None:
    """Accepted the next working day, investigated, decided and answered (late: weeks after the limit)."""
    received = c.received_on

    def mv(actor, event: str, wd: int, **kw) -> None:
        nonlocal c
        on = min(add_working_days(received, wd), today)
        c = complaint_actions.move(actor=actor, complaint=c, event=event, on=on, **kw)

    mv(township, "accept", 1)
    if state == "accepted":  # never sent for investigation: past its time limit
        return
    mv(township, "assign", 2, handler=township)
    if state == "on_hold":
        mv(township, "hold", 3, note="等待银行出具发放流水证明")
    if state in ("in_progress", "on_hold"):
        return
    mv(township, "propose", 25 if late else 6, finding="经调查核实，反映情况基本属实",
       decision="upheld", decision_note="已督促整改")  # fmt: skip
    if state == "for_approval":
        return
    mv(county, "approve", 27 if late else 8)
    if state == "decided":
        return
    mv(township, "reply", 30 if late else 9, root_cause="staff",
       reply="经核实情况属实，已整改并对相关工作人员批评教育，特此答复。", reply_method="phone")  # fmt: skip


def _complaints(o: Office, today: dt.date) -> int:
    county, township = _user(o.county_user), _user(o.township_user)
    if county is None or township is None:
        return 0
    old = add_working_days(today, -45)
    if Complaint.unscoped.filter(region_code__startswith=o.county[:6], received_on__lt=old).exists():
        return 0
    n = 0
    for i, (ctype, channel, summary, ago, state) in enumerate(TICKETS):
        state = o.open_state if i == len(TICKETS) - 1 else state
        on = add_working_days(today, -ago)
        c = complaint_actions.file_complaint(
            actor=township, ctype=ctype, channel=channel, township=o.township, summary=summary,
            content=f"{summary}。请尽快核实处理并答复。", reporter_name="演示投诉人",
            reporter_phone=f"1390000{i:04d}", on=on,
        )  # fmt: skip
        n += 1
        # a slow county answers every other ticket after its time limit
        _walk(c, state, o.slow_complaints and i % 2 == 0, township, county, today)
    return n


def _spot_round(o: Office, seed: int, today: dt.date) -> int:
    county = _user(o.county_user)
    if county is None or Round.unscoped.filter(region_code=o.county).exists():
        return 0
    drawn_on = add_working_days(today, -15)
    rnd = spot_actions.draw_round(actor=county, year=drawn_on.year, seed=seed, on=drawn_on)
    items = list(Item.unscoped.filter(round=rnd).order_by("pk")[:3])
    checked = add_working_days(today, -6)
    for i, item in enumerate(items):
        spot_actions.assign(actor=county, item=item, assignee=county, on=drawn_on)
        if i == 0:
            spot_actions.record_finding(actor=county, item=item, result="ok", note="入户核实，家庭情况与档案一致。",
                                        on=checked)  # fmt: skip
        else:
            category, note = (("documents", "入户调查记录缺少家庭成员签字。"), ("amount", "家庭人口变化后未及时调整救助金额。"))[i - 1]  # fmt: skip
            spot_actions.record_finding(actor=county, item=item, result="problem", category=category, note=note,
                                        on=checked)  # fmt: skip
            if i == 1:
                spot_actions.record_correction(actor=county, item=item, correction="已补签并归档。", on=today)
    return Item.unscoped.filter(round=rnd).count()


# (username, counties) of the department users answering the peer counties' needs: 长春市's medical insurance and
# human resources bureaus, the province's disabled persons' federation; 洮北区's other departments never answer
RESPONDERS = (
    ("yibao-changchun", ("220102", "220122")),
    ("renshe-changchun", ("220102", "220122")),
    ("canlian", ("220102", "220122", "220802")),
)
ANSWERS = (
    ("given", "已按政策落实", "300"),
    ("accepted", "已受理，正在办理", None),
    ("declined", "经核实已在其他地区享受同类救助", None),
)


def _answers() -> int:
    """The oldest two needs (past their deadline: answered late) and the newest (on time) of each county."""
    users = [(u, counties) for name, counties in RESPONDERS if (u := _user(name)) is not None]
    if (
        NeedPush.unscoped.filter(responded_by__in=[u for u, _ in users])
        .exclude(region_code__startswith="222401")
        .exists()
    ):
        return 0
    n = 0
    for user, counties in users:
        for county in counties:
            waiting = NeedPush.unscoped.filter(department=user.department, region_code__startswith=county,
                                               status=NeedPush.Status.PUSHED, source=NeedPush.Source.RULE)  # fmt: skip
            pushes = list(waiting.order_by("due_on", "pk")[:2]) + list(waiting.order_by("-due_on", "-pk")[:1])
            for i, push in enumerate(dict.fromkeys(pushes)):
                status, feedback, amount = ANSWERS[i % len(ANSWERS)]
                disposition_actions.respond_need(actor=user, push=push, status=status, feedback=feedback,
                                                 amount=amount)  # fmt: skip
                n += 1
    return n


def seed_activity(*, today: dt.date | None = None) -> ActivitySeed:
    """Run under ``all_regions()``, after the applications, payments and the other demo steps."""
    today = today or timezone.localdate()
    out = ActivitySeed()
    for o in OFFICES:
        out.warnings[o.county] = _warnings(o, today)
        out.complaints[o.county] = _complaints(o, today)
    for o, seed in ((OFFICES[2], 20261208), (OFFICES[3], 20261209)):
        out.spot_items[o.county] = _spot_round(o, seed, today)
    out.answers = _answers()
    return out
