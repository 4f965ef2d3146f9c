"""From the window to acceptance (CASEWORK R-W16–R-W19c): open an application from any channel, the
one-time list of materials, authorizations and the commitment, acceptance with its receipt, return for
missing materials, refusal to accept, withdrawal and lapse."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from doudi.casework import clock, household_data, materials, paperwork, params, states, verify_rules
from doudi.casework.base import (
    ROLE_LEVEL,
    CaseworkConflict,
    CaseworkError,
    audit_application,
    may,
    move,
    open_deadline,
)
from doudi.casework.events import CaseworkEvent, emit
from doudi.casework.models import Application, Attachment, Authorization, Channel, Deadline, Step
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.registry.models import Household, Person
from doudi.registry.window_actions import register_household_from

CONSENT_CHANNELS = (Channel.WARNING, Channel.REPORT, Channel.PROACTIVE)  # R-W19c
AUTHORIZATION_PURPOSE = "社会救助家庭经济状况核对，以及其后的定期复核和动态监测"


def _today() -> dt.date:
    return timezone.localdate()


def open_for(actor, household: Household) -> Application | None:
    return (
        Application.unscoped.filter(household=household, state__in=states.OPEN_STATES).order_by("-pk").first()
    )


@transaction.atomic
def open_application(
    *,
    actor,
    household: Household,
    channel: str,
    on: dt.date | None = None,
    applicant: Person | None = None,
    tiers: list[str] | None = None,
    warning_id: int | None = None,
    consent: dict | None = None,
    proxy: str = "",
    near_relative: bool = False,
    draft: bool = False,
) -> Application:
    """A new application of a registry household (R-W1: one open application per household, every tier)."""
    today = _today()
    on = on or today
    if on > today:
        raise CaseworkError("申请日期不能晚于今天", "on")
    if channel not in Channel.values:
        raise CaseworkError("请选择申请渠道", "channel")
    if channel in CONSENT_CHANNELS and not (consent or {}).get("given_by"):
        raise CaseworkError("由预警、报告或主动发现转为申请，须记录家庭的同意和授权（R-W19c）", "consent")
    existing = open_for(actor, household)
    if existing is not None:
        raise CaseworkConflict(f"该家庭已有办理中的申请（{existing.number}），一户一次申请即覆盖各类救助")
    people = household_data.members(household.pk, on)
    if applicant is None:
        applicant = next((p for p in people if p.relation == "head"), people[0] if people else None)
    if applicant is None:
        raise CaseworkError("该家庭没有登记成员，请先登记家庭成员", "household")
    app = Application.unscoped.create(
        number=f"tmp-{hashlib.sha256(f'{household.pk}{timezone.now()}'.encode()).hexdigest()[:16]}",
        household=household,
        region_code=household.region_code,
        applicant=applicant,
        applicant_name=applicant.name,
        proxy=proxy[:200],
        channel=channel,
        tiers=list(tiers or []),
        state="draft" if draft else "submitted",
        received_on=on,
        warning_id=warning_id,
        consent={k: str(v) for k, v in (consent or {}).items()},
        near_relative=near_relative,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    app.number = f"SQ{on:%Y}{household.region_code[:6]}{app.pk:07d}"
    app.save(update_fields=["number"])
    _refresh_materials(app, on)
    Step.unscoped.create(
        application=app,
        region_code=app.region_code,
        event="open",
        from_state="",
        to_state=app.state,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "label", None) or str(actor or "系统"),
        role=getattr(actor, "role", ""),
        level=ROLE_LEVEL.get(getattr(actor, "role", ""), "system" if not getattr(actor, "role", "") else ""),
        rule="R-W17",
        note=Channel(channel).label,
    )
    record_audit(
        actor=actor,
        action=AuditAction.CASEWORK_OPEN,
        region_code=app.region_code,
        subject_type="application",
        subject_id=app.pk,
        after={"number": app.number, "household": household.pk, "channel": channel, "on": on},
    )
    emit(CaseworkEvent.APPLICATION_OPENED, application=app, actor=actor)
    return app


@transaction.atomic
def open_for_new_household(
    *, actor, household: dict, channel: str, on: dt.date | None = None, **kw
) -> Application:
    """A family not yet in the registry (the window, proactive discovery): register it, then apply."""
    on = on or _today()
    hh = register_household_from(actor=actor, data=household, on=on)
    return open_application(actor=actor, household=hh, channel=channel, on=on, **kw)


def _refresh_materials(app: Application, on: dt.date) -> list[dict]:
    shape = household_data.for_materials(app.household_id, on, tiers=app.tiers or [], proxy=bool(app.proxy))
    provided = {
        m["key"]
        for m in app.materials or []
        if m.get("status") == "provided" and m["kind"] not in ("authorization", "commitment")
    }
    authorized = set(
        Authorization.unscoped.filter(application=app, revoked_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    app.materials = materials.status_of(
        materials.required(shape, on), provided, authorized, app.commitment_on is not None
    )
    app.save(update_fields=["materials", "updated_at"])
    return app.materials


def _writable(app: Application, actor=None) -> Application:
    """The application locked for a change of its file (materials, authorizations, commitment): open,
    and the actor one who may handle the township's stages (R-W17)."""
    app = Application.unscoped.select_for_update().get(pk=app.pk)
    if app.state in states.TERMINAL:
        raise CaseworkConflict("申请已办结，不能再修改")
    if actor is not None and not may(actor, "withdraw", app):
        raise PermissionError("您无权办理此申请")
    return app


