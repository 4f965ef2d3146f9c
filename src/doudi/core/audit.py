"""Recording and verifying the audit trail (DOMAIN R-S5).

``record_audit`` is called only from actions (and the reveal/read helpers), inside the caller's
transaction, so an audit row exists exactly when the write it describes was committed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from doudi.core import audit_anchor
from doudi.core.audit_actions import AuditAction
from doudi.core.crypto import hmac_sm3_hex, sm3_hex
from doudi.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates, decimals as strings) so what is stored is exactly what was hashed."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _content(ev: AuditEvent) -> bytes:
    body = {
        "at": ev.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": ev.actor_id,
        "actor": ev.actor_label,
        "action": ev.action,
        "subject_type": ev.subject_type,
        "subject_id": ev.subject_id,
        "region": ev.region_code,
        "before": ev.before,
        "after": ev.after,
        "detail": ev.detail,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, ev: AuditEvent, *, keyed: bool = True) -> str:
    """The link of ``ev``: SM3-HMAC keyed with the audit key (outside the database); plain SM3 for
    the events chained before the key existed (``audit_anchor.legacy_count``)."""
    data = prev_hash.encode() + _content(ev)
    return hmac_sm3_hex(settings.DOUDI_AUDIT_KEY, data) if keyed else sm3_hex(data)


def actor_name(actor, default: str) -> str:
    """How a step names who took it: a user's display name (or username); a command's or job's own label;
    ``default`` when there is none (the public form, the system)."""
    if getattr(actor, "pk", None):
        return getattr(actor, "display_name", "") or actor.get_username()
    return str(actor or default)


def record_audit(
    *,
    actor,
    action: AuditAction | str,
    region_code: str,
    subject_type: str = "",
    subject_id: str | int = "",
    before: Any = None,
    after: Any = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the writer's atomic block."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_audit must be called inside the action's transaction")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    user = actor if getattr(actor, "pk", None) else None
    ev = AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else str(actor or "system"))[:150],
        action=str(action),  # the member's value: what the chain hashes and the row stores
        subject_type=subject_type,
        subject_id=str(subject_id),
        region_code=region_code or "",
        before=_plain(before),
        after=_plain(after),
        detail=detail[:500],
        prev_hash=head.last_hash,
    )
    ev.hash = chain_hash(head.last_hash, ev, keyed=head.count >= audit_anchor.legacy_count(head.count))
    ev.save()
    head.last_hash = ev.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    every = int(getattr(settings, "DOUDI_AUDIT_ANCHOR_EVERY", 100) or 0)
    if every and head.count % every == 0:
        count, last = head.count, ev.hash
        transaction.on_commit(lambda: audit_anchor.checkpoint(count, last))
    return ev


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None  # id of the first event whose link does not hold
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; stop at the first broken link (altered, removed or forged,
    or recomputed without the key), then hold it against the signed anchors outside the database
    (catches the newest events removed with the head adjusted)."""
    try:
        anchors = audit_anchor.read()
        head = AuditHead.objects.filter(id=1).first()
        legacy = audit_anchor.legacy_count(head.count if head else 0)
    except audit_anchor.AnchorError as exc:
        return ChainReport(False, 0, None, str(exc))
    at_count = {a.count: a.head for a in anchors if a.kind == "checkpoint"}
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows: Iterable[AuditEvent] = list(
            AuditEvent.unscoped.filter(id__gt=last_id).order_by("id")[:batch_size]
        )
        if not rows:
            break
        for ev in rows:
            if ev.prev_hash != prev:
                return ChainReport(False, checked, ev.id, "上一条记录缺失或被改动（链接不连续）")
            if chain_hash(prev, ev, keyed=checked >= legacy) != ev.hash:
                return ChainReport(False, checked, ev.id, "记录内容与其哈希不符（被篡改或未用审计密钥计算）")
            prev = ev.hash
            checked += 1
            last_id = ev.id
            if checked in at_count and at_count[checked] != ev.hash:
                return ChainReport(False, checked, ev.id, "与链外锚点记录的链头不符（链被改写）")
    if head and (head.last_hash != prev or head.count != checked):
        return ChainReport(False, checked, None, "链尾与记录数不符（末尾记录被删除）")
    if at_count and max(at_count) > checked:
        return ChainReport(
            False, checked, None, f"记录数少于链外锚点（锚点记录 {max(at_count)} 条，末尾记录被删除）"
        )
    return ChainReport(True, checked)


def checkpoint() -> ChainReport:
    """Verify the chain and, when it holds, anchor its head outside the database."""
    report = verify_chain()
    if report.ok:
        head = AuditHead.objects.filter(id=1).first()
        if head and head.count:
            audit_anchor.checkpoint(head.count, head.last_hash)
    return report


@transaction.atomic
def record_read(
    *, actor, action: AuditAction | str, region_code: str, subject_type: str, subject_id, detail: str
):
    """Log a sensitive read (e.g. revealing a full identity number)."""
    return record_audit(
        actor=actor,
        action=action,
        region_code=region_code,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )
