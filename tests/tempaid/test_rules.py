"""The pure temporary-assistance rules (R-TA4–R-TA9), by property."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from doudi.policy.rules import temp_aid as r

money = st.integers(min_value=0, max_value=200_000)
standard = st.integers(min_value=300, max_value=1500)
multiple = st.decimals(min_value=1, max_value=20, places=1)


@given(amount=money, s=standard, t=multiple, extra=st.decimals(min_value=0, max_value=20, places=1))
def test_authority_is_monotone_and_matches_the_caps(amount, s, t, extra):
    c = t + extra
    need = r.required_authority(amount, s, t, c)
    assert (need == r.TOWNSHIP) == (amount <= t * s)
    assert (need == r.DELIBERATION) == (amount > c * s)
    # a larger amount never needs a lower authority
    assert r.AUTHORITY_RANK[r.required_authority(amount + 1, s, t, c)] >= r.AUTHORITY_RANK[need]


@given(amount=money, s=standard, t=multiple, extra=multiple, lvl=st.sampled_from(["township", "county", ""]),
       deliberated=st.booleans())  # fmt: skip
def test_nobody_approves_above_their_cap(amount, s, t, extra, lvl, deliberated):
    c = t + extra
    need = r.required_authority(amount, s, t, c)
    ok = r.may_approve(lvl, need, deliberated=deliberated)
    if ok and lvl == "township":
        assert amount <= t * s
    if ok and amount > c * s:
        assert lvl == "county" and deliberated
    if lvl == "":
        assert not ok


@given(kind=st.sampled_from(r.TYPES), degree=st.sampled_from(r.DEGREES), s=standard, spent=money, back=money)
def test_amount_from_the_table_and_expenditure_net_of_reimbursements(kind, degree, s, spent, back):
    amount = r.proposed_amount(kind, degree, s, {}, expenditure=spent, reimbursed=back)
    assert amount >= 0
    full = r.table_amount(kind, degree, s, {})
    assert full == r.yuan(r.DEFAULT_TABLE[(kind, degree)] * s)
    if kind == r.EXPENDITURE:
        assert amount == min(full, max(0, spent - back))
    else:
        assert amount == full


def test_a_fixed_amount_cell_and_degrees_rise():
    assert r.table_amount("emergency", 1, 700, {("emergency", 1): Decimal(1500)}) == 1500
    assert r.table_amount("emergency", 1, 700, {}) < r.table_amount("emergency", 3, 700, {})


@given(prev=money, amount=money, s=standard, m=st.decimals(min_value=0, max_value=30, places=1))
def test_annual_cap(prev, amount, s, m):
    ok = r.within_annual_cap(prev, amount, s, m)
    assert ok == (m == 0 or prev + amount <= m * s)


@given(
    cap=st.integers(0, 5000),
    urban=standard,
    months=st.decimals(min_value=0, max_value=3, places=1),
    declared=st.booleans(),
)
def test_pay_first_cap_public_emergency_is_months_of_urban_standard(cap, urban, months, declared):
    got = r.pay_first_cap(cap, emergency_declared=declared, urban_standard=urban, months=months)
    assert got == (max(cap, r.yuan(months * urban)) if declared else cap)


@given(balance=money, moves=st.lists(st.integers(1, 50_000), max_size=30))
def test_the_fund_never_goes_negative(balance, moves):
    for amount in moves:
        m = r.draw(balance, amount)
        assert m.balance_after >= 0
        if m.allowed:
            assert m.balance_after == balance - amount and m.shortfall == 0
        else:
            assert m.balance_after == balance and m.shortfall == amount - balance > 0
        balance = m.balance_after


@given(opening=money, moves=st.lists(st.integers(-10_000, 10_000), max_size=30))
def test_reconcile(opening, moves):
    credits, debits, closing = r.reconcile(opening, moves)
    assert closing == opening + sum(moves) and credits >= 0 and debits >= 0
