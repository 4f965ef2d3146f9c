"""Writes of disclosure: the office guide (R-PUB1). Publishing a month is ``publish_actions``."""

from __future__ import annotations

from django.db import transaction

from doudi.core.audit import record_audit
from doudi.core.audit_actions import AuditAction
from doudi.disclosure import guide_defaults
from doudi.disclosure.models import OfficeGuide
from doudi.regions.models import Region


class GuideError(ValueError):
    pass


@transaction.atomic
def save_guide(*, actor, region: Region, data: dict) -> OfficeGuide:
    """Save the guide of a county or township; an empty field shows the default again. Takes effect on the
    public page at once (R-PUB1: within 10 working days of a change)."""
    if region.level not in ("county", "township"):
        raise GuideError("只能为县（市、区）或乡镇（街道）编写办事指南")
    guide = OfficeGuide.unscoped.select_for_update().filter(region_code=region.code).first()
    before = {f: getattr(guide, f) for f in guide_defaults.FIELDS} if guide else None
    if guide is None:
        guide = OfficeGuide(region_code=region.code)
    for field in guide_defaults.FIELDS:
        value = str(data.get(field) or "").strip()
        spec = OfficeGuide._meta.get_field(field)
        limit = getattr(spec, "max_length", None)
        if limit and len(value) > limit:
            raise GuideError(f"“{getattr(spec, 'verbose_name', field)}”不能超过{limit}个字")
        setattr(guide, field, value)
    guide.updated_by = actor if getattr(actor, "pk", None) else None
    guide.save()
    record_audit(
        actor=actor,
        action=AuditAction.DISCLOSURE_GUIDE_SAVE,
        region_code=region.code,
        subject_type="office_guide",
        subject_id=region.code,
        before=before,
        after={f: getattr(guide, f) for f in guide_defaults.FIELDS},
    )
    return guide
