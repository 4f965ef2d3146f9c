"""``doudi demo seed [--households N] [--seed S]``: load the demo data (idempotent)."""

from __future__ import annotations

import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from doudi.devtools import seed
from doudi.payments.models import Roster

ROSTER_STATES = dict(Roster.State.choices)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "演示数据：doudi demo seed 生成合成的低收入家庭并创建各角色演示账号（可重复执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        p = sub.add_parser("seed", help="载入演示数据（已存在则不重复载入）")
        p.add_argument("--households", type=int, default=seed.DEFAULT_HOUSEHOLDS, help="家庭户数（默认 600）")
        p.add_argument("--seed", type=int, default=2024, help="随机种子（默认 2024）")
        p.add_argument(
            "--roster-only", action="store_true", help="只载入家庭名册、事实和演示账号，不生成办理记录"
        )

    def handle(self, *args, **options):
        if options["households"] < 1:
            raise CommandError("--households 必须为正整数")
        call_command("init", stdout=self.stdout, stderr=self.stderr)
        report = seed.seed_demo(
            households=options["households"], seed=options["seed"], roster_only=options["roster_only"]
        )
        out = self.stdout
        if report.added_nothing:
            out.write("演示数据已存在，未重复载入。")
        else:
            if report.roster_skipped:
                out.write("演示名册已载入过，跳过。")
            else:
                out.write(f"演示名册：新增家庭 {report.households} 户，人员 {report.persons} 人")
                if report.rejected:
                    out.write(self.style.WARNING(f"名册中有 {report.rejected} 行未通过校验"))
            out.write("演示事实已载入过，跳过。" if report.facts_skipped else f"演示事实：{report.facts} 条")
            m = report.monitoring
            if m is not None and (m.imported or m.new_warnings):
                out.write(f"演示部门数据：{len(m.imported)} 批已导入并比对，"
                          f"预警 {m.new_warnings} 条，潜在救助对象 {m.potential_cases} 个")  # fmt: skip
            cw = report.casework
            if cw is not None and cw.applications:
                out.write(
                    f"演示救助申请：{cw.applications} 件（覆盖各办理状态），县级抽查 {cw.spot_checks} 件"
                )
            pay = report.payments
            if pay is not None and pay.lines:
                states = "、".join(f"{ROSTER_STATES[k]} {v} 份" for k, v in pay.rosters.items())
                out.write(
                    f"演示救助金发放：新增在保对象 {pay.cases} 户，发放明细 {pay.lines} 条；花名册 {states}"
                )
            co = report.counties
            if co is not None and any(co.applications.values()):
                out.write(f"演示同级县区（南关区、农安县、洮北区）：救助申请 {sum(co.applications.values())} 件，"
                          f"发放明细 {co.lines} 条")  # fmt: skip
            nd = report.needs
            if nd is not None and (nd.pushed or nd.answered):
                out.write(f"演示需求推送：按政策推送 {nd.pushed} 条，部门答复 {sum(nd.answered.values())} 条")
            ta = report.tempaid
            if ta is not None and ta.cases and not ta.skipped:
                out.write(
                    f"演示临时救助：{ta.cases} 件（含先行救助、补办逾期和一事一议），进学街道备用金已核拨"
                )
            if report.complaints:
                out.write(f"演示投诉举报：{report.complaints} 件（各办理状态、逾期升级、敏感举报和复查）")
            dc = report.disclosure
            if dc is not None and not dc.skipped:
                out.write(
                    f"演示信息公开：办事指南 {dc.guides} 份，发布救助对象名单 {len(dc.published)} 个县（市、区），"
                    f"公开 {sum(dc.published.values())} 户（人）"
                )
            if report.spotchecks:
                out.write(f"演示抽查核查：延吉市抽取 {report.spotchecks} 件（含核查结论和整改）")
            act = report.activity
            if act is not None and any((*act.warnings.values(), *act.complaints.values())):
                out.write(f"演示各县区近7个月工作：预警 {sum(act.warnings.values())} 条，"
                          f"投诉举报 {sum(act.complaints.values())} 件，"
                          f"农安县、洮北区抽查 {sum(act.spot_items.values())} 件，部门答复需求 {act.answers} 条")  # fmt: skip
            if report.services:
                out.write(
                    f"演示救助服务：进学街道服务工单 {report.services} 件（两家服务机构，含服务记录和月度结算）"
                )
            if report.charity:
                out.write(f"演示慈善帮扶：帮扶需求 {report.charity} 条（各办理状态，慈善总会认领并完成一条）")
            if report.evaluation:
                out.write(f"演示绩效评价：{len(report.evaluation)} 次（上年度和本年度各县排名）")
            if report.dashboard_cells:
                out.write(f"统计分析数据已生成：{report.dashboard_cells} 个统计单元")
            if report.users_created:
                out.write(f"新建演示账号：{len(report.users_created)} 个")
        rows = [("用户名", "密码", "角色", "管辖区划"), *seed.account_rows()]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        out.write("")
        out.write("演示账号：")
        for r in rows:
            out.write("  ".join([*(_pad(r[i], widths[i]) for i in range(3)), r[3]]))
