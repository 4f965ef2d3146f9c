"""``doudi rosters …``: the monthly rosters from the command line (R-PAY4).

* ``list [--as USER] [--month YYYY-MM] [--state S]`` — tab-separated: id, month, region, programme, kind,
  state, Chinese state, households, amount, send-by day; last line ``rosters: N``;
* ``lock|approve|release|reconcile|close ID --as USER [--expect-version N]`` — one step; prints ``state: S``;
* ``unlock ID --as USER --reason TEXT``;
* ``send ID --as USER --ref BATCH --checksum HEX`` (the checksum printed by ``bank-file``);
* ``bank-file ID --as USER --out FILE.csv|FILE.xlsx`` — the bank file (full account numbers; audited);
  prints ``rows: N`` and ``checksum: HEX``;
* ``bank-return ID --as USER --file FILE`` — imports the bank's return file; prints ``paid: N``,
  ``failed: N``, ``problems: N`` (and each problem on stderr) and ``state: S``;
* ``summaries --month YYYY-MM [--as USER]`` — rebuilds the month's summaries from the lines, prints
  ``summaries: N``.

Steps run as ``--as USER`` (maker ≠ checker is checked per user) and see only that user's scope (a roster
outside it is "not found"). Exit 2 for bad input or not found, 3 for a step the state does not allow or a
stale ``--expect-version``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from doudi.core.scoping import all_regions, user_scope, using_scope
from doudi.payments import bank_actions, fund_actions, queries, roster_actions
from doudi.payments.base import PaymentsConflict, PaymentsError, parse_month
from doudi.payments.models import Roster

STEPS = ("lock", "unlock", "approve", "release", "send", "reconcile", "close")


def _user(username: str | None):
    if not username:
        raise CommandError("请用 --as 指定办理人（用户名）", returncode=2)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在或已停用：{username}", returncode=2)
    return user


def _scope(user):
    scope = user_scope(user)
    if scope is None:
        raise CommandError("该用户未设置管辖区划", returncode=2)
    return using_scope(scope)


class Command(BaseCommand):
    help = (
        "发放花名册：list 列表 / lock 锁定 / unlock 解锁 / approve 审批 / release 拨付 / send 报送 / "
        "bank-file 银行文件 / bank-return 银行回盘 / reconcile 对账 / close 关闭 / summaries 汇总"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", *STEPS, "bank-file", "bank-return", "summaries"])
        parser.add_argument("roster", nargs="?", type=int, help="花名册编号")
        parser.add_argument("--as", dest="as_user", help="办理人或查看人的用户名（按其辖区）")
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--state", help="list：只列出该状态")
        parser.add_argument("--reason", default="", help="unlock：解锁原因")
        parser.add_argument("--ref", default="", help="send：银行批次号")
        parser.add_argument("--checksum", default="", help="send：银行文件校验值")
        parser.add_argument("--out", help="bank-file：输出文件（.csv 或 .xlsx）")
        parser.add_argument("--file", help="bank-return：银行回盘文件")
        parser.add_argument("--expect-version", dest="version", type=int, help="读取时的版本号")

    def handle(self, *args, **o):
        action = o["action"]
        try:
            if action == "list":
                self._list(o)
            elif action == "summaries":
                self._summaries(o)
            else:
                self._roster_action(action, o)
        except PaymentsConflict as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except PaymentsError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _list(self, o):
        scope = _scope(_user(o["as_user"])) if o.get("as_user") else all_regions()
        with scope:
            qs = queries.rosters().order_by("month", "region_code", "programme", "kind", "seq")
            if o.get("month"):
                qs = qs.filter(month=parse_month(o["month"]))
            if o.get("state"):
                qs = qs.filter(state=o["state"])
            n = 0
            for r in qs:
                n += 1
                self.stdout.write(
                    "\t".join(
                        str(x)
                        for x in (
                            r.pk,
                            r.month.strftime("%Y-%m"),
                            r.region_code,
                            r.programme,
                            f"{r.kind}-{r.seq}",
                            r.state,
                            Roster.State(r.state).label,
                            r.households,
                            r.amount,
                            queries.send_by(r).isoformat(),
                        )
                    )
                )
            self.stdout.write(f"rosters: {n}")

    def _summaries(self, o):
        if not o.get("month"):
            raise CommandError("请用 --month 指定月份", returncode=2)
        month = parse_month(o["month"])
        actor = _user(o["as_user"]) if o.get("as_user") else "command"
        with all_regions():
            n = fund_actions.build_summaries(actor=actor, month=month)
        self.stdout.write(f"summaries: {n}")

    def _roster_action(self, action: str, o):
        user = _user(o.get("as_user"))
        if not o.get("roster"):
            raise CommandError(f"用法：doudi rosters {action} 花名册编号 --as 用户名", returncode=2)
        with _scope(user):
            try:
                roster = queries.get_roster(o["roster"])
            except Roster.DoesNotExist:
                raise CommandError("花名册不存在，或不在该用户的管辖范围内", returncode=2) from None
            kw = {"actor": user, "roster": roster}
            if action == "bank-file":
                out = Path(o.get("out") or f"roster-{roster.pk}.csv")
                fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
                content, _name, digest = bank_actions.bank_file(fmt=fmt, **kw)
                out.write_bytes(content)
                self.stdout.write(f"rows: {len(bank_actions.bankfile.rows(roster))}")
                self.stdout.write(f"checksum: {digest}")
                return
            if action == "bank-return":
                if not o.get("file"):
                    raise CommandError("请用 --file 指定银行回盘文件", returncode=2)
                path = Path(o["file"])
                if not path.is_file():
                    raise CommandError(f"文件不存在：{path}", returncode=2)
                ret = bank_actions.import_return(content=path.read_bytes(), file_name=path.name, **kw)
                for p in ret.problems:
                    sys.stderr.write(f"第{p['line']}行：{p['reason']}\n")
                self.stdout.write(f"paid: {ret.paid}")
                self.stdout.write(f"failed: {ret.failed}")
                self.stdout.write(f"problems: {len(ret.problems)}")
                roster.refresh_from_db()
                self.stdout.write(f"state: {roster.state}")
                return
            kw["expected_version"] = o.get("version")
            if action == "unlock":
                roster = roster_actions.unlock(reason=o.get("reason") or "", **kw)
            elif action == "send":
                roster = roster_actions.send(
                    external_ref=o.get("ref") or "", checksum=o.get("checksum") or "", **kw
                )
            else:
                roster = roster_actions.STEPS[action](**kw)
            self.stdout.write(f"state: {roster.state}")
