"""The letters of the procedure (CASEWORK §4, R-W28) as casework fills them: one context per kind, only
masked identity numbers and what the addressee may read, handed to ``letters`` to render, number and
keep as issued. Dates are written the Chinese way; amounts in whole yuan."""

from __future__ import annotations

import datetime as dt

from doudi.casework import household_data, publicity
from doudi.casework.models import Application, Deadline
from doudi.letters.actions import issue_letter
from doudi.policy.display import CARE_ZH, RULE_ZH
from doudi.registry.models import CATEGORY_NAMES, Relation

RESULT_ZH = {"match": "一致", "mismatch": "不一致", "no_data": "无数据", "commitment": "承诺确认"}
REVIEW_CLASS_ZH = {"A": "A类（每年复核）", "B": "B类（每年复核）", "C": "C类（按季度或半年复核）"}
DUTIES = (
    "家庭人口、收入、财产状况发生变化的，应当及时告知乡镇人民政府（街道办事处）；"
    "救助金按月发放至本人社会保障卡或银行账户，请妥善保管，不得出借。"
)


def zh_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def zh_month(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月" if d else ""


def _members(app: Application, on: dt.date) -> list[dict]:
    relations = dict(Relation.choices)
    return [
        {"name": p.name, "id_masked": p.id_masked, "relation": relations.get(p.relation or "", "")}
        for p in household_data.members(app.household_id, on)
    ]


def _due(app: Application, key: str) -> str:
    due = Deadline.unscoped.filter(application=app, key=key).values_list("due", flat=True).first()
    return zh_date(due)


def base_context(app: Application, on: dt.date) -> dict:
    members = _members(app, on)
    return {
        "application_no": app.number,
        "applicant_name": app.applicant_name,
        "household_size": len(members),
        "members": members,
        "place": publicity.place_of(app.region_code),
        "received_on": zh_date(app.received_on),
        "accepted_on": zh_date(app.accepted_on),
    }


def _verification_rows(report) -> list[dict]:
    return [
        {
            "member": r.get("member", ""),
            "item": r.get("item_label", r.get("item", "")),
            "declared": r.get("declared", ""),
            "found": r.get("found", ""),
            "source": r.get("source", ""),
            "as_of": r.get("as_of", ""),
            "result": RESULT_ZH.get(r.get("result", ""), r.get("result", "")),
        }
        for r in report.rows
    ]


def _calculation(result: dict) -> list[dict]:
    names = {m.get("id"): i for i, m in enumerate(result.get("members", []), 1)}
    rows = []
    for line in result.get("benefits", []):
        who = f"（成员{names[line['member']]}）" if line.get("member") in names else ""
        rows.append(
            {
                "label": RULE_ZH.get(str(line.get("rule")), str(line.get("rule"))) + who,
                "amount": int(line.get("monthly") or 0),
            }
        )
    return rows


def _tiers(codes: list[str]) -> list[str]:
    return [CATEGORY_NAMES.get(c, c) for c in codes]


def _refused(refused: list[dict]) -> list[str]:
    """R-W26: each tier not granted with why, one line each."""
    out = []
    for r in refused:
        why = "；".join(c["text"] or RULE_ZH.get(c["rule"], c["rule"]) for c in r["conditions"])
        out.append(
            f"{CATEGORY_NAMES.get(r['tier'], r['tier'])}：{why}"
            if why
            else CATEGORY_NAMES.get(r["tier"], r["tier"])
        )
    return out


def _requested(app: Application) -> str:
    return (
        "、".join(_tiers(app.tiers))
        if app.tiers
        else "最低生活保障、特困人员救助供养、低保边缘家庭、刚性支出困难家庭（一次申请，分类认定）"
    )


def context_for(kind: str, app: Application, on: dt.date, extra: dict | None = None) -> dict:
    """The variables of ``letters.kinds`` for one letter of the application."""
    extra = dict(extra or {})
    ctx = base_context(app, on)
    if kind == "receipt":
        ctx |= {"tiers_requested": _requested(app), "deadline_on": _due(app, "total")}
    elif kind == "materials":
        ctx |= {
            "missing_materials": extra["missing_materials"],
            "materials_deadline": zh_date(extra["materials_deadline"]),
        }
        if extra.get("after_acceptance"):
            ctx["lapse_note"] = "补充材料期间办理时限中止计算，材料补齐后恢复计算。"
    elif kind == "not_accepted":
        ctx |= {"reasons": [extra["reason"]]}
    elif kind == "extension":
        ctx |= {
            "original_deadline": zh_date(extra["original_deadline"]),
            "extended_deadline": _due(app, "total"),
            "extension_reason": extra["reason"],
        }
    elif kind == "verification_result":
        report = extra["report"]
        ctx |= {
            "verification_passed": report.result == "pass",
            "summary": "；".join(report.reasons) if report.reasons else "经核对，家庭经济状况与申报相符",
            "verification_rows": _verification_rows(report),
            "recheck_deadline": zh_date(extra.get("recheck_until")),
            "recheck_days": extra.get("recheck_days", 15),
        }
    elif kind == "notice":
        notice = extra["notice"]
        c = notice.content
        ctx = {
            "notice_rows": [
                {
                    "applicant_name": c["name"],
                    "household_size": c["household_size"],
                    "tier": c["tier"],
                    "monthly_total": c["monthly_total"],
                    "village": c["place"],
                }
            ],
            "notice_start": zh_date(notice.start_on),
            "notice_end": zh_date(notice.end_on),
            "objection_address": c["objection"],
        }
    elif kind == "confirmation":
        result, decision = extra["result"], extra["decision"]
        care = app.tekun_care.get("care_level")
        tier = CATEGORY_NAMES.get(decision.household_category or "", "")
        ctx |= {
            "tier_label": tier
            + (f"（{CARE_ZH.get(care, '')}）" if care and decision.household_category == "TEKUN" else ""),
            "monthly_total": decision.monthly_total,
            "calculation": _calculation(result),
            "start_month": zh_month(extra["pay_from"]),
            "review_class": REVIEW_CLASS_ZH.get(extra["review_class"], ""),
            "next_review": zh_date(
                min((c.next_review for c in extra["cases"] if c.next_review), default=None)
            ),
            "tiers_refused": _refused(extra["refused"]),
            "report_duties": DUTIES,
        }
    elif kind == "refusal":
        ctx |= {
            "decided_on": zh_date(on),
            "failed_conditions": [
                {"rule": c["rule"], "text": c["text"] or RULE_ZH.get(c["rule"], c["rule"]), "figures": ""}
                for c in extra["conditions"]
            ],
            "tiers_granted": _tiers(extra.get("granted", [])),
            "tiers_refused": _refused(extra.get("refused", [])),
        }
        if extra.get("urgent"):
            ctx["failed_conditions"].append(
                {
                    "rule": "R-W26",
                    "text": "家庭如有急难情况，可申请临时救助，乡镇（街道）将按规定先行救助",
                    "figures": "",
                }
            )
    return ctx


def issue(kind: str, app: Application, *, actor, on: dt.date, extra: dict | None = None):
    """Issue one letter of ``kind`` for the application (kept as issued; a correction is a new letter)."""
    minor = publicity.applicant_is_minor(app, on)
    return issue_letter(
        actor=actor,
        kind=kind,
        region_code=app.region_code,
        household_id=app.household_id,
        ref=("casework.application", app.pk),
        context=context_for(kind, app, on, extra),
        on=on,
        addressee=f"{app.applicant_name}的监护人" if minor else app.applicant_name,
    )
