"""``doudi complaints …``: complaints from the command line (CASEWORK §8).

* ``list [--as USER] [--show open|new|overdue|escalated|for_approval|sensitive|closed|all]`` — tab-separated:
  number, type, state, level, deadline, due date, time status; last line ``complaints: N``. Without ``--as``
  the whole province (system use).
* ``escalate [--date YYYY-MM-DD]`` — the daily deadline pass (R-G5): overdue tickets escalated one level up
  (also part of the daily job, ``monitoring.schedule``); prints ``escalated: N``.

Exit 2 for bad input (Chinese message on stderr).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.casework.management.commands.casework import _scope_of, _user
from doudi.complaints import deadline_actions, queries
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions


class Command(BaseCommand):
    help = "投诉举报：列表（含办理期限）、逾期升级"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("list", help="投诉举报列表（含办理期限）")
        ls.add_argument("--show", default="open")
        ls.add_argument("--as", dest="as_user", default=None)
        esc = sub.add_parser("escalate", help="逾期投诉举报升级督办（每日）")
        esc.add_argument("--date", type=date_option, default=None)

    def handle(self, *args, **o):
        if o["what"] == "escalate":
            with all_regions():
                n = deadline_actions.escalate_overdue(today=o.get("date"), actor="命令行")
            self.stdout.write(f"escalated: {n}")
            return
        show = o["show"]
        if show not in queries.FILTERS:
            raise CommandError(f"未知的筛选：{show}", returncode=2)
        user = _user(o["as_user"]) if o.get("as_user") else None
        with _scope_of(user) if user is not None else all_regions():
            qs = queries.complaints(user, show)
            n = 0
            for r in queries.rows(qs.iterator(chunk_size=2000)):
                c, dl = r["c"], r["deadline"]
                self.stdout.write("\t".join([c.number, c.type_label, c.state_label, c.level_label, dl["label"],
                                             dl["due"].isoformat(), dl["status_label"]]))  # fmt: skip
                n += 1
        self.stdout.write(f"complaints: {n}")
