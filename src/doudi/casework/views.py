"""Casework pages: thin adapters over ``queries`` (reads) and the ``*_actions`` modules (writes).

Every form posts plainly (no script needed) and redirects back to the application on success. A refusal
the user can fix (``CaseworkError``) is shown on the form it came from; a conflict (``CaseworkConflict``:
the state moved on, or someone else saved first) is shown as a message over the fresh page; a step the
user may not do is a 403 page; an application outside the user's region does not exist for them (404)."""

from __future__ import annotations

import mimetypes
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.casework import (
    clock,
    clock_actions,
    decision_actions,
    dispatch,
    intake_actions,
    queries,
    review_actions,
    states,
)
from doudi.casework.base import CaseworkConflict, CaseworkError, may
from doudi.casework.forms import (
    EVENT_FORMS,
    AuthorizationForm,
    CommitmentForm,
    ExtendForm,
    FileForm,
    FindHouseholdForm,
    InvestigationForm,
    MaterialForm,
    NewApplicationForm,
    PauseForm,
    ResumeForm,
    ScanForm,
    SpotCheckForm,
)
from doudi.casework.models import Application
from doudi.core.access import is_htmx, scoped_view
from doudi.core.http import private
from doudi.core.workdays import working_days_between
from doudi.letters.queries import letters_for_ref

TAB_LABELS = {
    "intake": "受理",
    "investigation": "调查核对",
    "opinion": "初审意见",
    "notice": "公示",
    "confirmation": "待审核确认",
}
# the events a verification run may follow (review_actions.run_verification)
RUN_VERIFICATION_STATES = ("accepted", "verifying", "investigating", "rechecking")
# refusals and withdrawals are kept apart from the next step on the page
DANGER_EVENTS = ("withdraw", "not_accept", "refuse", "return_to_township", "return")
# an action's field name → the form field that shows its error
FIELD_OF_PATH = {"investigators": "investigator1", "signed_on": "signed_on", "missing": "missing"}


def _app_or_404(pk: int) -> Application:
    try:
        return queries.get_application(pk)
    except Application.DoesNotExist:
        raise Http404("申请不存在，或不在您的管辖范围内") from None


def _detail_url(app: Application, anchor: str = "") -> str:
    return reverse("casework:detail", args=[app.pk]) + (f"#{anchor}" if anchor else "")


def _form_error(form, exc: CaseworkError) -> None:
    field = FIELD_OF_PATH.get(exc.path or "", exc.path or "")
    form.add_error(field if field in form.fields else None, str(exc))


# --- the work list -------------------------------------------------------------------------------------


@require_GET
@scoped_view("casework.read")
def worklist(request):
    user = request.user
    group = request.GET.get("group", "")
    group = group if group in TAB_LABELS else ""
    overdue = bool(request.GET.get("overdue"))
    work = queries.work_list(user, group=group, overdue=overdue, page=request.GET.get("page") or 1)
    role = getattr(user, "role", "")
    tabs = [
        {
            "key": key,
            "label": label,
            "count": work.counts.get(key, 0),
            "url": "?" + urlencode({"group": key}),
            "active": key == group and not overdue,
        }
        for key, label in TAB_LABELS.items()
    ]
    base = {"group": group} if group else {}
    ctx = {
        "work": work,
        "tabs": tabs,
        "group": group,
        "overdue": overdue,
        "overdue_url": "?" + urlencode({**base, "overdue": "1"}),
        "all_url": reverse("casework:worklist"),
        "page_query": urlencode({**base, **({"overdue": "1"} if overdue else {})}),
        "show_township": role not in ("township_caseworker", "grid_worker"),
        "grid": role == "grid_worker",
        "can_open": user.can("casework.write") and len(user.region_id or "") >= 9,
        "county": role == "county_officer",
        "spot_checks": queries.open_spot_checks() if role == "county_officer" else [],
        "unfiled": queries.unfiled_confirmations()
        if role in ("county_officer", "township_caseworker")
        else [],
    }
    template = "casework/partials/worklist_results.html" if is_htmx(request) else "casework/worklist.html"
    return private(render(request, template, ctx))


