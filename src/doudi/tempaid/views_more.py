"""The case page's later steps (plain posts back to the case): the notice and its objections (R-TA3),
the transfer to a regular-tier application (R-TA10) and the referral of a person living rough to the
救助管理站 (R-TA2). Outside the caller's region: 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from doudi.core.access import scoped_view
from doudi.tempaid import notice_actions, queries, transfer_actions
from doudi.tempaid.base import TempAidError
from doudi.tempaid.forms import AnswerForm, NoteForm, ObjectionForm, StationForm, TransferForm
from doudi.tempaid.models import NoticeObjection
from doudi.tempaid.views import _case_or_404

FORMS = {"notice": NoteForm, "objection": ObjectionForm, "answer": AnswerForm, "transfer": TransferForm,
         "station": StationForm}  # fmt: skip


@require_POST
@scoped_view("tempaid.apply")
def case_more(request, pk: int, step: str):
    c = _case_or_404(pk)
    user = request.user
    if step not in FORMS:
        raise Http404("没有这个环节")
    form = NoteForm({"note": "公示"}) if step == "notice" else FORMS[step](request.POST)
    back = redirect(reverse("tempaid:case", args=[c.pk]))
    if not form.is_valid():
        messages.error(
            request,
            "；".join(
                f"{form.fields[k].label or '内容'}：{v[0]}"
                for k, v in form.errors.items()
                if k in form.fields
            )
            or "请检查填写的内容",
        )
        return back
    d = form.cleaned_data
    try:
        if step == "notice":
            c = notice_actions.start_notice(actor=user, case=c)
            messages.success(request, f"已公示，公示期至 {c.notice_end:%Y-%m-%d}")
        elif step == "objection":
            notice_actions.record_objection(
                actor=user, case=c, content=d["content"], raised_by=d["raised_by"] or ""
            )
            messages.success(request, "已登记公示异议，请核实处理")
        elif step == "answer":
            try:
                obj = queries.get_objection(c, d["objection"])
            except NoticeObjection.DoesNotExist:
                raise Http404("异议不存在") from None
            notice_actions.answer_objection(
                actor=user, objection=obj, upheld=d["upheld"], finding=d["finding"]
            )
            messages.success(request, "已登记异议核实结论")
        elif step == "transfer":
            c = transfer_actions.open_regular_application(
                actor=user, case=c, consent_by=d["consent_by"], tiers=list(d["tiers"])
            )
            number = c.application.number if c.application is not None else ""
            messages.success(request, f"已转入常规救助申请 {number}")
        else:
            c = transfer_actions.refer_to_station(
                actor=user, case=c, station=d["station"] or "", note=d["note"] or ""
            )
            messages.success(request, f"已转介{c.station}")
    except TempAidError as exc:
        messages.error(request, str(exc))
    return back
