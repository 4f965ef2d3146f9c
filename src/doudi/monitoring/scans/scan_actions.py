"""The writes of a monitoring scan, in bulk and in one transaction (DOMAIN R-M13, R-M16, R-S5).

``apply_scan`` inserts the new warnings (``bulk_insert``: one ``COPY`` on PostgreSQL, ``executemany``
elsewhere — the ORM's ``bulk_create`` costs ~0.3 ms per object) with their deadline
(``core.workdays.add_working_days`` from the scan day, once per distinct number of days); merges new
evidence into open warnings with one ``UPDATE`` from a temporary table (``bulk_update_rows``); writes the
potential cases of proactive discovery with their W-NEW warnings (straight to the township's inbox
when the township is known); appends the chain events in bulk; notifies each county (and township)
once; and records ONE audit event for the whole scan. Nothing here loops over the database row by row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, models, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from doudi.accounts.models import Role
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.core.workdays import add_working_days
from doudi.monitoring.evidence import higher_level, merge_evidence
from doudi.monitoring.loop.flows import region_at
from doudi.monitoring.loop.notify_actions import county_officers, notify, township_staff, users_at
from doudi.monitoring.models import (
    ChainEvent,
    EarlyWarning,
    Indicator,
    PotentialCase,
    UnroutableRecord,
    WarningLevel,
)

PROVINCE = "220000000000"
LEVEL_ZH = dict(WarningLevel.choices)
LABELS = dict(Indicator.choices)
REF_TYPE = "monitoring.warning"


def _deadlines(today: dt.date, days: Iterable[int]) -> dict[int, dt.date]:
    return {n: add_working_days(today, int(n)) for n in set(days)}


# --- bulk SQL (the ORM's bulk_create/bulk_update cost ~0.3 ms per object: too slow for a monthly scan)


def _adapter(field) -> Callable:
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return lambda v: v


def _constant(field, now):
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        value = now
    else:
        value = field.get_default()
    return (
        _adapter(field)(value)
        if isinstance(field, models.JSONField | models.DateField)
        else (field.get_db_prep_save(value, connection))
    )


def bulk_insert(model, rows: list[dict], *, now=None) -> None:
    """Insert ``rows`` (column name → value; every other column gets its default, ``auto_now`` columns
    ``now``) with one COPY on PostgreSQL or ``executemany`` elsewhere."""
    if not rows:
        return
    now = now or timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    plan = [
        (f.column, _adapter(f), None) if f.column in given else (f.column, None, _constant(f, now))
        for f in fields
    ]
    data = [tuple(adapt(r[col]) if adapt else const for col, adapt, const in plan) for r in rows]
    qn = connection.ops.quote_name
    table, cols = qn(model._meta.db_table), ", ".join(qn(c) for c, _, _ in plan)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(plan))
            for start in range(0, len(data), 50_000):
                cursor.executemany(
                    f"INSERT INTO {table} ({cols}) VALUES ({marks})", data[start : start + 50_000]
                )


def bulk_update_rows(model, rows: list[dict]) -> None:
    """Set-based update: ``rows`` (``id`` + the columns to set, the same in every row) go to a temporary
    table, then ONE ``UPDATE … WHERE id IN (SELECT id FROM tmp)`` sets every column from it."""
    if not rows:
        return
    fields = {f.column: f for f in model._meta.concrete_fields}
    columns = [c for c in rows[0] if c != "id"]
    qn = connection.ops.quote_name
    tmp = qn(f"tmp_{model._meta.db_table}_upd")
    adapters = [_adapter(fields[c]) for c in columns]
    data = [(r["id"], *(a(r[c]) for a, c in zip(adapters, columns, strict=True))) for r in rows]
    decl = ", ".join(f"{qn(c)} {fields[c].db_type(connection)}" for c in columns)
    target = qn(model._meta.db_table)
    sets = ", ".join(f"{qn(c)} = (SELECT t.{qn(c)} FROM {tmp} t WHERE t.id = {target}.id)" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {tmp} (id bigint PRIMARY KEY, {decl})")
        try:
            if connection.vendor == "postgresql":
                cols = ", ".join(["id", *(qn(c) for c in columns)])
                with cursor.cursor.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * (len(columns) + 1))
                cursor.executemany(f"INSERT INTO {tmp} VALUES ({marks})", data)
            cursor.execute(f"UPDATE {target} SET {sets} WHERE id IN (SELECT id FROM {tmp})")
        finally:
            cursor.execute(f"DROP TABLE {tmp}")


def _last_id(model) -> int:
    return model.unscoped.aggregate(m=Max("id"))["m"] or 0


def _ids_by(model, key_field: str, keys: list, after: int, **filters) -> dict:
    """The ids of rows just inserted (id above ``after``), by ``key_field``: one range read on the
    primary key; rows another process inserted meanwhile are ignored (not among ``keys``)."""
    wanted = set(keys)
    rows = (
        model.unscoped.filter(id__gt=after, **filters)
        .values_list(key_field, "id")
        .iterator(chunk_size=20_000)
    )
    return {k: pk for k, pk in rows if k in wanted}


def _chain(region_code: str, household_id: int, warning_id: int, at, summary: str, data: dict) -> dict:
    """A chain event row (一户一条救助链) referring to a warning."""
    return {
        "region_code": region_code,
        "household_id": household_id,
        "at": at,
        "kind": ChainEvent.Kind.WARNING.value,
        "ref_type": REF_TYPE,
        "ref_id": warning_id,
        "summary": summary[:300],
        "data": {**data, "warning": warning_id},
    }


def _notify_counties(created: list[dict], as_of: dt.date) -> None:
    """One notice per county to its officers (the scan's new warnings waiting in the county inbox, or
    sent straight to its townships) and one per township to its caseworkers (warnings dispatched by
    the scan, potential cases)."""
    total: Counter[str] = Counter()
    red: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    towns: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for w in created:
        county = region_at(w["region_code"], "county")
        if w["status"] == EarlyWarning.Status.RAISED:
            total[county] += 1
            red[county] += w["level"] == "red"
        elif w["indicator"] == Indicator.DISCOVERY:
            cases[w["township_code"]] += 1
        else:
            sent[county] += 1
            towns[w["township_code"]] += 1
    try:
        link = reverse("monitoring:inbox")
    except NoReverseMatch:
        link = ""
    day = as_of.isoformat()
    for county, n in total.items():
        notify(
            county_officers(county),
            text=f"监测扫描（数据日期 {as_of:%Y-%m-%d}）新增预警 {n} 条待派发，其中红色 {red[county]} 条",
            link=link,
            dedupe_key=f"scan:{day}:{county}:{n}",
        )
    for county, n in sent.items():
        notify(
            county_officers(county),
            text=f"监测扫描（数据日期 {as_of:%Y-%m-%d}）新增预警 {n} 条，已直接派发至乡镇（街道），可跟踪、收回或改派",
            link=link,
            dedupe_key=f"scan-direct:{day}:{county}:{n}",
        )
    for township, n in towns.items():
        notify(
            township_staff(township),
            text=f"监测扫描新增预警 {n} 条，请指派网格员入户核查",
            link=link,
            dedupe_key=f"scan-town:{day}:{township}:{n}",
        )
    for township, n in cases.items():
        notify(
            township_staff(township),
            text=f"主动发现潜在救助对象 {n} 人，请安排核实",
            link=link,
            dedupe_key=f"scan-new:{day}:{township}:{n}",
        )


def _route(rows: list[dict]) -> list[dict]:
    """R-M13 ``warning.dispatch_mode``: in a ``direct`` region a new warning goes straight to the
    household's township (the county watches, recalls or reassigns); in a ``county`` region — or for
    a household known only by its county — it waits in the county inbox."""
    for r in rows:
        if r.get("dispatch_direct", True) and r["region_code"][6:9].strip("0"):
            r["status"] = EarlyWarning.Status.DISPATCHED.value
            r["township_code"] = r["region_code"][:9] + "000"
    return rows


def _raise_summary(w: dict) -> str:
    level, indicator = w["level"], w["indicator"]
    sent = "，已直接派发至乡镇（街道）" if w["status"] == EarlyWarning.Status.DISPATCHED else ""
    return (
        f"监测扫描发出{LEVEL_ZH.get(level, level)}预警：{LABELS.get(indicator, indicator)}，"
        f"核查时限 {w['deadline']:%Y-%m-%d}{sent}"
    )


def _create_warnings(rows: list[dict], today: dt.date, deadlines: dict[int, dt.date], now) -> list[dict]:
    """Insert open warnings; returns their column values with their new ``id``."""
    if not rows:
        return []
    records = [
        {
            "region_code": r["region_code"],
            "household_id": r.get("household_id"),
            "person_id": r.get("person_id"),
            "potential_case_id": r.get("potential_case_id"),
            "indicator": r["indicator"],
            "level": r["level"],
            "status": r.get("status") or EarlyWarning.Status.RAISED.value,
            "township_code": r.get("township_code") or "",
            "dedupe_key": r["dedupe_key"],
            "is_open": True,
            "raised_on": today,
            "deadline": deadlines[r["deadline_days"]],
            "evidence": r["evidence"],
            "merged_count": 1,
            "source_batch_id": r.get("source_batch_id"),
        }
        for r in rows
    ]
    last = _last_id(EarlyWarning)
    bulk_insert(EarlyWarning, records, now=now)
    ids = _ids_by(EarlyWarning, "dedupe_key", [r["dedupe_key"] for r in records], last, is_open=True)
    for rec in records:
        rec["id"] = ids[rec["dedupe_key"]]
    return records


def _merge_warnings(rows: list[dict], deadlines: dict[int, dt.date], now) -> list[dict]:
    """Append the new evidence of each row to its open warning (R-M13): evidence merged,
    ``merged_count`` + 1, level raised to the hit's when higher (and the deadline shortened to it).
    Returns the changed warnings' new values with ``added`` (evidence items appended)."""
    if not rows:
        return []
    current = {}
    ids = [r["warning_id"] for r in rows]
    fields = (
        "id",
        "region_code",
        "household_id",
        "indicator",
        "level",
        "deadline",
        "evidence",
        "merged_count",
    )
    for start in range(0, len(ids), 5000):
        for values in EarlyWarning.unscoped.filter(pk__in=ids[start : start + 5000], is_open=True).values(
            *fields
        ):
            current[values["id"]] = values
    changed = []
    for r in rows:
        w = current.get(r["warning_id"])
        if w is None:
            continue
        w["evidence"], added = merge_evidence(w["evidence"] or [], r["evidence"])
        if not added:
            continue
        w["merged_count"] += 1
        new_level = higher_level(w["level"], r["level"])
        if new_level != w["level"]:
            w["level"] = new_level
            w["deadline"] = min(w["deadline"], deadlines[r["deadline_days"]])
        w["added"] = added
        changed.append(w)
    bulk_update_rows(
        EarlyWarning,
        [
            {
                "id": w["id"],
                "evidence": w["evidence"],
                "merged_count": w["merged_count"],
                "level": w["level"],
                "deadline": w["deadline"],
                "updated_at": now,
            }
            for w in changed
        ],  # fmt: skip
    )
    return changed


