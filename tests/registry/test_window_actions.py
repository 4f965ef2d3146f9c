"""Registration at the township window (DOMAIN R-H1–R-H3, CASEWORK R-W19): a new household with its
members, refused input with one Chinese message per problem naming its row, and legal supporters
living apart."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, using_scope
from doudi.registry import queries, window_actions
from doudi.registry.models import (
    HouseholdFact,
    IdStatus,
    LegalSupporter,
    Membership,
    Person,
    PersonFact,
)
from doudi.registry.window_actions import HouseholdInputError
from tests.conftest import NANGUAN_T1, YANJI, YANJI_T1

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 7, 1)
HEAD_ID = idnumber.make("222401", dt.date(1958, 4, 2), 210, male=True)
WIFE_ID = idnumber.make("222401", dt.date(1960, 9, 9), 211, male=False)
SON_ID = idnumber.make("222401", dt.date(1990, 1, 5), 212, male=True)


@pytest.fixture
def worker(make_user, households):
    return make_user("township_caseworker", YANJI_T1)


def members(**overrides):
    rows = [
        {"name": "崔永浩", "id_number": HEAD_ID, "relation": "head", "phone": "13900001111"},
        {"name": "韩顺姬", "id_number": WIFE_ID.lower(), "relation": "配偶"},
    ]
    for i, changes in overrides.items():
        rows[int(i[1:])].update(changes)
    return rows


def register(worker, rows=None, **kw):
    with using_scope(YANJI_T1):
        return window_actions.register_household(
            actor=worker,
            region_code=kw.pop("region_code", YANJI_T1),
            area_type=kw.pop("area_type", "urban"),
            address=kw.pop("address", "进学街道新兴小区3号楼2单元501"),
            members=members() if rows is None else rows,
            on=kw.pop("on", ON),
            **kw,
        )


def problems(exc) -> list[tuple[str, str]]:
    return [(window_actions.HouseholdInputError([p]).path, p[1]) for p in exc.value.problems]


def test_registers_household_members_address_and_audit(worker):
    before = AuditEvent.unscoped.order_by("-id").values_list("id", flat=True).first() or 0
    hh = register(worker)
    assert hh.household_key == f"W{YANJI_T1}-00001"
    assert hh.region_code == YANJI_T1 and hh.area_type == "urban"
    with all_regions():
        persons = {p.name: p for p in Person.unscoped.filter(household=hh)}
        head, wife = persons["崔永浩"], persons["韩顺姬"]
        assert head.relation == "head" and head.sex == "M" and head.birth_date == dt.date(1958, 4, 2)
        assert wife.sex == "F" and wife.id_status == IdStatus.VALID
        assert head.id_masked == idnumber.mask(HEAD_ID) and head.id_number() == HEAD_ID
        assert HEAD_ID.encode() not in bytes(head.id_enc)  # encrypted at rest
        assert Membership.unscoped.filter(household=hh, valid_from=ON).count() == 2
        address = HouseholdFact.unscoped.get(household=hh, kind="address")
        assert address.value is None and address.valid_from == ON
        assert address.data() == {"address": "进学街道新兴小区3号楼2单元501"}
        phone = PersonFact.unscoped.get(person=head, kind="contact")
        assert phone.value is None and phone.data() == {"phone": "13900001111"}
        new = AuditEvent.unscoped.filter(id__gt=before).order_by("id")
        actions = list(new.values_list("action", flat=True))
        assert all(HEAD_ID not in str(e.after) and "新兴小区" not in str(e.after) for e in new)
    assert actions == [
        "registry.household_create",
        "registry.person_add",
        "registry.person_fact",  # the head's phone, encrypted
        "registry.person_add",
        "registry.household_fact",  # the address, encrypted
    ]
    with using_scope(YANJI):  # found by the search
        assert list(queries.search_households(id_number=WIFE_ID)) == [hh]
        assert list(queries.search_households(name="崔永浩")) == [hh]
    assert register(worker, [{"name": "张三", "id_number": SON_ID, "relation": "户主"}]).household_key == (
        f"W{YANJI_T1}-00002"
    )


def test_fifteen_digit_number_is_upgraded(worker):
    id15 = SON_ID[:6] + SON_ID[8:17]
    hh = register(worker, [{"name": "张三", "id_number": id15, "relation": "head"}])
    with all_regions():
        p = Person.unscoped.get(household=hh)
    assert p.id_status == IdStatus.UPGRADED and p.id_number() == SON_ID


def test_id_already_in_another_household_is_refused_naming_masked_number_and_township(worker, households):
    jin = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)  # head of H-YJ1 (tests/conftest)
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, members(r1={"name": "金明哲", "id_number": jin}))
    ((path, message),) = problems(exc)
    assert path == "members[1].id_number"
    assert "第2位成员（金明哲）" in message and idnumber.mask(jin) in message and "进学街道" in message
    assert jin not in message and "H-YJ1" in message
    with all_regions():
        assert (
            Person.unscoped.filter(id_index=Person.unscoped.get(person_key="P-YJ1-1").id_index).count() == 1
        )


def test_two_heads_no_head_and_same_number_twice(worker):
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, members(r1={"relation": "head"}))
    assert problems(exc) == [("members[1].relation", "第1、2位成员都登记为户主，一户只能有一位户主")]
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, members(r0={"relation": "spouse"}))
    assert problems(exc) == [("members", "须登记一位户主（与户主关系为“户主”）")]
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, members(r1={"id_number": HEAD_ID}))
    assert problems(exc) == [("members[1].id_number", "第2位成员（韩顺姬）：身份证号与第1位成员相同")]


def test_every_problem_is_reported_naming_its_row(worker):
    bad_check = WIFE_ID[:17] + ("0" if WIFE_ID[17] != "0" else "1")
    rows = members(r1={"id_number": bad_check, "birth_date": "1960-13-01", "sex": "男"})
    rows.append({"name": "", "relation": "cousin"})
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, rows, area_type="suburb")
    found = problems(exc)
    assert ("area_type", "城乡类别应为城市或农村") in found
    assert ("members[1].id_number", "第2位成员（韩顺姬）：身份证号校验位错误") in found
    assert ("members[1].birth_date", "第2位成员（韩顺姬）：出生日期格式应为 YYYY-MM-DD 且为有效日期") in found
    assert ("members[2].name", "第3位成员：姓名不能为空") in found
    assert ("members[2].relation", "第3位成员：与户主关系“cousin”无效") in found
    assert "身份证号校验位错误" in str(exc.value)
    with all_regions():
        assert not Person.unscoped.filter(name="崔永浩").exists()  # nothing written


def test_recorded_birth_date_must_agree_with_the_number(worker):
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, members(r0={"birth_date": "1958-04-03"}))
    assert problems(exc) == [("members[0].birth_date", "第1位成员（崔永浩）：出生日期与身份证号不一致")]


def test_region_must_be_a_township_inside_the_actors_scope(worker):
    for region, message in (
        (NANGUAN_T1, "所选区划不在您的管辖范围内"),
        ("222401002000", "所选区划不在您的管辖范围内"),  # the neighbouring township of the same county
        (YANJI, "延吉市不是乡镇（街道）或村（社区），请选择到乡镇一级"),
        ("999999999", "区划代码无效（应为乡镇（街道）或村（社区）的9位或12位代码）"),
    ):
        with pytest.raises(HouseholdInputError) as exc:
            register(worker, region_code=region)
        assert problems(exc) == [("region_code", message)], region


def test_future_date_and_category_are_refused(worker):
    with pytest.raises(HouseholdInputError) as exc:
        register(worker, members(r0={"category": "DIBAO"}), on=dt.date.today() + dt.timedelta(days=1))
    assert ("on", "登记日期不能晚于今天") in problems(exc)
    assert any(p == "members[0].category" for p, _ in problems(exc))


def test_supporter_living_apart_is_created_once_and_linked(worker):
    hh = register(worker)
    father_id = idnumber.make("220102", dt.date(1932, 2, 2), 5, male=True)
    with all_regions():
        head = Person.unscoped.get(household=hh, relation="head")
        wife = Person.unscoped.get(household=hh, relation="spouse")
    with using_scope(YANJI_T1):
        link = window_actions.register_supporter(
            actor=worker, person=head, name="崔大成", id_number=father_id, relation="parent",
            address="长春市南关区某街1号", phone="0431-8888888", on=ON,
        )  # fmt: skip
        again = window_actions.register_supporter(
            actor=worker, person=wife, name="崔大成", id_number=father_id, relation="父母", on=ON
        )
    supporter = link.supporter
    assert again.supporter_id == supporter.pk  # found by the blind index, not created twice
    assert supporter.household_id is None and supporter.region_code == YANJI_T1
    assert supporter.id_masked == idnumber.mask(father_id) and supporter.birth_date == dt.date(1932, 2, 2)
    with all_regions():
        contact = PersonFact.unscoped.get(person=supporter, kind="contact")
        assert contact.value is None and contact.data()["address"] == "长春市南关区某街1号"
        assert AuditEvent.unscoped.filter(action="registry.legal_supporter", subject_id=str(head.pk)).exists()
    with using_scope(YANJI):
        assert [lk.supporter.name for lk in queries.household_supporters(hh, ON)] == ["崔大成", "崔大成"]
        assert len(queries.household_supporters(hh, ON)) == 2
    with using_scope(YANJI_T1), pytest.raises(HouseholdInputError) as exc:
        window_actions.register_supporter(
            actor=worker, person=head, name="崔大成", id_number=father_id, relation="parent", on=ON
        )
    assert "已登记为该成员的义务人" in str(exc.value)
    with using_scope(YANJI_T1), pytest.raises(HouseholdInputError) as exc:
        window_actions.register_supporter(
            actor=worker, person=head, name="别人", id_number=father_id, relation="parent", on=ON
        )
    assert "已登记为另一姓名的人员" in str(exc.value)
    with using_scope(YANJI_T1):
        window_actions.end_supporter(actor=worker, link=link, on=dt.date(2025, 8, 1))
    link.refresh_from_db()
    assert link.valid_to == dt.date(2025, 8, 1)
    with using_scope(YANJI):
        assert len(queries.household_supporters(hh, dt.date(2025, 8, 1))) == 1
    with using_scope(YANJI_T1), pytest.raises(HouseholdInputError) as exc:
        window_actions.end_supporter(actor=worker, link=link, on=dt.date(2025, 9, 1))
    assert str(exc.value) == "该义务人记录已终止"


def test_supporter_input_is_checked(worker):
    hh = register(worker)
    with all_regions():
        head = Person.unscoped.get(household=hh, relation="head")
    with using_scope(YANJI_T1), pytest.raises(HouseholdInputError) as exc:
        window_actions.register_supporter(
            actor=worker, person=head, name="", id_number="12345", relation="nephew", on=ON
        )
    assert [p[0] for p in exc.value.problems] == [("name",), ("id_number",), ("relation",)]
    with all_regions():
        assert not LegalSupporter.unscoped.exists()


def test_a_registered_supporter_without_household_joins_a_new_household(worker):
    hh = register(worker)
    with all_regions():
        head = Person.unscoped.get(household=hh, relation="head")
    with using_scope(YANJI_T1):
        link = window_actions.register_supporter(
            actor=worker, person=head, name="崔小龙", id_number=SON_ID, relation="child", on=ON
        )
        own = register(worker, [{"name": "崔小龙", "id_number": SON_ID, "relation": "head"}])
    with all_regions():
        son = Person.unscoped.get(pk=link.supporter_id)
        assert son.household_id == own.pk and son.relation == "head"
        assert Person.unscoped.filter(id_index=son.id_index).count() == 1


def test_the_applications_body_passes_through(worker):
    body = {
        "household": {"region_code": YANJI_T1, "area_type": "rural", "members": members(), "channel": "x"}
    }
    with using_scope(YANJI_T1):
        hh = window_actions.register_household_from(actor=worker, data=body["household"], on=ON)
        with pytest.raises(HouseholdInputError) as exc:
            window_actions.register_household_from(actor=worker, data={"members": []})
    assert hh.area_type == "rural"
    assert [p[0] for p in exc.value.problems] == [("region_code",), ("area_type",)]
