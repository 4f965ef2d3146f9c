"""Demo complaints (CASEWORK §8) in 进学街道 (延吉市) and 南岭街道 (南关区): one in every state — new, accepted,
under investigation, on hold, awaiting approval, decided, closed with a decision and root cause, not accepted —
plus an overdue one escalated to the county, a sensitive report handled by the county, a 12345 transfer and an
appeal one level up. Idempotent: nothing is added once the township has complaints."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.complaints import actions, deadline_actions
from doudi.complaints.models import Complaint
from doudi.core.scoping import all_regions
from doudi.core.workdays import add_working_days
from doudi.devtools.demo_casework import _user

JINXUE, NANLING = "222401001000", "220102001000"

TICKETS = [  # (key, township, type, channel, summary, days ago, final state)
    ("new", JINXUE, "service", "h12345", "12345转办：窗口办事排队时间过长", 1, "new"),
    ("accepted", JINXUE, "payment", "hotline", "十一月低保金未到账", 3, "accepted"),
    ("in_progress", JINXUE, "decision", "window", "对不予确认低保的决定不服", 6, "in_progress"),
    ("on_hold", JINXUE, "data_change", "letter", "申请更正家庭人口信息（女儿已出嫁迁出）", 8, "on_hold"),
    ("for_approval", JINXUE, "service", "online", "入户调查人员未出示证件", 9, "for_approval"),
    ("decided", JINXUE, "payment", "hotline", "低保金少发50元", 11, "decided"),
    ("closed", JINXUE, "service", "window", "工作人员答复不耐心", 14, "closed"),
    ("not_accepted", JINXUE, "feedback", "hotline", "咨询公租房申请条件", 4, "not_accepted"),
    ("overdue", JINXUE, "verification_objection", "window", "对核对报告中的车辆信息有异议", 25, "accepted"),
    ("nanling", NANLING, "payment", "h12345", "12345转办：临时救助款未到账", 2, "new"),
]


def _walk(c: Complaint, to: str, township, county, on: dt.date) -> None:
    def mv(actor, ev, **kw):
        nonlocal c
        c = actions.move(actor=actor, complaint=c, event=ev, on=on, **kw)

    if to == "new":
        return
    if to == "not_accepted":
        mv(township, "not_accept", note="不属于社会救助事项，已告知向住建部门咨询", reply_method="phone")
        return
    mv(township, "accept")
    if to == "accepted":
        return
    mv(township, "assign", handler=township)
    if to == "on_hold":
        mv(township, "hold", note="等待派出所出具户籍迁出证明")
        return
    if to == "in_progress":
        return
    mv(township, "propose", finding="经调查核实，反映情况属实", decision="upheld", decision_note="责令整改")
    if to == "for_approval":
        return
    mv(county, "approve")
    if to == "decided":
        return
    mv(
        township,
        "reply",
        root_cause="staff",
        reply="经核实情况属实，已对相关工作人员批评教育，特此答复。",
        reply_method="phone",
    )


def seed_complaints(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    township, county, nanling = _user("jinxue"), _user("yanji"), _user("nanling")
    if township is None or county is None or nanling is None:
        return 0
    n = 0
    with all_regions():
        if Complaint.unscoped.filter(region_code=JINXUE).exists():
            return 0
        for key, town, ctype, channel, summary, ago, state in TICKETS:
            on = add_working_days(today, -ago)
            who = township if town == JINXUE else nanling
            c = actions.file_complaint(
                actor=who, ctype=ctype, channel=channel, township=town, summary=summary,
                content=f"{summary}。请尽快核实处理并答复。", reporter_name="演示投诉人",
                reporter_phone="13900000000", xinfang=False, on=on,
            )  # fmt: skip
            _walk(c, state, township, county, on)
            n += 1
            if key == "closed":
                closed = Complaint.unscoped.get(pk=c.pk)
        # a sensitive report naming the township's caseworker: handled by the county (R-G7)
        r = actions.file_complaint(
            actor=county, ctype="report", channel="supervision", township=JINXUE, subject_staff=township,
            summary="纪检移交：举报街道经办人为亲属违规办理低保", content="反映进学街道经办人为其亲属违规办理低保。",
            anonymous=True, on=add_working_days(today, -5),
        )  # fmt: skip
        actions.move(actor=county, complaint=r, event="accept", on=add_working_days(today, -4))
        # an appeal of the closed one: one level up (复查)
        actions.appeal(actor=township, original=closed, reason="对答复不满意，申请县级复查", on=today)
        n += 2
        deadline_actions.escalate_overdue(today=today)
    return n
