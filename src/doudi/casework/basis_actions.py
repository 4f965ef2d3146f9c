"""Recording a case's amount basis (R-PAY3): the figures the monthly amount is computed from, taken from
one stored assessment (``policy.Decision``) by re-running the engine on its sealed input with its stored
parameters — the same columns ``assess_table`` produced when the decision was taken (headcount and
income of the assessed household without TEKUN members, each member's TEKUN status, care level,
single-person dibao and severe disability). Idempotent per decision."""

from __future__ import annotations

from django.db import transaction

from doudi.casework.lifecycle_models import AmountBasis, AmountBasisMember
from doudi.policy import rules
from doudi.policy.rules import codes
from doudi.policy.rules.columns import build_tables, ymd
from doudi.policy.rules.money import to_fen
from doudi.policy.service import parameters_from_rows
from doudi.registry.models import Person


def _columns(decision) -> tuple[rules.AssessmentInput, dict, dict]:
    data = decision.input_data()
    inp = rules.parse_input(data, region_exists=lambda _code: True)
    params = parameters_from_rows(
        decision.parameters, as_of=decision.as_of, area_type=inp.area_type, region_code=inp.region_code
    )
    params = params.with_overrides(dict(inp.overrides))
    version = decision.rule_set_version
    rule_set = version if version in codes.RULE_SETS else rules.RULE_SET_VERSION
    households, members = build_tables([inp])
    table = rules.assess_table(households, members, params, rule_set=rule_set)
    h = {name: table.households.column(name)[0].as_py() for name in table.households.column_names}
    m = {name: table.members.column(name).to_pylist() for name in table.members.column_names}
    return inp, h, m


@transaction.atomic
def record_basis(decision) -> AmountBasis:
    """The decision's ``AmountBasis`` (created once; later calls return the same row)."""
    existing = AmountBasis.unscoped.filter(decision=decision).first()
    if existing is not None:
        return existing
    inp, h, m = _columns(decision)
    basis = AmountBasis.unscoped.create(
        decision=decision,
        household_id=decision.household_id,
        region_code=decision.region_code,
        area_type=inp.area_type,
        category=decision.household_category or "",
        n_assessed=int(h["n_assessed"]),
        income_fen=int(h["income_assessed_fen"]),
        income_months=inp.household.income_months,
    )
    keys = [member.id for member in inp.household.members]
    people = dict(Person.unscoped.filter(person_key__in=keys).values_list("person_key", "pk"))
    rows = []
    for j, member in enumerate(inp.household.members):
        person_id = people.get(member.id)
        if person_id is None:  # a member not in the registry (contract input only): nothing to pay
            continue
        rows.append(
            AmountBasisMember(
                basis=basis,
                person_id=person_id,
                birth_ymd=ymd(member.birth_date),
                serious_illness=member.serious_illness,
                severe_disability=bool(m["severe"][j]),
                tekun=bool(m["tekun"][j]),
                care_level=codes.CARE_LEVEL_BY_CODE.get(m["care_level"][j]) or "",
                single=(1 if m["single"][j] == codes.SINGLE_R_D4 else 2 if m["single"][j] else 0),
                own_income_fen=to_fen(member.own_income_monthly),
            )
        )
    AmountBasisMember.objects.bulk_create(rows)
    return basis


def apply_basis(case, basis: AmountBasis) -> None:
    """Point the case at the basis its amounts are computed from from now on."""
    if case.basis_id == basis.pk:
        return
    case.basis = basis
    case.save(update_fields=["basis", "updated_at"])
