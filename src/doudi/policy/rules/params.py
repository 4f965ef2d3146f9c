"""Policy parameters (DOMAIN §4): the registry of keys, resolved values with their metadata, overrides.

A parameter is dated and per region (see ``baseline.resolve_parameters``); once resolved for one
household's region, area type and date it is a ``ParamValue`` that remembers where it came from, so a
result can list ``parameters_used``. ``Parameters`` is the frozen set of resolved values one assessment
reads; ``Parameters.ints`` is the exact integer view the columnar evaluation uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import MappingProxyType

from doudi.policy.rules import codes
from doudi.policy.rules.money import MAX_MONEY_YUAN, MAX_RATIO, decimal_places, to_fen, to_ratio_units


class ParameterError(ValueError):
    """A parameter value or key is unusable; ``key`` names it."""

    def __init__(self, message: str, key: str):
        super().__init__(message)
        self.message = message
        self.key = key


# Value kinds: money (yuan, ≤ 2 decimals), ratio (≤ 4 decimals: shares, multiples, months of S),
# count (non-negative integer), enum (one of ``choices``), grade_map ("kind:grade,…").
MONEY, RATIO, COUNT, ENUM, GRADE_MAP = "money", "ratio", "count", "enum", "grade_map"
WARNING_LEVELS = ("red", "orange", "yellow")  # DOMAIN R-M13


@dataclass(frozen=True, slots=True)
class ParamSpec:
    key: str
    kind: str
    unit: str
    label_zh: str
    assessment: bool = False  # required by assess(); resolution fails without it
    choices: tuple[str, ...] = ()


def _specs(*items: ParamSpec) -> dict[str, ParamSpec]:
    return {s.key: s for s in items}


# Canonical keys are those of DOMAIN §4.
SPECS: dict[str, ParamSpec] = _specs(
    ParamSpec("dibao_standard.urban", MONEY, "yuan/month", "城市低保标准", True),
    ParamSpec("dibao_standard.rural", MONEY, "yuan/month", "农村低保标准", True),
    ParamSpec("marginal_income_multiple", RATIO, "ratio", "低保边缘收入倍数", True),
    ParamSpec("rigid_expense_share", RATIO, "ratio", "刚性支出占收入比例", True),
    ParamSpec("rigid_income_ceiling.annual", MONEY, "yuan/year", "上年度居民人均可支配收入", True),
    ParamSpec("tekun_basic_multiple", RATIO, "ratio", "特困基本生活标准倍数", True),
    ParamSpec("min_wage.monthly", MONEY, "yuan/month", "上年度最低工资标准", True),
    ParamSpec("tekun_care_share.full", RATIO, "ratio", "全护理照料标准比例", True),
    ParamSpec("tekun_care_share.partial", RATIO, "ratio", "半护理照料标准比例", True),
    ParamSpec("tekun_care_share.self", RATIO, "ratio", "全自理照料标准比例", True),
    ParamSpec("topup.serious_illness", RATIO, "ratio", "重病患者增发比例", True),
    ParamSpec("topup.severe_disability", RATIO, "ratio", "重度残疾人增发比例", True),
    ParamSpec("topup.elderly_70", RATIO, "ratio", "70周岁以上老年人增发比例", True),
    ParamSpec("topup.minor", RATIO, "ratio", "未成年人增发比例", True),
    ParamSpec("topup_combination", ENUM, "enum", "增发叠加方式", True, ("highest", "sum")),
    ParamSpec("asset.financial_months", RATIO, "months", "人均金融资产上限（月低保标准倍数）", True),
    ParamSpec("asset.max_vehicles", COUNT, "count", "非豁免机动车上限", True),
    ParamSpec("asset.max_dwellings", COUNT, "count", "住房套数上限", True),
    ParamSpec("tekun_disability.max_grade", GRADE_MAP, "grade_map", "特困无劳动能力残疾类别", True),
    # R-A1's dwelling alternative (rule set 2024-2.2); optional: without them only the count is tested.
    ParamSpec("asset.floor_area_multiple", RATIO, "ratio", "人均住房面积上限（当地人均面积倍数）"),
    ParamSpec("asset.avg_floor_area", RATIO, "m2/person", "当地人均住房建筑面积（平方米）"),
    # Not read by the assessment, kept in the same store (DOMAIN §4).
    ParamSpec("income_lookback_months", COUNT, "months", "收入计算月数"),
    ParamSpec("dibao_gradual_exit_months", COUNT, "months", "低保渐退期月数"),  # R-X2
    ParamSpec("temp_aid.epidemic_months", RATIO, "months", "突发公共事件先行救助月数"),
    ParamSpec("temp_aid.township_cap_multiple", RATIO, "ratio", "乡镇临时救助审批上限倍数"),
    ParamSpec("temp_aid.small_first_cap", MONEY, "yuan", "小金额先行救助上限"),
    ParamSpec("review_interval_months.stable", COUNT, "months", "低保定期核查间隔（收入稳定）"),
    ParamSpec("review_interval_months.unstable", COUNT, "months", "低保定期核查间隔（收入不稳定）"),
    ParamSpec("rigid_validity_months", COUNT, "months", "刚性支出困难家庭认定有效期"),
    ParamSpec("warning.deadline_wd.red", COUNT, "working_days", "红色预警核查时限"),
    ParamSpec("warning.deadline_wd.orange", COUNT, "working_days", "橙色预警核查时限"),
    ParamSpec("warning.deadline_wd.yellow", COUNT, "working_days", "黄色预警核查时限"),
    ParamSpec("monitor_after_exit_months", COUNT, "months", "退出后持续监测月数"),
    # Casework (CASEWORK §10): the procedure's time limits, notice, delegated confirmation, the scored review.
    ParamSpec("deadline.dibao_total_wd", COUNT, "working_days", "低保审核确认办理时限"),
    ParamSpec("deadline.dibao_extended_wd", COUNT, "working_days", "延期后办理时限"),
    ParamSpec(
        "deadline.excludes_notice", ENUM, "enum", "公示期是否不计入办理时限", choices=("false", "true")
    ),
    ParamSpec("deadline.investigate_start_wd", COUNT, "working_days", "受理后启动入户调查时限"),
    ParamSpec("deadline.verify_start_wd", COUNT, "working_days", "发起后启动核对时限"),
    ParamSpec("deadline.confirm_wd", COUNT, "working_days", "审核确认时限"),
    ParamSpec("deadline.refusal_notice_wd", COUNT, "working_days", "不予确认书面告知时限"),
    ParamSpec("deadline.delegated_filing_wd", COUNT, "working_days", "乡镇确认结果报县备案时限"),
    ParamSpec("deadline.tekun_investigate_wd", COUNT, "working_days", "特困调查时限"),
    ParamSpec("deadline.tekun_confirm_wd", COUNT, "working_days", "特困审核确认时限"),
    ParamSpec("deadline.escalate_after_wd", COUNT, "working_days", "逾期多少个工作日后升级"),
    ParamSpec("recheck_request_days", COUNT, "days", "核对结果复查申请期限"),
    ParamSpec("returned_lapse_days", COUNT, "days", "补正材料逾期失效天数"),
    ParamSpec("notice.days", COUNT, "days", "公示天数"),
    ParamSpec("notice.day_type", ENUM, "enum", "公示天数计算方式", choices=("calendar", "working")),
    ParamSpec("appraisal_mode", ENUM, "enum", "民主评议适用情形", choices=("on_objection", "always")),
    ParamSpec("casework.confirm_authority", ENUM, "enum", "审核确认权限", choices=("county", "township")),
    ParamSpec("casework.spot_check_share", RATIO, "ratio", "县级抽查乡镇确认结果比例"),
    ParamSpec("review.pass_mark", COUNT, "points", "综合量化评审合格分"),
    *(
        ParamSpec(f"review.weight.{key}", COUNT, "points", f"综合量化评审权重：{label}")
        for key, label in (
            ("income_gap", "收入差距"),
            ("assets", "财产状况"),
            ("labour_capacity", "劳动能力"),
            ("health_disability", "健康与残疾"),
            ("rigid_expenditure", "刚性支出"),
            ("housing", "住房条件"),
            ("consumption", "消费情况"),
        )
    ),
    ParamSpec("review_interval_months.A", COUNT, "months", "A类对象复核间隔"),
    ParamSpec("review_interval_months.B", COUNT, "months", "B类对象复核间隔"),
    ParamSpec("review_interval_months.C.urban", COUNT, "months", "C类对象复核间隔（城市）"),
    ParamSpec("review_interval_months.C.rural", COUNT, "months", "C类对象复核间隔（农村）"),
    # The case's life and its payments (CASEWORK §5, §7, §10)
    ParamSpec("deadline.change_review_wd", COUNT, "working_days", "变化复核办结时限"),
    ParamSpec("deadline.tekun_objection_wd", COUNT, "working_days", "特困终止异议复查决定时限"),
    ParamSpec("notice.termination_days", COUNT, "days", "终止救助公示天数"),
    ParamSpec("review.visit_always", ENUM, "enum", "定期复核一律入户", choices=("false", "true")),
    ParamSpec("review.emergency_extension_days", COUNT, "days", "重大突发事件期间复核到期日顺延天数"),
    ParamSpec("adjust_notice_threshold", MONEY, "yuan", "调整金额免于告知的上限"),
    ParamSpec("grace.income_ceiling_multiple", RATIO, "ratio", "渐退期收入上限（低保标准倍数）"),
    ParamSpec("grace.on_head_death", ENUM, "enum", "户主死亡是否给予渐退期", choices=("false", "true")),
    ParamSpec("grace.amount_mode", ENUM, "enum", "渐退期发放方式", choices=("keep", "capped")),
    ParamSpec("suspend_after_missed_checks", COUNT, "months", "连续未认证暂停发放月数"),
    ParamSpec("suspend_max_months", COUNT, "months", "暂停发放最长月数"),
    ParamSpec("pay.send_by_day", COUNT, "day", "花名册报送银行截止日"),
    ParamSpec("pay.credit_by_day", COUNT, "day", "救助金到账截止日"),
    ParamSpec(
        "pay.death_rule", ENUM, "enum", "死亡后的最后发放月", choices=("month_of_death", "month_after")
    ),
    ParamSpec("pay.arrears_max_months", COUNT, "months", "补发最长追溯月数"),
    ParamSpec("pay.offset_max_share", RATIO, "ratio", "追回抵扣占当月金额上限"),
    # R-M13: ``direct`` — the scan dispatches each new warning to the household's township; ``county`` — by hand.
    ParamSpec("warning.dispatch_mode", ENUM, "enum", "预警派发方式", choices=("direct", "county")),
    # Monitoring indicators (DOMAIN R-M12): per indicator ``enabled``, ``level`` and, where it applies, a threshold.
    *(
        spec
        for ind, label in (
            ("W-ILL", "因病"),
            ("W-DIS", "因残"),
            ("W-EDU", "因学"),
            ("W-DSR", "因灾"),
            ("W-JOB", "因失业"),
            ("W-INC", "收入骤减"),
            ("W-EXP", "支出骤增"),
            ("W-POP", "人口变化"),
            ("W-ELIG", "反向核查"),
            ("W-GAP", "政策落实"),
            ("W-FPJC", "防返贫"),
            ("W-NEW", "主动发现"),
        )  # fmt: skip
        for spec in (
            ParamSpec(
                f"warning.{ind}.enabled", ENUM, "enum", f"{label}预警是否启用", choices=("true", "false")
            ),
            ParamSpec(f"warning.{ind}.level", ENUM, "enum", f"{label}预警默认等级", choices=WARNING_LEVELS),
        )
    ),
    ParamSpec("warning.W-ILL.threshold", RATIO, "ratio", "因病预警：近3个月自付医疗费用占家庭年收入比例"),
    ParamSpec("warning.W-INC.threshold", RATIO, "ratio", "收入骤减预警：数据收入较上期下降比例"),
    ParamSpec("warning.W-GAP.threshold", COUNT, "months", "政策落实预警：纳入救助满几个月仍未享受"),
    ParamSpec("warning.W-NEW.threshold", MONEY, "yuan", "主动发现：近3个月个人自付医疗费用金额"),
    # Temporary assistance (CASEWORK §6, §10; R-TA3–R-TA9)
    ParamSpec("temp_aid.county_cap_multiple", RATIO, "ratio", "县级临时救助审批上限倍数（以上一事一议）"),
    ParamSpec("temp_aid.annual_cap_multiple", RATIO, "ratio", "临时救助每户12个月累计上限倍数（0为不限）"),
    ParamSpec("temp_aid.notice_days", COUNT, "days", "临时救助公示天数"),
    ParamSpec("temp_aid.fund", MONEY, "yuan/year", "乡镇临时救助备用金年度额度"),
    ParamSpec("deadline.temp_aid_wd", COUNT, "working_days", "临时救助审批办结时限"),
    ParamSpec("deadline.temp_aid_backfill_wd", COUNT, "working_days", "先行救助后补办手续时限"),
    *(
        ParamSpec(
            f"temp_aid.amount.{kind}.{degree}",
            RATIO,
            "ratio",
            f"临时救助标准：{label}第{degree}档（低保标准倍数）",
        )
        for kind, label in (("emergency", "急难型"), ("expenditure", "支出型"))
        for degree in (1, 2, 3)
    ),
)


# Entitlements to special assistance (DOMAIN R-P1, ``policy.rules.entitlements``): per assistance whether it is
# pushed and the department's answer deadline, and the few thresholds the rules read.
SPECS.update(
    _specs(
        *(
            spec
            for code, label in (
                ("medical_premium_full", "医保参保全额资助"),
                ("medical_premium_fixed", "医保参保定额资助"),
                ("education_aid", "教育救助"),
                ("housing_rental", "公租房或租赁补贴"),
                ("housing_renovation", "农村危房改造"),
                ("employment_aid", "就业救助"),
                ("zero_employment", "零就业家庭援助"),
                ("heating_aid", "取暖救助"),
                ("funeral_waiver", "殡葬费用减免"),
                ("rehab_child", "残疾儿童康复救助"),
                ("accessibility", "无障碍改造"),
            )
            for spec in (
                ParamSpec(
                    f"needs.{code}.enabled", ENUM, "enum", f"{label}需求是否推送", choices=("true", "false")
                ),
                ParamSpec(f"needs.{code}.deadline_wd", COUNT, "working_days", f"{label}部门答复时限"),
            )
        ),
        ParamSpec("needs.employment_aid.age_from", COUNT, "years", "就业救助：劳动年龄下限（周岁）"),
        ParamSpec("needs.employment_aid.age_to", COUNT, "years", "就业救助：劳动年龄上限（不含，周岁）"),
        ParamSpec("needs.funeral_waiver.window_days", COUNT, "days", "殡葬费用减免：去世后推送期限（天）"),
        ParamSpec(
            "needs.funeral_waiver.extended",
            ENUM,
            "enum",
            "殡葬费用减免拓展至边缘和刚性支出困难家庭",
            choices=("false", "true"),
        ),
        ParamSpec("needs.rehab_child.max_age", COUNT, "years", "残疾儿童康复救助：最大年龄（周岁）"),
    )
)


# Complaints and grievances (CASEWORK §8, R-G5; ``doudi.complaints``): per type the first response and the
# resolution in working days, the at-risk share, and the 信访 limits in days.
SPECS.update(
    _specs(
        *(
            spec
            for code, label in (
                ("notice_objection", "公示异议"),
                ("verification_objection", "核对结果异议"),
                ("decision", "救助决定投诉"),
                ("payment", "资金发放投诉"),
                ("report", "举报"),
                ("service", "服务投诉"),
                ("data_change", "家庭信息更正申请"),
                ("feedback", "意见建议、转办"),
            )
            for spec in (
                ParamSpec(f"grievance.response_wd.{code}", COUNT, "working_days", f"{label}受理答复时限"),
                ParamSpec(f"grievance.resolve_wd.{code}", COUNT, "working_days", f"{label}办结时限"),
            )
        ),
        ParamSpec("grievance.at_risk_share", RATIO, "ratio", "投诉举报临近到期提示比例（已用时限占比）"),
        ParamSpec("xinfang.accept_days", COUNT, "days", "信访事项受理告知期限（日）"),
        ParamSpec("xinfang.resolve_days", COUNT, "days", "信访事项办结期限（日）"),
        ParamSpec("xinfang.extend_days", COUNT, "days", "信访事项延长办理期限（日）"),
    )
)

# Disclosure (CASEWORK §9, R-PUB6): published figures below this count are suppressed.
SPECS.update(
    _specs(ParamSpec("disclosure.min_cell", COUNT, "households", "公开统计最小单元格（少于此数不公布）"))
)

# Spot checks (seed §16, §18; ``doudi.spotchecks``): the share drawn per kind, the minimum per kind, the limits.
SPECS.update(
    _specs(
        ParamSpec("spotcheck.share.case", RATIO, "ratio", "抽查比例：在保对象"),
        ParamSpec("spotcheck.share.refusal", RATIO, "ratio", "抽查比例：不予确认申请"),
        ParamSpec("spotcheck.share.warning", RATIO, "ratio", "抽查比例：已办结预警"),
        ParamSpec("spotcheck.min_count", COUNT, "count", "每类最少抽查件数"),
        ParamSpec("spotcheck.check_wd", COUNT, "working_days", "抽查核查时限"),
        ParamSpec("spotcheck.correction_wd", COUNT, "working_days", "抽查问题整改时限"),
    )
)

# Performance evaluation (R-S2; ``doudi.evaluation``): the weight of each indicator in the score; a year's
# weights are those in force on 1 January of the year.
SPECS.update(
    _specs(
        ParamSpec("evaluation.weight.application_on_time", RATIO, "ratio", "绩效评价权重：申请按时办结率"),
        ParamSpec("evaluation.weight.warning_on_time", RATIO, "ratio", "绩效评价权重：预警按时核查率"),
        ParamSpec("evaluation.weight.review_on_time", RATIO, "ratio", "绩效评价权重：动态管理按期复核率"),
        ParamSpec("evaluation.weight.payment_on_time", RATIO, "ratio", "绩效评价权重：花名册按时报送率"),
        ParamSpec("evaluation.weight.need_on_time", RATIO, "ratio", "绩效评价权重：需求按时答复率"),
        ParamSpec("evaluation.weight.complaint_on_time", RATIO, "ratio", "绩效评价权重：投诉举报按时办结率"),
        ParamSpec("evaluation.weight.spotcheck_problem", RATIO, "ratio", "绩效评价权重：抽查问题发生率"),
        ParamSpec("evaluation.weight.spotcheck_corrected", RATIO, "ratio", "绩效评价权重：抽查问题整改率"),
    )
)

ASSESSMENT_KEYS: tuple[str, ...] = tuple(k for k, s in SPECS.items() if s.assessment)

# The contract's flat override keys → canonical key. ``dibao_standard`` means the household's area type.
FLAT_OVERRIDES: dict[str, str] = {
    "dibao_standard": "dibao_standard.{area_type}",
    "dibao_standard_urban": "dibao_standard.urban",
    "marginal_income_multiple": "marginal_income_multiple",
    "rigid_expense_share": "rigid_expense_share",
    "rigid_income_ceiling_annual": "rigid_income_ceiling.annual",
    "tekun_basic_multiple": "tekun_basic_multiple",
    "min_wage_monthly": "min_wage.monthly",
    "tekun_care_share_full": "tekun_care_share.full",
    "tekun_care_share_partial": "tekun_care_share.partial",
    "tekun_care_share_self": "tekun_care_share.self",
    "topup_serious_illness": "topup.serious_illness",
    "topup_severe_disability": "topup.severe_disability",
    "topup_elderly_70": "topup.elderly_70",
    "topup_minor": "topup.minor",
    "topup_combination": "topup_combination",
    "asset_financial_months": "asset.financial_months",
    "asset_max_dwellings": "asset.max_dwellings",
}


def canonical_key(flat: str, area_type: str) -> str:
    return FLAT_OVERRIDES[flat].format(area_type=area_type)


def parse_value(key: str, raw: object) -> Decimal | str:
    """Validate a raw value (row text, JSON number or Decimal) for ``key``; returns Decimal or text."""
    spec = SPECS.get(key)
    if spec is None:  # a key this rule set does not know: kept verbatim for other readers
        return str(raw)
    if spec.kind == ENUM:
        if raw not in spec.choices:
            raise ParameterError(f"参数 {key} 取值应为 {'、'.join(spec.choices)} 之一", key)
        return str(raw)
    if spec.kind == GRADE_MAP:
        parse_grade_map(key, raw)
        return str(raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ParameterError(f"参数 {key} 应为数值", key)
    try:
        value = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    except (InvalidOperation, ValueError):
        raise ParameterError(f"参数 {key} 应为数值", key) from None
    if not value.is_finite() or value < 0:
        raise ParameterError(f"参数 {key} 应为不小于 0 的数值", key)
    if spec.kind == MONEY and (decimal_places(value) > 2 or value > MAX_MONEY_YUAN):
        raise ParameterError(f"参数 {key} 金额最多两位小数且不超过 {MAX_MONEY_YUAN} 元", key)
    if spec.kind == RATIO and (decimal_places(value) > 4 or value > MAX_RATIO):
        raise ParameterError(f"参数 {key} 最多四位小数且不超过 {MAX_RATIO}", key)
    if spec.kind == COUNT and (value != value.to_integral_value() or value > 1000):
        raise ParameterError(f"参数 {key} 应为不超过 1000 的整数", key)
    return value


def parse_grade_map(key: str, raw: object) -> tuple[int, ...]:
    """``"intellectual:3,mental:3,physical:2,visual:1"`` → highest qualifying grade per kind code."""
    out = [0] * (len(codes.DISABILITY_KINDS) + 1)
    if not isinstance(raw, str):
        raise ParameterError(f"参数 {key} 应为“类别:等级”列表", key)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        kind, _, grade = part.partition(":")
        if kind not in codes.DISABILITY_KINDS or grade not in ("1", "2", "3", "4"):
            raise ParameterError(f"参数 {key} 含无效项 {part!r}", key)
        out[codes.DISABILITY_KINDS[kind]] = int(grade)
    return tuple(out)


# What every page, decision and explanation says of a figure that stands in for the local one (DOMAIN §4).
FLOOR_NOTE = "省定最低指导标准（当地标准待录入）"
BEFORE_FIRST_PREFIX = "认定日期早于已录入的最早标准"
BEFORE_FIRST_NOTE = BEFORE_FIRST_PREFIX + "，暂按 {start} 起执行的标准计算（当地标准待录入）"


@dataclass(frozen=True, slots=True)
class ParamValue:
    """One resolved parameter with its provenance.

    ``floor``: the value is the province minimum guidance standard, not the local standard.
    ``before_first``: the date predates every known figure; the earliest one is used.
    """

    key: str
    value: Decimal | str
    unit: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    source: str
    unverified: bool
    region_code: str | None  # None for a per-call override
    area_type: str | None = None
    override: bool = False
    floor: bool = False
    before_first: bool = False

    def value_text(self) -> str:
        return str(self.value)

    def note_zh(self) -> str:
        """The warning shown wherever this value is used ("" when it is the local figure in force)."""
        notes = []
        if self.floor:
            notes.append(FLOOR_NOTE)
        if self.before_first:
            start = self.effective_from.isoformat() if self.effective_from else ""
            notes.append(BEFORE_FIRST_NOTE.format(start=start))
        return "；".join(notes)

    def as_used(self) -> dict[str, object]:
        """The contract's ``parameters_used`` entry (``note_zh`` only when there is a warning, so decisions
        taken before the flags existed replay to the same result)."""
        used: dict[str, object] = {
            "key": self.key,
            "value": self.value_text(),
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "source": self.source,
            "unverified": self.unverified,
        }
        note = self.note_zh()
        if note:
            used["note_zh"] = note
        return used


@dataclass(frozen=True, slots=True)
class ParamInts:
    """Exact integer view of the assessment parameters (fen, 1/10,000 ratio units, counts)."""

    as_of_ymd: int
    dibao_fen: int  # S of the household's area type
    marginal_multiple_e4: int
    rigid_share_e4: int
    rigid_ceiling_annual_fen: int
    tekun_basic_e4: int
    min_wage_fen: int
    care_e4: tuple[int, int, int, int]  # indexed by care level code (0 none, self, partial, full)
    topup_illness_e4: int
    topup_severe_e4: int
    topup_elderly_e4: int
    topup_minor_e4: int
    topup_sum: bool  # topup_combination == "sum"
    financial_months_e4: int
    max_vehicles: int
    max_dwellings: int
    tekun_disability_max_grade: tuple[int, ...]  # indexed by disability kind code
    floor_multiple_e4: int = -1  # R-A1 alternative; -1 when the parameter is not set
    avg_floor_area_e4: int = -1


@dataclass(frozen=True)
class Parameters:
    """The resolved parameters of one (region, area type, date); immutable."""

    as_of: dt.date
    area_type: str
    region_code: str
    entries: Mapping[str, ParamValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", MappingProxyType(dict(self.entries)))

    def __hash__(self) -> int:
        return hash((self.as_of, self.area_type, self.region_code, tuple(sorted(self.entries.items()))))

    @property
    def dibao_key(self) -> str:
        return f"dibao_standard.{self.area_type}"

    def entry(self, key: str) -> ParamValue:
        try:
            return self.entries[key]
        except KeyError:
            raise ParameterError(f"缺少参数 {key}", key) from None

    def decimal(self, key: str) -> Decimal:
        value = self.entry(key).value
        if not isinstance(value, Decimal):
            raise ParameterError(f"参数 {key} 不是数值", key)
        return value

    def text(self, key: str) -> str:
        return str(self.entry(key).value)

    @property
    def dibao_standard(self) -> Decimal:
        """``S`` of the household's area type (DOMAIN §5)."""
        return self.decimal(self.dibao_key)

    def with_overrides(self, overrides: Mapping[str, Decimal | str]) -> Parameters:
        """Apply the contract's flat overrides for one call (``parameters`` in the input).

        An override equal to the resolved value leaves the resolved entry (and its provenance) in place.
        """
        entries = dict(self.entries)
        for flat, raw in overrides.items():
            if flat not in FLAT_OVERRIDES:
                raise ParameterError(f"未知参数 {flat}", flat)
            key = canonical_key(flat, self.area_type)
            value = parse_value(key, raw)
            current = entries.get(key)
            if current is not None and current.value == value:
                continue
            spec = SPECS[key]
            entries[key] = ParamValue(
                key=key,
                value=value,
                unit=spec.unit,
                effective_from=self.as_of,
                effective_to=None,
                source=f"本次测算参数覆盖（parameters.{flat}）",
                unverified=False,
                region_code=None,
                area_type=self.area_type,
                override=True,
            )
        return replace(self, entries=entries)

    @cached_property
    def ints(self) -> ParamInts:
        d = self.decimal
        care = tuple(to_ratio_units(d(f"tekun_care_share.{level}")) for level in ("self", "partial", "full"))
        return ParamInts(
            as_of_ymd=self.as_of.year * 10000 + self.as_of.month * 100 + self.as_of.day,
            dibao_fen=to_fen(self.dibao_standard),
            marginal_multiple_e4=to_ratio_units(d("marginal_income_multiple")),
            rigid_share_e4=to_ratio_units(d("rigid_expense_share")),
            rigid_ceiling_annual_fen=to_fen(d("rigid_income_ceiling.annual")),
            tekun_basic_e4=to_ratio_units(d("tekun_basic_multiple")),
            min_wage_fen=to_fen(d("min_wage.monthly")),
            care_e4=(0, *care),  # type: ignore[arg-type]
            topup_illness_e4=to_ratio_units(d("topup.serious_illness")),
            topup_severe_e4=to_ratio_units(d("topup.severe_disability")),
            topup_elderly_e4=to_ratio_units(d("topup.elderly_70")),
            topup_minor_e4=to_ratio_units(d("topup.minor")),
            topup_sum=self.text("topup_combination") == "sum",
            financial_months_e4=to_ratio_units(d("asset.financial_months")),
            max_vehicles=int(d("asset.max_vehicles")),
            max_dwellings=int(d("asset.max_dwellings")),
            tekun_disability_max_grade=parse_grade_map(
                "tekun_disability.max_grade", self.text("tekun_disability.max_grade")
            ),
            floor_multiple_e4=self._optional_e4("asset.floor_area_multiple"),
            avg_floor_area_e4=self._optional_e4("asset.avg_floor_area"),
        )

    def _optional_e4(self, key: str) -> int:
        return to_ratio_units(self.decimal(key)) if key in self.entries else -1

    def check_complete(self) -> None:
        """Raise ``ParameterError`` naming the first assessment key that did not resolve."""
        for key in ASSESSMENT_KEYS:
            if key == "dibao_standard.urban" or key == "dibao_standard.rural":
                continue
            self.entry(key)
        self.entry(self.dibao_key)
