"""Fixtures for the letters: an issuing caseworker, a confirmation context, PDF text extraction."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.conftest import YANJI_T1

ON = dt.date(2026, 12, 6)


def pdf_text(data: bytes) -> str:
    """The text of every page, lines joined (CJK lines wrap anywhere)."""
    from pypdf import PdfReader

    return "".join(
        (page.extract_text() or "").replace("\n", "") for page in PdfReader(io.BytesIO(bytes(data))).pages
    )


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(bytes(data))).pages)


def confirmation_context(**extra) -> dict:
    ctx = {
        "applicant_name": "金明哲",
        "application_no": "SQ2026-000042",
        "address": "延吉市进学街道某社区",
        "tier_label": "城市最低生活保障",
        "household_size": 2,
        "members": [
            {"name": "金明哲", "id_masked": "222401********1001", "relation": "本人"},
            {"name": "朴英子", "id_masked": "222401********1024", "relation": "配偶"},
        ],
        "monthly_total": "1,494.00",
        "calculation": [
            {"label": "保障标准 × 人数（747.00 × 2）", "amount": "1,494.00"},
            {"label": "减：家庭月收入", "amount": "0.00"},
        ],
        "start_month": "2027年1月",
        "review_class": "A类",
        "next_review": dt.date(2027, 12, 1),
    }
    ctx.update(extra)
    return ctx


@pytest.fixture
def caseworker(make_user):
    return make_user("township_caseworker", YANJI_T1)


@pytest.fixture
def issue(caseworker, households):
    """``issue(kind="confirmation", region=YANJI_T1, **kw)`` → an issued letter."""
    from doudi.letters.actions import issue_letter

    def make(kind: str = "confirmation", region: str = YANJI_T1, context: dict | None = None, **kw):
        kw.setdefault("on", ON)
        kw.setdefault("actor", caseworker)
        return issue_letter(
            kind=kind,
            region_code=region,
            household_id=households["H-YJ1"].pk if region == YANJI_T1 else None,
            ref=("casework.application", 42),
            context=context if context is not None else confirmation_context(),
            **kw,
        )

    return make
