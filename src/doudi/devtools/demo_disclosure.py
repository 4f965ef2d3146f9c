"""Demo disclosure (CASEWORK §9): the office guides of 延吉市 and its demo townships written by the county
officer, and every county's latest roster month past draft published (run under ``all_regions()``, after
the payments demo). Idempotent: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from doudi.accounts.models import User
from doudi.disclosure import actions, publish_actions
from doudi.disclosure.models import OfficeGuide, PublishedList
from doudi.regions.models import Region

COUNTY = "222401000000"  # 延吉市
TOWNSHIPS = ("222401001000", "222401002000")  # 进学街道, 北山街道
GUIDES = {
    COUNTY: {
        "place": "延吉市民政局社会救助科（延吉市人民路1号政务服务中心二楼）",
        "phone": "0433-2512345",
        "complaint_phone": "0433-2512300；12345（政务服务便民热线）",
        "complaint_address": "延吉市民政局社会救助投诉受理窗口（延吉市人民路1号）",
    },
    "222401001000": {
        "place": "进学街道便民服务中心社会救助窗口",
        "hours": "法定工作日 上午8:30—11:30，下午13:30—17:00；急难情况可随时拨打值班电话",
        "phone": "0433-2801234",
    },
    "222401002000": {"place": "北山街道便民服务中心一楼社会救助窗口", "phone": "0433-2805678"},
}


@dataclass
class DisclosureSeed:
    guides: int = 0
    published: dict[str, int] = field(default_factory=dict)  # county code → names listed
    skipped: bool = False


def seed_disclosure() -> DisclosureSeed:
    out = DisclosureSeed()
    officer = User.objects.filter(username="yanji", is_active=True).first()
    if officer is None:
        out.skipped = True
        return out
    for code, text in GUIDES.items():
        if OfficeGuide.unscoped.filter(region_code=code).exists():
            continue
        region = Region.objects.get(code=code)
        actions.save_guide(actor=officer, region=region, data=text)
        out.guides += 1
    if not PublishedList.unscoped.filter(region_code=COUNTY).exists():
        for published in publish_actions.publish_all(actor=officer):
            out.published[published.region_code] = published.listed
    if not out.guides and not out.published:
        out.skipped = True
    return out