# --- the window ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@scoped_view("casework.write")
def new(request):
    """窗口受理: find the household (or register it first), then open its application."""
    find = FindHouseholdForm(request.GET if "q" in request.GET else None)
    results = queries.find_households(find.cleaned_data["q"]) if find.is_bound and find.is_valid() else None
    household, members, form = None, [], None
    chosen = request.POST.get("household") or request.GET.get("household")
    if chosen:
        try:
            household = queries.household_for_application(int(chosen))
        except (ValueError, ObjectDoesNotExist):
            raise Http404("家庭不存在，或不在您的管辖范围内") from None
        members = queries.household_members_for_window(household.pk)
    status = 200
    if household is not None:
        if request.method == "POST":
            form = NewApplicationForm(request.POST, members=members)
            if form.is_valid():
                applicant = next(p for p in members if p.pk == form.cleaned_data["applicant"])
                try:
                    app = intake_actions.open_application(
                        actor=request.user,
                        household=household,
                        channel=form.cleaned_data["channel"],
                        on=form.cleaned_data["received_on"],
                        applicant=applicant,
                        tiers=form.chosen_tiers(),
                        consent=form.consent(),
                        proxy=form.cleaned_data.get("proxy") or "",
                        near_relative=form.cleaned_data["near_relative"],
                    )
                except CaseworkError as exc:
                    _form_error(form, exc)
                else:
                    messages.success(request, f"已登记申请 {app.number}，请核对材料清单并登记授权书和承诺书")
                    return redirect(_detail_url(app))
            status = 422
        else:
            form = NewApplicationForm(members=members)
    ctx = {"find": find, "results": results, "household": household, "members": members, "form": form}
    return private(render(request, "casework/new.html", ctx, status=status))


# --- the application -----------------------------------------------------------------------------------


def _actions(user, app: Application, bound: dict | None = None) -> list[dict]:
    """The events the user may do now, each with its (possibly bound) form."""
    bound = bound or {}
    names = [
        e
        for e in states.events_from(app.state)
        if e in EVENT_FORMS and states.EVENTS[e].actor != "system" and may(user, e, app)
    ]
    if app.state in RUN_VERIFICATION_STATES and may(user, "record_verification", app):
        names.insert(0, "run_verification")
    out = []
    for e in names:
        form = bound.get(e) or EVENT_FORMS[e](initial={"version": app.version})
        label = "运行核对" if e == "run_verification" else states.EVENTS[e].label
        out.append({"event": e, "label": label, "form": form, "danger": e in DANGER_EVENTS})
    return out


def _may_investigate(user, app: Application) -> bool:
    if app.state in states.TERMINAL:
        return False
    if states.allowed("record_investigation", app.state):
        return may(user, "record_investigation", app)
    # the county's own visit on a file past the township's stages (R-W23)
    return getattr(user, "role", "") == "county_officer" and may(user, "record_investigation", app)


