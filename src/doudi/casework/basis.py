"""A case's amount basis (R-PAY3): ``record_basis(decision)`` (idempotent per decision) and
``apply_basis(case, basis)``; the writes live in ``basis_actions``. ``SINGLE_CODES`` maps the stored
``AmountBasisMember.single`` (0 none, 1 R-D4, 2 R-D5) to the engine's codes."""

from __future__ import annotations

from doudi.casework.basis_actions import apply_basis, record_basis
from doudi.policy.rules import codes

SINGLE_CODES = {0: codes.SINGLE_NONE, 1: codes.SINGLE_R_D4, 2: codes.SINGLE_R_D5}
CARE_CODES = {
    "": codes.CARE_NONE,
    "self": codes.CARE_SELF,
    "partial": codes.CARE_PARTIAL,
    "full": codes.CARE_FULL,
}

__all__ = ["CARE_CODES", "SINGLE_CODES", "apply_basis", "record_basis"]
