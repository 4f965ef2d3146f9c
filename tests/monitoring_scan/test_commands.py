"""``doudi monitor run`` and ``doudi warnings export`` (columns, masking, region)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from doudi.core import idnumber
from doudi.core.models import AuditEvent

from .conftest import NG, T1, D, make_family, write_batch

pytestmark = pytest.mark.django_db

OUTSIDER = idnumber.make("222401", D(1970, 2, 2), 77, male=True)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def seed_store():
    yj = make_family("H-YJ", region=T1)
    ng = make_family("H-NG", region=NG)
    write_batch(1, "disaster", [
        {"person": yj.head, "event": "洪涝", "occurred_on": D(2025, 7, 10), "dwelling_damage": "collapsed"},
        {"person": ng.head, "event": "洪涝", "occurred_on": D(2025, 7, 10), "dwelling_damage": "minor"},
        {"person": None, "id_number": OUTSIDER, "name": "赵大", "region_code": T1, "event": "洪涝",
         "occurred_on": D(2025, 7, 10), "dwelling_damage": "severe"},
    ])  # fmt: skip
    return yj, ng


def test_monitor_run_prints_counts_by_indicator_and_level(scan_env):
    seed_store()
    text = run("monitor", "run", "--as-of", "2025-08-01")
    assert "scan: full" in text and "as of: 2025-08-01" in text
    assert "W-DSR 因灾 red（红色）: new 1, merged 0, unchanged 0" in text
    assert "W-DSR 因灾 orange（橙色）: new 1, merged 0, unchanged 0" in text
    assert "new: 2" in text and "potential cases new: 1" in text
    again = run("monitor", "run", "--as-of", "2025-08-01")
    assert "new: 0" in again and "unchanged: 2" in again and "potential cases new: 0" in again


def test_monitor_run_batch_and_pending(scan_env):
    seed_store()
    text = run("monitor", "run", "--batch", "1")
    assert "scan: batch 1" in text and "new: 2" in text
    assert run("monitor", "run", "--pending").strip() == "没有待扫描的批次"
    with pytest.raises(CommandError, match="尚未比对"):
        run("monitor", "run", "--batch", "42")
    with pytest.raises(CommandError, match="日期格式"):
        run("monitor", "run", "--as-of", "2025-13-01")


def test_warnings_export_columns_and_masking(scan_env, tmp_path):
    yj, ng = seed_store()
    run("monitor", "run", "--as-of", "2025-08-01")
    out = tmp_path / "w.csv"
    text = run("warnings", "export", "--out", str(out))
    assert "rows: 3" in text
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Chinese
    with out.open(encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    assert header == ["预警编号", "预警原因", "等级", "状态", "户编号", "人员编号", "身份证号（脱敏）", "区划代码",
                      "区划名称", "发出日期", "核查时限"]  # fmt: skip
    by_key = {r[4]: r for r in rows}
    yj_row = by_key["H-YJ"]
    assert yj_row[1:4] == ["因灾", "红色", "已派发乡镇"] and yj_row[5] == yj.head.person_key
    assert yj_row[6] == yj.head.id_masked and "*" in yj_row[6] and yj.head.id_number() not in out.read_text()
    assert yj_row[7] == T1 and yj_row[8].endswith("进学街道")
    assert yj_row[9] == timezone.localdate().isoformat()  # raised on the scan day
    assert yj_row[10] > yj_row[9]
    potential = by_key[""]
    assert potential[1] == "主动发现" and potential[5] == "" and potential[6] == "未知"
    assert OUTSIDER not in out.read_text()
    assert AuditEvent.unscoped.filter(action="monitoring.warnings_export").count() == 1


def test_warnings_export_by_region(scan_env, tmp_path):
    seed_store()
    run("monitor", "run", "--as-of", "2025-08-01")
    out = tmp_path / "ng.csv"
    assert "rows: 1" in run("warnings", "export", "--out", str(out), "--region", "220102")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [r["户编号"] for r in rows] == ["H-NG"] and rows[0]["区划代码"] == NG
    with pytest.raises(CommandError, match="区划代码不存在"):
        run("warnings", "export", "--out", str(out), "--region", "999999")
