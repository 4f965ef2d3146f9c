"""The evaluation's test world: records of every source table in 延吉市 (two townships) and 南关区, each on time,
late, not done or outside the year, made from plain specs so a test can recount them directly."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from doudi.core.scoping import all_regions
from tests.conftest import CHANGCHUN, NANGUAN, NANGUAN_T1, PROVINCE, YANBIAN, YANJI, YANJI_T1, YANJI_T2

YEAR = 2025
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
ON = dt.date(2026, 1, 20)  # the run's day: the year is over
TZ = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)

# (township, due, done or None): done on or before due is on time
DEADLINES = [
    (YANJI_T1, dt.date(2025, 3, 10), dt.date(2025, 3, 1)),
    (YANJI_T1, dt.date(2025, 3, 10), dt.date(2025, 3, 10)),
    (YANJI_T2, dt.date(2025, 6, 1), dt.date(2025, 6, 5)),  # late
    (YANJI_T2, dt.date(2025, 12, 31), None),  # never done
    (YANJI_T1, dt.date(2024, 12, 31), dt.date(2024, 12, 1)),  # last year: not counted
    (YANJI_T1, dt.date(2026, 1, 2), dt.date(2025, 12, 30)),  # next year: not counted
    (NANGUAN_T1, dt.date(2025, 5, 5), dt.date(2025, 5, 5)),
]


def on_time(spec, start=START, end=END) -> dict[str, tuple[int, int]]:
    """The direct count of a spec list: per county (numerator, denominator)."""
    out: dict[str, list[int]] = {}
    for town, due, done in spec:
        if not (start <= due <= end):
            continue
        c = out.setdefault(town[:6], [0, 0])
        c[1] += 1
        c[0] += int(done is not None and done <= due)
    return {k: (v[0], v[1]) for k, v in out.items()}


@pytest.fixture
def people(make_user):
    return {
        "county": make_user("county_officer", YANJI),
        "nanguan": make_user("county_officer", NANGUAN),
        "city": make_user("city_officer", YANBIAN),
        "changchun": make_user("city_officer", CHANGCHUN),
        "province": make_user("province_officer", PROVINCE),
        "auditor": make_user("auditor", PROVINCE),
        "township": make_user("township_caseworker", YANJI_T1),
    }


def _hh(households, town):
    return {YANJI_T1: households["H-YJ1"], YANJI_T2: households["H-YJ2"], NANGUAN_T1: households["H-NG1"]}[
        town
    ]


def make_deadlines(households, spec) -> None:
    from doudi.casework.models import Application, Deadline

    for town, due, done in spec:
        app = Application.unscoped.create(
            number=f"SQ-EV-{next(_n)}", household=_hh(households, town), applicant_name="申请人", channel="window",
            state="confirmed", received_on=due - dt.timedelta(days=40), region_code=town,
        )  # fmt: skip
        Deadline.unscoped.create(
            application=app, key="total", rule="R-W13", what="办结时限", start_on=due - dt.timedelta(days=40),
            days=30, due=due, done_on=done, region_code=town,
        )  # fmt: skip


def make_warnings(spec) -> None:
    from doudi.monitoring.models import EarlyWarning

    EarlyWarning.unscoped.bulk_create([
        EarlyWarning(region_code=town, indicator="W-ILL", level="yellow", status="verified" if done else "assigned",
                     is_open=True, dedupe_key=f"W-ILL:ev{next(_n)}", raised_on=due - dt.timedelta(days=10),
                     deadline=due, verified_on=done)
        for town, due, done in spec
    ])  # fmt: skip


def make_reviews(households, spec, cancelled: int = 0) -> None:
    from doudi.casework.models import Case, CaseReview

    cases = {}
    for town, _due, _done in spec + [(YANJI_T1, dt.date(2025, 4, 1), None)] * cancelled:
        hh = _hh(households, town)
        if hh.pk not in cases:
            cases[hh.pk] = Case.unscoped.create(household=hh, tier="DIBAO", since=dt.date(2024, 1, 1),
                                                region_code=town)  # fmt: skip
    rows = [
        CaseReview(case=cases[_hh(households, town).pk], kind="periodic", trigger="due", opened_on=due - dt.timedelta(days=20),
                   due=due, state="decided" if done else "open", decided_on=done, region_code=town)
        for town, due, done in spec
    ]  # fmt: skip
    rows += [
        CaseReview(case=cases[_hh(households, YANJI_T1).pk], kind="periodic", trigger="due", opened_on=dt.date(2025, 3, 1),
                   due=dt.date(2025, 4, 1), state="cancelled", region_code=YANJI_T1)
        for _ in range(cancelled)
    ]  # fmt: skip
    CaseReview.unscoped.bulk_create(rows)


def make_needs(households, spec, withdrawn: int = 0) -> None:
    """``done`` is the answer's local date; answered at 23:30 local (15:30 UTC), so the date must be local."""
    from doudi.monitoring.models import NeedPush

    def at(day):
        return None if day is None else dt.datetime.combine(day, dt.time(23, 30), tzinfo=TZ)

    rows = [
        NeedPush(household=_hh(households, town), department="medical_insurance", need="medical_premium_subsidy",
                 status="given" if done else "pushed", responded_at=at(done), due_on=due, region_code=town)
        for town, due, done in spec
    ]  # fmt: skip
    rows += [
        NeedPush(household=_hh(households, YANJI_T1), department="education", need="education_aid",
                 status="withdrawn", due_on=dt.date(2025, 4, 1), region_code=YANJI_T1)
        for _ in range(withdrawn)
    ]  # fmt: skip
    NeedPush.unscoped.bulk_create(rows)


