"""``doudi services …``: service-type assistance from the command line (R-P3).

* ``orders [--as USER] [--show open|placed|overdue|accepted|confirm|completed|declined|all] [--xlsx FILE]`` —
  orders (tab-separated: number, person, service, provider, state, deadline, deadline status); last line
  ``orders: N``; with ``--xlsx`` the page's workbook instead (masked names, deadlines; audited), ``rows: N``;
* ``overdue [--date DATE]`` — raise late acceptances and missed visits to the townships (also daily);
* ``settle --month YYYY-MM [--county CODE] [--as USER]`` — draft (or re-run) every contract's settlement of the
  month; tab-separated contract, provider, visits, total, unpaid, state; last line ``total: YUAN``;
* ``export --settlement ID --out FILE.xlsx [--as USER]`` — a settlement as Excel.

Without ``--as`` the reads run province-wide. Exit 2 for bad input, 3 for a step the state does not allow.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doudi.casework.management.commands.casework import _scope_of, _user
from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.services import deadline_actions, excel, export_actions, queries, rules, settlement_actions
from doudi.services.base import ServicesConflict, ServicesError
from doudi.services.models import Settlement


class _Everyone:
    """The province-wide reader of the command line without ``--as``."""

    role = "command"
    region_id = "220000000000"

    def can(self, capability: str) -> bool:
        return capability == "services.read"


class Command(BaseCommand):
    help = "救助服务：工单、逾期提醒、月度结算、导出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("orders", help="服务工单（含期限）")
        ls.add_argument("--show", default="open")
        ls.add_argument("--as", dest="as_user")
        ls.add_argument("--xlsx", help="导出为 Excel 文件（与页面导出相同）")
        od = sub.add_parser("overdue", help="逾期未接单、未按期上门提醒乡镇")
        od.add_argument("--date")
        st = sub.add_parser("settle", help="月度结算（草稿，可重复计算）")
        st.add_argument("--month", required=True)
        st.add_argument("--county", default="")
        st.add_argument("--as", dest="as_user")
        ex = sub.add_parser("export", help="导出结算表")
        ex.add_argument("--settlement", type=int, required=True)
        ex.add_argument("--out", required=True)
        ex.add_argument("--as", dest="as_user")

    def _ctx(self, as_user):
        if as_user:
            user = _user(as_user)
            return user, _scope_of(user)
        return None, all_regions()

    def handle(self, *args, what: str, **opts):
        try:
            getattr(self, f"_{what}")(**opts)
        except ServicesConflict as exc:
            raise CommandError(str(exc), returncode=3) from None
        except ServicesError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _orders(self, show: str, as_user: str | None, xlsx: str | None = None, **_):
        user, scope = self._ctx(as_user)
        show = show if show in queries.FILTERS else "open"
        if xlsx:
            with scope:
                data, n = excel.orders_book(queries.export_orders(user or _Everyone(), show),
                                            f"救助服务工单（{queries.FILTERS[show]}）")  # fmt: skip
                export_actions.record_orders_export(actor=user or "command", which=show, q="", rows=n)
            Path(xlsx).write_bytes(data)
            self.stdout.write(f"rows: {n}")
            return
        with scope:
            qs = queries.orders(user or _Everyone(), show if show in queries.FILTERS else "open")
            n = 0
            for r in queries.rows(qs.iterator(chunk_size=2000)):
                o, d = r["o"], r["deadline"]
                due = d["due"].isoformat() if d["due"] else ""
                self.stdout.write("\t".join([o.number, o.person.name, o.service_type.name, o.provider.name,
                                             o.get_state_display(), due, d["status_label"]]))  # fmt: skip
                n += 1
        self.stdout.write(f"orders: {n}")

    def _overdue(self, date: str | None, **_):
        day = date_option(date) if date else timezone.localdate()
        with all_regions():
            got = deadline_actions.raise_overdue(today=day)
        self.stdout.write(f"late orders: {got['services_late_orders']}")
        self.stdout.write(f"missed visits: {got['services_missed_visits']}")

    def _settle(self, month: str, county: str, as_user: str | None, **_):
        try:
            first = rules.parse_month(month)
        except (ValueError, TypeError):
            raise CommandError(f"月份格式应为 YYYY-MM：{month}", returncode=2) from None
        user, scope = self._ctx(as_user)
        with scope:
            done = settlement_actions.settle_month(
                actor=user or "command",
                month=first,
                county=county or (user.region_id if user else "220000000000"),
            )
            total = Decimal(0)
            for s in done:
                total += s.total
                self.stdout.write("\t".join([s.contract.number, s.provider.name, str(s.visits), str(s.total),
                                             str(s.unpaid_visits), Settlement.State(s.state).label]))  # fmt: skip
        self.stdout.write(f"total: {total}")

    def _export(self, settlement: int, out: str, as_user: str | None, **_):
        user, scope = self._ctx(as_user)
        with scope:
            try:
                s = queries.get_settlement(user, settlement)
            except Settlement.DoesNotExist:
                raise CommandError(f"结算单不存在：{settlement}", returncode=2) from None
            data, n = excel.settlement_book(s)
            settlement_actions.record_export(actor=user or "command", settlement=s, rows=n)
        Path(out).write_bytes(data)
        self.stdout.write(f"rows: {n}")
