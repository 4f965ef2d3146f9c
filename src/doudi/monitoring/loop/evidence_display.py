"""Warning evidence as the detail page and the API show it (R-S5): masked, each key and coded value
(dataset, discovery signal) by its Chinese name."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder

from doudi.datasets import DATASETS
from doudi.monitoring.evidence import SIGNALS, mask_value

EVIDENCE_LABELS = {
    "source": "来源",
    "dataset": "数据集",
    "batch_id": "批次",
    "record_id": "记录",
    "detail": "说明",
    "signal": "信号",
    "as_of": "数据日期",
    "address": "地址",
}


def _value_labels() -> dict[str, dict[str, str]]:
    """Chinese labels of coded evidence values: the dataset (``doudi.datasets``) and the discovery
    signal (``monitoring.evidence.SIGNALS``)."""
    return {"dataset": {k: d.label for k, d in DATASETS.items()}, "signal": dict(SIGNALS)}


def _record_text(value: str) -> str:
    kind, _, number = value.partition(":")
    return f"报告第 {number} 号" if kind == "report" and number else value


def display_items(evidence: Iterable[dict]) -> list[list[tuple[str, str]]]:
    """Each evidence item as masked (label, text) pairs for the detail page, coded values (dataset,
    signal) in Chinese; the dataset is left out when the source already names it."""
    labels = _value_labels()
    out = []
    for item in evidence:
        masked = mask_value(item)
        pairs = []
        for k, v in masked.items():
            if v in (None, "", [], {}):
                continue
            if k in labels and isinstance(v, str):
                v = labels[k].get(v, v)
                if k == "dataset" and v == masked.get("source"):
                    continue
            elif k == "record_id" and isinstance(v, str):
                v = _record_text(v)
            text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, cls=DjangoJSONEncoder)
            pairs.append((EVIDENCE_LABELS.get(k, k), text))
        out.append(pairs)
    return out
