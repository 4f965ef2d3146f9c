"""What the case page shows of the notice, the letters, the transfer and the referral (R-TA3, R-TA10,
R-TA2)."""

from __future__ import annotations

import datetime as dt

from doudi.tempaid import notice_actions, queries, transfer_actions
from doudi.tempaid.forms import AnswerForm, ObjectionForm, StationForm, TransferForm
from doudi.tempaid.models import TempAidCase

S = TempAidCase.State


def more_context(c: TempAidCase, user, today: dt.date) -> dict:
    writer = user.can("tempaid.write")
    applier = user.can("tempaid.apply")
    objections = list(queries.objections(c))
    in_notice = c.state == S.NOTICE
    return {
        "objections": objections,
        "letters": queries.letters(c),
        "notice_days": notice_actions.notice_days(c, today),
        "needs_notice": c.state == S.READY and notice_actions.needs_notice(c, today),
        "may_notice": writer and c.state == S.READY and notice_actions.needs_notice(c, today),
        "notice_over": in_notice and c.notice_end is not None and today > c.notice_end,
        "may_object": applier and in_notice and c.notice_end is not None and today <= c.notice_end,
        "may_answer": writer and any(o.answered_on is None for o in objections),
        "may_transfer": applier and c.state == S.APPROVED and not c.application_id,
        "may_station": applier and c.state in transfer_actions.REFERABLE,
        "station_default": transfer_actions.default_station(c),
        "objection_form": ObjectionForm(auto_id="objection_%s"),
        "answer_form": AnswerForm(auto_id="answer_%s"),
        "transfer_form": TransferForm(auto_id="transfer_%s"),
        "station_form": StationForm(auto_id="station_%s"),
    }