def _township_inbox(region_code: str) -> dict:
    """A potential case known down to its township goes straight to that township's inbox (R-M16);
    one known only by its county waits in the county inbox to be dispatched."""
    if region_code[6:9].strip("0"):
        township = region_code[:9] + "000"
        return {"status": EarlyWarning.Status.DISPATCHED.value, "township_code": township}
    return {"status": EarlyWarning.Status.RAISED.value, "township_code": ""}


def _write_cases(discovered: dict, now) -> tuple[list[dict], list[dict]]:
    """New potential cases (and the W-NEW warning rows to raise for them); signals merged into open ones."""
    records = [
        {
            "region_code": c["region_code"],
            "name": c["name"] or "",
            "id_index": c["id_index"],
            "id_masked": c["id_masked"],
            "birth_date": c["birth_date"],
            "sex": c["sex"] or "",
            "signals": c["signals"],
            "status": PotentialCase.Status.OPEN.value,
            "first_seen": c["first_seen"],
        }
        for c in discovered["new"]
    ]
    last = _last_id(PotentialCase)
    bulk_insert(PotentialCase, records, now=now)
    ids = _ids_by(PotentialCase, "id_index", [r["id_index"] for r in records], last, status="open")
    warning_rows = [
        {
            "region_code": rec["region_code"],
            **_township_inbox(rec["region_code"]),
            "potential_case_id": ids[rec["id_index"]],
            "indicator": Indicator.DISCOVERY.value,
            "level": c["level"],
            "dedupe_key": f"{Indicator.DISCOVERY}:p{ids[rec['id_index']]}",
            "deadline_days": c["deadline_days"],
            "evidence": c["evidence"],
            "source_batch_id": c["source_batch_id"],
        }
        for rec, c in zip(records, discovered["new"], strict=True)
    ]
    if discovered["merges"]:
        signals = dict(
            PotentialCase.unscoped.filter(pk__in=[m["case_id"] for m in discovered["merges"]]).values_list(
                "id", "signals"
            )
        )
        updates = []
        for m in discovered["merges"]:
            if m["case_id"] in signals:
                merged, added = merge_evidence(signals[m["case_id"]] or [], m["signals"])
                if added:
                    updates.append({"id": m["case_id"], "signals": merged})
        bulk_update_rows(PotentialCase, updates)
    return records, warning_rows


