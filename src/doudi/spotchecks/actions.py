"""Every write of spot checks (seed §16, §18): draw a round (a set-based random sample of the region subtree's
confirmed cases, refused applications and closed warnings, reproducible from the stored seed), assign an
item, record the finding and the correction, export. Each validates, writes, appends the history and the
audit entry in one transaction."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from doudi.casework.models import Application, Case
from doudi.core.audit import actor_name, record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within, prefix_of
from doudi.core.workdays import add_working_days
from doudi.monitoring.models import EarlyWarning
from doudi.regions.queries import find_region
from doudi.spotchecks import params, rules
from doudi.spotchecks.models import Item, Round, Step

COMMAND = "命令行"
OPEN_CASE_STATES = ("active", "under_review", "adjusted", "grace", "suspended")


class SpotCheckError(ValueError):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


def _label(actor) -> str:
    return actor_name(actor, COMMAND)


def _step(actor, rnd: Round, label: str, *, on: dt.date, item: Item | None = None, note: str = "") -> None:
    Step.unscoped.create(
        round=rnd, item=item, region_code=item.region_code if item else rnd.region_code, label=label, on=on,
        actor=actor if getattr(actor, "pk", None) else None, actor_label=_label(actor), note=note[:2000],
    )  # fmt: skip


def _audit(
    actor, action: AuditAction, *, region_code: str, subject_type: str, subject_id, after, before=None
):
    record_audit(
        actor=actor if getattr(actor, "pk", None) else (actor or COMMAND), action=action,
        region_code=region_code, subject_type=subject_type, subject_id=subject_id, before=before, after=after,
    )  # fmt: skip


def period(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in rules.QUARTERS:
        raise SpotCheckError("季度无效", "quarter")
    if not quarter:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def population(kind: str, prefix: str, start: dt.date, end: dt.date) -> list[tuple[int, str, str]]:
    """(id, region_code, reference) of every subject of ``kind`` in the subtree and period: one query."""
    if kind == "case":
        rows = Case.unscoped.filter(
            region_code__startswith=prefix, state__in=OPEN_CASE_STATES, since__lte=end
        )
        return [(pk, rc, f"救助档案{pk}") for pk, rc in rows.values_list("pk", "region_code")]
    if kind == "refusal":
        apps = Application.unscoped.filter(
            region_code__startswith=prefix, state="refused", decided_on__range=(start, end)
        )
        return list(apps.values_list("pk", "region_code", "number"))
    warnings = EarlyWarning.unscoped.filter(
        region_code__startswith=prefix, status="closed", closed_on__range=(start, end)
    )
    return [(pk, rc, f"预警{pk}") for pk, rc in warnings.values_list("pk", "region_code")]


def _drawing_region(actor, region_code: str | None):
    code = str(region_code or getattr(actor, "region_id", "") or "").ljust(12, "0")
    region = find_region(code)
    if region is None or region.level not in rules.LEVELS:
        raise SpotCheckError("抽查须由县级、市级或省级在本级行政区划内组织", "region")
    if getattr(actor, "pk", None):
        if not actor.can("spotchecks.draw"):
            raise PermissionError("您的角色不能组织抽查")
        if region.code != str(actor.region_id).ljust(12, "0"):
            raise SpotCheckError("只能在本级行政区划内抽取样本", "region")
    return region


@transaction.atomic
def draw_round(
    *,
    actor,
    year: int,
    quarter: int = 0,
    kinds: list[str] | tuple[str, ...] = tuple(rules.KINDS),
    region_code: str | None = None,
    share: float | None = None,
    min_count: int | None = None,
    seed: int | None = None,
    on: dt.date | None = None,
) -> Round:
    on = on or timezone.localdate()
    region = _drawing_region(actor, region_code)
    kinds = [k for k in rules.KINDS if k in set(kinds)]
    if not kinds:
        raise SpotCheckError("请选择抽查类别", "kinds")
    if share is not None and not 0 < float(share) <= 1:
        raise SpotCheckError("抽查比例应大于0且不超过1", "share")
    start, end = period(int(year), int(quarter))
    shares = {
        k: str(
            share
            if share is not None
            else params.value(f"spotcheck.share.{k}", region_code=region.code, on=on)
        )
        for k in kinds
    }
    minimum = int(
        min_count
        if min_count is not None
        else params.days("spotcheck.min_count", region_code=region.code, on=on)
    )
    seed = int(seed) if seed is not None else secrets.randbits(62)
    due = add_working_days(on, params.days("spotcheck.check_wd", region_code=region.code, on=on))
    prefix = prefix_of(region.code)
    rnd = Round.unscoped.create(
        region_code=region.code, level=region.level, year=year, quarter=quarter, period_from=start, period_to=end,
        kinds=kinds, shares=shares, min_count=minimum, seed=seed, drawn_by=actor if getattr(actor, "pk", None) else None,
        drawn_by_label=_label(actor), drawn_on=on,
    )  # fmt: skip
    items, sizes = [], {}
    for i, kind in enumerate(kinds):  # one query per kind, not per subject
        pop = {pk: (rc, ref) for pk, rc, ref in population(kind, prefix, start, end)}
        sizes[kind] = len(pop)
        for pk in rules.draw(list(pop), float(shares[kind]), minimum, seed + i):
            rc, ref = pop[pk]
            items.append(
                Item(round=rnd, kind=kind, subject_id=pk, subject_ref=ref[:40], region_code=rc, due=due)
            )
    Item.unscoped.bulk_create(items, batch_size=2000)
    rnd.population = sizes
    if not items:
        rnd.state = "done"
    rnd.save(update_fields=["population", "state"])
    note = "；".join(f"{rules.KINDS[k]}{sizes[k]}件抽{sum(1 for x in items if x.kind == k)}件" for k in kinds)
    _step(actor, rnd, "抽取样本", on=on, note=note)
    _audit(actor, AuditAction.SPOTCHECK_DRAW, region_code=rnd.region_code, subject_type="spotcheck_round",
           subject_id=rnd.pk, after={"seed": seed, "shares": shares, "min_count": minimum, "population": sizes,
                                     "drawn": len(items)})  # fmt: skip
    return rnd


def why_not(user, rnd: Round) -> str:
    """ "" when ``user`` may work on the round's items, else the reason."""
    if not (getattr(user, "is_active", False) and user.can("spotchecks.write")):
        return "您的角色不能登记抽查核查结果"
    if not (user.region_id and is_within(rnd.region_code, user.region_id)):
        return "该抽查不在您的管辖范围内"
    return ""


