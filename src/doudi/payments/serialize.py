"""Payments as the API and the command answer them (masked numbers only; Chinese labels beside codes)."""

from __future__ import annotations

from collections import OrderedDict

from doudi.payments import account_actions, queries
from doudi.payments.models import Programme, RecipientAccount, RecoveryClaim, Roster, RosterLine


def _d(day):
    return day.isoformat() if day else None


def roster(r: Roster) -> dict:
    return {
        "id": r.pk,
        "region_code": r.region_code,
        "programme": r.programme,
        "programme_label": Programme(r.programme).label,
        "month": r.month.strftime("%Y-%m"),
        "kind": r.kind,
        "seq": r.seq,
        "state": r.state,
        "state_label": Roster.State(r.state).label,
        "lines": r.lines,
        "households": r.households,
        "amount": r.amount,
        "paid_amount": r.paid_amount,
        "failed_amount": r.failed_amount,
        "send_by": _d(queries.send_by(r)),
        "external_ref": r.external_ref,
        "file_checksum": r.file_checksum,
        "version": r.version,
    }


def roster_detail(r: Roster) -> dict:
    out = roster(r)
    out["events"] = [
        {
            "from": e.from_state,
            "to": e.to_state,
            "reason": e.reason,
            "actor": e.actor.label if e.actor else "系统",
            "at": e.at.isoformat(timespec="seconds"),
        }
        for e in queries.roster_events(r)
    ]
    out["line_counts"] = queries.line_counts(r)
    return out


def line(ln: RosterLine) -> dict:
    return {
        "id": ln.pk,
        "roster_id": ln.roster_id,
        "household_id": ln.household_id,
        "person_id": ln.person_id,
        "case_id": ln.case_id,
        "programme": ln.programme,
        "tier": ln.tier,
        "month": ln.month.strftime("%Y-%m"),
        "line": ln.line,
        "line_label": RosterLine.Line(ln.line).label,
        "rule": ln.rule,
        "amount": ln.amount,
        "covers": ln.covers,
        "members": ln.members,
        "origin": ln.origin,
        "status": ln.status,
        "status_label": RosterLine.Status(ln.status).label,
        "reason": ln.status_reason or ln.bank_reason,
        "account": ln.account_masked,
        "paid_on": _d(ln.paid_on),
    }


def account(a: RecipientAccount) -> dict:
    return {
        "id": a.pk,
        "household_id": a.household_id,
        "person_id": a.person_id,
        "kind": a.kind,
        "kind_label": RecipientAccount.Kind(a.kind).label,
        "holder_name": a.holder_name,
        "holder_relation": a.holder_relation,
        "holder_relation_label": RecipientAccount.Holder(a.holder_relation).label,
        "holder_reason": a.holder_reason,
        "bank_name": a.bank_name,
        "number": account_actions.masked(a),
        "valid_from": _d(a.valid_from),
        "valid_to": _d(a.valid_to),
        "problem": a.problem,
    }


def claim(c: RecoveryClaim) -> dict:
    return {
        "id": c.pk,
        "case_id": c.case_id,
        "cause": c.cause,
        "cause_label": RecoveryClaim.Cause(c.cause).label,
        "months": c.months,
        "amount": c.amount,
        "recovered": c.recovered,
        "state": c.state,
        "state_label": RecoveryClaim.State(c.state).label,
        "settle_mode": c.settle_mode,
    }


def _month_status(statuses: set[str]) -> str:
    live = statuses - {"dropped"}
    if not live:
        return "dropped"
    for s in ("failed", "held", "due", "returned"):
        if s in live:
            return s
    return "paid"


def household_payments(household_id: int, next_review=None) -> dict:
    """R-PAY11: each month's amount with its breakdown, status and paid date; arrears and recovery with
    their reasons; the accounts (masked); the next review date."""
    months: OrderedDict[str, list[dict]] = OrderedDict()
    for ln in queries.household_lines(household_id):
        months.setdefault(ln.month.strftime("%Y-%m"), []).append(line(ln))
    out_months = []
    for month, lines in months.items():
        status = _month_status({x["status"] for x in lines})
        paid = [x["paid_on"] for x in lines if x["paid_on"]]
        out_months.append(
            {
                "month": month,
                "amount": sum(x["amount"] for x in lines if x["status"] != "dropped"),
                "status": status,
                "status_label": RosterLine.Status(status).label,
                "paid_on": max(paid) if paid else None,
                "lines": lines,
            }
        )
    return {
        "household_id": household_id,
        "accounts": [account(a) for a in queries.household_accounts(household_id)],
        "months": out_months,
        "arrears": [
            {
                "month": x["month"],
                "amount": x["amount"],
                "covers": x["covers"],
                "rule": x["rule"],
                "reason": x["reason"],
            }
            for m in out_months
            for x in m["lines"]
            if x["line"] == "arrears"
        ],
        "recovery": [claim(c) for c in queries.household_claims(household_id)],
        "next_review": next_review.isoformat() if next_review else None,
    }
