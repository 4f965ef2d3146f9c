"""The pure rule of the user administration (``accounts.privileges``): no one grants more than they
hold. Exhaustive over role × region pairs for creation, property-based over whole triples."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from doudi.accounts import privileges as p
from doudi.accounts.models import Role
from doudi.core.scoping import is_within

PROVINCE = "220000000000"
REGIONS = [
    PROVINCE,
    "220100000000",  # 长春市
    "220102000000",  # 南关区
    "220102001000",  # 南岭街道
    "222400000000",  # 延边州
    "222401000000",  # 延吉市
    "222401001000",  # 进学街道
    "222401002000",  # 北山街道
    "222401001001",  # a village
]
ROLES = list(p.RANK)
OPS = sorted(p.OPERATIONS)

roles = st.sampled_from(ROLES)
regions = st.sampled_from(REGIONS)
holders = st.builds(p.Holder, role=roles, region=st.one_of(regions, st.none()), active=st.booleans())


def holds(actor: p.Holder, grant: p.Holder) -> bool:
    """What it means to hold at least as much: a rank no lower, a scope no narrower."""
    return p.RANK[grant.role] <= p.RANK[actor.role] and p.within(grant.region, actor.region)


def test_ranks_cover_every_role_and_only_managers_manage():
    assert set(p.RANK) == set(Role.values)
    assert {"administrator", "city_officer", "county_officer"} == p.MANAGERS
    assert sorted(p.grantable_roles("administrator")) == sorted(Role.values)
    assert "administrator" not in p.grantable_roles("city_officer")
    assert "auditor" not in p.grantable_roles("city_officer")
    assert "city_officer" not in p.grantable_roles("county_officer")
    assert "county_officer" in p.grantable_roles("county_officer")
    for role in set(ROLES) - p.MANAGERS:
        assert p.grantable_roles(role) == []


def test_creation_exhaustively_over_role_and_region_pairs():
    for a_role, a_region, g_role, g_region in itertools.product(ROLES, REGIONS, ROLES, REGIONS):
        actor, grant = p.Holder(a_role, a_region), p.Holder(g_role, g_region)
        reason = p.refusal(actor, "create", grant=grant)
        if a_role not in p.MANAGERS:
            assert reason == p.NOT_MANAGER
            continue
        expected_ok = p.within(g_region, a_region) and (
            a_role == "administrator" or (p.RANK[g_role] <= p.RANK[a_role] and g_role not in p.ADMIN_ONLY)
        )
        assert (reason is None) == expected_ok, (actor, grant, reason)
        if reason is None:
            assert holds(actor, grant)
        elif a_role != "administrator" and g_role in p.ADMIN_ONLY:
            assert reason == p.ADMIN_ONLY_GRANT
        elif a_role != "administrator" and p.RANK[g_role] > p.RANK[a_role]:
            assert reason == p.HIGHER_GRANT
        else:
            assert reason == p.WIDER_GRANT


@given(actor=holders, target=holders, grant=st.one_of(st.none(), holders), op=st.sampled_from(OPS))
def test_nothing_allowed_grants_or_touches_more_than_the_actor_holds(actor, target, grant, op):
    reason = p.refusal(actor, op, target, grant)
    if reason is not None:
        assert reason and not reason.isascii()  # a Chinese sentence, never a code
        return
    assert actor.active and actor.role in p.MANAGERS
    if grant is not None:
        assert holds(actor, grant)
        # the new account can never pass on more than the granter could
        assert set(p.grantable_roles(grant.role)) <= set(p.grantable_roles(actor.role))
    if actor.role != "administrator":
        assert p.within(target.region, actor.region)
        assert target.role not in p.ADMIN_ONLY and p.RANK[target.role] <= p.RANK[actor.role]


@given(actor=holders, grant=holders)
def test_nobody_changes_their_own_role_or_scope_or_disables_themselves(actor, grant):
    if (grant.role, grant.region) != (actor.role, actor.region):
        assert p.refusal(actor, "change", actor, grant, is_self=True) is not None
    assert p.refusal(actor, "disable", actor, is_self=True) is not None


@given(actor=holders, target_region=regions, others=st.integers(0, 3), op=st.sampled_from(OPS), grant=holders)
def test_the_last_active_administrator_stays(actor, target_region, others, op, grant):
    target = p.Holder("administrator", target_region, active=True)
    reason = p.refusal(actor, op, target, grant if op == "change" else None, other_active_admins=others)
    demotes = op == "disable" or (op == "change" and grant.role != "administrator")
    if others == 0 and demotes:
        assert reason is not None
        assert p.last_admin_refusal(target, op, grant, others) == p.LAST_ADMIN


def test_escalation_examples():
    county = p.Holder("county_officer", "222401000000")
    city = p.Holder("city_officer", "222400000000")
    assert p.refusal(county, "create", grant=p.Holder("city_officer", "222401000000")) == p.HIGHER_GRANT
    assert p.refusal(county, "create", grant=p.Holder("grid_worker", "222400000000")) == p.WIDER_GRANT
    assert p.refusal(county, "create", grant=p.Holder("auditor", "222401000000")) == p.ADMIN_ONLY_GRANT
    assert p.refusal(county, "disable", target=city) == p.OUT_OF_SCOPE
    assert p.refusal(city, "disable", target=p.Holder("county_officer", "220102000000")) == p.OUT_OF_SCOPE
    assert p.refusal(city, "disable", target=p.Holder("administrator", "222401000000")) == p.ADMIN_ONLY_TARGET
    assert p.refusal(city, "change", target=county, grant=p.Holder("city_officer", "222401000000")) is None
    assert p.refusal(county, "change", county, p.Holder("city_officer", "222400000000"), is_self=True)
    assert (
        p.refusal(p.Holder("county_officer", "222401000000", active=False), "view", county) == p.NOT_MANAGER
    )
    admin = p.Holder("administrator", PROVINCE)
    assert p.refusal(admin, "disable", admin, other_active_admins=5, is_self=True) == p.SELF_DISABLE
    assert p.refusal(admin, "disable", p.Holder("administrator", "222401000000"), other_active_admins=0)


@given(code=regions, scope=regions)
def test_within_agrees_with_the_scoping_rule(code, scope):
    assert p.within(code, scope) == is_within(code, scope)