def _check(actor, item: Item) -> None:
    if getattr(actor, "pk", None) and (reason := why_not(actor, item.round)):
        raise PermissionError(reason)


def _locked(item: Item) -> Item:
    return Item.unscoped.select_for_update().select_related("round").get(pk=item.pk)


def _finish_round(actor, rnd: Round, on: dt.date) -> None:
    if rnd.state == "open" and not Item.unscoped.filter(round=rnd).exclude(state__in=rules.CLOSED).exists():
        Round.unscoped.filter(pk=rnd.pk).update(state="done")
        _step(actor, rnd, "抽查核查全部完成", on=on)


def may_be_assigned(user, rnd: Round) -> bool:
    return bool(
        user is not None and user.is_active and user.role in rules.ROLE_LEVEL and user.region_id
        and is_within(user.region_id, rnd.region_code)
    )  # fmt: skip


@transaction.atomic
def assign(*, actor, item: Item, assignee, on: dt.date | None = None) -> Item:
    on = on or timezone.localdate()
    item = _locked(item)
    _check(actor, item)
    if item.state in rules.CLOSED:
        raise SpotCheckError("该事项已办结，不能再指派", "assignee")
    if not may_be_assigned(assignee, item.round):
        raise SpotCheckError("所选人员不在本次抽查的范围内", "assignee")
    before = item.assigned_to_id
    item.assigned_to = assignee
    item.save(update_fields=["assigned_to"])
    _step(actor, item.round, "指派核查人员", on=on, item=item, note=_label(assignee))
    _audit(actor, AuditAction.SPOTCHECK_ASSIGN, region_code=item.region_code, subject_type="spotcheck_item",
           subject_id=item.pk, before={"assigned_to": before}, after={"assigned_to": assignee.pk})  # fmt: skip
    return item


@transaction.atomic
def record_finding(
    *, actor, item: Item, result: str, category: str = "", note: str = "", on: dt.date | None = None
) -> Item:
    on = on or timezone.localdate()
    item = _locked(item)
    _check(actor, item)
    if item.state != "pending":
        raise SpotCheckError("该事项已登记核查结论", "result")
    if result not in rules.RESULTS:
        raise SpotCheckError("请选择核查结论", "result")
    if result == "problem" and category not in rules.CATEGORIES:
        raise SpotCheckError("发现问题时须选择问题类别", "category")
    if result == "problem" and not note.strip():
        raise SpotCheckError("发现问题时须填写核查情况", "note")
    item.result, item.category, item.note, item.checked_on = (
        result,
        category if result == "problem" else "",
        note,
        on,
    )
    if result == "problem":
        item.state = "checked"
        wd = params.days("spotcheck.correction_wd", region_code=item.round.region_code, on=on)
        item.correction_due = add_working_days(on, wd)
    else:
        item.state = "no_correction"
    item.save(update_fields=["result", "category", "note", "checked_on", "state", "correction_due"])
    label = f"核查结论：{item.result_label}" + (f"（{item.category_label}）" if item.category else "")
    _step(actor, item.round, label, on=on, item=item, note=note)
    _audit(actor, AuditAction.SPOTCHECK_FINDING, region_code=item.region_code, subject_type="spotcheck_item",
           subject_id=item.pk, after={"result": result, "category": item.category, "state": item.state})  # fmt: skip
    _finish_round(actor, item.round, on)
    return item


@transaction.atomic
def record_correction(*, actor, item: Item, correction: str, on: dt.date | None = None) -> Item:
    on = on or timezone.localdate()
    item = _locked(item)
    _check(actor, item)
    if item.state != "checked":
        raise SpotCheckError("只有发现问题的事项需要登记整改", "correction")
    if not correction.strip():
        raise SpotCheckError("请填写整改措施", "correction")
    item.correction, item.corrected_on, item.state = correction, on, "corrected"
    item.save(update_fields=["correction", "corrected_on", "state"])
    _step(actor, item.round, "登记整改", on=on, item=item, note=correction)
    _audit(actor, AuditAction.SPOTCHECK_CORRECTION, region_code=item.region_code, subject_type="spotcheck_item",
           subject_id=item.pk, after={"state": "corrected", "corrected_on": on.isoformat()})  # fmt: skip
    _finish_round(actor, item.round, on)
    return item


@transaction.atomic
def record_export(*, actor, rnd: Round, rows: int) -> None:
    _audit(actor, AuditAction.SPOTCHECK_EXPORT, region_code=rnd.region_code, subject_type="spotcheck_round",
           subject_id=rnd.pk, after={"rows": rows})  # fmt: skip
