"""The office guide's default text (R-PUB1), drawn from 吉政办规〔2024〕2号 (seed §1, §4, §5, §11, §16–§18):
what a county or township shows until its officers write their own. Pure: no Django."""

from __future__ import annotations

FIELDS = (
    "assistance",
    "eligibility",
    "materials",
    "steps",
    "place",
    "hours",
    "phone",
    "complaint_phone",
    "complaint_address",
)

ASSISTANCE = (
    "最低生活保障（低保）、特困人员救助供养、低保边缘家庭和刚性支出困难家庭认定、临时救助；"
    "符合条件的，同时给予医疗、教育、住房、就业等专项救助。一次申请，分类审核确认。"
)
ELIGIBILITY = (
    "共同生活家庭成员人均可支配收入低于当地最低生活保障标准、家庭财产状况符合规定的，可申请低保；"
    "人均收入高于低保标准但低于2倍、财产状况符合规定的，可认定为低保边缘家庭；"
    "人均收入低于上年度当地居民人均可支配收入、因医疗、教育、住房、照护等必要支出超过申请前12个月家庭收入60%的，"
    "可认定为刚性支出困难家庭；无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其无履行能力的老年人、"
    "残疾人和未成年人，可申请特困人员救助供养；遭遇突发性、紧迫性、灾难性困难的，可申请临时救助，不受户籍地限制。"
)
MATERIALS = (
    "户口簿、居民身份证（或社会保障卡）；家庭收入和财产情况的说明及书面承诺；"
    "授权开展家庭经济状况核对的授权书；残疾证、病历等相关证明（有则提供）。"
    "能通过部门共享数据核实的材料不再要求提供；材料不全的，经办窗口一次性告知需补正的全部材料。"
)
STEPS = (
    "申请（窗口或网上）→ 受理 → 家庭经济状况核对和入户调查 → 初审意见在申请人所在村（社区）公示7天 → "
    "审核确认并书面告知。低保审核确认一般在30个工作日内办结，特殊情况可延长至45个工作日；"
    "急难型临时救助可先行救助，事后补充说明情况。"
)
HOURS = "法定工作日 上午8:30—11:30，下午13:30—17:00"


def defaults(region_name: str, county_name: str, level: str) -> dict[str, str]:
    """The default guide of a region (``level`` township or county): the township's own window, the county's
    civil-affairs bureau for complaints."""
    window = (
        f"{region_name}人民政府（街道办事处）社会救助窗口"
        if level == "township"
        else f"{region_name}民政局社会救助窗口"
    )
    return {
        "assistance": ASSISTANCE,
        "eligibility": ELIGIBILITY,
        "materials": MATERIALS,
        "steps": STEPS,
        "place": window,
        "hours": HOURS,
        "phone": "",
        "complaint_phone": "12345（政务服务便民热线）",
        "complaint_address": f"{county_name}民政局（社会救助投诉举报）",
    }
