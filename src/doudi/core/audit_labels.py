"""Chinese names of the audit log's codes: every action name the code records, the subject types and
the non-user actors (commands, jobs). The audit page and its filter show these, never the codes; a
test checks that every ``action="…"`` in the source has a label here."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    # accounts
    "accounts.user_create": "新建用户",
    "accounts.token_create": "创建API令牌",
    "accounts.token_revoke": "吊销API令牌",
    "accounts.user_disable": "停用用户",
    "accounts.user_enable": "启用用户",
    "accounts.user_change": "变更用户角色或管辖区划",
    "accounts.password_reset": "重置用户密码",
    "accounts.password_change": "本人修改密码",
    "accounts.user_unlock": "解除登录锁定",
    # audit
    "audit.supervisor_access": "审计/纪检人员访问",
    # regions
    "regions.load": "载入行政区划",
    "regions.add": "新增区划",
    # registry
    "registry.reveal_id": "查看完整身份证号",
    "registry.reveal_facts": "查看敏感信息",
    "registry.export": "导出家庭数据",
    "registry.household_create": "新建家庭",
    "registry.person_add": "登记家庭成员",
    "registry.member_leave": "成员离开家庭",
    "registry.category": "变更救助类别",
    "registry.person_fact": "登记个人事实",
    "registry.household_fact": "登记家庭事实",
    "registry.bulk_facts": "批量载入事实",
    "registry.legal_supporter": "登记法定义务人",
    "registry.legal_supporter_end": "终止法定义务人记录",
    "registry.roster_import": "导入救助对象名册",
    "registry.roster_import_failed": "名册导入失败",
    # exchange and matching
    "exchange.batch_received": "接收部门数据",
    "exchange.batch_loaded": "载入部门数据",
    "exchange.batch_failed": "部门数据载入失败",
    "exchange.batch_linked": "部门数据比对完成",
    "matching.export": "导出比对结果",
    # monitoring
    "monitoring.scan": "监测预警扫描",
    "monitoring.warning_raise": "发出预警",
    "monitoring.warning_merge": "预警合并新线索",
    "monitoring.dispatch": "派发预警",
    "monitoring.recall": "召回预警",
    "monitoring.reassign": "改派预警",
    "monitoring.unroutable_export": "导出无法分派记录",
    "monitoring.unroutable_transfer": "无法分派记录转交县级",
    "monitoring.assign": "指派网格员",
    "monitoring.visit": "入户核查",
    "monitoring.dispose": "预警处置",
    "monitoring.close": "预警办结",
    "monitoring.escalate": "逾期预警升级",
    "monitoring.report": "报告困难线索",
    "monitoring.need_respond": "答复需求推送",
    "monitoring.supervision_export": "导出监测督导统计",
    "monitoring.warnings_export": "导出预警清单",
    "monitoring.workday_set": "设置节假日安排",
    "monitoring.workday_remove": "删除节假日安排",
    # policy
    "policy.parameters_baseline": "载入政策参数基准",
    "policy.parameter_propose": "提出参数调整",
    "policy.parameter_approve": "批准参数调整",
    "policy.parameter_reject": "驳回参数调整",
    "policy.decision": "作出认定",
    "policy.decision_view": "查看认定详情",
    "policy.reassessment_create": "发起批量复核测算",
    "policy.reassessment_finish": "批量复核测算完成",
    "policy.reassessment_fail": "批量复核测算失败",
    "policy.reassessment_export": "导出批量复核测算结果",
    "policy.simulation_create": "发起政策模拟",
    "policy.simulation_finish": "政策模拟完成",
    "policy.simulation_fail": "政策模拟失败",
    "policy.simulation_export": "导出政策模拟结果",
}

SUBJECT_LABELS: dict[str, str] = {
    "batch": "批次",
    "date": "日期",
    "decision": "认定",
    "exchange_batch": "部门数据批次",
    "household": "家庭",
    "household_search": "家庭查询",
    "import_batch": "名册导入批次",
    "job": "定时任务",
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
    "demo seed": "演示数据生成",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def subject_label(subject_type: str) -> str:
    return SUBJECT_LABELS.get(subject_type, subject_type)


def actor_label(label: str) -> str:
    return ACTOR_LABELS.get(label, label)
