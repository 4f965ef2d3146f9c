"""``doudi dashboards …``: the dashboards' cells (docs/dashboards.md).

* ``refresh [--date YYYY-MM-DD] [--full]`` — rebuild the cells as of the date (default today); ``--full`` also
  rebuilds the paid roster months kept from earlier builds. Prints ``topic: cells`` lines and ``cells: N``.
  Also part of the daily job (``monitoring.schedule``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from doudi.core.commands import date_option
from doudi.core.scoping import all_regions
from doudi.dashboards import actions


class Command(BaseCommand):
    help = "统计分析：生成（刷新）统计数据"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ref = sub.add_parser("refresh", help="重新生成统计分析数据（每日定时任务也会运行）")
        ref.add_argument("--date", type=date_option, default=None)
        ref.add_argument("--full", action="store_true", help="连同已结清月份的发放数据一并重建")

    def handle(self, *args, **o):
        with all_regions():
            out = actions.refresh(today=o.get("date"), actor="命令行", full=o["full"])
        for key, n in out.items():
            if key != "cells":
                self.stdout.write(f"{key}: {n}")
        self.stdout.write(f"cells: {out['cells']}")
