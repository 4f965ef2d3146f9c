"""Pages of the case's life (CASEWORK §5): the township's and county's work list of reviews, change
reviews, terminations in notice, grace periods ending and suspensions, each with its deadline; a case
page with its history and a form for each step; a phone-friendly change report. Thin: reads through
``lifecycle_queries``, writes through ``case_dispatch`` and the actions. Outside the scope is 404; a step
the user may not do is 403; a refusal the user can fix is shown on its form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.casework import (
    case_dispatch,
    clock,
    household_data,
    lifecycle_actions,
    lifecycle_queries,
    move_actions,
)
from doudi.casework.base import CaseworkConflict, CaseworkError
from doudi.casework.case_letters import tier_label
from doudi.casework.forms_cases import CASE_FORMS, REVIEW_FORMS, ChangeForm, DeathForm
from doudi.casework.lifecycle_base_actions import OPEN_CASE_STATES, may_decide
from doudi.core.access import scoped_view
from doudi.core.http import private


def _case_or_404(pk: int):
    try:
        return lifecycle_queries.get_case(pk)
    except ObjectDoesNotExist:
        raise Http404("救助档案不存在，或不在您的管辖范围内") from None


def _review_or_404(pk: int):
    try:
        return lifecycle_queries.get_review(pk)
    except ObjectDoesNotExist:
        raise Http404("复核不存在，或不在您的管辖范围内") from None


def _url(case, anchor: str = "") -> str:
    return reverse("casework:case", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _due(due, today):
    return {
        "due": due,
        "status": clock.status(due, None, today) if due else "",
        "left": (due - today).days if due else None,
    }


@require_GET
@scoped_view("casework.read")
def work(request):
    """救助对象动态管理: every list with its deadline."""
    today = timezone.localdate()
    w = lifecycle_queries.work(today)
    ctx = {
        "w": w,
        "today": today,
        "reviews_due": [(r, _due(r.due, today)) for r in w.reviews_due],
        "change_reviews": [(r, _due(r.due, today)) for r in w.change_reviews],
        "in_notice": [(r, _due(r.notice_until, today)) for r in w.in_notice],
        "grace": [(g, _due(g.end_month, today)) for g in w.grace_ending],
        "county": getattr(request.user, "role", "") == "county_officer",
        "tier_label": tier_label,
    }
    return private(render(request, "casework/cases/work.html", ctx))


def _page(request, case, *, bound: dict | None = None, status: int = 200):
    today = timezone.localdate()
    h = lifecycle_queries.case_history(case)
    user = request.user
    review = h.open_review
    state = review.state if review else ""
    forms = {}
    if review is not None:
        for name in (
            ("prepare", "visit", "decide") if review.state in ("open", "visit") else ("object", "end_notice")
        ):
            forms[name] = REVIEW_FORMS[name](initial={"state": state, "on": today})
    case_forms = {name: cls(initial={"state": case.state, "on": today}) for name, cls in CASE_FORMS.items()}
    people = household_data.members(case.household_id, today)
    death = DeathForm(initial={"state": case.state, "on": today}, people=people)
    for key, form in (bound or {}).items():
        if key == "death":
            death = form
        elif key in case_forms and not key.startswith("review:"):
            case_forms[key] = form
        elif key.startswith("review:"):
            forms[key.split(":", 1)[1]] = form
    ctx = {
        "case": case,
        "h": h,
        "tier": tier_label(case.tier),
        "review": review,
        "review_due": _due(review.due, today) if review else None,
        "review_forms": forms,
        "case_forms": case_forms,
        "death_form": death,
        "open": case.state in OPEN_CASE_STATES,
        "may_decide": may_decide(user, case.region_code),
        "grid": getattr(user, "role", "") == "grid_worker",
    }
    return private(render(request, "casework/cases/detail.html", ctx, status=status), htmx=False)


@require_GET
@scoped_view("casework.read")
def case(request, pk: int):
    return _page(request, _case_or_404(pk))


def _stale(form, current: str) -> bool:
    shown = form.cleaned_data.get("state") or ""
    return bool(shown) and shown != current


def _run(request, case, key: str, form, write):
    """Run ``write``; on a fixable refusal show the page again with the form's error (422)."""
    try:
        write()
    except PermissionError as exc:
        raise PermissionDenied(str(exc) or "您无权办理此事项") from None
    except CaseworkConflict as exc:
        messages.error(request, str(exc))
        return redirect(_url(case))
    except CaseworkError as exc:
        form.add_error(exc.path if exc.path in form.fields else None, str(exc))
        return _page(request, case, bound={key: form}, status=422)
    messages.success(request, "已办理")
    return redirect(_url(case))


