"""``doudi warnings export --out FILE.csv [--region CODE]``: the warnings of a region subtree as CSV.

Columns: ``warning_id, indicator, level, status, household_key, person_key, id_number_masked,
region_code, raised_on, deadline`` (masked identity numbers only). Without ``--region`` the whole
province. Exit 2 for an unknown region or an unwritable file.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.core.scoping import all_regions, using_scope
from doudi.monitoring.loop.warning_export import export_csv
from doudi.regions.models import Region


class Command(BaseCommand):
    help = "预警：export 导出预警清单（CSV，身份证号脱敏）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--out", required=True, help="输出的 CSV 文件")
        parser.add_argument("--region", help="区划代码（6位或12位），只导出该辖区的预警")

    def handle(self, *args, **options):
        region = (options.get("region") or "").strip()
        if region:
            code = region.ljust(12, "0")
            if not (
                region.isdigit() and len(region) in (6, 12) and Region.objects.filter(code=code).exists()
            ):
                raise CommandError(f"区划代码不存在：{region}", returncode=2)
            scope = using_scope(code)
        else:
            scope = all_regions()
        try:
            with scope:
                n = export_csv(options["out"], actor="command")
        except OSError as exc:
            raise CommandError(f"无法写入 {options['out']}：{exc}", returncode=2) from exc
        self.stdout.write(f"rows: {n}")
        self.stdout.write(f"out: {options['out']}")
