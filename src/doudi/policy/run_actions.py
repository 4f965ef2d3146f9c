"""Every write of a ``PolicyRun`` (batch reassessment, what-if simulation) and the audited export of
its results. Creation, completion, failure and exports record an audit event in the same transaction;
progress counters are operational state of a running job and are not audited (one update per chunk).

Who may run: any role that reads the registry (``registry.read``), for a region in its own subtree —
the run reads exactly what the user could read household by household, and writes no decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.policy import run_report
from doudi.policy.models import PolicyRun
from doudi.regions.models import Region

RUN_CAPABILITY = "registry.read"
START_DENIED = "您的角色只能查看测算结果，不能发起批量测算或政策模拟"


class RunError(ValueError):
    """A run refused for a reason shown to the user (Chinese)."""


# who may START a reassessment or a what-if run (a batch write) over their own subtree: the township
# caseworker, the county, city and province officers and the administrator — not the read-only
# auditor, not the grid worker
START_ROLES = frozenset(
    {"township_caseworker", "county_officer", "city_officer", "province_officer", "administrator"}
)


def can_run(user) -> bool:
    """May see runs and their results (the pages, the workbook)."""
    return bool(getattr(user, "pk", None)) and user.can(RUN_CAPABILITY) and bool(user.region_id)


def can_start(user) -> bool:
    return can_run(user) and user.role in START_ROLES


def _check_actor(actor, region_code: str) -> None:
    """A user must be allowed to run and the region must be in the user's subtree; a command or a
    system job (a plain string actor) runs inside the scope its caller set."""
    if not getattr(actor, "pk", None):
        return
    if not can_run(actor):
        raise PermissionError("您的角色无权进行批量测算或政策模拟")
    if not is_within(region_code, actor.region_id):
        raise PermissionError("所选区划不在您的管辖范围内")


def _region(region_code: str) -> str:
    code = str(region_code or "").strip()
    if not (code.isdigit() and len(code) in (6, 9, 12)):
        raise RunError("区划代码应为6位、9位或12位数字")
    code = code.ljust(12, "0")
    if not Region.objects.filter(code=code).exists():
        raise RunError(f"区划 {code} 不存在")
    return code


@transaction.atomic
def create_run(
    *, actor, kind: str, region_code: str, as_of: dt.date, changes: list | None = None
) -> PolicyRun:
    """A queued run of ``kind`` over ``region_code``'s subtree as of ``as_of``."""
    if kind not in PolicyRun.Kind.values:
        raise RunError(f"未知的测算类型：{kind}")
    region_code = _region(region_code)
    _check_actor(actor, region_code)
    if getattr(actor, "pk", None) and not can_start(actor):
        raise PermissionError(START_DENIED)
    run = PolicyRun.unscoped.create(
        kind=kind,
        region_code=region_code,
        as_of=as_of,
        changes=changes or [],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_audit(
        actor=actor,
        action=AuditAction(f"policy.{kind}_create"),
        region_code=region_code,
        subject_type="policy_run",
        subject_id=run.pk,
        after={"kind": kind, "as_of": as_of, "changes": changes or []},
    )
    return run


def start_run(run: PolicyRun, *, total: int) -> None:
    """Mark a run running with its household count (not audited: operational state)."""
    PolicyRun.unscoped.filter(pk=run.pk).update(
        status=PolicyRun.Status.RUNNING, progress_done=0, progress_total=total, error=""
    )
    run.status, run.progress_done, run.progress_total = PolicyRun.Status.RUNNING, 0, total


def record_progress(run: PolicyRun, *, done: int, total: int) -> None:
    """Households processed so far (one update per chunk; not audited)."""
    PolicyRun.unscoped.filter(pk=run.pk).update(progress_done=done, progress_total=total)
    run.progress_done, run.progress_total = done, total


def _headline(summary: dict[str, Any]) -> dict[str, Any]:
    keys = ("households", "assessed", "skipped", "movers", "monthly_total", "cost")
    return {k: summary[k] for k in keys if k in summary}


@transaction.atomic
def finish_run(*, actor, run: PolicyRun, summary: dict[str, Any]) -> PolicyRun:
    total = int(summary.get("households", run.progress_total))
    PolicyRun.unscoped.filter(pk=run.pk).update(
        status=PolicyRun.Status.DONE,
        summary=summary,
        progress_done=total,
        progress_total=total,
        finished_at=timezone.now(),
    )
    record_audit(
        actor=actor,
        action=AuditAction(f"policy.{run.kind}_finish"),
        region_code=run.region_code,
        subject_type="policy_run",
        subject_id=run.pk,
        after=_headline(summary),
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def fail_run(*, actor, run: PolicyRun, error: str) -> PolicyRun:
    message = (error or "未知错误")[:500]
    PolicyRun.unscoped.filter(pk=run.pk).update(
        status=PolicyRun.Status.FAILED, error=message, finished_at=timezone.now()
    )
    record_audit(
        actor=actor,
        action=AuditAction(f"policy.{run.kind}_fail"),
        region_code=run.region_code,
        subject_type="policy_run",
        subject_id=run.pk,
        detail=message,
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def record_simulation(
    *, actor, region_code: str, as_of: dt.date, changes: list, summary: dict[str, Any]
) -> PolicyRun:
    """A finished simulation run (simulations run synchronously): created and completed in one go."""
    run = create_run(
        actor=actor, kind=PolicyRun.Kind.SIMULATION, region_code=region_code, as_of=as_of, changes=changes
    )
    return finish_run(actor=actor, run=run, summary=summary)


@transaction.atomic
def export_run_workbook(*, actor, run: PolicyRun, link_base: str = "") -> bytes:
    """The run's results as an .xlsx workbook, for a user who may see the run; audited (the workbook
    holds per-capita incomes, which are sensitive, R-S5)."""
    _check_actor(actor, run.region_code)
    if run.status != PolicyRun.Status.DONE:
        raise RunError("测算尚未完成，暂不能下载")
    data, rows = run_report.workbook(run, actor=actor, link_base=link_base)
    record_audit(
        actor=actor,
        action=AuditAction(f"policy.{run.kind}_export"),
        region_code=run.region_code,
        subject_type="policy_run",
        subject_id=run.pk,
        after={"rows": rows},
        detail=f"下载{run.get_kind_display()}第{run.pk}号结果（{rows} 户）",
    )
    return data
