"""The ``doudi`` console command: Django's management utility with Doudi's settings.

Before a command that works on data runs, the database is checked to be initialised and current: on a data
directory where ``doudi init`` has not run (or after an upgrade that brought new migrations) the user gets one
Chinese line and exit status 2 instead of a Django traceback.
"""

import os
import sys

# Commands that need no initialised database (they create it, inspect the code, or only print help).
NEEDS_NO_DATABASE = frozenset(
    {
        "init",
        "migrate",
        "help",
        "version",
        "check",
        "makemigrations",
        "showmigrations",
        "sqlmigrate",
        "squashmigrations",
        "diffsettings",
        "collectstatic",
        "findstatic",
        "startapp",
        "startproject",
        "test",
        "testserver",
        "dbshell",
        "optimizemigration",
    }
)


def _command_name(argv: list[str]) -> str | None:
    for arg in argv[1:]:
        if not arg.startswith("-"):
            return arg
    return None


def database_problem() -> str | None:
    """A Chinese sentence saying why the database cannot be used yet, or None when it is ready."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import Error as DatabaseError

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        applied = executor.loader.applied_migrations
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"无法连接数据库（{first_line}），请检查 DATABASE_URL 或数据目录。"
    if not applied:
        return "数据目录尚未初始化，请先运行 ./doudi init（或 make demo）。"
    if pending:
        return "数据库结构需要升级，请先运行 ./doudi init。"
    return None


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    command = _command_name(sys.argv)
    if command is not None and command not in NEEDS_NO_DATABASE and not {"--help", "-h"} & set(sys.argv[2:]):
        import django

        django.setup()
        problem = database_problem()
        if problem is not None:
            sys.stderr.write(problem + "\n")
            sys.exit(2)

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
