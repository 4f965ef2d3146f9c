"""Registry pages of the township window: registering a new household (CASEWORK R-W19, R-W19c) and its
members' legal supporters living apart (DOMAIN R-H3). Thin adapters over ``window_actions`` and
``queries``; works without JavaScript ("增加一行" posts the form back with one more blank row)."""

from __future__ import annotations

import datetime as dt

from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private
from doudi.core.scoping import require_scope
from doudi.regions.queries import names_for
from doudi.registry import queries, window_actions
from doudi.registry.forms import (
    MAX_MEMBER_ROWS,
    EndSupporterForm,
    MemberFormSet,
    RegisterHouseholdForm,
    SupporterForm,
)
from doudi.registry.models import Household, LegalSupporter, Person, Relation
from doudi.registry.window_actions import HouseholdInputError

NOT_FOUND = "家庭不存在，或不在您的管辖范围内"
MEMBERS = "members"  # the formset's prefix


def _household_or_404(pk: int) -> Household:
    try:
        return queries.get_household(pk)
    except Household.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _register_page(request, form, formset, member_errors=(), *, status: int = 200):
    context = {"form": form, "formset": formset, "member_errors": member_errors, "max_rows": MAX_MEMBER_ROWS}
    return private(render(request, "registry/register.html", context, status=status), htmx=False)


def _apply_problems(exc: HouseholdInputError, form, forms_by_row: list) -> list[str]:
    """Put each problem on its field; what belongs to no single field is returned for the list."""
    general = []
    for loc, message in exc.problems:
        if len(loc) == 3 and loc[0] == MEMBERS and isinstance(loc[1], int) and loc[1] < len(forms_by_row):
            target, field = forms_by_row[loc[1]], str(loc[2])
        elif len(loc) == 1 and str(loc[0]) in form.fields:
            target, field = form, str(loc[0])
        else:
            general.append(message)
            continue
        target.add_error(field if field in target.fields else None, message)
    return general


@require_http_methods(["GET", "POST"])
@scoped_view("registry.write")
def register(request):
    """登记新家庭: the household, its members (one head) and its address."""
    prefix = require_scope().prefix
    if request.method == "GET":
        region = request.user.region_id if len(prefix) >= 9 else ""
        form = RegisterHouseholdForm(
            initial={"on": timezone.localdate(), "region_code": region}, scope_prefix=prefix
        )
        return _register_page(request, form, MemberFormSet(prefix=MEMBERS))
    data = request.POST
    if "add_member" in data:  # one more blank row, nothing checked yet
        data = data.copy()
        rows = int(data.get(f"{MEMBERS}-TOTAL_FORMS") or 0)
        data[f"{MEMBERS}-TOTAL_FORMS"] = str(min(rows + 1, MAX_MEMBER_ROWS))
        form = RegisterHouseholdForm(data, scope_prefix=prefix)
        formset = MemberFormSet(data, prefix=MEMBERS)
        form._errors = ErrorDict()
        return _register_page(request, form, _quiet(formset))
    form = RegisterHouseholdForm(data, scope_prefix=prefix)
    formset = MemberFormSet(data, prefix=MEMBERS)
    if not (form.is_valid() and formset.is_valid()):
        return _register_page(request, form, formset, formset.non_form_errors(), status=422)
    filled = [f for f in formset.forms if f.cleaned_data.get("name")]
    if not filled:
        return _register_page(request, form, formset, ["请至少填写一位家庭成员（户主）"], status=422)
    try:
        household = window_actions.register_household(
            actor=request.user,
            region_code=form.cleaned_data["region_code"],
            area_type=form.cleaned_data["area_type"],
            address=form.cleaned_data["address"],
            members=[f.member() for f in filled],
            on=form.cleaned_data["on"],
        )
    except HouseholdInputError as exc:
        general = _apply_problems(exc, form, filled)
        return _register_page(request, form, formset, general, status=422)
    return redirect("registry:household", pk=household.pk)


