"""Accounts endpoints of ``/api/v1``: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from doudi.accounts.models import ROLE_CAPABILITIES, Department, Role
from doudi.accounts.schemas import MeOut
from doudi.core.api_auth import api_auth, auth_user

router = Router(tags=["账号"], auth=api_auth())


@router.get("/me", response=MeOut, summary="当前账号")
def me(request: HttpRequest):
    user = auth_user(request)
    region = user.region
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": dict(Role.choices).get(user.role, user.role),
        "region_code": region.code if region else None,
        "region_name": region.name if region else None,
        "region_full_name": region.full_name if region else None,
        "department": user.department,
        "department_label": dict(Department.choices).get(user.department, ""),
        "capabilities": sorted(ROLE_CAPABILITIES.get(user.role, ())),
    }
