"""Grassroots reports (铁脚板, R-M17): a grid worker's report or a member of the public's report of a
family in difficulty becomes a ``GrassrootsReport`` and a W-RPT warning in the township's inbox."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doudi.core import tracking
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import clean_name
from doudi.core.crypto import blind_index
from doudi.core.scoping import is_within
from doudi.monitoring.loop.base import (
    MonitoringError,
    audit_warning,
    chain,
    deadline_for,
    notify_township,
    warning_link,
)
from doudi.monitoring.loop.warning_actions import raise_warning
from doudi.monitoring.models import ChainEvent, EarlyWarning, GrassrootsReport, Indicator, WarningLevel
from doudi.regions.models import Region

PUBLIC_LIMIT_PER_HOUR = 5


class RateLimited(Exception):
    """Too many public reports from one address in the last hour."""


def client_hash(address: str | None) -> str:
    """A keyed hash of the sender's address: enough to count reports, not to recover the address."""
    return blind_index(f"report-client:{address}") if address else ""


def public_reports_last_hour(address: str | None) -> int:
    if not address:
        return 0
    since = timezone.now() - dt.timedelta(hours=1)
    return GrassrootsReport.unscoped.filter(
        client_hash=client_hash(address), reporter__isnull=True, created_at__gte=since
    ).count()


@transaction.atomic
def submit_report(
    *,
    actor_or_none,
    region_code: str,
    household=None,
    subject_name: str = "",
    address: str = "",
    description: str,
    contact: str = "",
    client_address: str | None = None,
) -> GrassrootsReport:
    """Record a report and open a W-RPT warning dispatched straight to the township (the report
    names the township, so it skips the county's dispatch step). With a registered ``household``
    the warning is that household's (merged with an open report warning of the household)."""
    actor = actor_or_none if getattr(actor_or_none, "pk", None) else None
    region = Region.objects.filter(code=str(region_code or "")).first()
    if region is None or region.level not in ("township", "village"):
        raise MonitoringError("请选择所在乡镇（街道）")
    township = region.code if region.level == "township" else region.parent_id
    if township is None:  # a village always has its township as parent
        raise MonitoringError("请选择所在乡镇（街道）")
    description = (description or "").strip()
    if len(description) < 5:
        raise MonitoringError("请简要说明困难情况（至少5个字）")
    subject_name, bad_name = clean_name(subject_name)  # the name check of every door (core.cells)
    if bad_name:
        raise MonitoringError(bad_name)
    if actor is not None:
        if not actor.can("monitoring.report"):
            raise MonitoringError("您的角色不能提交报告")
        mine = bool(actor.region_id) and (
            is_within(region.code, actor.region_id) or is_within(actor.region_id, township)
        )
        if not mine:
            raise MonitoringError("只能报告您所在乡镇（街道）的情况")
    elif public_reports_last_hour(client_address) >= PUBLIC_LIMIT_PER_HOUR:
        raise RateLimited("提交过于频繁，请一小时后再试")
    if household is not None and not is_within(household.region_code, township):
        raise MonitoringError("该家庭不在所选乡镇（街道）")
    report = GrassrootsReport.unscoped.create(
        region_code=household.region_code if household is not None else region.code,
        reporter=actor,
        reporter_contact=(contact or "").strip()[:100],
        household=household,
        subject_name=subject_name[:64],
        address=(address or "").strip()[:200],
        description=description[:4000],
        client_hash="" if actor else client_hash(client_address),
        tracking_code=None if actor else tracking.new_code(),
    )
    source = "网格员报告" if actor else "群众报告"
    evidence = [
        {
            "source": source,
            "batch_id": None,
            "record_id": f"report:{report.pk}",
            "detail": description[:200],
            "address": report.address,
        }
    ]
    today = timezone.localdate()
    if household is not None:
        warning = raise_warning(
            actor=actor or "公众",
            household=household,
            indicator=Indicator.REPORT,
            level=WarningLevel.YELLOW,
            raised_on=today,
            evidence=evidence,
            status=EarlyWarning.Status.DISPATCHED,
            township_code=township,
        )
    else:
        warning = _report_warning(actor, report, township, today, evidence)
    report.warning = warning
    report.save(update_fields=["warning"])
    chain(
        household_id=report.household_id,
        region_code=report.region_code,
        kind=ChainEvent.Kind.REPORT,
        ref=report,
        actor=actor,
        summary=f"{source}：{description[:100]}",
        data={"report": report.pk, "warning": warning.pk},
    )
    record_audit(
        actor=actor or "公众",
        action=AuditAction.MONITORING_REPORT,
        region_code=report.region_code,
        subject_type="report",
        subject_id=report.pk,
        after={"warning": warning.pk, "household": report.household_id, "township": township},
    )
    return report


def _report_warning(actor, report: GrassrootsReport, township: str, today: dt.date, evidence) -> EarlyWarning:
    deadline = deadline_for(level=WarningLevel.YELLOW, raised_on=today, region_code=township)
    warning = EarlyWarning.unscoped.create(
        indicator=Indicator.REPORT,
        level=WarningLevel.YELLOW,
        status=EarlyWarning.Status.DISPATCHED,
        dedupe_key=f"{Indicator.REPORT}:r{report.pk}",
        raised_on=today,
        deadline=deadline,
        region_code=report.region_code,
        township_code=township,
        evidence=evidence,
    )
    audit_warning(
        actor or "公众",
        AuditAction.MONITORING_WARNING_RAISE,
        warning,
        after={
            "indicator": Indicator.REPORT,
            "level": WarningLevel.YELLOW,
            "deadline": deadline,
            "report": report.pk,
        },
    )
    notify_township(
        warning, f"收到{'网格员' if actor else '群众'}报告的困难线索，请指派核查", warning_link(warning.pk)
    )
    return warning
