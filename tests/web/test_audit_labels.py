"""Every audit action the code records has a Chinese name; the audit page and its filter show the
names, the subject types and non-user actors in Chinese, never the codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

import doudi
from doudi.core.audit import record_audit, verify_chain
from doudi.core.audit_actions import AuditAction
from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions
from doudi.policy.models import PolicyRun
from tests.conftest import YANJI

# what the source records: a member (``action=AuditAction.X``, ``_audit(actor, AuditAction.X``), a
# member computed from a pattern (``AuditAction(f"policy.{kind}_create")``) or a plain code string
# still in use (``action="monitoring.x"``, ``_audit(actor, "monitoring.x"``)
MEMBER = re.compile(r"AuditAction\.([A-Z_]+)\b")
CODE = re.compile(
    r"""action=(?:AuditAction\()?(f?)["']([a-z_]+\.[a-z_{}.]+)["']"""
    r"""|_audit(?:_user)?\(\s*\w+(?: or "[^"]*")?,\s*"([a-z_]+\.[a-z_]+)\""""
)


def recorded_actions() -> tuple[set[str], set[str]]:
    """(member names used, code strings used) across the source."""
    members: set[str] = set()
    codes: set[str] = set()
    for path in Path(doudi.__file__).parent.rglob("*.py"):
        if path.name in ("audit_actions.py", "audit_labels.py"):
            continue
        text = path.read_text(encoding="utf-8")
        members |= set(MEMBER.findall(text))
        for m in CODE.finditer(text):
            name = m.group(2) or m.group(3)
            if "{" in name:  # policy.{kind}_create …: one per run kind
                codes |= {re.sub(r"\{[^}]*\}", kind, name) for kind in PolicyRun.Kind.values}
            else:
                codes.add(name)
    return members, codes


def test_every_recorded_action_is_a_member_with_a_chinese_label():
    members, codes = recorded_actions()
    assert {"REGISTRY_REVEAL_ID", "POLICY_DECISION", "ACCOUNTS_USER_UNLOCK"} <= members
    assert {"policy.simulation_export", "policy.reassessment_create"} <= codes  # the computed ones
    assert sorted(members - set(AuditAction.names)) == []
    assert sorted(codes - set(AuditAction.values)) == []
    for action in AuditAction:
        assert action.label and action.label != action.value
        assert re.search(r"[\u4e00-\u9fff]", action.label), action


@pytest.mark.django_db
def test_record_audit_takes_a_member_or_its_code():
    with all_regions(), transaction.atomic():
        by_member = record_audit(actor="system", action=AuditAction.MONITORING_SCAN, region_code=YANJI)
        by_code = record_audit(actor="system", action="monitoring.scan", region_code=YANJI)
    assert by_member.action == by_code.action == "monitoring.scan"
    assert type(AuditEvent.unscoped.get(pk=by_member.pk).action) is str
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_audit_page_shows_names_not_codes(client, make_user, regions):
    with all_regions():
        record_audit(
            actor="system", action="monitoring.scan", region_code=YANJI, subject_type="monitoring_scan"
        )
        record_audit(
            actor="demo seed",
            action="exchange.batch_loaded",
            region_code=YANJI,
            subject_type="exchange_batch",
        )
    client.force_login(make_user("auditor", YANJI))
    html = client.get(reverse("web:audit")).content.decode()
    visible = re.sub(r"<[^>]+>", " ", html)
    for code in (
        "monitoring.scan",
        "exchange.batch_loaded",
        "monitoring_scan",
        "exchange_batch",
        "system",
        "demo",
    ):
        assert code not in visible, code
    assert "监测预警扫描" in visible and "载入部门数据" in visible and "部门数据批次" in visible
    assert "系统" in visible and "演示数据生成" in visible
    # the filter's options are the Chinese names too
    assert re.search(r'<option value="monitoring.scan"[^>]*>监测预警扫描</option>', html)