def make_complaints(spec) -> None:
    from doudi.complaints.models import Complaint

    Complaint.unscoped.bulk_create([
        Complaint(number=f"TS-EV-{next(_n)}", channel="hotline", ctype="decision", state="closed" if done else "in_progress",
                  summary="对决定有异议", content="内容", received_on=due - dt.timedelta(days=30),
                  response_due=due - dt.timedelta(days=25), resolve_due=due, closed_on=done, region_code=town)
        for town, due, done in spec
    ])  # fmt: skip


def make_rosters(spec) -> None:
    """``spec``: (county or township code, month, day sent or None); the send-by day is the 10th (default)."""
    from doudi.payments.models import Roster

    seq = itertools.count(1)
    Roster.unscoped.bulk_create([
        Roster(region_code=code, programme="DIBAO", month=month, kind="regular", seq=next(seq),
               state="sent" if sent else "approved",
               sent_at=None if sent is None else dt.datetime.combine(sent, dt.time(23, 30), tzinfo=TZ))
        for code, month, sent in spec
    ])  # fmt: skip


def make_spotchecks(items, year: int = YEAR) -> None:
    """``items``: (township, state, result); one round of 延吉市 for the year."""
    from doudi.spotchecks.models import Item, Round

    rnd = Round.unscoped.create(
        region_code=YANJI, level="county", year=year, period_from=dt.date(year, 1, 1), period_to=dt.date(year, 12, 31),
        seed=1, drawn_by_label="test", drawn_on=dt.date(year, 11, 1),
    )  # fmt: skip
    Item.unscoped.bulk_create([
        Item(round=rnd, region_code=town, kind="case", subject_id=next(_n), subject_ref="档案", due=dt.date(year, 12, 1),
             state=state, result=result, category="documents" if result == "problem" else "")
        for town, state, result in items
    ])  # fmt: skip


SPOT_ITEMS = [
    (YANJI_T1, "no_correction", "ok"),
    (YANJI_T1, "corrected", "problem"),
    (YANJI_T2, "checked", "problem"),
    (YANJI_T2, "no_correction", "ok"),
    (YANJI_T2, "pending", ""),
]
ROSTERS = [
    (YANJI, dt.date(2025, 1, 1), dt.date(2025, 1, 8)),
    (YANJI, dt.date(2025, 2, 1), dt.date(2025, 2, 10)),
    (YANJI, dt.date(2025, 3, 1), dt.date(2025, 3, 11)),  # late
    (YANJI, dt.date(2025, 4, 1), None),  # never sent
    (YANJI, dt.date(2024, 12, 1), dt.date(2024, 12, 20)),  # last year
    (NANGUAN, dt.date(2025, 1, 1), dt.date(2024, 12, 30)),  # early: on time
]


@pytest.fixture
def world(households):
    """Every source with known figures (the expected counts are recounted in the tests from the specs)."""
    with all_regions():
        make_deadlines(households, DEADLINES)
        make_warnings(DEADLINES)
        make_reviews(households, DEADLINES, cancelled=2)
        make_needs(households, DEADLINES, withdrawn=2)
        make_complaints(DEADLINES[:3])
        make_rosters(ROSTERS)
        make_spotchecks(SPOT_ITEMS)
    return households


def run(level: str = "county", actor="test", year: int = YEAR, on: dt.date = ON):
    from doudi.evaluation import actions

    with all_regions():
        return actions.run_evaluation(year=year, level=level, actor=actor, on=on)
