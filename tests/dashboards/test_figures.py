"""Every figure of the dashboards equals a direct count on the data (hypothesis over random small data in two
counties), for the province, each county and a township, over a random date range; children add up."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.core.scoping import all_regions, prefix_of, user_scope, using_scope
from doudi.dashboards import actions, queries
from tests.conftest import CHANGCHUN, NANGUAN, PROVINCE, YANBIAN, YANJI, YANJI_T1

from . import oracle, world

pytestmark = pytest.mark.django_db
TERMINAL = {"confirmed", "refused", "withdrawn", "lapsed", "not_accepted"}


def from_cells(rows: list[dict]) -> Counter:
    """The summed cells in the oracle's shape."""
    c: Counter = Counter()
    for r in rows:
        t, m = r["topic"], r["month"].strftime("%Y-%m")
        if t == "applications":
            s = r["d1"]
            c[t, m, s if s in ("confirmed", "refused") else ("other" if s in TERMINAL else "open")] += r["n"]
        elif t == "warnings":
            c[t, m, r["d1"]] += r["n"]
        elif t == "exits":
            c[t, r["d1"], r["d2"]] += r["n"]
        elif t == "dispositions":
            c[t, r["d1"], ""] += r["n"]
        elif t == "payments":
            c[t, m, r["d1"]] += r["amount"]
            c["payments_status", m, r["d2"]] += r["amount"]
        else:
            c[t, r["d1"], r["d2"]] += r["n"]
    return Counter({k: v for k, v in c.items() if v})


ranges = st.tuples(world.days, world.days).map(sorted)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=world.WORLD, span=ranges)
def test_every_figure_equals_a_direct_count(make_user, data, span):
    province = make_user("province_officer", PROVINCE)
    county = make_user("county_officer", YANJI)
    date_from, date_to = span
    with transaction.atomic():
        with all_regions():
            world.build(data, province)
            actions.refresh(today=world.TODAY)
        for user, code in ((province, PROVINCE), (province, YANBIAN), (province, CHANGCHUN), (province, YANJI),
                           (province, NANGUAN), (county, YANJI), (county, YANJI_T1)):  # fmt: skip
            with using_scope(user_scope(user)):
                ov = queries.overview(user, code, date_from, date_to)
                expected = oracle.counts(prefix_of(code), date_from, date_to, world.TODAY)
                assert from_cells(queries.region_rows(ov.region, ov.date_from, ov.date_to)) == expected, code
                assert ov.totals == oracle.indicators(expected), code
                # the topic tables: the people table's total and the payments' due total are the counts
                people = ov.topics["people"]
                assert (people.total[-1] if people.rows else 0) == ov.totals["people"]
                assert ov.topics["payments"].total[-3] == ov.totals["paid"]
                assert sum(r[-1] for r in ov.topics["applications"].rows) == ov.totals["applications"]
                for child in ov.children:
                    if child["code"]:
                        want = oracle.indicators(oracle.counts(prefix_of(child["code"]), date_from, date_to,
                                                               world.TODAY))  # fmt: skip
                        assert child["values"] == want, child["code"]
                if ov.children:
                    summed = {k: sum(c["values"][k] for c in ov.children) for k in ov.totals}
                    assert summed == ov.totals, code
        transaction.set_rollback(True)
