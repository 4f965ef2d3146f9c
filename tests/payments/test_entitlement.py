"""Entitlement-months (R-PAY2, R-PAY3, R-B1–R-B5): every line equals the assessment engine's on the
case's stored input with the parameters and ages of the month's first day — across a mid-year standard
change, for any month (hypothesis over dates); the first paid month is the month after confirmation,
``pay_until`` is the last; suspended months are held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.casework.models import Case
from doudi.payments import entitlement, totals
from doudi.payments.base import add_months
from tests.payments.engine import engine_lines, paid_lines

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_dibao_case_is_paid_the_engines_lines(dibao_case):
    table = entitlement.month_lines(D(2026, 12, 1), "222401000000")
    lines = paid_lines(table, dibao_case.pk)
    assert lines == engine_lines(dibao_case, D(2026, 12, 1))
    assert ("base", "R-B1", 0) in lines and (
        "topup",
        "R-B2",
        dibao_case.basis.members.order_by("person_id")[0].person_id,
    ) in lines
    assert (
        sum(lines.values()) == entitlement.case_amount(dibao_case, D(2026, 12, 1)) == dibao_case.monthly_total
    )
    row = next(r for r in table.to_pylist() if r["line"] == "base")
    assert (
        row["payee_key"] == f"h{dibao_case.household_id}" and row["members"] == 2 and row["status"] == "due"
    )


def test_a_tekun_case_is_paid_basic_living_and_care(tekun_case):
    month = D(2027, 1, 1)
    table = entitlement.month_lines(month)
    lines = paid_lines(table, tekun_case.pk)
    (person,) = {k[2] for k in lines}
    assert set(lines) == {("base", "R-B3", person), ("care", "R-B3", person)}
    assert lines == engine_lines(tekun_case, month)
    assert all(r["programme"] == "TEKUN" and r["payee_key"] == f"p{person}" for r in table.to_pylist())


def test_the_first_paid_month_is_the_month_after_confirmation_and_pay_until_the_last(dibao_case):
    assert entitlement.case_amount(dibao_case, D(2026, 11, 1)) == 0  # confirmed 2026-11-13
    assert entitlement.case_amount(dibao_case, D(2026, 12, 1)) > 0
    Case.unscoped.filter(pk=dibao_case.pk).update(state="terminated", pay_until=D(2027, 3, 1))
    assert entitlement.case_amount(dibao_case, D(2027, 3, 1)) > 0
    assert entitlement.case_amount(dibao_case, D(2027, 4, 1)) == 0
    Case.unscoped.filter(pk=dibao_case.pk).update(state="closed")
    assert entitlement.case_amount(dibao_case, D(2027, 2, 1)) == 0


def test_a_suspended_case_is_held_not_dropped(dibao_case):
    Case.unscoped.filter(pk=dibao_case.pk).update(state="suspended")
    table = entitlement.month_lines(D(2027, 1, 1))
    assert table.num_rows and set(table["status"].to_pylist()) == {"held"}
    assert set(table["status_reason"].to_pylist()) == {"暂停发放"}


def test_other_regions_are_left_out(dibao_case):
    assert entitlement.month_lines(D(2027, 1, 1), "220102000000").num_rows == 0
    assert entitlement.month_lines(D(2027, 1, 1), "222401001000").num_rows > 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    months_after=st.integers(min_value=0, max_value=40),
    change_after=st.integers(min_value=1, max_value=30),
    raise_by=st.integers(min_value=1, max_value=300),
)
def test_amounts_equal_the_engine_across_a_standard_change(
    confirmed, set_standard, months_after, change_after, raise_by
):
    """Any month from the first paid month on, before or after a standard raised from a later month's
    1st day: every line of both cases equals the engine's (and the spouse turns 70 in 2028-09)."""
    from doudi.policy import params_store

    start = D(2026, 12, 1)
    change = add_months(start, change_after)
    month = add_months(start, months_after)
    try:
        with transaction.atomic():  # each example's parameter change is rolled back
            set_standard(760 + raise_by, change)
            table = entitlement.month_lines(month)
            for case in confirmed.values():
                assert paid_lines(table, case.pk) == engine_lines(case, month)
            assert _totals(month) == _sums(table)
            s = params_store.provider("222401001000", "urban", month).dibao_standard
            assert s == (760 + raise_by if month >= change else 760)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        params_store.clear_cache()


class _Rollback(Exception):
    pass


def _totals(month: dt.date) -> dict[int, int]:
    cases = entitlement.payable_cases(month)
    table = totals.case_totals(cases, entitlement.members_of(cases["basis_id"]), month)
    return dict(zip(table["case_id"].to_pylist(), table["amount"].to_pylist(), strict=True))


def _sums(lines) -> dict[int, int]:
    out: dict[int, int] = {}
    for case_id, amount in zip(lines["case_id"].to_pylist(), lines["amount"].to_pylist(), strict=True):
        out[case_id] = out.get(case_id, 0) + amount
    return out


def test_case_totals_are_the_lines_summed_with_a_capped_grace_period(confirmed):
    """The arrears' per-case totals equal the lines a run writes, a capped grace period (R-X2) included:
    S × one person, so the DIBAO household of two is cut to one standard."""
    from doudi.casework.lifecycle_models import GracePeriod

    dibao = confirmed["DIBAO"]
    month = D(2027, 2, 1)
    uncapped = _totals(month)
    GracePeriod.unscoped.create(
        case=dibao, region_code=dibao.region_code, trigger="employment", start_month=D(2027, 1, 1),
        end_month=D(2027, 6, 1), original_tier="DIBAO", original_amount=dibao.monthly_total,
        amount_mode="capped", cap_persons=1,
    )  # fmt: skip
    table = entitlement.month_lines(month)
    assert _totals(month) == _sums(table)
    assert _totals(month)[dibao.pk] == 760 < uncapped[dibao.pk]
    assert _totals(month)[confirmed["TEKUN"].pk] == uncapped[confirmed["TEKUN"].pk]


def test_totals_of_several_months_equal_each_month_computed_alone(confirmed, set_standard):
    """The arrears' months reuse the month before when the parameters are the same: across a standard
    raised from 2028-08 and the spouse's 70th birthday on 2028-09-12 (the elderly top-up from 2028-10, the
    first month that begins with her 70), every month's totals equal that month computed on its own."""
    months = [add_months(D(2028, 5, 1), k) for k in range(7)]
    set_standard(800, D(2028, 8, 1))
    cases = entitlement.payable_cases(None)
    members = entitlement.members_of(cases["basis_id"])
    together = totals.case_totals_by_month(cases, members, months)
    alone = {m: totals.case_totals(cases, members, m) for m in months}
    for m in months:
        assert _as_dict(together[m]) == _as_dict(alone[m]), m
    dibao = confirmed["DIBAO"].pk
    assert _as_dict(alone[D(2028, 10, 1)])[dibao] > _as_dict(alone[D(2028, 9, 1)])[dibao]  # the top-up
    assert _as_dict(alone[D(2028, 8, 1)])[dibao] > _as_dict(alone[D(2028, 7, 1)])[dibao]  # the standard


def _as_dict(table) -> dict[int, int]:
    return dict(zip(table["case_id"].to_pylist(), table["amount"].to_pylist(), strict=True))