def _not_future(on: dt.date | None, path: str) -> dt.date:
    on = on or _today()
    if on > _today():
        raise CaseworkError("日期不能晚于今天", path)
    return on


@transaction.atomic
def record_material(
    *, actor, application: Application, key: str, provided: bool = True, note: str = ""
) -> Application:
    app = _writable(application, actor)
    keys = {m["key"] for m in app.materials}
    if key not in keys:
        raise CaseworkError("该材料不在本申请的材料清单中", "key")
    for m in app.materials:
        if m["key"] == key and m["kind"] not in ("authorization", "commitment"):
            m["status"] = "provided" if provided else ("fetched" if m.get("fetchable") else "missing")
            m["note"] = note[:200]
    app.save(update_fields=["materials", "updated_at"])
    audit_application(actor, app, AuditAction.CASEWORK_MATERIALS, {"key": key, "provided": provided})
    return app


@transaction.atomic
def attach_scan(*, actor, application: Application, material: str, upload) -> Attachment:
    app = _writable(application, actor)
    data = upload.read()
    upload.seek(0)
    att = Attachment.unscoped.create(
        application=app,
        region_code=app.region_code,
        material=material[:40],
        file=upload,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_application(
        actor, app, AuditAction.CASEWORK_MATERIALS, {"attachment": att.pk, "material": material}
    )
    return att


@transaction.atomic
def record_authorization(
    *,
    actor,
    application: Application,
    person: Person,
    method: str,
    signed_on: dt.date | None = None,
    guardian: bool = False,
    scan=None,
) -> Authorization:
    """授权书 of a co-resident adult member or a legal supporter (R-W19a): scope, purpose, validity."""
    app = _writable(application, actor)
    signed_on = signed_on or _today()
    if signed_on > _today():
        raise CaseworkError("签署日期不能晚于今天", "signed_on")
    if method not in Authorization.Method.values:
        raise CaseworkError("请选择授权方式（纸质签字或远程电子授权）", "method")
    keys = {m["person_id"] for m in app.materials if m["kind"] == "authorization"}
    if person.pk not in keys:
        raise CaseworkError(
            f"{person.name}不是本户共同生活的成年成员或法定赡养（抚养、扶养）义务人", "person"
        )
    is_member = person.household_id == app.household_id
    role = (
        Authorization.Role.GUARDIAN
        if guardian
        else (Authorization.Role.MEMBER if is_member else Authorization.Role.SUPPORTER)
    )
    auth = Authorization.unscoped.create(
        application=app,
        region_code=app.region_code,
        person=person,
        role=role,
        method=method,
        signed_on=signed_on,
        items=list(verify_rules.DEFAULT_PARAMS["verify.items"]),
        purpose=AUTHORIZATION_PURPOSE,
        scan=scan or "",
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _refresh_materials(app, app.received_on)
    audit_application(
        actor,
        app,
        AuditAction.CASEWORK_AUTHORIZATION,
        {"authorization": auth.pk, "person": person.pk, "method": method},
    )
    return auth


@transaction.atomic
def revoke_authorization(*, actor, authorization: Authorization, on: dt.date | None = None) -> Authorization:
    """Revoking stops the application (R-W19a): it cannot continue until authorised again."""
    _writable(authorization.application, actor)
    authorization.revoked_on = _not_future(on, "on")
    authorization.save(update_fields=["revoked_on"])
    app = authorization.application
    _refresh_materials(app, app.received_on)
    audit_application(
        actor,
        app,
        AuditAction.CASEWORK_AUTHORIZATION,
        {"authorization": authorization.pk, "revoked_on": authorization.revoked_on},
    )
    return authorization


@transaction.atomic
def record_commitment(
    *, actor, application: Application, on: dt.date | None = None, method: str = "paper"
) -> Application:
    app = _writable(application, actor)
    app.commitment_on = _not_future(on, "on")
    app.commitment_method = method if method in ("paper", "electronic") else "paper"
    app.save(update_fields=["commitment_on", "commitment_method", "updated_at"])
    _refresh_materials(app, app.received_on)
    audit_application(actor, app, AuditAction.CASEWORK_AUTHORIZATION, {"commitment_on": app.commitment_on})
    return app


def _missing_authorizations(app: Application) -> list[str]:
    return [
        m["label"] for m in materials.missing(app.materials) if m["kind"] in ("authorization", "commitment")
    ]


@transaction.atomic
def accept(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    """受理 (R-W17): authorizations and commitment complete; starts the clock and both tracks (R-W20, R-W22);
    issues the 受理回执."""
    _refresh_materials(application, application.received_on)
    application.refresh_from_db()
    gaps = _missing_authorizations(application)
    if gaps:
        raise CaseworkError("授权书和承诺书齐全后才能受理，缺少：" + "、".join(gaps), "materials")
    app, step = move(actor, application, "accept", on=on, expected_version=expected_version)
    app.accepted_on = step.on
    app.verification_requested_on = step.on  # the township requests verification on acceptance (R-W20)
    app.save(update_fields=["accepted_on", "verification_requested_on", "updated_at"])
    open_deadline(app, clock.TOTAL, step.on)
    open_deadline(app, clock.INVESTIGATE, step.on)
    open_deadline(app, clock.VERIFY, step.on)
    paperwork.issue("receipt", app, actor=actor, on=step.on)
    return app


@transaction.atomic
def return_for_materials(
    *,
    actor,
    application: Application,
    missing: list[str] | None = None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    """一次性告知 (R-W19): everything missing in one list, never what the system fetches itself."""
    _refresh_materials(application, application.received_on)
    application.refresh_from_db()
    listed = [m["label"] for m in materials.missing(application.materials)]
    extra = [str(x).strip() for x in (missing or []) if str(x).strip()]
    wanted = list(dict.fromkeys(listed + extra))
    if not wanted:
        raise CaseworkError("材料已齐全，无需补正", "missing")
    app, step = move(
        actor, application, "return", on=on, expected_version=expected_version, data={"missing": wanted}
    )
    lapse = params.days("returned_lapse_days", region_code=app.region_code, on=step.on)
    paperwork.issue(
        "materials",
        app,
        actor=actor,
        on=step.on,
        extra={"missing_materials": wanted, "materials_deadline": step.on + dt.timedelta(days=lapse)},
    )
    return app


@transaction.atomic
def resubmit(
    *, actor, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Application:
    app, _ = move(actor, application, "resubmit", on=on, expected_version=expected_version)
    _refresh_materials(app, app.received_on)
    return app


@transaction.atomic
def not_accept(
    *,
    actor,
    application: Application,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError("不予受理须写明理由", "reason")
    app, step = move(actor, application, "not_accept", on=on, note=reason, expected_version=expected_version)
    app.decided_on = step.on
    app.save(update_fields=["decided_on", "updated_at"])
    paperwork.issue("not_accepted", app, actor=actor, on=step.on, extra={"reason": reason})
    return app


@transaction.atomic
def withdraw(
    *,
    actor,
    application: Application,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise CaseworkError("撤回申请须记录原因", "reason")
    app, step = move(actor, application, "withdraw", on=on, note=reason, expected_version=expected_version)
    app.decided_on = step.on
    app.save(update_fields=["decided_on", "updated_at"])
    Deadline.unscoped.filter(application=app, done_on__isnull=True).update(done_on=step.on)
    return app


def lapse_returned(today: dt.date | None = None) -> int:
    """Applications whose missing materials never came (``returned_lapse_days`` calendar days) lapse.
    One read finds the candidates with their return date; only those past the limit are moved."""
    today = today or _today()
    count = 0
    returned = (
        Application.unscoped.filter(state="returned")
        .annotate(returned_on=Max("steps__on", filter=Q(steps__event="return")))
        .values_list("pk", "region_code", "returned_on")
    )
    for pk, region, returned_on in returned.iterator(chunk_size=2000):
        limit = params.days("returned_lapse_days", region_code=region, on=returned_on)
        if returned_on and (today - returned_on).days > limit:
            with transaction.atomic():
                app = Application.unscoped.get(pk=pk)
                move("system", app, "lapse", on=today, check_actor=False, note=f"补正材料逾期{limit}日未提交")
                count += 1
    return count


@transaction.atomic
def set_exemption(
    *,
    actor,
    application: Application,
    reason: str = "",
    hiv: bool | None = None,
    near_relative: bool | None = None,
) -> Application:
    """The county's flags on a file: a notice exemption with its approved reason (R-PUB3), the Jilin
    HIV rule (R-W24: the county verifies and confirms itself, no notice, no publication) and the
    near-relative filing (R-W4: a county home visit before confirmation)."""
    if getattr(actor, "role", "") != "county_officer":
        raise PermissionError("免于公示、特殊保护和近亲属备案标记由县级民政审批")
    app = _writable(application)
    if hiv is not None:
        app.hiv_flag = hiv
    if near_relative is not None:
        app.near_relative = near_relative
    app.no_publication = (reason or "").strip()[:100]
    app.save(update_fields=["hiv_flag", "near_relative", "no_publication", "updated_at"])
    audit_application(
        actor, app, AuditAction.CASEWORK_MATERIALS,
        {"no_publication": bool(app.no_publication), "near_relative": app.near_relative, "restricted": app.hiv_flag},
    )  # fmt: skip
    return app
