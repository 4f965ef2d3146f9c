"""The warning indicators of DOMAIN R-M12 as one declarative table, and their evaluation in SQL.

Each indicator is a dated, per-region policy definition: whether it is on (``warning.<ID>.enabled``),
its level (``warning.<ID>.level``) and, where it has one, its threshold (``warning.<ID>.threshold``, or
``rigid_expense_share`` for W-EXP), all resolved per household region and date by the parameter store
(``monitoring.params``) and changed only through a reviewed proposal. The table below fixes the rest:
the datasets read, the SQL that finds the evidence and how the level escalates.

The SQL of an indicator runs in the scan's DuckDB connection over the tables of ``monitoring.sources``
(``d_<dataset>``, ``mem``, ``hh``, ``cat``, ``emp``, ``sch``, ``need`` and the on-demand sensitive
``dis_reg``/``ill_reg``/``inc_reg``/``rigid_reg``). ``hh`` carries the resolved parameters of the
household's region as columns (``ill_t``, ``inc_t``, ``rigid_share``, ``gap_months``). The placeholders
``{D}``, ``{D3}``, ``{D12}`` and ``{M}`` are the scan date, the dates 3 and 12 months before it and its
month (``YYYY-MM``). Every query returns the evidence rows:

    household_id, person_id, batch_id, record_id, dataset, event_date, detail, red, fact_key, target

``red`` escalates the hit to red; ``fact_key`` names the fact a record reports (a department sends
the same state month after month: only the first batch that showed it counts, see ``scan``); ``target``
tells whether the row comes from a batch the scan was asked to look at — a hit needs one. Details are
plain Chinese one-liners without amounts: income, health and disability figures stay in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from doudi.monitoring.models import Indicator as I
from doudi.monitoring.scans.sources import severe


@dataclass(frozen=True)
class IndicatorDef:
    id: str  # the cause label is the model's choice label: ``LABELS``
    datasets: tuple[str, ...]
    level: str  # default level when the parameter does not resolve
    escalation: str  # when the level goes to red (Chinese, for the docs and pages)
    sql: str
    threshold: str | None = None  # the parameter key of the threshold, if any
    needs: dict[str, str] = field(default_factory=dict)  # on-demand registry loads: name → candidates SQL
    household_level: bool = False  # the warning's person is the household head
    full_only: bool = False  # evaluated by the monthly full scan only (not record-triggered)

    @property
    def code(self) -> str:
        return self.id.removeprefix("W-").lower()


MEDICAL_3M = "SELECT * FROM d_medical_expense WHERE period_end > {D3} AND period_end <= {D}"
MEDICAL_12M = "SELECT * FROM d_medical_expense WHERE period_end > {D12} AND period_end <= {D}"
MED_KEY = "person_id || ':' || period_start || ':' || period_end || ':' || out_of_pocket"
SI_MONTHS = """si AS (
        SELECT d.*, coalesce(contribution_base, 0) + coalesce(pension_monthly, 0) AS amt
        FROM d_social_insurance d WHERE month <= {M}),
    cur AS (SELECT max(month) AS m FROM si),
    prev AS (SELECT max(month) AS m FROM si WHERE month < (SELECT m FROM cur))"""

ILL = f"""
WITH med AS ({MEDICAL_3M}),
tot AS (SELECT household_id, sum(out_of_pocket) AS oop FROM med GROUP BY household_id)
SELECT m.household_id, m.person_id, m.batch_id, m.record_id, 'medical_expense' AS dataset,
       m.period_end AS event_date,
       '医保数据：近3个月个人自付医疗费用达到家庭年收入的' || CAST(round(h.ill_t * 100, 2) AS VARCHAR) || '%以上'
         || CASE WHEN t.oop * i.months >= i.total * 12 THEN '（超过家庭年收入）' ELSE '' END
         || '；收入依据：' || i.basis AS detail,
       t.oop * i.months >= i.total * 12 AS red, {MED_KEY.replace("person_id", "m.person_id")} AS fact_key,
       m.target
