"""Anonymisation (R-P4, R-S4): the pure checker and redaction, and the approval that refuses a public story or
title still naming the family — property-tested with generated names, identity numbers and phone numbers: an
approved need's public fields never contain them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.charity import anonymise
from doudi.core import idnumber
from tests.conftest import YANJI_T1

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗金朴崔"
GIVEN = "明英华建国春花秀兰志强伟芳丽军敏静磊洋艳勇杰娟涛超霞平刚桂哲浩"
FILLER = "家中一名成员患病需要长期服药希望获得帮助生活困难冬季取暖住房修缮学习用品费用，。、"


def names():
    return st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2))


def id_numbers():
    return st.builds(
        lambda d, seq, male: idnumber.make("222401", d, seq, male=male),
        st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)), st.integers(1, 499), st.booleans(),
    )  # fmt: skip


def phones():
    return st.builds(lambda p, rest: p + rest, st.sampled_from(["138", "139", "150", "186", "199", "177"]),
                     st.text("0123456789", min_size=8, max_size=8))  # fmt: skip


def spaced(number: str) -> st.SearchStrategy[str]:
    """The number as typed: plain, full-width, or grouped with spaces or dashes."""
    full = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return st.sampled_from([number, full, " ".join(number[i : i + 4] for i in range(0, len(number), 4)),
                            "-".join(number[i : i + 3] for i in range(0, len(number), 3))])  # fmt: skip


@st.composite
def stories(draw):
    people = draw(st.lists(names(), min_size=1, max_size=3, unique=True))
    ident, phone = draw(id_numbers()), draw(phones())
    parts = [draw(st.text(FILLER, max_size=12)) for _ in range(5)]
    pieces = [parts[0], draw(st.sampled_from(people)), parts[1], "身份证", draw(spaced(ident)), parts[2], "电话",
              draw(spaced(phone)), parts[3], people[-1], parts[4]]  # fmt: skip
    return "".join(pieces), people, ident, phone


def digits(text: str) -> str:
    return "".join(ch for ch in anonymise.normalise(text) if ch.isdigit())


def test_each_kind_is_found_and_named():
    text = "金明哲家住进学街道，身份证222401195003011234，电话13800138000，卡号6222021234567890123，另1234567"
    found = anonymise.findings(text, names=["金明哲"], places=["进学街道"])
    assert {f.kind for f in found} == {"name", "place", "id_number", "phone", "bank_card", "digits"}
    msg = anonymise.error_message(found)
    assert "家庭成员姓名“金明哲”" in msg and "身份证号" in msg and "电话号码" in msg and "银行卡号" in msg
    assert "222401195003011234" not in msg  # numbers are named with their middle hidden


def test_short_forms_given_names_landlines_and_birth_dates():
    found = anonymise.findings("明哲住在进学，座机0433-2512345，生于1950年3月1日",
                               names=["金明哲"], places=["进学街道"], birth_dates=[dt.date(1950, 3, 1)])  # fmt: skip
    assert {f.kind for f in found} == {"name", "place", "phone", "birth_date"}


def test_neutral_text_and_a_due_date_pass():
    assert anonymise.findings("家中一名成员患慢性病，希望在2026-12-31前资助药费3000元。", names=["金明哲"],
                              places=["进学街道"]) == []  # fmt: skip


@given(stories())
@settings(max_examples=150)
def test_redaction_removes_every_identifier(sample):
    story, people, ident, phone = sample
    assert anonymise.findings(story, names=people)
    clean = anonymise.redact(story, names=people)
    assert anonymise.findings(clean, names=people) == []
    for name in people:
        assert name not in clean
    assert ident not in digits(clean) and phone not in digits(clean)


@pytest.mark.django_db
@given(sample=stories())
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_approval_refuses_identifying_stories_and_the_published_need_shows_none(sample, people):
    """A household whose members carry generated names, one of them the generated identity number; a story
    naming them with that number and a phone number: approval refuses it (naming what was found), the redacted
    suggestion is accepted, and no public field contains a name, the number or the phone."""
    import uuid

    from django.utils import timezone

    from doudi.charity import actions, queries
    from doudi.charity.actions import StoryRefused
    from doudi.core.scoping import all_regions
    from doudi.registry import actions as registry

    story, family, ident, phone = sample
    town = people["township"]
    with all_regions():
        key = uuid.uuid4().hex[:10]
        hh = registry.create_household(actor="test", household_key=f"H-{key}", region_code=YANJI_T1,
                                       area_type="urban", since=dt.date(2024, 1, 1))  # fmt: skip
        for i, name in enumerate(family):
            registry.add_person_to_household(actor="test", household=hh, person_key=f"P-{key}-{i}", name=name,
                                             id_number=ident if i == 0 else None,
                                             relation="head" if i == 0 else "other", since=dt.date(2024, 1, 1))  # fmt: skip
        need = actions.create_need(actor=town, household=hh, category="medical", title="慢性病长期用药费用",
                                   description="内部说明：需长期用药。", target="1000",
                                   due_on=timezone.localdate() + dt.timedelta(days=30),
                                   public_story="家中一名成员患慢性病需长期服药，希望资助药费。")  # fmt: skip
        actions.record_consent(actor=town, need=need, by=family[0], on=timezone.localdate(), method="paper")
        need = actions.submit(actor=town, need=need)
        with pytest.raises(StoryRefused) as refused:
            actions.approve(actor=town, need=need, public_story=story)
        assert "家庭成员姓名" in str(refused.value) and "身份证号" in str(refused.value)
        need = actions.approve(actor=town, need=need, public_story=refused.value.suggestion)
        assert need.state == "published"
        row = queries.public_row(need, {})
    assert set(row) == set(queries.PUBLIC_FIELDS)
    text = " ".join(str(v) for v in row.values())
    for name in family:
        assert name not in text
    assert ident not in digits(text) and phone not in digits(text)
    assert "进学" not in text


def test_redaction_keeps_the_chinese_punctuation_and_names_a_place_once():
    text = "崔明浩家住进学街道，电话１３９１２３４５６７８。"
    assert anonymise.redact(text, names=["崔明浩"], places=["进学街道"]) == "某某家住本地，电话[已隐去]。"
    found = anonymise.findings(text, names=["崔明浩"], places=["进学街道"])
    assert [(f.kind, f.text) for f in found] == [
        ("name", "崔明浩"),
        ("place", "进学街道"),
        ("phone", "13912345678"),
    ]