def _write_unroutable(rows: list[dict], as_of: dt.date, now) -> int:
    """Add the records no region routes (R-M16 routing) to the province's list, once per record and
    signal (a repeated scan adds nothing); tell the province officers when there are new ones."""
    if not rows:
        return 0
    batches = {r["batch_id"] for r in rows}
    known = set(
        UnroutableRecord.unscoped.filter(batch_id__in=[b for b in batches if b is not None]).values_list(
            "batch_id", "record_id", "signal"
        )
    )
    fresh, seen = [], set(known)
    for r in rows:
        key = (r["batch_id"], r["record_id"], r["signal"])
        if key in seen:
            continue
        seen.add(key)
        fresh.append(
            {
                "region_code": PROVINCE,
                "batch_id": r["batch_id"],
                "record_id": str(r["record_id"])[:64],
                "dataset": r["dataset"],
                "signal": r["signal"],
                "detail": (r["detail"] or "")[:200],
                "name": (r["name"] or "")[:64],
                "id_index": r.get("id_index"),
                "id_masked": (r["id_masked"] or "")[:24],
                "sex": (r.get("sex") or "")[:1],
                "birth_date": r.get("birth_date"),
                "given_region": (r["given_region"] or "")[:32],
                "id_county": (r["id_county"] or "")[:6],
                "reason": r["reason"][:200],
                "event_date": r["event_date"],
                "found_on": as_of,
            }
        )
    bulk_insert(UnroutableRecord, fresh, now=now)
    if fresh:
        try:
            link = reverse("monitoring:unroutable")
        except NoReverseMatch:
            link = ""
        notify(
            users_at(PROVINCE, (Role.PROVINCE,)),
            text=f"监测扫描（数据日期 {as_of:%Y-%m-%d}）有 {len(fresh)} 条部门记录无法分派到区划，请查看并处理",
            link=link,
            dedupe_key=f"unroutable:{as_of.isoformat()}:{len(fresh)}:{fresh[0]['batch_id']}",
        )
    return len(fresh)


