"""Every warning transition goes through ``monitoring.actions.Transition`` (lock → check → change →
chain → audit → notify, written once): no action module locks a warning or checks the flow table by
itself."""

from __future__ import annotations

import re
from pathlib import Path

import doudi

MONITORING = Path(doudi.__file__).parent / "monitoring"
BY_HAND = re.compile(r"^\s*warning = locked\(|(?<![\w.])check\(actor, \"|flows\.check\(actor, \"", re.M)


def test_no_action_locks_and_checks_a_warning_by_hand():
    offenders = []
    for path in sorted(MONITORING.glob("*actions.py")):
        text = path.read_text(encoding="utf-8")
        if "class Transition:" in text:  # the one definition itself
            text = text.replace(
                text[text.index("class Transition:") : text.index("# --- raise and merge")], ""
            )
        offenders += [f"{path.name}: {m.group(0).strip()}" for m in BY_HAND.finditer(text)]
    assert offenders == []


def test_every_warning_transition_uses_the_one_definition():
    text = "".join(p.read_text(encoding="utf-8") for p in MONITORING.glob("*actions.py"))
    names = set(re.findall(r'Transition\(actor, warning, "(\w+)"\)', text))
    assert {"dispatch", "recall", "reassign", "assign", "verify", "dispose", "close"} <= names
