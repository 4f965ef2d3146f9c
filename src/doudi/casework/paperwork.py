"""The letters of the procedure (CASEWORK §4, R-W28) as casework fills them: one context per kind, only
masked identity numbers and what the addressee may read, handed to ``letters`` to render, number and
keep as issued. Dates are written the Chinese way; amounts in whole yuan."""

from __future__ import annotations

import datetime as dt

from doudi.casework import household_data, publicity
from doudi.casework.models import Application, Deadline
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


def _refused(refused: list[dict]) -> list[dict]:
    return [
        {
            "tier": CATEGORY_NAMES.get(r["tier"], r["tier"]),
            "conditions": [c["text"] or RULE_ZH.get(c["rule"], c["rule"]) for c in r["conditions"]],
        }
        for r in refused
    ]


def context_for(kind: str, app: Application, on: dt.date, extra: dict | None = None) -> dict:
    extra = dict(extra or {})
    ctx = base_context(app, on)
    if kind == "receipt":
        ctx |= {
            "total_due": _due(app, "total"),
            "fetched": [m["label"] for m in app.materials if m.get("status") == "fetched"],
        }
    elif kind == "materials":
        ctx |= {
            "missing_materials": extra["missing_materials"],
            "after_acceptance": bool(extra.get("after_acceptance")),
        }
    elif kind in ("not_accepted",):
        ctx |= {"reason": extra["reason"]}
    elif kind == "extension":
        ctx |= {"reason": extra["reason"], "total_due": _due(app, "total")}
    elif kind == "verification_result":
        report = extra["report"]
        ctx |= {
            "verification_rows": _verification_rows(report),
            "reasons": list(report.reasons),
            "passed": report.result == "pass",
            "recheck_until": zh_date(extra.get("recheck_until")),
        }
    elif kind == "notice":
        notice = extra["notice"]
        ctx = {
            "application_no": app.number,
            **notice.content,
            "start_on": zh_date(notice.start_on),
            "end_on": zh_date(notice.end_on),
        }
    elif kind == "confirmation":
        result, decision = extra["result"], extra["decision"]
        care = app.tekun_care.get("care_level")
        ctx |= {
            "tier": CATEGORY_NAMES.get(decision.household_category or "", ""),
            "monthly_total": decision.monthly_total,
            "calculation": _calculation(result),
            "start_month": zh_month(extra["pay_from"]),
            "review_class": REVIEW_CLASS_ZH.get(extra["review_class"], ""),
            "next_review": zh_date(
                min((c.next_review for c in extra["cases"] if c.next_review), default=None)
            ),
            "tiers_granted": _tiers(extra["granted"]),
            "tiers_refused": _refused(extra["refused"]),
            "care_level": CARE_ZH.get(care, "") if care else "",
            "duties": DUTIES,
        }
    elif kind == "refusal":
        ctx |= {
            "failed_conditions": [
                {"rule": c["rule"], "text": c["text"] or RULE_ZH.get(c["rule"], c["rule"])}
                for c in extra["conditions"]
            ],
            "tiers_refused": _refused(extra.get("refused", [])),
            "tiers_granted": _tiers(extra.get("granted", [])),
            "urgent": bool(extra.get("urgent")),
        }
    return ctx


def issue(kind: str, app: Application, *, actor, on: dt.date, extra: dict | None = None):
    """Issue one letter of ``kind`` for the application (kept as issued; a correction is a new letter)."""
    from doudi.letters.actions import issue_letter  # MERGE-REVERT: top-level once letters lands

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