def _detail(request, app: Application, *, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    today = timezone.localdate()
    deadlines = queries.deadlines(app)
    rows = [{"d": d, "status": clock.status(d.due, d.done_on, today)} for d in deadlines]
    total = next((d for d in deadlines if d.key == clock.TOTAL.key), None)
    remaining = None
    if total is not None and total.done_on is None:
        remaining = (
            working_days_between(today, total.due)
            if total.due >= today
            else -clock.overdue_days(total.due, today)
        )
    writable = user.can("casework.write") and app.state not in states.TERMINAL
    authorized = {a.person_id for a in queries.authorizations(app) if a.revoked_on is None}
    pending_people = [p for p in queries.authorization_people(app) if p.pk not in authorized]
    decisions = queries.decisions(app)
    checks = queries.spot_checks_of(app)
    open_pause = queries.open_pause(app) if app.accepted_on else None
    actions = _actions(user, app, bound) if user.can("casework.write") else []
    clock_ok = writable and app.accepted_on is not None and may(user, "request_verification", app)
    ctx = {
        "app": app,
        "today": today,
        "deadlines": rows,
        "total": total,
        "remaining": remaining,
        "pauses": queries.pauses(app),
        "open_pause": open_pause,
        "authorizations": queries.authorizations(app),
        "attachments": queries.attachments(app),
        "reports": queries.reports(app),
        "investigations": queries.investigations(app),
        "notices": queries.notices(app),
        "objections": queries.objections(app),
        "decisions": decisions,
        "spot_checks": checks,
        "letters": letters_for_ref("casework.application", app.pk),
        "history": queries.history(app),
        "next_actions": [a for a in actions if not a["danger"]],
        "danger_actions": [a for a in actions if a["danger"]],
        "may_investigate": _may_investigate(user, app),
        "writable": writable,
        "auth_form": bound.get("authorize")
        or (AuthorizationForm(people=pending_people) if writable and pending_people else None),
        "commit_form": bound.get("commitment")
        or (CommitmentForm() if writable and app.commitment_on is None else None),
        "scan_form": bound.get("scan"),
        "clock_ok": clock_ok,
        "pause_form": bound.get("pause") or (PauseForm() if clock_ok and open_pause is None else None),
        "resume_form": bound.get("resume") or (ResumeForm() if clock_ok and open_pause is not None else None),
        "extend_form": bound.get("extend") or (ExtendForm() if clock_ok and not app.extended else None),
        "file_decisions": [
            d for d in decisions if d.authority_level == "township" and d.kind == "confirm" and not d.filed_on
        ]
        if user.can("casework.write")
        else [],
        "file_form": FileForm(),
        "open_checks": [c for c in checks if not c.result]
        if getattr(user, "role", "") == "county_officer"
        else [],
        "check_form": bound.get("spot_check") or SpotCheckForm(),
        "review_items": (app.review or {}).get("items", []),
    }
    return private(render(request, "casework/detail.html", ctx, status=status), htmx=False)


@require_GET
@scoped_view("casework.read")
def detail(request, pk: int):
    return _detail(request, _app_or_404(pk))


@require_POST
@scoped_view("casework.read")
def event(request, pk: int, name: str):
    app = _app_or_404(pk)
    form_class = EVENT_FORMS.get(name)
    if form_class is None:
        raise Http404("没有这个办理事项")
    check = "record_verification" if name == "run_verification" else name
    if not request.user.can("casework.write") or not may(request.user, check, app):
        raise PermissionDenied("您无权办理此环节")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            dispatch.apply(
                request.user,
                app,
                name,
                on=form.cleaned_data.get("on"),
                fields=form.event_fields(),
                expected_version=form.cleaned_data["version"],
            )
        except CaseworkConflict as exc:
            messages.error(request, str(exc))
            return redirect(_detail_url(app, "actions"))
        except CaseworkError as exc:
            _form_error(form, exc)
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from None
        else:
            app = _app_or_404(pk)
            label = "核对" if name == "run_verification" else states.EVENTS[name].label
            messages.success(request, f"已办理：{label}。申请当前为“{states.STATES[app.state]}”")
            return redirect(_detail_url(app))
    return _detail(request, _app_or_404(pk), bound={name: form}, status=422)


# --- materials, authorizations, commitment --------------------------------------------------------------


def _writable_or_403(request, pk: int) -> Application:
    app = _app_or_404(pk)
    if not request.user.can("casework.write"):
        raise PermissionDenied("您无权修改申请材料")
    return app


def _run(request, app: Application, form_key: str, form, write) -> object:
    """Run ``write``; on success back to the page, on a refusal the page with the form's error."""
    try:
        write()
    except CaseworkConflict as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(app))
    except CaseworkError as exc:
        _form_error(form, exc)
        return _detail(request, _app_or_404(app.pk), bound={form_key: form}, status=422)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    return None


@require_POST
@scoped_view("casework.read")
def material(request, pk: int):
    app = _writable_or_403(request, pk)
    form = MaterialForm(request.POST)
    if not form.is_valid():
        messages.error(request, "材料信息无效，请刷新页面后重试")
        return redirect(_detail_url(app, "materials"))
    d = form.cleaned_data
    try:
        intake_actions.record_material(
            actor=request.user, application=app, key=d["key"], provided=d["provided"]
        )
    except CaseworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "材料清单已更新")
    return redirect(_detail_url(app, "materials"))


