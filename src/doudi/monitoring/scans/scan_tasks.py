"""A full scan in the background (``django.tasks``; worker ``doudi db_worker``): ``scan_all_task``.

The incremental scan of a batch just linked from a page or the API is queued by the pipeline
(``pipeline.tasks``); the command line runs ``doudi monitor run`` instead (see
``monitoring/management/commands/monitor.py`` for the command order).
"""

from __future__ import annotations

from django.tasks import task

from doudi.core.scoping import all_regions

TASK_ACTOR = "监测预警扫描任务"


@task()
def scan_all_task(as_of: str | None = None) -> dict:
    """The monthly full scan (``as_of`` ISO date, default today)."""
    import datetime as dt

    from doudi.monitoring.scans.scan import scan_all

    with all_regions():
        result = scan_all(dt.date.fromisoformat(as_of) if as_of else None, actor=TASK_ACTOR)
    return {"as_of": result.as_of.isoformat(), "new": result.total("new"), "merged": result.total("merged")}
