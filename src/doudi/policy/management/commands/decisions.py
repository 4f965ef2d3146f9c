"""``doudi decisions show ID`` and ``doudi decisions replay ID``: stored decisions on the command line.

``show`` prints the stored decision (input snapshot with provenance, parameters used, rule-set
version, result) as JSON. ``replay`` recomputes the result from the stored snapshot and stored
parameters only and says whether it equals the stored result exactly: exit 0 when identical, 1 with a
unified diff when not. Both read sensitive details, so each run is recorded in the audit log.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from doudi.core import crypto
from doudi.core.scoping import all_regions, using_scope
from doudi.policy import actions, service
from doudi.policy.models import Decision


class Command(BaseCommand):
    help = "已保存的认定结果：show 查看，replay 按保存的输入与参数重算并比对"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "replay"])
        parser.add_argument("id", type=int, help="认定结果编号")
        parser.add_argument("--region", help="只在该区划（及下级）范围内查找（默认全省）")

    def handle(self, *args, **options):
        scope = using_scope(options["region"]) if options.get("region") else all_regions()
        with scope:
            decision = Decision.objects.filter(pk=options["id"]).first()
            if decision is None:
                raise CommandError(f"认定结果 {options['id']} 不存在", returncode=2)
            if options["action"] == "show":
                self._show(decision)
            else:
                self._replay(decision)

    def _show(self, decision: Decision) -> None:
        actions.record_decision_view(actor="command", decision=decision)
        snapshot = crypto.decrypt_json(decision.input_enc) if decision.input_enc else {}
        body = {
            "id": decision.pk,
            "household": decision.household.household_key,
            "region_code": decision.region_code,
            "as_of": decision.as_of.isoformat(),
            "taken_at": decision.taken_at.isoformat(),
            "taken_by": decision.taken_by.get_username() if decision.taken_by is not None else None,
            "rule_set_version": decision.rule_set_version,
            "input": snapshot.get("input"),
            "provenance": snapshot.get("provenance"),
            "parameters": decision.parameters,
            "result": decision.result_data(),
        }
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))

    def _replay(self, decision: Decision) -> None:
        actions.record_decision_view(actor="command", decision=decision)
        outcome = service.replay(decision)
        if outcome.rule_set_version != outcome.current_rule_set_version:
            self.stdout.write(
                f"注意：该认定使用规则版本 {outcome.rule_set_version}，当前规则版本 {outcome.current_rule_set_version}"
            )
        if outcome.identical:
            self.stdout.write(f"认定结果 {decision.pk}：按保存的输入与参数重算，结果与保存的结果完全一致。")
            self.stdout.write("identical: yes")
            return
        self.stdout.write(f"认定结果 {decision.pk}：重算结果与保存的结果不一致：")
        self.stdout.write(outcome.diff())
        self.stdout.write("identical: no")
        sys.exit(1)
