"""The bank side of a roster (R-PAY4 steps 5–6, R-PAY6): the audited generation of the bank file (the
only place the full account numbers leave the database) and the import of the bank's return file.

The import is idempotent and never fatal: each readable row marks the due lines of its payee account in
the roster ``paid`` (with the date) or ``failed`` (with the bank's reason) in a few set-based UPDATEs; a
row the roster does not know, or one contradicting an earlier import, is reported in Chinese and skipped.
When no due line is left, the roster is reconciled (and its paid total leaves the fund account)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from doudi.core import crypto
from doudi.core.audit_actions import AuditAction
from doudi.payments import bankfile, roster_actions
from doudi.payments.base import PaymentsConflict, PaymentsError, audit_roster
from doudi.payments.models import BankReturn, Roster, RosterLine

L = RosterLine.Status
FILE_STATES = (Roster.State.RELEASED, Roster.State.SENT, Roster.State.RECONCILED)


@transaction.atomic
def bank_file(*, actor, roster: Roster, fmt: str = "csv") -> tuple[bytes, str, str]:
    """(content, file name, checksum). From ``released`` on (what is sent); audited."""
    if roster.state not in FILE_STATES:
        raise PaymentsConflict("花名册拨付后才能生成银行发放文件", "state")
    if actor is not None and not roster_actions.may(actor, "send", roster):
        raise PaymentsError("您无权生成该花名册的银行发放文件", "roster")
    data = bankfile.rows(roster)
    digest = bankfile.checksum(data)
    if fmt == "xlsx":
        content = bankfile.to_xlsx(roster, data)
    elif fmt == "csv":
        content = bankfile.to_csv(roster, data)
    else:
        raise PaymentsError("文件格式应为 csv 或 xlsx", "format")
    name = f"roster-{roster.pk}-{roster.month:%Y-%m}.{fmt}"
    audit_roster(
        actor,
        roster,
        AuditAction.PAYMENTS_BANK_FILE,
        {"rows": len(data), "checksum": digest, "format": fmt},
    )
    return content, name, digest


@transaction.atomic
def import_return(*, actor, roster: Roster, content: bytes, file_name: str = "") -> BankReturn:
    """Apply the bank's return file to the roster (see the module doc)."""
    roster = Roster.unscoped.select_for_update().get(pk=roster.pk)
    if roster.state not in (Roster.State.SENT, Roster.State.RECONCILED):
        raise PaymentsConflict("花名册报送银行后才能导入银行回盘", "state")
    if actor is not None and not roster_actions.may(actor, "reconcile", roster):
        raise PaymentsError("您无权导入该花名册的银行回盘", "roster")
    rows, problems = bankfile.parse_return(content, file_name)
    today = timezone.localdate()
    lines = RosterLine.unscoped.filter(roster=roster)
    # what each account's lines are now (one query)
    state: dict[int, set[str]] = defaultdict(set)
    for acc, status in lines.exclude(status=L.DROPPED).values_list("account", "status").distinct():
        if acc is not None:
            state[acc].add(status)
    paid_on: dict[dt.date, list[int]] = defaultdict(list)
    failed: dict[str, list[int]] = defaultdict(list)
    seen: set[int] = set()
    for row in rows:
        prefix, _, acc_text = row.ref.partition("-")
        if not (prefix == str(roster.pk) and acc_text.isdigit() and int(acc_text) in state):
            problems.append({"line": row.line_no, "reason": f"付款标识“{row.ref}”不属于本花名册"})
            continue
        acc = int(acc_text)
        if acc in seen:
            problems.append({"line": row.line_no, "reason": f"付款标识“{row.ref}”重复出现"})
            continue
        seen.add(acc)
        now = state[acc]
        if L.DUE not in now:
            want = L.PAID if row.paid else L.FAILED
            if want not in now:
                problems.append(
                    {"line": row.line_no, "reason": f"付款标识“{row.ref}”与此前导入的回盘结果不一致，未修改"}
                )
            continue  # already applied (a re-import): nothing to do
        if row.paid:
            paid_on[row.paid_on or today].append(acc)
        else:
            failed[row.reason].append(acc)
    n_paid = n_failed = 0
    due = lines.filter(status=L.DUE)
    for day, accs in paid_on.items():
        n_paid += due.filter(account__in=accs).update(status=L.PAID, paid_on=day)
    failed_ids: list[int] = []
    for reason, accs in failed.items():
        ids = list(due.filter(account__in=accs).values_list("pk", flat=True))
        n_failed += RosterLine.unscoped.filter(pk__in=ids).update(status=L.FAILED, bank_reason=reason)
        failed_ids += ids
    record = BankReturn.unscoped.create(
        region_code=roster.region_code,
        roster=roster,
        file_name=(file_name or "")[:200],
        checksum=crypto.sm3_hex(content),
        paid=n_paid,
        failed=n_failed,
        problems=problems[:500],
        imported_by=actor if getattr(actor, "pk", None) else None,
    )
    roster_actions.refresh_totals(roster)
    roster.save(update_fields=["paid_amount", "failed_amount", "lines", "households", "amount"])
    audit_roster(
        actor,
        roster,
        AuditAction.PAYMENTS_BANK_RETURN,
        {"paid": n_paid, "failed": n_failed, "problems": len(problems), "file": record.checksum},
    )
    if failed_ids:
        from doudi.payments import repay_actions

        repay_actions.on_failed(actor=actor, line_ids=failed_ids)
    if roster.state == Roster.State.SENT and not roster_actions.unsettled(roster):
        roster_actions.reconcile(actor=None, roster=roster)
    return record
