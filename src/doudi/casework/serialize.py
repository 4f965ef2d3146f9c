"""The JSON shapes of the contract (contracts/casework.md) for the API and the command line."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.casework import clock, queries, states
from doudi.casework.models import Application, Case
from doudi.letters.queries import letters_for_ref


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def application_brief(app: Application) -> dict:
    return {
        "id": app.pk,
        "number": app.number,
        "household_id": app.household_id,
        "applicant": app.applicant_name,
        "state": app.state,
        "state_label": states.STATES.get(app.state, app.state),
        "channel": app.channel,
        "received_on": _d(app.received_on),
        "accepted_on": _d(app.accepted_on),
    }


def application(app: Application) -> dict:
    today = timezone.localdate()
    return {
        **application_brief(app),
        "version": app.version,
        "decided_on": _d(app.decided_on),
        "tiers": app.tiers or [],
        "verification": app.verification_result or None,
        "investigation_done": app.investigation_done,
        "history": [
            {
                "event": s.event,
                "state": s.to_state,
                "state_label": states.STATES.get(s.to_state, s.to_state),
                "on": _d(s.on),
                "actor": s.actor_label,
                "role": s.role,
                "level": s.level,
                "rule": s.rule,
                "note": s.note,
            }
            for s in queries.history(app)
        ],
        "deadlines": [
            {
                "rule": d.rule,
                "what": d.what,
                "start": _d(d.start_on),
                "days": d.days,
                "due": _d(d.due),
                "done_on": _d(d.done_on),
                "status": clock.status(d.due, d.done_on, today),
                "calendar": d.calendar,
                "escalated_on": _d(d.escalated_on),
            }
            for d in queries.deadlines(app)
        ],
        "pauses": [
            {"reason": p.get_reason_display(), "start": _d(p.start_on), "end": _d(p.end_on)}
            for p in queries.pauses(app)
        ],
        "materials": [{"label": m["label"], "status": m["status"]} for m in app.materials],
        "review": app.review or None,
        "proposal": (
            {
                "household_category": app.proposed_category or None,
                "monthly_total": app.proposed_total,
                "decision_id": app.proposal_id,
            }
            if app.proposal_id
            else None
        ),
        "next_events": states.events_from(app.state),
        "letters": [
            {
                "id": letter.pk,
                "kind": letter.get_kind_display(),
                "number": letter.number,
                "issued_on": _d(letter.issued_on),
                "url": f"/api/v1/letters/{letter.pk}.pdf",
            }
            for letter in letters_for_ref("casework.application", app.pk)
        ],
    }


def case(c: Case) -> dict:
    return {
        "id": c.pk,
        "tier": c.tier,
        "state": c.state,
        "since": _d(c.since),
        "until": _d(c.until),
        "monthly_total": c.monthly_total,
        "review_class": c.review_class,
        "next_review": _d(c.next_review),
        "decision_id": c.decision_id,
        "pay_from": _d(c.pay_from),
    }
