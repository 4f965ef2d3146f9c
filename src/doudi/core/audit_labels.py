"""Chinese names of the audit log's codes: the actions (from ``AuditAction``), the subject types and
the non-user actors (commands, jobs). The audit page and its filter show these, never the codes."""

from __future__ import annotations

from doudi.core.audit_actions import AuditAction

# the actions' names live on the enumeration; this mapping is kept for the lookups below
ACTION_LABELS: dict[str, str] = dict(AuditAction.choices)

SUBJECT_LABELS: dict[str, str] = {
    "application": "救助申请",
    "batch": "批次",
    "case": "救助档案",
    "date": "日期",
    "decision": "认定",
    "exchange_batch": "部门数据批次",
    "household": "家庭",
    "household_search": "家庭查询",
    "import_batch": "名册导入批次",
    "job": "定时任务",
    "letter": "文书",
    "letter_template": "文书模板",
    "letters": "文书批量",
    "monitoring_scan": "监测扫描",
    "need_push": "需求推送",
    "parameter_proposal": "参数调整申请",
    "parameters": "政策参数",
    "person": "人员",
    "policy_run": "测算任务",
    "region": "区划",
    "report": "困难线索报告",
    "request": "请求",
    "supervision": "监测督导",
    "user": "用户",
    "warning": "预警",
    "warnings": "预警清单",
    "office_guide": "办事指南",
    "published_list": "救助对象名单",
    "audit_log": "审计日志",
    "complaint": "投诉举报",
    "complaint_export": "投诉举报清单",
    "fund": "资金专账",
    "monthly_summary": "月度汇总",
    "oneoff": "一次性发放",
    "payments_export": "发放明细导出",
    "payments_run": "月度发放",
    "potential_case": "潜在救助对象",
    "recipient_account": "收款账户",
    "recovery_claim": "追回款",
    "recovery_offsets": "追回款抵扣",
    "roster": "发放花名册",
    "roster_line": "花名册明细",
    "staff_relation": "工作人员近亲属备案",
    "tempaid_export": "临时救助清单",
    "unroutable_records": "无法分派记录",
    "spotcheck_item": "抽查核查对象",
    "spotcheck_round": "抽查核查批次",
    "evaluation_run": "绩效评价",
    "dashboards": "统计分析",
    "dashboards_export": "统计分析报表",
    # service-type assistance (doudi.services)
    "service_type": "救助服务项目",
    "service_provider": "服务机构",
    "service_contract": "服务合同",
    "service_order": "服务工单",
    "service_visit": "服务记录",
    "service_settlement": "服务结算",
}

# actors that are not users (``record_audit(actor="…")``): commands, jobs, the demo seed
ACTOR_LABELS: dict[str, str] = {
    "system": "系统",
    "command": "命令行",
    "matching": "数据比对",
    "doudi init": "系统初始化",
    "doudi reassess": "命令行批量复核测算",
    "doudi simulate": "命令行政策模拟",
    "doudi token": "命令行令牌管理",
    "doudi user": "命令行用户管理",
    "doudi evaluation": "命令行绩效评价",
    "demo seed": "演示数据生成",
    "doudi disclosure": "命令行发布信息公开",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, subject_type)


def actor_label(label: str) -> str:
    return ACTOR_LABELS.get(label, label)
