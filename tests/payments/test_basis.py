"""Every confirmed case has its amount basis, recorded once per decision (R-PAY3)."""

from __future__ import annotations

import pytest

from doudi.casework import basis
from doudi.casework.lifecycle_models import AmountBasis

pytestmark = pytest.mark.django_db


def test_confirmation_records_the_basis_of_a_dibao_case(dibao_case):
    b = dibao_case.basis
    assert b is not None and b.decision_id == dibao_case.decision_id
    assert b.category == "DIBAO" and b.area_type == "urban" and b.n_assessed == 2
    assert b.income_fen == 360000 and b.income_months == 12
    members = list(b.members.order_by("person_id"))
    assert len(members) == 2 and not any(m.tekun for m in members)
    assert dibao_case.pay_from.isoformat() == "2026-12-01"
    assert basis.record_basis(dibao_case.decision).pk == b.pk  # idempotent
    assert AmountBasis.unscoped.filter(decision=dibao_case.decision).count() == 1


def test_confirmation_records_the_basis_of_a_tekun_case(tekun_case):
    b = tekun_case.basis
    (member,) = b.members.all()
    assert member.tekun and member.care_level == "full" and member.birth_ymd == 19420202