FROM med m JOIN tot t USING (household_id) JOIN inc_reg i USING (household_id) JOIN hh h USING (household_id)
WHERE t.oop > 0 AND t.oop * i.months >= h.ill_t * i.total * 12
UNION ALL
SELECT d.household_id, d.person_id, d.batch_id, d.record_id, 'serious_illness', d.diagnosed_on,
       '卫健/医保数据：新确诊重特大疾病', FALSE, d.person_id || ':illness:' || d.diagnosis_code, d.target
FROM d_serious_illness d LEFT JOIN ill_reg r USING (person_id)
WHERE d.diagnosed_on > {{D12}} AND d.diagnosed_on <= {{D}} AND r.person_id IS NULL
"""

DIS = f"""
SELECT d.household_id, d.person_id, d.batch_id, d.record_id, 'disability', coalesce(d.certified_on, d.batch_as_of),
       CASE WHEN r.person_id IS NULL THEN '残联数据：新评定为重度残疾' ELSE '残联数据：残疾等级升至重度' END,
       FALSE, d.person_id || ':severe', d.target
FROM d_disability d LEFT JOIN dis_reg r USING (person_id)
WHERE {severe("d.disability_grade", "d.disability_kind")}
  AND NOT coalesce({severe("r.grade", "r.kind")}, FALSE)
  AND coalesce(d.certified_on, d.batch_as_of) <= {{D}}
"""

EDU = """
SELECT d.household_id, d.person_id, d.batch_id, d.record_id, 'student', d.batch_as_of,
       CASE WHEN d.hardship_flag THEN '教育数据：认定为家庭经济困难学生' ELSE '教育数据：升入高等教育（本专科）' END,
       FALSE, d.person_id || CASE WHEN d.hardship_flag THEN ':hardship' ELSE ':higher' END, d.target
FROM d_student d LEFT JOIN sch s USING (person_id)
WHERE (coalesce(d.hardship_flag, FALSE)
       OR (d.stage = 'undergraduate' AND coalesce(s.stage, '') NOT IN ('undergraduate', 'graduate')))
  AND d.batch_as_of <= {D}
"""

DSR = """
SELECT d.household_id, d.person_id, d.batch_id, d.record_id, 'disaster', d.occurred_on,
       '应急管理数据：受灾（' || d.event || '），住房' ||
         CASE d.dwelling_damage WHEN 'collapsed' THEN '倒塌' WHEN 'severe' THEN '严重损坏'
              WHEN 'minor' THEN '轻微损坏' ELSE '未损坏' END,
       d.dwelling_damage = 'collapsed', d.household_id || ':' || d.event || ':' || d.occurred_on, d.target
FROM d_disaster d WHERE d.occurred_on > {D12} AND d.occurred_on <= {D}
"""

JOB = """
WITH active AS (
    SELECT d.* FROM d_unemployment d JOIN mem m USING (person_id)
    WHERE m.working_age AND d.registered_on <= {D} AND (d.ended_on IS NULL OR d.ended_on > {D})),
employed_hh AS (
    SELECT DISTINCT m.household_id FROM mem m JOIN emp e USING (person_id)
    WHERE m.working_age AND e.employed AND m.person_id NOT IN (SELECT person_id FROM active))
SELECT a.household_id, a.person_id, a.batch_id, a.record_id, 'unemployment', a.registered_on,
       '人社数据：劳动年龄成员登记失业' || CASE WHEN e.household_id IS NULL THEN '，家庭无其他就业成员（零就业家庭）' ELSE '' END,
       e.household_id IS NULL, a.person_id || ':unemployed:' || a.registered_on, a.target
FROM active a LEFT JOIN employed_hh e USING (household_id)
"""

INC = f"""
WITH {SI_MONTHS},
inc AS (
    SELECT household_id,
           coalesce(sum(amt) FILTER (WHERE month = (SELECT m FROM cur)), 0) AS cur_amt,
           coalesce(sum(amt) FILTER (WHERE month = (SELECT m FROM prev)), 0) AS prev_amt
    FROM si WHERE month IN ((SELECT m FROM cur), (SELECT m FROM prev)) GROUP BY household_id),
