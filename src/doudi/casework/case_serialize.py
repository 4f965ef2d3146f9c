"""JSON of a case's life for the API and the command (no identity numbers; amounts in yuan)."""

from __future__ import annotations

import datetime as dt

from doudi.casework.lifecycle_queries import CaseHistory
from doudi.casework.models import CaseMove, CaseReview


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def review(r: CaseReview) -> dict:
    return {
        "id": r.pk,
        "case_id": r.case_id,
        "kind": r.kind,
        "trigger": r.trigger,
        "change_type": r.change_type,
        "change_detail": r.change_detail,
        "opened_on": _d(r.opened_on),
        "due": _d(r.due),
        "state": r.state,
        "visit_needed": r.visit_needed,
        "visit_reasons": r.visit_reasons,
        "visit_done_on": _d(r.visit_done_on),
        "verification_id": r.verification_id,
        "warning_id": r.warning_id,
        "notice_from": _d(r.notice_from),
        "notice_until": _d(r.notice_until),
        "objection": r.objection,
        "outcome": r.outcome,
        "decided_on": _d(r.decided_on),
        "decision_id": r.decision_id,
    }


def move(m: CaseMove) -> dict:
    return {
        "id": m.pk,
        "case_id": m.case_id,
        "from_region": m.region_code,
        "to_region": m.to_region,
        "within_county": m.within_county,
        "requested_on": _d(m.requested_on),
        "state": m.state,
        "confirmed_on": _d(m.confirmed_on),
        "new_case_id": m.new_case_id,
    }


def case_detail(h: CaseHistory) -> dict:
    c = h.case
    return {
        "id": c.pk,
        "household_id": c.household_id,
        "region_code": c.region_code,
        "tier": c.tier,
        "state": c.state,
        "since": _d(c.since),
        "until": _d(c.until),
        "monthly_total": c.monthly_total,
        "pay_from": _d(c.pay_from),
        "pay_until": _d(c.pay_until),
        "review_class": c.review_class,
        "next_review": _d(c.next_review),
        "decision_id": c.decision_id,
        "application_id": c.application_id,
        "decisions": [
            {
                "id": d.pk,
                "kind": d.kind,
                "on": _d(d.on),
                "monthly_total": d.monthly_total,
                "old_monthly_total": d.old_monthly_total,
                "effective_month": _d(d.effective_month),
                "rules": d.rules,
                "reasons": d.reasons,
                "review_id": d.review_id,
            }
            for d in h.decisions
        ],
        "reviews": [review(r) for r in h.reviews],
        "grace_periods": [
            {
                "id": g.pk,
                "trigger": g.trigger,
                "start_month": _d(g.start_month),
                "end_month": _d(g.end_month),
                "original_tier": g.original_tier,
                "original_amount": g.original_amount,
                "amount_mode": g.amount_mode,
                "ended_on": _d(g.ended_on),
                "end_reason": g.end_reason,
            }
            for g in h.grace
        ],
        "suspensions": [
            {
                "id": s.pk,
                "cause": s.cause,
                "start_month": _d(s.start_month),
                "cleared_on": _d(s.cleared_on),
                "outcome": s.outcome,
            }
            for s in h.suspensions
        ],
        "moves": [move(m) for m in h.moves],
        "presence_checks": [{"month": _d(p.month), "passed": p.passed, "method": p.method} for p in h.checks],
        "letters": [
            {
                "kind": lt.get_kind_display(),
                "issued_on": _d(lt.issued_on),
                "url": f"/api/v1/letters/{lt.pk}.pdf",
            }
            for lt in h.letters
        ],
    }
