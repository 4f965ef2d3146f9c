"""A mover's reason in a reassessment or what-if run says when the dibao standard it names is a
province floor standing in for the local one (issue 9 item 10, DOMAIN §4)."""

from __future__ import annotations

import datetime as dt

from doudi.policy.batch import standard_note
from doudi.policy.rules import baseline_parameters
from doudi.policy.rules.params import FLOOR_NOTE


def test_batch_reason_names_a_floor_standard():
    floor = baseline_parameters("220122", "urban", dt.date(2025, 1, 1))  # 农安县: province floor only
    local = baseline_parameters("220681", "urban", dt.date(2025, 1, 1))  # 临江市: its own standard
    reason = "人均月收入 700.00 元 ≥ 低保标准 660 元（R-D1 不满足）"
    assert standard_note(reason, floor) == f"（所用低保标准：{FLOOR_NOTE}）"
    assert standard_note(reason, local) == ""
    assert standard_note("全体成员均同时符合特困人员条件（R-T4）", floor) == ""