@require_POST
@scoped_view("casework.read")
def scan(request, pk: int):
    app = _writable_or_403(request, pk)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        failed = _run(
            request,
            app,
            "scan",
            form,
            lambda: intake_actions.attach_scan(
                actor=request.user, application=app, material=d["material"], upload=d["scan"]
            ),
        )
        if failed:
            return failed
        messages.success(request, "扫描件已上传")
        return redirect(_detail_url(app, "materials"))
    messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(_detail_url(app, "materials"))


@require_POST
@scoped_view("casework.read")
def authorize(request, pk: int):
    app = _writable_or_403(request, pk)
    people = queries.authorization_people(app)
    form = AuthorizationForm(request.POST, request.FILES, people=people)
    if form.is_valid():
        d = form.cleaned_data
        person = next(p for p in people if p.pk == d["person"])
        failed = _run(
            request,
            app,
            "authorize",
            form,
            lambda: intake_actions.record_authorization(
                actor=request.user,
                application=app,
                person=person,
                method=d["method"],
                signed_on=d["signed_on"],
                guardian=d["guardian"],
                scan=d.get("scan"),
            ),
        )
        if failed:
            return failed
        messages.success(request, f"已登记{person.name}的授权书")
        return redirect(_detail_url(app, "authorizations"))
    return _detail(request, app, bound={"authorize": form}, status=422)


@require_POST
@scoped_view("casework.read")
def commitment(request, pk: int):
    app = _writable_or_403(request, pk)
    form = CommitmentForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        failed = _run(
            request,
            app,
            "commitment",
            form,
            lambda: intake_actions.record_commitment(
                actor=request.user, application=app, on=d["on"], method=d["method"]
            ),
        )
        if failed:
            return failed
        messages.success(request, "已登记承诺书")
        return redirect(_detail_url(app, "authorizations"))
    return _detail(request, app, bound={"commitment": form}, status=422)


# --- the clock ------------------------------------------------------------------------------------------


