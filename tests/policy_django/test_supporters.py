"""R-T3 from the registered legal supporters and their own status (single and batch paths), and a
person holding several categories at once (R-C1)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.policy import extract, service
from doudi.registry import actions
from doudi.registry.models import CategoryStatus, Person
from tests.conftest import NANGUAN
from tests.policy_django.conftest import AS_OF

pytestmark = pytest.mark.django_db
START = dt.date(2024, 1, 1)


@pytest.fixture
def elder_with_sibling(households, store):
    """H-NG1 (南关区): 王建国 (b. 1960 → 65, no income) and his earning brother (a co-resident who is not
    a legal supporter); household income 48,000 a year. 王建国's only legal supporter is his daughter
    李春花, who lives in 延吉 (another city, outside the 南关区 scope)."""
    hh = households["H-NG1"]
    with all_regions():
        elder = Person.unscoped.get(person_key="P-NG1-1")
        actions.add_person_to_household(
            actor="test", household=hh, person_key="P-NG1-2", name="王建民", id_number=None,
            relation="sibling", since=START, birth_date=dt.date(1975, 4, 1),
        )  # fmt: skip
        actions.record_household_fact(
            actor="test", household=hh, kind="income", value={"total": 48000, "months": 12},
            valid_from=START, source="self_declared",
        )  # fmt: skip
        actions.record_person_fact(
            actor="test", person=Person.unscoped.get(person_key="P-NG1-2"), kind="own_income",
            value={"monthly": 4000}, valid_from=START, source="department",
        )  # fmt: skip
        daughter = Person.unscoped.get(person_key="P-YJ2-1")
        actions.record_legal_supporter(
            actor="test", person=elder, supporter=daughter, relation="child", valid_from=START,
            source="home_visit",
        )  # fmt: skip
    return hh, elder, daughter


def _both_paths(hh) -> tuple[dict, dict]:
    """The elder's categories and R-T3 input by the single-household path and by the batch extract."""
    with using_scope(NANGUAN):
        data, result = service.assess_household(hh, AS_OF)
        ex = extract.extract(AS_OF, region_prefix="220102")
    single = {m["id"]: (m["has_capable_supporter"]) for m in data["household"]["members"]}
    batch_flags = ex.members["has_capable_supporter"].to_pylist()
    assert batch_flags == [single[m["id"]] for m in data["household"]["members"]]
    return single, {m["id"]: m["categories"] for m in result["members"]}


def test_a_capable_supporter_living_apart_blocks_tekun(elder_with_sibling):
    hh, _elder, _daughter = elder_with_sibling
    flags, categories = _both_paths(hh)
    assert flags == {"P-NG1-1": True, "P-NG1-2": True}
    assert "TEKUN" not in categories["P-NG1-1"]


def test_an_incapable_supporter_makes_the_elder_tekun_without_typing_the_flag(elder_with_sibling):
    # The daughter is severely disabled with own income 500 a month, below the rigid ceiling: she lacks
    # capacity (R-T3), so the elder is TEKUN although he lives with an earning brother (R-T4).
    hh, _elder, daughter = elder_with_sibling
    with all_regions():
        actions.record_person_fact(
            actor="test", person=daughter, kind="disability", value={"kind": "physical", "grade": 1},
            valid_from=START, source="department",
        )  # fmt: skip
        actions.record_person_fact(
            actor="test", person=daughter, kind="own_income", value={"monthly": 500},
            valid_from=START, source="department",
        )  # fmt: skip
    flags, categories = _both_paths(hh)
    assert flags == {"P-NG1-1": False, "P-NG1-2": True}  # the brother's own flag is untouched
    assert categories["P-NG1-1"] == ["TEKUN"]
    assert "DIBAO" not in categories["P-NG1-2"]
    with using_scope(NANGUAN):
        data, provenance = service.contract_input_for(hh, AS_OF)
    note = next(p for p in provenance if p["member"] == "P-NG1-1" and p["input"] == "has_capable_supporter")
    assert note["kind"] == "legal_supporters" and "无履行能力：重度残疾" in note["note"]
    assert "李春花" not in note["note"]


