"""Complaints' test world: casework's family of 进学街道 (延吉市) and its staff, plus the city, an auditor and a
second township caseworker; ``file`` registers a ticket as a given user (or the public)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.casework.conftest import _fresh_caches, family, staff, walk  # noqa: F401  (fixtures)
from tests.conftest import YANBIAN, YANJI_T1

DAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def people(staff, make_user):  # noqa: F811
    return {
        **staff,
        "township2": make_user("township_caseworker", YANJI_T1),
        "city": make_user("city_officer", YANBIAN),
        "auditor": make_user("auditor", YANBIAN),
    }


def file(actor=None, **kw):
    from doudi.complaints import actions

    args = {
        "actor": actor,
        "ctype": "service",
        "channel": "hotline",
        "township": YANJI_T1,
        "summary": "窗口工作人员态度生硬",
        "content": "去街道办事处咨询低保政策，工作人员不耐烦",
        "reporter_name": "李桂芝",
        "reporter_phone": "13904331234",
        "on": DAY,
    }
    args.update(kw)
    with all_regions():
        return actions.file_complaint(**args)


def move(actor, c, event, **kw):
    from doudi.complaints import actions

    with all_regions():
        return actions.move(actor=actor, complaint=c, event=event, on=kw.pop("on", DAY), **kw)
