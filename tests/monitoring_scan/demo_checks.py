"""The demo seed's warning loop: demo department batches imported, linked and scanned. Checked inside the demo's
own test (``tests/devtools/test_demo_spread.py``), which seeds it once; a second seed is checked there too."""

from __future__ import annotations

from doudi.core.scoping import all_regions
from doudi.exchange.models import Batch
from doudi.monitoring.models import EarlyWarning


def check_the_townships_have_warnings_to_work_on() -> None:
    with all_regions():
        batches = list(
            Batch.unscoped.filter(file_name__startswith="doudi-demo-").values_list("status", flat=True)
        )
        # the warnings of the scanned demo batches (the demo's months of warnings in four counties come later)
        scanned = EarlyWarning.unscoped.filter(source_batch_id__isnull=False)
        warnings = list(scanned.values_list("indicator", "level", "region_code"))
        statuses = list(scanned.values_list("status", "township_code", "region_code"))
        sources = {(w.indicator, e.get("source")) for w in scanned for e in w.evidence}
    assert {("W-POP", "户籍变动"), ("W-POP", "婚姻登记"), ("W-ELIG", "财政供养人员工资")} <= sources
    assert batches and set(batches) == {"linked"}
    causes = {ind for ind, _, _ in warnings}
    assert {"W-DIS", "W-JOB", "W-DSR", "W-NEW"} <= causes and len(causes) >= 8
    assert {"red", "orange", "yellow"} <= {level for _, level, _ in warnings}
    assert all(region.startswith("222401") for _, _, region in warnings)  # the demo county 延吉市
    # R-M13 direct dispatch (the default): every warning of a household known down to its township is
    # already in that township's inbox — nothing waits for the county to dispatch it by hand
    township_level = [(s, t, r) for s, t, r in statuses if r[6:9] != "000"]
    assert township_level and all(s == "dispatched" and t == r[:9] + "000" for s, t, r in township_level)
