"""The steps of ``doudi init`` beyond migrating: each app registers its own in ``AppConfig.ready``
(regions load the divisions, policy the baseline parameters, monitoring arms the recurring jobs), so
the ``init`` command in ``core`` imports no app above it.

A step is ``callable(actor: str) -> str | None``; a returned string is one line of the command's
output. Steps run in ascending ``order`` (then name); registering a name again replaces the step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

StepFn = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    run: StepFn


_steps: dict[str, Step] = {}


def register(order: int, name: str, fn: StepFn) -> None:
    """Add (or replace) the init step ``name``; idempotent, so ``ready()`` may run twice."""
    _steps[name] = Step(order, name, fn)


def steps() -> list[Step]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


def run_all(actor: str) -> list[str]:
    """Run every registered step in order; the output lines they returned."""
    lines = []
    for step in steps():
        line = step.run(actor)
        if line:
            lines.append(line)
    return lines
