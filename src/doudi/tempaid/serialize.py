"""JSON shapes of temporary assistance for the API (identity numbers masked)."""

from __future__ import annotations

from doudi.tempaid import queries
from doudi.tempaid.base import AUTHORITY_LABELS
from doudi.tempaid.models import ContingencyFund, TempAidCase


def _d(day) -> str | None:
    return day.isoformat() if day else None


def case(c: TempAidCase, *, detail: bool = False) -> dict:
    dl = queries.deadline(c)
    out = {
        "id": c.pk,
        "number": c.number,
        "region_code": c.region_code,
        "aid_type": c.aid_type,
        "aid_type_label": c.get_aid_type_display(),
        "degree": c.degree,
        "event": c.event,
        "event_date": _d(c.event_date),
        "applicant_name": c.applicant_name,
        "id_masked": c.id_masked,
        "hukou_place": c.hukou_place,
        "household_id": c.household_id,
        "emergency_id": c.emergency_id,
        "form": c.form,
        "proposed_amount": c.proposed_amount,
        "standard": c.standard,
        "paid_first_amount": c.paid_first_amount,
        "paid_first_on": _d(c.paid_first_on),
        "approved_amount": c.approved_amount,
        "authority": c.authority,
        "authority_label": AUTHORITY_LABELS.get(c.authority, ""),
        "state": c.state,
        "state_label": c.get_state_display(),
        "accepted_on": _d(c.accepted_on),
        "deadline": {
            "what": dl["label"],
            "due": _d(dl["due"]),
            "status": dl["status"],
            "status_label": dl["status_label"],
            "overdue_wd": dl["overdue_days"],
        },
    }
    if detail:
        out["expenditure"] = c.expenditure
        out["reimbursed"] = c.reimbursed
        out["refusal_reason"] = c.refusal_reason
        out["followup"] = {"proposal": c.followup_note, "done": c.followup_done}
        out["steps"] = [
            {
                "kind": s.kind,
                "label": s.get_kind_display(),
                "on": _d(s.on),
                "amount": s.amount,
                "note": s.note,
            }
            for s in queries.steps(c)
        ]
        out["deliberations"] = [
            {
                "held_on": _d(d.held_on),
                "participants": d.participants,
                "departments": d.departments,
                "decision": d.decision,
                "amount": d.amount,
                "payer": d.payer,
            }  # fmt: skip
            for d in queries.deliberations(c)
        ]
        out["notice"] = {"start": _d(c.notice_start), "end": _d(c.notice_end)}
        out["objections"] = [
            {"id": o.pk, "received_on": _d(o.received_on), "content": o.content, "upheld": o.upheld,
             "finding": o.finding, "answered_on": _d(o.answered_on)}
            for o in queries.objections(c)
        ]  # fmt: skip
        out["letters"] = [
            {"id": x.pk, "number": x.number, "kind": x.kind, "title": x.title, "issued_on": _d(x.issued_on)}
            for x in queries.letters(c)
        ]
        app = c.application
        out["application"] = {"id": app.pk, "number": app.number} if app is not None else None
        out["station"] = c.station
    return out


def fund(f: ContingencyFund) -> dict:
    return {
        "id": f.pk,
        "region_code": f.region_code,
        "year": f.year,
        "allotted": f.allotted,
        "balance": f.balance,
    }