@transaction.atomic
def apply_scan(
    *,
    actor,
    today: dt.date,
    as_of: dt.date,
    new: list[dict],
    merges: list[dict],
    discovered: dict | None,
    result,
) -> list[int]:
    """Write one scan's outcome; returns the ids of the warnings raised."""
    discovered = discovered or {
        "new": [],
        "merges": [],
        "warning_merges": [],
        "case_warnings": [],
        "unroutable": [],
        "counts": {},
    }
    deadlines = _deadlines(
        today,
        [
            r["deadline_days"]
            for r in (
                *new,
                *merges,
                *discovered["new"],
                *discovered["warning_merges"],
                *discovered["case_warnings"],
            )
        ],
    )
    now = timezone.now()
    created = _create_warnings(_route(new), today, deadlines, now)
    merged = _merge_warnings(merges, deadlines, now)
    cases, case_rows = _write_cases(discovered, now)
    case_warnings = _create_warnings([*case_rows, *discovered["case_warnings"]], today, deadlines, now)
    _merge_warnings(discovered["warning_merges"], deadlines, now)
    events = [
        _chain(w["region_code"], w["household_id"], w["id"], now, _raise_summary(w),
               {"indicator": w["indicator"], "level": w["level"], "deadline": w["deadline"].isoformat(),
                "evidence": len(w["evidence"]), "scan_as_of": as_of.isoformat()})
        for w in created
    ]  # fmt: skip
    events += [
        _chain(
            w["region_code"],
            w["household_id"],
            w["id"],
            now,
            f"监测扫描合并预警：{LABELS.get(w['indicator'], w['indicator'])}新增证据 {w['added']} 条"
            f"（第 {w['merged_count']} 次合并，当前{LEVEL_ZH.get(w['level'], w['level'])}）",
            {
                "indicator": w["indicator"],
                "level": w["level"],
                "added": w["added"],
                "merged_count": w["merged_count"],
                "scan_as_of": as_of.isoformat(),
            },
        )  # fmt: skip
        for w in merged
        if w["household_id"]
    ]
    bulk_insert(ChainEvent, events, now=now)
    _notify_counties([*created, *case_warnings], as_of)
    listed = _write_unroutable(discovered.get("unroutable") or [], as_of, now)
    result.potential.update(
        {
            "new": len(cases),
            "merged": len(discovered["merges"]),
            "warnings": len(case_warnings),
            **discovered.get("counts", {}),
            "unroutable_listed": listed,
        }  # fmt: skip
    )
    record_audit(
        actor=actor,
        action=AuditAction.MONITORING_SCAN,
        region_code=PROVINCE,
        subject_type="monitoring_scan",
        subject_id=as_of.isoformat() if result.full else ",".join(map(str, result.batches))[:100],
        after=result.summary(),
        detail=(
            f"{'全量' if result.full else '增量'}监测扫描（数据日期 {as_of:%Y-%m-%d}）：新预警 {len(created)} 条，"
            f"合并 {len(merged)} 条；主动发现潜在对象 {len(cases)} 人"
        ),
    )
    return [w["id"] for w in (*created, *case_warnings)]
