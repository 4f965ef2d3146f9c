"""Temporary assistance rules (临时救助, CASEWORK §6, R-TA4–R-TA9), pure: no Django, no database.

Money is whole yuan (int); multiples of the monthly dibao standard S are ``Decimal``. The caller resolves the
parameters (``temp_aid.*``) for the place and date of the event and passes them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

EMERGENCY, EXPENDITURE = "emergency", "expenditure"  # 急难型 / 支出型 (R-TA1)
TYPES = (EMERGENCY, EXPENDITURE)
DEGREES = (1, 2, 3)  # 档次: 1 一般, 2 较重, 3 严重
TOWNSHIP, COUNTY, DELIBERATION = "township", "county", "deliberation"
AUTHORITY_RANK = {TOWNSHIP: 1, COUNTY: 2, DELIBERATION: 3}

# R-TA8 default table (multiples of S by type and degree; V-local "2–6 × S"). Param keys
# ``temp_aid.amount.<type>.<degree>`` override each cell; a value ≥ 100 is read as a fixed amount in yuan.
DEFAULT_TABLE: dict[tuple[str, int], Decimal] = {
    (EMERGENCY, 1): Decimal(2),
    (EMERGENCY, 2): Decimal(4),
    (EMERGENCY, 3): Decimal(6),
    (EXPENDITURE, 1): Decimal(2),
    (EXPENDITURE, 2): Decimal(4),
    (EXPENDITURE, 3): Decimal(6),
}
FIXED_FROM = Decimal(100)  # a table value this large is yuan, not a multiple of S


class TempAidRuleError(ValueError):
    """Input the rules cannot use (unknown type or degree, negative money)."""


def yuan(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def table_amount(kind: str, degree: int, standard: int, table: dict[tuple[str, int], Decimal]) -> int:
    """The table's amount for a type and degree: a multiple of S, or a fixed amount (R-TA8)."""
    if kind not in TYPES or degree not in DEGREES:
        raise TempAidRuleError("救助类型或档次无效")
    if standard <= 0:
        raise TempAidRuleError("当地低保标准无效")
    cell = Decimal(table.get((kind, degree), DEFAULT_TABLE[(kind, degree)]))
    if cell >= FIXED_FROM:
        return yuan(cell)
    return yuan(cell * standard)


def counted_expenditure(expenditure: int, reimbursed: int) -> int:
    """支出型: the rigid expenditure counted, after reimbursements already received (R-TA8)."""
    if expenditure < 0 or reimbursed < 0:
        raise TempAidRuleError("支出金额和已报销金额不能为负数")
    return max(0, expenditure - reimbursed)


def proposed_amount(
    kind: str,
    degree: int,
    standard: int,
    table: dict[tuple[str, int], Decimal],
    *,
    expenditure: int = 0,
    reimbursed: int = 0,
) -> int:
    """The amount the table gives; for 支出型 never more than the expenditure counted."""
    amount = table_amount(kind, degree, standard, table)
    if kind == EXPENDITURE:
        amount = min(amount, counted_expenditure(expenditure, reimbursed))
    return amount


def required_authority(
    amount: int, standard: int, township_multiple: Decimal, county_multiple: Decimal
) -> str:
    """R-TA4: township ≤ township_multiple × S < county ≤ county_multiple × S < 一事一议 (R-TA7)."""
    if amount < 0:
        raise TempAidRuleError("金额不能为负数")
    if amount <= township_multiple * standard:
        return TOWNSHIP
    if amount <= county_multiple * standard:
        return COUNTY
    return DELIBERATION


def may_approve(actor_level: str, required: str, *, deliberated: bool) -> bool:
    """A township approves township amounts; a county approves county amounts, and anything a
    deliberation record (一事一议) has authorised. Nothing above the county cap without the record."""
    if required == DELIBERATION:
        return deliberated and actor_level == COUNTY
    return AUTHORITY_RANK.get(actor_level, 0) >= AUTHORITY_RANK[required]


def within_annual_cap(previous: int, amount: int, standard: int, annual_multiple: Decimal) -> bool:
    """R-TA4: the total per household (applicant) per 12 months; a multiple of 0 means no cap."""
    if annual_multiple <= 0:
        return True
    return previous + amount <= annual_multiple * standard


def pay_first_cap(
    small_first_cap: int, *, emergency_declared: bool, urban_standard: int, months: Decimal
) -> int:
    """R-TA5 / R-TA6: the most a township may pay first — the small-amount cap, or during a declared public
    emergency ``temp_aid.epidemic_months`` × the local urban standard (whichever is larger)."""
    cap = int(small_first_cap)
    if emergency_declared:
        cap = max(cap, yuan(months * urban_standard))
    return cap


@dataclass(frozen=True)
class FundMove:
    allowed: bool
    balance_after: int
    shortfall: int  # what a county top-up must bring (0 when allowed)


def draw(balance: int, amount: int) -> FundMove:
    """R-TA9: a payment from the contingency fund never takes it below zero; an over-draw asks the
    county for the shortfall instead."""
    if amount <= 0:
        raise TempAidRuleError("支出金额应大于0")
    if amount <= balance:
        return FundMove(True, balance - amount, 0)
    return FundMove(False, balance, amount - max(balance, 0))


def reconcile(opening: int, moves: list[int]) -> tuple[int, int, int]:
    """A month's reconciliation: (credits, debits, closing) from the opening balance and the ledger moves."""
    credits = sum(m for m in moves if m > 0)
    debits = -sum(m for m in moves if m < 0)
    return credits, debits, opening + credits - debits
