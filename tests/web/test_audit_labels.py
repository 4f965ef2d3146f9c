"""Every audit action the code records has a Chinese name; the audit page and its filter show the
names, the subject types and non-user actors in Chinese, never the codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import doudi
from doudi.core.audit import record_audit
from doudi.core.audit_labels import ACTION_LABELS
from doudi.core.scoping import all_regions
from doudi.policy.models import PolicyRun
from tests.conftest import YANJI

ACTION = re.compile(
    r"""action=(f?)["']([a-z_]+\.[a-z_{}.]+)["']|_audit\(\s*\w+(?: or "[^"]*")?,\s*"([a-z_]+\.[a-z_]+)\""""
)


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in Path(doudi.__file__).parent.rglob("*.py"):
        for m in ACTION.finditer(path.read_text(encoding="utf-8")):
            name = m.group(2) or m.group(3)
            if "{" in name:  # policy.{kind}_create …: one per run kind
                found |= {re.sub(r"\{[^}]*\}", kind, name) for kind in PolicyRun.Kind.values}
            else:
                found.add(name)
    return found


def test_every_recorded_action_has_a_chinese_label():
    actions = recorded_actions()
    assert {"registry.reveal_id", "monitoring.dispatch", "policy.simulation_export"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []


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
