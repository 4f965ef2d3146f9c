"""Warning evidence is shown with Chinese names for its coded values: the dataset and the discovery
signal (never ``unemployment`` or ``severe_disability_no_employment``)."""

from __future__ import annotations

from doudi.monitoring.loop.evidence_display import display_items


def test_evidence_shows_dataset_and_signal_names():
    items = display_items(
        [
            {"source": "主动发现", "dataset": "disability", "signal": "severe_disability_no_employment"},
            {"source": "失业登记", "dataset": "unemployment", "batch_id": 3, "record_id": "R1"},
            {"source": "群众报告", "record_id": "report:12"},
        ]
    )
    discovery, scan, report = (dict(pairs) for pairs in items)
    assert discovery["数据集"] == "残疾人信息"
    assert discovery["信号"] == "残联数据：重度残疾且近3个月无社保缴费记录"
    assert "数据集" not in scan or scan["数据集"] != "unemployment"
    assert report["记录"] == "报告第 12 号"
    text = " ".join(v for pairs in items for _, v in pairs)
    assert "unemployment" not in text and "severe_disability" not in text and "report:" not in text
