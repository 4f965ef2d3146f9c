"""The settlement workbook: every column and value in Chinese, the persons' names masked."""

from __future__ import annotations

from doudi.casework.publicity import mask_name
from doudi.core.workbook import sheet_bytes
from doudi.services import queries
from doudi.services.models import ServiceVisit, Settlement

HEAD = ["类别", "服务日期", "工单编号", "服务对象", "服务项目", "服务人员", "时长（分钟）", "数量", "合同单价（元）",
        "金额（元）", "确认状态", "家庭方确认人", "确认方式"]  # fmt: skip


def settlement_book(s: Settlement) -> tuple[bytes, int]:
    def rows():
        for line in queries.settlement_lines(s):
            yield ["结算汇总", "", "", "", line.service_type.name, "", "", line.quantity, line.unit_price, line.amount,
                   f"{line.visits}次", "", ""]  # fmt: skip
        yield ["合计", f"{s.month:%Y年%m月}", s.contract.number, s.provider.name, "", "", "", "", "", s.total,
               Settlement.State(s.state).label, "", ""]  # fmt: skip
        for group, qs in (
            ("已确认（结算）", queries.paid_visits(s)),
            ("未确认或有异议（不结算）", queries.unpaid_visits(s)),
        ):
            for v in qs.iterator(chunk_size=5000):
                yield [group, v.visited_on.isoformat(), v.order.number, mask_name(v.order.person.name),
                       v.order.service_type.name, v.worker, v.minutes, v.quantity, v.order.unit_price,
                       v.quantity * v.order.unit_price if v.state == "confirmed" else 0,
                       ServiceVisit.State(v.state).label, mask_name(v.family_confirmer) if v.family_confirmer else "",
                       v.get_confirm_method_display()]  # fmt: skip

    return sheet_bytes(f"{s.month:%Y年%m月}服务结算", HEAD, rows())