hit AS (SELECT i.household_id FROM inc i JOIN hh h USING (household_id)
        WHERE i.prev_amt > 0 AND i.prev_amt - i.cur_amt >= h.inc_t * i.prev_amt),
fresh AS (SELECT bool_or(target) AS t FROM si WHERE month = (SELECT m FROM cur))
SELECT s.household_id, s.person_id, s.batch_id, s.record_id, 'social_insurance',
       CAST(strptime(s.month || '-01', '%Y-%m-%d') AS DATE),
       '人社数据：家庭社保缴费基数与养老金合计较上期（' || (SELECT m FROM prev) || '）下降'
         || CAST(round(h.inc_t * 100, 2) AS VARCHAR) || '%以上',
       FALSE, NULL, s.target OR coalesce((SELECT t FROM fresh), FALSE)
FROM si s JOIN hit USING (household_id) JOIN hh h USING (household_id)
WHERE s.month IN ((SELECT m FROM cur), (SELECT m FROM prev))
"""

EXP = f"""
WITH med AS ({MEDICAL_12M}),
tot AS (SELECT household_id, sum(out_of_pocket) AS oop FROM med GROUP BY household_id)
SELECT m.household_id, m.person_id, m.batch_id, m.record_id, 'medical_expense', m.period_end,
       '近12个月刚性支出（医保自付与登记的教育、住房、照料支出）达到家庭收入的'
         || CAST(round(h.rigid_share * 100, 2) AS VARCHAR) || '%以上；收入依据：' || i.basis,
       FALSE, {MED_KEY.replace("person_id", "m.person_id")}, m.target
FROM med m JOIN tot t USING (household_id) JOIN inc_reg i USING (household_id) JOIN hh h USING (household_id)
     LEFT JOIN rigid_reg g USING (household_id)
WHERE t.oop > 0 AND (t.oop + coalesce(g.other, 0)) * i.months >= h.rigid_share * i.total * 12
"""

POP = f"""
WITH {SI_MONTHS},
dd AS (SELECT * FROM d_death WHERE died_on > {{D12}} AND died_on <= {{D}}),
pm AS (SELECT household_id, person_id, month, sum(amt) AS amt FROM si GROUP BY ALL),
cand AS (SELECT dd.batch_id, dd.record_id, pm.person_id, pm.amt, pm.month
         FROM dd JOIN pm ON pm.household_id = dd.household_id AND pm.month < strftime(dd.died_on, '%Y-%m')),
lastm AS (SELECT batch_id, record_id, max(month) AS m FROM cand GROUP BY ALL),
earner AS (SELECT c.batch_id, c.record_id, arg_max(c.person_id, c.amt) AS person_id
           FROM cand c JOIN lastm l ON l.batch_id = c.batch_id AND l.record_id = c.record_id AND c.month = l.m
           WHERE c.amt > 0 GROUP BY ALL),
main AS (SELECT dd.batch_id, dd.record_id,
                CASE WHEN e.person_id IS NOT NULL THEN e.person_id = dd.person_id
                     ELSE coalesce(emp.employed, FALSE) END AS is_main
         FROM dd LEFT JOIN earner e USING (batch_id, record_id) LEFT JOIN emp ON emp.person_id = dd.person_id)
SELECT dd.household_id, dd.person_id, dd.batch_id, dd.record_id, 'death', dd.died_on,
       '公安/民政数据：家庭成员' || strftime(dd.died_on, '%Y年%m月%d日') || '死亡'
         || CASE WHEN main.is_main THEN '（家庭主要劳动力）' ELSE '' END,
       main.is_main, dd.person_id || ':death', dd.target
