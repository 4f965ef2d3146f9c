"""Needs pushed by rule (R-P1): set-based reconciliation of "due needs" (``policy.rules.entitlements`` over
``persons.load``) with the live rule pushes (``NeedPush`` with ``source=rule`` and no ``ended_on``).

* a due need without a live push is pushed once, to the department of the person's region, with its
  answer deadline in working days on the holiday calendar (``due_on``);
* a live push no longer due ends (``ended_on``); one the department had not answered yet (pushed or
  accepted) is withdrawn (已撤回) with the reason; given and declined answers stay as they were;
* nothing else changes: running it again the same day writes nothing (idempotent).

Every push and withdrawal lands on the household's chain (``ChainEvent``, bulk-inserted); the department
users of the region get one notification per day; one audit event sums the run up.

Triggers: ``reconcile_households`` inside the casework transaction of one household (the listener
``on_casework_event``), ``reconcile_all`` in the daily pass and ``doudi needs push``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from doudi.accounts.models import Role, User
from doudi.casework.events import CaseChange, CaseworkEvent
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.monitoring.loop.notify_actions import notify_many
from doudi.monitoring.models import ChainEvent, NeedPush, Notification
from doudi.monitoring.needs import params, persons, push_sql
from doudi.monitoring.needs import sqlarrow as Q_
from doudi.policy.rules import entitlements as E

BATCH = 2000
ANALYZE_AFTER = 50_000  # rows written by a pass after which PostgreSQL's statistics are refreshed
KEY = 256  # person × need as one integer: person_id * KEY + the need's number (entitlements < KEY)
OPEN = (NeedPush.Status.PUSHED, NeedPush.Status.ACCEPTED)
QUEUE_LINK = "/monitoring/needs/"
# the case's changes after which a household's needs are reconciled at once
RECONCILE_ON = frozenset(
    {
        CaseChange.ADJUSTED,
        CaseChange.GRACE_ENDED,
        CaseChange.TERMINATED,
        CaseChange.TRANSITIONED,
        CaseChange.DEATH,
        CaseChange.MOVED,
    }
)


@dataclass
class PushResult:
    as_of: dt.date
    pushed: int = 0
    withdrawn: int = 0
    ended: int = 0
    persons: int = 0
    by_department: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "pushed": self.pushed,
            "withdrawn": self.withdrawn,
            "ended": self.ended,
            "persons": self.persons,
            "by_department": dict(sorted(self.by_department.items())),
        }


def due_needs(as_of: dt.date, household_ids: Iterable[int] | None = None) -> tuple[pa.Table, pa.Table]:
    """(person table, due needs) on ``as_of`` for the households (every category household when None)."""
    table = persons.load(as_of, household_ids)
    return table, E.evaluate(table, params.for_persons(table, as_of), as_of)


def _reason(need: str, person_id: int, listed: dict[int, bool]) -> str:
    label = E.LABELS.get(need, need)
    if person_id not in listed:
        return f"已不属于低收入人口（救助类别终止或迁出），{label}需求撤回"
    if listed[person_id]:
        return f"人员已去世，{label}需求撤回"
    return f"已不符合{label}条件，需求撤回"


def reconcile(
    due: pa.Table,
    people: pa.Table,
    *,
    as_of: dt.date,
    household_ids: Iterable[int] | None = None,
    actor=None,
) -> PushResult:
    """Push what is due and not pushed, end what is pushed and no longer due (see the module)."""
    result = PushResult(as_of=as_of, persons=people.num_rows)
    where = f"source = '{NeedPush.Source.RULE.value}' AND ended_on IS NULL"
    if household_ids is not None:  # the households' pushes, and those of their members pushed elsewhere
        hh = list(household_ids)
        persons_in = people["person_id"].to_pylist()
        where += f" AND (household_id IN {Q_.ids(hh)} OR person_id IN {Q_.ids(persons_in)})"
    codes = [e.code for e in E.ENTITLEMENTS]
    need_no = " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(codes))
    # the live pushes as two integer columns (id, person × need): cheap to read, hashed by Arrow
    existing = Q_.read(
        f"SELECT id, person_id * {KEY} + CASE need {need_no} END"
        f" FROM {connection.ops.quote_name(NeedPush._meta.db_table)} WHERE {where}",
        pa.schema([("pk", pa.int64()), ("key", pa.int64())]),
    )
    due_key = pc.add(
        pc.multiply(due["person_id"], KEY),
        pc.cast(pc.index_in(due["need"], value_set=pa.array(codes)), pa.int64()),
    )
    # set-based: what is due and not pushed, what is pushed and no longer due (only these reach Python)
    new = due.filter(pc.invert(pc.is_in(due_key, value_set=existing["key"])))
    gone_pks = existing.filter(pc.invert(pc.is_in(existing["key"], value_set=due_key)))["pk"].to_pylist()
    gone = [
        ((pid, need), (pk, status, hid, region))
        for i in range(0, len(gone_pks), BATCH)
        for pk, pid, need, status, hid, region in NeedPush.unscoped.filter(pk__in=gone_pks[i : i + BATCH])
        .order_by("pk")
        .values_list("pk", "person_id", "need", "status", "household_id", "region_code")
    ]
    now = timezone.now()
    actor_user = actor if getattr(actor, "pk", None) else None

    # -- push (bulk SQL: the pushes, then their chain events from the rows just inserted)
    result.pushed = push_sql.push_new(new, as_of=as_of, now=now, actor_id=getattr(actor_user, "pk", None))
    events = []
    by_group: dict[tuple[str, str], int] = defaultdict(int)
    if new.num_rows:
        grouped = new.group_by(["department", "region_code"]).aggregate([("person_id", "count")])
        for dept, region, n in zip(
            *(grouped[c].to_pylist() for c in ("department", "region_code", "person_id_count")), strict=True
        ):
            by_group[(dept, region)] += n
            result.by_department[dept] = result.by_department.get(dept, 0) + n
    first_region = new["region_code"][0].as_py() if new.num_rows else None

    # -- end / withdraw
    listed: dict[int, bool] = {}  # person in the table → deceased (only the persons of gone pushes)
    if gone:
        sub = people.filter(
            pc.is_in(people["person_id"], value_set=pa.array([k[0] for k, _ in gone], pa.int64()))
        )
        listed = {
            pid: dead is not None
            for pid, dead in zip(
                sub["person_id"].to_pylist(), sub["days_since_death"].to_pylist(), strict=True
            )
        }
    withdraw: dict[str, list[int]] = defaultdict(list)
    end_only: list[int] = []
    for (pid, need), (pk, status, hid, region) in gone:
        if status in OPEN:
            reason = _reason(need, pid, listed)
            withdraw[reason].append(pk)
            events.append(
                ChainEvent(
                    household_id=hid,
                    region_code=region,
                    at=now,
                    kind=ChainEvent.Kind.NEED_PUSH,
                    ref_type="monitoring.needpush",
                    ref_id=pk,
                    summary=f"需求推送已撤回：{reason}"[:300],
                    data={"push": pk, "person": pid, "need": need, "status": "withdrawn", "reason": reason},
                    actor=actor_user,
                )
            )
        else:
            end_only.append(pk)
    for reason, pks in withdraw.items():
        for i in range(0, len(pks), BATCH):
            NeedPush.unscoped.filter(pk__in=pks[i : i + BATCH]).update(
                status=NeedPush.Status.WITHDRAWN, ended_on=as_of, withdraw_reason=reason[:200]
            )
        result.withdrawn += len(pks)
    for i in range(0, len(end_only), BATCH):
        NeedPush.unscoped.filter(pk__in=end_only[i : i + BATCH]).update(ended_on=as_of)
    result.ended = len(end_only)
    ChainEvent.unscoped.bulk_create(events, batch_size=BATCH)

    # -- notify the department users of the regions concerned, once a day
    if by_group:
        users = list(
            User.objects.filter(role=Role.DEPARTMENT, is_active=True, region__isnull=False).values_list(
                "pk", "department", "region_id"
            )
        )
        counts: dict[int, int] = defaultdict(int)
        for (dept, region), n in by_group.items():
            for uid, udept, uregion in users:
                if udept == dept and is_within(region, uregion):
                    counts[uid] += n
        notify_many(
            [
                Notification(
                    user_id=uid,
                    text=f"收到按政策推送的救助需求 {n} 条，请在答复时限内处理",
                    link=QUEUE_LINK,
                    dedupe_key=f"needs:{as_of.isoformat()}",
                )
                for uid, n in counts.items()
            ]
        )
    if result.pushed or result.withdrawn or result.ended:
        region = "22" if household_ids is None else (first_region or "22")
        record_audit(
            actor=actor or "system",
            action=AuditAction.NEEDS_PUSH,
            region_code=region,
            subject_type="need_push",
            subject_id="all" if household_ids is None else ",".join(str(h) for h in list(household_ids)[:5]),
            after=result.as_dict(),
            detail=f"推送 {result.pushed} 条，撤回 {result.withdrawn} 条，结束 {result.ended} 条",
        )
    return result


@transaction.atomic
def reconcile_households(
    household_ids: Iterable[int], *, as_of: dt.date | None = None, actor=None
) -> PushResult:
    """The needs of a few households (a case confirmed or changed), inside the caller's transaction."""
    hh = sorted({int(h) for h in household_ids})
    as_of = as_of or timezone.localdate()
    people, due = due_needs(as_of, hh)
    return reconcile(due, people, as_of=as_of, household_ids=hh, actor=actor)


