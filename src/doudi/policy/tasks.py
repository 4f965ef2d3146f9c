"""Background batch reassessment (``django.tasks``; backend django-tasks-db, worker ``doudi db_worker``).

``start_reassessment`` creates the run and enqueues ``reassess_run`` once the creating transaction
commits; ``execute`` is the work itself (also called synchronously by ``doudi reassess``): it runs
inside the run's region scope, records progress per chunk and finishes or fails the run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.tasks import task

from doudi.core.scoping import using_scope
from doudi.policy import batch, run_actions
from doudi.policy.extract import CHUNK_HOUSEHOLDS
from doudi.policy.models import PolicyRun

logger = logging.getLogger(__name__)
TASK_ACTOR = "批量复核测算任务"
ENQUEUE_FAILED = "无法提交后台任务，请联系系统管理员检查任务队列（doudi db_worker）"


def start_reassessment(*, actor, region_code: str, as_of: dt.date) -> PolicyRun:
    """Create a queued reassessment run and hand it to the task queue."""
    with transaction.atomic():
        run = run_actions.create_run(
            actor=actor, kind=PolicyRun.Kind.REASSESSMENT, region_code=region_code, as_of=as_of
        )
    try:
        reassess_run.enqueue(run.pk)
    except Exception as exc:  # a broken queue must not leave a run "queued" forever
        logger.exception("could not enqueue reassessment run %s", run.pk)
        run_actions.fail_run(actor=actor, run=run, error=f"{ENQUEUE_FAILED}（{exc.__class__.__name__}）")
    run.refresh_from_db()
    return run


@task()
def reassess_run(run_id: int) -> dict:
    """The queued job: reassess the run's scope; returns the headline figures."""
    run = PolicyRun.unscoped.get(pk=run_id)
    if run.status != PolicyRun.Status.QUEUED:
        return {"skipped": f"run {run_id} is {run.status}"}
    run = execute(run)
    return {"status": run.status, "households": run.summary.get("households", 0)}


def execute(
    run: PolicyRun,
    *,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
) -> PolicyRun:
    """Run a reassessment now, in the run's region scope; the run ends done or failed (never raises
    for a failure of the work itself — the error is stored on the run)."""
    actor = actor or run.created_by or TASK_ACTOR

    def report(done: int, total: int) -> None:
        if run.status != PolicyRun.Status.RUNNING:
            run_actions.start_run(run, total=total)
        else:
            run_actions.record_progress(run, done=done, total=total)
        if progress:
            progress(done, total)

    try:
        with using_scope(run.region_code):
            summary = batch.reassess(
                region_code=run.region_code,
                as_of=run.as_of,
                out_dir=batch.store_dir(run.pk),
                progress=report,
                chunk_size=chunk_size or CHUNK_HOUSEHOLDS,
            )
    except Exception as exc:
        logger.exception("reassessment run %s failed", run.pk)
        return run_actions.fail_run(actor=actor, run=run, error=f"测算失败：{exc}")
    return run_actions.finish_run(actor=actor, run=run, summary=summary)