FROM dd JOIN main USING (batch_id, record_id)
UNION ALL
SELECT r.household_id, r.person_id, r.batch_id, r.record_id, 'household_registration', r.event_on,
       '公安户籍数据：' || strftime(r.event_on, '%Y年%m月%d日') || CASE r.event
         WHEN 'birth' THEN '出生登记，家庭新增人口'
         WHEN 'move_in' THEN '户籍迁入本户，家庭新增人口'
         WHEN 'move_out' THEN '家庭成员户籍迁出' || coalesce('（迁往' || g.name || '）',
                                CASE WHEN r.to_region_code IS NOT NULL THEN '（迁往外地）' ELSE '' END)
         ELSE '家庭成员户口注销' END,
       FALSE, r.household_id || ':' || r.person_id || ':' || r.event || ':' || r.event_on, r.target
FROM d_household_registration r LEFT JOIN rgn g ON g.code = rpad(r.to_region_code, 12, '0')
WHERE r.event_on > {{D12}} AND r.event_on <= {{D}}
UNION ALL
SELECT m.household_id, m.person_id, m.batch_id, m.record_id, 'marriage', m.event_on,
       '民政婚姻登记数据：家庭成员' || strftime(m.event_on, '%Y年%m月%d日')
         || CASE m.event WHEN 'married' THEN '登记结婚' ELSE '登记离婚' END,
       FALSE, m.person_id || ':' || m.event || ':' || m.event_on, m.target
FROM d_marriage m
WHERE m.event_on > {{D12}} AND m.event_on <= {{D}}
"""

ELIG = """
WITH held AS (SELECT person_id, min(since) AS since FROM cat WHERE category IN ('DIBAO', 'TEKUN') GROUP BY person_id),
own AS (
    SELECT 'vehicle' AS ds, batch_id, batch_as_of, target, record_id, person_id, household_id, registered_on,
           '公安交管数据：名下新登记机动车' AS detail, 'vehicle:' || vehicle_type AS what FROM d_vehicle
    UNION ALL
    SELECT 'real_estate', batch_id, batch_as_of, target, record_id, person_id, household_id, registered_on,
           '不动产登记数据：名下新登记' || CASE property_type WHEN 'residential' THEN '住宅'
             WHEN 'commercial' THEN '商业用房' ELSE '不动产' END, 'estate:' || property_type || ':' || floor_area
    FROM d_real_estate
    UNION ALL
    SELECT 'business', batch_id, batch_as_of, target, record_id, person_id, household_id, registered_on,
           '市场监管数据：新登记市场主体', 'business:' || enterprise_name FROM d_business
    UNION ALL
    SELECT 'public_payroll', batch_id, batch_as_of, target, record_id, person_id, household_id,
           CAST(strptime(month || '-01', '%Y-%m-%d') AS DATE),
           '财政/人社数据：领取财政供养人员工资（' || employer || '）', 'payroll:' || employer
    FROM d_public_payroll
    QUALIFY row_number() OVER (PARTITION BY batch_id, person_id, employer ORDER BY month, record_id) = 1)
SELECT o.household_id, o.person_id, o.batch_id, o.record_id, o.ds, coalesce(o.registered_on, o.batch_as_of),
       o.detail || '（低保/特困对象反向核查）', FALSE,
       o.person_id || ':' || o.what || ':'
         || CASE o.ds WHEN 'public_payroll' THEN '' ELSE coalesce(CAST(o.registered_on AS VARCHAR), '') END, o.target
FROM own o JOIN held h USING (person_id)
WHERE coalesce(o.registered_on, o.batch_as_of) >= h.since AND coalesce(o.registered_on, o.batch_as_of) <= {D}
"""

# W-GAP: every entitlement of ``policy.rules.entitlements`` (the rules that push the needs, R-P1) due to a
# person for ``gap_months`` since they became low-income, that the department has not accepted or given.
# A hand referral's code (``medical_assistance``, ``housing_aid``, ``disability_support``) reaches the
# entitlements of its department too.
GAP = """
SELECT d.household_id, d.person_id, CAST(NULL AS BIGINT), 'gap:' || d.need || ':p' || d.person_id,
       'registry', d.since, '政策未落实：' || l.label || '（需求推送未获' || l.dept || '部门受理或救助）',
       FALSE, NULL, TRUE
