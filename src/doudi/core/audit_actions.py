"""Every audit action the code records: one enumeration, values the codes stored in
``AuditEvent.action`` (so existing rows stay valid), labels their Chinese names shown on the audit
page and in its filter. ``record_audit``/``record_read`` take a member (a plain string with the same
value is still accepted); a test checks that every action the source records is a member."""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # accounts
    ACCOUNTS_USER_CREATE = "accounts.user_create", "新建用户"
    ACCOUNTS_TOKEN_CREATE = "accounts.token_create", "创建API令牌"
    ACCOUNTS_TOKEN_REVOKE = "accounts.token_revoke", "吊销API令牌"
    ACCOUNTS_USER_DISABLE = "accounts.user_disable", "停用用户"
    ACCOUNTS_USER_ENABLE = "accounts.user_enable", "启用用户"
    ACCOUNTS_USER_CHANGE = "accounts.user_change", "变更用户角色或管辖区划"
    ACCOUNTS_PASSWORD_RESET = "accounts.password_reset", "重置用户密码"
    ACCOUNTS_PASSWORD_CHANGE = "accounts.password_change", "本人修改密码"
    ACCOUNTS_USER_UNLOCK = "accounts.user_unlock", "解除登录锁定"
    # audit
    AUDIT_SUPERVISOR_ACCESS = "audit.supervisor_access", "审计/纪检人员访问"
    # regions
    REGIONS_LOAD = "regions.load", "载入行政区划"
    REGIONS_ADD = "regions.add", "新增区划"
    # registry
    REGISTRY_REVEAL_ID = "registry.reveal_id", "查看完整身份证号"
    REGISTRY_REVEAL_FACTS = "registry.reveal_facts", "查看敏感信息"
    REGISTRY_EXPORT = "registry.export", "导出家庭数据"
    REGISTRY_HOUSEHOLD_CREATE = "registry.household_create", "新建家庭"
    REGISTRY_PERSON_ADD = "registry.person_add", "登记家庭成员"
    REGISTRY_MEMBER_LEAVE = "registry.member_leave", "成员离开家庭"
    REGISTRY_CATEGORY = "registry.category", "变更救助类别"
    REGISTRY_PERSON_FACT = "registry.person_fact", "登记个人事实"
    REGISTRY_HOUSEHOLD_FACT = "registry.household_fact", "登记家庭事实"
    REGISTRY_BULK_FACTS = "registry.bulk_facts", "批量载入事实"
    REGISTRY_LEGAL_SUPPORTER = "registry.legal_supporter", "登记法定义务人"
    REGISTRY_LEGAL_SUPPORTER_END = "registry.legal_supporter_end", "终止法定义务人记录"
    REGISTRY_ROSTER_IMPORT = "registry.roster_import", "导入救助对象名册"
    REGISTRY_ROSTER_IMPORT_FAILED = "registry.roster_import_failed", "名册导入失败"
    # exchange and matching
    EXCHANGE_BATCH_RECEIVED = "exchange.batch_received", "接收部门数据"
    EXCHANGE_BATCH_LOADED = "exchange.batch_loaded", "载入部门数据"
    EXCHANGE_BATCH_FAILED = "exchange.batch_failed", "部门数据载入失败"
    EXCHANGE_BATCH_LINKED = "exchange.batch_linked", "部门数据比对完成"
    MATCHING_EXPORT = "matching.export", "导出比对结果"
    # monitoring
    MONITORING_SCAN = "monitoring.scan", "监测预警扫描"
    MONITORING_WARNING_RAISE = "monitoring.warning_raise", "发出预警"
    MONITORING_WARNING_MERGE = "monitoring.warning_merge", "预警合并新线索"
    MONITORING_DISPATCH = "monitoring.dispatch", "派发预警"
    MONITORING_RECALL = "monitoring.recall", "召回预警"
    MONITORING_REASSIGN = "monitoring.reassign", "改派预警"
    MONITORING_UNROUTABLE_EXPORT = "monitoring.unroutable_export", "导出无法分派记录"
    MONITORING_UNROUTABLE_TRANSFER = "monitoring.unroutable_transfer", "无法分派记录转交县级"
    MONITORING_ASSIGN = "monitoring.assign", "指派网格员"
    MONITORING_VISIT = "monitoring.visit", "入户核查"
    MONITORING_DISPOSE = "monitoring.dispose", "预警处置"
    MONITORING_CLOSE = "monitoring.close", "预警办结"
    MONITORING_ESCALATE = "monitoring.escalate", "逾期预警升级"
    MONITORING_REPORT = "monitoring.report", "报告困难线索"
    MONITORING_NEED_RESPOND = "monitoring.need_respond", "答复需求推送"
    MONITORING_SUPERVISION_EXPORT = "monitoring.supervision_export", "导出监测督导统计"
    MONITORING_WARNINGS_EXPORT = "monitoring.warnings_export", "导出预警清单"
    MONITORING_WORKDAY_SET = "monitoring.workday_set", "设置节假日安排"
    MONITORING_WORKDAY_REMOVE = "monitoring.workday_remove", "删除节假日安排"
    # policy
    POLICY_PARAMETERS_BASELINE = "policy.parameters_baseline", "载入政策参数基准"
    POLICY_PARAMETER_PROPOSE = "policy.parameter_propose", "提出参数调整"
    POLICY_PARAMETER_APPROVE = "policy.parameter_approve", "批准参数调整"
    POLICY_PARAMETER_REJECT = "policy.parameter_reject", "驳回参数调整"
    POLICY_DECISION = "policy.decision", "作出认定"
    POLICY_DECISION_VIEW = "policy.decision_view", "查看认定详情"
    POLICY_REASSESSMENT_CREATE = "policy.reassessment_create", "发起批量复核测算"
    POLICY_REASSESSMENT_FINISH = "policy.reassessment_finish", "批量复核测算完成"
    POLICY_REASSESSMENT_FAIL = "policy.reassessment_fail", "批量复核测算失败"
    POLICY_REASSESSMENT_EXPORT = "policy.reassessment_export", "导出批量复核测算结果"
    POLICY_SIMULATION_CREATE = "policy.simulation_create", "发起政策模拟"
    POLICY_SIMULATION_FINISH = "policy.simulation_finish", "政策模拟完成"
    POLICY_SIMULATION_FAIL = "policy.simulation_fail", "政策模拟失败"
    POLICY_SIMULATION_EXPORT = "policy.simulation_export", "导出政策模拟结果"
    # letters
    LETTER_ISSUE = "letters.issue", "出具文书"
    LETTER_DELIVERY = "letters.delivery", "登记文书送达"
    LETTER_DOWNLOAD = "letters.download", "下载文书"
    LETTER_BATCH_PRINT = "letters.batch_print", "批量打印文书"
    LETTER_TEMPLATE_SAVE = "letters.template_save", "修改文书模板"