def _quiet(formset):
    """A bound formset shown again after "增加一行": marked clean so the half-filled rows are not
    flagged before the caseworker submits (the errors are computed on the real submit)."""
    formset._errors, formset._non_form_errors = [], formset.error_class()
    for f in formset.forms:
        f._errors = ErrorDict()
    return formset


# ------------------------------------------------------------------------------------- supporters


def _member_choices(household: Household) -> list[tuple[int, str]]:
    labels = dict(Relation.choices)
    members = queries.household_members(household.pk).order_by("relation", "birth_date")
    return [(p.pk, f"{p.name}（{labels.get(p.relation, '成员')}）") for p in members]


def _lives_where(link: LegalSupporter, household: Household, contact: set[int], towns: dict[str, str]) -> str:
    s = link.supporter
    if s.household_id == household.pk:
        return "同住本户"
    if s.household is not None:
        town = towns.get(s.household.region_code[:9].ljust(12, "0"), "")
        return f"另户居住（{town}登记的家庭）" if town else "另户居住"
    return "另居，已登记住址（加密）" if s.pk in contact else "另居"


def supporter_context(household: Household, on: dt.date, form: SupporterForm | None = None) -> dict:
    """The 法定赡养/抚养/扶养义务人 panel: records holding on ``on``, masked, and the add form."""
    links = queries.household_supporters(household, on)
    contact = queries.persons_with_contact({link.supporter_id for link in links}, on)
    towns = names_for(
        {lk.supporter.household.region_code[:9].ljust(12, "0") for lk in links if lk.supporter.household}
    )
    rows = [{"link": lk, "where": _lives_where(lk, household, contact, towns)} for lk in links]
    if form is None:
        form = SupporterForm(members=_member_choices(household), initial={"on": on})
    return {"supporters": rows, "supporter_form": form, "end_form": EndSupporterForm(initial={"on": on})}


def _supporters_page(request, household: Household, context: dict, *, status: int = 200):
    today = timezone.localdate()
    page = {"household": household, "today": today, "can_write": request.user.can("registry.write")}
    return private(render(request, "registry/supporters.html", page | context, status=status), htmx=False)


@require_http_methods(["GET", "POST"])
@scoped_view("registry.write")
def supporters(request, pk: int):
    """The supporters of a household's members: list and add (also the add form's error page)."""
    household = _household_or_404(pk)
    today = timezone.localdate()
    if request.method == "GET":
        return _supporters_page(request, household, supporter_context(household, today))
    form = SupporterForm(request.POST, members=_member_choices(household))
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = queries.current_member(household, data["person"])
            window_actions.register_supporter(
                actor=request.user,
                person=person,
                name=data["name"],
                id_number=data["id_number"],
                relation=data["relation"],
                address=data["address"],
                phone=data["phone"],
                on=data["on"],
                incapacity=data["incapacity"],
            )
        except Person.DoesNotExist:
            form.add_error("person", "请选择本户的现有成员")
        except HouseholdInputError as exc:
            for loc, message in exc.problems:
                field = str(loc[0]) if loc else ""
                form.add_error(field if field in form.fields else None, message)
        else:
            return redirect(reverse("registry:household", args=[household.pk]) + "#supporters")
    return _supporters_page(request, household, supporter_context(household, today, form), status=422)


@require_POST
@scoped_view("registry.write")
def end_supporter(request, pk: int, link_pk: int):
    household = _household_or_404(pk)
    try:
        link = queries.get_supporter_link(link_pk, household)
    except LegalSupporter.DoesNotExist:
        raise Http404("义务人记录不存在，或不在您的管辖范围内") from None
    form = EndSupporterForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            window_actions.end_supporter(actor=request.user, link=link, on=form.cleaned_data["on"])
        except HouseholdInputError as exc:
            error = str(exc)
        else:
            return redirect(reverse("registry:household", args=[household.pk]) + "#supporters")
    else:
        error = "；".join(str(e) for errs in form.errors.values() for e in errs)
    context = supporter_context(household, timezone.localdate()) | {"end_error": error, "end_link": link.pk}
    return _supporters_page(request, household, context, status=422)
