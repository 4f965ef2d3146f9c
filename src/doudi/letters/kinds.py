"""The kinds of notice letters (文书, CASEWORK R-W28) and the context each one expects — pure Python, no Django.

This module owns the letters' Chinese names (``LetterKind`` in ``models`` takes them from here) and
documents, per kind, the variables the caller (casework) passes to ``actions.issue_letter``. Every
letter also receives the standard variables (``STANDARD_VARIABLES``) filled in by the app itself.

Values are plain JSON-able data: strings, numbers, ISO dates or ``datetime.date``, lists of dicts.
Identity numbers are passed masked only (``id_masked``); a full number anywhere is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# kind code → Chinese name (the one owner of these labels)
KIND_LABELS: dict[str, str] = {
    "receipt": "受理回执",
    "not_accepted": "不予受理告知书",
    "materials": "补正材料告知书（一次性告知）",
    "extension": "延期办理告知书",
    "verification_result": "核对结果告知书",
    "verification_report": "家庭经济状况核对报告",
    "notice": "公示",
    "confirmation": "确认通知书",
    "refusal": "不予确认告知书",
    "adjustment": "调整通知书",
    "grace": "渐退告知书",
    "suspension": "暂停/停发/终止告知书",
    "transition": "转入边缘/刚性告知书",
    "temp_aid_notice": "临时救助公示",
    "temp_aid_refusal": "不予临时救助告知书",
}

# decisions an applicant may contest: the letter states the remedies (R-G6)
REMEDY_KINDS = frozenset(
    {"not_accepted", "refusal", "adjustment", "grace", "suspension", "transition", "temp_aid_refusal"}
)
# letters the confirming authority (county civil affairs) issues; the others come from the township
COUNTY_KINDS = frozenset(
    {"verification_report", "confirmation", "refusal", "adjustment", "grace", "suspension", "transition"}
)


@dataclass(frozen=True)
class Var:
    name: str
    meaning: str
    required: bool = False


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str
    variables: tuple[Var, ...]

    @property
    def remedies(self) -> bool:
        return self.kind in REMEDY_KINDS

    @property
    def issuer_level(self) -> str:
        return "county" if self.kind in COUNTY_KINDS else "township"

    def required(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables if v.required)


# filled in by the app for every letter (the caller may override issuer / issuer_name)
STANDARD_VARIABLES: tuple[Var, ...] = (
    Var("number", "文书编号，如 吉延吉救〔2026〕第000123号"),
    Var("title", "文书标题（默认为文书种类名称）"),
    Var("kind_label", "文书种类名称"),
    Var("issued_on", "出具日期（中文，如 2026年12月6日）"),
    Var("region_name", "文书所属区划全称"),
    Var("county_name", "县（市、区）名称"),
    Var("township_name", "乡镇（街道）名称（县级文书为空）"),
    Var("issuer", "出具机关，如 延吉市民政局、进学街道办事处（可由调用方传入覆盖）"),
    Var("seal", "印章位置占位文字（印章）"),
    Var("addressee", "收件人（未成年人为其监护人）"),
    Var("remedy_review_days", "申请行政复议期限（日，参数 remedy.review_days，默认60）"),
    Var("remedy_litigation_months", "提起行政诉讼期限（月，参数 remedy.litigation_months，默认6）"),
    Var("remedies", "救济途径告知全文（行政复议、行政诉讼）"),
    Var("corrects_number", "更正文书时，被更正文书的编号"),
)

_APPLICANT = (
    Var("applicant_name", "申请人姓名", required=True),
    Var("application_no", "申请编号", required=True),
    Var("address", "家庭住址（到村/社区、街路即可，无需门牌号）"),
)
_MEMBERS = Var("members", "家庭成员列表，每项 {name 姓名, id_masked 脱敏身份证号, relation 与申请人关系}")
_COMPLAINT = (
    Var("complaint_phone", "监督投诉电话"),
    Var("complaint_address", "监督投诉地址"),
)
_FAILED = Var(
    "failed_conditions", "未满足的条件，每项 {rule 规则编号, text 说明, figures 相关数额}", required=True
)

_SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        "receipt",
        KIND_LABELS["receipt"],
        (
            *_APPLICANT,
            Var("household_size", "共同生活家庭成员人数"),
            _MEMBERS,
            Var("tiers_requested", "申请的救助类别（文字，如 最低生活保障、低保边缘家庭、刚性支出困难家庭）"),
            Var("received_on", "收到申请日期", required=True),
            Var("accepted_on", "受理日期", required=True),
            Var("deadline_on", "办理时限届满日期（30个工作日）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "not_accepted",
        KIND_LABELS["not_accepted"],
        (
            *_APPLICANT,
            Var("received_on", "收到申请日期", required=True),
            Var("reasons", "不予受理的理由（字符串列表）", required=True),
            Var("competent_body", "应当向哪个机关申请（如属管辖问题）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "materials",
        KIND_LABELS["materials"],
        (
            *_APPLICANT,
            Var("received_on", "收到申请日期", required=True),
            Var("missing_materials", "需补正的材料（字符串列表，一次性全部列出）", required=True),
            Var("materials_deadline", "补正材料截止日期", required=True),
            Var("lapse_note", "逾期未补正的后果说明（可选，默认有通用表述）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "extension",
        KIND_LABELS["extension"],
        (
            *_APPLICANT,
            Var("accepted_on", "受理日期", required=True),
            Var("original_deadline", "原办理期限届满日期", required=True),
            Var("extended_deadline", "延期后届满日期", required=True),
            Var("extension_reason", "延期理由", required=True),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "verification_result",
        KIND_LABELS["verification_result"],
        (
            *_APPLICANT,
            Var("verification_passed", "核对是否通过（true/false）", required=True),
            Var("summary", "核对结果摘要"),
            Var("verification_rows", "核对明细，每项 {member, item, declared, found, source, as_of, result}"),
            Var("recheck_deadline", "申请复查的截止日期（核对未通过时）"),
            Var("recheck_days", "可申请复查的天数（默认15日）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "verification_report",
        KIND_LABELS["verification_report"],
        (
            *_APPLICANT,
            _MEMBERS,
            Var("authorization_no", "授权书编号"),
            Var("requested_on", "核对申请日期"),
            Var("report_version", "报告版本（复查后为新版本）"),
            Var(
                "verification_rows",
                "核对明细，每项 {member 成员, item 项目, declared 申报, found 核对结果, "
                "source 数据来源部门, as_of 数据截止日期, result 相符/不符/无数据/承诺确认}",
                required=True,
            ),
            Var("conclusion", "核对结论"),
        ),
    ),
    KindSpec(
        "notice",
        KIND_LABELS["notice"],
        (
            Var(
                "notice_rows",
                "公示对象，每项 {applicant_name 申请人, household_size 人数, tier 类别, "
                "monthly_total 月救助金额, village 村（社区）}",
                required=True,
            ),
            Var("notice_start", "公示开始日期", required=True),
            Var("notice_end", "公示结束日期", required=True),
            Var("objection_phone", "异议受理电话"),
            Var("objection_address", "异议受理地址"),
        ),
    ),
    KindSpec(
        "confirmation",
        KIND_LABELS["confirmation"],
        (
            *_APPLICANT,
            Var("tier_label", "认定的救助类别，如 城市最低生活保障", required=True),
            Var("household_size", "保障人数"),
            _MEMBERS,
            Var("monthly_total", "每月救助金额（元）", required=True),
            Var("calculation", "计算过程，每行 {label 项目, amount 金额}"),
            Var("start_month", "起始发放月份（如 2027年1月）", required=True),
            Var("review_class", "分类管理类别（A/B/C类）"),
            Var("next_review", "下次复核日期"),
            Var("tiers_refused", "未予认定的其他类别（字符串列表，R-W26）"),
            Var("report_duties", "家庭人口、收入、财产变化的报告义务（可选，默认有通用表述）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "refusal",
        KIND_LABELS["refusal"],
        (
            *_APPLICANT,
            Var("decided_on", "作出决定日期", required=True),
            _FAILED,
            Var("tiers_granted", "同时认定的其他类别（字符串列表，R-W26）"),
            Var("tiers_refused", "不予认定的类别（字符串列表）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "adjustment",
        KIND_LABELS["adjustment"],
        (
            *_APPLICANT,
            Var("tier_label", "救助类别", required=True),
            Var("direction", "增发 或 减发", required=True),
            Var("old_monthly_total", "调整前每月金额（元）", required=True),
            Var("monthly_total", "调整后每月金额（元）", required=True),
            Var("calculation", "计算过程，每行 {label, amount}"),
            Var("start_month", "调整生效月份", required=True),
            Var("reasons", "调整理由（字符串列表）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "grace",
        KIND_LABELS["grace"],
        (
            *_APPLICANT,
            Var("tier_label", "原救助类别", required=True),
            Var("trigger", "渐退原因（如 家庭成员就业）", required=True),
            Var("grace_start", "渐退期开始月份", required=True),
            Var("grace_end", "渐退期结束月份", required=True),
            Var("monthly_total", "渐退期内每月金额（元）", required=True),
            Var("after_grace", "渐退期满后的安排说明"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "suspension",
        KIND_LABELS["suspension"],
        (
            *_APPLICANT,
            Var("action_label", "暂停发放 / 停止发放 / 终止救助", required=True),
            Var("tier_label", "救助类别", required=True),
            Var("effective_month", "生效月份", required=True),
            Var("reasons", "理由（字符串列表）", required=True),
            Var("failed_conditions", "不再符合的条件，每项 {rule, text, figures}"),
            Var("resume_conditions", "恢复发放的条件（暂停时）"),
            *_COMPLAINT,
        ),
    ),
    KindSpec(
        "transition",
        KIND_LABELS["transition"],
        (
            *_APPLICANT,
            Var("from_tier", "原救助类别", required=True),
            Var("to_tier", "转入的类别（低保边缘家庭 / 刚性支出困难家庭）", required=True),
            Var("effective_month", "生效月份", required=True),
            Var("measures", "转入后可享受的救助措施（字符串列表）"),
            Var("next_review", "下次复核日期"),
            *_COMPLAINT,
        ),
    ),
)

# temporary assistance (CASEWORK §6, R-TA3): the notice of a case and its refusal (R-W25 text); the
# township issues both unless the caller names the deciding county as ``issuer``
_SPECS += (
    KindSpec(
        "temp_aid_notice",
        KIND_LABELS["temp_aid_notice"],
        (
            Var(
                "notice_rows",
                "公示对象，每项 {applicant_name 申请人, aid_type 救助类型, event 急难事由, amount 拟救助金额, "
                "number 编号}",
                required=True,
            ),
            Var("notice_start", "公示开始日期", required=True),
            Var("notice_end", "公示结束日期", required=True),
            Var("notice_days", "公示期（工作日）"),
            Var("objection_phone", "异议受理电话"),
            Var("objection_address", "异议受理地址"),
        ),
    ),
    KindSpec(
        "temp_aid_refusal",
        KIND_LABELS["temp_aid_refusal"],
        (
            *_APPLICANT,
            Var("aid_type", "救助类型（急难型 / 支出型）", required=True),
            Var("event", "急难事由", required=True),
            Var("decided_on", "作出决定日期", required=True),
            _FAILED,
            Var("paid_first_note", "已先行救助的说明（转复核，不自动追回）"),
            Var("followup", "可以申请的其他救助或转介途径"),
            *_COMPLAINT,
        ),
    ),
)

KINDS: dict[str, KindSpec] = {s.kind: s for s in _SPECS}
assert set(KINDS) == set(KIND_LABELS)


def missing_required(kind: str, context: dict) -> list[str]:
    """The required variables of ``kind`` absent (or empty) in ``context``."""
    return [name for name in KINDS[kind].required() if context.get(name) in (None, "", [])]


_MEMBERS_SAMPLE = [
    {"name": "张三", "id_masked": "222401********1234", "relation": "本人"},
    {"name": "李四", "id_masked": "222401********5678", "relation": "配偶"},
]
_FAILED_SAMPLE = [
    {
        "rule": "R-D1",
        "text": "家庭月人均收入高于当地最低生活保障标准",
        "figures": "月人均收入 812.00 元，标准 747.00 元",
    }
]
_VERIFY_SAMPLE = [
    {
        "member": "张三",
        "item": "养老金",
        "declared": "0.00",
        "found": "1,450.00 元/月",
        "source": "人力资源和社会保障",
        "as_of": "2026-11-30",
        "result": "不符",
    },
    {
        "member": "李四",
        "item": "机动车",
        "declared": "无",
        "found": "无",
        "source": "公安",
        "as_of": "2026-11-30",
        "result": "相符",
    },
]


def sample_context(kind: str) -> dict:
    """A context with every documented variable, for the template editor's preview PDF."""
    d = dt.date(2026, 12, 6)
    base = {
        "applicant_name": "张三",
        "application_no": "SQ2026-000123",
        "address": "延吉市进学街道某社区",
        "household_size": 2,
        "members": _MEMBERS_SAMPLE,
        "tiers_requested": "最低生活保障、低保边缘家庭、刚性支出困难家庭",
        "received_on": d,
        "accepted_on": d,
        "deadline_on": dt.date(2027, 1, 20),
        "complaint_phone": "0433-0000000",
        "complaint_address": "延吉市民政局社会救助科",
        "reasons": ["申请人户籍及居住地均不在本辖区"],
        "competent_body": "户籍所在地乡镇人民政府（街道办事处）",
        "missing_materials": ["共同生活家庭成员的残疾人证复印件", "近12个月医疗费用票据"],
        "materials_deadline": dt.date(2027, 1, 5),
        "original_deadline": dt.date(2027, 1, 20),
        "extended_deadline": dt.date(2027, 2, 10),
        "extension_reason": "跨区域调查尚未完成",
        "verification_passed": False,
        "summary": "家庭成员张三有未申报的养老金收入。",
        "verification_rows": _VERIFY_SAMPLE,
        "recheck_deadline": dt.date(2026, 12, 21),
        "recheck_days": 15,
        "authorization_no": "SQ2026-000123-SQ",
        "requested_on": d,
        "report_version": 1,
        "conclusion": "家庭经济状况不符合最低生活保障条件。",
        "notice_rows": [
            {
                "applicant_name": "张三",
                "household_size": 2,
                "tier": "城市最低生活保障",
                "monthly_total": "1,494.00",
                "village": "某社区",
            }
        ],
        "notice_start": d,
        "notice_end": dt.date(2026, 12, 12),
        "objection_phone": "0433-0000001",
        "objection_address": "进学街道办事处民政办",
        "tier_label": "城市最低生活保障",
        "monthly_total": "1,494.00",
        "old_monthly_total": "1,200.00",
        "calculation": [
            {"label": "保障标准 × 人数（747.00 × 2）", "amount": "1,494.00"},
            {"label": "减：家庭月收入", "amount": "0.00"},
        ],
        "start_month": "2027年1月",
        "review_class": "A类",
        "next_review": dt.date(2027, 12, 1),
        "tiers_refused": ["特困人员救助供养"],
        "tiers_granted": ["低保边缘家庭"],
        "decided_on": d,
        "failed_conditions": _FAILED_SAMPLE,
        "direction": "增发",
        "trigger": "家庭成员就业",
        "grace_start": "2027年1月",
        "grace_end": "2027年6月",
        "after_grace": "渐退期满后停发最低生活保障金，符合条件的转入低保边缘家庭。",
        "action_label": "暂停发放",
        "effective_month": "2027年1月",
        "resume_conditions": "完成按月认证后恢复发放，并补发暂停期间的救助金。",
        "from_tier": "城市最低生活保障",
        "to_tier": "低保边缘家庭",
        "measures": ["医疗救助", "教育救助", "住房救助"],
        "aid_type": "急难型",
        "event": "租住房屋失火，生活用品烧毁",
        "paid_first_note": "已先行救助800元，不予救助决定后转复核，不自动追回。",
        "followup": "如困难持续，可向户籍地乡镇（街道）申请最低生活保障。",
        "notice_days": 3,
    }
    if kind == "temp_aid_notice":
        base["notice_rows"] = [
            {"number": "LS2224010012601", "applicant_name": "张三", "aid_type": "急难型",
             "event": "房屋失火", "amount": "1,520"}
        ]  # fmt: skip
        base["notice_end"] = dt.date(2026, 12, 9)
    return {v.name: base[v.name] for v in KINDS[kind].variables if v.name in base}