@require_POST
@scoped_view("casework.read")
def clock_step(request, pk: int, what: str):
    app = _writable_or_403(request, pk)
    forms_ = {"pause": PauseForm, "resume": ResumeForm, "extend": ExtendForm}
    if what not in forms_:
        raise Http404("没有这个办理事项")
    form = forms_[what](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        user = request.user
        writes = {
            "pause": lambda: clock_actions.pause_for_materials(
                actor=user, application=app, missing=cast(PauseForm, form).missing_list(), on=d.get("on")
            ),
            "resume": lambda: clock_actions.resume(actor=user, application=app, on=d.get("on")),
            "extend": lambda: clock_actions.extend(
                actor=user, application=app, reason=d["reason"], text=d.get("text") or "", on=d.get("on")
            ),
        }
        failed = _run(request, app, what, form, writes[what])
        if failed:
            return failed
        done = {
            "pause": "办理时限已中止，已出具补充材料通知",
            "resume": "已恢复计时",
            "extend": "已延长办理时限",
        }
        messages.success(request, done[what])
        return redirect(_detail_url(app, "deadlines"))
    return _detail(request, app, bound={what: form}, status=422)


# --- the delegated confirmation: filing and the county's spot check --------------------------------------


@require_POST
@scoped_view("casework.read")
def file_decision(request, pk: int):
    try:
        decision = queries.get_decision(pk)
    except ObjectDoesNotExist:
        raise Http404("决定不存在") from None
    app = decision.application
    if app is None or not request.user.can("casework.write"):
        raise PermissionDenied("您无权办理此环节")
    form = FileForm(request.POST)
    if form.is_valid():
        try:
            check = decision_actions.file_with_county(
                actor=request.user, decision=decision, on=form.cleaned_data.get("on")
            )
        except CaseworkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已报县级备案" + ("，已被抽中县级抽查" if check else ""))
    return redirect(_detail_url(app, "decisions"))


@require_POST
@scoped_view("casework.read")
def spot_check(request, pk: int):
    try:
        check = queries.get_spot_check(pk)
    except ObjectDoesNotExist:
        raise Http404("抽查不存在") from None
    app = check.decision.application
    if app is None:
        raise Http404("抽查不存在")
    if getattr(request.user, "role", "") != "county_officer":
        raise PermissionDenied("抽查结果由县级民政登记")
    form = SpotCheckForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        failed = _run(
            request,
            app,
            "spot_check",
            form,
            lambda: decision_actions.record_spot_check(
                actor=request.user, check=check, result=d["result"], finding=d["finding"], on=d.get("on")
            ),
        )
        if failed:
            return failed
        messages.success(request, "已登记抽查结论")
        return redirect(_detail_url(app, "decisions"))
    return _detail(request, app, bound={"spot_check": form}, status=422)


# --- the home visit --------------------------------------------------------------------------------------


INVESTIGATION_PATHS = {"investigators": "investigator1", "on": "visited_on"}


@require_http_methods(["GET", "POST"])
@scoped_view("casework.investigate")
def investigate(request, pk: int):
    """入户调查 on a phone (the warning loop's visit form, for an application)."""
    app = _app_or_404(pk)
    user = request.user
    if not _may_investigate(user, app):
        raise PermissionDenied("当前环节您不能登记入户调查")
    members = queries.members_on(app)
    county = getattr(user, "role", "") == "county_officer"
    status = 200
    if request.method == "POST":
        form = InvestigationForm(request.POST, request.FILES, members=members, county=county)
        if form.is_valid():
            d = form.cleaned_data
            try:
                review_actions.record_investigation(
                    actor=user,
                    application=app,
                    investigators=form.investigators(),
                    findings=d["findings"],
                    on=d["visited_on"],
                    level=d["level"],
                    method=d["method"],
                    members_present=d.get("members_present") or [],
                    living_conditions=d.get("living_conditions") or "",
                    income_answers=d.get("income_answers") or "",
                    housing_rating=d.get("housing_rating") or "",
                    labour_capacity=form.labour_capacity(),
                    members_signed=d["members_signed"],
                    refusal_to_sign=d.get("refusal_to_sign") or "",
                    photos=d["photos"],
                    expected_version=d["version"],
                )
            except CaseworkConflict as exc:
                form.add_error(None, str(exc))
            except CaseworkError as exc:
                field = INVESTIGATION_PATHS.get(exc.path or "", exc.path or "")
                form.add_error(field if field in form.fields else None, str(exc))
            except PermissionError as exc:
                raise PermissionDenied(str(exc)) from None
            else:
                app = _app_or_404(pk)
                messages.success(request, f"已登记入户调查。申请当前为“{states.STATES[app.state]}”")
                return redirect(_detail_url(app))
        status = 422
    else:
        label = getattr(user, "label", "") or ""
        form = InvestigationForm(
            initial={
                "version": app.version,
                "investigator1": label,
                "level": "county" if county else "township",
            },
            members=members,
            county=county,
        )
    ctx = {"app": app, "form": form}
    return private(render(request, "casework/investigate.html", ctx, status=status), htmx=False)


# --- files: photos and scans, only to users whose region holds them -------------------------------------


def _stream(field, kinds: tuple[str, ...]):
    content_type = mimetypes.guess_type(field.name or "")[0] or "application/octet-stream"
    if not content_type.startswith(kinds):
        raise Http404("文件不存在")
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return private(response, htmx=False)


@require_GET
@scoped_view("casework.read")
def photo(request, pk: int):
    try:
        row = queries.get_investigation_photo(pk)
    except ObjectDoesNotExist:
        raise Http404("照片不存在，或不在您的管辖范围内") from None
    return _stream(row.file, ("image/",))


@require_GET
@scoped_view("casework.read")
def attachment(request, pk: int):
    try:
        row = queries.get_attachment(pk)
    except ObjectDoesNotExist:
        raise Http404("文件不存在，或不在您的管辖范围内") from None
    return _stream(row.file, ("image/", "application/pdf"))


@require_GET
@scoped_view("casework.read")
def authorization_scan(request, pk: int):
    try:
        row = queries.get_authorization(pk)
    except ObjectDoesNotExist:
        raise Http404("文件不存在，或不在您的管辖范围内") from None
    if not row.scan:
        raise Http404("没有上传扫描件")
    return _stream(row.scan, ("image/", "application/pdf"))
