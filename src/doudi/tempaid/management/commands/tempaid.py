"""``doudi tempaid …``: temporary assistance from the command line (CASEWORK §6).

* ``list [--as USER] [--show open|paid_first|overdue|ready|deliberation|approved|refused|all]`` — cases
  (tab-separated: number, type, state, paid first, deadline, deadline status); last line ``cases: N``;
* ``show NUMBER [--as USER]`` — one case as JSON (as ``GET /api/v1/tempaid/cases/{id}``);
* ``pay-first NUMBER --amount YUAN --as USER [--on DATE]`` — pay first from the township fund (R-TA5);
* ``step NUMBER statement|verify|investigate --note TEXT --as USER`` — a back-fill step;
* ``approve NUMBER --amount YUAN --as USER`` — approve the total (R-TA4; above the caps after 一事一议);
* ``allocate --township CODE --year YEAR [--amount YUAN] --as USER`` — the county sizes a fund (R-TA9);
* ``fund --township CODE --year YEAR [--as USER]`` — balance and the months (opening, in, out, closing);
* ``export --out FILE.xlsx [--show all] [--as USER]`` — the list as Excel.

Without ``--as`` the reads run province-wide. Exit 2 for bad input or a record not found (Chinese message
on stderr), 3 for a step the case's state does not allow.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doudi.casework.management.commands.casework import _scope_of, _user
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.tempaid import actions, excel, fund_actions, queries, serialize
from doudi.tempaid.base import TempAidConflict, TempAidError
from doudi.tempaid.models import TempAidCase


class Command(BaseCommand):
    help = "临时救助：列表、详情、先行救助、补办、审批、备用金、导出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("list", help="临时救助列表（含办理期限）")
        ls.add_argument("--show", default="open")
        show = sub.add_parser("show", help="一件临时救助（JSON）")
        show.add_argument("number")
        pay = sub.add_parser("pay-first", help="先行救助（备用金）")
        pay.add_argument("number")
        pay.add_argument("--amount", type=int, required=True)
        step = sub.add_parser("step", help="补办环节")
        step.add_argument("number")
        step.add_argument("kind", choices=["statement", "verify", "investigate"])
        step.add_argument("--note", required=True)
        ap = sub.add_parser("approve", help="审批")
        ap.add_argument("number")
        ap.add_argument("--amount", type=int, required=True)
        al = sub.add_parser("allocate", help="核拨备用金（县级）")
        al.add_argument("--township", required=True)
        al.add_argument("--year", type=int, required=True)
        al.add_argument("--amount", type=int, default=None)
        fund = sub.add_parser("fund", help="备用金余额与月度收支")
        fund.add_argument("--township", required=True)
        fund.add_argument("--year", type=int, required=True)
        out = sub.add_parser("export", help="导出Excel")
        out.add_argument("--out", required=True)
        out.add_argument("--show", default="all")
        for p in (ls, show, pay, step, ap, al, fund, out):
            p.add_argument("--as", dest="as_user", default=None)
        for p in (pay, step, ap):
            p.add_argument("--on", type=date_option, default=None, help="办理日期（默认今天）")

    def handle(self, *args, **o):
        who = o.get("as_user")
        user = _user(who) if who else None
        if o["what"] in ("pay-first", "step", "approve", "allocate") and user is None:
            raise CommandError("请用 --as 指定办理人（用户名）", returncode=2)
        scope = _scope_of(user) if user is not None else all_regions()
        try:
            with scope:
                getattr(self, "_" + o["what"].replace("-", "_"))(user, o)
        except TempAidConflict as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except TempAidError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _say(self, text: str) -> None:
        self.stdout.write(text)

    def _case(self, number: str) -> TempAidCase:
        try:
            return queries.get_case_by_number(number)
        except TempAidCase.DoesNotExist:
            raise CommandError(f"临时救助不存在或不在辖区内：{number}", returncode=2) from None

    def _list(self, user, o):
        qs = queries.cases(o["show"] if o["show"] in queries.FILTERS else "open")
        n = 0
        for r in queries.rows(qs.iterator()):
            c, dl = r["c"], r["deadline"]
            due = dl["due"].isoformat() if dl["due"] else "-"
            self._say(f"{c.number}\t{c.get_aid_type_display()}\t{c.get_state_display()}\t{c.paid_first_amount}\t"
                      f"{dl['label']} {due}\t{dl['status_label'] or '-'}")  # fmt: skip
            n += 1
        self._say(f"cases: {n}")

    def _show(self, user, o):
        self._say(
            json.dumps(serialize.case(self._case(o["number"]), detail=True), ensure_ascii=False, indent=2)
        )

    def _pay_first(self, user, o):
        c, topup = actions.pay_first(actor=user, case=self._case(o["number"]), amount=o["amount"], on=o["on"])
        if topup is not None:
            self._say(f"备用金余额不足，未发放；已申请县级追加 {topup.amount} 元")
            raise CommandError("备用金余额不足", returncode=3)
        self._say(f"paid_first: {c.paid_first_amount} backfill_due: {c.backfill_due}")

    def _step(self, user, o):
        c = actions.record_step(
            actor=user, case=self._case(o["number"]), kind=o["kind"], note=o["note"], on=o["on"]
        )
        self._say(f"state: {c.state}")

    def _approve(self, user, o):
        c = actions.approve(actor=user, case=self._case(o["number"]), amount=o["amount"], on=o["on"])
        self._say(f"approved: {c.approved_amount} authority: {c.authority}")

    def _allocate(self, user, o):
        f = fund_actions.allocate(actor=user, township=o["township"], year=o["year"], amount=o["amount"],
                                  on=timezone.localdate())  # fmt: skip
        self._say(f"balance: {f.balance}")

    def _fund(self, user, o):
        f = queries.fund_for(o["township"].ljust(12, "0"), o["year"])
        if f is None:
            raise CommandError("该乡镇本年度没有备用金", returncode=2)
        for m in fund_actions.month_rows(f):
            self._say(f"{m['month']:%Y-%m}\t{m['opening']}\t+{m['credits']}\t-{m['debits']}\t{m['closing']}")
        self._say(f"balance: {f.balance}")

    def _export(self, user, o):
        data, n = excel.cases_book(queries.cases(o["show"] if o["show"] in queries.FILTERS else "all"))
        Path(o["out"]).write_bytes(data)
        if user is not None:
            actions.record_export(actor=user, what="cases", rows=n)
        self._say(f"cases: {n}")
