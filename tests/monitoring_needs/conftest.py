"""The casework test family (延吉市进学街道) with a school-age child, the baseline parameters, and a user of
each department concerned in 延吉市 and in 南关区 (another county)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core import idnumber
from doudi.core.scoping import all_regions
from tests.casework.conftest import Walk, _fresh_caches, make_family, staff  # noqa: F401 - fixtures
from tests.conftest import NANGUAN, YANJI

D = dt.date


def add_student(household, key: str = "H-APPLY-3", in_school: bool = True):
    from doudi.registry import actions

    born = D(2012, 3, 5)
    child = actions.add_person_to_household(
        actor="test",
        household=household,
        person_key=key,
        name="崔小明",
        id_number=idnumber.make("222401", born, 377, male=True),
        relation="grandchild",
        since=D(2024, 1, 1),
        birth_date=born,
        sex="M",
    )
    actions.record_person_fact(
        actor="test",
        person=child,
        kind="schooling",
        value={"in_school": in_school, "stage": "junior"},
        valid_from=D(2024, 9, 1),
        source="department",
    )
    return child


@pytest.fixture
def student_family(staff):  # noqa: F811 - the imported fixture
    with all_regions():
        hh, people = make_family()
        child = add_student(hh)
    return hh, people, child


@pytest.fixture
def walk(staff, student_family):  # noqa: F811 - the imported fixture
    hh, people, child = student_family
    return Walk(staff, hh, people)  # the minor signs no authorisation


@pytest.fixture
def depts(make_user, regions):
    return {
        "education": make_user("department_user", YANJI, department="education"),
        "medical": make_user("department_user", YANJI, department="medical_insurance"),
        "education_other": make_user("department_user", NANGUAN, department="education"),
        "housing": make_user("department_user", YANJI, department="housing"),
    }
