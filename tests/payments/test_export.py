"""``doudi payments export`` (contract): one row per roster line in the contract's columns and order;
the same month exported again gives the same file, even after the draft roster was regenerated."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from doudi.core.models import AuditEvent
from doudi.payments import run_actions
from doudi.payments.models import RosterLine

pytestmark = pytest.mark.django_db
D = dt.date
COLUMNS = [
    "roster_id",
    "month",
    "household_key",
    "person_key",
    "programme",
    "line",
    "rule",
    "amount",
    "case_id",
]


def _export(tmp_path, name, *extra):
    out = tmp_path / name
    buf = io.StringIO()
    call_command("payments", "export", "--month", "2026-12", "--out", str(out), *extra, stdout=buf)
    return out, buf.getvalue().strip().splitlines()[-1]


def test_export_rows_follow_the_contract_and_are_reproducible(confirmed, tmp_path):
    run_actions.run_month(actor="test", month=D(2026, 12, 1))
    first, last = _export(tmp_path, "a.csv")
    rows = list(csv.DictReader(first.open(encoding="utf-8")))
    assert (
        list(rows[0]) == COLUMNS and last == f"lines: {len(rows)}" == f"lines: {RosterLine.unscoped.count()}"
    )
    dibao, tekun = confirmed["DIBAO"], confirmed["TEKUN"]
    base = next(r for r in rows if r["case_id"] == str(dibao.pk) and r["line"] == "base")
    assert base["household_key"] == "H-PAY-D" and base["person_key"] == "" and base["rule"] == "R-B1"
    assert base["month"] == "2026-12" and base["programme"] == "DIBAO" and int(base["amount"]) > 0
    care = next(r for r in rows if r["case_id"] == str(tekun.pk) and r["line"] == "care")
    assert care["person_key"] == "H-PAY-T-1" and care["rule"] == "R-B3" and care["programme"] == "TEKUN"
    assert sum(int(r["amount"]) for r in rows) == sum(c.monthly_total for c in confirmed.values())
    run_actions.run_month(actor="test", month=D(2026, 12, 1))  # regenerated: new row ids, same lines
    second, _ = _export(tmp_path, "b.csv")
    assert first.read_bytes() == second.read_bytes()
    assert AuditEvent.unscoped.filter(action="payments.export").count() == 2


def test_dropped_lines_and_other_regions_are_not_exported(confirmed, tmp_path):
    run_actions.run_month(actor="test", month=D(2026, 12, 1))
    RosterLine.unscoped.filter(case=confirmed["TEKUN"]).update(status="dropped", status_reason="死亡")
    out, last = _export(tmp_path, "c.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {r["programme"] for r in rows} == {"DIBAO"}
    _, none = _export(tmp_path, "d.csv", "--region", "220102000000")
    assert none == "lines: 0"


def test_a_bad_month_is_refused_in_chinese(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="月份格式"):
        call_command("payments", "export", "--month", "2026/13", "--out", str(tmp_path / "x.csv"))
