"""Demo data of the charity app (R-P4): 吉林省慈善总会 (serving the province, linked to the demo user ``charity``)
and 延边朝鲜族自治州慈善总会 (serving 延边州, registered by the city, no user linked yet); needs in 进学街道 in every
state — draft, awaiting approval, published, partly claimed, claimed (pledged), fulfilled (delivered, confirmed,
on the chain), closed and consent withdrawn (its claim released) — and two published needs in 南岭街道. Idempotent: nothing is added once
吉林省慈善总会 is registered."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doudi.charity import actions, claim_actions
from doudi.charity.models import Charity
from doudi.core.scoping import all_regions
from doudi.devtools.demo_casework import _user

JINXUE, NANLING = "222401001000", "220102001000"
PROVINCE_CODE, YANBIAN_CODE = "51220000MJ00000011", "51222400MJ00000022"

NEEDS = [  # (key, township, category, title, story, measure, target, unit, days to due, final state)
    ("draft", JINXUE, "living", "冬季取暖煤和棉被", "独居老人冬季取暖困难，需要取暖煤一吨和棉被两床。", "goods", 3, "件", 40,
     "draft"),
    ("pending", JINXUE, "medical", "慢性病长期用药费用", "家中一名成员患慢性病需长期服药，医保报销后每月自付药费仍较高，希望资助半年药费。",
     "money", 3000, "元", 60, "pending"),
    ("published", JINXUE, "education", "高中生学习用品和校服", "家中有一名在读高中生，父亲因病无法务工，希望资助学习用品、校服和一学期的资料费。",
     "money", 1500, "元", 45, "published"),
    ("partly", JINXUE, "housing", "老旧住房屋顶修缮", "住房屋顶漏雨，入冬前需要修缮，施工材料和人工约需八千元。", "money", 8000, "元",
     30, "partly_claimed"),
    ("claimed", JINXUE, "care", "失能老人上门照料", "一位失能老人白天无人照看，希望为其提供三个月的上门照料服务。", "money", 4500, "元",
     50, "claimed"),
    ("fulfilled", JINXUE, "living", "冬季御寒衣物", "家中三口人缺少御寒衣物，需要羽绒服三件、棉鞋三双。", "money", 1200, "元", 20,
     "completed"),
    ("closed", JINXUE, "employment", "就业技能培训费用", "家中一名成员希望参加电工技能培训，需要培训费用。", "money", 2000, "元", 35,
     "closed"),
    ("withdrawn", JINXUE, "other", "家用电器更换", "家中冰箱损坏，需要更换一台节能冰箱。", "money", 2500, "元", 25, "withdrawn"),
    ("nanling-1", NANLING, "medical", "术后康复护理费用", "一名成员手术后需要康复护理，希望资助两个月的康复费用。", "money", 5000, "元", 40,
     "published"),
    ("nanling-2", NANLING, "living", "米面油生活物资", "低收入家庭生活拮据，希望获得三个月的米面油。", "goods", 6, "袋", 30, "published"),
]  # fmt: skip


def _households(prefix: str, n: int) -> list:
    from doudi.registry.models import Household

    return list(Household.unscoped.filter(region_code__startswith=prefix[:9]).order_by("pk")[:n])


def seed_charity(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    province, yanbian, township, grid, nanling = (_user(u) for u in ("province", "yanbian", "jinxue",
                                                                      "grid-jinxue", "nanling"))  # fmt: skip
    member = _user("charity")
    if None in (province, yanbian, township, grid, nanling, member):
        return 0
    with all_regions():
        if Charity.unscoped.filter(credit_code=PROVINCE_CODE).exists():
            return 0
        jinxue_homes, nanling_homes = _households(JINXUE, 8), _households(NANLING, 2)
        if len(jinxue_homes) < 8 or len(nanling_homes) < 2:
            return 0
        big = actions.register_charity(
            actor=province, name="吉林省慈善总会", credit_code=PROVINCE_CODE, authority="吉林省民政厅",
            service_area=["220000000000"], contact_name="王主任", contact_phone="0431-88888888",
        )  # fmt: skip
        actions.add_member(actor=province, charity=big, user=member)
        actions.register_charity(
            actor=yanbian, name="延边朝鲜族自治州慈善总会", credit_code=YANBIAN_CODE, authority="延边州民政局",
            service_area=["222400000000"], contact_name="金主任", contact_phone="0433-2222222",
        )  # fmt: skip
        homes = {JINXUE: iter(jinxue_homes), NANLING: iter(nanling_homes)}
        n = 0
        for key, town, cat, title, story, measure, target, unit, days, final in NEEDS:
            writer = grid if key == "draft" else township if town == JINXUE else nanling
            approver = township if town == JINXUE else nanling
            hh = next(homes[town])
            need = actions.create_need(
                actor=writer, household=hh, category=cat, title=title, measure=measure, target=target, unit=unit,
                description=f"（内部）{story} 经入户核实，情况属实。", due_on=today + dt.timedelta(days=days),
                origin="grid" if writer is grid else "township", public_story="" if final == "draft" else story,
            )  # fmt: skip
            n += 1
            if final == "draft":
                continue
            actions.record_consent(actor=writer, need=need, by="户主", on=today, method="paper")
            need = actions.submit(actor=writer, need=need)
            if final == "pending":
                continue
            need = actions.approve(actor=approver, need=need)
            if final == "partly" or final == "partly_claimed":
                claim_actions.claim(actor=member, need=need, amount=3000)
            elif final == "claimed":
                c = claim_actions.claim(actor=member, need=need, amount=target)
                claim_actions.pledge(actor=member, claim=c)
            elif final == "completed":
                c = claim_actions.claim(actor=member, need=need, amount=target)
                claim_actions.pledge(actor=member, claim=c)
                d = claim_actions.record_delivery(actor=member, claim=c, kind="goods", amount=target,
                                                  description="采购羽绒服三件、棉鞋三双，送至家中", delivered_on=today)  # fmt: skip
                claim_actions.confirm_delivery(actor=township, delivery=d)
            elif final == "closed":
                actions.close(actor=township, need=need, reason="家庭成员已通过公益性岗位就业，需求不再存在")
            elif final == "withdrawn":
                claim_actions.claim(actor=member, need=need, amount=1000)
                actions.withdraw_consent(actor=township, need=need, note="家庭表示不希望继续公开")
        return n
