"""Department batches refuse as-of dates in the future; a huge roster field rejects its row only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from doudi.core.scoping import all_regions
from doudi.exchange import actions
from tests.registry.test_roster_import import base_rows, load
from tests.registry.test_roster_import import write_csv as write_roster

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("as_of", [dt.date(2099, 1, 31), dt.date(1900, 1, 1)])
def test_a_batch_as_of_far_in_the_future_or_past_is_refused(tmp_path, as_of):
    path = tmp_path / "f.csv"
    path.write_text("record_id\nR1\n", encoding="utf-8")
    with all_regions(), pytest.raises(actions.ExchangeError, match="数据截至日期"):
        actions.receive(
            actor="test", path=path, dataset="disability", provider="disabled_federation", as_of=as_of
        )


def test_a_batch_as_of_today_is_accepted(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("record_id\nR1\n", encoding="utf-8")
    with all_regions():
        receipt = actions.receive(actor="test", path=path, dataset="disability", provider="disabled_federation",
                                  as_of=timezone.localdate())  # fmt: skip
    assert receipt.created


def test_a_50_mb_field_rejects_its_row_not_the_file(regions, tmp_path):
    rows = base_rows()
    rows[1][3] = "长" * (50 * 2**20 // 3)  # about 50 MB of UTF-8 in one field
    rep = load(write_roster(tmp_path / "r.csv", rows))
    assert (rep.rows_read, rep.created, rep.rejected) == (3, 2, 1)
    assert rep.errors[0]["reason"].startswith("字段过长")
