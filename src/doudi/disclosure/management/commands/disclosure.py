"""``doudi disclosure publish [--county CODE] [--month YYYY-MM]``: publish the recipient list and figures
of a county (or of every county with a roster month past draft)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from doudi.core.scoping import all_regions
from doudi.disclosure import publish_actions


class Command(BaseCommand):
    help = "发布救助对象名单和统计数据（信息公开）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        pub = sub.add_parser("publish", help="按已锁定的发放花名册发布救助对象名单")
        pub.add_argument("--county", default="", help="县（市、区）区划代码；不填则发布全部县")
        pub.add_argument("--month", default="", help="月份 YYYY-MM；不填则取最新已锁定月份")

    def handle(self, *args, **opts):
        month = None
        if opts["month"]:
            try:
                month = dt.date.fromisoformat(opts["month"] + "-01")
            except ValueError:
                raise CommandError("月份格式应为 YYYY-MM") from None
        with all_regions():
            try:
                if opts["county"]:
                    lists = [
                        publish_actions.publish_month(
                            actor="doudi disclosure", county_code=opts["county"].ljust(12, "0"), month=month
                        )
                    ]
                else:
                    lists = publish_actions.publish_all(actor="doudi disclosure", month=month)
            except publish_actions.DisclosureError as exc:
                raise CommandError(str(exc)) from None
        for p in lists:
            self.stdout.write(f"{p.region_code} {p.month:%Y-%m} 公开 {p.listed} 不予公开 {p.exempt}")
        self.stdout.write(f"counties: {len(lists)}")
