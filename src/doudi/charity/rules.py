"""The charity rules (DOMAIN R-P4, seed §14), pure: the needs' categories and states, the claims' states, and
how a need's state follows from its amounts. No Django."""

from __future__ import annotations

from decimal import Decimal

CATEGORIES = {
    "living": "生活物资",
    "medical": "医疗费用",
    "education": "助学",
    "housing": "住房修缮",
    "employment": "就业帮扶",
    "care": "照料服务",
    "other": "其他",
}

STATES = {
    "draft": "草稿",
    "pending": "待审核",
    "published": "已发布",
    "partly_claimed": "部分认领",
    "claimed": "已认领",
    "completed": "已完成",
    "closed": "已关闭",
    "withdrawn": "已撤回",
}
OPEN = ("published", "partly_claimed")  # a charity may claim (what is left)
PUBLIC = ("published", "partly_claimed", "claimed", "completed")  # shown to charities and the public
LIVE = ("published", "partly_claimed", "claimed")  # published and not finished
EDITABLE = ("draft", "pending")

ORIGINS = {
    "case": "救助案件",
    "application": "救助申请",
    "warning": "监测预警",
    "grid": "网格员走访",
    "township": "乡镇（街道）发现",
}

MEASURES = {"money": "资金（元）", "goods": "物资（数量）"}

CONSENT_METHODS = {"paper": "书面签字", "electronic": "电子签署", "verbal": "口头同意并录音"}

CLAIM_STATES = {
    "locked": "已认领（锁定中）",
    "pledged": "已认捐",
    "delivered": "已交付待确认",
    "fulfilled": "已确认收到",
    "released": "已释放",
}
LIVE_CLAIMS = ("locked", "pledged", "delivered")  # hold part of the need
COUNTED_CLAIMS = (*LIVE_CLAIMS, "fulfilled")  # count towards "claimed"

DELIVERY_KINDS = {"money": "资金", "goods": "物资", "service": "服务"}
DELIVERY_STATES = {"submitted": "待确认", "confirmed": "已确认收到", "rejected": "已退回"}


def state_after(state: str, target: Decimal, claimed: Decimal, fulfilled: Decimal) -> str:
    """The state of a published need from its amounts: completed when confirmed deliveries cover the amount,
    claimed when live and fulfilled claims cover it, partly claimed when some of it is claimed."""
    if state not in LIVE and state != "completed":
        return state
    if target > 0 and fulfilled >= target:
        return "completed"
    if target > 0 and claimed >= target:
        return "claimed"
    if claimed > 0:
        return "partly_claimed"
    return "published"


def remaining(target: Decimal, claimed: Decimal) -> Decimal:
    return max(target - claimed, Decimal(0))
