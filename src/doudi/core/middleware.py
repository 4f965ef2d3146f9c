"""Request-level audit of supervisors' reads (DOMAIN §1: auditors are read-only and every access is logged)."""

from __future__ import annotations

from urllib.parse import unquote

from doudi.core.audit import record_read

LOGGED_ROLES = frozenset({"auditor"})
SKIP_PREFIXES = ("/static/", "/favicon")


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
                action="audit.supervisor_access",
                region_code=user.region_id or "",
                subject_type="request",
                subject_id=str(response.status_code),
                detail=f"{request.method} {unquote(request.get_full_path())}"[:500],
            )
        return response
