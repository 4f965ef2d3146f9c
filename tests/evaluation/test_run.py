"""A run: the figures of every county and city, scores from the year's weights, ranks among peers, identical
when run again over the same data, one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.core.scoping import all_regions
from doudi.evaluation import indicators
from tests.conftest import CHANGCHUN, NANGUAN, PROVINCE, YANBIAN, YANJI
from tests.evaluation.conftest import DEADLINES, ON, YEAR, on_time, run

pytestmark = pytest.mark.django_db


def _rows(r):
    from doudi.evaluation.models import Row

    with all_regions():
        return {x.region_code: x for x in Row.unscoped.filter(run=r)}


def test_county_rows_hold_the_counts_the_score_and_the_ranks(world):
    r = run()
    rows = _rows(r)
    yj, ng = rows[YANJI], rows[NANGUAN]
    assert yj.figures["warning_on_time"] == {"num": 2, "den": 4, "share": "0.5000"}
    assert yj.figures["payment_on_time"] == {"num": 2, "den": 4, "share": "0.5000"}
    assert yj.figures["spotcheck_problem"] == {"num": 2, "den": 4, "share": "0.5000"}
    assert yj.figures["spotcheck_corrected"] == {"num": 1, "den": 2, "share": "0.5000"}
    assert ng.figures["complaint_on_time"] == {"num": 0, "den": 0, "share": None}
    w = {i.key: i.default_weight for i in indicators.INDICATORS}
    assert yj.score == indicators.score(yj.counts(), w) == Decimal("52.50")
    assert ng.score == Decimal("100.00")  # every applying indicator fully on time
    assert (ng.rank, yj.rank) == (1, 2) and yj.peers == ng.peers == 2
    assert (yj.rank_in_city, yj.city_peers, yj.parent_code) == (1, 1, YANBIAN)
    # counties without any record: a row, no score, no rank
    empty = next(x for code, x in rows.items() if code not in (YANJI, NANGUAN))
    assert empty.score is None and empty.rank is None and empty.peers == 2
    assert r.regions == len(rows) > 50 and r.state == "current" and r.period_to == dt.date(2025, 12, 31)


def test_city_rows_sum_their_counties(world):
    rows = _rows(run("city"))
    expected = on_time(DEADLINES)
    assert rows[YANBIAN].figures["application_on_time"]["num"] == expected["222401"][0]
    assert rows[YANBIAN].figures["application_on_time"]["den"] == expected["222401"][1]
    assert rows[CHANGCHUN].figures["warning_on_time"] == {"num": 1, "den": 1, "share": "1.0000"}
    assert (rows[CHANGCHUN].rank, rows[YANBIAN].rank) == (1, 2) and rows[YANBIAN].rank_in_city is None


def test_ties_share_a_rank(households):
    from tests.conftest import NANGUAN_T1, YANJI_T1
    from tests.evaluation.conftest import make_warnings

    with all_regions():
        make_warnings([(YANJI_T1, dt.date(2025, 5, 1), dt.date(2025, 5, 1)),
                       (NANGUAN_T1, dt.date(2025, 6, 1), dt.date(2025, 5, 20))])  # fmt: skip
    rows = _rows(run())
    assert rows[YANJI].score == rows[NANGUAN].score == Decimal("100.00")
    assert rows[YANJI].rank == rows[NANGUAN].rank == 1 and rows[YANJI].peers == 2


def test_weights_from_the_parameters_in_force_on_1_january(world):
    from doudi.policy import params_store
    from doudi.policy.models import ParameterValue

    before = _rows(run())[YANJI].score
    with all_regions():
        # a change before the year, and the baseline's row with a change during the year
        for key, value, since in (("warning_on_time", "0", dt.date(2024, 12, 1)),
                                  ("spotcheck_problem", "0.10", dt.date(2024, 1, 1)),
                                  ("spotcheck_problem", "0", dt.date(2025, 6, 1))):  # fmt: skip
            ParameterValue.objects.create(
                key=f"evaluation.weight.{key}", region_code=PROVINCE, value=value, unit="ratio",
                effective_from=since, source="测试",
            )  # fmt: skip
    params_store.clear_cache()
    r = run()
    assert r.weights["warning_on_time"] == "0"
    assert Decimal(r.weights["spotcheck_problem"]) == Decimal(
        "0.1"
    )  # changed during the year: from next year's evaluation
    after = _rows(r)[YANJI].score
    w = {i.key: i.default_weight for i in indicators.INDICATORS} | {"warning_on_time": Decimal(0)}
    assert after == indicators.score(_rows(r)[YANJI].counts(), w) != before
    params_store.clear_cache()


def test_running_again_gives_identical_figures_and_supersedes(world):
    first, second = run(), run()
    a, b = _rows(first), _rows(second)
    assert first.fingerprint == second.fingerprint
    strip = lambda x: (x.figures, x.score, x.rank, x.peers, x.rank_in_city, x.city_peers)  # noqa: E731
    assert {k: strip(v) for k, v in a.items()} == {k: strip(v) for k, v in b.items()}
    first.refresh_from_db()
    assert (first.state, second.state) == ("superseded", "current")


def test_a_run_is_one_transaction(world, monkeypatch):
    from doudi.evaluation.models import Row, Run

    def boom(*a, **k):
        raise RuntimeError("disk full")

    first = run()
    monkeypatch.setattr(Row.unscoped, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        run()
    first.refresh_from_db()
    assert Run.objects.count() == 1 and first.state == "current"


def test_the_run_is_audited_and_bad_input_refused(world):
    from doudi.core.models import AuditEvent
    from doudi.evaluation.actions import EvaluationError

    r = run()
    ev = AuditEvent.unscoped.get(action="evaluation.run", subject_id=str(r.pk))
    assert ev.after["fingerprint"] == r.fingerprint and ev.after["year"] == YEAR
    with pytest.raises(EvaluationError):
        run(level="township")
    with pytest.raises(EvaluationError):
        run(year=ON.year + 1)


def test_only_the_province_officer_may_run(world, people):
    from doudi.evaluation.models import Run

    for who in ("county", "city", "auditor"):
        with pytest.raises(PermissionError):
            run(actor=people[who])
    assert not Run.objects.exists()
    assert run(actor=people["province"]).computed_by == people["province"]
