"""Issuing letters: the PDF shows the Chinese text and the figures passed in, masked identity numbers
only; full numbers are refused; numbers run per county and year; corrections leave the old letter."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from doudi.core import idnumber
from doudi.core.models import AuditEvent
from doudi.letters import actions, queries
from doudi.letters.kinds import KINDS, sample_context
from doudi.letters.models import Letter, LetterCounter
from doudi.letters.render import LetterError, check_renders, default_body
from tests.conftest import NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2
from tests.letters.conftest import ON, confirmation_context, pdf_text

FULL_ID = idnumber.make("222401", dt.date(1950, 3, 1), 100, male=True)


def test_confirmation_letter_pdf_shows_chinese_text_figures_and_masked_ids(issue):
    letter = issue()
    text = pdf_text(letter.pdf_bytes())
    assert "确认通知书" in text
    assert "1,494.00" in text
    assert "城市最低生活保障" in text
    assert "222401********1001" in text
    assert "2026年12月6日" in text
    assert "延吉市民政局" in text  # the confirming authority signs it
    assert "印章" in text
    assert letter.number in text
    assert FULL_ID not in text
    assert letter.sha256 == hashlib.sha256(letter.pdf_bytes()).hexdigest()
    # sealed at rest (R-S5): the stored column is not a readable PDF
    assert letter.pdf_bytes().startswith(b"%PDF") and not bytes(letter.pdf).startswith(b"%PDF")
    assert "确认通知书".encode() not in bytes(letter.pdf)
    assert letter.context["monthly_total"] == "1,494.00"
    assert letter.context["issued_on"] == "2026年12月6日"
    assert letter.template_version == 0
    assert (
        letter.region_code == YANJI_T1 and letter.ref_type == "casework.application" and letter.ref_id == 42
    )
    ev = AuditEvent.unscoped.get(action="letters.issue", subject_id=str(letter.pk))
    assert ev.after["number"] == letter.number and ev.after["sha256"] == letter.sha256


def test_refusal_letter_states_failed_conditions_and_remedies(issue):
    letter = issue(
        kind="refusal",
        context={
            "applicant_name": "金明哲",
            "application_no": "SQ2026-000042",
            "decided_on": ON,
            "failed_conditions": [
                {"rule": "R-D1", "text": "家庭月人均收入高于保障标准", "figures": "月人均收入 812.00 元"}
            ],
            "tiers_granted": ["低保边缘家庭"],
        },
    )
    text = pdf_text(letter.pdf_bytes())
    assert "不予确认告知书" in text
    assert "812.00" in text
    assert "60日内" in text and "6个月内" in text and "行政复议" in text and "行政诉讼" in text
    assert "低保边缘家庭" in text
    assert letter.context["remedy_review_days"] == 60


@pytest.mark.parametrize(
    "context",
    [
        {"members": [{"name": "金明哲", "id_masked": FULL_ID, "relation": "本人"}]},
        {"note": f"身份证{FULL_ID}"},
        {"old": "220102600115100"},  # a 15-digit number
        {"nested": {"deep": [{"x": FULL_ID[:17] + "X"}]}},
    ],
)
def test_a_context_with_a_full_identity_number_is_refused(issue, context):
    with pytest.raises(LetterError, match="完整的身份证号码"):
        issue(context=confirmation_context(**context))
    assert not Letter.unscoped.exists()
    assert not LetterCounter.objects.filter(last__gt=0).exists()


def test_missing_required_variables_are_named_in_chinese(issue):
    ctx = confirmation_context()
    del ctx["monthly_total"]
    with pytest.raises(LetterError, match="确认通知书缺少必要内容：monthly_total"):
        issue(context=ctx)


def test_a_region_above_county_is_refused(issue):
    with pytest.raises(LetterError, match="县（市、区）或乡镇"):
        issue(region="222400000000")


def test_numbers_run_per_county_and_year_and_are_unique(issue, monkeypatch):
    monkeypatch.setattr(actions, "render_pdf", lambda html: b"%PDF-1.7 test")  # numbering only
    a = issue(region=YANJI_T1)
    b = issue(region=YANJI_T2)
    c = issue(region=YANJI)
    other = issue(region=NANGUAN_T1)
    next_year = issue(region=YANJI_T1, on=dt.date(2027, 1, 4))
    assert [a.number, b.number, c.number] == [
        "吉延吉救〔2026〕第000001号",
        "吉延吉救〔2026〕第000002号",
        "吉延吉救〔2026〕第000003号",
    ]
    assert other.number == "吉南关救〔2026〕第000001号"
    assert next_year.number == "吉延吉救〔2027〕第000001号"
    numbers = list(Letter.unscoped.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 5
    assert LetterCounter.objects.get(county_code="222401", year=2026).last == 3


def test_a_correction_is_a_new_letter_and_the_old_one_is_unchanged(issue):
    old = issue()
    old_bytes, old_sha = old.pdf_bytes(), old.sha256
    new = issue(context=confirmation_context(monthly_total="1,520.00"), corrects=old)
    assert new.pk != old.pk and new.corrects_id == old.pk and new.number != old.number
    old.refresh_from_db()
    assert old.pdf_bytes() == old_bytes and old.sha256 == old_sha
    text = pdf_text(new.pdf_bytes())
    assert "1,520.00" in text and old.number in text and "更正" in text
    assert "1,520.00" not in pdf_text(old.pdf_bytes())


def test_a_correction_must_be_of_the_same_kind(issue, monkeypatch):
    monkeypatch.setattr(actions, "render_pdf", lambda html: b"%PDF-1.7 test")
    old = issue()
    with pytest.raises(LetterError, match="种类相同"):
        issue(kind="receipt", context={**sample_context("receipt")}, corrects=old)


def test_every_default_template_renders_with_its_documented_variables(db):
    for kind in KINDS:
        check_renders(kind, default_body(kind))  # raises on any error


def test_ref_and_household_queries(issue, households, monkeypatch):
    from doudi.core.scoping import using_scope

    monkeypatch.setattr(actions, "render_pdf", lambda html: b"%PDF-1.7 test")
    a = issue()
    b = issue(region=YANJI_T2)
    with using_scope(YANJI_T1):
        assert [x.pk for x in queries.letters_for_ref("casework.application", 42)] == [a.pk]
        assert [x.pk for x in queries.letters_for_household(households["H-YJ1"].pk)] == [a.pk]
        assert [x.pk for x in queries.undelivered_of_township(YANJI_T1)] == [a.pk]
    with using_scope(YANJI):
        assert {x.pk for x in queries.letters_for_ref("casework.application", 42)} == {a.pk, b.pk}