@transaction.atomic
def reconcile_all(*, as_of: dt.date | None = None, actor=None) -> PushResult:
    """The daily pass over every household (and ``doudi needs push``)."""
    as_of = as_of or timezone.localdate()
    people, due = due_needs(as_of)
    result = reconcile(due, people, as_of=as_of, household_ids=None, actor=actor)
    if connection.vendor == "postgresql" and result.pushed + result.withdrawn + result.ended > ANALYZE_AFTER:
        # a first pass grows the tables by far more than autovacuum's next look: plan tomorrow's reads on
        # the real sizes
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {NeedPush._meta.db_table}, {ChainEvent._meta.db_table}")
    return result


def on_casework_event(sender, *, event: str, actor=None, **kw) -> None:
    """casework → needs: a confirmed case or a change of its life reconciles the household's needs in the
    same transaction (the category rows are written before the event)."""
    households: set[int] = set()
    if event == CaseworkEvent.CASE_CONFIRMED:
        app = kw.get("application")
        if app is not None:
            households.add(app.household_id)
    elif event == CaseworkEvent.CASE_CHANGED and kw.get("kind") in RECONCILE_ON:
        for case in (kw.get("case"), kw.get("new_case")):
            if case is not None:
                households.add(case.household_id)
    if households:
        reconcile_households(households, actor=actor)
