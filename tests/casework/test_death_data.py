"""Deaths found in department data reach the next roster before it is sent (R-W32, R-PAY2, issue 12):
linked "death" batches in the store (written as intake and matching write them, or loaded and linked
through the exchange and the pipeline) → ``death_actions.record_deaths_from_data`` (also run by the
pipeline after linking and by the daily pass) → DeathRecord, change review, ``pay_until`` → the
roster's lock drops the lines."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from doudi.casework import death_actions, death_data
from doudi.casework.models import Case, CaseReview, DeathRecord
from doudi.core.audit_actions import AuditAction
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from tests.casework.conftest import make_family
from tests.conftest import YANJI_T1
from tests.monitoring_scan.conftest import store_dir, write_batch  # noqa: F401 - fixture
from tests.payments.conftest import Walk, make_dibao, make_tekun, walk_to_confirmed  # noqa: F401

pytestmark = pytest.mark.django_db
D = dt.date
DEC = D(2026, 12, 1)


def _single_dibao(staff, key: str = "H-DD-1") -> Case:
    """A one-person DIBAO case (the head, 70, alone), confirmed 2026-11-13, paid from 2026-12."""
    from doudi.core import idnumber
    from doudi.registry import actions

    with all_regions():
        hh = actions.create_household(
            actor="test", household_key=key, region_code=YANJI_T1, area_type="urban", since=D(2024, 1, 1)
        )
        person = actions.add_person_to_household(
            actor="test", household=hh, person_key=f"{key}-1", name="李春花", relation="head",
            id_number=idnumber.make("222401", D(1956, 4, 2), 377, male=False), since=D(2024, 1, 1),
            birth_date=D(1956, 4, 2), sex="F",
        )  # fmt: skip
        actions.record_household_fact(actor="test", household=hh, kind="income", value={"total": 1800, "months": 12},
                                      valid_from=D(2024, 1, 1), source="self_declared")  # fmt: skip
        actions.record_household_fact(actor="test", household=hh, kind="assets",
                                      value={"vehicles": 0, "dwellings": 1, "financial": 0},
                                      valid_from=D(2024, 1, 1), source="self_declared")  # fmt: skip
    walk_to_confirmed(Walk(staff, hh, [person]))
    with all_regions():
        return Case.unscoped.get(household=hh, tier="DIBAO")


def _members(case: Case):
    from doudi.registry.models import Person

    with all_regions():
        return list(Person.unscoped.filter(household_id=case.household_id).order_by("pk"))


def _case(pk: int) -> Case:
    with all_regions():
        return Case.unscoped.get(pk=pk)


def _runs() -> int:
    with all_regions():
        return AuditEvent.objects.filter(action=AuditAction.CASE_DEATHS_FROM_DATA).count()


def test_the_source_tells_the_department():
    assert death_data.source_for("public_security") == "hukou"
    assert death_data.source_for("civil_affairs") == "cremation"
    assert death_data.source_for("") == death_data.source_for("health") == "data"


def test_deaths_in_data_end_the_payment_and_the_lock_drops_the_lines(staff, make_dibao, store_dir):  # noqa: F811
    from doudi.payments import roster_actions, run_actions
    from doudi.payments.models import Roster, RosterLine

    single = _single_dibao(staff)
    pair = make_dibao("H-DD-2")
    (alone,) = _members(single)
    head, spouse = _members(pair)
    with all_regions():
        _, (stranger, _) = make_family("H-DD-3")  # in the registry, in no case
        run_actions.run_month(actor=staff["county"], month=DEC)  # the draft roster, before the deaths
    write_batch(931, "death", [
        {"person": alone, "died_on": D(2026, 11, 20)},
        {"person": head, "died_on": D(2026, 11, 25)},
        {"person": stranger, "died_on": D(2026, 11, 21)},
        {"person": None, "died_on": D(2026, 11, 22)},
    ], as_of=D(2026, 11, 30))  # fmt: skip
    found = death_data.find_deaths(on=D(2026, 12, 4))
    assert [(f.person_id, f.source, f.source_ref) for f in found] == [
        (alone.pk, "data", "931:R931-1"),
        (head.pk, "data", "931:R931-2"),
    ]

    with all_regions():
        n = death_actions.record_deaths_from_data(actor="system", on=D(2026, 12, 4))
    assert n == 2 and _runs() == 1
    with all_regions():
        records = {r.person_id: r for r in DeathRecord.unscoped.all()}
        assert set(records) == {alone.pk, head.pk}  # the stranger is in no case
        assert records[alone.pk].died_on == D(2026, 11, 20) and records[alone.pk].source == "data"
        reviews = {r.case_id: r for r in CaseReview.unscoped.filter(state="open")}
    one, two = _case(single.pk), _case(pair.pk)
    assert one.pay_until == D(2026, 11, 1)  # the month of death (pay.death_rule)
    assert two.pay_until is None  # the spouse is still paid
    for case in (one, two):
        review = reviews[case.pk]
        assert (review.kind, review.trigger, review.change_type) == ("change", "data", "death")
        assert case.state == "under_review"
    assert f"{head.name}于2026-11-25死亡（部门数据）" in reviews[pair.pk].change_detail

    # re-run (the daily catch-up, the same batch linked again): nothing more
    with all_regions():
        assert death_actions.record_deaths_from_data(actor="system", batch_ids=[931], on=D(2026, 12, 5)) == 0
        assert DeathRecord.unscoped.count() == 2 and CaseReview.unscoped.count() == 2
    assert _runs() == 1

    # the roster locked afterwards drops the dead persons' lines
    with all_regions():
        roster = Roster.unscoped.get(month=DEC, programme="DIBAO", kind="regular")
        roster_actions.lock(actor=staff["township"], roster=roster)
        lines = RosterLine.unscoped.filter(roster=roster)
        assert set(lines.filter(household=single.household_id).values_list("status", flat=True)) == {
            "dropped"
        }
        assert set(lines.filter(person=head).values_list("status", flat=True)) == {"dropped"}
        assert not lines.filter(person=spouse, status="dropped").exists()


def test_a_death_joins_the_open_review_and_record_death_shares_the_write(staff, make_dibao, store_dir):  # noqa: F811
    from doudi.casework.lifecycle_actions import open_change_review, record_death

    pair = make_dibao("H-DD-4")
    head, spouse = _members(pair)
    with all_regions():
        open_change_review(actor=staff["township"], case=pair, trigger="family", change_type="income",
                           on=D(2026, 12, 1), detail="儿子外出务工")  # fmt: skip
        record_death(actor=staff["township"], person=spouse, died_on=D(2026, 11, 26), source="family",
                     on=D(2026, 12, 2))  # fmt: skip
    write_batch(932, "death", [{"person": head, "died_on": D(2026, 11, 28)}])
    with all_regions():
        assert death_actions.record_deaths_from_data(actor="system", on=D(2026, 12, 3)) == 1
        (review,) = CaseReview.unscoped.filter(case=pair)
    assert review.trigger == "family" and review.change_type == "income"
    assert (
        "儿子外出务工" in review.change_detail
        and "韩顺姬于2026-11-26死亡（家庭报告）" in review.change_detail
    )
    assert "崔永浩于2026-11-28死亡（部门数据）" in review.change_detail
    assert _case(pair.pk).pay_until == D(2026, 11, 1)  # both dead: the month of the last death


def test_the_pipeline_and_the_daily_pass_record_the_deaths(staff, make_tekun, store_dir, tmp_path, settings):  # noqa: F811
    from doudi.casework import clock_actions
    from doudi.exchange import actions
    from doudi.pipeline import steps

    settings.DATA_DIR = tmp_path / "data"
    elder = make_tekun("H-DD-5")
    (person,) = _members(elder)
    path = tmp_path / "death.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "id_number", "name", "sex", "birth_date", "region_code", "died_on"])
        w.writerow(["d1", person.id_number(), person.name, "", "", "", "2026-11-29"])
    with all_regions():
        receipt = actions.import_file(actor="test", path=path, dataset="death", provider="public_security",
                                      as_of=D(2026, 11, 30), workers=1)  # fmt: skip
        result = steps.link([receipt.batch.pk])
        assert result["deaths"] == 1
        record = DeathRecord.unscoped.get(person=person)
    assert (record.source, record.source_ref) == ("hukou", f"{receipt.batch.pk}:d1")  # 户籍注销 (公安)
    assert _case(elder.pk).pay_until == D(2026, 11, 1)
    # the daily pass catches up over every linked death batch: a batch linked without the hook
    with all_regions():
        DeathRecord.unscoped.filter(person=person).delete()
        result = clock_actions.daily(D(2026, 12, 4))
        assert result["deaths_from_data"] == 1 and DeathRecord.unscoped.filter(person=person).exists()
        assert clock_actions.daily(D(2026, 12, 5))["deaths_from_data"] == 0
