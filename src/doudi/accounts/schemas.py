"""Shapes of the accounts API."""

from __future__ import annotations

from ninja import Field, Schema


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    region_code: str | None
    region_name: str | None
    region_full_name: str | None
    department: str
    department_label: str
    capabilities: list[str] = Field(description="该账号可执行的操作")
