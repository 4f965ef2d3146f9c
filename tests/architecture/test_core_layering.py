"""The ground floor: ``doudi.core`` imports no app above it (issue 10). The import-linter contract in
pyproject.toml checks the import graph; this test also catches what it cannot see (``apps.get_model``
string lookups) and checks that the apps registered what core asks them for at startup."""

import ast
import re
from pathlib import Path

from django.apps import apps

from doudi.core import api_auth, init_steps, workdays

CORE = Path(__file__).resolve().parents[2] / "src" / "doudi" / "core"
APPS = (
    "accounts",
    "regions",
    "registry",
    "exchange",
    "matching",
    "policy",
    "casework",
    "letters",
    "monitoring",
    "pipeline",
    "web",
    "devtools",
)
UPPER = re.compile(rf"^doudi\.({'|'.join(APPS)}|datasets|api|urls)(\.|$)")
GET_MODEL = re.compile(rf"get_model\(\s*[\"']({'|'.join(APPS)})[\"'.]")


def test_core_imports_no_app():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            offenders += [f"{path.relative_to(CORE)}:{node.lineno} {n}" for n in names if UPPER.match(n)]
        offenders += [f"{path.relative_to(CORE)} get_model" for _ in GET_MODEL.finditer(source)]
    assert offenders == []


def test_apps_register_the_init_steps_in_order():
    assert [s.name for s in init_steps.steps()] == ["regions", "policy", "monitoring", "payments"]


def test_init_steps_run_in_order_and_collect_lines():
    saved = dict(init_steps._steps)
    try:
        init_steps._steps.clear()
        ran = []
        init_steps.register(20, "b", lambda actor: ran.append(("b", actor)) or "line b")
        init_steps.register(10, "a", lambda actor: ran.append(("a", actor)) or None)
        init_steps.register(20, "b", lambda actor: ran.append(("b2", actor)) or "line b2")  # replaces
        assert init_steps.run_all("tester") == ["line b2"]
        assert ran == [("a", "tester"), ("b2", "tester")]
    finally:
        init_steps._steps.clear()
        init_steps._steps.update(saved)


def test_accounts_and_monitoring_registered_their_lookups():
    assert apps.is_installed("doudi.accounts") and api_auth._token_lookup is not None
    assert apps.is_installed("doudi.monitoring") and workdays._source is not None
