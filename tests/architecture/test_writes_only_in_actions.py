"""Every write to a domain model goes through an action module (DEVELOPERS guide, Zulip's rule).

Scans the source for ORM write calls and fails when one appears outside the modules allowed to
write. A new writer module must be an action module (named ``actions.py`` or listed below with a
reason)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"
WRITE = re.compile(r"\.(save|delete|bulk_create|bulk_update|update|create|get_or_create|update_or_create)\(")
# modules that are action modules by another name, with why
ALLOWED = {
    "core/audit.py": "appends the audit chain inside the caller's transaction",
    "accounts/auth.py": "login-failure counter for throttling, not a domain record",
    "registry/roster.py": "the roster import action (bulk writes + its audit event)",
    "devtools/seed.py": "development-only demo seeding through actions plus bulk loads",
}
# receivers that are plainly not ORM objects
NOT_ORM = re.compile(r"(hasher|hash|mac|dict|set|sha|digest|cipher|enc|dec|h|parser|counter|kwargs|params|data|out|row|rows|cache|payload|mapping)\.(update)\(")


def _writers():
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel.endswith("actions.py") or "/actions/" in rel or rel in ALLOWED:
            continue
        if "/management/commands/" in rel or "/tests/" in rel:
            # commands must call actions too; checked like any module below
            pass
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if WRITE.search(code) and not NOT_ORM.search(code):
                yield f"{rel}:{n}: {line.strip()}"


def test_no_orm_writes_outside_actions():
    found = list(_writers())
    assert not found, "ORM writes outside action modules:\n" + "\n".join(found)
