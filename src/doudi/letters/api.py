"""Letter endpoints of ``/api/v1``: a letter's metadata and its PDF as issued, scoped to the caller's
region subtree (a letter outside it is not found: 404)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from doudi.core.api_auth import api_auth, auth_user
from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.letters import queries
from doudi.letters.models import Letter

router = Router(tags=["文书"], auth=api_auth("registry.read"))


class DeliveryOut(Schema):
    method: str
    method_label: str
    delivered_on: dt.date | None
    note: str


class LetterOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    title: str
    region_code: str
    issued_on: dt.date
    addressee: str
    ref_type: str
    ref_id: int | None
    household_id: int | None
    corrects_id: int | None
    sha256: str
    delivered: bool
    delivery: DeliveryOut | None
    url: str


def letter_out(letter: Letter) -> dict:
    return {
        "id": letter.pk,
        "number": letter.number,
        "kind": letter.kind,
        "kind_label": letter.get_kind_display(),
        "title": letter.title,
        "region_code": letter.region_code,
        "issued_on": letter.issued_on,
        "addressee": letter.addressee,
        "ref_type": letter.ref_type,
        "ref_id": letter.ref_id,
        "household_id": letter.household_id,
        "corrects_id": letter.corrects_id,
        "sha256": letter.sha256,
        "delivered": letter.delivered,
        "delivery": (
            {
                "method": letter.delivery_method,
                "method_label": letter.get_delivery_method_display(),
                "delivered_on": letter.delivered_on,
                "note": letter.delivery_note,
            }
            if letter.delivered
            else None
        ),
        "url": reverse("api:letter_pdf", args=[letter.pk]),
    }


@router.get(
    "/letters/{int:letter_id}.pdf",
    url_name="letter_pdf",
    summary="文书PDF（与出具时完全一致）",
    description="返回出具时保存的PDF文件（身份证号均已脱敏）。每次下载记入审计日志。管辖范围外的文书返回404。",
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF文件",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            404: {"description": "文书不存在或不在管辖范围内"},
        }
    },
)
def letter_pdf(request: HttpRequest, letter_id: int):
    user = auth_user(request)
    letter = queries.letter_for_download(user, letter_id)
    record_read(
        actor=user,
        action=AuditAction.LETTER_DOWNLOAD,
        region_code=letter.region_code,
        subject_type="letter",
        subject_id=letter.pk,
        detail=f"{letter.number}（接口）",
    )
    response = HttpResponse(letter.pdf_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=letter-{letter.pk}.pdf"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/letters/{int:letter_id}",
    response=LetterOut,
    url_name="letter_detail",
    summary="文书信息",
    description="文书的种类、编号、出具日期、送达情况和PDF地址。管辖范围外的文书返回404。",
)
def letter_detail(request: HttpRequest, letter_id: int):
    return letter_out(queries.letter_for_download(auth_user(request), letter_id))
