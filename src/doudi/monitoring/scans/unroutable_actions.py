"""The province officer's answer to a department record no region routes (``monitoring.routing``): after
checking where the person lives, transfer it to a county. The record becomes (or joins) the person's
potential case for that county (R-M16) with a W-NEW warning in the county inbox, like any case known by
its county; every unroutable record of the same person goes with it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import Role
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.monitoring.evidence import merge_evidence
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.loop.warning_actions import raise_warning
from doudi.monitoring.models import Indicator, PotentialCase, UnroutableRecord
from doudi.monitoring.scans import params
from doudi.monitoring.scans.discovery import UNKNOWN_MASK
from doudi.regions.models import Region


def _signals(rows: list[UnroutableRecord]) -> list[dict]:
    return [
        {"dataset": r.dataset, "batch_id": r.batch_id, "record_id": r.record_id, "signal": r.signal,
         "detail": r.detail, **({"as_of": r.event_date.isoformat()} if r.event_date else {})}
        for r in rows
    ]  # fmt: skip


@transaction.atomic
def transfer(*, actor, record: UnroutableRecord, county_code: str) -> PotentialCase:
    """Route an unroutable record (and the person's other unroutable records) to a county."""
    if getattr(actor, "role", None) != Role.PROVINCE:
        raise FlowDenied("只有省级民政可以转交无法分派的记录")
    record = UnroutableRecord.unscoped.select_for_update().get(pk=record.pk)
    if record.routed_to:
        raise MonitoringError("该记录已转交")
    county = Region.objects.filter(code=str(county_code), level="county").first()
    if county is None:
        raise MonitoringError("请选择县（市、区）")
    same = UnroutableRecord.unscoped.select_for_update().filter(routed_to="")
    rows = list(same.filter(id_index=record.id_index) if record.id_index else same.filter(pk=record.pk))
    signals = _signals(rows)
    today = timezone.localdate()
    case = (
        PotentialCase.unscoped.select_for_update()
        .filter(id_index=record.id_index, status=PotentialCase.Status.OPEN)
        .first()
        if record.id_index
        else None
    )
    if case is None:
        case = PotentialCase.unscoped.create(
            region_code=county.code, name=record.name, id_index=record.id_index,
            id_masked=record.id_masked or UNKNOWN_MASK, birth_date=record.birth_date, sex=record.sex,
            signals=signals, first_seen=min((r.event_date or today) for r in rows),
        )  # fmt: skip
    else:
        case.signals, _ = merge_evidence(case.signals or [], signals)
        case.save(update_fields=["signals"])
    level = params.resolve(case.region_code, "urban", today)["new_level"]
    raise_warning(
        actor=actor, potential_case=case, indicator=Indicator.DISCOVERY, level=level, raised_on=today,
        evidence=[{"source": "主动发现", **s} for s in signals], source_batch_id=record.batch_id,
    )  # fmt: skip
    now = timezone.now()
    UnroutableRecord.unscoped.filter(pk__in=[r.pk for r in rows]).update(routed_to=county.code, routed_at=now)
    record_audit(
        actor=actor,
        action=AuditAction.MONITORING_UNROUTABLE_TRANSFER,
        region_code=county.code,
        subject_type="potential_case",
        subject_id=case.pk,
        after={"county": county.code, "records": len(rows)},
        detail=f"无法分派的部门记录 {len(rows)} 条转交{county.full_name or county.name}",
    )
    return case
