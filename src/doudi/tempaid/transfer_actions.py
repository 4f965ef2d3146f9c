"""After temporary assistance (R-TA10) and persons living rough (R-TA2).

* **Transfer to the regular tiers.** When the follow-up screening finds the hardship continuing, the
  township opens — with the family's consent (R-W19c) — one casework application for every regular tier
  (DIBAO/TEKUN/MARGINAL/RIGID, R-W1, R-W26) of the applicant's registry household, through casework's
  ``intake_actions.open_application`` (channel 主动发现). The case keeps the application; the
  application keeps the case's number and id (``consent.temp_aid_case`` / ``temp_aid_id``). The
  household's special-assistance needs (R-P1) are reconciled at once by the needs rules
  (``monitoring.needs.push_actions.reconcile_households``): whatever the rules find due is pushed to the
  departments, once. An applicant the registry does not know inside the actor's region (another
  province, or only the temporary ``LS-`` household) applies at the household registration (R-W19b):
  refused with that message.
* **Persons living rough** (生活无着流浪乞讨人员, R-TA2) are a separate service: an open case is referred to
  the 救助管理站 (default: the county's), closed as 已转介 with no payment; money already paid first stays
  (R-TA5: review, not recovery)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from doudi.casework.base import CaseworkError
from doudi.casework.intake_actions import open_application
from doudi.casework.models import Channel
from doudi.core.audit_actions import AuditAction
from doudi.core.scoping import is_within
from doudi.monitoring.needs.push_actions import reconcile_households
from doudi.regions.queries import find_region
from doudi.registry.models import Person
from doudi.tempaid.base import TempAidConflict, TempAidError, audit
from doudi.tempaid.models import CaseStep, TempAidCase

S = TempAidCase.State
K = CaseStep.Kind
REGULAR_TIERS = ("DIBAO", "TEKUN", "MARGINAL", "RIGID")
REFERABLE = (S.ACCEPTED, S.PAID_FIRST, S.READY, S.NOTICE)


def _writable(actor, case: TempAidCase, capability: str = "tempaid.write") -> TempAidCase:
    code = getattr(actor, "region_id", None) or ""
    if not (actor.can(capability) and code and is_within(case.region_code, code)):
        raise TempAidError("您无权办理该临时救助", "actor")
    return TempAidCase.unscoped.select_for_update().get(pk=case.pk)


def _step(actor, case: TempAidCase, kind: str, on: dt.date, note: str) -> None:
    CaseStep.unscoped.create(
        region_code=case.region_code, case=case, kind=kind, on=on, note=note[:500],
        actor=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip


def registry_household(case: TempAidCase):
    """The applicant's own registry household (not the temporary ``LS-`` one made for the roster)."""
    if not case.id_index:
        return None
    person = (
        Person.unscoped.filter(id_index=case.id_index)
        .exclude(household__household_key__startswith="LS-")
        .select_related("household")
        .first()
    )
    return person.household if person is not None else None


@transaction.atomic
def open_regular_application(
    *, actor, case: TempAidCase, consent_by: str, tiers: list[str] | None = None, on: dt.date | None = None
) -> TempAidCase:
    """R-TA10: open the household's casework application (every regular tier) with the family's consent,
    link both ways, reconcile its special-assistance needs; the follow-up is then done."""
    on = on or timezone.localdate()
    case = _writable(actor, case, "tempaid.apply")
    if case.state != S.APPROVED:
        raise TempAidConflict("救助批准后才能转入常规救助申请", "state")
    if case.application_id:
        raise TempAidConflict("本案已转入常规救助申请", "state")
    if not (consent_by or "").strip():
        raise TempAidError("转为申请须征得家庭同意，请填写同意人（R-W19c）", "consent_by")
    tiers = [t for t in (tiers or REGULAR_TIERS) if t in REGULAR_TIERS]
    if not tiers:
        raise TempAidError("请选择申请的救助类别", "tiers")
    household = registry_household(case)
    code = getattr(actor, "region_id", None) or ""
    if household is None:
        raise TempAidError(
            "申请人未在户籍信息中登记，最低生活保障等须向户籍所在地乡镇（街道）申请，请告知申请人并登记后续筛查结果",
            "household",
        )
    if not is_within(household.region_code, code):
        town = find_region(household.region_code[:9].ljust(12, "0"))
        where = town.name if town is not None else "户籍所在地"
        raise TempAidError(
            f"申请人户籍在{where}，不在您的辖区，须向户籍所在地乡镇（街道）申请，请告知申请人", "household"
        )
    consent = {"given_by": consent_by.strip()[:64], "on": on.isoformat(),
               "temp_aid_case": case.number, "temp_aid_id": case.pk}  # fmt: skip
    try:
        app = open_application(
            actor=actor, household=household, channel=Channel.PROACTIVE, on=on, tiers=tiers, consent=consent
        )
    except CaseworkError as exc:  # includes the household's open application (one per household)
        raise TempAidConflict(str(exc), "household") from exc
    pushed = reconcile_households([household.pk], as_of=on, actor=actor).pushed
    case.application = app
    case.followup_done = True
    case.save(update_fields=["application", "followup_done"])
    note = f"经{consent['given_by']}同意，转入常规救助申请 {app.number}"
    if pushed:
        note += f"；按专项救助规则推送需求{pushed}项"
    _step(actor, case, K.TRANSFER, on, note)
    audit(actor, AuditAction.TEMPAID_TRANSFER, "tempaid_case", case,
          {"application": app.number, "tiers": tiers, "needs_pushed": pushed})  # fmt: skip
    return case


def default_station(case: TempAidCase) -> str:
    county = find_region(case.region_code[:6].ljust(12, "0"))
    return f"{county.name}救助管理站" if county is not None else "救助管理站"


@transaction.atomic
def refer_to_station(
    *, actor, case: TempAidCase, station: str = "", note: str = "", on: dt.date | None = None
) -> TempAidCase:
    """R-TA2: a person living rough is referred to the 救助管理站 (生活无着流浪乞讨人员救助)."""
    on = on or timezone.localdate()
    case = _writable(actor, case, "tempaid.apply")
    if case.state not in REFERABLE:
        raise TempAidConflict("该案件已办结或在审批中，不能转介", "state")
    station = (station or "").strip()[:100] or default_station(case)
    case.state = S.REFERRED
    case.station = station
    case.decided_on = on
    case.decided_by = actor if getattr(actor, "pk", None) else None
    case.save(update_fields=["state", "station", "decided_on", "decided_by"])
    text = f"生活无着流浪乞讨人员，转介{station}（生活无着流浪乞讨人员救助）"
    if (note or "").strip():
        text += f"：{note.strip()}"
    if case.paid_first_amount:
        text += f"；已先行救助{case.paid_first_amount}元，转复核，不自动追回"
    _step(actor, case, K.STATION, on, text)
    audit(actor, AuditAction.TEMPAID_STATION, "tempaid_case", case, {"station": station})
    return case
