"""A department's answers in bulk (a result file) and the audited reveal of a referred person's full
identity number (R-P1, R-S5). One answer is ``loop.disposition_actions.respond_need`` (chain + audit);
the file applies every good row through it and reports the bad ones in Chinese, by line."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from doudi.core.audit import record_audit, record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.tabular import TabularFileError, read_table
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.loop.disposition_actions import NEED_NEXT, can_respond, respond_need
from doudi.monitoring.loop.flows import FlowDenied
from doudi.monitoring.models import NeedPush
from doudi.monitoring.needs import queries

S = NeedPush.Status
ANSWERS = {
    "受理": S.ACCEPTED,
    "已受理": S.ACCEPTED,
    "accepted": S.ACCEPTED,
    "已救助": S.GIVEN,
    "救助": S.GIVEN,
    "given": S.GIVEN,
    "不予救助": S.DECLINED,
    "declined": S.DECLINED,
}
ID_COLUMNS = ("需求编号", "编号", "id")
ANSWER_COLUMNS = ("答复", "答复结果", "status")
AMOUNT_COLUMNS = ("救助金额", "金额", "amount")
NOTE_COLUMNS = ("说明", "反馈说明", "理由", "feedback")
MAX_ROWS = 20_000


@dataclass
class FileResult:
    applied: int = 0
    errors: list[str] = field(default_factory=list)  # "第 N 行：…"


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, h in enumerate(header):
        if h.strip().lower() in names:
            return i
    return None


def answer_file(*, actor, path: Path | str, file_name: str = "") -> FileResult:
    """Apply a result file (columns 需求编号, 答复, 救助金额, 说明): good rows answered, bad rows reported."""
    try:
        tab = read_table(path, file_name or None)
    except TabularFileError as exc:
        raise MonitoringError(str(exc)) from None
    header = tab.header
    cid, cans = _column(header, ID_COLUMNS), _column(header, ANSWER_COLUMNS)
    if cid is None or cans is None:
        raise MonitoringError("结果文件须有“需求编号”和“答复”两列（可选“救助金额”“说明”）")
    camt, cnote = _column(header, AMOUNT_COLUMNS), _column(header, NOTE_COLUMNS)
    if tab.table.num_rows > MAX_ROWS:
        raise MonitoringError(f"一个文件最多 {MAX_ROWS} 行")
    data = {c: tab.table[c].to_pylist() for c in tab.table.column_names}
    lines = data["line"]

    def cell(i: int, col: int | None) -> str:
        return "" if col is None else str(data[f"c{col}"][i] or "").strip()

    result = FileResult(errors=[f"第 {line} 行：{reason}" for line, reason in tab.bad_rows])
    ids = {}
    for i in range(tab.table.num_rows):
        raw = cell(i, cid)
        if raw.isdigit():
            ids[i] = int(raw)
    found = {p.pk: p for p in queries.department_needs(actor).filter(pk__in=set(ids.values()))}
    seen: set[int] = set()
    for i in range(tab.table.num_rows):
        line = lines[i]
        raw_id, answer = cell(i, cid), cell(i, cans)
        if i not in ids:
            result.errors.append(f"第 {line} 行：需求编号“{raw_id}”不是数字")
            continue
        push = found.get(ids[i])
        if push is None or not can_respond(actor, push):
            result.errors.append(f"第 {line} 行：需求编号 {ids[i]} 不存在，或不属于本部门、本辖区")
            continue
        if ids[i] in seen:
            result.errors.append(f"第 {line} 行：需求编号 {ids[i]} 在文件中重复")
            continue
        seen.add(ids[i])
        status = ANSWERS.get(answer) or ANSWERS.get(answer.lower())
        if status is None:
            result.errors.append(f"第 {line} 行：答复应为“受理”“已救助”或“不予救助”，而不是“{answer}”")
            continue
        if status not in NEED_NEXT.get(push.status, ()):
            result.errors.append(
                f"第 {line} 行：需求当前状态为“{push.get_status_display()}”，不能答复为该状态"
            )
            continue
        amount = cell(i, camt)
        if amount:
            try:
                Decimal(amount)
            except InvalidOperation:
                result.errors.append(f"第 {line} 行：救助金额“{amount}”不是数字")
                continue
        try:
            respond_need(
                actor=actor, push=push, status=status, feedback=cell(i, cnote), amount=amount or None
            )
        except (MonitoringError, FlowDenied) as exc:
            result.errors.append(f"第 {line} 行：{exc}")
            continue
        result.applied += 1
    with transaction.atomic():
        record_audit(
            actor=actor,
            action=AuditAction.NEEDS_ANSWER_FILE,
            region_code=actor.region_id or "22",
            subject_type="need_push",
            subject_id=file_name or Path(path).name,
            after={"applied": result.applied, "errors": len(result.errors)},
            detail=f"上传答复结果文件：答复 {result.applied} 条，有误 {len(result.errors)} 行",
        )
    return result


@transaction.atomic
def reveal_id(*, actor, push: NeedPush) -> str:
    """The full identity number of the person a need is about, for the department it was pushed to (logged)."""
    person = push.person
    if not can_respond(actor, push) or person is None:
        raise FlowDenied("只能查看推送给本部门、本辖区的需求对象")
    record_read(
        actor=actor,
        action=AuditAction.NEEDS_REVEAL_ID,
        region_code=push.region_code,
        subject_type="person",
        subject_id=person.pk,
        detail=f"办理需求 {push.pk}（{queries.need_label(push.need)}）查看完整身份证号 {person.id_masked}",
    )
    return person.id_number()
