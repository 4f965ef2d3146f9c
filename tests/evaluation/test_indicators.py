"""The pure part: shares, normalisation, the weighted score and the competition ranking."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from doudi.evaluation import indicators as ev

W = {i.key: i.default_weight for i in ev.INDICATORS}


def test_every_indicator_has_a_weight_parameter_and_the_defaults_sum_to_one():
    from doudi.policy.rules.params import SPECS

    assert all(i.weight_key in SPECS for i in ev.INDICATORS)
    assert sum(W.values()) == Decimal(1)


def test_share_and_lower_is_better():
    assert ev.share(2, 3) == Decimal("0.6667") and ev.share(0, 0) is None
    problem = ev.BY_KEY["spotcheck_problem"]
    assert ev.normalised(problem, Decimal("0.25")) == Decimal("0.75")
    assert ev.normalised(ev.BY_KEY["warning_on_time"], Decimal("0.25")) == Decimal("0.25")
    assert ev.percent(Decimal("0.6667")) == "66.67%" and ev.percent(None) == "不适用"


def test_score_is_the_weighted_mean_of_the_indicators_that_apply():
    counts = {"application_on_time": (9, 10), "warning_on_time": (1, 2)}
    # (0.2·0.9 + 0.2·0.5) / 0.4 = 0.7; the six indicators without data do not count
    assert ev.score(counts, W) == Decimal("70.00")
    counts["spotcheck_problem"] = (1, 4)  # lower is better: 0.75 at weight 0.1
    assert ev.score(counts, W) == Decimal(100) * (
        Decimal("0.18") + Decimal("0.1") + Decimal("0.075")
    ) / Decimal("0.5")
    assert ev.score({}, W) is None
    assert ev.score(counts, {k: Decimal(0) for k in W}) is None


def test_weights_change_the_score():
    counts = {"application_on_time": (10, 10), "warning_on_time": (0, 10)}
    assert ev.score(counts, W) == Decimal("50.00")
    assert ev.score(counts, {**W, "application_on_time": Decimal("0.6")}) == Decimal("75.00")


def test_contributions_add_up_to_the_score():
    counts = {"application_on_time": (7, 9), "complaint_on_time": (3, 4), "spotcheck_problem": (1, 3)}
    applied = ev.applied_weight(counts, W)
    total = sum(ev.contribution(ev.BY_KEY[k], *counts[k], W, applied) for k in counts)
    assert abs(total - ev.score(counts, W)) <= Decimal("0.02")


def test_ties_share_a_rank_and_the_next_rank_skips():
    got = ev.ranks(
        [("b", Decimal("90")), ("a", Decimal("90")), ("c", Decimal("95")), ("d", None), ("e", Decimal(80))]
    )
    assert got == {"c": 1, "a": 2, "b": 2, "e": 4}


@given(st.lists(st.tuples(st.integers(0, 99), st.one_of(st.none(), st.decimals(0, 100, places=2))), max_size=30,
                unique_by=lambda t: t[0]))  # fmt: skip
def test_rank_is_one_plus_the_number_of_better_scores(pairs):
    scores = [(f"{c:02d}", s) for c, s in pairs]
    got = ev.ranks(scores)
    for code, s in scores:
        if s is None:
            assert code not in got
        else:
            assert got[code] == 1 + sum(1 for _, t in scores if t is not None and t > s)
