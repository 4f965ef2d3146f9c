"""Reading the audit log as a supervision tool (DOMAIN R-S5, issue 14 item 6): filters by person
(identity number through the blind index), actor, region, action and date; the supervisors' own page
views (``audit.supervisor_access``) kept apart from the work they audit; the Excel export.

Every read goes through ``AuditEvent.objects`` (the caller's region subtree); a region asked for
outside it finds nothing. Persons are found by the apps that own them: an app registers a resolver
(``register_person_subjects``) that maps a blind index to the audit subjects of the persons *in the
current scope* (``("person", pk)``, ``("household", pk)``), so core imports no app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from doudi.core import crypto, idnumber
from doudi.core.audit import record_audit, verify_chain
from doudi.core.audit_actions import AuditAction
from doudi.core.audit_labels import action_label, actor_label, subject_label
from doudi.core.middleware import mask_id_runs
from doudi.core.models import AuditEvent
from doudi.core.scoping import prefix_of, require_scope
from doudi.core.workbook import sheet_bytes

PAGE_VIEW = AuditAction.AUDIT_SUPERVISOR_ACCESS.value
EXPORT_LIMIT = 100_000

SubjectResolver = Callable[[str], Iterable[tuple[str, str | int]]]
_resolvers: dict[str, SubjectResolver] = {}


def register_person_subjects(name: str, resolver: SubjectResolver) -> None:
    """``resolver(blind_index)`` → the audit subjects of the persons with that index in the current
    scope; idempotent (``AppConfig.ready`` may run twice)."""
    _resolvers[name] = resolver


def person_index(raw: str) -> str | None:
    """The blind index of an identity number as the registry stores it (``registry.identity.index_for``)."""
    check = idnumber.validate(raw)
    if check.problem == idnumber.IdProblem.EMPTY:
        return None
    return crypto.blind_index(check.normalized)


def person_subjects(raw: str) -> set[tuple[str, str]]:
    index = person_index(raw)
    if not index:
        return set()
    return {(t, str(i)) for resolver in _resolvers.values() for t, i in resolver(index)}


@dataclass(frozen=True)
class AuditFilter:
    page_views: bool = False  # the supervisors' own requests, shown apart from the work audited
    id_number: str = ""
    actor: str = ""
    region: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def region_in_scope(code: str) -> str | None:
    """The subtree prefix of ``code`` when it lies in the caller's scope, else None."""
    prefix = prefix_of(code.strip())
    return prefix if prefix.startswith(require_scope().prefix) else None


def events(f: AuditFilter) -> QuerySet[AuditEvent]:
    """The caller's audit rows matching ``f``, newest first."""
    qs = AuditEvent.objects.select_related("actor").order_by("-id")
    qs = qs.filter(action=PAGE_VIEW) if f.page_views else qs.exclude(action=PAGE_VIEW)
    if f.id_number.strip():
        subjects = person_subjects(f.id_number)
        if not subjects:
            return qs.none()
        match = Q()
        for subject_type, subject_id in sorted(subjects):
            match |= Q(subject_type=subject_type, subject_id=subject_id)
        qs = qs.filter(match)
    if f.actor.strip():
        qs = qs.filter(actor_label=f.actor.strip())
    if f.region.strip():
        prefix = region_in_scope(f.region)
        if prefix is None:
            return qs.none()
        qs = qs.filter(region_code__startswith=prefix)
    if f.action and not f.page_views:
        qs = qs.filter(action=f.action)
    if f.since:
        qs = qs.filter(at__date__gte=f.since)
    if f.until:
        qs = qs.filter(at__date__lte=f.until)
    return qs


def action_choices() -> list[tuple[str, str]]:
    """Every action of the work log by its Chinese name (page views have their own tab)."""
    return [(a.value, a.label) for a in AuditAction if a.value != PAGE_VIEW]


def labelled(rows: Iterable[AuditEvent], region_names: dict[str, str]) -> list[dict]:
    """Rows as the page and the export show them: Chinese names, identity numbers masked."""
    return [
        {
            "event": e,
            "action_label": action_label(e.action),
            "subject_label": subject_label(e.subject_type),
            "actor_label": actor_label(e.actor_label),
            "actor_name": (e.actor.label if e.actor else ""),
            "region_name": region_names.get(e.region_code, e.region_code),
            "detail": mask_id_runs(e.detail or ""),  # rows logged before numbers were hidden
        }
        for e in rows
    ]


EXPORT_COLUMNS = ["时间", "操作人", "账号", "操作", "对象类型", "对象编号", "区划", "说明"]


def export_book(
    qs: QuerySet[AuditEvent], names_for: Callable[[set[str]], dict[str, str]], title: str
) -> tuple[bytes, int]:
    """The filtered rows as an Excel workbook (all in Chinese, formula-safe); (bytes, row count)."""
    items = list(qs[:EXPORT_LIMIT])
    rows = labelled(items, names_for({e.region_code for e in items}))
    return sheet_bytes(
        title,
        EXPORT_COLUMNS,
        (
            [
                timezone.localtime(r["event"].at).strftime("%Y-%m-%d %H:%M:%S"),
                r["actor_name"] or r["actor_label"],
                r["actor_label"] if r["actor_name"] else "",
                r["action_label"],
                r["subject_label"] if r["event"].subject_type else "",
                r["event"].subject_id,
                r["region_name"],
                r["detail"],
            ]
            for r in rows
        ),
    )


@transaction.atomic
def record_export(*, actor, rows: int, page_views: bool) -> None:
    """The export is itself in the log (R-S5)."""
    what = "审计/纪检人员访问记录" if page_views else "审计日志"
    record_audit(
        actor=actor,
        action=AuditAction.AUDIT_EXPORT,
        region_code=getattr(actor, "region_id", "") or "",
        subject_type="audit_log",
        detail=f"导出{what} {rows} 条",
    )


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    checked: int
    checked_at: dt.datetime
    reason: str = ""
    broken_id: int | None = None
    broken_at: dt.datetime | None = None  # when the first broken entry was recorded


def chain_status() -> ChainStatus:
    """``verify_chain`` (the chain is one for the whole log, as ``doudi audit verify`` walks it) with
    the time of the check and of the first broken entry."""
    report = verify_chain()
    broken = (
        AuditEvent.unscoped.filter(id=report.broken_at).values_list("at", flat=True).first()
        if report.broken_at
        else None
    )
    return ChainStatus(report.ok, report.checked, timezone.now(), report.reason, report.broken_at, broken)
