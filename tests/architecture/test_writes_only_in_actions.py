"""Every write to a domain model goes through an action module (DEVELOPERS guide, Zulip's rule).

Scans the source for ORM write calls and fails when one appears outside the modules allowed to
write. A new writer module must be an action module (named ``actions.py`` or listed below with a
reason)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"
# ORM writes: manager/queryset writes, and instance/ModelForm ``save()``/``delete()`` (no positional
# argument, which tells them apart from e.g. ``workbook.save(buffer)``).
WRITE = re.compile(
    r"\.(objects|unscoped)\b.*\.(create|update|delete|bulk_create|bulk_update|get_or_create|update_or_create)\("
    r"|\.save\(\s*(update_fields=[^)]*|force_insert=[^)]*|using=[^)]*)?\)"
    r"|\.delete\(\s*\)"
)
# modules that are action modules by another name, with why
ALLOWED = {
    "core/audit.py": "appends the audit chain inside the caller's transaction",
    "accounts/auth.py": "login-failure counter for throttling, not a domain record",
    "registry/roster.py": "the roster import action (bulk writes + its audit event)",
    "registry/roster_changes.py": "part of the roster import action: a changed row's dated facts",
    "registry/bulk_sql.py": "the roster import action's bulk writer (COPY / executemany, closing rows)",
    "monitoring/loop/base.py": "the warning loop's shared steps (``Transition``, the chain event) run "
    "inside the calling action's transaction",
    "casework/base.py": "casework's shared transition (``move``: lock, table, history step, deadlines, audit) "
    "runs inside the calling action's transaction",
    "devtools/seed.py": "development-only demo seeding through actions plus bulk loads",
}


def _writers():
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel.endswith("actions.py") or "/actions/" in rel or rel in ALLOWED:
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if WRITE.search(code):
                yield f"{rel}:{n}: {line.strip()}"


def test_no_orm_writes_outside_actions():
    found = list(_writers())
    assert not found, "ORM writes outside action modules:\n" + "\n".join(found)


def test_the_pattern_tells_orm_writes_from_other_calls():
    for line in (
        "Person.objects.filter(x=1).update(y=2)",
        "Household.unscoped.create(a=1)",
        "person.save()",
        "fact.save(update_fields=['x'])",
        "form.save()",
        "obj.delete()",
    ):
        assert WRITE.search(line), line
    for line in ("wb.save(buf)", "context.update(a=1)", "attrs.update({'x': 1})", "mac.update(data)"):
        assert not WRITE.search(line), line
