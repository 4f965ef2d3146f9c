"""The settlement workbook: every column and value in Chinese, the persons' names masked."""

from __future__ import annotations

from doudi.casework.publicity import mask_name
from doudi.core.workbook import sheet_bytes
from doudi.services import queries
from doudi.services.models import ServiceOrder, ServiceVisit, Settlement

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


ORDER_HEAD = ["工单编号", "服务对象", "身份证号", "乡镇（街道）", "服务项目", "服务机构", "合同单价（元）", "频次",
              "服务开始", "服务结束", "状态", "下单日期", "接单期限", "下次计划服务", "未按期上门（次）", "期限情况",
              "来源", "满意度"]  # fmt: skip


def _deadline_text(r: dict) -> str:
    d = r["deadline"]
    if d["overdue_days"]:
        return f"{d['label']}{d['status_label']}（逾期{d['overdue_days']}个工作日）"
    if r["missed"]:
        return f"有{r['missed']}次未按期上门"
    return f"{d['label']}：{d['status_label']}" if d["status_label"] else ""


def orders_book(items: list[dict], title: str) -> tuple[bytes, int]:
    """The order list with the deadlines a caseworker follows; names and identity numbers masked."""

    def rows():
        for r in items:
            o = r["o"]
            yield [o.number, mask_name(o.person.name), o.person.id_masked or "", r["township"], o.service_type.name,
                   o.provider.name, o.unit_price, f"{o.get_frequency_display()}{o.visits_per_period}次",
                   o.starts_on.isoformat(), o.ends_on.isoformat(), ServiceOrder.State(o.state).label,
                   o.placed_on.isoformat(), o.accept_due.isoformat() if o.state == ServiceOrder.State.PLACED else "",
                   r["next"].isoformat() if r["next"] and o.state == ServiceOrder.State.ACCEPTED else "",
                   r["missed"], _deadline_text(r), o.get_origin_display() if o.origin else "直接下单",
                   o.get_satisfaction_display()]  # fmt: skip

    return sheet_bytes(title, ORDER_HEAD, rows())
