"""Small helpers shared by the ``doudi`` management commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def date_option(text: str) -> dt.date:
    """A YYYY-MM-DD option value, or the command's exit code 2 with a Chinese message."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}", returncode=2) from exc