@require_POST
@scoped_view("casework.read")
def case_event(request, pk: int, name: str):
    case = _case_or_404(pk)
    if name not in CASE_FORMS:
        raise Http404("未知的办理事项")
    form = CASE_FORMS[name](request.POST)
    if not form.is_valid():
        return _page(request, case, bound={name: form}, status=422)
    if _stale(form, case.state):
        messages.error(request, "该档案已被他人更新，请核对后重试")
        return redirect(_url(case))
    on = form.cleaned_data.get("on")
    return _run(
        request,
        case,
        name,
        form,
        lambda: case_dispatch.apply_case(request.user, case, name, on=on, fields=form.fields_for_action()),
    )


@require_POST
@scoped_view("casework.read")
def review_event(request, pk: int, name: str):
    review = _review_or_404(pk)
    case = review.case
    if name not in REVIEW_FORMS:
        raise Http404("未知的办理事项")
    form = REVIEW_FORMS[name](request.POST)
    key = f"review:{name}"
    if not form.is_valid():
        return _page(request, case, bound={key: form}, status=422)
    if _stale(form, review.state):
        messages.error(request, "该复核已被他人更新，请核对后重试")
        return redirect(_url(case))
    on = form.cleaned_data.get("on")
    return _run(
        request,
        case,
        key,
        form,
        lambda: case_dispatch.apply_review(
            request.user, review, name, on=on, fields=form.fields_for_action()
        ),
    )


@require_POST
@scoped_view("casework.read")
def death(request, pk: int):
    case = _case_or_404(pk)
    people = household_data.members(case.household_id, timezone.localdate())
    form = DeathForm(request.POST, people=people)
    if not form.is_valid():
        return _page(request, case, bound={"death": form}, status=422)
    person = next(p for p in people if p.pk == form.cleaned_data["person"])
    d = form.cleaned_data
    return _run(
        request,
        case,
        "death",
        form,
        lambda: lifecycle_actions.record_death(
            actor=request.user,
            person=person,
            died_on=d["died_on"],
            source=d["source"],
            source_ref=d.get("source_ref") or "",
            on=d.get("on"),
        ),
    )


@require_http_methods(["GET", "POST"])
@scoped_view("casework.read")
def report_change(request, pk: int):
    """登记家庭变化 on a phone (a grid worker or the township for the family)."""
    case = _case_or_404(pk)
    today = timezone.localdate()
    role = getattr(request.user, "role", "")
    initial = {"trigger": "grid" if role == "grid_worker" else "family", "on": today, "state": case.state}
    form = ChangeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            review = case_dispatch.apply_case(
                request.user, case, "change", on=form.cleaned_data.get("on"), fields=form.fields_for_action()
            )
        except PermissionError as exc:
            raise PermissionDenied(str(exc) or "您无权办理此事项") from None
        except CaseworkError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, str(exc))
            status = 422
        else:
            messages.success(request, f"已登记，复核须于{review.due:%Y年%m月%d日}前办结")
            return redirect(_url(case) if role != "grid_worker" else reverse("casework:cases"))
    elif request.method == "POST":
        status = 422
    ctx = {"case": case, "tier": tier_label(case.tier), "form": form}
    return private(render(request, "casework/cases/change.html", ctx, status=status), htmx=False)


@require_POST
@scoped_view("casework.read")
def confirm_move(request, pk: int):
    try:
        move = lifecycle_queries.get_move(pk)
    except ObjectDoesNotExist:
        raise Http404("迁移记录不存在，或不在您的管辖范围内") from None
    try:
        new = move_actions.confirm_move(actor=request.user, move=move)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    except CaseworkError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("casework:cases"))
    messages.success(request, "已确认迁入，原档案于本月末终止发放")
    return redirect(_url(new))
