"""Request-level audit of supervisors' reads (DOMAIN §1: auditors are read-only and every access is logged).

The logged line is the method, the path and the query with identity numbers hidden: the values of
the identity-number parameters are replaced and any run of 15–18 digits is masked like a number
(``220102********1234``), so a number typed into a search never enters the append-only log."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction

LOGGED_ROLES = frozenset({"auditor"})
SKIP_PREFIXES = ("/static/", "/favicon")
SENSITIVE_PARAMS = frozenset({"id_number", "id_no", "idcard", "id_card", "number"})
ID_RUN = re.compile(r"\d{14,17}[\dXx]")
HIDDEN = "（已隐去）"


def mask_id_runs(text: str) -> str:
    """Every run that looks like an identity number (15–18 characters) masked, region and last 4 kept."""
    return ID_RUN.sub(lambda m: m[0][:6] + "*" * (len(m[0]) - 10) + m[0][-4:], text)


def logged_path(request) -> str:
    """The path and query of a request as the access log keeps it (identity numbers hidden)."""
    parts = []
    for key, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True):
        parts.append(f"{key}={HIDDEN if key.lower() in SENSITIVE_PARAMS and value else value}")
    path = unquote(request.path) + ("?" + "&".join(parts) if parts else "")
    return mask_id_runs(path)


class SupervisorAccessLogMiddleware:
    """After the response, log each request an auditor made (pages and API, session or token —
    the API auth sets ``request.user`` during the view, so this looks after the view ran)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "role", "") in LOGGED_ROLES
            and not request.path.startswith(SKIP_PREFIXES)
        ):
            record_read(
                actor=user,
                action=AuditAction.AUDIT_SUPERVISOR_ACCESS,
                region_code=user.region_id or "",
                subject_type="request",
                subject_id=str(response.status_code),
                detail=f"{request.method} {logged_path(request)}"[:500],
            )
        return response
