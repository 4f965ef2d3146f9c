"""``doudi needs …`` (R-P1, seed §17): the needs pushed to departments from the command line.

* ``push [--date YYYY-MM-DD] [--household ID …]`` — reconcile due needs with pushed ones (every household,
  or the ones named); prints the counts and as last line ``pushed: N``;
* ``list --as USER [--tab new|accepted|given|declined|withdrawn|overdue]`` — the user's queue, tab-separated
  (id, need, name, masked id, region, due date, status); last line ``needs: N``;
* ``export --as USER --out FILE.xlsx|FILE.csv [--tab …]`` — the same rows as a file;
* ``answer --as USER --file FILE`` — apply a result file (需求编号, 答复, 救助金额, 说明); prints each bad
  row on stderr and as last line ``answered: N``.

Exit 2 for bad input (Chinese message on stderr)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.cells import append_row
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions, user_scope, using_scope
from doudi.monitoring.loop.base import MonitoringError
from doudi.monitoring.needs import answer_actions, push_actions, queries

ACTOR = "command"
COLUMNS = ("需求编号", "救助项目", "姓名", "身份证号（脱敏）", "区划代码", "答复时限", "状态")


def _user(username: str | None):
    if not username:
        raise CommandError("请用 --as 指定部门用户（用户名）", returncode=2)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not queries.is_department_user(user):
        raise CommandError(f"部门用户不存在或已停用：{username}", returncode=2)
    return user


class Command(BaseCommand):
    help = "救助需求推送：推送（push）、列表（list）、导出（export）、上传答复结果（answer）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        push = sub.add_parser("push", help="按政策推送到期需求、撤回不再符合的需求")
        push.add_argument("--date", default=None)
        push.add_argument("--household", type=int, nargs="*", default=None)
        for name in ("list", "export"):
            p = sub.add_parser(name, help="本部门需求列表" if name == "list" else "导出本部门需求列表")
            p.add_argument("--as", dest="as_user", required=True)
            p.add_argument("--tab", default="new", choices=list(queries.TABS))
            if name == "export":
                p.add_argument("--out", required=True)
        ans = sub.add_parser("answer", help="上传答复结果文件")
        ans.add_argument("--as", dest="as_user", required=True)
        ans.add_argument("--file", required=True)

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, **o):
        what = o["what"]
        if what == "push":
            return self._push(o)
        user = _user(o["as_user"])
        scope = user_scope(user)
        if scope is None:
            raise CommandError("该用户没有管辖区划", returncode=2)
        with using_scope(scope):
            if what == "answer":
                return self._answer(user, o["file"])
            rows = self._rows(user, o["tab"])
            if what == "list":
                for r in rows:
                    self._say("\t".join(str(v) for v in r))
                self._say(f"needs: {len(rows)}")
            else:
                self._export(rows, Path(o["out"]))
                with transaction.atomic():
                    record_read(
                        actor=user,
                        action=AuditAction.NEEDS_EXPORT,
                        region_code=user.region_id,
                        subject_type="need_push",
                        subject_id=o["tab"],
                        detail=f"命令行导出需求推送清单 {len(rows)} 条（身份证号脱敏）",
                    )

    def _push(self, o):
        day = date_option(o["date"]) if o["date"] else timezone.localdate()
        start = time.perf_counter()
        with all_regions():
            if o["household"]:
                result = push_actions.reconcile_households(o["household"], as_of=day, actor=ACTOR)
            else:
                result = push_actions.reconcile_all(as_of=day, actor=ACTOR)
        for dept, n in sorted(result.by_department.items()):
            self._say(f"{queries.dept_label(dept)}\t{n}")
        self._say(
            f"{day}：评估 {result.persons} 人，推送 {result.pushed} 条，撤回 {result.withdrawn} 条，"
            f"结束 {result.ended} 条，用时 {time.perf_counter() - start:.1f} 秒"
        )
        self._say(f"pushed: {result.pushed}")

    def _rows(self, user, tab):
        status = dict(queries.S.choices)
        return [
            [pk, queries.need_label(need), name or "", masked or "", region, due.isoformat() if due else "",
             status.get(st, st)]
            for pk, need, name, masked, region, due, st in queries.queue(user, tab).values_list(
                "pk", "need", "person__name", "person__id_masked", "region_code", "due_on", "status"
            ).iterator(chunk_size=5000)
        ]  # fmt: skip

    def _export(self, rows, out: Path):
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow(COLUMNS)
                w.writerows(rows)
        else:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("需求推送")
            ws.append(list(COLUMNS))
            for r in rows:
                append_row(ws, r)
            wb.save(out)
        self._say(f"已导出 {out}")
        self._say(f"needs: {len(rows)}")

    def _answer(self, user, path):
        try:
            result = answer_actions.answer_file(actor=user, path=path, file_name=Path(path).name)
        except MonitoringError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for e in result.errors:
            self.stderr.write(e)
        self._say(f"answered: {result.applied}")
