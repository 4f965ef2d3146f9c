"""``doudi charity …``: the needs library from the command line (R-P4).

* ``list [--as USER] [--show live|draft|pending|to_confirm|completed|closed|all]`` — tab-separated: public number,
  category, title, state, amount needed/claimed/fulfilled, due date; last line ``needs: N``. Without ``--as`` the
  whole province (system use).
* ``release-expired [--date YYYY-MM-DD]`` — the daily pass: claims whose lock (认领) or delivery period (认捐)
  ended are released, needs past their due date closed (also part of the daily job); prints
  ``released: N`` and ``closed: N``.
* ``export --as USER --out FILE.xlsx [--show …]`` — the Excel list of the user's region (no names or identity
  numbers), recorded in the audit log.
* ``summary [--as USER] [--year YYYY]`` — needs published, claimed, fulfilled and the money by county.

Exit 2 for bad input (Chinese message on stderr).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.casework.management.commands.casework import _scope_of, _user
from doudi.charity import actions, claim_actions, excel, queries
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions


class Command(BaseCommand):
    help = "慈善帮扶：需求列表、释放过期认领、导出、统计"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("list", help="帮扶需求列表（含截止日期）")
        ls.add_argument("--show", default="live")
        ls.add_argument("--as", dest="as_user", default=None)
        rel = sub.add_parser("release-expired", help="释放过期认领、关闭过期需求（每日）")
        rel.add_argument("--date", type=date_option, default=None)
        exp = sub.add_parser("export", help="导出帮扶需求清单（Excel）")
        exp.add_argument("--as", dest="as_user", required=True)
        exp.add_argument("--out", required=True)
        exp.add_argument("--show", default="all")
        summ = sub.add_parser("summary", help="按县统计")
        summ.add_argument("--as", dest="as_user", default=None)
        summ.add_argument("--year", type=int, default=None)

    def handle(self, *args, **o):
        what = o["what"]
        if what == "release-expired":
            with all_regions():
                released = claim_actions.release_expired(today=o.get("date"), actor="命令行")
                closed = claim_actions.close_expired(today=o.get("date"), actor="命令行")
            self.stdout.write(f"released: {released}\nclosed: {closed}")
            return
        show = o.get("show") or "all"
        if show not in queries.STAFF_FILTERS:
            raise CommandError(f"未知的筛选：{show}", returncode=2)
        user = _user(o["as_user"]) if o.get("as_user") else None
        with _scope_of(user) if user is not None else all_regions():
            if what == "export":
                data, n = excel.needs_book(queries.staff_needs(show))
                Path(o["out"]).write_bytes(data)
                actions.record_export(actor=user, rows=n)
                self.stdout.write(f"exported: {n}")
            elif what == "summary":
                s = queries.summary(o.get("year"))
                for r in s["rows"]:
                    self.stdout.write("\t".join(str(x) for x in (r["county"], r["n_published"], r["n_claimed"],
                                                                 r["n_fulfilled"], r["sum_target"],
                                                                 r["sum_fulfilled"])))  # fmt: skip
                self.stdout.write(f"counties: {len(s['rows'])}")
            else:
                n = 0
                for r in queries.rows(queries.staff_needs(show)[:100000]):
                    x = r["n"]
                    self.stdout.write("\t".join([x.public_number, x.category_label, x.title, x.state_label,
                                                 f"{x.target}/{x.claimed}/{x.fulfilled} {x.unit}",
                                                 x.due_on.isoformat()]))  # fmt: skip
                    n += 1
                self.stdout.write(f"needs: {n}")
