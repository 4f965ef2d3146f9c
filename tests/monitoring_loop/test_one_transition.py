"""Every warning transition goes through ``monitoring.loop.base.Transition`` (lock → check → change →
chain → audit → notify, written once): no action module locks a warning or checks the flow table by
itself."""

from __future__ import annotations

import re
from pathlib import Path

import doudi

MONITORING = Path(doudi.__file__).parent / "monitoring"
BASE = MONITORING / "loop" / "base.py"
BY_HAND = re.compile(r"^\s*warning = locked\(|(?<![\w.])check\(actor, \"|flows\.check\(actor, \"", re.M)


def test_no_action_locks_and_checks_a_warning_by_hand():
    offenders = []
    for path in sorted(MONITORING.rglob("*actions.py")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m.group(0).strip()}" for m in BY_HAND.finditer(text)]
    assert offenders == []


def test_every_warning_transition_uses_the_one_definition():
    text = "".join(p.read_text(encoding="utf-8") for p in MONITORING.rglob("*actions.py"))
    names = set(re.findall(r'Transition\(actor, warning, "(\w+)"\)', text))
    assert {"dispatch", "recall", "reassign", "assign", "verify", "dispose", "close"} <= names


def test_the_one_definition_lives_in_the_base_module():
    text = BASE.read_text(encoding="utf-8")
    assert "class Transition:" in text and "def locked(" in text
    assert not [p for p in MONITORING.rglob("*actions.py") if "class Transition:" in p.read_text("utf-8")]