@pytest.mark.parametrize(("incapacity", "category"), [("prison", None), ("", "TEKUN")])
def test_supporter_record_incapacity_and_supporter_status(elder_with_sibling, incapacity, category):
    hh, elder, daughter = elder_with_sibling
    with all_regions():
        if incapacity:
            actions.record_legal_supporter(
                actor="test", person=elder, supporter=daughter, relation="child",
                valid_from=dt.date(2025, 1, 1), source="home_visit", incapacity=incapacity,
            )  # fmt: skip
        else:
            actions.set_category(
                actor="test", person=daughter, category="TEKUN", since=dt.date(2025, 1, 1), source="roster"
            )
    flags, categories = _both_paths(hh)
    assert flags["P-NG1-1"] is False
    assert categories["P-NG1-1"] == ["TEKUN"]


def test_a_person_holds_several_categories(households):
    person_hh = households["H-YJ2"]
    with all_regions():
        person = Person.unscoped.get(person_key="P-YJ2-1")  # DIBAO since 2024-03-01
        actions.set_category(
            actor="test", person=person, category="FPJC", since=dt.date(2024, 6, 1), source="department"
        )
        open_now = set(
            CategoryStatus.unscoped.filter(person=person, until__isnull=True).values_list(
                "category", flat=True
            )
        )
        assert open_now == {"DIBAO", "FPJC"}
        actions.set_category(
            actor="test", person=person, category="MARGINAL", since=dt.date(2024, 9, 1), source="caseworker"
        )
        open_now = set(
            CategoryStatus.unscoped.filter(person=person, until__isnull=True).values_list(
                "category", flat=True
            )
        )
        assert open_now == {"MARGINAL", "FPJC"}  # the tiers exclude one another; FPJC stays
    assert person_hh.pk


def test_supporters_command(households, store):
    import io

    from django.core.management import call_command

    from doudi.registry.models import LegalSupporter

    out = io.StringIO()
    call_command(
        "supporters", "add", "P-NG1-1", "P-YJ2-1", "--relation", "child", "--from", "2024-01-01", stdout=out
    )
    assert "已登记" in out.getvalue()
    call_command("supporters", "end", "P-NG1-1", "P-YJ2-1", "--on", "2025-01-01", stdout=out)
    with all_regions():
        link = LegalSupporter.unscoped.get()
    assert link.relation == "child" and link.valid_to == dt.date(2025, 1, 1)


def test_batch_reassessment_counts_tekun_per_person(elder_with_sibling, tmp_path):
    # The elder is TEKUN by his incapable daughter (a TEKUN herself); the batch run uses the same
    # per-person rules: the household stays without a tier, one TEKUN person, its amount is his.
    from doudi.policy import batch

    hh, _elder, daughter = elder_with_sibling
    with all_regions():
        actions.set_category(
            actor="test", person=daughter, category="TEKUN", since=dt.date(2025, 1, 1), source="roster"
        )
    with using_scope(NANGUAN):
        summary = batch.reassess(region_code=NANGUAN, as_of=AS_OF, out_dir=tmp_path)
        _data, result = service.assess_household(hh, AS_OF)
    rows = {r["household_key"]: r for r in batch.read_results(tmp_path / batch.RESULTS_FILE).to_pylist()}
    row = rows["H-NG1"]
    assert row["tekun_persons"] == 1 and summary["tekun_persons"] == 1
    assert row["assessed_category"] is None and row["monthly_total"] == result["monthly_total"] > 0
    assert "R-T4" in row["failed_criteria"]  # not every member is TEKUN


def test_what_if_counts_tekun_per_person(elder_with_sibling):
    # The elder (own income 300 a month, incapable daughter) is TEKUN; a standard of 200 would make
    # his own income exceed it (R-T2), so the what-if shows one TEKUN person before and none after.
    from doudi.policy import simulation

    hh, elder, daughter = elder_with_sibling
    with all_regions():
        actions.set_category(
            actor="test", person=daughter, category="TEKUN", since=dt.date(2025, 1, 1), source="roster"
        )
        actions.record_person_fact(
            actor="test", person=elder, kind="own_income", value={"monthly": 300}, valid_from=START,
            source="department",
        )  # fmt: skip
    with using_scope(NANGUAN):
        result = simulation.simulate(
            region_code=NANGUAN,
            changes=[{"key": "dibao_standard.urban", "value": "200", "region_code": NANGUAN,
                      "effective_from": "2025-08-01"}],
            as_of=AS_OF, record=False,
        )  # fmt: skip
    assert result.summary["tekun_persons"] == {"before": 1, "after": 0}
    row = next(r for r in result.rows.to_pylist() if r["household_key"] == hh.household_key)
    assert (row["tekun_persons_before"], row["tekun_persons_after"]) == (1, 0)
