"""Fixtures of the warning-loop tests: staff of 延吉市 (two townships) and 南关区, a department user,
and a helper raising a warning on one of the shared households (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import workdays
from doudi.core.scoping import all_regions
from tests.conftest import NANGUAN, NANGUAN_T1, YANJI, YANJI_T1, YANJI_T2

RAISED_ON = dt.date(2025, 6, 2)  # a Monday, no holiday nearby


@pytest.fixture(autouse=True)
def _fresh_workday_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def staff(make_user):
    """Users by short name."""
    return {
        "county": make_user("county_officer", YANJI, username="county"),
        "city": make_user("city_officer", "222400000000", username="city"),
        "t1": make_user("township_caseworker", YANJI_T1, username="t1"),
        "t2": make_user("township_caseworker", YANJI_T2, username="t2"),
        "grid1": make_user("grid_worker", YANJI_T1, username="grid1"),
        "grid1b": make_user("grid_worker", YANJI_T1, username="grid1b"),
        "grid2": make_user("grid_worker", YANJI_T2, username="grid2"),
        "ng_county": make_user("county_officer", NANGUAN, username="ngcounty"),
        "ng_t1": make_user("township_caseworker", NANGUAN_T1, username="ngt1"),
        "medical": make_user("department_user", YANJI, department="medical_insurance", username="medical"),
        "education": make_user("department_user", YANJI, department="education", username="education"),
        "admin": make_user("administrator", "220000000000", username="admin"),
        "auditor": make_user("auditor", YANJI, username="auditor"),
    }


@pytest.fixture
def raise_on(households, staff):
    """``raise_on("H-YJ1", indicator="W-ILL", level="orange", evidence=[...])`` → EarlyWarning."""
    from doudi.monitoring.loop import warning_actions

    def make(
        key: str = "H-YJ1",
        *,
        indicator: str = "W-ILL",
        level: str = "orange",
        raised_on: dt.date = RAISED_ON,
        evidence=None,
    ):
        evidence = (
            evidence
            if evidence is not None
            else [{"source": "医保", "batch_id": 1, "record_id": f"{key}-r1", "detail": "自付医疗费用高"}]
        )
        with all_regions():
            return warning_actions.raise_warning(
                actor="scan",
                household=households[key],
                indicator=indicator,
                level=level,
                raised_on=raised_on,
                evidence=evidence,
            )

    return make


@pytest.fixture
def loop(staff):
    """Move a warning along the loop as the right people: ``loop.to("verified", w)``."""
    from doudi.core.scoping import using_scope
    from doudi.monitoring.loop import disposition_actions, visit_actions, warning_actions

    class Loop:
        def dispatch(self, w, township=YANJI_T1):
            with using_scope(staff["county"].region_id):
                return warning_actions.dispatch(actor=staff["county"], warning=w, township_code=township)

        def assign(self, w, worker="grid1"):
            with using_scope(staff["t1"].region_id):
                return warning_actions.assign(actor=staff["t1"], warning=w, user=staff[worker])

        def visit(self, w, **kw):
            args = {
                "visited_on": w.raised_on,
                "visitors": ["张网格", "李协理"],
                "findings": "家中老人住院，开支大",
                "hardship_found": True,
            }
            args.update(kw)
            with using_scope(staff["grid1"].region_id):
                return visit_actions.record_visit(actor=staff["grid1"], warning=w, **args)

        def dispose(self, w, kind="no_hardship", detail=None, actor="t1"):
            with using_scope(staff[actor].region_id):
                return disposition_actions.dispose(
                    actor=staff[actor], warning=w, kind=kind, detail=detail or {}, note=""
                )

        def to(self, status, w):
            steps = ["dispatched", "assigned", "verified", "disposed"]
            for step in steps[: steps.index(status) + 1]:
                {
                    "dispatched": self.dispatch,
                    "assigned": self.assign,
                    "verified": self.visit,
                    "disposed": self.dispose,
                }[step](w)
                w.refresh_from_db()
            return w

    return Loop()
