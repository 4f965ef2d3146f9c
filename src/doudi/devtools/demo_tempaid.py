"""Demo temporary assistance (a step of ``doudi demo seed``, after the payments): 进学街道's contingency fund
and cases of both types walked by the demo users through the product's own actions, with past dates:

* a fire victim from another province (河北) paid first the same day from the fund, the file completed
  afterwards and approved by the township — the rest on the TEMP roster;
* a fire victim paid first today, whose paperwork is still due;
* a pay-first case whose back-fill is overdue;
* an expenditure-type case (hospital bills net of medical insurance) approved by the township;
* a serious illness beyond the county's cap, decided by 一事一议 and approved by the county.

The two local families are registered residents of the township (their cases link to their households);
the three from other provinces are registered at the township when first paid (``LS-<case number>``).

Idempotent: nothing is added when 进学街道 already has a temporary-assistance case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from doudi.core import idnumber
from doudi.core.scoping import using_scope
from doudi.core.workdays import add_working_days
from doudi.devtools.demo_casework import _user
from doudi.registry.models import Person
from doudi.tempaid import actions, decision_actions, fund_actions
from doudi.tempaid.models import ContingencyFund, TempAidCase

TOWNSHIP = "222401001000"  # 进学街道, 延吉市
COUNTY = "222401000000"
FUND = 20000


@dataclass
class TempAidSeed:
    cases: int = 0
    skipped: bool = False


def _fund(county, on: dt.date) -> None:
    if not ContingencyFund.unscoped.filter(region_code=TOWNSHIP, year=on.year).exists():
        fund_actions.allocate(actor=county, township=TOWNSHIP, year=on.year, amount=FUND,
                              on=dt.date(on.year, 1, 2), note=f"{on.year}年度备用金核拨")  # fmt: skip


def _fire(township, on: dt.date, name: str, seq: int, event: str, hukou: str, region6: str = "130102"):
    return actions.apply(
        actor=township, aid_type="emergency", degree=2, event=event, event_date=on, applicant_name=name,
        id_number=idnumber.make(region6, dt.date(1982, 3, 4), seq, male=seq % 2 == 1), hukou_place=hukou,
        phone="13900000000", on=on,
    )  # fmt: skip


def _backfill(township, case, on: dt.date, kinds=("statement", "verify", "investigate")):
    notes = {
        "statement": "事后补充说明：当晚失火，经消防出警记录证实，家中衣物被褥全部烧毁，先行发放救助金解决临时生活",
        "verify": "经济状况核对：未发现存款、车辆、工商登记等异常",
        "investigate": "入户调查（2人）：临时租住处已无法居住，现借住亲友家",
    }
    for kind in kinds:
        case = actions.record_step(actor=township, case=case, kind=kind, note=notes[kind], on=on)
    return case


def _residents(n: int) -> list[tuple[str, str]]:
    """(name, identity number) of ``n`` registered adults of the township — local families apply with the
    identity the registry knows, so their cases link to their household; synthetic ones when there are
    none (a bare test database)."""
    people = (
        Person.unscoped.filter(region_code__startswith=TOWNSHIP[:9], id_status="valid", relation="head")
        .exclude(id_enc=None)
        .exclude(person_key__startswith="LS-")
        .order_by("-pk")[:n]
    )
    found = [(p.name, p.id_number()) for p in people]
    fallback = [("李春梅", idnumber.make("222401", dt.date(1979, 6, 1), 41, male=False)),
                ("崔明哲", idnumber.make("222401", dt.date(1975, 9, 9), 52, male=True))]  # fmt: skip
    return (found + fallback[len(found) :])[:n]


def seed_tempaid(today: dt.date | None = None) -> TempAidSeed:
    today = today or timezone.localdate()
    out = TempAidSeed()
    township, county = _user("jinxue"), _user("yanji")
    if township is None or county is None:
        out.skipped = True
        return out
    if TempAidCase.unscoped.filter(region_code=TOWNSHIP).exists():
        out.skipped = True
        return out
    with using_scope(COUNTY[:6]):
        (ill_name, ill_id), (grave_name, grave_id) = _residents(2)
        back = {n: add_working_days(today, -n) for n in (30, 12, 7, 4)}
        for day in {today, *back.values()}:
            _fund(county, day)
        # 1. another province's fire victim: paid the same day, completed and approved afterwards
        c = _fire(
            township,
            back[12],
            "赵立新",
            17,
            "租住房屋夜间失火，衣物被褥和生活用品全部烧毁",
            "河北省石家庄市长安区",
        )
        c, _ = actions.pay_first(
            actor=township, case=c, amount=1000, on=back[12], note="受理当天小金额先行救助"
        )
        c = _backfill(township, c, back[7])
        actions.approve(actor=township, case=c, amount=3 * c.standard, on=back[7], note="手续齐全，乡镇审批")
        # 2. paid first today, paperwork still due
        c = _fire(
            township,
            today,
            "孙海燕",
            22,
            "出租屋电线短路起火，随身财物烧毁",
            "黑龙江省哈尔滨市道里区",
            "230102",
        )
        actions.pay_first(actor=township, case=c, amount=800, on=today)
        # 3. paid first long ago, back-fill overdue (only the statement is in)
        c = _fire(
            township,
            back[30],
            "钱志刚",
            31,
            "务工途中遭遇车祸，医药费和生活费无着",
            "辽宁省沈阳市和平区",
            "210102",
        )
        c, _ = actions.pay_first(actor=township, case=c, amount=1000, on=back[30])
        _backfill(township, c, back[30], kinds=("statement",))
        # 4. expenditure type: hospital bills net of medical insurance
        c = actions.apply(
            actor=township, aid_type="expenditure", degree=2, event="子女住院手术，医保报销后自付费用超出家庭承受能力",
            event_date=back[12], applicant_name=ill_name, id_number=ill_id,
            hukou_place="吉林省延吉市", expenditure=18000, reimbursed=11000, on=back[12],
        )  # fmt: skip
        c = _backfill(township, c, back[7], kinds=("verify", "investigate"))
        actions.approve(actor=township, case=c, amount=c.proposed_amount, on=back[4], note="按第二档给予救助")
        # 5. beyond the county's cap: 一事一议, then the county approves
        c = actions.apply(
            actor=township, aid_type="expenditure", degree=3, event="户主突发白血病，医保和医疗救助后自付仍逾十万元",
            event_date=back[12], applicant_name=grave_name, id_number=grave_id,
            hukou_place="吉林省延吉市", expenditure=160000, reimbursed=52000, on=back[12],
        )  # fmt: skip
        c = _backfill(township, c, back[7], kinds=("verify", "investigate"))
        amount = 12 * c.standard
        decision_actions.record_deliberation(
            actor=county, case=c, held_on=back[4], participants="分管副市长、民政局局长、医保局副局长、红十字会秘书长",
            departments="民政、医保、卫健、人社、红十字会", decision="pay", amount=amount,
            payer="市民政局临时救助资金（其中红十字会另行募集援助）", note="困难群众基本生活保障工作协调机制会议",
        )  # fmt: skip
        actions.approve(actor=county, case=c, amount=amount, on=back[4], note="依据一事一议会议纪要审批")
    out.cases = TempAidCase.unscoped.filter(region_code=TOWNSHIP).count()
    return out
