"""Every write of the letters app: issuing a letter (number, render, PDF, audit in one transaction),
recording its delivery, saving a new template version. Reads needed here come from ``queries``."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import Role
from doudi.core import crypto
from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.letters import queries
from doudi.letters.kinds import KINDS, missing_required
from doudi.letters.models import DeliveryMethod, Letter, LetterCounter, LetterKind, LetterTemplate
from doudi.letters.render import (
    SEAL,
    LetterError,
    Remedy,
    check_renders,
    contains_full_id,
    issued_on_text,
    plain,
    remedies_text,
    render_html,
    render_pdf,
)

__all__ = ["LetterError", "issue_letter", "record_delivery", "save_template", "TEMPLATE_EDITORS"]

TEMPLATE_EDITORS = frozenset({Role.ADMIN, Role.PROVINCE})
FULL_ID_REFUSED = (
    "文书内容中含有完整的身份证号码，文书只能显示脱敏号码（如 220102********1234），请改用脱敏号码"
)


def _next_number(county_code: str, year: int) -> int:
    """Take the next number of the county's year: the counter row is locked until the issuing
    transaction ends, so concurrent issues get distinct, gap-free numbers."""
    LetterCounter.objects.get_or_create(county_code=county_code, year=year)
    counter = LetterCounter.objects.select_for_update().get(county_code=county_code, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def issue_letter(
    *,
    actor,
    kind: str,
    region_code: str,
    household_id: int | None = None,
    ref: tuple[str, int | None] = ("", None),
    context: dict,
    on: dt.date,
    corrects: Letter | None = None,
    addressee: str = "",
    title: str = "",
) -> Letter:
    """Issue one letter: render the kind's current template with ``context`` and the standard
    variables, make the PDF, keep it (bytes and SHA-256) and audit, in one transaction.

    ``region_code`` is the region the letter belongs to (normally the household's township; the
    county for county-wide letters); it is numbered in its county's yearly sequence. ``ref`` names
    the record it is about, e.g. ``("casework.application", 42)``. ``corrects`` is the letter this
    one corrects (the old one is left as issued). Raises ``LetterError`` (Chinese message)."""
    if kind not in KINDS:
        raise LetterError("未知的文书种类")
    if not isinstance(context, dict):
        raise LetterError("文书内容须为键值对")
    missing = missing_required(kind, context)
    if missing:
        raise LetterError(f"{KINDS[kind].label}缺少必要内容：{'、'.join(missing)}")
    if contains_full_id(context) or contains_full_id(addressee) or contains_full_id(title):
        raise LetterError(FULL_ID_REFUSED)
    places = queries.places_of(region_code)
    if places is None:
        raise LetterError("文书须由县（市、区）或乡镇（街道）出具，所属区划无效")
    ref_type, ref_id = ref
    if corrects is not None and corrects.kind != kind:
        raise LetterError("更正文书须与原文书种类相同")

    template = queries.current_template(kind)
    body = template.body if template else queries.default_template_body(kind)
    remedy = Remedy(*queries.remedy_params(places.region_code, on))
    addressee = addressee or str(context.get("addressee") or context.get("applicant_name") or "")
    issuer = str(
        context.get("issuer")
        or (places.county_issuer if KINDS[kind].issuer_level == "county" else places.local_issuer)
    )

    with transaction.atomic():
        seq = _next_number(places.county_code, on.year)
        number = f"吉{places.county_short}救〔{on.year}〕第{seq:06d}号"
        full = plain(
            {
                **context,
                "number": number,
                "title": title or (template.title if template else KINDS[kind].label),
                "kind_label": KINDS[kind].label,
                "issued_on": issued_on_text(on),
                "region_name": places.region_name,
                "county_name": places.county_name,
                "township_name": places.township_name,
                "issuer": issuer,
                "seal": SEAL,
                "addressee": addressee,
                "remedy_review_days": remedy.review_days,
                "remedy_litigation_months": remedy.litigation_months,
                "remedies": remedies_text(remedy, places.county_name),
                "corrects_number": corrects.number if corrects else "",
            }
        )
        try:
            html = render_html(kind, body, full)
        except LetterError:
            raise
        except Exception as exc:  # a template that compiles but fails on this context
            raise LetterError("文书模板渲染失败，请联系省级管理员检查模板") from exc
        pdf = render_pdf(html)
        letter = Letter.unscoped.create(
            region_code=places.region_code,
            number=number,
            kind=kind,
            title=full["title"],
            household_id=household_id,
            ref_type=ref_type or "",
            ref_id=ref_id,
            context=full,
            template_version=template.version if template else 0,
            pdf=crypto.encrypt_bytes(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            issued_on=on,
            issued_by=actor if getattr(actor, "pk", None) else None,
            issued_at=timezone.now(),
            corrects=corrects,
            addressee=addressee,
        )
        record_audit(
            actor=actor,
            action=AuditAction.LETTER_ISSUE,
            region_code=letter.region_code,
            subject_type="letter",
            subject_id=letter.pk,
            after={
                "number": number,
                "kind": kind,
                "sha256": letter.sha256,
                "template_version": letter.template_version,
                "ref": f"{ref_type}:{ref_id}" if ref_type else "",
                "corrects": corrects.number if corrects else "",
            },
            detail=f"出具{KINDS[kind].label} {number}",
        )
    return letter


def record_delivery(
    *, actor, letter: Letter, method: str, on: dt.date, note: str = "", addressee: str = ""
) -> Letter:
    """Record how and when the letter reached its addressee (the only change a letter takes)."""
    if method not in DeliveryMethod.values:
        raise LetterError("请选择送达方式")
    if on is None:
        raise LetterError("请填写送达日期")
    if on < letter.issued_on:
        raise LetterError("送达日期不能早于出具日期")
    if on > timezone.localdate():
        raise LetterError("送达日期不能晚于今天")
    if contains_full_id(note) or contains_full_id(addressee):
        raise LetterError(FULL_ID_REFUSED)
    with transaction.atomic():
        locked = Letter.unscoped.select_for_update().get(pk=letter.pk)
        before = {
            "method": locked.delivery_method,
            "on": locked.delivered_on,
            "addressee": locked.addressee,
        }
        locked.delivery_method = method
        locked.delivered_on = on
        locked.delivery_note = note[:200]
        if addressee:
            locked.addressee = addressee[:64]
        locked.save(update_fields=["delivery_method", "delivered_on", "delivery_note", "addressee"])
        record_audit(
            actor=actor,
            action=AuditAction.LETTER_DELIVERY,
            region_code=locked.region_code,
            subject_type="letter",
            subject_id=locked.pk,
            before=before,
            after={"method": method, "on": on, "addressee": locked.addressee},
            detail=f"{locked.number} {DeliveryMethod(method).label}送达",
        )
    letter.refresh_from_db()
    return letter


def save_template(*, actor, kind: str, title: str, body: str, note: str = "") -> LetterTemplate:
    """Save a new version of a kind's template (province administrators only); the old versions stay."""
    if getattr(actor, "role", None) not in TEMPLATE_EDITORS or not actor.is_active:
        raise LetterError("只有省级民政或系统管理员可以修改文书模板")
    if kind not in LetterKind.values:
        raise LetterError("未知的文书种类")
    title = (title or "").strip()
    if not title:
        raise LetterError("请填写文书标题")
    if not (body or "").strip():
        raise LetterError("模板正文不能为空")
    check_renders(kind, body)
    with transaction.atomic():
        last = queries.current_template(kind, for_update=True)
        tpl = LetterTemplate.objects.create(
            kind=kind,
            version=(last.version if last else 0) + 1,
            title=title[:100],
            body=body,
            edited_by=actor,
            edited_at=timezone.now(),
            note=(note or "")[:200],
        )
        record_audit(
            actor=actor,
            action=AuditAction.LETTER_TEMPLATE_SAVE,
            region_code=actor.region_id or "",
            subject_type="letter_template",
            subject_id=tpl.pk,
            after={"kind": kind, "version": tpl.version, "title": tpl.title},
            detail=f"{KINDS[kind].label} 第{tpl.version}版" + (f"：{tpl.note}" if tpl.note else ""),
        )
    return tpl
