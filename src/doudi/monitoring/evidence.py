"""Warning evidence: merging (R-M13) and masking (R-S5; the detail page's labelled display is
``loop.evidence_display``). Pure functions, no database.

An evidence item is a dict ``{source, batch_id, record_id, detail, ...}``. Two items are the same
evidence when they name the same ``(batch_id, record_id)``; items without either are compared whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from doudi.core import idnumber

LEVEL_RANK = {"yellow": 1, "orange": 2, "red": 3}
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE_LIKE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
SENSITIVE_KEYS = frozenset({"id_number", "id", "idcard", "phone", "mobile", "contact"})


def plain(value: Any) -> Any:
    """JSON-safe copy (dates and decimals as text) of what goes into a JSONField."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def evidence_key(item: dict) -> str:
    batch, record = item.get("batch_id"), item.get("record_id")
    if batch is None and record is None:
        return "item:" + json.dumps(item, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return f"{batch}:{record}"


def merge_evidence(existing: Iterable[dict], new: Iterable[dict]) -> tuple[list[dict], int]:
    """``existing`` extended by the items of ``new`` not already present; returns (merged, added)."""
    merged = list(existing)
    seen = {evidence_key(i) for i in merged}
    added = 0
    for item in new:
        item = plain(dict(item))
        key = evidence_key(item)
        if key in seen:
            continue
        seen.add(key)
        merged.append(item)
        added += 1
    return merged, added


def higher_level(a: str, b: str) -> str:
    return a if LEVEL_RANK.get(a, 0) >= LEVEL_RANK.get(b, 0) else b


def mask_text(text: str) -> str:
    text = ID_LIKE.sub(lambda m: idnumber.mask(m.group(1)), text)
    return PHONE_LIKE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_value(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: mask_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, key) for v in value]
    if isinstance(value, str):
        if key.lower() in SENSITIVE_KEYS and len(value) > 4:
            return idnumber.mask(value) if ID_LIKE.fullmatch(value) else value[:3] + "****" + value[-2:]
        return mask_text(value)
    return value


# The strong signals of proactive discovery (R-M16, ``scans.discovery``) an evidence item may name.
SIGNALS = {
    "severe_disability_no_employment": "残联数据：重度残疾且近3个月无社保缴费记录",
    "large_medical_expense": "医保数据：近3个月个人自付医疗费用达到主动发现金额标准",
    "disaster_dwelling": "应急管理数据：受灾且住房严重损坏或倒塌",
}
