"""Registry endpoints of ``/api/v1`` (households, persons, counts), scoped to the caller's subtree.

Every read goes through the scoped managers: the auth has entered the user's scope, so a row outside
it is simply not found (404, never 403 — existence is not leaked). List endpoints run a fixed
number of queries whatever the page size: count, page, then one batch each for members, categories
and region names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError

from doudi.core.api_auth import api_auth, auth_user, require_capability
from doudi.core.api_errors import ApiInputError
from doudi.regions.queries import names_for
from doudi.registry import actions, queries, window_actions
from doudi.registry.models import (
    AreaType,
    Category,
    CategoryStatus,
    HouseholdFactKind,
    IdStatus,
    Person,
    PersonFactKind,
    Relation,
    Source,
)
from doudi.registry.schemas import (
    CategoryStatsIn,
    CategoryStatsOut,
    HouseholdDetailIn,
    HouseholdDetailOut,
    HouseholdListIn,
    HouseholdListOut,
    HouseholdRegisterIn,
    HouseholdRegisterOut,
    PersonDetailOut,
    PersonListOut,
    PersonLookupIn,
    RevealIdOut,
    SupporterEndIn,
    SupporterIn,
    SupporterOut,
)

router = Router(tags=["登记"], auth=api_auth("registry.read"))

MAX_ID = 2**63 - 1
_LABELS = {
    "area_type": dict(AreaType.choices),
    "category": dict(Category.choices),
    "relation": dict(Relation.choices),
    "source": dict(Source.choices),
    "id_status": dict(IdStatus.choices),
    "fact": {**dict(PersonFactKind.choices), **dict(HouseholdFactKind.choices)},
}


def _label(kind: str, value: str | None) -> str:
    return _LABELS[kind].get(value or "", value or "")


def _category(c: CategoryStatus) -> dict:
    return {
        "category": c.category,
        "label": _label("category", c.category),
        "since": c.since,
        "until": c.until,
    }


def _fact(f) -> dict:
    """A dated fact; a sensitive one (encrypted at rest) is listed without its value (R-S5)."""
    return {
        "kind": f.kind,
        "kind_label": _label("fact", f.kind),
        "value": None if f.sensitive else f.value,
        "sensitive": f.sensitive,
        "source": f.source,
        "source_label": _label("source", f.source),
        "source_ref": f.source_ref,
        "valid_from": f.valid_from,
        "valid_to": f.valid_to,
    }


def _page(qs, limit: int, offset: int) -> tuple[list, int]:
    """One page and the total; a short first page is its own total (saves the COUNT query that
    would dominate a name or identity-number lookup)."""
    page = list(qs[offset : offset + limit])
    if offset == 0 and len(page) < limit:
        return page, len(page)
    return page, qs.count()


def _household_rows(page: list, today: dt.date) -> list[dict]:
    """List rows for a page of households: three batch queries, none per row."""
    ids = [h.pk for h in page]
    if not ids:
        return []
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for hid, relation, name in queries.current_member_names(ids, today):
        members[hid].append((relation, name))
    cats: dict[int, set[str]] = defaultdict(set)
    for hid, cat in queries.current_household_categories(ids, today):
        cats[hid].add(cat)
    names = names_for({h.region_code for h in page})
    order = list(Category.values)
    return [
        {
            "id": h.pk,
            "household_key": h.household_key,
            "region_code": h.region_code,
            "region_name": names.get(h.region_code, h.region_code),
            "area_type": h.area_type,
            "area_type_label": _label("area_type", h.area_type),
            "head_name": next((n for r, n in members[h.pk] if r == Relation.HEAD), None),
            "member_count": len(members[h.pk]),
            "categories": sorted(cats[h.pk], key=order.index),
        }
        for h in page
    ]


def _person_rows(persons: Iterable[Person], today: dt.date) -> list[dict]:
    """Rows for persons (household joined by the caller): two batch queries, none per row."""
    persons = list(persons)
    ids = [p.pk for p in persons]
    cats: dict[int, list[CategoryStatus]] = defaultdict(list)
    if ids:
        for c in queries.current_person_categories(ids, today):
            cats[c.person_id].append(c)
    names = names_for({p.region_code for p in persons}) if persons else {}
    return [
        {
            "id": p.pk,
            "person_key": p.person_key,
            "name": p.name,
            "sex": p.sex,
            "birth_date": p.birth_date,
            "age": queries.age_on(p.birth_date, today),
            "id_masked": p.id_masked,
            "id_status": p.id_status,
            "id_status_label": _label("id_status", p.id_status),
            "id_problem": queries.describe_id_problem(p)
            if p.id_status in (IdStatus.INVALID, IdStatus.MISSING)
            else "",
            "region_code": p.region_code,
            "region_name": names.get(p.region_code, p.region_code),
            "household_id": p.household_id,
            "household_key": p.household.household_key if p.household is not None else None,
            "relation": p.relation,
            "relation_label": _label("relation", p.relation),
            "categories": [_category(c) for c in cats[p.pk]],
        }
        for p in persons
    ]


ID_IN_URL = "身份证号不能放在网址中（会留在访问日志和浏览器历史里），请用 POST …/search 在请求体中提交"


def _no_id_in_url(id_number: str) -> None:
    if id_number:
        raise ApiInputError(ID_IN_URL, "id_number")


@router.get("/households", response=HouseholdListOut, summary="查询家庭（分页）")
def list_households(request: HttpRequest, filters: Query[HouseholdListIn]):
    _no_id_in_url(filters.id_number)
    return _households(filters)


@router.post(
    "/households/search", response=HouseholdListOut, summary="查询家庭（条件在请求体中，可按身份证号）"
)
def search_households(request: HttpRequest, filters: HouseholdListIn):
    return _households(filters)


def _households(filters: HouseholdListIn) -> dict:
    qs = queries.search_households(
        name=filters.name,
        household_key=filters.household_key,
        id_number=filters.id_number,
        region=filters.region,
        category=filters.category or "",
        area_type=filters.area_type or "",
    )
    page, count = _page(qs, filters.limit, filters.offset)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": _household_rows(page, timezone.localdate()),
    }


@router.get("/households/{household_id}", response=HouseholdDetailOut, summary="某日的家庭情况")
def household_detail(
    request: HttpRequest, params: Query[HouseholdDetailIn], household_id: int = Path(..., ge=1, le=MAX_ID)
):
    household = queries.get_household(household_id)
    as_of = params.as_of or timezone.localdate()
    snap = queries.household_as_of(household, as_of)
    return {
        "id": household.pk,
        "household_key": household.household_key,
        "region_code": household.region_code,
        "region_name": names_for({household.region_code}).get(household.region_code, household.region_code),
        "area_type": household.area_type,
        "area_type_label": _label("area_type", household.area_type),
        "as_of": as_of,
        "current_category": snap.current_category,
        "members": [
            {
                "person_id": m.person.pk,
                "person_key": m.person.person_key,
                "name": m.person.name,
                "relation": m.relation,
                "relation_label": _label("relation", m.relation),
                "member_since": m.valid_from,
                "sex": m.person.sex,
                "birth_date": m.person.birth_date,
                "age": queries.age_on(m.person.birth_date, as_of),
                "id_masked": m.person.id_masked,
                "id_status": m.person.id_status,
                "id_status_label": _label("id_status", m.person.id_status),
                "categories": [_category(c) for c in m.categories],
                "facts": [_fact(f) for f in m.facts.values()],
            }
            for m in snap.members
        ],
        "facts": [_fact(f) for f in snap.facts.values()],
    }


@router.get("/persons", response=PersonListOut, summary="按姓名查找人员（身份证号请用 POST /persons/search）")
def lookup_persons(request: HttpRequest, params: Query[PersonLookupIn]):
    _no_id_in_url(params.id_number)
    return _persons(params)


@router.post("/persons/search", response=PersonListOut, summary="按身份证号或姓名查找人员（条件在请求体中）")
def search_persons(request: HttpRequest, params: PersonLookupIn):
    return _persons(params)


def _persons(params: PersonLookupIn) -> dict:
    id_number, name = params.id_number.strip(), params.name.strip()
    if not id_number and not name:
        raise ApiInputError("请提供身份证号或姓名", "id_number")
    qs = queries.lookup_persons(id_number, name)
    page, count = _page(qs, params.limit, params.offset)
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": _person_rows(page, timezone.localdate()),
    }


@router.get("/persons/{person_id}", response=PersonDetailOut, summary="人员详情（身份证号脱敏）")
def person_detail(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)):
    person = queries.get_person(person_id)
    today = timezone.localdate()
    (row,) = _person_rows([person], today)
    facts = queries.current_person_facts(person, today)
    return {**row, "facts": [_fact(f) for f in facts]}


@router.post("/persons/{person_id}/reveal-id", response=RevealIdOut, summary="查看完整身份证号（留痕）")
def reveal_id(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)):
    user = require_capability(request, "registry.reveal")
    person = queries.get_person(person_id)
    number = actions.reveal_id_number(actor=user, person=person)
    return {"person_id": person.pk, "id_number": number, "id_masked": person.id_masked}


@router.get("/stats/categories", response=CategoryStatsOut, summary="各类别户数与人数")
def category_stats(request: HttpRequest, params: Query[CategoryStatsIn]):
    counts = queries.counts_by_category(params.as_of or timezone.localdate())
    order = list(Category.values)
    rows = [
        {
            "category": cat,
            "category_label": _label("category", cat),
            "area_type": area,
            "area_type_label": _label("area_type", area),
            **numbers,
        }
        for cat, by_area in counts["by_category"].items()
        for area, numbers in by_area.items()
    ]
    rows.sort(key=lambda r: (order.index(r["category"]) if r["category"] in order else 99, r["area_type"]))
    return {
        "as_of": counts["as_of"],
        "scope_region_code": auth_user(request).region_id,
        "rows": rows,
        "totals": counts["totals"],
    }


# ---- registration at the window ------------------------------------------------------------------


def _refused(exc: window_actions.HouseholdInputError) -> ValidationError:
    """Every problem of a refused registration in the shared 422 shape (first in ``error``/``path``)."""
    return ValidationError(
        [{"type": "value_error", "ctx": {"error": m}, "loc": loc} for loc, m in exc.problems]
    )


@router.post("/households", response={201: HouseholdRegisterOut}, summary="登记新家庭（窗口申请、主动发现）")
def register_household(request: HttpRequest, payload: HouseholdRegisterIn):
    user = require_capability(request, "registry.write")
    data = payload.dict()
    try:
        household = window_actions.register_household(
            actor=user,
            region_code=data["region_code"],
            area_type=data["area_type"],
            address=data["address"],
            members=data["members"],
            on=data["on"],
            household_key=data["household_key"],
        )
    except window_actions.HouseholdInputError as exc:
        raise _refused(exc) from None
    return Status(201, {"id": household.pk, "household_key": household.household_key})


def _supporter(link) -> dict:
    s = link.supporter
    return {
        "id": link.pk,
        "person_id": link.person_id,
        "supporter_id": s.pk,
        "supporter_key": s.person_key,
        "name": s.name,
        "id_masked": s.id_masked,
        "relation": link.relation,
        "relation_label": _label("relation", link.relation),
        "incapacity": link.incapacity,
        "lives_in_household": s.household_id is not None and s.household_id == link.person.household_id,
        "valid_from": link.valid_from,
        "valid_to": link.valid_to,
    }


@router.get(
    "/households/{household_id}/supporters", response=list[SupporterOut], summary="本户成员的法定义务人"
)
def household_supporters(request: HttpRequest, household_id: int = Path(..., ge=1, le=MAX_ID)):
    household = queries.get_household(household_id)
    return [_supporter(link) for link in queries.household_supporters(household, timezone.localdate())]


@router.post(
    "/households/{household_id}/supporters",
    response={201: SupporterOut},
    summary="登记法定赡养/抚养/扶养义务人（含不同住的）",
)
def register_supporter(
    request: HttpRequest, payload: SupporterIn, household_id: int = Path(..., ge=1, le=MAX_ID)
):
    user = require_capability(request, "registry.write")
    household = queries.get_household(household_id)
    try:
        person = queries.current_member(household, payload.person_id)
    except Person.DoesNotExist:
        raise ApiInputError("该人员不是本户的现有成员", "person_id") from None
    data = payload.dict()
    try:
        link = window_actions.register_supporter(
            actor=user,
            person=person,
            name=data["name"],
            id_number=data["id_number"],
            relation=data["relation"],
            address=data["address"],
            phone=data["phone"],
            on=data["on"],
            incapacity=data["incapacity"],
        )
    except window_actions.HouseholdInputError as exc:
        raise _refused(exc) from None
    return Status(201, _supporter(link))


@router.post(
    "/households/{household_id}/supporters/{link_id}/end", response=SupporterOut, summary="终止法定义务人记录"
)
def end_supporter(
    request: HttpRequest,
    payload: SupporterEndIn,
    household_id: int = Path(..., ge=1, le=MAX_ID),
    link_id: int = Path(..., ge=1, le=MAX_ID),
):
    user = require_capability(request, "registry.write")
    household = queries.get_household(household_id)
    link = queries.get_supporter_link(link_id, household)
    try:
        window_actions.end_supporter(actor=user, link=link, on=payload.on)
    except window_actions.HouseholdInputError as exc:
        raise _refused(exc) from None
    return _supporter(queries.get_supporter_link(link_id, household))