FROM due d JOIN hh h USING (household_id) JOIN need_labels l USING (need)
WHERE d.since + to_months(CAST(h.gap_months AS INTEGER)) <= {D}
  AND NOT EXISTS (SELECT 1 FROM need r WHERE r.person_id = d.person_id AND (r.need = d.need
        OR (r.need IN ('medical_assistance', 'medical_premium_subsidy') AND d.need LIKE 'medical_premium%')
        OR (r.need = 'housing_aid' AND d.department = 'housing')
        OR (r.need = 'employment_aid' AND d.department = 'hrss')
        OR (r.need = 'disability_support' AND d.department = 'disabled_federation')))
"""

FPJC = """
SELECT d.household_id, d.person_id, d.batch_id, d.record_id, 'fpjc', d.flagged_on,
       '农业农村数据：新纳入防止返贫监测（' || d.risk_type || '）', FALSE, d.person_id || ':fpjc:' || d.flagged_on, d.target
FROM d_fpjc d
WHERE d.flagged_on > {D12} AND d.flagged_on <= {D}
  AND d.household_id NOT IN (SELECT household_id FROM cat WHERE category = 'FPJC')
"""

INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        I.ILL, ("medical_expense", "serious_illness"), "orange",
        "近3个月自付医疗费用达到家庭年收入时为红色", ILL, "warning.W-ILL.threshold",
        needs={"inc_reg": "SELECT DISTINCT household_id FROM d_medical_expense WHERE period_end > {D3} AND period_end <= {D}",
               "ill_reg": "SELECT DISTINCT person_id FROM d_serious_illness"},
    ),
    IndicatorDef(
        I.DIS, ("disability",), "orange", "—", DIS,
        needs={"dis_reg": f"SELECT DISTINCT person_id FROM d_disability WHERE {severe('disability_grade', 'disability_kind')}"},
    ),
    IndicatorDef(I.EDU, ("student",), "yellow", "—", EDU),
    IndicatorDef(I.DSR, ("disaster",), "orange", "住房倒塌时为红色", DSR),
    IndicatorDef(I.JOB, ("unemployment",), "yellow", "家庭无其他劳动年龄就业成员（零就业家庭）时为红色", JOB),
    IndicatorDef(I.INC, ("social_insurance",), "orange", "—", INC, "warning.W-INC.threshold",
                 household_level=True),
    IndicatorDef(
        I.EXP, ("medical_expense",), "orange", "—", EXP, "rigid_expense_share",
        needs={"inc_reg": "SELECT DISTINCT household_id FROM d_medical_expense WHERE period_end > {D12} AND period_end <= {D}"},
        household_level=True,
    ),
    IndicatorDef(I.POP, ("death", "social_insurance", "household_registration", "marriage"), "yellow",
                 "死亡成员为家庭主要劳动力时为红色", POP),
    IndicatorDef(I.ELIG, ("vehicle", "real_estate", "business", "public_payroll"), "orange", "—", ELIG),
    IndicatorDef(I.GAP, (), "yellow", "—", GAP, "warning.W-GAP.threshold", needs={"due": "SELECT 1"},
                 full_only=True),
    IndicatorDef(I.FPJC, ("fpjc",), "orange", "—", FPJC),
)  # fmt: skip

BY_ID: dict[str, IndicatorDef] = {d.id: d for d in INDICATORS}
# Proactive discovery (R-M16) has parameters too but no household evidence SQL: see ``monitoring.discovery``.
DISCOVERY_ID = I.DISCOVERY
PARAMETER_IDS: tuple[str, ...] = (*BY_ID, DISCOVERY_ID)
DEFAULT_LEVELS: dict[str, str] = {**{d.id: d.level for d in INDICATORS}, DISCOVERY_ID: "orange"}
LABELS: dict[str, str] = dict(I.choices)
DATASETS_READ: frozenset[str] = frozenset(ds for d in INDICATORS for ds in d.datasets)


def render(sql: str, dates: dict[str, str]) -> str:
    """Fill the date placeholders (already SQL literals)."""
    return sql.format(**dates)
