"""Registration at the township window (DOMAIN R-H1–R-H4, CASEWORK R-W19/R-W19c): a new household
that applies (or was found by proactive discovery) and the legal supporters living apart (R-H3).

An action module: each function validates, writes and audits in one transaction. Input is the shape of
the roster contract's member fields (``name``, ``id_number``, ``relation``, ``sex``, ``birth_date``,
plus ``phone``), so casework's ``{"household": {...}}`` body passes straight through. Every problem is
reported at once, each naming its row, with a JSON-style path (``members[1].id_number``) that forms
and the API map to their fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from doudi.core import idnumber
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import clean_name
from doudi.core.scoping import current_scope, prefix_of
from doudi.registry.actions import (
    SUPPORTER_RELATIONS,
    RegistryError,
    add_person_to_household,
    create_household,
    end_legal_supporter,
    record_household_fact,
    record_legal_supporter,
    record_person_fact,
)
from doudi.registry.identity import encode_identity
from doudi.registry.models import (
    Household,
    HouseholdFactKind,
    LegalSupporter,
    Membership,
    Person,
    PersonFactKind,
    Relation,
    Source,
    SupporterIncapacity,
)
from doudi.registry.roster_read import AREAS, RELATIONS, SEXES

Loc = tuple[str | int, ...]

MAX_MEMBERS = 30
ADDRESS_MAX = 200
KEY_MAX = 64
PHONE = re.compile(r"^\+?[0-9][0-9\-（）() ]{4,19}$")
WINDOW_LEVELS = ("township", "village")
INCAPACITIES = {v: v for v in SupporterIncapacity.values} | {
    label: value for value, label in SupporterIncapacity.choices
}
# roster columns a new household cannot carry: its category comes from a confirmed decision
NO_CATEGORY = "新登记的家庭不能直接填写救助类别，类别在审核确认后产生"


class HouseholdInputError(RegistryError):
    """The registration is refused; ``problems`` holds every (path, Chinese message), each naming its
    row. ``str()`` is all the messages; ``path`` the first problem's location."""

    def __init__(self, problems: list[tuple[Loc, str]]):
        self.problems = problems
        super().__init__("；".join(m for _, m in problems))

    @property
    def loc(self) -> Loc:
        return self.problems[0][0] if self.problems else ()

    @property
    def path(self) -> str:
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) → date; "" → None; anything else raises ValueError."""
    if value is None or isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _actor_prefix(actor) -> str | None:
    """The region prefix the actor works in: their region, else the scope entered (system work)."""
    region = getattr(actor, "region_id", None)
    if region:
        return prefix_of(region)
    scope = current_scope()
    return scope.prefix if scope is not None else None


def _check_region(region_code: Any, actor, problems: list) -> str | None:
    from doudi.regions.queries import find_region

    code = _text(region_code)
    region = find_region(code)
    if region is None:
        problems.append((("region_code",), "区划代码无效（应为乡镇（街道）或村（社区）的9位或12位代码）"))
        return None
    if region.level not in WINDOW_LEVELS:
        problems.append((("region_code",), f"{region.name}不是乡镇（街道）或村（社区），请选择到乡镇一级"))
        return None
    prefix = _actor_prefix(actor)
    if prefix is None or not region.code.startswith(prefix):
        problems.append((("region_code",), "所选区划不在您的管辖范围内"))
        return None
    return region.code


class _Member:
    """One member row, checked; ``ident`` is the stored identity (encrypted, indexed, masked)."""

    def __init__(self, index: int, row: Mapping, problems: list, *, region: str | None, area: str | None):
        self.index = index
        self.loc: Loc = ("members", index)
        name, bad = clean_name(_text(row.get("name")))
        self.name = name
        self.label = f"第{index + 1}位成员" + (f"（{name}）" if name and not bad else "")
        self.problems = problems

        if bad:
            self._bad("name", bad)
        elif not name:
            self._bad("name", "姓名不能为空")
        elif len(name) > 64:
            self._bad("name", "姓名不能超过64个字")

        rel = _text(row.get("relation"))
        self.relation = RELATIONS.get(rel) or RELATIONS.get(rel.lower(), "")
        if not rel:
            self._bad("relation", "请填写与户主关系")
        elif not self.relation:
            self._bad("relation", f"与户主关系“{rel[:10]}”无效")

        raw_id = self.raw_id = _text(row.get("id_number"))
        self.check = idnumber.validate(raw_id, today=timezone.localdate())
        self.ident = None
        if raw_id and not self.check.valid:
            self._bad("id_number", self.check.problem_zh or "身份证号无效")
        elif raw_id:
            self.ident = encode_identity(raw_id)

        sex_raw = _text(row.get("sex"))
        self.sex = SEXES.get(sex_raw, "")
        if sex_raw and not self.sex:
            self._bad("sex", f"性别“{sex_raw[:4]}”无效，应为男或女")
        elif self.sex and self.check.valid and self.sex != self.check.sex:
            self._bad("sex", "性别与身份证号不一致")

        self.birth_date = None
        try:
            self.birth_date = _date(row.get("birth_date"))
        except ValueError:
            self._bad("birth_date", "出生日期格式应为 YYYY-MM-DD 且为有效日期")
        if self.birth_date and self.birth_date > timezone.localdate():
            self._bad("birth_date", "出生日期不能晚于今天")
        elif self.birth_date and self.check.valid and self.birth_date != self.check.birth_date:
            self._bad("birth_date", "出生日期与身份证号不一致")
        if not raw_id and not self.birth_date and not self._has("birth_date"):
            self._bad("id_number", "没有身份证号时须填写出生日期")

        self.phone = _text(row.get("phone"))
        if self.phone and not PHONE.match(self.phone):
            self._bad("phone", "联系电话格式不正确")

        self.person_key = _text(row.get("person_key"))
        if len(self.person_key) > KEY_MAX:
            self._bad("person_key", f"人员编号不能超过{KEY_MAX}个字符")
        for field, want, table in (("region_code", region, None), ("area_type", area, AREAS)):
            given = _text(row.get(field))
            given = (table.get(given, given) if table else given.ljust(12, "0")) if given else ""
            if given and want and given != want:
                self._bad(field, "与本户填写的不一致" if field == "area_type" else "与本户的区划代码不一致")
        for field in ("category", "since"):
            if _text(row.get(field)):
                self._bad(field, NO_CATEGORY)

    def _has(self, field: str) -> bool:
        return any(loc == (*self.loc, field) for loc, _ in self.problems)

    def _bad(self, field: str, message: str) -> None:
        self.problems.append(((*self.loc, field), f"{self.label}：{message}"))


def _check_members(members: Any, problems: list, region: str | None, area: str | None) -> list[_Member]:
    if not isinstance(members, list | tuple) or not members:
        problems.append((("members",), "请至少登记一位家庭成员（户主）"))
        return []
    if len(members) > MAX_MEMBERS:
        problems.append((("members",), f"一户最多登记{MAX_MEMBERS}位成员"))
        return []
    rows = []
    for i, row in enumerate(members):
        if not isinstance(row, Mapping):
            problems.append(((("members", i)), f"第{i + 1}位成员的格式不正确"))
            continue
        rows.append(_Member(i, row, problems, region=region, area=area))
    heads = [m for m in rows if m.relation == Relation.HEAD]
    if rows and not heads:
        problems.append((("members",), "须登记一位户主（与户主关系为“户主”）"))
    for extra in heads[1:]:
        order = "、".join(str(m.index + 1) for m in heads)
        problems.append(((*extra.loc, "relation"), f"第{order}位成员都登记为户主，一户只能有一位户主"))
    seen: dict[str, _Member] = {}
    for m in rows:
        if m.ident is None:
            continue
        first = seen.setdefault(m.ident.id_index or "", m)
        if first is not m:
            problems.append(((*m.loc, "id_number"), f"{m.label}：身份证号与第{first.index + 1}位成员相同"))
    keys = [m.person_key for m in rows if m.person_key]
    if len(keys) != len(set(keys)):
        problems.append((("members",), "同一户内的人员编号不能重复"))
    return rows


def _township_name(code: str) -> str:
    from doudi.regions.queries import region_name

    return region_name(code[:9].ljust(12, "0"))


def _existing_persons(rows: list[_Member], problems: list) -> dict[int, Person]:
    """Members already in the registry (any region, by blind index). One in a household is refused,
    naming the masked number and the township; one with no household (e.g. registered earlier as a
    supporter living apart) joins the new household instead of being created twice."""
    wanted = {m.ident.id_index: m for m in rows if m.ident is not None and m.ident.id_index}
    reuse: dict[int, Person] = {}
    if not wanted:
        return reuse
    found: dict[str, list[Person]] = {}
    for p in Person.unscoped.filter(id_index__in=list(wanted)).select_related("household"):
        found.setdefault(p.id_index or "", []).append(p)
    for idx, persons in found.items():
        m = wanted[idx]
        masked = m.ident.id_masked if m.ident else ""
        housed = [p for p in persons if p.household_id is not None]
        if housed:
            hh = housed[0].household
            assert hh is not None
            problems.append(
                (
                    (*m.loc, "id_number"),
                    f"{m.label}：身份证号 {masked} 已登记在{_township_name(hh.region_code)}的"
                    f"家庭（户编号 {hh.household_key}）中，不能重复登记；如已迁入，请先办理成员变更",
                )
            )
        elif persons[0].name != m.name:
            problems.append(
                ((*m.loc, "name"), f"{m.label}：身份证号 {masked} 已登记为另一姓名的人员，请核对")
            )
        else:
            reuse[m.index] = persons[0]
    return reuse


def _next_key(model, field: str, prefix: str) -> str:
    """``prefix`` + the next five-digit sequence among the keys that start with it."""
    last = model.unscoped.filter(**{f"{field}__startswith": prefix}).aggregate(m=Max(field))["m"]
    seq = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{seq:05d}"


def _create_with_key(make, model, field: str, prefix: str, attempts: int = 5):
    """Run ``make(key)`` with the next free key; a concurrent window taking the same key retries."""
    for _ in range(attempts):
        key = _next_key(model, field, prefix)
        try:
            with transaction.atomic():
                return make(key)
        except IntegrityError:
            continue
    raise RegistryError("编号生成冲突，请稍后重试")


def _check_on(on: Any, problems: list) -> dt.date | None:
    try:
        day = _date(on) or timezone.localdate()
    except ValueError:
        problems.append((("on",), "登记日期格式应为 YYYY-MM-DD 且为有效日期"))
        return None
    if day > timezone.localdate():
        problems.append((("on",), "登记日期不能晚于今天"))
        return None
    return day


@transaction.atomic
def register_household(
    *,
    actor,
    region_code: str,
    area_type: str,
    address: str = "",
    members: list[dict],
    on: dt.date | str | None = None,
    source: str = Source.CASEWORKER,
    household_key: str = "",
    source_ref: str = "",
) -> Household:
    """Register a household at the window: the household (key ``W<region>-<sequence>`` unless given),
    its members with their identity numbers encrypted and indexed, and its address as a sensitive
    dated fact from ``on``. Raises ``HouseholdInputError`` listing every problem, nothing written."""
    problems: list[tuple[Loc, str]] = []
    region = _check_region(region_code, actor, problems)
    area_raw = _text(area_type)
    area = AREAS.get(area_raw) or AREAS.get(area_raw.lower())
    if not area:
        problems.append((("area_type",), "城乡类别应为城市或农村"))
    address, bad = clean_name(_text(address))
    if bad:
        problems.append((("address",), "住址含有不允许的控制字符"))
    elif len(address) > ADDRESS_MAX:
        problems.append((("address",), f"住址不能超过{ADDRESS_MAX}个字"))
    day = _check_on(on, problems)
    household_key = _text(household_key)
    if len(household_key) > KEY_MAX:
        problems.append((("household_key",), f"户编号不能超过{KEY_MAX}个字符"))
    elif household_key and Household.unscoped.filter(household_key=household_key).exists():
        problems.append((("household_key",), f"户编号 {household_key} 已存在"))
    if source not in Source.values:
        problems.append((("source",), f"未知的来源：{source}"))
    rows = _check_members(members, problems, region, area)
    reuse = _existing_persons(rows, problems)
    if rows:
        taken = set(
            Person.unscoped.filter(person_key__in=[m.person_key for m in rows if m.person_key]).values_list(
                "person_key", flat=True
            )
        )
        for m in rows:
            if m.person_key in taken:
                m._bad("person_key", f"人员编号 {m.person_key} 已存在")
    if problems:
        raise HouseholdInputError(problems)
    assert region and area and day

    def make(key: str) -> Household:
        return create_household(
            actor=actor, household_key=key, region_code=region, area_type=area, since=day, source=source
        )

    if household_key:
        hh = make(household_key)
    else:
        hh = _create_with_key(make, Household, "household_key", f"W{region}-")
    # the head first, then the rows as entered
    for m in sorted(rows, key=lambda r: (r.relation != Relation.HEAD, r.index)):
        person = reuse.get(m.index)
        if person is None:
            person = add_person_to_household(
                actor=actor,
                household=hh,
                person_key=m.person_key or f"{hh.household_key}-{m.index + 1:02d}",
                name=m.name,
                id_number=m.raw_id or None,  # as recorded: a 15-digit number is stored as upgraded
                relation=m.relation,
                since=day,
                source=source,
                birth_date=m.birth_date,
                sex=m.sex,
            )
        else:
            _join(actor, person, hh, m.relation, day, source)
        if m.phone:
            record_person_fact(
                actor=actor, person=person, kind=PersonFactKind.CONTACT, value={"phone": m.phone},
                valid_from=day, source=source, source_ref=source_ref,
            )  # fmt: skip
    if address:
        record_household_fact(
            actor=actor, household=hh, kind=HouseholdFactKind.ADDRESS, value={"address": address},
            valid_from=day, source=source, source_ref=source_ref,
        )  # fmt: skip
    return hh


HOUSEHOLD_FIELDS = ("region_code", "area_type", "address", "members", "on", "household_key")


def register_household_from(
    *, actor, data: Mapping, on: dt.date | str | None = None, source=Source.CASEWORKER
):
    """``register_household`` from a request body's household object (the applications contract's
    ``{"household": {...}}``): the known keys are read, others ignored; ``on`` overrides the body's.
    Problems carry paths relative to that object (``members[1].id_number``)."""
    if not isinstance(data, Mapping):
        raise HouseholdInputError([((), "家庭信息应为对象")])
    fields = {k: data[k] for k in HOUSEHOLD_FIELDS if k in data}
    missing = [k for k in ("region_code", "area_type", "members") if k not in fields]
    if missing:
        raise HouseholdInputError([((k,), "缺少必填项") for k in missing])
    if on is not None:
        fields["on"] = on
    return register_household(actor=actor, source=source, **fields)


def _join(actor, person: Person, hh: Household, relation: str, day: dt.date, source: str) -> None:
    """A registered person without a household (a supporter living apart) becomes a member."""
    Person.unscoped.filter(pk=person.pk).update(household=hh, relation=relation, region_code=hh.region_code)
    person.household, person.relation, person.region_code = hh, relation, hh.region_code
    Membership.unscoped.create(
        household=hh, person=person, relation=relation, valid_from=day, region_code=hh.region_code,
        source=source,
    )  # fmt: skip
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_PERSON_ADD,
        region_code=hh.region_code,
        subject_type="person",
        subject_id=person.pk,
        after={"person_key": person.person_key, "household": hh.household_key, "relation": relation,
               "id_status": person.id_status, "joined": True},
    )  # fmt: skip


# ------------------------------------------------------------------------------------- supporters


def _supporter_problems(name: str, bad_name, check, relation: str, rel_raw: str, incap_raw: str, incapacity,
                        phone: str, address: str) -> list[tuple[Loc, str]]:  # fmt: skip
    problems: list[tuple[Loc, str]] = []
    if bad_name:
        problems.append((("name",), bad_name))
    elif not name:
        problems.append((("name",), "义务人姓名不能为空"))
    if not check.valid:
        problems.append((("id_number",), f"义务人{check.problem_zh or '身份证号无效'}"))
    if not rel_raw:
        problems.append((("relation",), "请选择义务人与被赡养（抚养、扶养）人的关系"))
    elif relation not in SUPPORTER_RELATIONS:
        problems.append((("relation",), "义务人关系应为配偶、父母、子女、祖父母、孙子女或兄弟姐妹"))
    if incap_raw and incapacity is None:
        problems.append((("incapacity",), f"无履行能力情形“{incap_raw[:12]}”无效"))
    if phone and not PHONE.match(phone):
        problems.append((("phone",), "联系电话格式不正确"))
    if len(address) > ADDRESS_MAX:
        problems.append((("address",), f"住址不能超过{ADDRESS_MAX}个字"))
    return problems


@transaction.atomic
def register_supporter(
    *,
    actor,
    person: Person,
    name: str,
    id_number: str,
    relation: str,
    address: str = "",
    phone: str = "",
    on: dt.date | str | None = None,
    incapacity: str = "",
    source: str = Source.CASEWORKER,
) -> LegalSupporter:
    """Record a legal supporter of ``person`` (R-H3) from ``on``. ``relation`` is what the supporter is
    to the person. The supporter is found by identity number (blind index, any region) or created as a
    person without a household in the person's region, with address and phone as a sensitive dated
    fact. Raises ``HouseholdInputError`` (paths ``name``, ``id_number``, …) on bad input."""
    name, bad_name = clean_name(_text(name))
    check = idnumber.validate(_text(id_number), today=timezone.localdate())
    rel_raw = _text(relation)
    rel = RELATIONS.get(rel_raw) or RELATIONS.get(rel_raw.lower(), "")
    incap_raw = _text(incapacity)
    incap = INCAPACITIES.get(incap_raw) if incap_raw else ""
    phone, address = _text(phone), clean_name(_text(address))[0]
    problems = _supporter_problems(name, bad_name, check, rel, rel_raw, incap_raw, incap, phone, address)
    day = _check_on(on, problems)
    if problems:
        raise HouseholdInputError(problems)
    assert day is not None and incap is not None
    ident = encode_identity(check.normalized)
    supporter = Person.unscoped.filter(id_index=ident.id_index).order_by("household_id", "pk").first()
    if supporter is not None and supporter.name != name:
        raise HouseholdInputError(
            [(("id_number",), f"身份证号 {ident.id_masked} 已登记为另一姓名的人员，请核对姓名或身份证号")]
        )
    if supporter is not None and supporter.pk == person.pk:
        raise HouseholdInputError([(("id_number",), "义务人不能是本人")])
    if (
        supporter is not None
        and LegalSupporter.unscoped.filter(
            person=person, supporter=supporter, valid_to__isnull=True, incapacity=incap
        ).exists()
    ):
        raise HouseholdInputError([(("id_number",), f"{name}已登记为该成员的义务人")])
    if supporter is None:

        def make(key: str) -> Person:
            return _new_supporter(actor, key, name, ident, person.region_code)

        supporter = _create_with_key(make, Person, "person_key", f"WS{person.region_code}-")
        if address or phone:
            value = {k: v for k, v in (("address", address), ("phone", phone)) if v}
            record_person_fact(
                actor=actor, person=supporter, kind=PersonFactKind.CONTACT, value=value, valid_from=day,
                source=source,
            )  # fmt: skip
    return record_legal_supporter(
        actor=actor, person=person, supporter=supporter, relation=rel, valid_from=day, source=source,
        incapacity=incap,
    )  # fmt: skip


def _new_supporter(actor, key: str, name: str, ident, region_code: str) -> Person:
    """A person known only as someone's legal supporter: no household, recorded in the region of the
    person supported (the township that registered them)."""
    person = Person.unscoped.create(
        person_key=key, name=name, birth_date=ident.birth_date, sex=ident.sex, household=None,
        relation="", region_code=region_code, **ident.columns(),
    )  # fmt: skip
    record_audit(
        actor=actor,
        action=AuditAction.REGISTRY_PERSON_ADD,
        region_code=region_code,
        subject_type="person",
        subject_id=person.pk,
        after={"person_key": key, "household": None, "id_status": ident.id_status, "supporter": True},
    )
    return person


@transaction.atomic
def end_supporter(*, actor, link: LegalSupporter, on: dt.date | str | None = None) -> int:
    """End a supporter record on ``on`` (the day it no longer holds: death, the duty ends)."""
    problems: list[tuple[Loc, str]] = []
    day = _check_on(on, problems)
    if day is not None and link.valid_to is None and day <= link.valid_from:
        problems.append((("on",), f"终止日期应晚于起始日期 {link.valid_from:%Y-%m-%d}"))
    if link.valid_to is not None:
        problems.append((("on",), "该义务人记录已终止"))
    if problems:
        raise HouseholdInputError(problems)
    assert day is not None
    return end_legal_supporter(actor=actor, person=link.person, supporter=link.supporter, on=day)


def member_problems(problems: Iterable[tuple[Loc, str]]) -> dict[int, list[tuple[str, str]]]:
    """Problems of member rows by row index: {index: [(field, message)]} (for a formset)."""
    out: dict[int, list[tuple[str, str]]] = {}
    for loc, message in problems:
        if len(loc) == 3 and loc[0] == "members" and isinstance(loc[1], int):
            out.setdefault(loc[1], []).append((str(loc[2]), message))
    return out
